package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// buildBenchFolder writes a repository with benchdata.BuildRepository's 50
// workflows and 20 Dockerfiles (withBuild) or without them, and a go.mod.
func buildBenchFolder(b *testing.B, withBuild bool) Config {
	b.Helper()
	dir := b.TempDir()
	files := map[string][]byte{"go.mod": []byte("module git.corp.example.com/team/app\n\ngo 1.22\n\nrequire git.corp.example.com/team/util v1.2.0\n")}
	if withBuild {
		for _, f := range benchdata.BuildRepository() {
			files[f.Path] = f.Content
		}
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return Config{Folder: dir, ProcessEnv: map[string]string{"PATH": "/nonexistent", "HOME": dir}, GoBinary: "/nonexistent/go",
		Options: sources.Options{GOOS: "linux", Trusted: true}}
}

// BenchmarkCheckBuildRepository is engine.Check end to end (walk, read,
// parse, resolve 270 consumers, every rule) of a repository with 50
// workflow files and 20 Dockerfiles; cold parses every file each time,
// warm shares the parse cache as the language server does.
func BenchmarkCheckBuildRepository(b *testing.B) {
	for _, bc := range []struct {
		name  string
		build bool
		warm  bool
	}{{"anchor-no-build-files", false, false}, {"cold", true, false}, {"warm", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := buildBenchFolder(b, bc.build)
			cache := sources.NewParseCache()
			consumers := 0
			b.ReportAllocs()
			for b.Loop() {
				if !bc.warm {
					cache = sources.NewParseCache()
				}
				cfg.Parses = cache
				r := Check(context.Background(), cfg, nil, CheckOptions{NoFixes: true})
				consumers = len(r.Consumers)
			}
			b.ReportMetric(float64(consumers), "consumers")
		})
	}
}
