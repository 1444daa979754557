// Package rawlsp is a minimal LSP client over header-framed JSON-RPC, written
// with nothing but encoding/json, for tests and benchmarks that drive a
// spawned goproxy-doctor the way any editor would see the wire.
package rawlsp

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Msg is one decoded JSON-RPC message.
type Msg map[string]any

// Conn is a client connection. Recv must be called from one goroutine.
type Conn struct {
	mu sync.Mutex
	w  io.Writer
	r  *bufio.Reader
	// OnMessage sees every message that is not the awaited response. Server
	// requests (e.g. client/registerCapability) are answered with null.
	OnMessage func(Msg)
}

// New wraps the server's stdout (r) and stdin (w).
func New(r io.Reader, w io.Writer) *Conn { return &Conn{w: w, r: bufio.NewReader(r)} }

// Send writes one message, adding "jsonrpc": "2.0".
func (c *Conn) Send(msg Msg) error {
	msg["jsonrpc"] = "2.0"
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err = fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return err
}

// Notify sends a notification.
func (c *Conn) Notify(method string, params any) error {
	return c.Send(Msg{"method": method, "params": params})
}

// Recv reads one message.
func (c *Conn) Recv() (Msg, error) {
	m, _, err := c.RecvSized()
	return m, err
}

// RecvSized reads one message and returns its size on the wire (the body's
// Content-Length).
func (c *Conn) RecvSized() (Msg, int, error) {
	length := -1
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return nil, 0, fmt.Errorf("reading header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
			if length, err = strconv.Atoi(v); err != nil {
				return nil, 0, fmt.Errorf("bad Content-Length %q", v)
			}
		}
	}
	if length < 0 {
		return nil, 0, fmt.Errorf("message without Content-Length")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, 0, err
	}
	var msg Msg
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, 0, fmt.Errorf("%w: %s", err, body)
	}
	return msg, length, nil
}

// Call sends a request and reads until its response, passing everything else
// to OnMessage.
func (c *Conn) Call(id int, method string, params any) (Msg, error) {
	req := Msg{"id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	if err := c.Send(req); err != nil {
		return nil, err
	}
	return c.Await(func(m Msg) bool { return m["method"] == nil && m["id"] == float64(id) })
}

// Await reads until a message satisfies match, answering server requests and
// passing other messages to OnMessage.
func (c *Conn) Await(match func(Msg) bool) (Msg, error) {
	for {
		msg, err := c.Recv()
		if err != nil {
			return nil, err
		}
		if match(msg) {
			return msg, nil
		}
		if msg["method"] != nil && msg["id"] != nil {
			if err := c.Send(Msg{"id": msg["id"], "result": nil}); err != nil {
				return nil, err
			}
		}
		if c.OnMessage != nil {
			c.OnMessage(msg)
		}
	}
}
