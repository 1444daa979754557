package lsp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
)

const (
	codeParseError    = -32700
	codeInvalidParams = -32602
)

// expect registers for the response with id (nil: null) without sending
// anything: for replies to messages written raw.
func (c *client) expect(id any) <-chan response {
	key, _ := json.Marshal(id)
	ch := make(chan response, 1)
	c.mu.Lock()
	c.pending[string(key)] = ch
	c.mu.Unlock()
	return ch
}

// alive checks that the server still answers a request.
func (h *harness) alive(after string) {
	h.t.Helper()
	if r := h.call("goproxy-doctor/noSuchMethod", map[string]any{}); r.Error == nil || r.Error.Code != codeMethodNotFound {
		h.t.Fatalf("after %s: the server answered a request with %s %v; want code %d", after, r.Result, r.Error, codeMethodNotFound)
	}
}

// TestInvalidMessagesAreAnswered: each message that is not valid JSON-RPC
// gets its error (jsonrpc2 alone ended the connection without a reply), with
// the request's id when it has a usable one, and the server serves on.
func TestInvalidMessagesAreAnswered(t *testing.T) {
	h := start(t)
	for _, c := range []struct {
		body string
		code int
		id   any // nil: null
	}{
		{``, codeParseError, nil},
		{`not json`, codeParseError, nil},
		{`{"jsonrpc":"2.0","id":1,"method":"shutdown"`, codeParseError, nil},
		{`{"jsonrpc":"2.0","method":"initialized",}`, codeParseError, nil},
		{`{"jsonrpc":"2.0","id":2}`, codeInvalidRequest, 2},
		{`{"jsonrpc":"2.0","id":"two"}`, codeInvalidRequest, "two"},
		{`{"jsonrpc":"2.0"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"1.0","id":3,"method":"shutdown"}`, codeInvalidRequest, 3},
		{`{"id":4,"method":"shutdown"}`, codeInvalidRequest, 4},
		{`{"jsonrpc":2.0,"id":5,"method":"shutdown"}`, codeInvalidRequest, 5},
		{`{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":1e3,"method":"shutdown"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":true,"method":"shutdown"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":{"n":1},"method":"shutdown"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":[1],"method":"shutdown"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":99999999999999999999,"method":"shutdown"}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":6,"method":42}`, codeInvalidRequest, 6},
		{`{"jsonrpc":"2.0","method":null}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":7,"method":"shutdown","result":null}`, codeInvalidRequest, 7},
		// Malformed responses: answered with null, never with the id, which
		// names one of the server's requests.
		{`{"jsonrpc":"2.0","id":8,"result":1,"error":{"code":1,"message":"x"}}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"2.0","id":9,"error":{"code":"x","message":"y"}}`, codeInvalidRequest, nil},
		{`{"jsonrpc":"1.0","id":10,"result":null}`, codeInvalidRequest, nil},
		// Not an object.
		{`[]`, codeInvalidRequest, nil},
		{`42`, codeInvalidRequest, nil},
		{`"shutdown"`, codeInvalidRequest, nil},
		{`null`, codeInvalidRequest, nil},
	} {
		reply := h.expect(c.id)
		h.writeRaw([]byte(c.body))
		r := h.await(reply, fmt.Sprintf("%q", c.body))
		if r.Error == nil || r.Error.Code != c.code {
			t.Errorf("%s: result %s, error %v; want code %d", c.body, r.Result, r.Error, c.code)
		}
		h.alive(c.body)
	}
	// Still initialized, not shut down by any of the shutdowns above.
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment)); r.Error != nil {
		t.Fatalf("environment after invalid messages: %v", r.Error)
	}
}

// TestWrongTypedParams: params of the wrong JSON type are Invalid params
// (they were a Parse error), for implemented and unimplemented methods.
func TestWrongTypedParams(t *testing.T) {
	h := start(t, uninitialized())
	for _, params := range []string{`"x"`, `[1,2]`, `5`, `{"processId":"not a number"}`} {
		reply := h.expect(1)
		h.writeRaw([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":` + params + `}`))
		if r := h.await(reply, "initialize"); r.Error == nil || r.Error.Code != codeInvalidParams {
			t.Errorf("initialize with params %s: result %s, error %v; want code %d", params, r.Result, r.Error, codeInvalidParams)
		}
	}
	// A failed initialize leaves the server uninitialized: the next one works.
	if r := h.call("initialize", map[string]any{"processId": nil, "rootUri": h.folderURI(), "capabilities": map[string]any{}}); r.Error != nil {
		t.Fatalf("initialize after invalid ones: %v", r.Error)
	}
	h.notify("initialized", map[string]any{})
	for _, c := range []struct{ method, params string }{
		{"textDocument/hover", `"x"`},
		{"textDocument/hover", `[1,2,3]`},
		{"textDocument/hover", `{"textDocument":42,"position":{"line":0,"character":0}}`},
		{"textDocument/codeAction", `true`},
		{"textDocument/codeAction", `{"textDocument":{"uri":7},"range":[],"context":{}}`},
		{"workspace/executeCommand", `{"command":["x"]}`},
	} {
		reply := h.expect(2)
		h.writeRaw([]byte(`{"jsonrpc":"2.0","id":2,"method":"` + c.method + `","params":` + c.params + `}`))
		if r := h.await(reply, c.method); r.Error == nil || r.Error.Code != codeInvalidParams {
			t.Errorf("%s with params %s: result %s, error %v; want code %d", c.method, c.params, r.Result, r.Error, codeInvalidParams)
		}
	}
	h.alive("wrong-typed params")
}

// rawConn is a server connection driven with raw bytes, for framing tests.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	in   interface {
		ReadFrame(context.Context) ([]byte, int64, error)
	}
	served chan error
	logs   *testLog
}

func rawServe(t *testing.T) *rawConn {
	serverEnd, clientEnd := net.Pipe()
	r := &rawConn{t: t, conn: clientEnd, served: make(chan error, 1), logs: &testLog{t: t}}
	r.in = jsonrpc2.NewHeaderStream(clientEnd).(interface {
		ReadFrame(context.Context) ([]byte, int64, error)
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		r.served <- lsp.Serve(ctx, serverEnd, lsp.Options{
			Logger:   slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			Oracle:   oracle,
			Debounce: -1,
		})
	}()
	t.Cleanup(func() {
		cancel()
		clientEnd.Close()
		r.logs.close()
	})
	return r
}

// send writes one well-framed message.
func (r *rawConn) send(body string) {
	r.t.Helper()
	if _, err := fmt.Fprintf(r.conn, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

// next reads the server's next message.
func (r *rawConn) next() map[string]any {
	r.t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(waitTimeout))
	b, _, err := r.in.ReadFrame(context.Background())
	if err != nil {
		r.t.Fatalf("reading the server's reply: %v\nlog:\n%s", err, r.logs)
	}
	var msg map[string]any
	if err := json.Unmarshal(b, &msg); err != nil {
		r.t.Fatalf("reply %s: %v", b, err)
	}
	return msg
}

// awaitClosed waits for Serve to end with a framing error.
func (r *rawConn) awaitClosed(what string) {
	r.t.Helper()
	select {
	case err := <-r.served:
		if !errors.Is(err, lsp.ErrFraming) {
			r.t.Errorf("%s: Serve returned %v; want a framing error", what, err)
		}
	case <-deadline():
		r.t.Fatalf("%s: the server did not close the connection", what)
	}
}

func errorCode(msg map[string]any) float64 {
	e, _ := msg["error"].(map[string]any)
	code, _ := e["code"].(float64)
	return code
}

// TestFramingViolationsClose: a header the stream cannot be re-synchronised
// after gets one error reply and the connection closes, whatever the peer
// declares or keeps sending.
func TestFramingViolationsClose(t *testing.T) {
	for _, c := range []struct{ name, header, wantMsg string }{
		{"oversized Content-Length", fmt.Sprintf("Content-Length: %d\r\n\r\n", lsp.MaxMessageSize+1), "exceeds the limit"},
		{"1 GiB Content-Length", "Content-Length: 1073741824\r\n\r\n", "exceeds the limit"},
		{"huge Content-Length", "Content-Length: 99999999999999999999999\r\n\r\n", "exceeds the limit"},
		{"negative Content-Length", "Content-Length: -5\r\n\r\n", "not a number"},
		{"no Content-Length", "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n", "without Content-Length"},
		{"two Content-Lengths", "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", "second Content-Length"},
		{"no colon", "Content-Length 2\r\n\r\n{}", "without a colon"},
		{"too many header lines", strings.Repeat("X-Pad: 1\r\n", 17) + "Content-Length: 2\r\n\r\n{}", "header lines"},
		{"header line too long", "X-Pad: " + strings.Repeat("a", 5000) + "\r\nContent-Length: 2\r\n\r\n{}", "longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := rawServe(t)
			go io.WriteString(r.conn, c.header)
			msg := r.next()
			if errorCode(msg) != codeInvalidRequest || msg["id"] != nil || !strings.Contains(fmt.Sprint(msg["error"]), c.wantMsg) {
				t.Errorf("reply %v; want code %d, id null, a message with %q", msg, codeInvalidRequest, c.wantMsg)
			}
			r.awaitClosed(c.name)
		})
	}
}

// TestEndlessHeaderLineIsNotBuffered: a peer that sends a header line
// without end is cut off after one header line's worth of bytes (plus what
// the pipes in between hold), not read until memory runs out.
func TestEndlessHeaderLineIsNotBuffered(t *testing.T) {
	r := rawServe(t)
	written := make(chan int64, 1)
	go func() {
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		var n int64
		for range 1024 { // 64 MiB, if the server kept reading
			k, err := r.conn.Write(chunk)
			n += int64(k)
			if err != nil {
				break
			}
		}
		written <- n
	}()
	msg := r.next()
	if errorCode(msg) != codeInvalidRequest {
		t.Errorf("reply %v; want code %d", msg, codeInvalidRequest)
	}
	r.awaitClosed("endless header line")
	select {
	case n := <-written:
		// The header reader holds 4 KiB; the copy into it reads 32 KiB at a time.
		if n > 256<<10 {
			t.Errorf("the server consumed %d bytes of a header line before closing", n)
		}
	case <-deadline():
		t.Fatal("the writer was never cut off")
	}
}

// TestMessageSizeLimits: a message of exactly MaxMessageSize is served; a
// Content-Length of 0 is an empty (invalid) message, answered, and the
// stream stays in step.
func TestMessageSizeLimits(t *testing.T) {
	r := rawServe(t)
	call := `{"jsonrpc":"2.0","id":1,"method":"goproxy-doctor/noSuchMethod"}`
	big := call + strings.Repeat(" ", lsp.MaxMessageSize-len(call))
	go func() {
		r.send(big)
		r.send("")
		r.send(strings.Replace(call, `"id":1`, `"id":2`, 1))
	}()
	// Calls run concurrently, so replies come in any order. Not initialized:
	// the calls are refused, but they were read and answered.
	byID := map[any]map[string]any{}
	for range 3 {
		msg := r.next()
		byID[msg["id"]] = msg
	}
	if msg := byID[float64(1)]; errorCode(msg) != codeServerNotInitialized {
		t.Errorf("a message of MaxMessageSize: %v", msg)
	}
	if msg := byID[nil]; errorCode(msg) != codeParseError {
		t.Errorf("Content-Length 0: %v; want a parse error with id null", msg)
	}
	if msg := byID[float64(2)]; errorCode(msg) != codeServerNotInitialized {
		t.Errorf("the call after them: %v", msg)
	}
}

// TestBatches: a batch is served member by member, its malformed members
// answered in the same array; a batch that is JSON but not an array of
// messages is one Invalid Request.
func TestBatches(t *testing.T) {
	r := rawServe(t)
	go r.send(`[{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}},{"jsonrpc":"2.0","id":1.5,"method":"x"},{"jsonrpc":"2.0","method":"initialized","params":{}}]`)
	r.conn.SetReadDeadline(time.Now().Add(waitTimeout))
	b, _, err := r.in.ReadFrame(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var replies []map[string]any
	if err := json.Unmarshal(b, &replies); err != nil {
		t.Fatalf("batch reply %s: %v", b, err)
	}
	// Replies come in any order (JSON-RPC 2.0 §6).
	byID := map[any]map[string]any{}
	for _, m := range replies {
		byID[m["id"]] = m
	}
	if len(replies) != 2 || byID[float64(1)]["result"] == nil || errorCode(byID[nil]) != codeInvalidRequest {
		t.Errorf("batch replies %s; want initialize's result and an Invalid Request with id null", b)
	}
	// Members that are not objects: one error each, in an array (jsonrpc2
	// answers them with Parse error where JSON-RPC's example has Invalid
	// Request; either way the client learns which failed).
	go r.send(`[1,"x"]`)
	r.conn.SetReadDeadline(time.Now().Add(waitTimeout))
	if b, _, err = r.in.ReadFrame(context.Background()); err != nil {
		t.Fatal(err)
	}
	replies = nil
	if err := json.Unmarshal(b, &replies); err != nil || len(replies) != 2 || replies[0]["id"] != nil || errorCode(replies[0]) == 0 || errorCode(replies[1]) == 0 {
		t.Errorf("batch of non-objects: %s (%v); want two errors with id null", b, err)
	}
	go r.send(`{"jsonrpc":"2.0","id":3,"method":"shutdown"}`)
	if msg := r.next(); msg["id"] != float64(3) || msg["error"] != nil {
		t.Errorf("shutdown after batches: %v", msg)
	}
}
