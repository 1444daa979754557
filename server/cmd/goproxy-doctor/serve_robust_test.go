package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// maxServeRSS bounds the peak RSS of a server fed a hostile stream: the
// framing reads at most one header line or one message of the 16 MiB cap,
// so a server that buffers what it is sent is far above it.
const maxServeRSS = 64 << 20

// served is a spawned `goproxy-doctor serve` with raw access to its stdin.
type served struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	conn   *rawlsp.Conn
	stderr *bytes.Buffer
	done   chan struct{} // closed when the process has been waited for
}

func spawnServe(t *testing.T, bin string) *served {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = cleanEnv(t, "GOENV=off")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	// An os.Pipe rather than StdoutPipe: Wait closes StdoutPipe's read end
	// when the process exits, which could discard the reply a server writes
	// just before it exits on a framing error.
	stdout, stdoutW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdout.Close() })
	cmd.Stdout = stdoutW
	s := &served{t: t, cmd: cmd, stdin: stdin, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	err = cmd.Start()
	stdoutW.Close() // the child holds its own copy
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			cmd.Process.Kill()
			<-s.done
		}
	})
	s.conn = rawlsp.New(stdout, stdin)
	return s
}

// raw writes one well-framed body, valid JSON-RPC or not.
func (s *served) raw(body string) {
	s.t.Helper()
	if _, err := fmt.Fprintf(s.stdin, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		s.t.Fatalf("write: %v", err)
	}
}

// errorReply reads the next message and checks it is the error code with
// a null id.
func (s *served) errorReply(what string, code float64) map[string]any {
	s.t.Helper()
	type received struct {
		msg rawlsp.Msg
		err error
	}
	got := make(chan received, 1)
	go func() {
		msg, err := s.conn.Recv()
		got <- received{msg, err}
	}()
	var msg rawlsp.Msg
	select {
	case r := <-got:
		if r.err != nil {
			s.t.Fatalf("%s: no reply: %v\nstderr:\n%s", what, r.err, s.stderr)
		}
		msg = r.msg
	case <-time.After(10 * time.Second):
		s.t.Fatalf("%s: no reply within 10s; stderr:\n%s", what, s.stderr)
	}
	e, _ := msg["error"].(map[string]any)
	if e == nil || e["code"] != code || msg["id"] != nil {
		s.t.Errorf("%s: reply %v; want code %v with id null", what, msg, code)
	}
	return e
}

// exited waits for the process to end and returns its exit status and peak
// RSS.
func (s *served) exited(what string) (int, int64) {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.t.Fatalf("%s: the server did not exit within 10s; stderr:\n%s", what, s.stderr)
	}
	rss := int64(s.cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) << 10 // KiB on Linux
	return s.cmd.ProcessState.ExitCode(), rss
}

// TestServeSurvivesInvalidMessages: the real binary answers messages that
// are not JSON-RPC and serves on through a whole session (it used to exit
// on the first one without a reply).
func TestServeSurvivesInvalidMessages(t *testing.T) {
	s := spawnServe(t, buildBinary(t))
	s.raw(`{"jsonrpc":"2.0","id":1,"method":"initialize"`)
	s.errorReply("bad JSON", -32700)
	s.raw(`{"jsonrpc":"2.0","id":true,"method":"initialize","params":{}}`)
	s.errorReply("a boolean id", -32600)
	resp, err := s.conn.Call(1, "initialize", map[string]any{"processId": os.Getpid(), "rootUri": nil, "capabilities": map[string]any{}})
	if err != nil || resp["result"] == nil {
		t.Fatalf("initialize after invalid messages: %v %v\nstderr:\n%s", resp, err, s.stderr)
	}
	s.raw(`{"jsonrpc":"1.0","method":"initialized","params":{}}`)
	s.errorReply("JSON-RPC 1.0", -32600)
	if resp, err := s.conn.Call(2, "shutdown", nil); err != nil || resp["error"] != nil {
		t.Fatalf("shutdown: %v %v", resp, err)
	}
	if err := s.conn.Notify("exit", nil); err != nil {
		t.Fatal(err)
	}
	if code, rss := s.exited("exit"); code != 0 {
		t.Errorf("exit status %d; stderr:\n%s", code, s.stderr)
	} else {
		t.Logf("peak RSS %d KiB", rss>>10)
	}
}

// TestServeClosesOnBadFraming: a stream that cannot be re-synchronised (a
// huge Content-Length, a header line without end) gets one error reply and
// the process exits promptly with bounded memory, whatever the peer keeps
// sending (it used to wait for a 1 GiB body, or buffer the line forever).
func TestServeClosesOnBadFraming(t *testing.T) {
	bin := buildBinary(t)
	endless := func(s *served) {
		// Up to 256 MiB without a newline, while the server keeps reading.
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		io.WriteString(s.stdin, "Content-Length: 2\r\nX-Padding: ")
		for range 256 {
			if _, err := s.stdin.Write(chunk); err != nil {
				return
			}
		}
	}
	for _, c := range []struct {
		name string
		send func(*served)
		want string
	}{
		{"1 GiB Content-Length", func(s *served) {
			io.WriteString(s.stdin, "Content-Length: 1073741824\r\n\r\n{")
			// Then a trickle of body, as a hostile or broken client might.
			for range 64 {
				if _, err := s.stdin.Write(bytes.Repeat([]byte(" "), 1<<20)); err != nil {
					return
				}
			}
		}, "exceeds the limit"},
		{"endless header line", endless, "header line longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := spawnServe(t, bin)
			go c.send(s)
			e := s.errorReply(c.name, -32600)
			if msg, _ := e["message"].(string); !strings.Contains(msg, c.want) {
				t.Errorf("error message %q; want it to say %q", msg, c.want)
			}
			code, rss := s.exited(c.name)
			if code == 0 {
				t.Errorf("exit status 0 after a framing error; stderr:\n%s", s.stderr)
			}
			if !strings.Contains(s.stderr.String(), c.want) {
				t.Errorf("the log does not say why the connection closed:\n%s", s.stderr)
			}
			if rss > maxServeRSS {
				t.Errorf("peak RSS %d MiB, want at most %d MiB", rss>>20, maxServeRSS>>20)
			}
			t.Logf("exit status %d, peak RSS %d KiB", code, rss>>10)
		})
	}
}
