package benchdata

import (
	"fmt"
	"strings"
)

// File is one file of a generated repository: its path relative to the
// repository's root, with forward slashes, and its content.
type File struct {
	Path    string
	Content []byte
}

// BuildRepository is a repository with 50 workflow files and 20
// Dockerfiles of realistic size: matrix builds with env at every level,
// multi-line run: scripts, multi-stage builds that set GOPRIVATE in the
// builder.
func BuildRepository() []File {
	var files []File
	for i := range 50 {
		var b strings.Builder
		fmt.Fprintf(&b, "name: ci-%d\non:\n  push:\n    branches: [main]\n  pull_request:\nenv:\n  GOPRIVATE: \"*.corp%d.example.com\"\n  GONOSUMDB: corp%d.example.com\n  GOFLAGS: -mod=readonly\npermissions:\n  contents: read\njobs:\n", i, i, i)
		for j := range 4 {
			fmt.Fprintf(&b, "  job%d:\n    name: Job %d on ${{ matrix.os }}\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]\n        go: ['1.25', '1.26']\n    env:\n      GOPROXY: https://proxy%d.example.com,direct\n      CGO_ENABLED: \"0\"\n    steps:\n", j, j, j)
			b.WriteString("      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{ matrix.go }}\n          cache: true\n")
			b.WriteString("      - name: Configure private modules\n        env:\n          TOKEN: ${{ secrets.TOKEN }}\n        run: |\n          git config --global url.\"https://x:${TOKEN}@git.corp.example.com/\".insteadOf \"https://git.corp.example.com/\"\n          echo \"GONOPROXY=corp.example.com\" >> \"$GITHUB_ENV\"\n          go env -w GOTOOLCHAIN=local\n")
			b.WriteString("      - name: Test\n        run: |\n          export GOFLAGS=\"-mod=readonly -trimpath\"\n          go mod download\n          go test -race -count=1 ./...\n          go build -o bin/ ./cmd/...\n")
		}
		files = append(files, File{fmt.Sprintf(".github/workflows/ci%d.yml", i), []byte(b.String())})
	}
	for i := range 20 {
		df := fmt.Sprintf(`# syntax=docker/dockerfile:1
ARG GO_VERSION=1.26
FROM golang:${GO_VERSION} AS builder
ARG GOPROXY=https://proxy%d.example.com,direct
ENV GOPRIVATE="*.corp.example.com" \
    GONOSUMDB=corp.example.com \
    CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go env -w GOFLAGS=-mod=readonly && \
    go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    GOOS=linux GOARCH=amd64 go build -trimpath -o /out/app ./cmd/app

FROM builder AS test
RUN <<EOF
export GOFLAGS=-count=1
go test ./...
EOF

FROM gcr.example.com/distroless/static
COPY --from=builder /out/app /app
ENTRYPOINT ["/app"]
`, i)
		files = append(files, File{fmt.Sprintf("svc%d/Dockerfile", i), []byte(df)})
	}
	return files
}
