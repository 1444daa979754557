package verify_test

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	. "github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// TestTargets: the modules a folder needs (exact versions, without local
// replacements, go.sum noted), the toolchain GOTOOLCHAIN would download,
// and one target per distinct consumer environment.
func TestTargets(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ws/go.mod", "module example.com/ws\n\ngo 1.99\n\nrequire (\n\tpub.example.com/a v1.0.0\n\tpub.example.com/b v1.1.0\n\tlocal.example.com/c v0.1.0\n\tpub.example.com/d v1.0.0\n)\n\nreplace local.example.com/c => ../c\n\nreplace pub.example.com/b => pub.example.com/fork v1.2.0\n")
	write("ws/go.sum", "pub.example.com/a v1.0.0 h1:x=\npub.example.com/a v1.0.0/go.mod h1:y=\npub.example.com/d v1.0.0 h1:x=\npub.example.com/d v1.0.0/go.mod h1:y=\npub.example.com/fork v1.2.0/go.mod h1:z=\n")
	write("ws/tools/go.mod", "module example.com/ws/tools\n\ngo 1.22\n\nrequire pub.example.com/a v1.0.0\n")
	write("ws/.vscode/settings.json", `{"go.toolsEnvVars": {"GOPROXY": "https://athens.example.com,direct"}}`)
	write("home/goenv", "GOTOOLCHAIN=auto\nGOPRIVATE=local.example.com\n")
	// An image and a CI job are consumers, but not targets: they run on
	// another network, and a GOPRIVATE from a secret is unknown here.
	write("ws/Dockerfile", "FROM golang:1.26\nRUN go build ./...\n")
	write("ws/.github/workflows/ci.yml", "on: push\njobs:\n  t:\n    runs-on: x\n    env:\n      GOPRIVATE: ${{ vars.PRIVATE }}\n    steps:\n      - run: go test ./...\n")
	snap := engine.Load(engine.Config{
		Folder:     filepath.Join(dir, "ws"),
		ProcessEnv: map[string]string{"HOME": filepath.Join(dir, "home"), "GOENV": filepath.Join(dir, "home", "goenv"), "PATH": filepath.Dir(goBinary(t))},
		Options:    sources.Options{Trusted: true},
	}, nil)
	consumers := engine.Resolve(snap)
	if n := len(consumers); n != 6 || consumers[4].Name != "docker:Dockerfile#0" || consumers[5].Name != "ci:ci/t" {
		t.Fatalf("consumers %d; want the editor's four, the Docker stage and the CI job", n)
	}
	targets := Targets(snap, consumers, []module.Version{{Path: "extra.example.com/x", Version: "v0.0.1"}})

	var groups [][]string
	for _, tg := range targets {
		groups = append(groups, tg.Consumers)
	}
	if !slices.EqualFunc(groups, [][]string{{"terminal"}, {"gopls", "tools"}, {"install"}}, slices.Equal) {
		t.Errorf("consumer groups %v", groups)
	}
	toolchain := "v0.0.1-go1.99.0." + runtime.GOOS + "-" + runtime.GOARCH
	for _, tg := range targets {
		var got []string
		inGoSum := map[string]bool{}
		for _, m := range tg.Modules {
			got = append(got, m.String())
			inGoSum[m.Path] = m.InGoSum
		}
		want := []string{"pub.example.com/a@v1.0.0", "pub.example.com/b@v1.1.0", "pub.example.com/d@v1.0.0", "pub.example.com/fork@v1.2.0", "extra.example.com/x@v0.0.1", ToolchainModule + "@" + toolchain}
		if !slices.Equal(got, want) {
			t.Errorf("%v: modules %q, want %q", tg.Consumers, got, want)
		}
		// d has both hashes in go.sum; fork only its go.mod's; a is also
		// required by tools/go.mod, which has no go.sum.
		if !inGoSum["pub.example.com/d"] || inGoSum["pub.example.com/fork"] || inGoSum["pub.example.com/a"] {
			t.Errorf("%v: go.sum coverage %v", tg.Consumers, inGoSum)
		}
	}
	for _, m := range targets[0].Modules {
		if m.Path == "pub.example.com/a" && len(m.Places) != 2 {
			t.Errorf("pub.example.com/a is required on two lines (two go.mod files): %+v", m.Places)
		}
	}
}

func goBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no go command: %v", err)
	}
	return p
}
