package lsp

import (
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

func partial(sl, sc, el, ec int, text string) *protocol.TextDocumentContentChangePartial {
	return &protocol.TextDocumentContentChangePartial{
		Range: protocol.Range{
			Start: protocol.Position{Line: uint32(sl), Character: uint32(sc)},
			End:   protocol.Position{Line: uint32(el), Character: uint32(ec)},
		},
		Text: text,
	}
}

func TestApplyChanges(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		changes  []protocol.TextDocumentContentChangeEvent
		want     string
	}{
		{"insert", "ab\ncd", []protocol.TextDocumentContentChangeEvent{partial(1, 1, 1, 1, "X")}, "ab\ncXd"},
		{"delete across lines", "ab\r\ncd\nef", []protocol.TextDocumentContentChangeEvent{partial(0, 1, 2, 1, "")}, "af"},
		// 😀 is two UTF-16 units: character 3 is after it.
		{"after an astral rune", `"😀x"`, []protocol.TextDocumentContentChangeEvent{partial(0, 3, 0, 4, "y")}, `"😀y"`},
		{"past the end of a line", "ab\ncd", []protocol.TextDocumentContentChangeEvent{partial(0, 99, 1, 0, "-")}, "ab-cd"},
		{"in order", "abc", []protocol.TextDocumentContentChangeEvent{
			&protocol.TextDocumentContentChangeWholeDocument{Text: "xyz"},
			partial(0, 0, 0, 1, "W"),
			partial(0, 3, 0, 3, "!"),
		}, "Wyz!"},
	} {
		got, err := applyChanges([]byte(tc.in), tc.changes)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: applyChanges(%q) = %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
	if _, err := applyChanges([]byte("abc"), []protocol.TextDocumentContentChangeEvent{partial(0, 2, 0, 1, "")}); err == nil {
		t.Errorf("a reversed range: no error")
	}
}

func TestApplyChangesKeepsTheOldContent(t *testing.T) {
	old := []byte("abcdef")
	if _, err := applyChanges(old, []protocol.TextDocumentContentChangeEvent{partial(0, 1, 0, 2, "XYZ")}); err != nil {
		t.Fatal(err)
	}
	if string(old) != "abcdef" {
		t.Errorf("the old content was modified: %q", old)
	}
}

// FuzzApplyChanges checks that any edit keeps the text outside its range.
func FuzzApplyChanges(f *testing.F) {
	f.Add("ab\ncd", 0, 1, 1, 1, "X")
	f.Add("😀\r\n𝔾o", 0, 1, 1, 2, "")
	f.Fuzz(func(t *testing.T, text string, sl, sc, el, ec int, insert string) {
		if !utf8.ValidString(text) || sl < 0 || sc < 0 || el < 0 || ec < 0 || sl > 1<<20 || el > 1<<20 || sc > 1<<20 || ec > 1<<20 {
			return
		}
		got, err := applyChanges([]byte(text), []protocol.TextDocumentContentChangeEvent{partial(sl, sc, el, ec, insert)})
		if err != nil {
			return
		}
		if !strings.Contains(string(got), insert) {
			t.Fatalf("%q lacks the inserted %q", got, insert)
		}
		if len(got) > len(text)+len(insert) {
			t.Fatalf("%q grew by more than the insertion into %q", got, text)
		}
	})
}

func TestClientStateDefaults(t *testing.T) {
	cs, err := decodeClientState(nil)
	if err != nil || !cs.Trusted || cs.ProcessEnv == nil || cs.OSFlavour != "" || cs.SupportsReloadWindow {
		t.Errorf("defaults = %+v, %v; want trusted, the server's environment, an OS flavour and no reload command", cs, err)
	}
	if cs, _ := decodeClientState([]byte(`{"supportsReloadWindow": true}`)); !cs.SupportsReloadWindow {
		t.Errorf("supportsReloadWindow not decoded: %+v", cs)
	}
	cs, err = decodeClientState([]byte(`{"processEnv": {"HOME": "/h"}, "trusted": false, "osFlavour": "osx", "workspaceFile": "file:///w/a.code-workspace"}`))
	if err != nil || cs.Trusted || cs.OSFlavour != "osx" || cs.ProcessEnv["HOME"] != "/h" || cs.WorkspaceFile != "/w/a.code-workspace" {
		t.Errorf("decoded = %+v, %v", cs, err)
	}
	if cs.UserSettingsPath == "" {
		t.Errorf("no default user settings path from HOME=/h")
	}
	if _, err := decodeClientState([]byte(`{"processEnv": 3}`)); err == nil {
		t.Errorf("malformed client state: no error")
	}
}

// The login shell runs the user's startup files: only for a client that
// captured its own environment, in a trusted workspace, when the terminal's
// environment is not already known.
func TestWantsShellProbe(t *testing.T) {
	for _, tc := range []struct {
		json string
		want bool
	}{
		{`{"processEnv": {"SHELL": "/bin/bash"}, "trusted": true}`, true},
		{`{"processEnv": {"SHELL": "/bin/bash"}, "trusted": false}`, false},
		{`{"processEnv": {"SHELL": "/bin/bash"}, "trusted": true, "terminalEnv": {"A": "b"}}`, false},
		{`{"processEnv": {"HOME": "/h"}, "trusted": true}`, false},
		{`{"trusted": true}`, false}, // the server's own environment is already a shell's
	} {
		cs, err := decodeClientState([]byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		if got := cs.wantsShellProbe(); got != tc.want && runtime.GOOS != "windows" {
			t.Errorf("%s: wantsShellProbe = %v, want %v", tc.json, got, tc.want)
		}
	}
}

// A buffer over maxDocument is not kept, whether it arrives in didOpen, as
// a whole-document change or grows there by range changes; range changes
// to a dropped text leave it dropped, a whole-document change under the cap
// brings it back. The engine sees a skip error for it.
func TestDocumentCap(t *testing.T) {
	big := strings.Repeat("x", maxDocument+1)
	d := newDocument("file:///w/.vscode/settings.json", "/w/.vscode/settings.json", 1, big)
	if d.content != nil || d.tooLarge != len(big) {
		t.Fatalf("didOpen over the cap: kept %d bytes, tooLarge %d", len(d.content), d.tooLarge)
	}
	if _, err := d.read(); err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("read of a dropped buffer: %v", err)
	}
	d2, err := d.changed(2, []protocol.TextDocumentContentChangeEvent{partial(0, 0, 0, 0, "{")})
	if err != nil || d2.tooLarge == 0 || d2.content != nil || d2.version != 2 {
		t.Errorf("range change to a dropped text: %+v, %v", d2, err)
	}
	d3, err := d2.changed(3, []protocol.TextDocumentContentChangeEvent{
		&protocol.TextDocumentContentChangeWholeDocument{Text: "{}"}, partial(0, 1, 0, 1, `"a": 1`)})
	if got, _ := d3.read(); err != nil || d3.tooLarge != 0 || string(got) != `{"a": 1}` {
		t.Errorf("whole change under the cap: %q, tooLarge %d, %v", got, d3.tooLarge, err)
	}
	d4, err := d3.changed(4, []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: big}})
	if err != nil || d4.content != nil || d4.tooLarge != len(big) {
		t.Errorf("whole change over the cap: kept %d bytes, %v", len(d4.content), err)
	}
	half := strings.Repeat("y", maxDocument/2+1)
	d5, err := d3.changed(5, []protocol.TextDocumentContentChangeEvent{partial(0, 0, 0, 0, half), partial(0, 0, 0, 0, half)})
	if err != nil || d5.content != nil || d5.tooLarge != 2*len(half)+len(`{"a": 1}`) {
		t.Errorf("grown over the cap by range changes: kept %d bytes, tooLarge %d, %v", len(d5.content), d5.tooLarge, err)
	}
	if got, _ := d3.read(); string(got) != `{"a": 1}` {
		t.Errorf("an older version changed: %q", got)
	}
}
