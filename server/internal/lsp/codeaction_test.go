package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

// codeAction is a CodeAction as it arrives on the wire.
type codeAction struct {
	Title       string       `json:"title"`
	Kind        string       `json:"kind"`
	Diagnostics []diagnostic `json:"diagnostics"`
	IsPreferred bool         `json:"isPreferred"`
	Command     *struct {
		Title   string `json:"title"`
		Command string `json:"command"`
	} `json:"command"`
	Edit struct {
		Changes         map[string][]textEdit `json:"changes"`
		DocumentChanges []documentChange      `json:"documentChanges"`
	} `json:"edit"`
}

type textEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// documentChange is a TextDocumentEdit or a CreateFile.
type documentChange struct {
	Kind         string `json:"kind"` // "create", or "" for a TextDocumentEdit
	URI          string `json:"uri"`
	TextDocument struct {
		URI     string `json:"uri"`
		Version *int   `json:"version"`
	} `json:"textDocument"`
	Edits []textEdit `json:"edits"`
}

// codeActions asks for the actions on a range, with the diagnostics the
// client shows there and an optional context.only.
func (h *harness) codeActions(rel string, rng lspRange, diags []diagnostic, only ...string) []codeAction {
	h.t.Helper()
	ctx := map[string]any{"diagnostics": diags}
	if diags == nil {
		ctx["diagnostics"] = []any{}
	}
	if len(only) > 0 {
		ctx["only"] = only
	}
	r := h.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": h.uri(rel)},
		"range":        rng,
		"context":      ctx,
	})
	if r.Error != nil {
		h.t.Fatalf("codeAction: %v", r.Error)
	}
	if string(r.Result) == "null" {
		h.t.Fatalf("codeAction answered null; want a list")
	}
	var out []codeAction
	if err := json.Unmarshal(r.Result, &out); err != nil {
		h.t.Fatalf("codeAction result %s: %v", r.Result, err)
	}
	return out
}

// applyTextEdits applies LSP edits (UTF-16 positions) to text.
func applyTextEdits(t *testing.T, text string, edits []textEdit) string {
	t.Helper()
	m := position.NewMapper([]byte(text))
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		s := m.Offset(position.Position{Line: e.Range.Start.Line, Character: e.Range.Start.Character})
		en := m.Offset(position.Position{Line: e.Range.End.Line, Character: e.Range.End.Character})
		spans = append(spans, span{s, en, e.NewText})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	for i, s := range spans {
		if i > 0 && s.end > spans[i-1].start {
			t.Fatalf("overlapping edits %v", edits)
		}
		text = text[:s.start] + s.text + text[s.end:]
	}
	return text
}

// editsFor returns the edits of an action for one document and the version
// they were made for.
func (a codeAction) editsFor(t *testing.T, u string) ([]textEdit, *int) {
	t.Helper()
	if e, ok := a.Edit.Changes[u]; ok {
		return e, nil
	}
	for _, dc := range a.Edit.DocumentChanges {
		if dc.Kind == "" && dc.TextDocument.URI == u {
			return dc.Edits, dc.TextDocument.Version
		}
	}
	t.Fatalf("action %q has no edit for %s: %+v", a.Title, u, a.Edit)
	return nil, nil
}

func TestQuickFixRemovesTheDiagnostic(t *testing.T) {
	h := start(t)
	text := "{\n\t// the team's tools\n\t\"go.toolsEnvVars\": {\n\t\t\"GOFLAGS\": null, // unset it\n\t\t\"GOPRIVATE\": \"example.com/private\"\n\t}\n}\n"
	mark := h.mark()
	h.open(settingsPath, 1, text)
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null", all(version(1), hasCode("toolsenv-null")))
	d := *p.find("toolsenv-null")

	actions := h.codeActions(settingsPath, d.Range, []diagnostic{d})
	var fix *codeAction
	for i := range actions {
		if actions[i].Kind != "quickfix" {
			t.Errorf("action %q has kind %q; want quickfix", actions[i].Title, actions[i].Kind)
		}
		if strings.Contains(actions[i].Title, "GOFLAGS") {
			fix = &actions[i]
		}
	}
	if fix == nil {
		t.Fatalf("no fix for toolsenv-null among %+v", actions)
	}
	if !fix.IsPreferred || len(fix.Diagnostics) != 1 || fix.Diagnostics[0].Code != "toolsenv-null" || fix.Diagnostics[0].Range != d.Range {
		t.Errorf("fix %+v: want it preferred and linked to the diagnostic", fix)
	}
	edits, v := fix.editsFor(t, h.uri(settingsPath))
	if v == nil || *v != 1 {
		t.Errorf("the edit is for version %v; want 1", v)
	}
	fixed := applyTextEdits(t, text, edits)
	want := "{\n\t// the team's tools\n\t\"go.toolsEnvVars\": {\n\t\t// unset it\n\t\t\"GOPRIVATE\": \"example.com/private\"\n\t}\n}\n"
	if fixed != want {
		t.Errorf("after the fix:\n%s\nwant\n%s", fixed, want)
	}

	mark = h.mark()
	h.change(settingsPath, 2, whole(fixed))
	p = h.awaitDiagnostics(mark, settingsPath, "version 2", version(2))
	if p.find("toolsenv-null") != nil {
		t.Errorf("toolsenv-null still published after applying the fix: %s", p.Raw)
	}
}

// Actions are offered for the diagnostics in the requested range even when
// the client sends none, and context.only filters them by kind.
func TestCodeActionRangeAndKinds(t *testing.T) {
	h := start(t)
	text := "{\n  \"go.toolsEnvVars\": {\n    \"GOPRIVTE\": \"example.com/private\"\n  }\n}\n"
	mark := h.mark()
	h.open(settingsPath, 1, text)
	p := h.awaitDiagnostics(mark, settingsPath, "unknown-go-variable", all(version(1), hasCode("unknown-go-variable")))
	d := *p.find("unknown-go-variable")

	got := h.codeActions(settingsPath, lspRange{d.Range.Start, d.Range.Start}, nil)
	if len(got) != 1 || got[0].Title != "Rename go.toolsEnvVars.GOPRIVTE to GOPRIVATE in .vscode/settings.json" {
		t.Fatalf("actions at the key = %+v; want the rename", got)
	}
	if len(got[0].Diagnostics) != 1 || got[0].Diagnostics[0].Code != "unknown-go-variable" {
		t.Errorf("the rename is not linked to its diagnostic: %+v", got[0].Diagnostics)
	}
	if n := len(h.codeActions(settingsPath, lspRange{lspPosition{0, 0}, lspPosition{0, 1}}, nil)); n != 0 {
		t.Errorf("%d actions on the first line, where no diagnostic is", n)
	}
	if n := len(h.codeActions(settingsPath, d.Range, []diagnostic{d}, "refactor")); n != 0 {
		t.Errorf("%d actions for only=refactor; want none", n)
	}
	all := h.codeActions(settingsPath, d.Range, []diagnostic{d}, "source")
	if len(all) != 1 || all[0].Kind != "source.fixAll" {
		t.Errorf("only=source gives %+v; want the source.fixAll action", all)
	}
}

// Fix all applies every preferred fix that stays in the document; a second
// request finds nothing left to fix.
func TestFixAllLeavesNoFixableDiagnostic(t *testing.T) {
	h := start(t)
	text := "{\n" +
		"    // Team settings.\n" +
		"    \"go.toolsEnvVars\": {\n" +
		"        \"GOFLAGS\": null,\n" +
		"        \"GONOSUMCHECK\": \"example.com/private\", // a typo\n" +
		"        \"GOINSECURE\": \"https://git.example.com\",\n" +
		"        \"GOPROXY\": \"https://proxy.example.com;DIRECT\"\n" +
		"    },\n" +
		"    \"gopls\": { \"build.env\": { \"GOFLAGS\": \"-insecure\" } }\n" +
		"}\n"
	mark := h.mark()
	h.open(settingsPath, 1, text)
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null", all(version(1), hasCode("toolsenv-null"), hasCode("goproxy-bad-entry")))
	doc := lspRange{lspPosition{0, 0}, lspPosition{strings.Count(text, "\n"), 0}}

	v := 1
	for round := 0; ; round++ {
		actions := h.codeActions(settingsPath, doc, p.Diagnostics, "source.fixAll")
		if len(actions) == 0 {
			break
		}
		if round == 5 {
			t.Fatalf("fix all still offers %q after %d rounds:\n%s", actions[0].Title, round, text)
		}
		if len(actions) != 1 || actions[0].Kind != "source.fixAll" || len(actions[0].Diagnostics) == 0 {
			t.Fatalf("fix all = %+v; want one source.fixAll action that names what it fixes", actions)
		}
		edits, ver := actions[0].editsFor(t, h.uri(settingsPath))
		if ver == nil || *ver != v {
			t.Errorf("fix all edits version %v; want %d", ver, v)
		}
		text = applyTextEdits(t, text, edits)
		v++
		mark = h.mark()
		h.change(settingsPath, v, whole(text))
		p = h.awaitDiagnostics(mark, settingsPath, "the fixed version", version(v))
	}
	// Nothing fixable in the document is left: no preferred quick fix
	// edits only this file. (Fixes that write other files are not fix
	// all's: it may run on save.)
	for _, d := range p.Diagnostics {
		for _, a := range h.codeActions(settingsPath, d.Range, []diagnostic{d}) {
			if a.IsPreferred && a.onlyEdits(h.uri(settingsPath)) {
				t.Errorf("after fix all, %s still has the preferred fix %q", d.Code, a.Title)
			}
		}
	}
	for _, gone := range []string{"toolsenv-null", "unknown-go-variable", "goproxy-bad-entry", "private-pattern-never-matches", "goflags-hazard"} {
		if p.find(gone) != nil {
			t.Errorf("%s is still published after fix all:\n%s", gone, text)
		}
	}
	if _, err := json.Marshal(text); err != nil || !strings.Contains(text, "// a typo") || !strings.Contains(text, "// Team settings.") {
		t.Errorf("fix all lost a comment:\n%s", text)
	}
}

// A fix that writes a file that does not exist yet creates it with a
// CreateFile operation, when the client can, and is not offered otherwise.
func TestFixCreatesUserSettings(t *testing.T) {
	// NO_PROXY keeps the moved proxy off the GOPROXY host: otherwise the
	// move raises no-proxy-missing-host and is not offered.
	text := "{\n    \"http.proxy\": \"http://proxy.example.net:3128\",\n    \"go.toolsEnvVars\": {\"NO_PROXY\": \"proxy.example.com\"}\n}\n"
	t.Run("documentChanges", func(t *testing.T) {
		h := start(t)
		user := filepath.Join(h.home, "settings.json")
		mark := h.mark()
		h.open(settingsPath, 1, text)
		p := h.awaitDiagnostics(mark, settingsPath, "setting-ignored-scope", all(version(1), hasCode("setting-ignored-scope")))
		d := *p.find("setting-ignored-scope")
		actions := h.codeActions(settingsPath, d.Range, []diagnostic{d})
		var move *codeAction
		for i := range actions {
			if strings.HasPrefix(actions[i].Title, "Move http.proxy") {
				move = &actions[i]
			}
		}
		if move == nil {
			t.Fatalf("no move to user settings among %+v", actions)
		}
		dc := move.Edit.DocumentChanges
		createAt := -1
		for i, c := range dc {
			if c.Kind == "create" && c.URI == string(uri.File(user)) {
				createAt = i
			}
		}
		if len(dc) != 3 || createAt < 0 || createAt+1 >= len(dc) || dc[createAt+1].TextDocument.URI != string(uri.File(user)) {
			t.Fatalf("documentChanges = %+v; want the settings edit and CreateFile for %s followed by its text", dc, user)
		}
		created, ver := move.editsFor(t, string(uri.File(user)))
		if ver != nil || len(created) != 1 {
			t.Fatalf("the new file's edit: %+v (version %v)", created, ver)
		}
		if err := os.WriteFile(user, []byte(created[0].NewText), 0o644); err != nil {
			t.Fatal(err)
		}
		edits, _ := move.editsFor(t, h.uri(settingsPath))
		fixed := applyTextEdits(t, text, edits)
		mark = h.mark()
		h.fileChanged(user, 1)
		h.change(settingsPath, 2, whole(fixed))
		p = h.awaitDiagnostics(mark, settingsPath, "version 2 without setting-ignored-scope", all(version(2), func(p publish) bool { return p.find("setting-ignored-scope") == nil }))
		if got, _ := os.ReadFile(user); !strings.Contains(string(got), `"http.proxy": "http://proxy.example.net:3128"`) {
			t.Errorf("user settings = %s", got)
		}
	})
	t.Run("changes only", func(t *testing.T) {
		h := start(t, withPlainEdits())
		mark := h.mark()
		h.open(settingsPath, 1, text)
		p := h.awaitDiagnostics(mark, settingsPath, "setting-ignored-scope", all(version(1), hasCode("setting-ignored-scope")))
		d := *p.find("setting-ignored-scope")
		for _, a := range h.codeActions(settingsPath, d.Range, []diagnostic{d}) {
			if strings.HasPrefix(a.Title, "Move http.proxy") {
				t.Errorf("a client without CreateFile is offered %q", a.Title)
			}
			if len(a.Edit.DocumentChanges) > 0 || len(a.Edit.Changes) == 0 {
				t.Errorf("%q: want plain changes, got %+v", a.Title, a.Edit)
			}
		}
	})
}

func TestCodeActionProviderIsAdvertised(t *testing.T) {
	h := start(t, uninitialized())
	r := h.call("initialize", map[string]any{"processId": nil, "rootUri": h.folderURI(), "capabilities": map[string]any{}})
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	var result struct {
		Capabilities struct {
			CodeActionProvider struct {
				CodeActionKinds []string `json:"codeActionKinds"`
			} `json:"codeActionProvider"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(r.Result, &result); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(result.Capabilities.CodeActionProvider.CodeActionKinds, " "); got != "quickfix source.fixAll" {
		t.Errorf("codeActionKinds = %q; want quickfix and source.fixAll", got)
	}
	h.notify("initialized", map[string]any{})
}

// onlyEdits reports whether an action edits the one document u and nothing else.
func (a codeAction) onlyEdits(u string) bool {
	n := 0
	for k := range a.Edit.Changes {
		if k != u {
			return false
		}
		n++
	}
	for _, dc := range a.Edit.DocumentChanges {
		if dc.Kind != "" || dc.TextDocument.URI != u {
			return false
		}
		n++
	}
	return n > 0
}

// A code action request that arrives right after an edit is answered for the
// document as the client has it: when the edit has not been diagnosed yet,
// the folder is diagnosed on the spot, never answered from the older result.
// Whatever the timing, the fixes target the new version.
func TestCodeActionRightAfterAnEdit(t *testing.T) {
	h := start(t)
	text := "{\n  \"go.toolsEnvVars\": {\n    \"GOFLAGS\": null\n  }\n}\n"
	mark := h.mark()
	h.open(settingsPath, 1, text)
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null", all(version(1), hasCode("toolsenv-null")))
	d := *p.find("toolsenv-null")
	for v := 2; v <= 6; v++ {
		text += " "
		h.change(settingsPath, v, whole(text))
		found := false
		for _, a := range h.codeActions(settingsPath, d.Range, []diagnostic{d}) {
			if !strings.Contains(a.Title, "GOFLAGS") {
				continue
			}
			found = true
			if _, got := a.editsFor(t, h.uri(settingsPath)); got == nil || int(*got) != v {
				t.Errorf("fix %q edits version %v; want %d", a.Title, got, v)
			}
		}
		if !found {
			t.Fatalf("version %d: no toolsenv-null fix", v)
		}
	}
}

// staleEditorState is a VS Code client whose captured environment holds a
// GOPROXY vscode-go pinned at activation, while the GOENV file (and the
// login shell, which does not export GOPROXY) now say otherwise.
func staleEditorState(reload bool) func(h *harness) any {
	return func(h *harness) any {
		proc := map[string]string{"GOPROXY": "https://old.example.com,direct"}
		for k, v := range h.env {
			proc[k] = v
		}
		st := map[string]any{
			"processEnv":       proc,
			"vscodeGoActive":   true,
			"terminalEnv":      h.env,
			"userSettingsPath": filepath.Join(h.home, "settings.json"),
			"osFlavour":        "linux",
			"trusted":          true,
		}
		if reload {
			st["supportsReloadWindow"] = true
		}
		return st
	}
}

// editor-env-stale gets a "Reload Window" quick fix that runs the client's
// goProxy.reloadWindow — only for a client that said it can run it: Neovim
// and other clients get no command they could not execute.
func TestReloadWindowAction(t *testing.T) {
	for _, reload := range []bool{true, false} {
		t.Run(map[bool]string{true: "client runs it", false: "client does not say"}[reload], func(t *testing.T) {
			mark := 0
			h := start(t, withInitOptions(staleEditorState(reload)))
			p := h.awaitDiagnostics(mark, h.goenv, "editor-env-stale", hasCode("editor-env-stale"))
			d := *p.find("editor-env-stale")
			if p.find("env-divergence") != nil || p.find("env-shadowed") != nil {
				t.Errorf("the stale pin is reported twice: %s", p.Raw)
			}
			actions := h.codeActions(h.goenv, d.Range, []diagnostic{d})
			var reloads []codeAction
			for _, a := range actions {
				if a.Command != nil && a.Command.Command == "goProxy.reloadWindow" {
					reloads = append(reloads, a)
				}
			}
			if !reload {
				if len(reloads) != 0 {
					t.Errorf("a client without supportsReloadWindow was offered %+v", reloads)
				}
				return
			}
			if len(reloads) != 1 {
				t.Fatalf("want one Reload Window action, got %+v (all: %+v)", reloads, actions)
			}
			a := reloads[0]
			if a.Title != "Reload Window" || a.Kind != "quickfix" || a.Command.Title != "Reload Window" {
				t.Errorf("action %+v: want a quickfix titled Reload Window", a)
			}
			if len(a.Diagnostics) != 1 || a.Diagnostics[0].Code != "editor-env-stale" || a.Diagnostics[0].Range != d.Range {
				t.Errorf("action linked to %+v; want the editor-env-stale diagnostic", a.Diagnostics)
			}
			if len(a.Edit.Changes) != 0 || len(a.Edit.DocumentChanges) != 0 {
				t.Errorf("the reload action carries an edit: %+v", a.Edit)
			}
			// Elsewhere in the file (no stale diagnostic in range): no reload.
			other := lspRange{Start: lspPosition{Line: 1}, End: lspPosition{Line: 1, Character: 1}}
			for _, a := range h.codeActions(h.goenv, other, nil) {
				if a.Command != nil {
					t.Errorf("action %+v offered outside the diagnostic", a)
				}
			}
		})
	}
}
