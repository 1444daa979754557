package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact/redacttest"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// canaryFolder writes the canary workspace: the folder, user settings and
// GOENV file in a fresh directory.
func canaryFolder(t *testing.T) (w *redacttest.Workspace, root string, env, args []string) {
	t.Helper()
	w = redacttest.New(t)
	root = t.TempDir()
	folder := filepath.Join(root, "ws")
	files := map[string]string{filepath.Join(root, "goenv"): w.GoEnv, filepath.Join(root, "user-settings.json"): w.UserSettings}
	for rel, content := range w.Files {
		files[filepath.Join(folder, filepath.FromSlash(rel))] = content
	}
	for path, content := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extra := []string{"GOENV=" + filepath.Join(root, "goenv")}
	for k, v := range w.Env {
		extra = append(extra, k+"="+v)
	}
	return w, root, cleanEnv(t, extra...), []string{"--folder", folder, "--settings", filepath.Join(root, "user-settings.json")}
}

// TestNoCredentialInCLIOutput runs every command over the canary workspace
// and searches each output literally for the secret parts of the password
// and the token (a password holding / ? # @ %, a token-only userinfo).
func TestNoCredentialInCLIOutput(t *testing.T) {
	w, _, env, args := canaryFolder(t)
	// outputs holds the trusted runs' stdout (the verify run needs the
	// workspace's proxies); both modes are searched, the untrusted one lists
	// the withheld workspace URLs.
	outputs := map[string]string{}
	for _, trust := range [][]string{nil, {"--trust-workspace"}} {
		for _, cmd := range [][]string{
			{"check"}, {"check", "--format", "json"}, {"check", "--format", "sarif"}, {"check", "--format", "github"}, {"check", "--format", "codequality"},
			{"env"}, {"env", "--json"},
			{"verify", "--json", "--timeout", "20s"}, {"verify", "--timeout", "20s"},
		} {
			stdout, stderr, code := runCLI(t, env, append(append(cmd, trust...), args...)...)
			if code == exitUsage {
				t.Fatalf("%v: exit %d\n%s", cmd, code, stderr)
			}
			name := strings.Join(append(cmd, trust...), " ")
			if trust != nil {
				outputs[strings.Join(cmd, " ")] = stdout
			}
			if leaks := redacttest.Leaks(stdout + stderr); len(leaks) > 0 {
				t.Errorf("goproxy-doctor %s prints %q:\n%s\n%s", name, leaks, stdout, stderr)
			}
			// Workflow commands are escaped: search what the runner shows.
			if leaks := redacttest.Leaks(unescapeWorkflowCommands(stdout)); len(leaks) > 0 {
				t.Errorf("goproxy-doctor %s annotates %q:\n%s", name, leaks, stdout)
			}
		}
	}

	// Positive controls: the credentials were read and used, and appear
	// masked where the outputs show them.
	if password, token := w.Used(); !password || !token {
		t.Errorf("the network did not see the credentials (forward proxy password %v, token %v): the test checks nothing", password, token)
	}
	var e report.Env
	if err := json.Unmarshal([]byte(outputs["env --json"]), &e); err != nil {
		t.Fatal(err)
	}
	for _, c := range e.Consumers {
		if c.Name == "terminal" {
			if got, want := c.Vars["GOPROXY"].Value, "https://xxxxx@proxy.example.com,https://ge:xxxxx@mirror.example.com,direct"; got != want {
				t.Errorf("terminal GOPROXY = %q, want %q", got, want)
			}
			if got, want := c.Vars["HTTPS_PROXY"].Value, "http://fwduser:xxxxx@127.0.0.1:"; !strings.HasPrefix(got, want) {
				t.Errorf("terminal HTTPS_PROXY = %q, want %s…", got, want)
			}
		}
	}
	var res verify.Result
	if err := json.Unmarshal([]byte(outputs["verify --json --timeout 20s"]), &res); err != nil {
		t.Fatal(err)
	}
	served := false
	for _, m := range res.Modules {
		if m.Consumer != "terminal" {
			continue
		}
		served = m.Outcome == verify.OutcomeOK && m.ServedBy == "https://xxxxx@proxy.example.com"
		for _, a := range m.Attempts {
			for _, r := range a.Requests {
				if !strings.HasPrefix(r.URL, "https://xxxxx@proxy.example.com/") {
					t.Errorf("request URL %q, want the token masked", r.URL)
				}
			}
		}
	}
	if !served {
		t.Errorf("the token's proxy did not serve %s:\n%s", redacttest.Module, outputs["verify --json --timeout 20s"])
	}
	if !strings.Contains(outputs["check --format json"], "ws:xxxxx@mirror.example.com") {
		t.Errorf("check does not show the editor's GOPROXY entry masked:\n%s", outputs["check --format json"])
	}
}

// TestCheckFixWritesNoCredential: check --fix writes no credential into any
// file, and fixes none in place: the user settings' https_proxy, which Go
// ignores for HTTPS_PROXY, is not set to the process environment's
// HTTPS_PROXY with its password.
func TestCheckFixWritesNoCredential(t *testing.T) {
	_, root, env, args := canaryFolder(t)
	before := secretsPerFile(t, root)
	stdout, stderr, code := runCLI(t, env, append([]string{"check", "--fix"}, args...)...)
	if code == exitUsage {
		t.Fatalf("check --fix: exit %d\n%s", code, stderr)
	}
	if leaks := redacttest.Leaks(stdout + stderr); len(leaks) > 0 {
		t.Errorf("check --fix prints %q:\n%s\n%s", leaks, stdout, stderr)
	}
	after := secretsPerFile(t, root)
	for path, n := range after {
		if n > before[path] {
			t.Errorf("check --fix wrote a credential into %s (%d secret parts, %d before):\n%s", path, n, before[path], readFile(t, path))
		}
	}
	if got := readFile(t, filepath.Join(root, "user-settings.json")); !strings.Contains(got, `"https_proxy": "http://127.0.0.1:9"`) {
		t.Errorf("user settings' https_proxy was rewritten:\n%s", got)
	}
	if len(before) == 0 {
		t.Fatal("no file holds a canary: the test checks nothing")
	}
}

// secretsPerFile counts the canaries' secret parts in every file under root.
func secretsPerFile(t *testing.T, root string) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if n := redacttest.Count(readFile(t, path)); n > 0 {
			out[path] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unescapeWorkflowCommands undoes the escaping of GitHub workflow commands.
func unescapeWorkflowCommands(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}
