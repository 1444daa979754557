package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// exampleDir is the bundled example workspace.
var exampleDir = filepath.Join("..", "..", "..", "examples", "corp-proxy")

// cleanEnv is a controlled environment: nothing from the machine but PATH,
// so the machine's own go env file cannot leak into the results.
func cleanEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	// With telemetry on, go env starts a detached child that keeps writing
	// into HOME while the test removes it.
	telemetry := filepath.Join(home, ".config", "go", "telemetry")
	if err := os.MkdirAll(telemetry, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(telemetry, "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"GOPATH=" + filepath.Join(home, "go"), "GOCACHE=" + filepath.Join(home, "cache"),
	}
	return append(env, extra...)
}

func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, env)
	return out.String(), errb.String(), code
}

func exampleArgs(t *testing.T) (env []string, args []string) {
	t.Helper()
	return exampleArgsIn(t, exampleDir)
}

// exampleArgsIn is exampleArgs for a copy of the example in dir.
func exampleArgsIn(t *testing.T, dir string) (env []string, args []string) {
	t.Helper()
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cleanEnv(t, "GOENV="+filepath.Join(dir, "goenv")),
		[]string{"--folder", dir, "--settings", filepath.Join(dir, "user-settings.json")}
}

func TestCheckExampleJSON(t *testing.T) {
	env, args := exampleArgs(t)
	stdout, stderr, code := runCLI(t, env, append([]string{"check", "--format", "json"}, args...)...)
	if code != exitFinding {
		t.Fatalf("exit %d, want %d (the example has error-severity findings); stderr:\n%s", code, exitFinding, stderr)
	}
	var got report.Check
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding check --format json: %v\n%s", err, stdout)
	}
	type place struct {
		file string
		line int // 1-based
		code string
	}
	found := map[place]bool{}
	for _, d := range got.Diagnostics {
		found[place{filepath.Base(d.File), d.Range.Start.Line + 1, d.Code}] = true
		if d.Message == "" || d.Severity == "" {
			t.Errorf("diagnostic without message or severity: %+v", d)
		}
	}
	for _, want := range []place{
		{"settings.json", 7, "goproxy-bad-entry"},   // DIRECT is not a keyword
		{"settings.json", 7, "env-divergence"},      // editor and terminal use different proxies
		{"settings.json", 9, "unknown-go-variable"}, // GOPRIVTE
		{"go.mod", 6, "private-module-not-covered"}, // git.corp.example.com/platform/auth
		{"go.mod", 7, "private-module-not-covered"}, // git.corp.example.com/platform/observability
		{"goenv", 2, "gosumdb-invalid"},             // GOSUMDB="off" keeps its quotes
		{"goenv", 2, "goenv-file-syntax"},           // quotes
		{"goenv", 3, "unknown-go-variable"},         // GONOSUMCHECK
	} {
		if !found[want] {
			t.Errorf("missing %s at %s:%d; got:\n%s", want.code, want.file, want.line, stdout)
		}
	}
	// golang.org/x/text is public: it must not be reported as private.
	for _, d := range got.Diagnostics {
		if d.Code == "private-module-not-covered" && d.Range.Start.Line+1 == 8 {
			t.Errorf("public module reported as private: %+v", d)
		}
	}
}

func TestCheckTextAndSARIF(t *testing.T) {
	env, args := exampleArgs(t)
	stdout, _, code := runCLI(t, env, append([]string{"check"}, args...)...)
	if code != exitFinding {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{".vscode/settings.json:7:", "goproxy-bad-entry", "go.mod:6:", "error"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
	stdout, _, _ = runCLI(t, env, append([]string{"check", "--format", "sarif"}, args...)...)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine int }
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &sarif); err != nil {
		t.Fatal(err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) == 0 {
		t.Fatalf("unexpected SARIF: %s", stdout)
	}
	ok := false
	for _, r := range sarif.Runs[0].Results {
		for _, l := range r.Locations {
			if r.RuleID == "goproxy-bad-entry" && l.PhysicalLocation.ArtifactLocation.URI == ".vscode/settings.json" && l.PhysicalLocation.Region.StartLine == 7 {
				ok = true
			}
		}
	}
	if !ok {
		t.Errorf("SARIF lacks goproxy-bad-entry at .vscode/settings.json:7:\n%s", stdout)
	}
}

// The terminal consumer of `env --json` must agree with `go env -json` run
// with the same environment.
func TestEnvJSONAgreesWithGoEnv(t *testing.T) {
	env, args := exampleArgs(t)
	stdout, stderr, code := runCLI(t, env, append([]string{"env", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got report.Env
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	names := []string{"GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOFLAGS", "GOTOOLCHAIN", "GOAUTH"}
	cmd := exec.Command("go", append([]string{"env", "-json"}, names...)...)
	// The terminal also gets the user's terminal.integrated.env.linux.
	cmd.Env = append(env, "GOFLAGS=-mod=mod")
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	var terminal *report.Consumer
	for i := range got.Consumers {
		if got.Consumers[i].Name == "terminal" {
			terminal = &got.Consumers[i]
		}
	}
	if terminal == nil {
		t.Fatalf("no terminal consumer in %s", stdout)
	}
	for _, n := range names {
		if terminal.Vars[n].Value != want[n] {
			t.Errorf("%s: env --json says %q, go env says %q", n, terminal.Vars[n].Value, want[n])
		}
	}
	if v := terminal.Vars["GOPROXY"]; v.Source != "goenv-file" || v.Line != 1 || filepath.Base(v.File) != "goenv" {
		t.Errorf("GOPROXY provenance = %+v, want goenv-file line 1", v)
	}
	// The editor's consumers read go.toolsEnvVars.
	for _, c := range got.Consumers {
		if c.Name == "gopls" {
			if v := c.Vars["GOPROXY"]; v.Source != "vscode-workspace" || v.Key != "go.toolsEnvVars.GOPROXY" || v.Line != 7 {
				t.Errorf("gopls GOPROXY provenance = %+v", v)
			}
		}
	}
	if len(got.Divergent) == 0 || got.Divergent[0] != "GOPROXY" {
		t.Errorf("divergent = %v, want GOPROXY first", got.Divergent)
	}
}

func TestEnvText(t *testing.T) {
	env, args := exampleArgs(t)
	stdout, _, code := runCLI(t, env, append([]string{"env"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"VARIABLE", "terminal", "gopls", "≠", "GOPROXY", "goenv:1 GOPROXY", ".vscode/settings.json:7 go.toolsEnvVars.GOPROXY"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("env output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	env := cleanEnv(t)
	for _, args := range [][]string{
		{},
		{"bogus"},
		{"check", "--format", "xml"},
		{"check", "--folder", filepath.Join(t.TempDir(), "missing")},
		{"env", "--settings", filepath.Join(t.TempDir(), "missing.json")},
		{"env", "extra-arg"},
	} {
		if _, _, code := runCLI(t, env, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestCleanFolderExitsZero(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/clean\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := cleanEnv(t, "GOENV=off")
	settings := filepath.Join(dir, "user.json")
	if err := os.WriteFile(settings, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, env, "check", "--folder", dir, "--settings", settings)
	if code != exitOK {
		t.Fatalf("exit %d for a clean folder:\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "No problems found.") {
		t.Errorf("stdout = %q", stdout)
	}
}

func TestVersion(t *testing.T) {
	stdout, _, code := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(stdout, "goproxy-doctor ") {
		t.Fatalf("version: %d %q", code, stdout)
	}
}
