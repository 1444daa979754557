package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// copyExample copies the example workspace into a temporary directory.
func copyExample(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(exampleDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(exampleDir, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, content, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// check --fix --fix-scope all on the example applies the preferred fixes
// until none is left: what remains has no preferred fix, the files still
// parse (no settings-parse-error), comments survive, and the file modes are
// kept. Each line names the file written and the setting; the DIRECT typo is
// repaired in place rather than overwritten by another finding's fix.
func TestCheckFixExample(t *testing.T) {
	dir := copyExample(t)
	settings := filepath.Join(dir, ".vscode", "settings.json")
	if err := os.Chmod(settings, 0o600); err != nil {
		t.Fatal(err)
	}
	env, args := exampleArgsIn(t, dir)
	stdout, stderr, code := runCLI(t, env, append([]string{"check", "--fix", "--fix-scope", "all"}, args...)...)
	if code == exitUsage {
		t.Fatalf("check --fix: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		`fixed .vscode/settings.json: go.toolsEnvVars.GOPROXY goproxy-bad-entry: Replace "DIRECT" with "direct" in go.toolsEnvVars.GOPROXY (.vscode/settings.json)`,
		"fixed goenv: GONOSUMCHECK unknown-go-variable: Rename GONOSUMCHECK to GONOSUMDB in the GOENV file",
	} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("check --fix did not print %q:\n%s", want, stdout)
		}
	}
	t.Logf("check --fix:\n%s", stdout)

	stdout, stderr, code = runCLI(t, env, append([]string{"check", "--format", "json"}, args...)...)
	if code == exitUsage {
		t.Fatalf("check after --fix: exit %d: %s", code, stderr)
	}
	var after report.Check
	if err := json.Unmarshal([]byte(stdout), &after); err != nil {
		t.Fatal(err)
	}
	for _, d := range after.Diagnostics {
		for _, fx := range d.Fixes {
			if fx.Preferred {
				t.Errorf("after check --fix, %s at %s:%d still has a preferred fix %q", d.Code, filepath.Base(d.File), d.Range.Start.Line+1, fx.Title)
			}
		}
		// GOSUMDB="off" stays: its only fix writes GOSUMDB=off, which
		// raises gosumdb-off, so it is offered but never applied.
		if d.Code == "settings-parse-error" || d.Severity == "error" && d.Code != "gosumdb-invalid" {
			t.Errorf("after check --fix: %s: %s", d.Code, d.Message)
		}
	}
	content, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	for _, comment := range []string{"// Team settings for the ledger service (committed).", "// ...and keeps company modules away from public services. Or so we thought."} {
		if !strings.Contains(string(content), comment) {
			t.Errorf("the comment %q is gone:\n%s", comment, content)
		}
	}
	if st, err := os.Stat(settings); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("settings.json mode after the fix: %v, %v; want 0600 kept", st.Mode(), err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".vscode", ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %q", leftovers)
	}
}

func TestFixIsACheckFlag(t *testing.T) {
	env, args := exampleArgs(t)
	if _, _, code := runCLI(t, env, append([]string{"env", "--fix"}, args...)...); code != exitUsage {
		t.Errorf("env --fix: exit %d; want %d", code, exitUsage)
	}
	for _, bad := range [][]string{
		{"check", "--dry-run"},
		{"check", "--fix-scope", "user"},
		{"check", "--fix", "--fix-scope", "everything"},
	} {
		if _, _, code := runCLI(t, env, append(bad, args...)...); code != exitUsage {
			t.Errorf("%v: exit %d; want %d", bad, code, exitUsage)
		}
	}
}

func TestWriteAtomicKeepsModeAndLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	if err := os.WriteFile(real, []byte("{}\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(link, []byte("{\"a\": 1}\n"), false); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(real); string(got) != "{\"a\": 1}\n" {
		t.Errorf("the link's target holds %q", got)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", st.Mode(), err)
	}
	if st, _ := os.Stat(real); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v; want 0640 kept", st.Mode().Perm())
	}
	if err := writeAtomic(real, []byte("x"), true); err == nil {
		t.Error("create replaced an existing file")
	}
	if err := writeAtomic(filepath.Join(dir, "sub", "new.json"), []byte("{}\n"), true); err == nil {
		t.Error("create made a directory")
	}
	if _, err := os.Stat(filepath.Join(dir, "sub")); err == nil {
		t.Error("the directory sub was created")
	}
	created := filepath.Join(dir, "new.json")
	if err := writeAtomic(created, []byte("{}\n"), true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(created); string(got) != "{}\n" {
		t.Errorf("created file holds %q", got)
	}
}
