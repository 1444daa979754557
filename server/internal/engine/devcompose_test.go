package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// A dev container that runs a compose service: Load reads the compose file
// it names (in .devcontainer/, which the walk prunes) and the Dockerfile
// the service builds; the consumer reads the service's env_file entries
// inside the folder only. An env_file that leaves the folder (relative or
// absolute) or is a FIFO is reported as skipped and never read.
func TestDevContainerComposeEnvFiles(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "ws")
	writeFiles(t, dir, map[string]string{
		"ws/.devcontainer/devcontainer.json": "{\n  \"dockerComposeFile\": \"docker-compose.yml\",\n  \"service\": \"dev\",\n}\n",
		"ws/.devcontainer/docker-compose.yml": "services:\n  dev:\n    build:\n      context: .\n      dockerfile: dev.df\n    env_file:\n" +
			"      - ../../secret.env\n      - /etc/passwd\n      - ../../../../../../../../etc/passwd\n      - fifo.env\n      - ok.env\n" +
			"    environment:\n      - GOPRIVATE=corp.example.com\n",
		"ws/.devcontainer/dev.df": "FROM golang:1.26\nENV GOFLAGS=-mod=mod\n",
		"ws/.devcontainer/ok.env": "GONOSUMDB=corp.example.com\n",
		"secret.env":              "GOPROXY=https://leaked.example.com\n",
	})
	fifo := filepath.Join(folder, ".devcontainer", "fifo.env")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Folder: folder, ProcessEnv: map[string]string{"PATH": "/nonexistent"}, GoBinary: "/nonexistent/go", ModFiles: []string{}}
	s := Load(cfg, nil)
	for _, rel := range []string{".devcontainer/docker-compose.yml", ".devcontainer/dev.df"} {
		if s.BuildFile(filepath.Join(folder, filepath.FromSlash(rel))) == nil {
			t.Errorf("%s not loaded", rel)
		}
	}
	var dc *resolve.Consumer
	for _, c := range resolve.Resolve(s) {
		if c.Name == "devcontainer" {
			dc = c
		}
	}
	if dc == nil {
		t.Fatal("no devcontainer consumer")
	}
	for name, want := range map[string]string{"GOPRIVATE": "corp.example.com", "GONOSUMDB": "corp.example.com", "GOFLAGS": "-mod=mod"} {
		if v := dc.Var(name); v.Value != want || !v.Prov.InFile() {
			t.Errorf("%s = %q from %+v; want %q from a file", name, v.Value, v.Prov, want)
		}
	}
	if v := dc.Var("GOPROXY"); strings.Contains(v.Value, "leaked") || v.Prov.Source == sources.ComposeKind {
		t.Errorf("GOPROXY = %q from %+v: an env_file outside the folder was read", v.Value, v.Prov)
	}
	if _, ok := dc.Env["root"]; ok {
		t.Error("/etc/passwd was read as an env_file")
	}
	skipped := map[string]string{}
	for _, sk := range s.Skipped() {
		skipped[sk.Path] = sk.Reason
	}
	for _, p := range []string{filepath.Join(dir, "secret.env"), "/etc/passwd"} {
		if r := skipped[p]; !strings.Contains(r, "outside the workspace folder") {
			t.Errorf("%s: skipped reason %q; want it refused as outside the folder", p, r)
		}
		if s.Content(p) != nil {
			t.Errorf("%s: the snapshot holds its content", p)
		}
	}
	if r := skipped[fifo]; r == "" || strings.Contains(r, "outside") {
		t.Errorf("FIFO env_file: skipped reason %q; want it refused as not a regular file", r)
	}
}

// A symbolic link inside the folder that leads outside it is refused like a
// path that leaves the folder: an env_file and a Dockerfile a compose file
// names are not read through it.
func TestDevContainerComposeSymlinksOutside(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "ws")
	writeFiles(t, dir, map[string]string{
		"ws/.devcontainer/devcontainer.json":  "{\n  \"dockerComposeFile\": \"docker-compose.yml\",\n  \"service\": \"dev\",\n}\n",
		"ws/.devcontainer/docker-compose.yml": "services:\n  dev:\n    build:\n      context: .\n      dockerfile: linked.df\n    env_file:\n      - linked.env\n",
		"secret.env":                          "GOPROXY=https://leaked.example.com\n",
		"secret.df":                           "FROM golang:1.26\nENV GOFLAGS=-leaked\n",
	})
	for link, target := range map[string]string{"linked.env": "secret.env", "linked.df": "secret.df"} {
		if err := os.Symlink(filepath.Join(dir, target), filepath.Join(folder, ".devcontainer", link)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Folder: folder, ProcessEnv: map[string]string{"PATH": "/nonexistent"}, GoBinary: "/nonexistent/go", ModFiles: []string{}}
	s := Load(cfg, nil)
	if s.BuildFile(filepath.Join(folder, ".devcontainer", "linked.df")) != nil {
		t.Error("a Dockerfile linked from outside the folder was loaded")
	}
	for _, c := range resolve.Resolve(s) {
		for _, name := range []string{"GOPROXY", "GOFLAGS"} {
			if v := c.Var(name); strings.Contains(v.Value, "leaked") {
				t.Errorf("%s: %s = %q from %+v: a file outside the folder was read through a link", c.Name, name, v.Value, v.Prov)
			}
		}
	}
	skipped := map[string]string{}
	for _, sk := range s.Skipped() {
		skipped[sk.Path] = sk.Reason
	}
	for _, link := range []string{"linked.env", "linked.df"} {
		p := filepath.Join(folder, ".devcontainer", link)
		if r := skipped[p]; !strings.Contains(r, "outside the workspace folder") {
			t.Errorf("%s: skipped reason %q; want it refused as leading outside the folder", link, r)
		}
		if s.Content(p) != nil {
			t.Errorf("%s: the snapshot holds its content", link)
		}
	}
}

// A Dockerfile or workflow found in the folder that is a link to a file
// outside it is refused and reported, not read.
func TestBuildFileSymlinkOutside(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "ws")
	writeFiles(t, dir, map[string]string{
		"ws/go.mod":  "module example.com/app\n\ngo 1.22\n",
		"outside.df": "FROM golang:1.26\nENV GOPROXY=https://leaked.example.com\nRUN go build ./...\n",
	})
	link := filepath.Join(folder, "Dockerfile")
	if err := os.Symlink(filepath.Join(dir, "outside.df"), link); err != nil {
		t.Fatal(err)
	}
	s := Load(Config{Folder: folder, ProcessEnv: map[string]string{"PATH": "/nonexistent"}, GoBinary: "/nonexistent/go", ModFiles: []string{}}, nil)
	if s.BuildFile(link) != nil || s.Content(link) != nil {
		t.Error("a Dockerfile linked from outside the folder was read")
	}
	found := false
	for _, sk := range s.Skipped() {
		found = found || sk.Path == link && strings.Contains(sk.Reason, "outside the workspace folder")
	}
	if !found {
		t.Errorf("the linked Dockerfile is not reported as skipped: %+v", s.Skipped())
	}
}

// The build files of a folder are read up to maxBuildBytes in all: past
// it, files are not read, and the first is reported once with the count.
func TestBuildFilesBytesBounded(t *testing.T) {
	defer func(old int) { maxBuildBytes = old }(maxBuildBytes)
	maxBuildBytes = 1 << 10
	dir := t.TempDir()
	folder := filepath.Join(dir, "ws")
	files := map[string]string{}
	for i := range 6 {
		files[fmt.Sprintf("ws/svc%d/Dockerfile", i)] = "FROM golang:1.26\nENV GOFLAGS=-mod=mod\nRUN go build ./...\n# " + strings.Repeat("x", 400) + "\n"
	}
	writeFiles(t, dir, files)
	s := Load(Config{Folder: folder, ProcessEnv: map[string]string{"PATH": "/nonexistent"}, GoBinary: "/nonexistent/go", ModFiles: []string{}}, nil)
	if len(s.BuildFiles) != 3 {
		t.Errorf("%d build files read; want 3 (1 KiB in all, ~460 bytes each)", len(s.BuildFiles))
	}
	sk := s.Skipped()
	if len(sk) != 1 || !strings.Contains(sk[0].Reason, "it and 2 more build files") {
		t.Errorf("skipped %+v; want one report counting the 3 files not read", sk)
	}
}
