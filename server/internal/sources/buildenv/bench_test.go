package buildenv

import (
	"bytes"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"gopkg.in/yaml.v3"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

type repoFile struct {
	path    string
	content []byte
}

// benchRepository is benchdata.BuildRepository: 50 workflow files and 20
// Dockerfiles (the engine's end-to-end benchmark uses the same files).
func benchRepository() []repoFile {
	var files []repoFile
	for _, f := range benchdata.BuildRepository() {
		files = append(files, repoFile{f.Path, f.Content})
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
