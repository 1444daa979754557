package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// The CLI's terminal is its own environment: env --json traces a value to
// the start-up file line of $SHELL that exports it (source shell-rc), the
// editor's consumers keep "process environment", and check says what a new
// shell would see that this one lacks — an information finding, exit 0,
// with the credential of a proxy URL masked.
func TestShellStartupFilesInCLI(t *testing.T) {
	env := cleanEnv(t, "SHELL=/bin/bash", "GOENV=off",
		"GOPROXY=https://proxy.example.com,direct",
		"HTTPS_PROXY=http://dave:pw-5a4b3c@proxy.example.com:3128", "NO_PROXY=corp.example.com,proxy.example.com")
	home := strings.TrimPrefix(env[0], "HOME=")
	bashrc := filepath.Join(home, ".bashrc")
	rc := "# Go\nexport GOPROXY=https://proxy.example.com,direct\nexport GOPRIVATE=corp.example.com\n" +
		"export HTTPS_PROXY=http://dave:pw-5a4b3c@proxy.example.com:3128\nexport NO_PROXY=corp.example.com,proxy.example.com\n"
	if err := os.WriteFile(bashrc, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--folder", folder, "--settings", settings}

	stdout, stderr, code := runCLI(t, env, append([]string{"env", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("env: exit %d: %s", code, stderr)
	}
	var got report.Env
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Consumers {
		v := c.Vars["GOPROXY"]
		switch c.Name {
		case "terminal":
			if v.Source != "shell-rc" || v.File != bashrc || v.Line != 2 {
				t.Errorf("terminal GOPROXY from %s %s:%d, want shell-rc %s:2", v.Source, v.File, v.Line, bashrc)
			}
		case "gopls", "tools":
			if v.Source != "process-env" {
				t.Errorf("%s GOPROXY from %s, want process-env", c.Name, v.Source)
			}
		}
	}
	if strings.Contains(stdout, "pw-5a4b3c") {
		t.Errorf("env --json prints the credential:\n%s", stdout)
	}

	// The table says it too, after the values.
	stdout, stderr, code = runCLI(t, env, append([]string{"env"}, args...)...)
	if code != exitOK {
		t.Fatalf("env: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Your shell's start-up files:\n  A new shell will see GOPRIVATE=\"corp.example.com\" (exported by ~/.bashrc:3), this one has it unset") ||
		!strings.Contains(stdout, bashrc+":2 GOPROXY (shell start-up file") {
		t.Errorf("env does not show the start-up files' provenance and note:\n%s", stdout)
	}
	if strings.Contains(stdout, "pw-5a4b3c") {
		t.Errorf("env prints the credential:\n%s", stdout)
	}

	stdout, stderr, code = runCLI(t, env, append([]string{"check", "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("check: exit %d, want %d: %s\n%s", code, exitOK, stderr, stdout)
	}
	var check report.Check
	if err := json.Unmarshal([]byte(stdout), &check); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range check.Diagnostics {
		if d.Code == "shell-env-stale" {
			found = d.File == bashrc && d.Range.Start.Line == 2 && d.Severity == "information" &&
				strings.Contains(d.Message, `A new shell will see GOPRIVATE="corp.example.com" (exported by ~/.bashrc:3), this one has it unset`)
		}
		if d.Code == "proxy-env-session-only" {
			t.Errorf("variables exported from ~/.bashrc reported as session-only: %s", d.Message)
		}
	}
	if !found {
		t.Errorf("no shell-env-stale finding for GOPRIVATE on ~/.bashrc:3:\n%s", stdout)
	}
	if strings.Contains(stdout+stderr, "pw-5a4b3c") {
		t.Errorf("check prints the credential:\n%s", stdout)
	}
}

// check reads the repository's scripts: a GOPRIVATE a CI script sets
// without export before go mod download is reported on its line.
func TestScriptWithoutExportInCLI(t *testing.T) {
	env := cleanEnv(t, "GOENV=off")
	folder := t.TempDir()
	files := map[string]string{
		"go.mod":        "module corp.example.com/app\n\ngo 1.22\n",
		"scripts/ci.sh": "#!/bin/sh\nset -eu\nGOPRIVATE=corp.example.com\ngo mod download\n",
	}
	for name, content := range files {
		p := filepath.Join(folder, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, env, "check", "--format", "json", "--folder", folder, "--settings", settings)
	if code != exitOK {
		t.Fatalf("check: exit %d: %s\n%s", code, stderr, stdout)
	}
	var check report.Check
	if err := json.Unmarshal([]byte(stdout), &check); err != nil {
		t.Fatal(err)
	}
	for _, d := range check.Diagnostics {
		if d.Code == "shell-var-not-exported" && d.File == filepath.Join(folder, "scripts", "ci.sh") && d.Range.Start.Line == 2 && d.Severity == "warning" &&
			strings.Contains(d.Message, "`go mod download` (line 4)") {
			return
		}
	}
	t.Errorf("no shell-var-not-exported finding on scripts/ci.sh:3:\n%s", stdout)
}
