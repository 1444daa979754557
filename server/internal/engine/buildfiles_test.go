package engine

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Load finds the build files by name, adds the Dockerfiles compose and dev
// containers name inside the folder (never outside it), prunes what the
// go command ignores, and reports a non-regular file instead of reading it.
func TestLoadBuildFiles(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "ws")
	writeFiles(t, dir, map[string]string{
		"ws/Dockerfile":                         "FROM golang:1.26 AS build\nENV GOPRIVATE=corp.example.com\nRUN go build ./...\n",
		"ws/deploy/app.Dockerfile":              "FROM golang:1.26\nRUN go mod download\n",
		"ws/Dockerfile.dev":                     "FROM golang:1.26\n",
		"ws/compose.yaml":                       "services:\n  app:\n    build:\n      context: build\n      dockerfile: custom.df\n  evil:\n    build:\n      context: ../..\n      dockerfile: outside.df\n",
		"ws/build/custom.df":                    "FROM golang:1.26\nARG GOPROXY\nRUN go build\n",
		"outside.df":                            "FROM scratch\n",
		"ws/.devcontainer/devcontainer.json":    "{\n  // JSONC\n  \"build\": {\"dockerfile\": \"dev.df\"},\n  \"containerEnv\": {\"GOPRIVATE\": \"corp.example.com\"},\n}\n",
		"ws/.devcontainer/dev.df":               "FROM golang:1.26\n",
		"ws/.devcontainer/go/devcontainer.json": "{}",
		"ws/.github/workflows/ci.yml":           "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n",
		"ws/.github/workflows/release.yaml":     "on: push\njobs: {}\n",
		"ws/.github/workflows/README.md":        "not a workflow",
		"ws/.gitlab-ci.yml":                     "variables:\n  GOPRIVATE: corp.example.com\nbuild:\n  script: [go build]\n",
		"ws/node_modules/x/Dockerfile":          "FROM node\n",
		"ws/vendor/Dockerfile":                  "FROM vendor\n",
		"ws/a/b/c/d/Dockerfile":                 "FROM too-deep\n",
		"ws/.github/workflows/broken.yml":       "jobs: [\n",
	})
	if err := syscall.Mkfifo(filepath.Join(folder, "Dockerfile.fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := sources.NewParseCache()
	cfg := Config{Folder: folder, ProcessEnv: map[string]string{"PATH": "/nonexistent"}, GoBinary: "/nonexistent/go", Parses: cache, ModFiles: []string{}}
	s := Load(cfg, nil)
	var got []string
	kinds := map[string]sources.Kind{}
	for _, f := range s.BuildFiles {
		rel, _ := filepath.Rel(folder, f.Path)
		rel = filepath.ToSlash(rel)
		got = append(got, rel)
		kinds[rel] = f.Kind
		if f.Path == filepath.Join(folder, ".github/workflows/broken.yml") {
			if f.Err == nil || f.Parsed != nil {
				t.Errorf("broken workflow: Parsed %v, Err %v; want a parse error", f.Parsed, f.Err)
			}
		} else if f.Err != nil || f.Parsed == nil {
			t.Errorf("%s: Parsed %v, Err %v", rel, f.Parsed, f.Err)
		}
		if string(s.Content(f.Path)) != string(f.Content) {
			t.Errorf("%s: Snapshot.Content differs from the parsed content", rel)
		}
	}
	want := []string{
		".devcontainer/dev.df", ".devcontainer/devcontainer.json", ".devcontainer/go/devcontainer.json",
		".github/workflows/broken.yml", ".github/workflows/ci.yml", ".github/workflows/release.yaml",
		".gitlab-ci.yml", "Dockerfile", "Dockerfile.dev", "build/custom.df", "compose.yaml", "deploy/app.Dockerfile",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("build files:\n got %q\nwant %q", got, want)
	}
	for rel, k := range map[string]sources.Kind{
		"Dockerfile": sources.DockerfileKind, "build/custom.df": sources.DockerfileKind, ".devcontainer/dev.df": sources.DockerfileKind,
		"compose.yaml": sources.ComposeKind, ".devcontainer/devcontainer.json": sources.DevContainer,
		".github/workflows/ci.yml": sources.GitHubActions, ".gitlab-ci.yml": sources.GitLabCI,
	} {
		if kinds[rel] != k {
			t.Errorf("%s: kind %q; want %q", rel, kinds[rel], k)
		}
	}
	skipped := s.Skipped()
	if len(skipped) != 1 || skipped[0].Path != filepath.Join(folder, "Dockerfile.fifo") {
		t.Errorf("skipped %+v; want the FIFO reported", skipped)
	}
	files := buildenv.Of(s)
	if len(files.Dockerfiles) != 5 || len(files.Workflows) != 2 || len(files.Composes) != 1 || len(files.DevContainers) != 2 || len(files.GitLab) != 1 {
		t.Errorf("buildenv.Of: %d Dockerfiles, %d workflows, %d compose, %d dev containers, %d GitLab",
			len(files.Dockerfiles), len(files.Workflows), len(files.Composes), len(files.DevContainers), len(files.GitLab))
	}

	// A second load of the same bytes parses nothing; a change parses that file only.
	n := cache.Parses()
	Load(cfg, nil)
	if d := cache.Parses() - n; d != 0 {
		t.Errorf("second load parsed %d files; want 0", d)
	}
	writeFiles(t, dir, map[string]string{"ws/Dockerfile": "FROM golang:1.26\nENV GOPROXY=off\n"})
	s = Load(cfg, nil)
	if d := cache.Parses() - n; d != 1 {
		t.Errorf("load after one edit parsed %d files; want 1", d)
	}
	if df, _ := s.BuildFile(filepath.Join(folder, "Dockerfile")).Parsed.(*buildenv.Dockerfile); df == nil || df.Stages[0].Env[0].Value != "off" {
		t.Errorf("edited Dockerfile not re-parsed: %+v", df)
	}

	// An explicit list is read as given (the language server keeps it).
	cfg.BuildFiles = []string{filepath.Join(folder, ".gitlab-ci.yml"), filepath.Join(dir, "outside.df")}
	s = Load(cfg, nil)
	if len(s.BuildFiles) != 1 || s.BuildFiles[0].Kind != sources.GitLabCI {
		t.Errorf("explicit list: %+v; want the GitLab file only", s.BuildFiles)
	}
}

// BuildFileIncluded agrees with the walk, also for paths that do not exist.
func TestBuildFileIncluded(t *testing.T) {
	folder := filepath.FromSlash("/ws/app")
	for rel, want := range map[string]bool{
		"Dockerfile": true, "deploy/app.Dockerfile": true, "a/b/c/Dockerfile.dev": true, "a/b/c/d/Dockerfile": false,
		"node_modules/x/Dockerfile": false, "vendor/Dockerfile": false, ".devcontainer/Dockerfile": false,
		"compose.yaml": true, "svc/docker-compose.yml": true,
		".devcontainer/devcontainer.json": true, ".devcontainer/go/devcontainer.json": true, ".devcontainer.json": true,
		"sub/.devcontainer/devcontainer.json": false,
		".github/workflows/ci.yml":            true, ".github/workflows/release.yaml": true, ".github/workflows/x/ci.yml": false,
		"sub/.github/workflows/ci.yml": false, ".github/ci.yml": false,
		".gitlab-ci.yml": true, "sub/.gitlab-ci.yml": false,
		"main.go": false, "../Dockerfile": false,
	} {
		if got := BuildFileIncluded(folder, filepath.Join(folder, filepath.FromSlash(rel))); got != want {
			t.Errorf("%s: %v, want %v", rel, got, want)
		}
	}
}
