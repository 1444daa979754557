package lsp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact/redacttest"
)

// TestNoCredentialOnTheWire serves the canary workspace (a password holding
// / ? # @ % and a token-only userinfo in GOPROXY, HTTPS_PROXY and
// http.proxy) and searches everything the server sends — diagnostics with
// their related information, code actions with their edits, the
// environment and verify commands, progress — and its log, literally, for
// the secret parts of the canaries.
func TestNoCredentialOnTheWire(t *testing.T) {
	w := redacttest.New(t)
	userSettings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(userSettings, []byte(w.UserSettings), 0o644); err != nil {
		t.Fatal(err)
	}
	h := start(t, withGoEnv(w.GoEnv), withFiles(w.Files), withInitOptions(func(h *harness) any {
		env := map[string]string{}
		for k, v := range h.env {
			env[k] = v
		}
		for k, v := range w.Env {
			env[k] = v
		}
		return map[string]any{
			"processEnv": env, "vscodeGoActive": false, "osFlavour": "linux", "trusted": true,
			"userSettingsPath": userSettings,
		}
	}))
	check := func(what string, raw []byte) {
		t.Helper()
		if leaks := redacttest.Leaks(string(raw)); len(leaks) > 0 {
			t.Errorf("%s holds %q:\n%s", what, leaks, raw)
		}
	}

	// Diagnostics, and the code actions offered for each of them.
	files := map[string]string{settingsPath: "goproxy-bad-entry", h.goenv: "goproxy-insecure", userSettings: "proxy-env-conflict"}
	actions := 0
	for rel, code := range files {
		p := h.awaitDiagnostics(0, rel, code, hasCode(code))
		check("publishDiagnostics for "+rel, p.Raw)
		for _, d := range p.Diagnostics {
			r := h.call("textDocument/codeAction", map[string]any{
				"textDocument": map[string]any{"uri": h.uri(rel)},
				"range":        d.Range,
				"context":      map[string]any{"diagnostics": []diagnostic{d}, "only": []string{"quickfix", "source.fixAll"}},
			})
			if r.Error != nil {
				t.Fatalf("codeAction: %v", r.Error)
			}
			check("codeAction for "+d.Code+" in "+rel, r.Result)
			var got []codeAction
			if err := json.Unmarshal(r.Result, &got); err != nil {
				t.Fatal(err)
			}
			actions += len(got)
		}
	}
	if actions == 0 {
		t.Error("no code action offered: the test checks no edit")
	}

	env := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment))
	if env.Error != nil {
		t.Fatalf("environment: %v", env.Error)
	}
	check("the environment command", env.Result)
	if !strings.Contains(string(env.Result), "https://xxxxx@proxy.example.com,https://ge:xxxxx@mirror.example.com,direct") {
		t.Errorf("the environment does not show the terminal's GOPROXY masked:\n%s", env.Result)
	}

	mark := h.mark()
	res := h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"}))
	if res.Error != nil {
		t.Fatalf("verify: %v", res.Error)
	}
	check("the verify command", res.Result)
	if !strings.Contains(string(res.Result), `"url":"https://xxxxx@proxy.example.com/`) {
		t.Errorf("verify shows no request to the token's proxy, masked:\n%s", res.Result)
	}
	if password, token := w.Used(); !password || !token {
		t.Errorf("the network did not see the credentials (forward proxy password %v, token %v): the test checks nothing", password, token)
	}
	// Verify's own findings (the mirror answers 421) are published too.
	p := h.awaitDiagnostics(mark, h.goenv, "verify's findings", func(p publish) bool { return len(p.Diagnostics) > 0 && p.find("proxy-unreachable") != nil })
	check("publishDiagnostics after verify", p.Raw)

	h.client.mu.Lock()
	for _, n := range h.client.notes {
		check("progress "+n.Method, n.Params)
	}
	for _, p := range h.client.publishes {
		check("publishDiagnostics for "+p.URI, p.Raw)
	}
	h.client.mu.Unlock()
	check("the server's log", []byte(h.logs.String()))
}
