// Package lsp is the language server's transport: it owns the JSON-RPC
// connection, the middleware chain, the lifecycle state machine, the
// handlers and the conversion of placed findings into LSP diagnostics and
// edits. The state behind it (open buffers, file cache, the diagnosis loop,
// the latest result per folder) is package session's.
// It is the only package that imports go.lsp.dev; everything it shows comes
// from the engine (server/internal/engine), the same one the CLI runs.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// DefaultDebounce is how long changes that outpace diagnosis settle before
// they are diagnosed together: long enough to coalesce a burst of edits,
// short enough to feel immediate. An idle server diagnoses a change at once.
const DefaultDebounce = 75 * time.Millisecond

// CommandFunc serves one workspace/executeCommand command. args are the
// command's raw JSON arguments.
type CommandFunc func(ctx context.Context, args []json.RawMessage) (any, error)

// Options configure a server connection. The zero value is usable.
type Options struct {
	// Logger receives the server's logs (default: text to stderr; stdout
	// belongs to JSON-RPC).
	Logger *slog.Logger
	// Oracle confirms modelled values with `go env -json` (default: a new one).
	// Share one across connections to share its cache.
	Oracle *engine.Oracle
	// Debounce is how long changes that arrive while a diagnosis runs settle
	// before the next one (a change to an idle server is diagnosed at once),
	// and, times four, how long inputs stay unchanged before go env confirms
	// them. 0 means DefaultDebounce; a negative value, no delay at all.
	Debounce time.Duration
	// Commands adds workspace/executeCommand handlers that are served but not
	// advertised (tests use one that blocks until released).
	Commands map[string]CommandFunc
}

// ErrExitWithoutShutdown is returned by Serve when the client sent exit
// without shutdown first; LSP asks the process to exit with status 1 then.
var ErrExitWithoutShutdown = errors.New("lsp: exit without shutdown")

// Serve runs a language server over rwc (LSP header framing) until the client
// sends exit, the stream ends or ctx is cancelled. It closes rwc. A message
// that is not JSON-RPC is answered with an error and the server reads on; a
// framing violation (a header line over 4 KiB, more than 16 header lines, a
// Content-Length over MaxMessageSize) is answered once and ends the
// connection with an error wrapping ErrFraming.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	// Values, errors and URLs reach the log from everywhere: none may carry a credential.
	opts.Logger = slog.New(redact.Handler(opts.Logger.Handler()))
	if opts.Oracle == nil {
		opts.Oracle = engine.NewOracle()
	}
	switch {
	case opts.Debounce == 0:
		opts.Debounce = DefaultDebounce
	case opts.Debounce < 0:
		opts.Debounce = 0
	}

	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn := jsonrpc2.NewConn(newFrameStream(newBreakable(rwc), defaultLimits, opts.Logger), jsonrpc2.WithCodec(codec{}))
	s := newServer(connCtx, conn, opts)
	conn.Go(connCtx, s.handler())

	select {
	case <-ctx.Done():
	case <-conn.Done():
	case <-s.exit.ch:
	}
	// Cancelling connCtx cancels every in-flight request and the background
	// diagnosis, so Close (which waits for handlers to drain) cannot hang;
	// closing the stream then unblocks any write to a client that stopped
	// reading, so the background goroutines can end.
	cancel()
	closeErr := conn.Close()
	s.bg.Wait()
	err := conn.Err()
	if err == nil && s.exitedWithoutShutdown() {
		err = ErrExitWithoutShutdown
	}
	if err == nil {
		err = closeErr
	}
	if errors.Is(err, io.ErrClosedPipe) || errors.Is(err, os.ErrClosed) {
		err = nil
	}
	s.log.Debug("connection ended", "err", err)
	return err
}

// breakable lets Close end a Read that is blocked in rwc even when rwc's own
// Close cannot (os.Stdin blocks in read(2) whatever happens to the file):
// reads go through a pipe that Close breaks, so conn.Close, which waits for
// the read loop, always returns. The copying goroutine ends with rwc.
type breakable struct {
	rwc io.ReadWriteCloser
	r   *io.PipeReader
}

func newBreakable(rwc io.ReadWriteCloser) *breakable {
	r, w := io.Pipe()
	go func() {
		_, err := io.Copy(w, rwc)
		w.CloseWithError(err) // nil: EOF
	}()
	return &breakable{rwc: rwc, r: r}
}

func (b *breakable) Read(p []byte) (int, error)  { return b.r.Read(p) }
func (b *breakable) Write(p []byte) (int, error) { return b.rwc.Write(p) }

func (b *breakable) Close() error {
	b.r.Close()
	return b.rwc.Close()
}

// codec marshals payloads with the protocol package's union-aware encoder, as
// protocol.NewServer would (its codec is unexported).
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	if m, ok := v.(jsonrpc2.RawMessage); ok {
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// handler builds the middleware chain, outermost first:
//
//	guard      recover panics; log notification errors instead of returning
//	           them (a notification error would tear the connection down)
//	cancel     $/cancelRequest with a numeric or string id cancels that call
//	order      notifications run inline in wire order (didOpen before didChange);
//	           calls are released with jsonrpc2.AsyncHandler so a slow request
//	           never blocks the next one
//	cancelled  a call cancelled mid-flight replies RequestCancelled (-32800)
//	gate       the lifecycle state machine; custom and unknown methods
//	params     params that do not decode are Invalid params (-32602)
//	dispatch   protocol.ServerHandler over the server
//
// Messages that are not JSON-RPC never get here: frameStream answers them.
func (s *server) handler() jsonrpc2.Handler {
	dispatch := invalidParams(protocol.ServerHandler(s, nil))
	gated := s.gate(dispatch)
	return s.guard(cancelHandler(ordered(gated, jsonrpc2.AsyncHandler(replyCancelled(gated)))))
}

func (s *server) guard(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
		// Method is borrowed from the read buffer, which the next frame
		// overwrites once a call is released to run concurrently.
		method := strings.Clone(req.Method())
		isCall := req.IsCall()
		start := time.Now()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("handler panicked", "method", method, "panic", r, "stack", string(debug.Stack()))
				result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "%s: internal error: %v", method, r)
			}
			if err != nil {
				level := slog.LevelWarn
				if errors.Is(err, jsonrpc2.ErrMethodNotFound) {
					level = slog.LevelDebug // clients probe for methods
				}
				s.log.Log(ctx, level, "request failed", "method", method, "err", err)
				if !isCall {
					err = nil
				}
				return
			}
			s.log.Debug("handled", "method", method, "took", time.Since(start))
		}()
		return next(ctx, req)
	}
}

// cancelHandler serves $/cancelRequest itself, accepting any JSON number or
// string id (VS Code sends numbers), and passes everything else on through
// jsonrpc2.CancelHandler, which gives each call a cancellable context.
func cancelHandler(next jsonrpc2.Handler) jsonrpc2.Handler {
	next, cancel := jsonrpc2.CancelHandler(next)
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.Method() != protocol.MethodCancelRequest {
			return next(ctx, req)
		}
		var params struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(req.Params(), &params); err != nil {
			return nil, fmt.Errorf("%s: %w", protocol.MethodCancelRequest, err)
		}
		var n json.Number
		var str string
		switch {
		case json.Unmarshal(params.ID, &str) == nil:
			cancel(jsonrpc2.NewStringID(str))
		case json.Unmarshal(params.ID, &n) == nil:
			i, err := n.Int64()
			if err != nil {
				f, ferr := n.Float64()
				if ferr != nil || f != float64(int64(f)) {
					return nil, fmt.Errorf("%s: id %s is not an integer", protocol.MethodCancelRequest, params.ID)
				}
				i = int64(f)
			}
			cancel(jsonrpc2.NewNumberID(i))
		default:
			return nil, fmt.Errorf("%s: malformed id %s", protocol.MethodCancelRequest, params.ID)
		}
		return nil, nil
	}
}

// invalidParams reports params that do not decode as Invalid params, which
// they are: protocol reports them as a Parse error, but the message itself
// was JSON (frameStream checked), so only its params can have failed.
func invalidParams(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		result, err := next(ctx, req)
		if err != nil && errors.Is(err, jsonrpc2.ErrParse) {
			detail := strings.TrimPrefix(err.Error(), jsonrpc2.ErrParse.Error()+": ")
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s: invalid params: %s", req.Method(), detail)
		}
		return result, err
	}
}

// ordered runs notifications inline and calls through async.
func ordered(inline, async jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if req.IsCall() {
			return async(ctx, req)
		}
		return inline(ctx, req)
	}
}

// replyCancelled turns the error of a call whose context was cancelled into
// LSP's RequestCancelled; otherwise jsonrpc2 would reply with code 0.
func replyCancelled(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		result, err := next(ctx, req)
		if err != nil && (ctx.Err() != nil || errors.Is(err, context.Canceled)) {
			return nil, protocol.ErrRequestCancelled
		}
		return result, err
	}
}

// background runs f on a goroutine that Serve waits for before returning.
func (s *server) background(f func()) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		f()
	}()
}

// once-guarded close of a channel.
type signal struct {
	once sync.Once
	ch   chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (s *signal) fire() { s.once.Do(func() { close(s.ch) }) }
