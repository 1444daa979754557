package hostile

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// Server is a spawned `goproxy-doctor serve` under the memory limit, driven
// over its stdio like any editor would.
type Server struct {
	w      *WS
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	conn   *rawlsp.Conn
	msgs   chan rawlsp.Msg
	done   chan struct{} // closed when the process has exited
	mu     sync.Mutex
	stderr strings.Builder
	nextID int
	// Notifications holds every server notification received so far.
	notes []rawlsp.Msg
	// largest is the size of the largest message received, by method
	// ("" for responses); guarded by mu.
	largest map[string]int
}

// serverTimeout bounds every wait on the server.
const serverTimeout = 30 * time.Second

// Serve starts the server for the workspace folder and completes initialize
// with the given trust, the workspace's environment as the captured process
// environment and the workspace's user settings file.
func (w *WS) Serve(trusted bool) *Server {
	w.t.Helper()
	s := w.spawn()
	env := map[string]string{}
	for _, kv := range w.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	folderURI := "file://" + w.Folder
	resp := s.Call("initialize", map[string]any{
		"processId":        nil,
		"rootUri":          folderURI,
		"workspaceFolders": []any{map[string]any{"uri": folderURI, "name": "ws"}},
		"initializationOptions": map[string]any{
			"processEnv":       env,
			"userSettingsPath": w.UserSettings,
			"osFlavour":        "linux",
			"trusted":          trusted,
		},
		"capabilities": map[string]any{
			"workspace": map[string]any{
				"workspaceFolders": true,
				"workspaceEdit":    map[string]any{"documentChanges": true, "resourceOperations": []string{"create"}},
			},
		},
	})
	if resp["error"] != nil {
		w.t.Fatalf("initialize: %v", resp["error"])
	}
	s.Notify("initialized", map[string]any{})
	return s
}

// spawn starts the process without initializing it.
func (w *WS) spawn() *Server {
	w.t.Helper()
	cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf(`ulimit -v %d; exec "$0" serve`, memLimitKiB), bin)
	cmd.Dir = w.Folder
	cmd.Env = w.Env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	must(w.t, err)
	stdout, err := cmd.StdoutPipe()
	must(w.t, err)
	s := &Server{w: w, cmd: cmd, stdin: stdin, msgs: make(chan rawlsp.Msg, 1024), done: make(chan struct{}), largest: map[string]int{}}
	cmd.Stderr = &lockedWriter{mu: &s.mu, b: &s.stderr}
	must(w.t, cmd.Start())
	s.conn = rawlsp.New(bufio.NewReader(stdout), stdin)
	go func() {
		defer close(s.msgs)
		for {
			m, size, err := s.conn.RecvSized()
			if err != nil {
				return
			}
			method, _ := m["method"].(string)
			s.mu.Lock()
			s.largest[method] = max(s.largest[method], size)
			s.mu.Unlock()
			s.msgs <- m
		}
	}()
	go func() { cmd.Wait(); close(s.done) }()
	w.t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	})
	return s
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// Stderr is what the server logged so far.
func (s *Server) Stderr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// Notify sends a notification.
func (s *Server) Notify(method string, params any) {
	s.w.t.Helper()
	if err := s.conn.Notify(method, params); err != nil {
		s.w.t.Fatalf("%s: %v", method, err)
	}
}

// Call sends a request and waits (bounded) for its response, answering the
// server's own requests with null and recording its notifications.
func (s *Server) Call(method string, params any) rawlsp.Msg {
	s.w.t.Helper()
	s.nextID++
	id := s.nextID
	req := rawlsp.Msg{"id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	if err := s.conn.Send(req); err != nil {
		s.w.t.Fatalf("%s: %v", method, err)
	}
	m := s.await(method, func(m rawlsp.Msg) bool { return m["method"] == nil && m["id"] == float64(id) })
	return m
}

// await reads messages until match, failing the test after serverTimeout.
func (s *Server) await(what string, match func(rawlsp.Msg) bool) rawlsp.Msg {
	s.w.t.Helper()
	timer := time.NewTimer(serverTimeout)
	defer timer.Stop()
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				s.w.t.Fatalf("%s: the server closed its output\nstderr:\n%s", what, s.Stderr())
			}
			if match(m) {
				return m
			}
			if m["method"] != nil && m["id"] != nil {
				s.conn.Send(rawlsp.Msg{"id": m["id"], "result": nil})
			} else if m["method"] != nil {
				s.notes = append(s.notes, m)
			}
		case <-timer.C:
			s.w.t.Fatalf("%s: no answer within %s\nstderr:\n%s", what, serverTimeout, s.Stderr())
		}
	}
}

// Open sends didOpen for a file of the workspace (rel to Root) with text.
func (s *Server) Open(rel, languageID, text string) {
	s.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": s.URI(rel), "languageId": languageID, "version": 1, "text": text}})
}

// URI is the file URI of a path relative to Root (or of an absolute path).
func (s *Server) URI(rel string) string {
	if filepath.IsAbs(rel) {
		return "file://" + rel
	}
	return "file://" + filepath.Join(s.w.Root, rel)
}

// Diagnostics waits for a publishDiagnostics for rel (relative to Root, or
// absolute) that satisfies pred and returns its diagnostics.
func (s *Server) Diagnostics(rel string, pred func([]any) bool) []any {
	s.w.t.Helper()
	u := s.URI(rel)
	check := func(m rawlsp.Msg) ([]any, bool) {
		if m["method"] != "textDocument/publishDiagnostics" {
			return nil, false
		}
		p, _ := m["params"].(map[string]any)
		if p["uri"] != u {
			return nil, false
		}
		d, _ := p["diagnostics"].([]any)
		return d, pred(d)
	}
	for i := len(s.notes) - 1; i >= 0; i-- {
		if d, ok := check(s.notes[i]); ok {
			return d
		}
		if s.notes[i]["method"] == "textDocument/publishDiagnostics" && s.notes[i]["params"].(map[string]any)["uri"] == u {
			break // an older one than the latest: wait for a newer
		}
	}
	m := s.await("publishDiagnostics for "+rel, func(m rawlsp.Msg) bool { _, ok := check(m); return ok })
	s.notes = append(s.notes, m)
	d, _ := check(m)
	return d
}

// Largest is the size in bytes of the largest message received so far with
// the method ("" for responses).
func (s *Server) Largest(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.largest[method]
}

// Notes returns every notification received so far.
func (s *Server) Notes() []rawlsp.Msg { return s.notes }

// RSSKiB is the server's resident set size.
func (s *Server) RSSKiB() int { return s.status("VmRSS") }

// PeakRSSKiB is the server's peak resident set size so far.
func (s *Server) PeakRSSKiB() int { return s.status("VmHWM") }

// status reads a kB field of /proc/<pid>/status.
func (s *Server) status(field string) int {
	s.w.t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	must(s.w.t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	s.w.t.Fatal("no " + field)
	return 0
}

// Shutdown ends the session (shutdown, exit) and fails the test unless the
// process exits within serverTimeout.
func (s *Server) Shutdown() {
	s.w.t.Helper()
	s.Call("shutdown", nil)
	s.Notify("exit", nil)
	s.WaitExit()
}

// WaitExit waits (bounded) for the process to end.
func (s *Server) WaitExit() {
	s.w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), serverTimeout)
	defer cancel()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.w.t.Fatalf("the server did not exit within %s\nstderr:\n%s", serverTimeout, s.Stderr())
	}
}

// watchPeak polls the server's high-water mark (VmHWM, which only grows)
// until it exits, and returns a function giving the last value read: the
// peak of a process that has since exited. (rusage's maxrss would not do:
// it counts the test process's memory, shared until the exec.)
func (s *Server) watchPeak() func() int {
	var mu sync.Mutex
	peak := 0
	read := func() {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
				mu.Lock()
				peak = max(peak, n)
				mu.Unlock()
			}
		}
	}
	read() // the process is alive now: the peak is never unknown
	go func() {
		// Polled without pause: a refused message ends the process within
		// a millisecond or two.
		for {
			select {
			case <-s.done:
				return
			default:
			}
			read()
		}
	}()
	return func() int {
		<-s.done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
