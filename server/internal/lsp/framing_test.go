package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

// fuzzLimits are small so that inputs of a few hundred bytes reach them.
var fuzzLimits = limits{headerLine: 64, headerLines: 4, message: 256}

// memConn reads a fixed input and records what is written.
type memConn struct {
	io.Reader
	out bytes.Buffer
}

func (c *memConn) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c *memConn) Close() error                { return nil }

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// frame frames one body as a client does.
func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

// replies decodes the error replies a frameStream wrote, checking that each
// is one well-framed JSON-RPC error response with a null or usable id.
func replies(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	in := jsonrpc2.NewHeaderStream(&memConn{Reader: bytes.NewReader(out)}).(interface {
		ReadFrame(context.Context) ([]byte, int64, error)
	})
	var all []map[string]any
	for {
		b, _, err := in.ReadFrame(context.Background())
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatalf("the stream wrote a malformed frame (%v): %q", err, out)
		}
		var r struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Error   *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(b, &r); err != nil || r.JSONRPC != "2.0" || r.Error == nil || r.Error.Message == "" {
			t.Fatalf("reply %s is not an error response (%v)", b, err)
		}
		if r.Error.Code != int(jsonrpc2.ParseError) && r.Error.Code != int(jsonrpc2.InvalidRequest) {
			t.Fatalf("reply %s: code %d", b, r.Error.Code)
		}
		if string(r.ID) != "null" && !validID(r.ID) {
			t.Fatalf("reply %s: id %s", b, r.ID)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		all = append(all, m)
	}
}

// servable checks that jsonrpc2 takes a body the stream returned without
// failing the connection.
func servable(t *testing.T, body []byte) {
	t.Helper()
	if bad := checkMessage(body); bad != nil {
		t.Fatalf("returned a body it rejects (%s): %q", bad.msg, body)
	}
	if i := skipJSONSpace(body, 0); body[i] == '[' {
		if _, err := jsonrpc2.ParseRequests(body); err != nil {
			t.Fatalf("returned a batch jsonrpc2 cannot split (%v): %q", err, body)
		}
	} else if _, err := jsonrpc2.DecodeMessage(body); err != nil {
		t.Fatalf("returned a message jsonrpc2 cannot decode (%v): %q", err, body)
	}
}

const probe = `{"jsonrpc":"2.0","id":"probe","method":"p"}`

// Seeds: the messages and framings of the robustness tests.
var frameSeeds = []string{
	frame(probe),
	frame(`{"jsonrpc":"2.0","id":1,"method":"shutdown"`),
	frame(``),
	frame(`not json`),
	frame(`{"jsonrpc":"2.0","id":2}`),
	frame(`{"jsonrpc":"1.0","id":3,"method":"shutdown"}`),
	frame(`{"id":4,"method":"shutdown"}`),
	frame(`{"jsonrpc":"2.0","id":1.5,"method":"x"}`),
	frame(`{"jsonrpc":"2.0","id":true,"method":"x"}`),
	frame(`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`),
	frame(`{"jsonrpc":"2.0","id":99999999999999999999,"method":"x"}`),
	frame(`{"jsonrpc":"2.0","id":6,"method":42}`),
	frame(`{"jsonrpc":"2.0","id":7,"method":"x","result":null}`),
	frame(`{"jsonrpc":"2.0","id":8,"error":{"code":"x","message":"y"}}`),
	frame(`{"jsonrpc":"2.0","id":8,"result":null}`),
	frame(`[]`), frame(`[1,"x"]`), frame(`[{"jsonrpc":"2.0","method":"x"},{"id":1}]`), frame(`42`), frame(`null`),
	frame(`{"jsonrpc":"2.0","method":"textDocument/hover","params":"x","id":9}`),
	frame(`{"\u006aSONrpc":"2.0","id":1,"method":"x"}`),
	frame(`{"jsonrpc":"2.0","jsonrpc":"1.0","id":1,"method":"x"}`),
	"Content-Length: 300\r\n\r\n{}",
	"Content-Length: 99999999999999999999\r\n\r\n",
	"Content-Length: -1\r\n\r\n",
	"Content-Length: +2\r\n\r\n{}",
	"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
	"content-length:2\n\n{}",
	"Content-Type: x\r\n\r\n{}",
	"X: 1\r\nX: 2\r\nX: 3\r\nX: 4\r\nContent-Length: 2\r\n\r\n{}",
	"X-Pad: " + strings.Repeat("a", 100) + "\r\n",
	"Content-Length 2\r\n\r\n{}",
	"\r\n",
	"Content-Length: 10\r\n\r\n{}",
	"Content-Len",
}

// FuzzFrameStream feeds arbitrary bytes, then a valid call, to the server's
// stream: it never panics, never buffers beyond its limits, returns only
// messages jsonrpc2 serves, answers the others with well-formed errors, and
// ends with EOF, a truncated frame, or a framing error it announced.
func FuzzFrameStream(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(strings.Join(frameSeeds[:12], "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		input := append(append([]byte(nil), data...), frame(probe)...)
		conn := &memConn{Reader: bytes.NewReader(input)}
		s := newFrameStream(conn, fuzzLimits, quietLogger())
		var err error
		probeServed := false
		for range len(input) + 1 { // each message consumes at least a byte
			var body []byte
			body, _, err = s.ReadFrame(context.Background())
			if cap(s.body) > fuzzLimits.message || s.in.Size() != fuzzLimits.headerLine {
				t.Fatalf("buffers grew past the limits: body %d, reader %d", cap(s.body), s.in.Size())
			}
			if err != nil {
				break
			}
			if len(body) > fuzzLimits.message {
				t.Fatalf("returned a body of %d bytes", len(body))
			}
			servable(t, body)
			probeServed = string(body) == probe
		}
		all := replies(t, conn.out.Bytes())
		switch {
		case errors.Is(err, ErrFraming):
			if len(all) == 0 || !strings.Contains(fmt.Sprint(all[len(all)-1]["error"]), "closing the connection") {
				t.Fatalf("closed (%v) without saying so: %v", err, all)
			}
		case err == io.EOF, err == io.ErrUnexpectedEOF:
			if !probeServed && err == io.EOF && len(all) == 0 {
				t.Fatalf("clean EOF without serving or answering anything")
			}
		default:
			t.Fatalf("ReadFrame: %v", err)
		}
	})
}

// FuzzMessages frames arbitrary bodies (split at NUL) correctly: each one
// within the limit is returned as is when jsonrpc2 serves it and answered
// once otherwise (Parse error exactly when it is not JSON), in order, and
// the stream stays in step up to a final valid call; a body over the limit
// closes the stream there.
func FuzzMessages(f *testing.F) {
	var bodies []string
	for _, s := range frameSeeds {
		if body, ok := strings.CutPrefix(s, frame("")[:len("Content-Length: ")]); ok && strings.Contains(body, "\r\n\r\n") {
			_, b, _ := strings.Cut(body, "\r\n\r\n")
			bodies = append(bodies, b)
		}
	}
	f.Add([]byte(strings.Join(bodies, "\x00")))
	f.Add([]byte(probe + "\x00" + strings.Repeat(" ", 300) + "{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		bodies := strings.Split(string(data), "\x00")
		var in strings.Builder
		for _, b := range bodies {
			in.WriteString(frame(b))
		}
		in.WriteString(frame(probe))
		conn := &memConn{Reader: strings.NewReader(in.String())}
		s := newFrameStream(conn, fuzzLimits, quietLogger())
		answered := 0
		next := func() ([]byte, error) {
			body, _, err := s.ReadFrame(context.Background())
			return body, err
		}
		for _, b := range append(bodies, probe) {
			if len(b) > fuzzLimits.message {
				if _, err := next(); !errors.Is(err, ErrFraming) {
					t.Fatalf("a body of %d bytes: %v, want a framing error", len(b), err)
				}
				if got := len(replies(t, conn.out.Bytes())); got != answered+1 {
					t.Fatalf("%d replies before closing, want %d", got, answered+1)
				}
				return
			}
			bad := checkMessage([]byte(b))
			if bad == nil {
				body, err := next()
				if err != nil || string(body) != b {
					t.Fatalf("body %q: returned %q, %v", b, body, err)
				}
				servable(t, body)
				if got := len(replies(t, conn.out.Bytes())); got != answered {
					t.Fatalf("body %q: %d replies so far, want %d", b, got, answered)
				}
				continue
			}
			if wantParse := !json.Valid([]byte(b)); (bad.code == jsonrpc2.ParseError) != wantParse {
				t.Fatalf("body %q: code %d", b, bad.code)
			}
			answered++
		}
		if _, err := next(); err != io.EOF {
			t.Fatalf("after the probe: %v, want EOF", err)
		}
	})
}

func TestFrameStreamReusesSmallBuffersOnly(t *testing.T) {
	big := `{"jsonrpc":"2.0","method":"x","params":"` + strings.Repeat("a", reuseBody) + `"}`
	conn := &memConn{Reader: strings.NewReader(frame(big) + frame(probe))}
	s := newFrameStream(conn, defaultLimits, quietLogger())
	if b, _, err := s.ReadFrame(context.Background()); err != nil || len(b) != len(big) {
		t.Fatalf("big message: %d bytes, %v", len(b), err)
	}
	if b, _, err := s.ReadFrame(context.Background()); err != nil || string(b) != probe {
		t.Fatalf("next message: %q, %v", b, err)
	}
	if cap(s.body) > reuseBody {
		t.Errorf("kept a body buffer of %d bytes after a small message", cap(s.body))
	}
}

// lockedBuffer is the server's output: written under the stream's lock,
// read once Serve has returned.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// serveConn is a whole client session: input, then EOF.
type serveConn struct {
	io.Reader
	*lockedBuffer
}

func (serveConn) Close() error { return nil }

// FuzzServe runs the whole server (framing, checks, middleware, lifecycle,
// dispatch) on arbitrary input: it never panics or hangs, ends with EOF,
// exit, a truncated frame or an announced framing error, and writes only
// well-formed JSON-RPC messages, every response with a result or an error.
func FuzzServe(f *testing.F) {
	initialize := frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`) +
		frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	for _, s := range frameSeeds {
		f.Add([]byte(s))
		f.Add([]byte(initialize + s))
	}
	f.Add([]byte(initialize + frame(`{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":[1]}`) +
		frame(`{"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///nowhere/settings.json"},"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"context":{"diagnostics":[]}}}`) +
		frame(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":3}}`) +
		frame(`{"jsonrpc":"2.0","id":4,"method":"shutdown"}`) + frame(`{"jsonrpc":"2.0","method":"exit"}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := &lockedBuffer{}
		served := make(chan error, 1)
		go func() {
			served <- Serve(context.Background(), serveConn{bytes.NewReader(data), out}, Options{Logger: quietLogger(), Debounce: -1})
		}()
		var err error
		select {
		case err = <-served:
		case <-time.After(time.Minute):
			t.Fatalf("Serve hung on %q", data)
		}
		switch {
		case err == nil, errors.Is(err, ErrExitWithoutShutdown), errors.Is(err, ErrFraming), errors.Is(err, io.ErrUnexpectedEOF):
		default:
			t.Fatalf("Serve: %v", err)
		}
		in := jsonrpc2.NewHeaderStream(&memConn{Reader: bytes.NewReader(out.buf.Bytes())}).(interface {
			ReadFrame(context.Context) ([]byte, int64, error)
		})
		for {
			b, _, err := in.ReadFrame(context.Background())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the server wrote a malformed frame (%v): %q", err, out.buf.Bytes())
			}
			if bad := checkMessage(b); bad != nil {
				t.Fatalf("the server wrote %s: %s", b, bad.msg)
			}
			var msgs []map[string]json.RawMessage
			if b[0] == '[' {
				json.Unmarshal(b, &msgs)
			} else {
				msgs = make([]map[string]json.RawMessage, 1)
				json.Unmarshal(b, &msgs[0])
			}
			for _, m := range msgs {
				_, method := m["method"]
				_, result := m["result"]
				_, isErr := m["error"]
				if !method && result == isErr {
					t.Fatalf("a response without exactly one of result and error: %s", b)
				}
			}
		}
	})
}

// BenchmarkCheckMessage vets a didOpen of the 5,000-line settings.json (the
// SPEC §10 file, ~370 KB) and a one-character didChange: the cost the check
// adds to every message before jsonrpc2 decodes it.
func BenchmarkCheckMessage(b *testing.B) {
	text, _ := json.Marshal(benchdata.Settings(5000))
	for _, c := range []struct{ name, body string }{
		{"didOpen", `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/.vscode/settings.json","languageId":"jsonc","version":1,"text":` + string(text) + `}}}`},
		{"didChange", `{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/.vscode/settings.json","version":2},"contentChanges":[{"range":{"start":{"line":3,"character":40},"end":{"line":3,"character":41}},"text":"a"}]}}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			body := []byte(c.body)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if bad := checkMessage(body); bad != nil {
					b.Fatal(bad.msg)
				}
			}
		})
	}
}
