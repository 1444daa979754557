package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// buildRepo is a repository with a Dockerfile, a workflow and a dev
// container, each setting GOPROXY or GOPRIVATE.
func buildRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":     "module example.com/app\n\ngo 1.22\n",
		"user.json":  "{}\n",
		"Dockerfile": "FROM golang:1.26 AS builder\nENV GOPROXY=https://docker.example.com,direct\nRUN go build ./...\nFROM scratch\n",
		".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      GOPRIVATE: corp.example.com\n    steps:\n" +
			"      - run: go test ./...\n",
		".devcontainer/devcontainer.json": "{\n  // dev\n  \"image\": \"golang:1.26\",\n  \"containerEnv\": {\"GOFLAGS\": \"-mod=mod\"},\n}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// env shows a column per Docker build stage, dev container and CI job with
// file:line provenance; --consumer narrows the table and the JSON.
func TestEnvBuildConsumers(t *testing.T) {
	dir := buildRepo(t)
	env := cleanEnv(t, "GOENV=off", "GOPROXY=https://developer.example.com")
	args := []string{"--folder", dir, "--settings", filepath.Join(dir, "user.json")}
	stdout, stderr, code := runCLI(t, env, append([]string{"env", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "not trusted") {
		t.Errorf("the build consumers are reported as untrusted: %s", stderr)
	}
	var got report.Env
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	by := map[string]report.Consumer{}
	var names []string
	for _, c := range got.Consumers {
		by[c.Name] = c
		names = append(names, c.Name)
	}
	if want := "terminal gopls tools install docker:Dockerfile#builder devcontainer ci:ci/test"; strings.Join(names, " ") != want {
		t.Fatalf("consumers %q; want %q", names, want)
	}
	for _, tc := range []struct {
		consumer, name, value string
		source                string
		file                  string
		line                  int
	}{
		{"docker:Dockerfile#builder", "GOPROXY", "https://docker.example.com,direct", "dockerfile", "Dockerfile", 2},
		{"ci:ci/test", "GOPRIVATE", "corp.example.com", "github-actions", ".github/workflows/ci.yml", 6},
		{"devcontainer", "GOFLAGS", "-mod=mod", "devcontainer", ".devcontainer/devcontainer.json", 4},
		{"terminal", "GOPROXY", "https://developer.example.com", "process-env", "", 0},
	} {
		v := by[tc.consumer].Vars[tc.name]
		file := ""
		if v.File != "" {
			file, _ = filepath.Rel(dir, v.File)
		}
		if v.Value != tc.value || string(v.Source) != tc.source || filepath.ToSlash(file) != tc.file || v.Line != tc.line {
			t.Errorf("%s %s = %+v; want %q from %s %s:%d", tc.consumer, tc.name, v, tc.value, tc.source, tc.file, tc.line)
		}
	}
	// The image does not inherit the developer's GOPROXY.
	if v := by["ci:ci/test"].Vars["GOPROXY"]; v.Source != "goroot-go.env" {
		t.Errorf("ci GOPROXY = %+v; want the Go installation's default", v)
	}

	stdout, stderr, code = runCLI(t, env, append([]string{"env", "--consumer", "terminal", "--consumer", "docker:*,ci:*"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"terminal", "docker:Dockerfile#builder", "ci:ci/test", "Dockerfile:2 builder ENV GOPROXY", ".github/workflows/ci.yml:6 jobs.test.env.GOPRIVATE"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("env --consumer output lacks %q:\n%s", want, stdout)
		}
	}
	for _, absent := range []string{"gopls", "devcontainer"} {
		if strings.Contains(stdout, absent) {
			t.Errorf("env --consumer output shows %q:\n%s", absent, stdout)
		}
	}

	_, stderr, code = runCLI(t, env, append([]string{"env", "--consumer", "gitlab:*"}, args...)...)
	if code != exitUsage || !strings.Contains(stderr, `no consumer matches "gitlab:*"`) {
		t.Errorf("unmatched --consumer: exit %d, %s", code, stderr)
	}
}
