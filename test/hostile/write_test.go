package hostile

// Write policy and fix ranking (issue 8, findings 2 and 6): what check --fix
// and the server's code actions may write, and which fix is preferred.

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// actions asks the server for every quick fix and fix-all of a file (rel to
// Root), over the whole file.
func (s *Server) actions(rel string) []map[string]any {
	s.w.t.Helper()
	resp := s.Call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": s.URI(rel)},
		"range": map[string]any{
			"start": map[string]any{"line": 0, "character": 0},
			"end":   map[string]any{"line": 100000, "character": 0},
		},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"quickfix", "source.fixAll"}},
	})
	if resp["error"] != nil {
		s.w.t.Fatalf("codeAction %s: %v", rel, resp["error"])
	}
	list, _ := resp["result"].([]any)
	var out []map[string]any
	for _, a := range list {
		if m, ok := a.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// allActions collects the actions of every file that can hold a finding.
func (s *Server) allActions() []map[string]any {
	var out []map[string]any
	for _, rel := range []string{"ws/.vscode/settings.json", "ws/go.mod", "home/.bashrc", "home/.config/go/env",
		"home/.config/Code/User/settings.json", "outside/team-settings.json"} {
		out = append(out, s.actions(rel)...)
	}
	return out
}

// editedPaths lists the files a code action's WorkspaceEdit changes or creates.
func editedPaths(a map[string]any) []string {
	var out []string
	edit, _ := a["edit"].(map[string]any)
	changes, _ := edit["changes"].(map[string]any)
	for u := range changes {
		out = append(out, strings.TrimPrefix(u, "file://"))
	}
	dcs, _ := edit["documentChanges"].([]any)
	for _, dc := range dcs {
		m, _ := dc.(map[string]any)
		if u, ok := m["uri"].(string); ok {
			out = append(out, strings.TrimPrefix(u, "file://"))
		}
		if td, ok := m["textDocument"].(map[string]any); ok {
			out = append(out, strings.TrimPrefix(td["uri"].(string), "file://"))
		}
	}
	return out
}

func title(a map[string]any) string { t, _ := a["title"].(string); return t }

func preferred(a map[string]any) bool { p, _ := a["isPreferred"].(bool); return p }

// assertNoActionWrites fails when a code action edits or creates a path
// for which bad reports true.
func assertNoActionWrites(t *testing.T, actions []map[string]any, what string, bad func(string) bool) {
	t.Helper()
	for _, a := range actions {
		for _, p := range editedPaths(a) {
			if bad(p) {
				t.Errorf("code action %q writes %s (%s)", title(a), p, what)
			}
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// attack runs a hostile workspace through the language server — code
// actions first, while every finding is there — and then (withCLI) through
// check --fix --fix-scope all, the widest scope. It fails when a code
// action writes a path bad reports, or when anything but the allowed paths
// changes. It returns the CLI run.
func attack(t *testing.T, w *WS, waitFor, what string, bad func(string) bool, withCLI bool, allowed ...string) Result {
	t.Helper()
	before := w.Tree()
	s := w.Serve(true)
	s.Diagnostics(waitFor, func(d []any) bool { return len(d) > 0 })
	assertNoActionWrites(t, s.allActions(), what, bad)
	s.Shutdown()
	w.AssertOnlyChanged(before)
	var r Result
	if withCLI {
		r = w.CLI("check", "--fix", "--fix-scope", "all", "--folder", "$FOLDER")
		if r.Code == 2 {
			t.Fatalf("check --fix: exit 2\n%s", r.Output())
		}
		w.AssertOnlyChanged(before, allowed...)
	}
	w.AssertNothingRan()
	return r
}

// TestFixNeverWritesWorkspaceNamedGOENV: GOENV=$HOME/.bashrc from the
// workspace; no code action touches the rc, and it survives check --fix at
// the widest scope.
func TestFixNeverWritesWorkspaceNamedGOENV(t *testing.T) {
	w := Load(t, "goenv-bashrc")
	rc := filepath.Join(w.Home, ".bashrc")
	r := attack(t, w, "home/.bashrc", "the shell rc", func(p string) bool { return p == rc }, true,
		"$FOLDER/.vscode/settings.json", w.UserSettings)
	if strings.Contains(r.Stdout, "fixed "+rc) {
		t.Errorf("check --fix reports writing the shell rc:\n%s", r.Stdout)
	}
}

// TestFixNeverCreatesDirectories: GOENV=$OUTSIDE/new/dir/env from the
// workspace; nothing is created there, by the CLI or as a CreateFile.
func TestFixNeverCreatesDirectories(t *testing.T) {
	w := Load(t, "goenv-new-dir")
	attack(t, w, "ws/.vscode/settings.json", "outside the folder", func(p string) bool { return strings.HasPrefix(p, w.Outside) }, true,
		"$FOLDER/.vscode/settings.json", w.UserSettings)
	if _, err := os.Lstat(filepath.Join(w.Outside, "new")); err == nil {
		t.Errorf("check --fix created %s", filepath.Join(w.Outside, "new"))
	}
}

// TestFixNeverReplacesSpecialFiles: the user's own GOENV file is a named
// pipe, or a link to a device at the default location; both stay. (The
// named pipe is checked over the language server only: go env itself blocks
// opening it, so the CLI's oracle run never returns — a bounded-I/O matter.)
func TestFixNeverReplacesSpecialFiles(t *testing.T) {
	for _, c := range []struct {
		name, goenv string
		withCLI     bool
	}{
		{"fifo", "$OUTSIDE/goenv.fifo", false},
		{"device-link", "", true}, // cmd/go's default location, $HOME/.config/go/env
	} {
		t.Run(c.name, func(t *testing.T) {
			w := Load(t, "goenv-special")
			target := w.GoEnv
			if c.goenv != "" {
				target = w.Subst(c.goenv)
				w.Setenv("GOENV=" + target)
			}
			attack(t, w, "ws/.vscode/settings.json", "a special file", func(p string) bool { return p == target }, c.withCLI,
				"$FOLDER/.vscode/settings.json", w.UserSettings)
		})
	}
}

// TestFixNeverWritesReadOnlyFiles: the user's read-only GOENV file keeps its
// content; the editor is not offered the edit, and the CLI says why.
func TestFixNeverWritesReadOnlyFiles(t *testing.T) {
	w := Load(t, "goenv-readonly")
	must(t, os.Chmod(w.GoEnv, 0o444))
	r := attack(t, w, "home/.config/go/env", "read-only", func(p string) bool { return p == w.GoEnv }, true)
	if !strings.Contains(r.Stderr, "read-only") {
		t.Errorf("check --fix does not say why it left the file alone:\n%s", r.Output())
	}
}

// TestFixNeverWritesThroughLinksOut: .vscode/settings.json links outside the
// folder; no action edits the link, and the outside file keeps its content.
func TestFixNeverWritesThroughLinksOut(t *testing.T) {
	w := Load(t, "settings-link-out")
	link := filepath.Join(w.Folder, ".vscode", "settings.json")
	attack(t, w, "ws/.vscode/settings.json", "through a link out", func(p string) bool {
		return p == link || strings.HasPrefix(p, w.Outside)
	}, true)
}

// TestFixScopeFollowsLinks: a workspace settings.json that links to the
// user's settings is written only at a scope that includes user settings.
func TestFixScopeFollowsLinks(t *testing.T) {
	w := Load(t, "settings-link-user")
	before := w.Tree()
	r := w.CLI("check", "--fix", "--folder", "$FOLDER")
	if r.Code == 2 {
		t.Fatalf("exit 2\n%s", r.Output())
	}
	w.AssertOnlyChanged(before)
	if !strings.Contains(r.Stderr, "outside --fix-scope workspace") {
		t.Errorf("check --fix does not say why it left the link alone:\n%s", r.Output())
	}
	r = w.CLI("check", "--fix", "--fix-scope", "user", "--folder", "$FOLDER")
	if r.Code == 2 {
		t.Fatalf("exit 2\n%s", r.Output())
	}
	w.AssertOnlyChanged(before, w.UserSettings, w.GoEnv) // user scope: the go env -w file too
	if got := readFile(t, w.UserSettings); !bytes.Contains(got, []byte(`"https://goproxy.example.com,direct"`)) {
		t.Errorf("--fix-scope user did not fix the typo through the link:\n%s\n%s", got, r.Output())
	}
}

// TestFixScope: check --fix writes the workspace's files only; --fix-scope
// all also user settings and the GOENV file; --dry-run writes nothing and
// prints every diff. Each line names the file it wrote.
func TestFixScope(t *testing.T) {
	wsSettings := "$FOLDER/.vscode/settings.json"

	t.Run("dry-run", func(t *testing.T) {
		w := Load(t, "fix-scope")
		before := w.Tree()
		r := w.CLI("check", "--fix", "--fix-scope", "all", "--dry-run", "--folder", "$FOLDER")
		if r.Code == 2 {
			t.Fatalf("exit 2\n%s", r.Output())
		}
		w.AssertOnlyChanged(before)
		for _, want := range []string{
			"--- a/.vscode/settings.json\n+++ b/.vscode/settings.json\n",
			`-  "go.toolsEnvVars": {"GOPROXY": "https://goproxy.example.com,DIRECT"}` + "\n" +
				`+  "go.toolsEnvVars": {"GOPROXY": "https://goproxy.example.com,direct"}` + "\n",
			"--- " + w.UserSettings + "\n+++ " + w.UserSettings + "\n",
			"--- " + w.GoEnv + "\n+++ " + w.GoEnv + "\n",
			"would fix .vscode/settings.json: go.toolsEnvVars.GOPROXY goproxy-bad-entry: ",
		} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("--dry-run output lacks %q:\n%s", want, r.Stdout)
			}
		}
	})

	t.Run("workspace", func(t *testing.T) {
		w := Load(t, "fix-scope")
		user, goenv := readFile(t, w.UserSettings), readFile(t, w.GoEnv)
		before := w.Tree()
		r := w.CLI("check", "--fix", "--folder", "$FOLDER")
		if r.Code == 2 {
			t.Fatalf("exit 2\n%s", r.Output())
		}
		w.AssertOnlyChanged(before, wsSettings)
		if got := readFile(t, filepath.Join(w.Folder, ".vscode", "settings.json")); !bytes.Contains(got, []byte(`"https://goproxy.example.com,direct"`)) {
			t.Errorf("the workspace's typo is not fixed:\n%s", got)
		}
		if !bytes.Equal(readFile(t, w.UserSettings), user) || !bytes.Equal(readFile(t, w.GoEnv), goenv) {
			t.Error("check --fix without --fix-scope changed a user-level file")
		}
		if !strings.Contains(r.Stdout, "fixed .vscode/settings.json: go.toolsEnvVars.GOPROXY goproxy-bad-entry: ") {
			t.Errorf("no line names the workspace's file:\n%s", r.Stdout)
		}
		if !strings.Contains(r.Stdout, "skipped ") || !strings.Contains(r.Stdout, "--fix-scope user") {
			t.Errorf("the fixes left for a wider scope are not reported:\n%s", r.Stdout)
		}
	})

	t.Run("all", func(t *testing.T) {
		w := Load(t, "fix-scope")
		user, goenv := readFile(t, w.UserSettings), readFile(t, w.GoEnv)
		before := w.Tree()
		r := w.CLI("check", "--fix", "--fix-scope", "all", "--folder", "$FOLDER")
		if r.Code == 2 {
			t.Fatalf("exit 2\n%s", r.Output())
		}
		w.AssertOnlyChanged(before, wsSettings, w.UserSettings, w.GoEnv)
		if bytes.Equal(readFile(t, w.UserSettings), user) || bytes.Equal(readFile(t, w.GoEnv), goenv) {
			t.Errorf("--fix-scope all left a user-level file alone:\n%s", r.Output())
		}
		for _, want := range []string{"fixed " + w.UserSettings + ": ", "fixed " + w.GoEnv + ": "} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("no line %q...:\n%s", want, r.Stdout)
			}
		}
	})
}

// TestPreferredFixRepairsItsOwnValue: on a value with a DIRECT typo and a
// divergence, the one preferred action is the typo's repair.
func TestPreferredFixRepairsItsOwnValue(t *testing.T) {
	w := Load(t, "rank-direct")
	s := w.Serve(true)
	s.Diagnostics("ws/.vscode/settings.json", func(d []any) bool { return len(d) >= 2 })
	var pref []string
	for _, a := range s.actions("ws/.vscode/settings.json") {
		if preferred(a) {
			pref = append(pref, title(a))
		}
	}
	if len(pref) != 1 || !strings.HasPrefix(pref[0], `Replace "DIRECT" with "direct"`) {
		t.Errorf("preferred actions %q; want exactly the DIRECT repair", pref)
	}
	s.Shutdown()
}

// TestNoFixMakesThingsWorse: GOSUMDB=off is never a preferred fix, and no
// fix spreads a "*" pattern.
func TestNoFixMakesThingsWorse(t *testing.T) {
	w := Load(t, "rank-worse")
	s := w.Serve(true)
	s.Diagnostics("home/.config/go/env", func(d []any) bool { return len(d) > 0 })
	for _, a := range s.allActions() {
		t.Logf("offered: %q preferred=%v", title(a), preferred(a))
		if preferred(a) && (strings.Contains(title(a), "GOSUMDB=off") || strings.Contains(title(a), `to "off"`)) {
			t.Errorf("preferred fix switches checksum verification off: %q", title(a))
		}
		// What a fix writes, not its title: narrowing "*" names it too.
		if slices.ContainsFunc(newTexts(a), func(text string) bool { return strings.Contains(text, "*") }) {
			t.Errorf("fix spreads a * pattern: %q writes %q", title(a), newTexts(a))
		}
	}
	s.Shutdown()
	// check --fix applies preferred fixes only: nothing it writes turns
	// verification off or spreads "*".
	before := readFile(t, filepath.Join(w.Folder, ".vscode", "settings.json"))
	r := w.CLI("check", "--fix", "--fix-scope", "all", "--folder", "$FOLDER")
	if r.Code == 2 {
		t.Fatalf("exit 2\n%s", r.Output())
	}
	if bytes.Contains(readFile(t, w.GoEnv), []byte("GOSUMDB=off")) {
		t.Errorf("check --fix wrote GOSUMDB=off:\n%s", r.Output())
	}
	if after := readFile(t, filepath.Join(w.Folder, ".vscode", "settings.json")); bytes.Count(after, []byte(`"*"`)) > bytes.Count(before, []byte(`"*"`)) {
		t.Errorf("check --fix spread a * pattern:\n%s", after)
	}
}

// TestIdenticalEditsReportedOnce: two findings fixed by one edit give one
// code action (for both diagnostics) and one check --fix line.
func TestIdenticalEditsReportedOnce(t *testing.T) {
	w := Load(t, "rank-duplicate")
	s := w.Serve(true)
	s.Diagnostics("home/.config/go/env", func(d []any) bool { return len(d) >= 2 })
	var quick []map[string]any
	for _, a := range s.actions("home/.config/go/env") {
		if a["kind"] == "quickfix" {
			quick = append(quick, a)
		}
	}
	if len(quick) != 1 {
		var titles []string
		for _, a := range quick {
			titles = append(titles, title(a))
		}
		t.Fatalf("quick fixes %q; want one for the one edit", titles)
	}
	if d, _ := quick[0]["diagnostics"].([]any); len(d) != 2 {
		t.Errorf("the action lists %d diagnostics; want both", len(d))
	}
	s.Shutdown()
	r := w.CLI("check", "--fix", "--fix-scope", "user", "--folder", "$FOLDER")
	if r.Code == 2 {
		t.Fatalf("exit 2\n%s", r.Output())
	}
	if n := strings.Count(r.Stdout, "fixed "); n != 1 || !strings.Contains(r.Stdout, "goenv-file-syntax, private-pattern-never-matches: ") {
		t.Errorf("check --fix reports the one edit %d times:\n%s", n, r.Stdout)
	}
}

// TestUntrustedFixesDoNotWriteWorkspaceSettings: in Restricted Mode the fix
// that gives every process gopls's GOFLAGS does not write it into the
// workspace's settings (VS Code would not apply it there); trusted, it does.
func TestUntrustedFixesDoNotWriteWorkspaceSettings(t *testing.T) {
	ws := "(.vscode/settings.json)"
	for _, trusted := range []bool{true, false} {
		w := Load(t, "untrusted-fix-target")
		s := w.Serve(trusted)
		s.Diagnostics("ws/.vscode/settings.json", func(d []any) bool { return len(d) > 0 })
		found := false
		for _, a := range s.actions("ws/.vscode/settings.json") {
			if strings.HasPrefix(title(a), "Set GOFLAGS in ") && strings.Contains(title(a), "go.toolsEnvVars "+ws) {
				found = true
			}
		}
		switch {
		case trusted && !found:
			t.Errorf("trusted: no fix writes go.toolsEnvVars in the workspace's settings (the test needs one)")
		case !trusted && found:
			t.Errorf("untrusted: a fix writes a new value into the workspace's settings")
		}
		s.Shutdown()
	}
}

// newTexts lists every "newText" in a code action's edit.
func newTexts(a map[string]any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if text, ok := x.(string); ok && k == "newText" {
					out = append(out, text)
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(a)
	return out
}
