package lsp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
)

// The message the go command printed in the explain-error catalogue's
// proxy-404 fixture (server/internal/explainerr/testdata/catalogue).
const proxy404 = "go: corp.example.com/missing@v1.0.0: reading http://127.0.0.1:41000/corp.example.com/missing/@v/v1.0.0.info: 404 Not Found\n" +
	"\tserver response: not found: /corp.example.com/missing/@v/v1.0.0.info\n"

func TestExplainErrorCommand(t *testing.T) {
	h := start(t, withFiles(map[string]string{
		settingsPath: "{\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"http://127.0.0.1:41000\",\n    \"GOSUMDB\": \"off\"\n  }\n}\n",
	}))
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandExplainError, map[string]any{"text": "$ go mod tidy\n" + proxy404, "folder": h.folderURI()}))
	if r.Error != nil {
		t.Fatalf("explainError: %v", r.Error)
	}
	var got struct {
		Explanation struct {
			Parsed struct {
				Case, Hop, Module, Version, URL string
				Status                          int
			}
			Routes []struct {
				Consumers []string
				Reaches   bool
				Why       []string
			}
		}
		Markdown string
		Fixes    []struct {
			Title string
			Edit  struct {
				DocumentChanges []struct {
					TextDocument struct{ URI string }
					Edits        []struct{ NewText string }
				}
			}
		}
	}
	if err := json.Unmarshal(r.Result, &got); err != nil {
		t.Fatal(err)
	}
	p := got.Explanation.Parsed
	if p.Case != "not-found" || p.Hop != "proxy" || p.Module != "corp.example.com/missing" || p.Version != "v1.0.0" || p.Status != 404 {
		t.Errorf("parsed %+v", p)
	}
	if len(got.Explanation.Routes) == 0 || !got.Explanation.Routes[0].Reaches || !strings.Contains(strings.Join(got.Explanation.Routes[0].Consumers, ","), "gopls") {
		t.Errorf("routes %+v", got.Explanation.Routes)
	}
	if !strings.Contains(got.Markdown, "(.vscode/settings.json:3 go.toolsEnvVars.GOPROXY): entry 1 `http://127.0.0.1:41000` is this proxy") {
		t.Errorf("markdown:\n%s", got.Markdown)
	}
	// The GOPRIVATE fix comes as an edit of the workspace settings (and
	// another for the user settings).
	found := false
	for _, f := range got.Fixes {
		if f.Title != `Add "corp.example.com" to go.toolsEnvVars.GOPRIVATE in .vscode/settings.json` {
			continue
		}
		found = true
		if len(f.Edit.DocumentChanges) == 0 || f.Edit.DocumentChanges[0].TextDocument.URI != h.uri(settingsPath) || !strings.Contains(f.Edit.DocumentChanges[0].Edits[0].NewText, "corp.example.com") {
			t.Errorf("fix %+v", f)
		}
	}
	if !found {
		t.Errorf("no GOPRIVATE fix among %+v", got.Fixes)
	}
}

func TestExplainErrorCommandArguments(t *testing.T) {
	h := start(t)
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandExplainError)); r.Error == nil || r.Error.Code != -32602 {
		t.Errorf("no argument: error %v; want invalid params", r.Error)
	}
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandExplainError, map[string]any{"text": "all good"}))
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	var got struct{ Markdown string }
	if err := json.Unmarshal(r.Result, &got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Markdown, "no go command error recognised") {
		t.Errorf("markdown:\n%s", got.Markdown)
	}
}
