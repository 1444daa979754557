package buildenv

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"gopkg.in/yaml.v3"
)

type repoFile struct {
	path    string
	content []byte
}

// benchRepository is a repository with 50 workflow files and 20
// Dockerfiles of realistic size: matrix builds with env at every level,
// multi-line run: scripts, multi-stage builds that set GOPRIVATE in the
// builder.
func benchRepository() []repoFile {
	var files []repoFile
	for i := range 50 {
		var b strings.Builder
		fmt.Fprintf(&b, "name: ci-%d\non:\n  push:\n    branches: [main]\n  pull_request:\nenv:\n  GOPRIVATE: \"*.corp%d.example.com\"\n  GONOSUMDB: corp%d.example.com\n  GOFLAGS: -mod=readonly\npermissions:\n  contents: read\njobs:\n", i, i, i)
		for j := range 4 {
			fmt.Fprintf(&b, "  job%d:\n    name: Job %d on ${{ matrix.os }}\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]\n        go: ['1.25', '1.26']\n    env:\n      GOPROXY: https://proxy%d.example.com,direct\n      CGO_ENABLED: \"0\"\n    steps:\n", j, j, j)
			b.WriteString("      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{ matrix.go }}\n          cache: true\n")
			b.WriteString("      - name: Configure private modules\n        env:\n          TOKEN: ${{ secrets.TOKEN }}\n        run: |\n          git config --global url.\"https://x:${TOKEN}@git.corp.example.com/\".insteadOf \"https://git.corp.example.com/\"\n          echo \"GONOPROXY=corp.example.com\" >> \"$GITHUB_ENV\"\n          go env -w GOTOOLCHAIN=local\n")
			b.WriteString("      - name: Test\n        run: |\n          export GOFLAGS=\"-mod=readonly -trimpath\"\n          go mod download\n          go test -race -count=1 ./...\n          go build -o bin/ ./cmd/...\n")
		}
		files = append(files, repoFile{fmt.Sprintf(".github/workflows/ci%d.yml", i), []byte(b.String())})
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
		files = append(files, repoFile{fmt.Sprintf("svc%d/Dockerfile", i), []byte(df)})
	}
	return files
}

func TestBenchRepositoryParses(t *testing.T) {
	for _, f := range benchRepository() {
		d, err := parseAny(f.path, f.content)
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		if len(d.items) < 10 {
			t.Errorf("%s: only %d values", f.path, len(d.items))
		}
		checkSpans(t, f.path, f.content, d.items)
	}
}

// BenchmarkParseRepository parses all 70 files with positions.
func BenchmarkParseRepository(b *testing.B) {
	files := benchRepository()
	size := 0
	for _, f := range files {
		size += len(f.content)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			var err error
			if IsWorkflow(f.path) {
				_, err = ParseWorkflow(f.path, f.content)
			} else {
				_, err = ParseDockerfile(f.path, f.content)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkParseRepositoryLibraries is the anchor: the same files through
// the two libraries alone (yaml.v3 nodes, buildkit's parser), no positions.
func BenchmarkParseRepositoryLibraries(b *testing.B) {
	files := benchRepository()
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if IsWorkflow(f.path) {
				var n yaml.Node
				if err := yaml.Unmarshal(f.content, &n); err != nil {
					b.Fatal(err)
				}
			} else if _, err := parser.Parse(bytes.NewReader(f.content)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
