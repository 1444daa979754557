package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// TestHoverAndHintsOverTheWire drives the spawned binary as an editor with
// Markdown hovers and inlay hint refresh support: no hints until the
// setting is on, then a workspace/inlayHint/refresh and a hint; a hover on
// a CRLF settings file answers in Markdown.
func TestHoverAndHintsOverTheWire(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	goenv := filepath.Join(dir, "goenv")
	if err := os.WriteFile(goenv, []byte("GOPROXY=https://goenv.example.com,direct\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(dir, ".vscode", "settings.json")
	text := "{\r\n  \"go.toolsEnvVars\": {\"GOPROXY\": \"https://tools.example.com|direct\"}\r\n}\r\n"
	if err := os.MkdirAll(filepath.Dir(settings), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(settings, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := cleanEnv(t, "GOENV="+goenv)
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// rawlsp blocks on reads: a hung server is killed.
	timer := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	c := rawlsp.New(stdout, stdin)
	processEnv := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		processEnv[k] = v
	}
	folder := "file://" + dir
	if _, err := c.Call(1, "initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": folder,
		"workspaceFolders": []any{map[string]any{"uri": folder, "name": "ws"}},
		"initializationOptions": map[string]any{
			"processEnv": processEnv, "userSettingsPath": filepath.Join(dir, "user-settings.json"), "osFlavour": "linux", "trusted": true,
		},
		"capabilities": map[string]any{
			"textDocument": map[string]any{"hover": map[string]any{"contentFormat": []string{"markdown"}}},
			"workspace":    map[string]any{"inlayHint": map[string]any{"refreshSupport": true}},
		},
	}); err != nil {
		t.Fatalf("initialize: %v\n%s", err, stderr.String())
	}
	c.Notify("initialized", map[string]any{})
	uri := "file://" + settings
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "jsonc", "version": 1, "text": text}})
	if _, err := c.Await(func(m rawlsp.Msg) bool {
		p, _ := m["params"].(map[string]any)
		return m["method"] == "textDocument/publishDiagnostics" && p["uri"] == uri
	}); err != nil {
		t.Fatalf("diagnostics: %v\n%s", err, stderr.String())
	}
	everything := map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 9, "character": 0}}
	hints := func(id int) []any {
		t.Helper()
		resp, err := c.Call(id, "textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": everything})
		if err != nil {
			t.Fatal(err)
		}
		list, ok := resp["result"].([]any)
		if !ok {
			t.Fatalf("inlayHint: %v; want a list", resp)
		}
		return list
	}
	if got := hints(2); len(got) != 0 {
		t.Fatalf("hints before the setting: %v", got)
	}
	on := strings.Replace(text, "{\r\n", "{\r\n  \"goProxy.inlayHints.enabled\": true,\r\n", 1)
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": on}},
	})
	refresh, err := c.Await(func(m rawlsp.Msg) bool { return m["method"] == "workspace/inlayHint/refresh" })
	if err != nil {
		t.Fatalf("no workspace/inlayHint/refresh: %v\n%s", err, stderr.String())
	}
	c.Send(rawlsp.Msg{"id": refresh["id"], "result": nil})
	got := hints(3)
	if len(got) != 1 {
		t.Fatalf("hints with the setting: %v; want 1", got)
	}
	h, _ := got[0].(map[string]any)
	pos, _ := h["position"].(map[string]any)
	if h["label"] != "← terminal uses https://goenv.example.com,direct" || pos["line"] != float64(2) || h["paddingLeft"] != true {
		t.Errorf("hint %v", h)
	}
	resp, err := c.Call(4, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 2, "character": 25}})
	if err != nil {
		t.Fatal(err)
	}
	result, _ := resp["result"].(map[string]any)
	contents, _ := result["contents"].(map[string]any)
	if v, _ := contents["value"].(string); contents["kind"] != "markdown" || !strings.Contains(v, "**gopls, tools**: `https://tools.example.com|direct`") {
		t.Errorf("hover: %v", resp)
	}
	c.Call(5, "shutdown", nil)
	c.Notify("exit", nil)
	if err := <-done; err != nil {
		t.Errorf("server: %v\n%s", err, stderr.String())
	}
}
