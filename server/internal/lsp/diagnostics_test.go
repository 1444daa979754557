package lsp_test

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"go.lsp.dev/uri"
)

// utf16Len is the length of s in UTF-16 code units (LSP's default encoding).
func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// at returns the UTF-16 (line, character) of the first occurrence of needle.
func at(t *testing.T, text, needle string) lspPosition {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q not in %q", needle, text)
	}
	line := strings.Count(text[:i], "\n")
	return lspPosition{Line: line, Character: utf16Len(text[strings.LastIndex(text[:i], "\n")+1 : i])}
}

func TestDiagnosticsFollowTheBuffer(t *testing.T) {
	h := start(t)

	mark := h.mark()
	h.open(settingsPath, 1, nullToolsEnvVar)
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null at version 1", all(version(1), hasCode("toolsenv-null")))
	d := p.find("toolsenv-null")
	if want := at(t, nullToolsEnvVar, "null"); d.Range.Start != want && d.Range.Start != at(t, nullToolsEnvVar, `"GOPROXY"`) {
		t.Errorf("toolsenv-null starts at %+v; want the GOPROXY key or its null value", d.Range.Start)
	}
	if d.Source != "go-proxy" || d.Severity != 1 || d.Message == "" {
		t.Errorf("toolsenv-null = %+v; want source go-proxy, severity error and a message", d)
	}
	if !slices.Contains(d.Data.Consumers, "gopls") {
		t.Errorf("toolsenv-null consumers = %q; want gopls among them", d.Data.Consumers)
	}

	// Fix the value with an incremental edit: the diagnostic goes, carrying version 2.
	nullAt := at(t, nullToolsEnvVar, "null")
	mark = h.mark()
	sent := time.Now()
	h.change(settingsPath, 2, edit(nullAt.Line, nullAt.Character, nullAt.Line, nullAt.Character+4, `"https://proxy.example.com,direct"`))
	p = h.awaitDiagnostics(mark, settingsPath, "version 2", version(2))
	t.Logf("didChange → publishDiagnostics: %v", p.at.Sub(sent))
	if p.find("toolsenv-null") != nil {
		t.Errorf("toolsenv-null still published after the fix: %s", p.Raw)
	}

	// Break it again with a full-text change.
	mark = h.mark()
	h.change(settingsPath, 3, whole(nullToolsEnvVar))
	h.awaitDiagnostics(mark, settingsPath, "toolsenv-null at version 3", all(version(3), hasCode("toolsenv-null")))

	// Close: the file on disk has no problem, so the list is cleared (unversioned).
	mark = h.mark()
	h.closeDoc(settingsPath)
	h.awaitDiagnostics(mark, settingsPath, "an empty list after didClose", all(unversioned, empty))
}

func TestIncrementalEditsCountUTF16(t *testing.T) {
	h := start(t)
	// Astral-plane runes are two UTF-16 code units each, but four bytes.
	text := `{"editor.fontFamily": "😀 𝔾o", "go.toolsEnvVars": {"GOPROXY": "x"}}` + "\n"
	mark := h.mark()
	h.open(settingsPath, 1, text)
	x := at(t, text, `"x"`)
	h.change(settingsPath, 2, edit(x.Line, x.Character, x.Line, x.Character+3, "null"))
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null at version 2", all(version(2), hasCode("toolsenv-null")))
	want := strings.Replace(text, `"x"`, "null", 1)
	d := p.find("toolsenv-null")
	if d.Range.Start != at(t, want, "null") && d.Range.Start != at(t, want, `"GOPROXY"`) {
		t.Errorf("toolsenv-null at %+v; want the UTF-16 position of GOPROXY or null in %q", d.Range, want)
	}
}

func TestMalformedSettingsIsADiagnostic(t *testing.T) {
	h := start(t)
	for i, text := range []string{
		`{"go.toolsEnvVars": {"GOPROXY": `,
		"\x00\x01binary\xff\xfe",
		strings.Repeat("[", 100000),
	} {
		mark := h.mark()
		h.open(settingsPath, i+1, text)
		h.awaitDiagnostics(mark, settingsPath, "settings-parse-error", all(version(i+1), hasCode("settings-parse-error")))
		h.closeDoc(settingsPath)
		if i == 0 {
			// Still alive and serving requests.
			h.environment()
		}
	}
}

func TestClearedWhenTheFileOnDiskIsFixed(t *testing.T) {
	mark := 0
	h := start(t, withFiles(map[string]string{settingsPath: nullToolsEnvVar}))
	h.awaitDiagnostics(mark, settingsPath, "toolsenv-null from disk", all(unversioned, hasCode("toolsenv-null")))

	h.write(settingsPath, cleanSettings)
	mark = h.mark()
	h.fileChanged(settingsPath, 2)
	h.awaitDiagnostics(mark, settingsPath, "an empty list after the fix", all(unversioned, empty))
}

// TestPublishDiagnosticsWireShape pins the JSON on the wire: an LSP client
// must see "diagnostics": [] (never null), the version of open documents,
// and every diagnostic's source, code and consumers.
func TestPublishDiagnosticsWireShape(t *testing.T) {
	h := start(t)
	mark := h.mark()
	h.open(settingsPath, 7, nullToolsEnvVar)
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null", all(version(7), hasCode("toolsenv-null")))

	var params map[string]json.RawMessage
	if err := json.Unmarshal(p.Raw, &params); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(params)); !slices.Equal(got, []string{"diagnostics", "uri", "version"}) {
		t.Errorf("publishDiagnostics keys = %q; want diagnostics, uri, version", got)
	}
	if string(params["version"]) != "7" || string(params["uri"]) != `"`+h.uri(settingsPath)+`"` {
		t.Errorf("uri %s version %s; want %s and 7", params["uri"], params["version"], h.uri(settingsPath))
	}
	var diags []map[string]json.RawMessage
	if err := json.Unmarshal(params["diagnostics"], &diags); err != nil {
		t.Fatal(err)
	}
	for _, d := range diags {
		for _, key := range []string{"range", "severity", "code", "source", "message", "data"} {
			if _, ok := d[key]; !ok {
				t.Errorf("diagnostic %v lacks %q", d, key)
			}
		}
		if string(d["source"]) != `"go-proxy"` {
			t.Errorf("source = %s; want \"go-proxy\"", d["source"])
		}
		var data map[string]json.RawMessage
		if err := json.Unmarshal(d["data"], &data); err != nil || !strings.HasPrefix(string(data["consumers"]), "[") {
			t.Errorf("data = %s; want an object with a consumers list", d["data"])
		}
	}

	mark = h.mark()
	h.closeDoc(settingsPath)
	p = h.awaitDiagnostics(mark, settingsPath, "an empty list", all(unversioned, empty))
	var cleared map[string]json.RawMessage
	if err := json.Unmarshal(p.Raw, &cleared); err != nil {
		t.Fatal(err)
	}
	if string(cleared["diagnostics"]) != "[]" {
		t.Errorf(`cleared diagnostics = %s; want [] (never null) in %s`, cleared["diagnostics"], p.Raw)
	}
	if _, ok := cleared["version"]; ok {
		t.Errorf("a closed document's publish carries a version: %s", p.Raw)
	}
}

func TestGoEnvFileOutsideTheWorkspaceIsWatched(t *testing.T) {
	h := start(t, withGoEnv("GOPROXY=\n"))
	p := h.awaitDiagnostics(0, h.goenv, "goproxy-empty", hasCode("goproxy-empty"))
	if d := p.find("goproxy-empty"); d.Range.Start.Line != 0 {
		t.Errorf("goproxy-empty at %+v; want line 0 of the GOENV file", d.Range)
	}

	h.write(h.goenv, defaultGoEnv) // as `go env -w` would
	mark := h.mark()
	h.fileChanged(h.goenv, 2)
	h.awaitDiagnostics(mark, h.goenv, "no goproxy-empty", func(p publish) bool { return p.find("goproxy-empty") == nil })
}

// A finding about the process environment has no file of its own: it is
// shown on the module line of the folder's go.mod.
func TestProcessEnvironmentFindingsGoOnTheModuleLine(t *testing.T) {
	h := start(t, withInitOptions(func(h *harness) any {
		env := maps.Clone(h.env)
		env["GOPROXY"] = "https://proxy.example.com"
		return map[string]any{"processEnv": env, "trusted": true, "osFlavour": "linux"}
	}))
	p := h.awaitDiagnostics(0, "go.mod", "goproxy-no-fallback", hasCode("goproxy-no-fallback"))
	if d := p.find("goproxy-no-fallback"); d.Range != (lspRange{lspPosition{0, 0}, lspPosition{0, len("module example.com/m")}}) {
		t.Errorf("goproxy-no-fallback at %+v; want the module line", d.Range)
	}
}

func TestWorkspaceFoldersChange(t *testing.T) {
	h := start(t)
	second := filepath.Join(h.root, "second")
	h.write(filepath.Join(second, settingsPath), nullToolsEnvVar)
	secondSettings := filepath.Join(second, settingsPath)
	folder := map[string]any{"uri": string(uri.File(second)), "name": "second"}

	mark := h.mark()
	h.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": []any{folder}, "removed": []any{}}})
	h.awaitDiagnostics(mark, secondSettings, "toolsenv-null in the added folder", hasCode("toolsenv-null"))
	if res := h.environment(); len(res.Folders) != 2 {
		t.Errorf("environment lists %d folders; want 2", len(res.Folders))
	}

	mark = h.mark()
	h.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{"added": []any{}, "removed": []any{folder}}})
	h.awaitDiagnostics(mark, secondSettings, "an empty list once the folder is removed", empty)
}

// A burst of edits under the default debounce ends with the last version
// published.
func TestBurstOfEditsSettles(t *testing.T) {
	h := start(t, withDebounce(0))
	mark := h.mark()
	h.open(settingsPath, 1, cleanSettings)
	text := nullToolsEnvVar
	for v := 2; v <= 30; v++ {
		if v%2 == 0 {
			h.change(settingsPath, v, whole(text))
		} else {
			h.change(settingsPath, v, whole(strings.Replace(text, "null", `"https://proxy.example.com,direct"`, 1)))
		}
	}
	h.change(settingsPath, 31, whole(nullToolsEnvVar))
	h.awaitDiagnostics(mark, settingsPath, "version 31", all(version(31), hasCode("toolsenv-null")))
}

// A buffer over the 8 MiB cap is diagnosed as skipped on line 0 of the
// document (its text is not kept), its range changes leave it so, and a
// whole-document change under the cap brings the buffer back.
func TestOversizedBufferIsSkipped(t *testing.T) {
	h := start(t)
	mark := h.mark()
	h.open(settingsPath, 1, `{"go.toolsEnvVars": {"GOPROXY": "https://`+strings.Repeat("a", 9<<20)+`"}}`)
	p := h.awaitDiagnostics(mark, settingsPath, "file-skipped", all(version(1), hasCode("file-skipped")))
	d := p.find("file-skipped")
	if d.Range.Start.Line != 0 || d.Range.End.Line != 0 || d.Severity != 2 || !strings.Contains(d.Message, "larger than 8 MiB") {
		t.Errorf("file-skipped: %+v", d)
	}
	mark = h.mark()
	h.change(settingsPath, 2, edit(0, 0, 0, 0, " "))
	h.awaitDiagnostics(mark, settingsPath, "file-skipped", all(version(2), hasCode("file-skipped")))
	mark = h.mark()
	h.change(settingsPath, 3, whole(`{"go.toolsEnvVars": {"GOPROXY": null}}`))
	h.awaitDiagnostics(mark, settingsPath, "toolsenv-null", all(version(3), hasCode("toolsenv-null"), func(p publish) bool { return p.find("file-skipped") == nil }))
}
