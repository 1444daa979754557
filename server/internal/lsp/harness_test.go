// The lsp_test package drives the real language server (lsp.Serve, as in
// production) over an in-memory pipe with LSP header framing, from a fake
// client that speaks raw JSON-RPC: tests see the exact bytes on the wire,
// choose request ids (to cancel them) and wait on published diagnostics by
// URI and version — never on sleeps.
package lsp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
)

// waitTimeout bounds every wait; generous because go env runs under -race.
const waitTimeout = 30 * time.Second

// oracle is shared by all tests so go env runs once per distinct environment.
var oracle = engine.NewOracle()

// harness is one server connection over a fresh workspace in a temp dir.
type harness struct {
	t      testing.TB
	root   string // the temp dir
	folder string // the workspace folder
	home   string
	goenv  string            // the GOENV file
	env    map[string]string // the process environment the client reports
	*client
	served chan error
	exited bool
	logs   *testLog
}

// setup configures a harness before the server starts.
type setup struct {
	files       map[string]string // workspace-relative (or absolute) path → content
	goenv       string            // the GOENV file's content
	commands    map[string]lsp.CommandFunc
	initOptions func(h *harness) any // nil: the default client state
	initialize  bool                 // send initialize/initialized
	stdio       bool                 // the server's stream ignores Close, like os.Stdin
	plainEdits  bool                 // the client takes WorkspaceEdit.changes only
	debounce    time.Duration
	env         map[string]string // more process environment (PATH: put first)

	noLensRefresh bool // the client lacks workspace/codeLens/refresh
}

type option func(*setup)

// withFiles writes files before the server starts.
func withFiles(files map[string]string) option {
	return func(s *setup) {
		for k, v := range files {
			s.files[k] = v
		}
	}
}

// withGoEnv sets the GOENV file's content.
func withGoEnv(content string) option { return func(s *setup) { s.goenv = content } }

// withCommand adds an unadvertised executeCommand handler.
func withCommand(name string, f lsp.CommandFunc) option {
	return func(s *setup) { s.commands[name] = f }
}

// withInitOptions replaces the initializationOptions.
func withInitOptions(f func(h *harness) any) option {
	return func(s *setup) { s.initOptions = f }
}

// overStdio gives the server a stream whose Close does nothing, as the CLI's
// stdin/stdout pair: a blocked Read cannot be interrupted by closing it.
func overStdio() option { return func(s *setup) { s.stdio = true } }

type uncloseable struct{ io.ReadWriter }

func (uncloseable) Close() error { return nil }

// withPlainEdits makes the client one without versioned document changes
// or file creation in WorkspaceEdits.
func withPlainEdits() option { return func(s *setup) { s.plainEdits = true } }

// withoutLensRefresh makes the client one without workspace/codeLens/refresh.
func withoutLensRefresh() option { return func(s *setup) { s.noLensRefresh = true } }

// withDebounce sets Options.Debounce (the harness default is none: -1).
func withDebounce(d time.Duration) option { return func(s *setup) { s.debounce = d } }

// withEnv adds process environment variables the client reports; a PATH
// is put before the default one (a fake go command first).
func withEnv(env map[string]string) option {
	return func(s *setup) {
		if s.env == nil {
			s.env = map[string]string{}
		}
		for k, v := range env {
			s.env[k] = v
		}
	}
}

// uninitialized leaves the handshake to the test.
func uninitialized() option { return func(s *setup) { s.initialize = false } }

// The default workspace: a module, an empty .vscode/settings.json and a
// GOENV file naming a private mirror.
const (
	defaultGoMod    = "module example.com/m\n\ngo 1.22\n"
	defaultGoEnv    = "GOPROXY=https://proxy.example.com,direct\nGONOSUMDB=example.com/private\n"
	settingsPath    = ".vscode/settings.json"
	cleanSettings   = "{}\n"
	nullToolsEnvVar = "{\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": null\n  }\n}\n"
)

// start runs a server on a fresh workspace and, unless told otherwise,
// completes the initialize handshake.
func start(t testing.TB, opts ...option) *harness {
	t.Helper()
	cfg := &setup{
		files:      map[string]string{"go.mod": defaultGoMod, settingsPath: cleanSettings},
		goenv:      defaultGoEnv,
		debounce:   -1,
		commands:   map[string]lsp.CommandFunc{},
		initialize: true,
	}
	for _, o := range opts {
		o(cfg)
	}
	root := t.TempDir()
	h := &harness{
		t:      t,
		root:   root,
		folder: filepath.Join(root, "ws"),
		home:   filepath.Join(root, "home"),
		goenv:  filepath.Join(root, "home", "goenv"),
		served: make(chan error, 1),
	}
	h.env = map[string]string{
		"HOME":  h.home,
		"GOENV": h.goenv,
		"PATH":  goBinDir() + string(os.PathListSeparator) + "/usr/bin" + string(os.PathListSeparator) + "/bin",
	}
	for k, v := range cfg.env {
		if k == "PATH" {
			v += string(os.PathListSeparator) + h.env["PATH"]
		}
		h.env[k] = v
	}
	for _, dir := range []string{h.folder, h.home} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.write(h.goenv, cfg.goenv)
	// Otherwise the go command (run by the oracle) starts a telemetry child
	// process that outlives it and writes into the temp dir being removed.
	h.write(filepath.Join(h.home, ".config", "go", "telemetry", "mode"), "off")
	for path, content := range cfg.files {
		h.write(path, content)
	}

	pipeEnd, clientEnd := net.Pipe()
	var serverEnd io.ReadWriteCloser = pipeEnd
	if cfg.stdio {
		serverEnd = uncloseable{pipeEnd}
	}
	logs := &testLog{t: t}
	h.logs = logs
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		h.served <- lsp.Serve(ctx, serverEnd, lsp.Options{
			Logger:   slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Oracle:   oracle,
			Debounce: cfg.debounce,
			Commands: cfg.commands,
		})
	}()
	h.client = newClient(t, clientEnd)
	t.Cleanup(func() {
		if !h.exited {
			h.call("shutdown", nil)
			h.notify("exit", nil)
		}
		select {
		case err := <-h.served:
			if err != nil && !h.exited {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Errorf("Serve did not return after exit")
		}
		cancel()
		clientEnd.Close()
		<-h.client.done
		logs.close()
	})

	if cfg.initialize {
		var initOptions any = map[string]any{
			"processEnv":       h.env,
			"vscodeGoActive":   false,
			"userSettingsPath": filepath.Join(h.home, "settings.json"),
			"osFlavour":        "linux",
			"trusted":          true,
		}
		if cfg.initOptions != nil {
			initOptions = cfg.initOptions(h)
		}
		workspaceEdit := map[string]any{"documentChanges": true, "resourceOperations": []string{"create"}}
		if cfg.plainEdits {
			workspaceEdit = map[string]any{}
		}
		resp := h.call("initialize", map[string]any{
			"processId":             nil,
			"rootUri":               h.folderURI(),
			"workspaceFolders":      []any{map[string]any{"uri": h.folderURI(), "name": "ws"}},
			"initializationOptions": initOptions,
			"capabilities": map[string]any{
				"window": map[string]any{"workDoneProgress": true},
				"workspace": map[string]any{
					"workspaceFolders":      true,
					"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true, "relativePatternSupport": true},
					"workspaceEdit":         workspaceEdit,
					"codeLens":              map[string]any{"refreshSupport": !cfg.noLensRefresh},
				},
			},
		})
		if resp.Error != nil {
			t.Fatalf("initialize: %v", resp.Error)
		}
		h.notify("initialized", map[string]any{})
	}
	return h
}

// exit ends the session the way a client does and returns Serve's result.
func (h *harness) exit(shutdown bool) error {
	h.t.Helper()
	if shutdown {
		if resp := h.call("shutdown", nil); resp.Error != nil {
			h.t.Fatalf("shutdown: %v", resp.Error)
		}
	}
	h.notify("exit", nil)
	h.exited = true
	select {
	case err := <-h.served:
		h.served <- err // for the cleanup
		return err
	case <-time.After(waitTimeout):
		h.t.Fatalf("Serve did not return after exit")
		return nil
	}
}

func goBinDir() string {
	if p, err := exec.LookPath("go"); err == nil {
		return filepath.Dir(p)
	}
	return "/usr/local/go/bin"
}

// path resolves a workspace-relative path.
func (h *harness) path(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(h.folder, filepath.FromSlash(rel))
}

func (h *harness) uri(rel string) string { return string(uri.File(h.path(rel))) }

func (h *harness) folderURI() string { return string(uri.File(h.folder)) }

func (h *harness) write(rel, content string) {
	h.t.Helper()
	p := h.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// -- Document sync

func (h *harness) open(rel string, version int, text string) {
	h.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": h.uri(rel), "languageId": "jsonc", "version": version, "text": text,
	}})
}

// change sends one didChange with the given content changes.
func (h *harness) change(rel string, version int, changes ...any) {
	h.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": h.uri(rel), "version": version},
		"contentChanges": changes,
	})
}

func (h *harness) closeDoc(rel string) {
	h.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": h.uri(rel)}})
}

// whole is a full-text content change.
func whole(text string) any { return map[string]any{"text": text} }

// edit is an incremental content change; positions are UTF-16 (line, character).
func edit(startLine, startChar, endLine, endChar int, text string) any {
	return map[string]any{
		"range": map[string]any{
			"start": map[string]any{"line": startLine, "character": startChar},
			"end":   map[string]any{"line": endLine, "character": endChar},
		},
		"text": text,
	}
}

// fileChanged is a workspace/didChangeWatchedFiles event (1 created, 2 changed, 3 deleted).
func (h *harness) fileChanged(rel string, kind int) {
	h.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{
		map[string]any{"uri": h.uri(rel), "type": kind},
	}})
}

// -- Waiting for diagnostics

// awaitDiagnostics waits for a publish for rel, after mark, that satisfies pred.
func (h *harness) awaitDiagnostics(mark int, rel string, what string, pred func(publish) bool) publish {
	h.t.Helper()
	u := h.uri(rel)
	return h.awaitPublish(mark, what+" for "+rel, func(p publish) bool { return p.URI == u && pred(p) })
}

func version(v int) func(publish) bool {
	return func(p publish) bool { return p.Version != nil && *p.Version == v }
}

func unversioned(p publish) bool { return p.Version == nil }

func empty(p publish) bool { return len(p.Diagnostics) == 0 }

func hasCode(code string) func(publish) bool {
	return func(p publish) bool { return p.find(code) != nil }
}

func all(preds ...func(publish) bool) func(publish) bool {
	return func(p publish) bool {
		for _, pred := range preds {
			if !pred(p) {
				return false
			}
		}
		return true
	}
}

// -- The fake client

// client is the editor side of the pipe: raw frames, so tests see the exact
// JSON and pick request ids.
type client struct {
	t      testing.TB
	stream interface {
		ReadFrame(context.Context) ([]byte, int64, error)
		WriteFrame(context.Context, []byte) (int64, error)
	}
	writeMu sync.Mutex
	done    chan struct{}

	mu            sync.Mutex
	nextID        int
	pending       map[string]chan response
	publishes     []publish
	registrations []json.RawMessage
	// notes are $/progress notifications and window/workDoneProgress/create
	// requests, in arrival order.
	notes []note
	// statuses are goproxy-doctor/status notifications, in arrival order.
	statuses []status
	changed  chan struct{} // closed and replaced when something arrives
}

type response struct {
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
	at     time.Time
}

type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// publish is one textDocument/publishDiagnostics as received.
type publish struct {
	Raw         json.RawMessage `json:"-"`
	URI         string          `json:"uri"`
	Version     *int            `json:"version"`
	Diagnostics []diagnostic    `json:"diagnostics"`
	at          time.Time
}

type diagnostic struct {
	Range              lspRange `json:"range"`
	Severity           int      `json:"severity"`
	Code               string   `json:"code"`
	Source             string   `json:"source"`
	Message            string   `json:"message"`
	RelatedInformation []struct {
		Location struct {
			URI   string   `json:"uri"`
			Range lspRange `json:"range"`
		} `json:"location"`
		Message string `json:"message"`
	} `json:"relatedInformation"`
	Data struct {
		Consumers []string `json:"consumers"`
	} `json:"data"`
}

type lspRange struct {
	Start lspPosition `json:"start"`
	End   lspPosition `json:"end"`
}

type lspPosition struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

func (p publish) find(code string) *diagnostic {
	for i := range p.Diagnostics {
		if p.Diagnostics[i].Code == code {
			return &p.Diagnostics[i]
		}
	}
	return nil
}

func (p publish) codes() []string {
	var out []string
	for _, d := range p.Diagnostics {
		out = append(out, d.Code)
	}
	return out
}

func newClient(t testing.TB, conn io.ReadWriteCloser) *client {
	c := &client{
		t:       t,
		done:    make(chan struct{}),
		pending: map[string]chan response{},
		changed: make(chan struct{}),
		nextID:  1000,
	}
	c.stream = jsonrpc2.NewHeaderStream(conn).(interface {
		ReadFrame(context.Context) ([]byte, int64, error)
		WriteFrame(context.Context, []byte) (int64, error)
	})
	go c.read()
	return c
}

func (c *client) read() {
	defer close(c.done)
	for {
		frame, _, err := c.stream.ReadFrame(context.Background())
		if err != nil {
			return
		}
		var msg struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			response
		}
		if err := json.Unmarshal(frame, &msg); err != nil {
			c.t.Errorf("client: undecodable frame %s: %v", frame, err)
			return
		}
		now := time.Now()
		switch {
		case msg.Method == "textDocument/publishDiagnostics":
			p := publish{Raw: append(json.RawMessage(nil), msg.Params...), at: now}
			if err := json.Unmarshal(msg.Params, &p); err != nil {
				c.t.Errorf("client: bad publishDiagnostics %s: %v", msg.Params, err)
			}
			c.record(func() { c.publishes = append(c.publishes, p) })
		case msg.Method != "" && msg.ID != nil:
			// A server-to-client request: record registrations, answer null.
			if msg.Method == "client/registerCapability" {
				params := append(json.RawMessage(nil), msg.Params...)
				c.record(func() { c.registrations = append(c.registrations, params) })
			}
			if msg.Method == "window/workDoneProgress/create" || msg.Method == "workspace/codeLens/refresh" {
				n := note{Method: msg.Method, Params: append(json.RawMessage(nil), msg.Params...)}
				c.record(func() { c.notes = append(c.notes, n) })
			}
			// Best effort: the server may already be gone (a reply racing exit).
			b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": msg.ID, "result": nil})
			c.writeMu.Lock()
			c.stream.WriteFrame(context.Background(), b)
			c.writeMu.Unlock()
		case msg.Method == "goproxy-doctor/status":
			st := status{Raw: append(json.RawMessage(nil), msg.Params...)}
			if err := json.Unmarshal(msg.Params, &st); err != nil {
				c.t.Errorf("client: bad goproxy-doctor/status %s: %v", msg.Params, err)
			}
			c.record(func() {
				st.publishes = len(c.publishes)
				c.statuses = append(c.statuses, st)
			})
		case msg.Method == "$/progress":
			n := note{Method: msg.Method, Params: append(json.RawMessage(nil), msg.Params...)}
			c.record(func() { c.notes = append(c.notes, n) })
		case msg.Method != "":
			// Other notifications (logMessage, ...) are ignored.
		default:
			msg.response.at = now
			c.mu.Lock()
			ch := c.pending[string(msg.ID)]
			delete(c.pending, string(msg.ID))
			c.mu.Unlock()
			if ch == nil {
				c.t.Errorf("client: response to unknown id %s", msg.ID)
				continue
			}
			ch <- msg.response
		}
	}
}

func (c *client) record(f func()) {
	c.mu.Lock()
	f()
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *client) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatalf("client: %v", err)
	}
	c.writeRaw(b)
}

// writeRaw sends one frame as is.
func (c *client) writeRaw(b []byte) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if _, err := c.stream.WriteFrame(context.Background(), b); err != nil {
		c.t.Errorf("client: write: %v", err)
	}
}

// send issues a request with the given id (a number or a string) and
// returns the channel its response arrives on.
func (c *client) send(id any, method string, params any) <-chan response {
	key, _ := json.Marshal(id)
	ch := make(chan response, 1)
	c.mu.Lock()
	c.pending[string(key)] = ch
	c.mu.Unlock()
	msg := map[string]any{"jsonrpc": "2.0", "id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	c.writeJSON(msg)
	return ch
}

// call issues a request with a fresh numeric id and waits for its response.
func (c *client) call(method string, params any) response {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	return c.await(c.send(id, method, params), method)
}

func (c *client) await(ch <-chan response, what string) response {
	c.t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(waitTimeout):
		c.t.Fatalf("no response to %s within %s", what, waitTimeout)
		return response{}
	}
}

func (c *client) notify(method string, params any) {
	msg := map[string]any{"jsonrpc": "2.0", "method": method}
	if params != nil {
		msg["params"] = params
	}
	c.writeJSON(msg)
}

// mark returns a position in the publish history; waits consider only
// publishes after it.
func (c *client) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.publishes)
}

func (c *client) awaitPublish(mark int, what string, pred func(publish) bool) publish {
	c.t.Helper()
	return await(c, func() []publish { return c.publishes }, mark, pred, func() string {
		return fmt.Sprintf("no publishDiagnostics with %s within %s; got:\n%s", what, waitTimeout, c.history(mark))
	})
}

// await waits until an item recorded after mark in the list items returns
// satisfies pred; failure says why. items is called with c.mu held.
func await[T any](c *client, items func() []T, mark int, pred func(T) bool, failure func() string) T {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		c.mu.Lock()
		for _, it := range items()[mark:] {
			if pred(it) {
				c.mu.Unlock()
				return it
			}
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			c.t.Fatal(failure())
		}
	}
}

func (c *client) history(mark int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, p := range c.publishes[mark:] {
		fmt.Fprintf(&b, "  %s\n", p.Raw)
	}
	return b.String()
}

// awaitRegistration waits for a client/registerCapability whose params satisfy pred.
func (c *client) awaitRegistration(what string, pred func(json.RawMessage) bool) json.RawMessage {
	c.t.Helper()
	deadline := time.After(waitTimeout)
	for seen := 0; ; {
		c.mu.Lock()
		for _, r := range c.registrations[seen:] {
			if pred(r) {
				c.mu.Unlock()
				return r
			}
		}
		seen = len(c.registrations)
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			c.t.Fatalf("no client/registerCapability with %s within %s", what, waitTimeout)
		}
	}
}

// testLog sends the server's logs to the test's output until the test
// ends, and keeps them for tests that read them.
type testLog struct {
	mu     sync.Mutex
	t      testing.TB
	closed bool
	all    strings.Builder
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

func (l *testLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(b)
	if !l.closed {
		l.t.Logf("server: %s", strings.TrimRight(string(b), "\n"))
	}
	return len(b), nil
}

func (l *testLog) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
}

// note is a progress message from the server.
type note struct {
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
}

// awaitNote waits for a progress message, after mark (an index in the
// notes), that satisfies pred.
func (c *client) awaitNote(mark int, what string, pred func(note) bool) note {
	c.t.Helper()
	return await(c, func() []note { return c.notes }, mark, pred, func() string {
		return fmt.Sprintf("no %s within %s", what, waitTimeout)
	})
}

// noteMark is the current position in the progress messages.
func (c *client) noteMark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.notes)
}

// deadline is the channel every wait gives up on.
func deadline() <-chan time.Time { return time.After(waitTimeout) }
