package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// warningOnlyFolder is a folder whose findings are warnings only: the
// editor's tools turn the checksum database off.
func warningOnlyFolder(t *testing.T) (env []string, args []string) {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, ".vscode", "settings.json"), "{\n  \"go.toolsEnvVars\": {\n    \"GOSUMDB\": \"off\"\n  }\n}\n")
	write(t, filepath.Join(dir, "go.mod"), "module example.com/app\n\ngo 1.22\n")
	user := filepath.Join(t.TempDir(), "settings.json")
	write(t, user, "{}\n")
	return cleanEnv(t, "GOENV=off"), []string{"--folder", dir, "--settings", user}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// --fail-on sets the least severe finding that fails: error (the default),
// warning, or never; every format exits the same way.
func TestCheckFailOn(t *testing.T) {
	errEnv, errArgs := exampleArgs(t)
	warnEnv, warnArgs := warningOnlyFolder(t)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want int
	}{
		{"errors, default", errEnv, errArgs, exitFinding},
		{"errors, --fail-on error", errEnv, append([]string{"--fail-on", "error"}, errArgs...), exitFinding},
		{"errors, --fail-on never", errEnv, append([]string{"--fail-on", "never"}, errArgs...), exitOK},
		{"errors, --fail-on never, sarif", errEnv, append([]string{"--fail-on", "never", "--format", "sarif"}, errArgs...), exitOK},
		{"warnings, default", warnEnv, warnArgs, exitOK},
		{"warnings, --fail-on warning", warnEnv, append([]string{"--fail-on", "warning"}, warnArgs...), exitFinding},
		{"warnings, --fail-on warning, github", warnEnv, append([]string{"--fail-on=warning", "--format", "github"}, warnArgs...), exitFinding},
		{"warnings, --fail-on never", warnEnv, append([]string{"--fail-on", "never"}, warnArgs...), exitOK},
	} {
		stdout, stderr, code := runCLI(t, tc.env, append([]string{"check"}, tc.args...)...)
		if code != tc.want {
			t.Errorf("%s: exit %d; want %d\n%s%s", tc.name, code, tc.want, stdout, stderr)
		}
		if strings.Contains(stdout, "No problems found") {
			t.Errorf("%s: the fixture has no findings; the case proves nothing", tc.name)
		}
	}
	_, stderr, code := runCLI(t, warnEnv, append([]string{"check", "--fail-on", "info"}, warnArgs...)...)
	if code != exitUsage || !strings.Contains(stderr, `unknown --fail-on "info" (want error, warning or never)`) {
		t.Errorf("--fail-on info: exit %d, stderr %q; want a usage error", code, stderr)
	}
}

// --format github prints one workflow command per finding, with paths
// relative to $GITHUB_WORKSPACE when the folder is inside it.
func TestCheckFormatGitHub(t *testing.T) {
	env, args := warningOnlyFolder(t)
	folder := args[1]
	stdout, stderr, code := runCLI(t, env, append([]string{"check", "--format", "github"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 annotations (env-divergence, gosumdb-off, toolchain-download-blocked):\n%s", stdout)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::warning file=.vscode/settings.json,line=3,col=16,endLine=3,endColumn=21,title=") {
			t.Errorf("annotation %q", l)
		}
	}
	// From the repository root, one level up, the paths name the folder.
	repo := filepath.Dir(folder)
	stdout, _, _ = runCLI(t, append(env, "GITHUB_WORKSPACE="+repo), append([]string{"check", "--format", "github"}, args...)...)
	want := "file=" + filepath.Base(folder) + "/.vscode/settings.json,"
	if !strings.Contains(stdout, want) {
		t.Errorf("with GITHUB_WORKSPACE=%s the annotations lack %q:\n%s", repo, want, stdout)
	}
	// A checkout elsewhere does not contain the folder: paths stay the folder's.
	stdout, _, _ = runCLI(t, append(env, "GITHUB_WORKSPACE="+t.TempDir()), append([]string{"check", "--format", "github"}, args...)...)
	if !strings.Contains(stdout, "file=.vscode/settings.json,") {
		t.Errorf("with an unrelated GITHUB_WORKSPACE the annotations lost the folder's paths:\n%s", stdout)
	}
}

// --format codequality writes a GitLab Code Quality report with paths
// relative to $CI_PROJECT_DIR.
func TestCheckFormatCodeQuality(t *testing.T) {
	env, args := warningOnlyFolder(t)
	folder := args[1]
	env = append(env, "CI_PROJECT_DIR="+filepath.Dir(folder))
	stdout, stderr, code := runCLI(t, env, append([]string{"check", "--format", "codequality", "--fail-on", "warning"}, args...)...)
	if code != exitFinding {
		t.Fatalf("exit %d; want 1 (--fail-on warning): %s", code, stderr)
	}
	var issues []struct {
		CheckName string `json:"check_name"`
		Severity  string
		Location  struct {
			Path  string
			Lines struct{ Begin int }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &issues); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(issues) != 3 {
		t.Fatalf("want 3 issues:\n%s", stdout)
	}
	want := filepath.Base(folder) + "/.vscode/settings.json"
	for _, is := range issues {
		if is.Location.Path != want || is.Location.Lines.Begin != 3 || is.Severity != "major" {
			t.Errorf("issue %+v; want %s:3, major", is, want)
		}
	}
}
