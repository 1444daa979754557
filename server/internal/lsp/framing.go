package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// MaxMessageSize is the largest Content-Length the server reads: twice the
// document size cap (8 MiB), so that a didOpen of the largest document it
// accepts still fits once JSON-escaped (newlines, quotes and backslashes
// double; editors send other text as is), and far below what would hurt the
// process. A larger message ends the connection (see ErrFraming).
const MaxMessageSize = 16 << 20

// ErrFraming is wrapped by every violation of the LSP base protocol's
// framing (header lines, Content-Length). After one the stream cannot be
// re-synchronised, so the server replies once and closes the connection.
var ErrFraming = errors.New("lsp: malformed message framing")

// limits bound what one message can make the reader buffer.
type limits struct {
	headerLine  int // bytes in one header line, "\r\n" included
	headerLines int // header lines before the blank line
	message     int // Content-Length
}

var defaultLimits = limits{headerLine: 4 << 10, headerLines: 16, message: MaxMessageSize}

// reuseBody is the largest body buffer kept for the next message: a rare
// large one (a didOpen of a big file) is not held for the connection's life.
const reuseBody = 1 << 20

// frameStream is the jsonrpc2.Stream the server speaks over: LSP header
// framing with bounded header lines, header count and Content-Length, and a
// check of each message before jsonrpc2 decodes it. jsonrpc2 ends the
// connection on a message it cannot decode; frameStream answers such a
// message itself (Parse error, Invalid Request) and reads on, so one bad
// message costs one error reply, not the session.
//
// It implements jsonrpc2's optional raw-frame methods (ReadFrame,
// WriteFrame), which the connection uses for single messages and batches.
type frameStream struct {
	conn io.ReadWriteCloser
	in   *bufio.Reader
	lim  limits
	log  *slog.Logger
	body []byte // the last message's body, reused for the next

	writeMu sync.Mutex
	wbuf    []byte // guarded by writeMu
}

func newFrameStream(conn io.ReadWriteCloser, lim limits, log *slog.Logger) *frameStream {
	// The reader's buffer is one header line: a longer line fills it and is
	// refused, never accumulated. Bodies larger than it are read straight
	// into the body buffer.
	return &frameStream{conn: conn, in: bufio.NewReaderSize(conn, lim.headerLine), lim: lim, log: log}
}

var _ jsonrpc2.Stream = (*frameStream)(nil)

// Read implements jsonrpc2.Stream for completeness; the connection reads with
// ReadFrame.
func (s *frameStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	body, n, err := s.ReadFrame(ctx)
	if err != nil {
		return nil, 0, err
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err != nil {
		return nil, 0, err
	}
	return msg, n, nil
}

// ReadFrame returns the body of the next message jsonrpc2 can serve,
// answering the invalid ones before it. The body is valid until the next
// call. It returns io.EOF when the peer closes between messages,
// io.ErrUnexpectedEOF inside one, and an error wrapping ErrFraming (after
// replying) on a framing violation.
func (s *frameStream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	if cap(s.body) > reuseBody {
		s.body = nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		length, headerLen, err := s.readHeader()
		if err != nil {
			if errors.Is(err, ErrFraming) {
				s.log.Error("closing the connection", "err", err)
				s.reply(ctx, nil, jsonrpc2.InvalidRequest, err.Error()+"; closing the connection")
			}
			return nil, 0, err
		}
		body, err := s.readBody(length)
		if err != nil {
			return nil, 0, err
		}
		if bad := checkMessage(body); bad != nil {
			s.log.Warn("invalid message", "code", int(bad.code), "err", bad.msg, "id", quoteShort(bad.id), "bytes", len(body))
			if err := s.reply(ctx, bad.id, bad.code, bad.msg); err != nil {
				return nil, 0, err
			}
			continue
		}
		return body, int64(headerLen + length), nil
	}
}

// readHeader reads one header block and returns the Content-Length and the
// number of header bytes.
func (s *frameStream) readHeader() (length, n int, err error) {
	length = -1
	for lines := 0; ; lines++ {
		line, err := s.in.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			return 0, 0, fmt.Errorf("%w: a header line longer than %d bytes", ErrFraming, s.lim.headerLine)
		case err == io.EOF && lines == 0 && len(line) == 0:
			return 0, 0, io.EOF
		case err == io.EOF:
			return 0, 0, io.ErrUnexpectedEOF
		case err != nil:
			return 0, 0, err
		}
		n += len(line)
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) == 0 {
			break
		}
		if lines == s.lim.headerLines {
			return 0, 0, fmt.Errorf("%w: more than %d header lines", ErrFraming, s.lim.headerLines)
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, 0, fmt.Errorf("%w: header line %s without a colon", ErrFraming, quoteShort(line))
		}
		if !bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")) {
			continue // Content-Type and unknown fields
		}
		value = bytes.TrimSpace(value)
		v, err := strconv.ParseUint(string(value), 10, 63)
		switch {
		case length >= 0:
			return 0, 0, fmt.Errorf("%w: a second Content-Length", ErrFraming)
		case err != nil && errors.Is(err, strconv.ErrRange), err == nil && v > uint64(s.lim.message):
			return 0, 0, fmt.Errorf("%w: Content-Length %s exceeds the limit of %d bytes", ErrFraming, quoteShort(value), s.lim.message)
		case err != nil:
			return 0, 0, fmt.Errorf("%w: Content-Length %s is not a number of bytes", ErrFraming, quoteShort(value))
		}
		length = int(v)
	}
	if length < 0 {
		return 0, 0, fmt.Errorf("%w: a header without Content-Length", ErrFraming)
	}
	return length, n, nil
}

// readBody reads length bytes into the reused buffer, growing it as bytes
// arrive rather than trusting the declared length with one allocation.
func (s *frameStream) readBody(length int) ([]byte, error) {
	body := s.body[:0]
	for len(body) < length {
		if len(body) == cap(body) {
			// Double up to the declared length, exactly: the buffer never
			// exceeds the limit, and a length that never arrives costs
			// what did arrive (times two), not what was declared.
			grown := make([]byte, len(body), len(body)+min(length-len(body), max(len(body), 64<<10)))
			body = grown[:copy(grown, body)]
		}
		k, err := io.ReadFull(s.in, body[len(body):min(cap(body), length)])
		body = body[:len(body)+k]
		if err != nil {
			s.body = body
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	s.body = body
	return body, nil
}

// reply writes an error response. id is the request's id, or nil for null.
func (s *frameStream) reply(ctx context.Context, id []byte, code jsonrpc2.Code, msg string) error {
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0","id":`)
	if id == nil {
		b.WriteString("null")
	} else {
		b.Write(id)
	}
	quoted, _ := json.Marshal(msg) // a string always marshals
	fmt.Fprintf(&b, `,"error":{"code":%d,"message":%s}}`, code, quoted)
	_, err := s.WriteFrame(ctx, b.Bytes())
	return err
}

// Write implements jsonrpc2.Stream: one frame, one write.
func (s *frameStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.writeLocked(func(b []byte) []byte { return jsonrpc2.AppendMessage(b, msg) })
}

// WriteFrame writes an encoded body (a batch's responses, or an error reply).
func (s *frameStream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.writeLocked(func(b []byte) []byte { return append(b, data...) })
}

// writeLocked frames the body appendBody appends, in the reused buffer
// (a header reserve, then the body, then the header moved up to it).
func (s *frameStream) writeLocked(appendBody func([]byte) []byte) (int64, error) {
	const reserve = len("Content-Length: \r\n\r\n") + 20
	buf := append(s.wbuf[:0], make([]byte, reserve)...)
	buf = appendBody(buf)
	var h [reserve]byte
	header := append(h[:0], "Content-Length: "...)
	header = strconv.AppendInt(header, int64(len(buf)-reserve), 10)
	header = append(header, "\r\n\r\n"...)
	start := reserve - len(header)
	copy(buf[start:], header)
	if cap(buf) <= reuseBody {
		s.wbuf = buf
	} else {
		s.wbuf = nil
	}
	n, err := s.conn.Write(buf[start:])
	return int64(n), err
}

// Close closes the connection.
func (s *frameStream) Close() error { return s.conn.Close() }

// quoteShort quotes b for a message, cut to a readable length.
func quoteShort(b []byte) string {
	const limit = 40
	if len(b) > limit {
		return strconv.Quote(string(b[:limit])) + "…"
	}
	return strconv.Quote(string(b))
}
