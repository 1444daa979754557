package lsp_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// completionItem is a CompletionItem as it arrives on the wire.
type completionItem struct {
	Label               string     `json:"label"`
	Kind                int        `json:"kind"`
	Detail              string     `json:"detail"`
	FilterText          string     `json:"filterText"`
	InsertTextFormat    int        `json:"insertTextFormat"`
	TextEdit            textEdit   `json:"textEdit"`
	AdditionalTextEdits []textEdit `json:"additionalTextEdits"`
	Documentation       string     `json:"documentation"`
}

// cursorAt splits a text marked with "§" into the text and the cursor's
// LSP position, counted here in UTF-16 units independently of the server.
func cursorAt(t *testing.T, marked string) (string, lspPosition) {
	t.Helper()
	i := strings.Index(marked, "§")
	if i < 0 {
		t.Fatalf("no cursor in %q", marked)
	}
	before := marked[:i]
	line := strings.Count(before, "\n")
	lineText := before[strings.LastIndex(before, "\n")+1:]
	return before + marked[i+len("§"):], lspPosition{Line: line, Character: len(utf16.Encode([]rune(lineText)))}
}

func (h *harness) complete(rel string, pos lspPosition) []completionItem {
	h.t.Helper()
	r := h.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": h.uri(rel)},
		"position":     pos,
	})
	if r.Error != nil {
		h.t.Fatalf("completion: %v", r.Error)
	}
	var list struct {
		IsIncomplete bool             `json:"isIncomplete"`
		Items        []completionItem `json:"items"`
	}
	if err := json.Unmarshal(r.Result, &list); err != nil {
		h.t.Fatalf("completion result %s: %v", r.Result, err)
	}
	return list.Items
}

func itemNamed(items []completionItem, label string) *completionItem {
	for i := range items {
		if items[i].Label == label {
			return &items[i]
		}
	}
	return nil
}

// openAndWait waits for the first diagnosis (every harness workspace has
// something to publish: install drops GOENV), so the folder has a stored
// result, and opens a document with the content it has on disk.
func (h *harness) openAndWait(rel, text string) {
	h.t.Helper()
	h.awaitPublish(0, "the first diagnosis", func(publish) bool { return true })
	h.open(rel, 1, text)
}

// col is the UTF-16 column of the first occurrence of sub on line of text.
func col(t *testing.T, text string, line int, sub string) int {
	t.Helper()
	l := strings.Split(text, "\n")[line]
	i := strings.Index(l, sub)
	if i < 0 {
		t.Fatalf("%q not on line %d", sub, line)
	}
	return len(utf16.Encode([]rune(l[:i])))
}

// Completion offers GO variable names in an env object, on a line with
// non-ASCII text before the cursor: the range is in UTF-16 units.
func TestCompletionGoVariableNameUTF16(t *testing.T) {
	text, pos := cursorAt(t, "{\n  \"go.toolsEnvVars\": {\"Ä😀\": \"ü\", \"GOP§\"}\n}\n")
	h := start(t, withFiles(map[string]string{settingsPath: text}))
	h.openAndWait(settingsPath, text)
	items := h.complete(settingsPath, pos)
	it := itemNamed(items, "GOPROXY")
	if it == nil {
		t.Fatalf("no GOPROXY among %d items", len(items))
	}
	if it.Kind != 6 || it.Documentation == "" || it.InsertTextFormat != 0 {
		t.Errorf("item %+v: want a documented variable, plain text: no format, the default (the client takes no snippets)", it)
	}
	// From after the opening quote over the closing one (the colon is new):
	// `  "go.toolsEnvVars": {"Ä😀": "ü", "` is 35 UTF-16 units (😀 is two), 40 bytes.
	if want := (lspRange{Start: lspPosition{1, 35}, End: lspPosition{1, 39}}); it.TextEdit.Range != want {
		t.Errorf("range %+v, want %+v", it.TextEdit.Range, want)
	}
	got := applyTextEdits(t, text, append([]textEdit{it.TextEdit}, it.AdditionalTextEdits...))
	if want := "{\n  \"go.toolsEnvVars\": {\"Ä😀\": \"ü\", \"GOPROXY\": \"\"}\n}\n"; got != want {
		t.Errorf("after completion:\n%s\nwant\n%s", got, want)
	}
	// A comma typed between members brings up nothing (Enter after it must
	// not insert a name); invoked there, the names come.
	text, pos = cursorAt(t, "{\n  \"go.toolsEnvVars\": {\"Ä😀\": \"ü\",§}\n}\n")
	h.change(settingsPath, 2, whole(text))
	r := h.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": h.uri(settingsPath)},
		"position":     pos,
		"context":      map[string]any{"triggerKind": 2, "triggerCharacter": ","},
	})
	if r.Error != nil || !strings.Contains(string(r.Result), `"items":[]`) {
		t.Errorf("completion after a typed comma: %s %v, want no items", r.Result, r.Error)
	}
	if itemNamed(h.complete(settingsPath, pos), "GOPROXY") == nil {
		t.Error("invoked after the comma: no GOPROXY")
	}
	// Outside an env object there is nothing to complete.
	_, pos = cursorAt(t, "{§\n")
	if items := h.complete(settingsPath, pos); len(items) != 0 {
		t.Errorf("%d items at the top level", len(items))
	}
}

// A settings file with a BOM and CRLF line endings: the new member gets
// the comma it needs, and the range counts the BOM as the client does.
func TestCompletionCRLFAndBOM(t *testing.T) {
	text, pos := cursorAt(t, "\ufeff{\r\n  \"go.toolsEnvVars\": {\r\n    \"GOFLAGS\": \"-mod=mod\" // é\r\n    GOS§\r\n  }\r\n}\r\n")
	h := start(t, withFiles(map[string]string{settingsPath: text}))
	h.openAndWait(settingsPath, text)
	it := itemNamed(h.complete(settingsPath, pos), "GOSUMDB")
	if it == nil {
		t.Fatal("no GOSUMDB")
	}
	if want := (lspRange{Start: lspPosition{3, 4}, End: lspPosition{3, 7}}); it.TextEdit.Range != want {
		t.Errorf("range %+v, want %+v", it.TextEdit.Range, want)
	}
	got := applyTextEdits(t, text, append([]textEdit{it.TextEdit}, it.AdditionalTextEdits...))
	want := "\ufeff{\r\n  \"go.toolsEnvVars\": {\r\n    \"GOFLAGS\": \"-mod=mod\", // é\r\n    \"GOSUMDB\": \"\"\r\n  }\r\n}\r\n"
	if got != want {
		t.Errorf("after completion:\n%q\nwant\n%q", got, want)
	}
	// The BOM is one UTF-16 unit on the first line.
	text, pos = cursorAt(t, "\ufeff{\"go.toolsEnvVars\": {\"§\"}}")
	h.change(settingsPath, 2, whole(text))
	it = itemNamed(h.complete(settingsPath, pos), "GOPROXY")
	if it == nil {
		t.Fatal("no GOPROXY after a BOM")
	}
	if want := (lspRange{Start: lspPosition{0, 23}, End: lspPosition{0, 24}}); it.TextEdit.Range != want {
		t.Errorf("range %+v, want %+v", it.TextEdit.Range, want)
	}
}

// GOPROXY values: direct, off and the URLs configured elsewhere (here the
// GOENV file's); in the GOENV file, names and values without quotes.
func TestCompletionGOPROXYValuesAndGoEnvFile(t *testing.T) {
	text, pos := cursorAt(t, "{\"go.toolsEnvVars\": {\"GOPROXY\": \"ü,§\"}}")
	h := start(t, withGoEnv("GOPROXY=https://proxy.example.com,direct\r\nGONOSUMDB=example.com/private\r\n"), withFiles(map[string]string{settingsPath: text}))
	h.openAndWait(settingsPath, text)
	items := h.complete(settingsPath, pos)
	for _, label := range []string{"direct", "off", "https://proxy.example.com"} {
		if itemNamed(items, label) == nil {
			t.Errorf("no %s among %+v", label, items)
		}
	}
	it := itemNamed(items, "https://proxy.example.com")
	if it != nil && it.Documentation != "Set in your go env -w file." {
		t.Errorf("doc %q does not say where it is configured", it.Documentation)
	}

	goenvText, pos := cursorAt(t, "GOPROXY=https://proxy.example.com,direct\r\nGONOSUMDB=example.com/private\r\nGOINS§\r\n")
	h.open(h.goenv, 1, goenvText)
	it = itemNamed(h.complete(h.goenv, pos), "GOINSECURE")
	if it == nil {
		t.Fatal("no GOINSECURE in the GOENV file")
	}
	if got, want := applyTextEdits(t, goenvText, []textEdit{it.TextEdit}), "GOPROXY=https://proxy.example.com,direct\r\nGONOSUMDB=example.com/private\r\nGOINSECURE=\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if links := h.links(h.goenv); len(links) != 1 || links[0].Target != "https://proxy.example.com" ||
		links[0].Range != (lspRange{Start: lspPosition{0, 8}, End: lspPosition{0, 33}}) {
		t.Errorf("GOENV file links %+v, want the proxy at 0:8-33", links)
	}
	_, pos = cursorAt(t, "GOPROXY=https://proxy.example.com,§direct\r\n")
	it = itemNamed(h.complete(h.goenv, pos), "off")
	if it == nil {
		t.Fatal("no off in the GOENV file's GOPROXY")
	}
	if got, want := applyTextEdits(t, goenvText, []textEdit{it.TextEdit}), "GOPROXY=https://proxy.example.com,off\r\nGONOSUMDB=example.com/private\r\n"; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}

// GOPRIVATE values are derived from the modules go.mod requires.
func TestCompletionPrivatePatterns(t *testing.T) {
	mod := "module example.com/m\n\ngo 1.22\n\nrequire (\n\tgit.corp.example.com/team/a v1.0.0\n\tgit.corp.example.com/team/b v1.0.0\n\tgolang.org/x/text v0.14.0\n)\n"
	text, pos := cursorAt(t, "{\"go.toolsEnvVars\": {\"GOPRIVATE\": \"§\"}}")
	h := start(t, withFiles(map[string]string{"go.mod": mod, settingsPath: text}))
	h.openAndWait(settingsPath, text)
	items := h.complete(settingsPath, pos)
	if len(items) == 0 || items[0].Label != "git.corp.example.com/team" {
		t.Fatalf("items %+v: want git.corp.example.com/team first", items)
	}
	for _, it := range items {
		if strings.Contains(it.Label, "golang.org") {
			t.Errorf("public module pattern offered: %q", it.Label)
		}
	}
}

// No credential reaches a completion item or a link target: configured
// proxy URLs lose their userinfo.
func TestCompletionAndLinksCarryNoCredential(t *testing.T) {
	const secret = "s3cret-Tok3n"
	text, pos := cursorAt(t, "{\"go.toolsEnvVars\": {\"HTTPS_PROXY\": \"http://bob:"+secret+"@127.0.0.1:3128\", \"GOPROXY\": \"https://carol:"+secret+"@mirror.example.org,§\"}}")
	h := start(t, withGoEnv("GOPROXY=https://alice:"+secret+"@proxy.example.com/go,direct\n"), withFiles(map[string]string{settingsPath: text}))
	h.openAndWait(settingsPath, text)
	items := h.complete(settingsPath, pos)
	if itemNamed(items, "https://proxy.example.com/go") == nil || itemNamed(items, "https://mirror.example.org") == nil {
		t.Errorf("items %+v: want the configured proxies without userinfo", items)
	}
	raw, _ := json.Marshal(items)
	if strings.Contains(string(raw), secret) {
		t.Errorf("a completion item carries the credential: %s", raw)
	}
	links := h.links(settingsPath)
	if len(links) != 2 {
		t.Fatalf("links %+v: want the HTTPS_PROXY and GOPROXY URLs", links)
	}
	raw, _ = json.Marshal(links)
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), "carol") {
		t.Errorf("a link carries the credential: %s", raw)
	}
	if links[1].Target != "https://mirror.example.org" {
		t.Errorf("GOPROXY link to %q", links[1].Target)
	}
}

type documentLink struct {
	Range   lspRange `json:"range"`
	Target  string   `json:"target"`
	Tooltip string   `json:"tooltip"`
}

func (h *harness) links(rel string) []documentLink {
	h.t.Helper()
	r := h.call("textDocument/documentLink", map[string]any{"textDocument": map[string]any{"uri": h.uri(rel)}})
	if r.Error != nil {
		h.t.Fatalf("documentLink: %v", r.Error)
	}
	var out []documentLink
	if err := json.Unmarshal(r.Result, &out); err != nil {
		h.t.Fatalf("documentLink result %s: %v", r.Result, err)
	}
	return out
}

// Links: the GOENV path set in settings, launch.json envFile paths and
// proxy URLs, with UTF-16 ranges on lines with non-ASCII text.
func TestDocumentLinks(t *testing.T) {
	text := "{\"go.toolsEnvVars\": {\"Ä😀\": \"ü\", \"GOENV\": \"${workspaceFolder}/go.env\", \"GOPROXY\": \"https://proxy.example.com|direct\"}}\n"
	launch := "{\r\n  // débogage\r\n  \"configurations\": [{\"name\": \"é\", \"type\": \"go\", \"envFile\": \"${workspaceFolder}/.env\"}]\r\n}\r\n"
	h := start(t, withFiles(map[string]string{settingsPath: text, ".vscode/launch.json": launch}))
	h.openAndWait(settingsPath, text)
	links := h.links(settingsPath)
	if len(links) != 2 {
		t.Fatalf("links %+v, want 2", links)
	}
	goenvFile := "file://" + filepath.ToSlash(filepath.Join(h.folder, "go.env"))
	span := func(text string, line int, sub string) lspRange {
		c := col(t, text, line, sub)
		return lspRange{Start: lspPosition{line, c}, End: lspPosition{line, c + len(utf16.Encode([]rune(sub)))}}
	}
	if l, want := links[0], span(text, 0, "${workspaceFolder}/go.env"); l.Target != goenvFile || l.Range != want {
		t.Errorf("GOENV link %+v, want %s at %+v", l, goenvFile, want)
	}
	if l, want := links[1], span(text, 0, "https://proxy.example.com"); l.Target != "https://proxy.example.com" || l.Range != want {
		t.Errorf("GOPROXY link %+v, want %+v", l, want)
	}

	h.open(".vscode/launch.json", 1, launch)
	links = h.links(".vscode/launch.json")
	envFile := "file://" + filepath.ToSlash(filepath.Join(h.folder, ".env"))
	if want := span(launch, 2, "${workspaceFolder}/.env"); len(links) != 1 || links[0].Target != envFile || links[0].Range != want {
		t.Errorf("launch.json links %+v, want %s at %+v", links, envFile, want)
	}
}

// A client that takes snippets gets the caret between the new value's
// quotes; the capability is advertised with its trigger characters.
func TestCompletionSnippetsAndCapability(t *testing.T) {
	text, pos := cursorAt(t, "{\"go.toolsEnvVars\": {\"é\": \"\", \"GOP§\"}}")
	h := start(t, uninitialized(), withFiles(map[string]string{settingsPath: text}))
	r := h.call("initialize", map[string]any{
		"processId": nil, "rootUri": h.folderURI(),
		"initializationOptions": map[string]any{"processEnv": h.env, "trusted": true},
		"capabilities": map[string]any{"textDocument": map[string]any{
			"completion": map[string]any{"completionItem": map[string]any{"snippetSupport": true}},
		}},
	})
	if r.Error != nil {
		t.Fatalf("initialize: %v", r.Error)
	}
	var result struct {
		Capabilities struct {
			CompletionProvider struct {
				TriggerCharacters []string `json:"triggerCharacters"`
			} `json:"completionProvider"`
			DocumentLinkProvider *struct{} `json:"documentLinkProvider"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(r.Result, &result); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(result.Capabilities.CompletionProvider.TriggerCharacters, " "); got != `" , | =` || result.Capabilities.DocumentLinkProvider == nil {
		t.Errorf("capabilities %s: want completion (triggers \" , | =) and document links", r.Result)
	}
	h.notify("initialized", map[string]any{})
	h.openAndWait(settingsPath, text)
	it := itemNamed(h.complete(settingsPath, pos), "GOPROXY")
	if it == nil {
		t.Fatal("no GOPROXY")
	}
	if it.InsertTextFormat != 2 || it.TextEdit.NewText != `GOPROXY": "$0"` {
		t.Errorf("item %+v: want the snippet GOPROXY\": \"$0\"", it)
	}
}
