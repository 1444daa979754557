package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explain"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
)

// hoverResult is a Hover as it arrives on the wire.
type hoverResult struct {
	Contents struct {
		Kind  string `json:"kind"`
		Value string `json:"value"`
	} `json:"contents"`
	Range *lspRange `json:"range"`
}

type inlayHint struct {
	Position    lspPosition `json:"position"`
	Label       string      `json:"label"`
	Kind        int         `json:"kind"`
	PaddingLeft bool        `json:"paddingLeft"`
}

// posOf is the UTF-16 position of the n-th (0-based) occurrence of needle in
// text, plus offset bytes into it.
func posOf(t *testing.T, text, needle string, n, offset int) lspPosition {
	t.Helper()
	i := -1
	for k := 0; k <= n; k++ {
		j := strings.Index(text[i+1:], needle)
		if j < 0 {
			t.Fatalf("%q: occurrence %d not found", needle, n)
		}
		i += 1 + j
	}
	i += offset
	line := strings.Count(text[:i], "\n")
	start := strings.LastIndex(text[:i], "\n") + 1
	return lspPosition{Line: line, Character: len(utf16.Encode([]rune(text[start:i])))}
}

func (h *harness) hover(rel string, p lspPosition) *hoverResult {
	h.t.Helper()
	r := h.call("textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": h.uri(rel)},
		"position":     p,
	})
	if r.Error != nil {
		h.t.Fatalf("hover: %v", r.Error)
	}
	if string(r.Result) == "null" {
		return nil
	}
	var out hoverResult
	if err := json.Unmarshal(r.Result, &out); err != nil {
		h.t.Fatalf("hover result %s: %v", r.Result, err)
	}
	return &out
}

func (h *harness) inlayHints(rel string, rng lspRange) []inlayHint {
	h.t.Helper()
	r := h.call("textDocument/inlayHint", map[string]any{
		"textDocument": map[string]any{"uri": h.uri(rel)},
		"range":        rng,
	})
	if r.Error != nil {
		h.t.Fatalf("inlayHint: %v", r.Error)
	}
	var out []inlayHint
	if err := json.Unmarshal(r.Result, &out); err != nil || out == nil {
		h.t.Fatalf("inlayHint result %s: %v; want a list", r.Result, err)
	}
	return out
}

// startMarkdown is start with a client that takes Markdown hovers.
func startMarkdown(t *testing.T, opts ...option) *harness {
	t.Helper()
	h := start(t, append(opts, uninitialized())...)
	r := h.call("initialize", map[string]any{
		"processId":        nil,
		"rootUri":          h.folderURI(),
		"workspaceFolders": []any{map[string]any{"uri": h.folderURI(), "name": "ws"}},
		"initializationOptions": map[string]any{
			"processEnv": h.env, "userSettingsPath": filepath.Join(h.home, "settings.json"),
			"osFlavour": "linux", "trusted": true,
		},
		"capabilities": map[string]any{
			"textDocument": map[string]any{"hover": map[string]any{"contentFormat": []string{"markdown", "plaintext"}}},
		},
	})
	if r.Error != nil {
		t.Fatalf("initialize: %v", r.Error)
	}
	var result struct {
		Capabilities struct {
			HoverProvider     bool `json:"hoverProvider"`
			InlayHintProvider bool `json:"inlayHintProvider"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(r.Result, &result); err != nil {
		t.Fatal(err)
	}
	if !result.Capabilities.HoverProvider || !result.Capabilities.InlayHintProvider {
		t.Fatalf("capabilities %s: want hoverProvider and inlayHintProvider", r.Result)
	}
	h.notify("initialized", map[string]any{})
	return h
}

// The settings file of the hover tests: a non-ASCII comment before the key
// on its line, so that byte and UTF-16 columns differ.
const hoverSettings = "{\n" +
	"  \"go.toolsEnvVars\": { /* ünï 🎉 */ \"GOPROXY\": \"https://tools:s3cr3tpw@tools.example.com|direct\" },\n" +
	"  \"gopls\": {\"build.env\": {\"GOFLAGS\": \"-mod=mod\"}}\n" +
	"}\n"

// TestHover asks for the hover of a GOPROXY key after non-ASCII text:
// Markdown with every consumer the entry reaches, the winner, what it
// shadows (linked), the parsed list with its separators, the range of the
// key in UTF-16, and never the password.
func TestHover(t *testing.T) {
	h := startMarkdown(t, withFiles(map[string]string{settingsPath: hoverSettings}))
	h.open(settingsPath, 1, hoverSettings)
	key := posOf(t, hoverSettings, `"GOPROXY"`, 0, 3)
	got := h.hover(settingsPath, key)
	if got == nil {
		t.Fatal("hover on the GOPROXY key answered null")
	}
	if got.Contents.Kind != "markdown" {
		t.Errorf("kind %q; want markdown", got.Contents.Kind)
	}
	v := got.Contents.Value
	for _, want := range []string{
		"**GOPROXY** set by `go.toolsEnvVars.GOPROXY`",
		"**gopls, tools**: `https://tools:xxxxx@tools.example.com|direct`",
		"this entry wins",
		"shadows `https://proxy.example.com,direct` from the GOENV file [",
		"#L1)",
		"**terminal**: `https://proxy.example.com,direct` from the GOENV file",
		"(not reached by this entry)",
		"`|`: on any error, the next entry is tried",
		"2. `direct`",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("hover lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "s3cr3tpw") {
		t.Fatalf("hover shows the password:\n%s", v)
	}
	start := posOf(t, hoverSettings, `"GOPROXY"`, 0, 0)
	end := posOf(t, hoverSettings, `"GOPROXY"`, 0, len(`"GOPROXY"`))
	if got.Range == nil || got.Range.Start != start || got.Range.End != end {
		t.Errorf("range %+v; want %v-%v (the key, UTF-16)", got.Range, start, end)
	}
	// The value answers too, with its own range.
	val := h.hover(settingsPath, posOf(t, hoverSettings, "tools.example.com", 0, 0))
	if val == nil || !strings.Contains(val.Contents.Value, "**GOPROXY**") || val.Range.Start.Line != 1 || val.Range.Start.Character <= end.Character {
		t.Errorf("hover on the value: %+v", val)
	}
	// Outside any entry: nothing.
	if got := h.hover(settingsPath, lspPosition{Line: 0, Character: 0}); got != nil {
		t.Errorf("hover on '{': %+v; want null", got)
	}
}

// TestHoverCRLFAndBOM hovers a file with a byte order mark and CRLF line
// endings, on the first line (after the BOM) and on a later one, as a
// plain-text client (the harness lists no hover content format).
func TestHoverCRLFAndBOM(t *testing.T) {
	text := "\ufeff{\"go.toolsEnvVars\": {\"GONOSUMDB\": \"ünï.example.com\"},\r\n" +
		"  \"gopls\": {\"build.env\": {\"GOPROXY\": \"off\"}}\r\n}\r\n"
	h := start(t, withFiles(map[string]string{settingsPath: text}))
	h.open(settingsPath, 1, text)
	first := h.hover(settingsPath, posOf(t, text, "GONOSUMDB", 0, 2))
	if first == nil {
		t.Fatal("hover on line 0 after the BOM answered null")
	}
	if first.Contents.Kind != "plaintext" || !strings.Contains(first.Contents.Value, "GONOSUMDB set by go.toolsEnvVars.GONOSUMDB") ||
		!strings.Contains(first.Contents.Value, "gopls, tools: ünï.example.com") {
		t.Errorf("hover on line 0:\n%+v", first.Contents)
	}
	if want := posOf(t, text, `"GONOSUMDB"`, 0, 0); first.Range == nil || first.Range.Start != want {
		t.Errorf("range %+v; want start %v", first.Range, want)
	}
	second := h.hover(settingsPath, posOf(t, text, `"off"`, 0, 1))
	if second == nil || !strings.Contains(second.Contents.Value, "GOPROXY set by gopls.build.env.GOPROXY") ||
		!strings.Contains(second.Contents.Value, "1. off: module lookup is disabled here") {
		t.Fatalf("hover on the CRLF line: %+v", second)
	}
	if want := posOf(t, text, `"off"`, 0, len(`"off"`)); second.Range.End != want {
		t.Errorf("range end %v; want %v (before the \\r)", second.Range.End, want)
	}
}

// TestHoverRequire hovers a go.mod require line: the route per consumer.
func TestHoverRequire(t *testing.T) {
	mod := "module example.com/m\n\ngo 1.22\n\nrequire example.com/private/lib v1.0.0 // ünï\n"
	h := startMarkdown(t, withFiles(map[string]string{"go.mod": mod}))
	h.open("go.mod", 1, mod)
	got := h.hover("go.mod", posOf(t, mod, "// ünï", 0, 4))
	if got == nil {
		t.Fatal("hover on a require line answered null")
	}
	v := got.Contents.Value
	for _, want := range []string{
		"**example.com/private/lib** `v1.0.0`",
		"`https://proxy.example.com` `,`: asked; the next entry is tried on 404 or 410 only",
		"checksum database: skipped: GONOSUMDB pattern example.com/private matches",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("hover lacks %q:\n%s", want, v)
		}
	}
	if want := (lspRange{Start: lspPosition{Line: 4}, End: posOf(t, mod, "ünï\n", 0, len("ünï"))}); got.Range == nil || *got.Range != want {
		t.Errorf("range %+v; want the line %v", got.Range, want)
	}
	// On the module path, the range is the path.
	path := h.hover("go.mod", posOf(t, mod, "private/lib", 0, 2))
	if want := (lspRange{Start: posOf(t, mod, "example.com/private/lib", 0, 0), End: posOf(t, mod, " v1.0.0", 0, 0)}); path == nil || *path.Range != want {
		t.Errorf("range on the path %+v; want %v", path, want)
	}
}

// TestInlayHints: none by default; with goProxy.inlayHints.enabled, after
// a value some consumer does not use, the value it uses instead, placed in
// UTF-16 after non-ASCII text.
func TestInlayHints(t *testing.T) {
	h := start(t, withFiles(map[string]string{settingsPath: hoverSettings}))
	h.open(settingsPath, 1, hoverSettings)
	everything := lspRange{End: lspPosition{Line: 10}}
	if got := h.inlayHints(settingsPath, everything); len(got) != 0 {
		t.Fatalf("hints without the setting: %+v; want none", got)
	}
	on := strings.Replace(hoverSettings, "{\n", "{\n  \"goProxy.inlayHints.enabled\": true,\n", 1)
	h.change(settingsPath, 2, whole(on))
	got := h.inlayHints(settingsPath, everything)
	if len(got) != 2 {
		t.Fatalf("hints: %+v; want 2 (GOPROXY and GOFLAGS)", got)
	}
	want := posOf(t, on, `@tools.example.com|direct"`, 0, len(`@tools.example.com|direct"`))
	if got[0].Position != want || got[0].Label != "← terminal uses https://proxy.example.com,direct" || !got[0].PaddingLeft {
		t.Errorf("GOPROXY hint %+v; want at %v, the terminal's value, padded", got[0], want)
	}
	if got[1].Label != "← terminal, tools, install: unset" {
		t.Errorf("GOFLAGS hint %+v", got[1])
	}
	// Only the range asked for.
	if got := h.inlayHints(settingsPath, lspRange{Start: lspPosition{Line: 3}, End: lspPosition{Line: 4}}); len(got) != 1 || got[0].Position.Line != 3 {
		t.Errorf("hints of line 3: %+v; want the GOFLAGS one", got)
	}
}

// The inlay hint setting the server reads is the one the contract declares,
// off by default.
func TestInlayHintSettingInTheContract(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "contract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Settings []struct {
			Name    string `json:"name"`
			Type    string `json:"type"`
			Default any    `json:"default"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Settings {
		if s.Name == explain.HintsSetting {
			if s.Type != "boolean" || s.Default != false {
				t.Errorf("%s: type %s, default %v; want a boolean, false", s.Name, s.Type, s.Default)
			}
			return
		}
	}
	t.Errorf("the contract does not declare %s", explain.HintsSetting)
}

// TestHoverAfterVerify: once Verify has run, the hover of a GOPROXY value
// gives each entry's last status and the hover of a require line the
// module's outcome — from the session, with no request of its own.
func TestHoverAfterVerify(t *testing.T) {
	n := newVerifyNet(t)
	goenv := "GOPROXY=" + n.p1.URL + "," + n.p2.URL + "\nGOSUMDB=" + n.db.Key + "\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil))
	before := h.hover(h.goenv, lspPosition{Line: 0, Character: 10})
	if before == nil || strings.Contains(before.Contents.Value, "last Verify") {
		t.Fatalf("hover before Verify: %+v", before)
	}
	decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"})))
	requests := len(n.log.Hits())
	got := h.hover(h.goenv, lspPosition{Line: 0, Character: 10})
	if got == nil {
		t.Fatal("hover on the GOENV file's GOPROXY answered null")
	}
	for _, want := range []string{"1. " + n.p1.URL + " ',': on 404 or 410 only", "; last Verify: ", "2. " + n.p2.URL + ": last entry: its error is the go command's; last Verify: ok, "} {
		if !strings.Contains(got.Contents.Value, want) {
			t.Errorf("hover lacks %q:\n%s", want, got.Contents.Value)
		}
	}
	mod := h.hover("go.mod", posOf(t, verifyGoMod, "pub.example.com/lib", 0, 3))
	if mod == nil || !strings.Contains(mod.Contents.Value, "last Verify (v1.0.0): ok, served by "+n.p2.URL) {
		t.Errorf("hover on the require line after Verify: %+v", mod)
	}
	if now := len(n.log.Hits()); now != requests {
		t.Errorf("hovers made %d network requests; want none", now-requests)
	}
}

// TestHoverUserSettingsInTwoFolders: the user settings file reaches every
// folder; its hover answers for each, under the folder's name.
func TestHoverUserSettingsInTwoFolders(t *testing.T) {
	user := "{\"go.toolsEnvVars\": {\"GOPROXY\": \"https://user.example.com\"}}\n"
	h := start(t)
	h.write(filepath.Join(h.home, "settings.json"), user)
	second := filepath.Join(h.root, "second")
	h.write(filepath.Join(second, "go.mod"), "module example.com/second\n\ngo 1.22\n")
	h.write(filepath.Join(second, settingsPath), "{\"go.toolsEnvVars\": {\"GOPROXY\": \"https://second.example.com\"}}\n")
	h.notify("workspace/didChangeWorkspaceFolders", map[string]any{"event": map[string]any{
		"added": []any{map[string]any{"uri": "file://" + second, "name": "second"}}, "removed": []any{},
	}})
	h.open(filepath.Join(h.home, "settings.json"), 1, user)
	got := h.hover(filepath.Join(h.home, "settings.json"), posOf(t, user, "user.example", 0, 0))
	if got == nil {
		t.Fatal("hover on the user settings answered null")
	}
	v := got.Contents.Value
	for _, want := range []string{
		"ws:\nGOPROXY set by go.toolsEnvVars.GOPROXY",
		"gopls, tools: https://user.example.com from go.toolsEnvVars.GOPROXY",
		"this entry wins",
		"second:\nGOPROXY set by go.toolsEnvVars.GOPROXY",
		"https://second.example.com from go.toolsEnvVars.GOPROXY in .vscode/settings.json:1; this entry is shadowed",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("hover lacks %q:\n%s", want, v)
		}
	}
}
