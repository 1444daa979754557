package lsp_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
)

// JSON-RPC and LSP error codes.
const (
	codeInvalidRequest       = -32600
	codeMethodNotFound       = -32601
	codeServerNotInitialized = -32002
	codeRequestCancelled     = -32800
)

// blocking is a command that signals when it starts and then waits for
// release or for its request to be cancelled.
type blocking struct {
	started chan struct{}
	release chan struct{}
}

func newBlocking() *blocking {
	return &blocking{started: make(chan struct{}, 8), release: make(chan struct{})}
}

func (b *blocking) run(ctx context.Context, args []json.RawMessage) (any, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
		return "released", nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (b *blocking) awaitStart(t *testing.T) {
	t.Helper()
	select {
	case <-b.started:
	case <-deadline():
		t.Fatal("the blocking command did not start")
	}
}

func executeCommand(command string, args ...any) map[string]any {
	p := map[string]any{"command": command}
	if args != nil {
		p["arguments"] = args
	}
	return p
}

func TestRequestsDoNotBlockEachOther(t *testing.T) {
	slow := newBlocking()
	h := start(t, withCommand("test.block", slow.run))

	slowResp := h.send(1, "workspace/executeCommand", executeCommand("test.block"))
	slow.awaitStart(t)

	// The environment command runs go env: a real request, not a no-op.
	fast := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment))
	if fast.Error != nil {
		t.Fatalf("environment: %v", fast.Error)
	}
	select {
	case r := <-slowResp:
		t.Fatalf("the blocked request answered before it was released: %+v", r)
	default:
	}

	close(slow.release)
	r := h.await(slowResp, "the released request")
	if r.Error != nil || string(r.Result) != `"released"` {
		t.Fatalf("released request: result %s, error %v", r.Result, r.Error)
	}
	if !fast.at.Before(r.at) {
		t.Errorf("the fast request was answered at %v, after the slow one at %v", fast.at, r.at)
	}
}

func TestCancelRequest(t *testing.T) {
	for _, id := range []any{7, "req-7"} {
		slow := newBlocking()
		h := start(t, withCommand("test.block", slow.run))
		resp := h.send(id, "workspace/executeCommand", executeCommand("test.block"))
		slow.awaitStart(t)
		h.notify("$/cancelRequest", map[string]any{"id": id})
		r := h.await(resp, "the cancelled request")
		if r.Error == nil || r.Error.Code != codeRequestCancelled {
			t.Errorf("id %#v: cancelled request replied result %s, error %v; want code %d", id, r.Result, r.Error, codeRequestCancelled)
		}
	}
}

func TestUnknownMethods(t *testing.T) {
	h := start(t)
	for _, method := range []string{"goproxy-doctor/noSuchMethod", "textDocument/signatureHelp"} {
		params := map[string]any{"textDocument": map[string]any{"uri": h.uri("go.mod")}, "position": map[string]any{"line": 0, "character": 0}}
		r := h.call(method, params)
		if r.Error == nil || r.Error.Code != codeMethodNotFound {
			t.Errorf("%s: result %s, error %v; want code %d", method, r.Result, r.Error, codeMethodNotFound)
		}
	}
	// Without params, too (the params cannot be decoded as anything).
	if r := h.call("goproxy-doctor/noParams", nil); r.Error == nil || r.Error.Code != codeMethodNotFound {
		t.Errorf("no params: error %v; want code %d", r.Error, codeMethodNotFound)
	}
	// Unknown and malformed notifications are ignored; the connection lives on.
	h.notify("goproxy-doctor/noSuchNotification", map[string]any{"x": 1})
	h.notify("$/cancelRequest", map[string]any{"id": map[string]any{"not": "an id"}})
	h.notify("textDocument/didOpen", map[string]any{"textDocument": 42})
	h.writeRaw([]byte(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":[1,2,3]}`))
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment)); r.Error != nil {
		t.Fatalf("the server did not survive bad notifications: %v", r.Error)
	}
}

func TestLifecycle(t *testing.T) {
	h := start(t, uninitialized())
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment)); r.Error == nil || r.Error.Code != codeServerNotInitialized {
		t.Errorf("request before initialize: error %v; want code %d", r.Error, codeServerNotInitialized)
	}
	init := map[string]any{"processId": nil, "rootUri": h.folderURI(), "capabilities": map[string]any{}}
	r := h.call("initialize", init)
	if r.Error != nil {
		t.Fatalf("initialize: %v", r.Error)
	}
	var result struct {
		Capabilities struct {
			TextDocumentSync struct {
				OpenClose bool `json:"openClose"`
				Change    int  `json:"change"`
			} `json:"textDocumentSync"`
			ExecuteCommandProvider struct {
				Commands []string `json:"commands"`
			} `json:"executeCommandProvider"`
		} `json:"capabilities"`
		ServerInfo struct {
			Name string `json:"name"`
		} `json:"serverInfo"`
	}
	if err := json.Unmarshal(r.Result, &result); err != nil {
		t.Fatal(err)
	}
	caps := result.Capabilities
	if !caps.TextDocumentSync.OpenClose || caps.TextDocumentSync.Change != 2 {
		t.Errorf("textDocumentSync = %+v; want openClose and incremental (2)", caps.TextDocumentSync)
	}
	if want := []string{lsp.CommandEnvironment, lsp.CommandVerify, lsp.CommandVerifyResult, lsp.CommandHealth, lsp.CommandExplainError}; !slices.Equal(caps.ExecuteCommandProvider.Commands, want) {
		t.Errorf("commands = %q; want %q", caps.ExecuteCommandProvider.Commands, want)
	}
	if r := h.call("initialize", init); r.Error == nil || r.Error.Code != codeInvalidRequest {
		t.Errorf("second initialize: error %v; want code %d", r.Error, codeInvalidRequest)
	}
	h.notify("initialized", map[string]any{})
	if r := h.call("shutdown", nil); r.Error != nil {
		t.Fatalf("shutdown: %v", r.Error)
	}
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment)); r.Error == nil || r.Error.Code != codeInvalidRequest {
		t.Errorf("request after shutdown: error %v; want code %d", r.Error, codeInvalidRequest)
	}
	if err := h.exit(false); err != nil {
		t.Errorf("Serve after shutdown and exit: %v", err)
	}
}

// Over stdio, closing the stream cannot interrupt the blocked read of stdin;
// Serve must still return once the client says exit.
func TestServeReturnsOverStdio(t *testing.T) {
	h := start(t, overStdio())
	if err := h.exit(true); err != nil {
		t.Errorf("Serve = %v; want nil after shutdown and exit", err)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	h := start(t)
	if err := h.exit(false); !errors.Is(err, lsp.ErrExitWithoutShutdown) {
		t.Errorf("Serve = %v; want ErrExitWithoutShutdown", err)
	}
}

func TestEditsForUnopenedDocuments(t *testing.T) {
	h := start(t)
	h.change(settingsPath, 2, edit(0, 0, 0, 1, "["))
	h.change("nowhere.json", 2, whole("{}"))
	h.closeDoc("nowhere.json")
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment)); r.Error != nil {
		t.Fatalf("the server did not survive edits for unopened documents: %v", r.Error)
	}
}

// environment runs goproxy-doctor.environment and decodes its result.
func (h *harness) environment(args ...any) environmentResult {
	h.t.Helper()
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment, args...))
	if r.Error != nil {
		h.t.Fatalf("environment: %v", r.Error)
	}
	var res environmentResult
	if err := json.Unmarshal(r.Result, &res); err != nil {
		h.t.Fatalf("environment: %v in %s", err, r.Result)
	}
	return res
}

type environmentResult struct {
	Folders []struct {
		Folder    string `json:"folder"`
		URI       string `json:"uri"`
		Consumers []struct {
			Name string `json:"name"`
			Vars map[string]struct {
				Value  string `json:"value"`
				Source string `json:"source"`
				File   string `json:"file"`
				Line   int    `json:"line"`
				Key    string `json:"key"`
				Note   string `json:"note"`
			} `json:"vars"`
		} `json:"consumers"`
		Divergent []string `json:"divergent"`
	} `json:"folders"`
	Markdown string `json:"markdown"`
}

func TestEnvironmentCommand(t *testing.T) {
	h := start(t)
	for _, args := range [][]any{{map[string]any{"folder": h.folderURI()}}, nil} {
		res := h.environment(args...)
		if len(res.Folders) != 1 {
			t.Fatalf("args %v: %d folders; want 1", args, len(res.Folders))
		}
		f := res.Folders[0]
		if f.Folder != h.folder || f.URI != h.folderURI() {
			t.Errorf("folder = %q (%s); want %q (%s)", f.Folder, f.URI, h.folder, h.folderURI())
		}
		var names []string
		for _, c := range f.Consumers {
			names = append(names, c.Name)
			v := c.Vars["GOPROXY"]
			if c.Name != "install" && (v.Value != "https://proxy.example.com,direct" || v.Source != "goenv-file" || v.File != h.goenv || v.Line != 1) {
				t.Errorf("%s GOPROXY = %+v; want the GOENV file's value, line 1", c.Name, v)
			}
		}
		for _, want := range []string{"terminal", "gopls", "tools", "install"} {
			if !slices.Contains(names, want) {
				t.Errorf("consumers %q lack %q", names, want)
			}
		}
		if f.Divergent == nil {
			t.Errorf("divergent is null; want a list")
		}
		if !strings.Contains(res.Markdown, "GOPROXY") {
			t.Errorf("markdown does not mention GOPROXY:\n%s", res.Markdown)
		}
	}
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment, map[string]any{"folder": "file:///not/a/folder"}))
	if r.Error == nil {
		t.Errorf("environment of a folder outside the workspace: no error")
	}
}

func TestClientStateReplacesEnvironment(t *testing.T) {
	h := start(t)
	other := filepath.Join(h.home, "other-goenv")
	h.write(other, "GOPROXY=https://mirror.example.com\n")
	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["GOENV"] = other
	h.notify("goproxy-doctor/clientState", map[string]any{
		"processEnv": env, "vscodeGoActive": false, "osFlavour": "linux", "trusted": true,
		"userSettingsPath": filepath.Join(h.home, "settings.json"),
	})
	res := h.environment()
	for _, c := range res.Folders[0].Consumers {
		if c.Name == "terminal" {
			if v := c.Vars["GOPROXY"]; v.Value != "https://mirror.example.com" || v.File != other {
				t.Errorf("terminal GOPROXY after clientState = %+v; want the other GOENV file's", v)
			}
			return
		}
	}
	t.Errorf("no terminal consumer")
}

func TestRegistersFileWatchers(t *testing.T) {
	h := start(t)
	var reg struct {
		Registrations []struct {
			Method          string `json:"method"`
			RegisterOptions struct {
				Watchers []struct {
					GlobPattern json.RawMessage `json:"globPattern"`
				} `json:"watchers"`
			} `json:"registerOptions"`
		} `json:"registrations"`
	}
	goenvDir, goenvBase := filepath.Dir(h.goenv), filepath.Base(h.goenv)
	h.awaitRegistration("the GOENV file", func(raw json.RawMessage) bool {
		if json.Unmarshal(raw, &reg) != nil || len(reg.Registrations) != 1 {
			return false
		}
		r := reg.Registrations[0]
		var globs []string
		var goenv bool
		for _, w := range r.RegisterOptions.Watchers {
			var g string
			var rel struct {
				BaseURI string `json:"baseUri"`
				Pattern string `json:"pattern"`
			}
			switch {
			case json.Unmarshal(w.GlobPattern, &g) == nil:
				globs = append(globs, g)
			case json.Unmarshal(w.GlobPattern, &rel) == nil:
				goenv = goenv || rel.Pattern == goenvBase && rel.BaseURI == "file://"+filepath.ToSlash(goenvDir)
			}
		}
		return r.Method == "workspace/didChangeWatchedFiles" && goenv &&
			slices.Contains(globs, "**/go.mod") && slices.Contains(globs, "**/.vscode/*.json")
	})
}

// The terminal's environment comes from a login-shell probe when the client
// captured its own (SPEC §4): a proxy exported only in the shell profile
// shows up as a divergence between the terminal and the editor's processes.
func TestTerminalEnvironmentFromLoginShell(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is required: %v", err)
	}
	h := start(t, withInitOptions(func(h *harness) any {
		h.write(filepath.Join(h.home, ".bash_profile"), "export GOPROXY=https://shell.example.com,direct\n")
		env := map[string]string{"SHELL": bash}
		for k, v := range h.env {
			env[k] = v
		}
		return map[string]any{
			"processEnv": env, "vscodeGoActive": false, "osFlavour": "linux", "trusted": true,
			"userSettingsPath": filepath.Join(h.home, "settings.json"),
		}
	}))
	// The divergence sits on the GOENV file line the terminal no longer reads.
	h.awaitDiagnostics(0, h.goenv, "env-divergence naming the login shell's GOPROXY", func(p publish) bool {
		for _, d := range p.Diagnostics {
			if d.Code == "env-divergence" && strings.Contains(d.Message, "shell.example.com") {
				return true
			}
		}
		return false
	})
	for _, c := range h.environment().Folders[0].Consumers {
		if c.Name == "terminal" && c.Vars["GOPROXY"].Value != "https://shell.example.com,direct" {
			t.Errorf("terminal GOPROXY = %+v", c.Vars["GOPROXY"])
		}
	}
}

// vscode-go pinned GOPROXY into the editor's environment at activation; the
// login-shell probe runs without it, so a terminal whose profile sets no
// GOPROXY of its own (this one keeps an inherited value, or sets its own)
// shows its own value, and the editor's stale one stays the editor's.
func TestLoginShellProbeWithoutVSCodeGoPins(t *testing.T) {
	dir := t.TempDir()
	shell, seen := filepath.Join(dir, "fakesh"), filepath.Join(dir, "seen")
	// A $SHELL that records its environment, then runs the probe's command.
	script := "#!/bin/sh\nenv > '" + seen + "'\n" +
		"export GOPROXY=\"${GOPROXY:-https://shell.example.com,direct}\"\n" +
		"exec /bin/sh -c \"$2\"\n"
	if err := os.WriteFile(shell, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var settings string
	h := start(t, withInitOptions(func(h *harness) any {
		// vscode-go pinned the value go env reported with go.toolsEnvVars.
		settings = filepath.Join(h.home, "settings.json")
		h.write(settings, "{\n  \"go.toolsEnvVars\": {\"GOPROXY\": \"https://stale.example.com,direct\"}\n}\n")
		env := map[string]string{"SHELL": shell, "GOPROXY": "https://stale.example.com,direct", "GOPRIVATE": "corp.example.com"}
		for k, v := range h.env {
			env[k] = v
		}
		return map[string]any{
			"processEnv": env, "vscodeGoActive": true, "osFlavour": "linux", "trusted": true,
			"userSettingsPath": settings,
		}
	}))
	// The editor's GOPROXY differs from the terminal's, said on the
	// user settings line, naming the shell's value: before the probe
	// finished the terminal's would be the GOENV file's, and with the pin
	// passed in, the stale one.
	h.awaitDiagnostics(0, settings, "env-divergence naming the login shell's GOPROXY", func(p publish) bool {
		for _, d := range p.Diagnostics {
			if d.Code == "env-divergence" && strings.Contains(d.Message, "shell.example.com") {
				return true
			}
		}
		return false
	})
	given, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(given), "\n")
	if slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "GOPROXY=") }) {
		t.Errorf("the pinned GOPROXY was passed to the login shell:\n%s", given)
	}
	if !slices.Contains(lines, "GOPRIVATE=corp.example.com") {
		t.Errorf("GOPRIVATE (not pinned by vscode-go) was not passed to the login shell:\n%s", given)
	}
	for _, c := range h.environment().Folders[0].Consumers {
		want := "https://stale.example.com,direct"
		if c.Name == "terminal" {
			want = "https://shell.example.com,direct"
		}
		if got := c.Vars["GOPROXY"].Value; got != want && (c.Name == "terminal" || c.Name == "gopls") {
			t.Errorf("%s GOPROXY = %q, want %q", c.Name, got, want)
		}
	}
}
