package hostile

// Issue 8's unbounded reads and hangs: every attack below once exhausted
// memory or blocked forever. Each must now finish within its bound, with
// bounded memory, report the file it refused (a file-skipped finding, a
// warning naming it on stderr), and write nothing.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// maxRSSKiB bounds the memory of a run that refuses a hostile file: a few
// tens of MB are the doctor and the go command; an unbounded read of
// /dev/zero would pass it within a second.
const maxRSSKiB = 200 << 10

// checkJSON is the part of `check --format json` the tests read.
type checkJSON struct {
	Diagnostics []struct {
		File    string `json:"file"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Range   struct {
			Start struct{ Line, Character int } `json:"start"`
		} `json:"range"`
		Consumers []string `json:"consumers"`
		Related   []struct {
			File string `json:"file"`
		} `json:"related"`
	} `json:"diagnostics"`
}

// check runs `check --format json` and asserts what every refused-file
// attack must show: finished, bounded memory, no internal failure, a
// warning naming path and reason on stderr, and a file-skipped finding on
// path. It returns the finding's related files.
func (w *WS) checkSkipped(path, reason string) []string {
	w.t.Helper()
	path = w.Subst(path)
	r := w.CLI("check", "--format", "json", "--folder", "$FOLDER", "--settings", w.UserSettings)
	w.assertBounded(r)
	w.assertWarned(r, path, reason)
	var c checkJSON
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
		w.t.Fatalf("check --format json: %v\n%s", err, r.Stdout)
	}
	for _, d := range c.Diagnostics {
		if d.Code == "file-skipped" && d.File == path {
			if d.Range.Start.Line != 0 || !strings.Contains(d.Message, reason) {
				w.t.Errorf("file-skipped finding: line %d, message %q (want line 0, %q)", d.Range.Start.Line, d.Message, reason)
			}
			var rel []string
			for _, x := range d.Related {
				rel = append(rel, x.File)
			}
			return rel
		}
	}
	w.t.Errorf("no file-skipped finding on %s:\n%s", path, r.Stdout)
	return nil
}

// assertBounded checks a CLI run's time, memory and exit status.
func (w *WS) assertBounded(r Result) {
	w.t.Helper()
	w.assertRun(r, maxRSSKiB)
}

// assertRun checks a CLI run's exit status and peak memory against bound.
func (w *WS) assertRun(r Result, boundKiB int64) {
	w.t.Helper()
	if r.Code == 2 {
		w.t.Errorf("exit status 2 (internal failure)\nstderr:\n%s", r.Stderr)
	}
	if r.MaxRSSKiB > boundKiB {
		w.t.Errorf("peak RSS %d KiB, bound %d KiB", r.MaxRSSKiB, boundKiB)
	}
	w.t.Logf("finished in %s, peak RSS %d KiB", r.Elapsed.Round(time.Millisecond), r.MaxRSSKiB)
}

// assertWarned checks the stderr warning for a skipped file: a line naming
// the path and the reason.
func (w *WS) assertWarned(r Result, path, reason string) {
	w.t.Helper()
	prefix := "goproxy-doctor: warning: " + w.Subst(path) + ": skipped: "
	for _, line := range strings.Split(r.Stderr, "\n") {
		if strings.HasPrefix(line, prefix) && strings.Contains(line, reason) {
			return
		}
	}
	w.t.Errorf("stderr has no line %q…%q:\n%s", prefix, reason, r.Stderr)
}

const (
	charDevice = "a character device, not a regular file"
	namedPipe  = "a named pipe, not a regular file"
)

func TestGOENVDevZeroInProcessEnv(t *testing.T) {
	w := Load(t, "goenv-zero-env")
	w.Setenv("GOENV=/dev/zero")
	before := w.Tree()
	w.checkSkipped("/dev/zero", charDevice)
	// env has no findings to show: the warning is all it says, and it must.
	r := w.CLI("env", "--json", "--folder", "$FOLDER", "--settings", w.UserSettings)
	w.assertBounded(r)
	w.assertWarned(r, "/dev/zero", charDevice)
	w.AssertOnlyChanged(before)
}

func TestGOENVDevZeroFromWorkspace(t *testing.T) {
	w := Load(t, "goenv-zero-workspace")
	before := w.Tree()
	related := w.checkSkipped("$FOLDER/goenv", charDevice)
	if len(related) != 1 || related[0] != w.Subst("$FOLDER/.vscode/settings.json") {
		t.Errorf("related %v, want the settings file that names GOENV", related)
	}
	w.AssertOnlyChanged(before)
}

func TestLaunchEnvFileDevZero(t *testing.T) {
	w := Load(t, "launch-envfile-zero")
	before := w.Tree()
	w.checkSkipped("$FOLDER/.env", charDevice)
	w.AssertOnlyChanged(before)
}

func TestSettingsSymlinkToDevZero(t *testing.T) {
	w := Load(t, "settings-symlink-zero")
	before := w.Tree()
	w.checkSkipped("$FOLDER/.vscode/settings.json", charDevice)
	w.AssertOnlyChanged(before)
}

func TestNestedGoModSymlinkToDevZero(t *testing.T) {
	w := Load(t, "nested-gomod-symlink-zero")
	before := w.Tree()
	w.checkSkipped("$FOLDER/sub/go.mod", charDevice)
	w.AssertOnlyChanged(before)
}

// A FIFO as settings.json: check finishes, and the server diagnoses it and
// still ends on shutdown and exit.
func TestSettingsFIFO(t *testing.T) {
	t.Run("check", func(t *testing.T) {
		w := Load(t, "settings-fifo")
		before := w.Tree()
		w.checkSkipped("$FOLDER/.vscode/settings.json", namedPipe)
		w.AssertOnlyChanged(before)
	})
	t.Run("server", func(t *testing.T) {
		w := Load(t, "settings-fifo")
		before := w.Tree()
		s := w.Serve(true)
		d := s.Diagnostics("ws/.vscode/settings.json", hasCode("file-skipped"))
		assertOnLineZero(t, d, "file-skipped", namedPipe)
		start := time.Now()
		s.Shutdown()
		t.Logf("shutdown and exit took %s", time.Since(start).Round(time.Millisecond))
		w.AssertOnlyChanged(before)
	})
	// Shutdown and exit right after initialized, while the first diagnosis
	// reads the FIFO: the process must end.
	t.Run("shutdown", func(t *testing.T) {
		w := Load(t, "settings-fifo")
		s := w.Serve(true)
		start := time.Now()
		s.Shutdown()
		t.Logf("shutdown and exit took %s", time.Since(start).Round(time.Millisecond))
	})
}

// GOENV=/dev/stdin in the editor's environment and in a workspace layer:
// the server must not read its own JSON-RPC stream. It diagnoses both
// files and keeps answering.
func TestGOENVStdinInTheServer(t *testing.T) {
	w := Load(t, "goenv-stdin")
	w.Setenv("GOENV=/dev/stdin")
	before := w.Tree()
	s := w.Serve(true)
	assertOnLineZero(t, s.Diagnostics("/dev/stdin", hasCode("file-skipped")), "file-skipped", "not a regular file")
	assertOnLineZero(t, s.Diagnostics("ws/goenv", hasCode("file-skipped")), "file-skipped", "not a regular file")
	resp := s.Call("workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}})
	if resp["error"] != nil || !strings.Contains(fmt.Sprint(resp["result"]), "/dev/stdin") {
		t.Errorf("environment command after the attack: %v", resp)
	}
	s.Shutdown()
	w.AssertOnlyChanged(before)
}

// tlsProxy is a loopback HTTPS server that answers 404: verify must get as
// far as a TLS handshake, where crypto/x509 loads the roots.
func tlsProxy(t *testing.T) string {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// verifySkipped runs verify against a loopback TLS proxy with the given
// hostile variable and asserts the skip is reported on stderr and in the
// JSON result.
func verifySkipped(t *testing.T, txtar, variable, path, reason string) {
	w := Load(t, txtar)
	w.Setenv("GOPROXY="+tlsProxy(t), "GOSUMDB=off", "GOFLAGS=-mod=mod", variable)
	before := w.Tree()
	r := w.CLI("verify", "--json", "--folder", "$FOLDER", "--settings", w.UserSettings, "--timeout", "5s", "--module", "example.com/m@v1.0.0")
	w.assertBounded(r)
	w.assertWarned(r, path, reason)
	var res struct {
		Proxies []struct{ Status string } `json:"proxies"`
		Skipped []struct{ Path, Reason string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, r.Stdout)
	}
	found := false
	for _, s := range res.Skipped {
		found = found || s.Path == path && strings.Contains(s.Reason, reason)
	}
	if !found || len(res.Proxies) == 0 {
		t.Errorf("verify --json: skipped %+v, proxies %+v; want %s (%s) and the proxy probed", res.Skipped, res.Proxies, path, reason)
	}
	w.AssertOnlyChanged(before)
}

func TestVerifySSLCertFileDevZero(t *testing.T) {
	verifySkipped(t, "verify-ssl-cert-file-zero", "SSL_CERT_FILE=/dev/zero", "/dev/zero", charDevice)
}

func TestVerifyNETRCDevZero(t *testing.T) {
	verifySkipped(t, "verify-netrc-zero", "NETRC=/dev/zero", "/dev/zero", charDevice)
}

func TestVerifySSLCertDirDev(t *testing.T) {
	verifySkipped(t, "verify-ssl-cert-dir-dev", "SSL_CERT_DIR=/dev", "/dev", "entries that are not regular files")
}

// A FIFO in a file:// proxy tree, then a proxy that hangs: verify refuses
// the FIFO, falls through to the hanging proxy, and ends by --timeout, or
// by SIGINT well before it.
func TestVerifyFIFOInFileProxy(t *testing.T) {
	setup := func(t *testing.T) (*WS, chan string) {
		w := Load(t, "verify-fifo-file-proxy")
		url, hung := hangingProxy(t)
		w.Setenv(w.Subst("GOPROXY=file://$FOLDER/proxy|"+url), "GOSUMDB=off")
		return w, hung
	}
	args := func(timeout string) []string {
		return []string{"verify", "--json", "--folder", "$FOLDER", "--settings", "$HOME/.config/Code/User/settings.json", "--timeout", timeout, "--module", "example.com/m@v1.0.0"}
	}

	t.Run("timeout", func(t *testing.T) {
		w, _ := setup(t)
		before := w.Tree()
		r := w.CLI(args("2s")...)
		w.assertBounded(r)
		if r.Elapsed > 15*time.Second {
			t.Errorf("verify --timeout 2s took %s", r.Elapsed)
		}
		if !strings.Contains(r.Stdout, "v1.0.0.info: skipped: "+namedPipe) || !strings.Contains(r.Stdout, `"timeout"`) {
			t.Errorf("verify does not report the FIFO and the timeout:\n%s", r.Stdout)
		}
		w.AssertOnlyChanged(before)
	})

	t.Run("SIGINT", func(t *testing.T) {
		w, hung := setup(t)
		before := w.Tree()
		run := w.CLIStart(args("60s")...)
		select {
		case <-hung: // past the FIFO, waiting on the hanging proxy
		case <-time.After(10 * time.Second):
			// Interrupt it all the same: SIGINT must end a blocked run too.
			t.Errorf("verify never got past the FIFO to the next GOPROXY entry")
		}
		sent := time.Now()
		run.Signal(syscall.SIGINT)
		r := run.Wait()
		if d := time.Since(sent); d > 5*time.Second {
			t.Errorf("verify took %s to end after SIGINT", d)
		}
		if r.Code != 2 || !strings.Contains(r.Stderr, "interrupted") {
			t.Errorf("after SIGINT: exit %d, stderr:\n%s", r.Code, r.Stderr)
		}
		w.AssertOnlyChanged(before)
	})
}

// hangingProxy is a loopback server that never answers a module request
// (until the client goes away) and reports each such request's path on
// the channel.
func hangingProxy(t *testing.T) (string, chan string) {
	hung := make(chan string, 16)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sumdb/") {
			http.NotFound(w, r)
			return
		}
		select {
		case hung <- r.URL.Path:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(func() { close(stop); srv.CloseClientConnections(); srv.Close() })
	return srv.URL, hung
}

// Texts of 12 MiB and 50 MB for an open document: none is kept; the buffer
// is diagnosed as too large on line 0; RSS and every message stay small.
func TestBigDocuments(t *testing.T) {
	t.Run("over the document cap", testDocumentsOverTheCap)
	t.Run("over the message cap", testMessageOverTheCap)
}

// testMessageOverTheCap: a 50 MB didOpen is over the framing's message cap
// (16 MiB): the server says so, closes the connection and exits, without
// ever holding the message.
func testMessageOverTheCap(t *testing.T) {
	w := Load(t, "big-document")
	before := w.Tree()
	s := w.Serve(true)
	body := `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + s.URI("ws/.vscode/settings.json") +
		`","languageId":"jsonc","version":1,"text":"` + strings.Repeat("a", 50_000_000) + `"}}}`
	peak := s.watchPeak()
	// The server may close its input before the body is through.
	fmt.Fprintf(s.stdin, "Content-Length: %d\r\n\r\n%s", len(body), body)
	reply := s.await("the error reply", func(m rawlsp.Msg) bool { return m["error"] != nil })
	if e, _ := reply["error"].(map[string]any); !strings.Contains(fmt.Sprint(e["message"]), "too large") && !strings.Contains(fmt.Sprint(e["message"]), "exceeds") {
		t.Errorf("error reply %v; want it to say the message is too large", e)
	}
	s.WaitExit()
	t.Logf("peak RSS %d KiB", peak())
	if peak := peak(); peak == 0 || peak > 64<<10 {
		t.Errorf("peak RSS %d KiB for a 50 MB message the server refuses", peak)
	}
	w.AssertOnlyChanged(before)
}

func testDocumentsOverTheCap(t *testing.T) {
	w := Load(t, "big-document")
	before := w.Tree()
	s := w.Serve(true)
	settings := "ws/.vscode/settings.json"
	text := func(n int) string {
		prefix, suffix := `{"go.toolsEnvVars": {"GOPROXY": "https://`, `.example.com"}}`
		return prefix + strings.Repeat("a", n-len(prefix)-len(suffix)) + suffix
	}
	// 12 MiB: over the document cap, under any framing limit.
	s.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": s.URI(settings), "languageId": "jsonc", "version": 1, "text": text(12 << 20)}})
	assertOnLineZero(t, s.Diagnostics(settings, hasCode("file-skipped")), "file-skipped", "larger than 8 MiB")
	t.Logf("after a 12 MiB didOpen: RSS %d KiB", s.RSSKiB())

	// 12 MiB again as a whole-document change, then as another document.
	s.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": s.URI(settings), "version": 2},
		"contentChanges": []any{map[string]any{"text": text(12 << 20)}}})
	s.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": s.URI("ws/.vscode/launch.json"), "languageId": "jsonc", "version": 1, "text": text(12 << 20)}})
	// The diagnosis that reports the second buffer comes after both.
	assertOnLineZero(t, s.Diagnostics("ws/.vscode/launch.json", hasCode("file-skipped")), "file-skipped", "larger than 8 MiB")
	rss, peak := s.RSSKiB(), s.PeakRSSKiB()
	resp := s.Call("workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}})
	if resp["error"] != nil {
		t.Fatalf("environment command: %v", resp["error"])
	}
	t.Logf("after three 12 MiB texts: RSS %d KiB, peak %d KiB; largest publishDiagnostics %d bytes, largest response %d bytes",
		rss, peak, s.Largest("textDocument/publishDiagnostics"), s.Largest(""))
	// The server's own ~15 MB plus the framing's read buffer: the three
	// texts kept anywhere (a document, a string that shares a message's
	// memory) are over.
	if bound := 80 << 10; rss > bound {
		t.Errorf("RSS %d KiB after 12 MiB documents, bound %d KiB", rss, bound)
	}
	if n := s.Largest("textDocument/publishDiagnostics"); n > 16<<10 {
		t.Errorf("a publishDiagnostics of %d bytes", n)
	}
	if n := s.Largest(""); n > 256<<10 {
		t.Errorf("a response of %d bytes", n)
	}
	// Back under the cap: the buffer counts again.
	s.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": s.URI(settings), "version": 3},
		"contentChanges": []any{map[string]any{"text": `{"go.toolsEnvVars": {"GOPROXY": "https://goproxy.example.com,direct"}}`}}})
	s.Diagnostics(settings, func(d []any) bool { return !hasCode("file-skipped")(d) })
	s.Shutdown()
	w.AssertOnlyChanged(before)
}

// A 5 MB GOPROXY and a 1 MB GOFLAGS in settings.json on disk: every
// diagnostic, response and CLI text that echoes them stays small.
func TestHugeValuesStaySmallInMessages(t *testing.T) {
	w := Load(t, "huge-value")
	settings := filepath.Join(w.Folder, ".vscode", "settings.json")
	must(t, os.MkdirAll(filepath.Dir(settings), 0o755))
	must(t, os.WriteFile(settings, []byte(`{"go.toolsEnvVars": {"GOPROXY": "https://`+strings.Repeat("p", 5<<20)+
		`.example.com", "GOFLAGS": "-tags=`+strings.Repeat("f", 1<<20)+`"}}`), 0o644))
	before := w.Tree()

	// The values are in memory several times over (the file, the parsed
	// settings, each consumer, each go env's environment): a looser bound.
	const bound = 512 << 10
	r := w.CLI("check", "--folder", "$FOLDER", "--settings", w.UserSettings)
	w.assertRun(r, bound)
	if len(r.Stdout) > 64<<10 || !strings.Contains(r.Stdout, "env-divergence") {
		t.Errorf("check text: %d bytes (bound 64 KiB), env-divergence reported: %v", len(r.Stdout), strings.Contains(r.Stdout, "env-divergence"))
	}
	r = w.CLI("env", "--folder", "$FOLDER", "--settings", w.UserSettings)
	w.assertRun(r, bound)
	if len(r.Stdout) > 64<<10 {
		t.Errorf("env text: %d bytes (bound 64 KiB)", len(r.Stdout))
	}

	s := w.Serve(true)
	s.Diagnostics("ws/.vscode/settings.json", hasCode("env-divergence"))
	resp := s.Call("workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}})
	if resp["error"] != nil {
		t.Fatalf("environment command: %v", resp["error"])
	}
	if n := s.Largest(""); n > 256<<10 {
		t.Errorf("the environment command answered %d bytes", n)
	}
	// Code actions carry the values they write in their edits: only their
	// titles are clipped, so this answer is not bounded here.
	resp = s.Call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": s.URI("ws/.vscode/settings.json")},
		"range":        map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 0, "character": 1 << 20}},
		"context":      map[string]any{"diagnostics": []any{}}})
	if resp["error"] != nil {
		t.Fatalf("codeAction: %v", resp["error"])
	}
	pub, res := s.Largest("textDocument/publishDiagnostics"), s.Largest("")
	t.Logf("largest publishDiagnostics %d bytes, largest response (the code actions) %d bytes, RSS %d KiB", pub, res, s.RSSKiB())
	if pub > 64<<10 {
		t.Errorf("a publishDiagnostics of %d bytes", pub)
	}
	s.Shutdown()
	w.AssertOnlyChanged(before)
}

// Lists with tens of thousands of bad entries: check and the server finish
// within their bounds, and each list rule reports a bounded number.
func TestManyListEntries(t *testing.T) {
	w := Load(t, "many-entries")
	var proxies, patterns []string
	for i := 0; i < 40000; i++ {
		proxies = append(proxies, fmt.Sprintf("https://mirror%d.example.com", i%3))
		patterns = append(patterns, fmt.Sprintf("Corp%d.example.com", i))
	}
	settings := filepath.Join(w.Folder, ".vscode", "settings.json")
	must(t, os.MkdirAll(filepath.Dir(settings), 0o755))
	must(t, os.WriteFile(settings, []byte(`{"go.toolsEnvVars": {"GOPROXY": "`+strings.Join(proxies, ",")+
		`", "GOPRIVATE": "`+strings.Join(patterns, ",")+`"}}`), 0o644))
	before := w.Tree()

	r := w.CLI("check", "--format", "json", "--folder", "$FOLDER", "--settings", w.UserSettings)
	w.assertRun(r, 512<<10)
	var c checkJSON
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, r.Stdout)
	}
	count := map[string]int{}
	for _, d := range c.Diagnostics {
		count[d.Code]++
	}
	if count["goproxy-dead-entries"] == 0 || count["goproxy-dead-entries"] > 20 || count["private-pattern-never-matches"] > 20 {
		t.Errorf("findings per code: %v; want the list rules to report at most 20 each", count)
	}

	s := w.Serve(true)
	s.Diagnostics("ws/.vscode/settings.json", hasCode("goproxy-dead-entries"))
	t.Logf("server: largest publishDiagnostics %d bytes, RSS %d KiB", s.Largest("textDocument/publishDiagnostics"), s.RSSKiB())
	if n := s.Largest("textDocument/publishDiagnostics"); n > 256<<10 {
		t.Errorf("a publishDiagnostics of %d bytes", n)
	}
	s.Shutdown()
	w.AssertOnlyChanged(before)
}

// hasCode matches a diagnostic list holding code.
func hasCode(code string) func([]any) bool {
	return func(d []any) bool {
		for _, x := range d {
			if m, ok := x.(map[string]any); ok && m["code"] == code {
				return true
			}
		}
		return false
	}
}

// assertOnLineZero checks that the diagnostic with code starts on line 0
// and its message says want.
func assertOnLineZero(t *testing.T, diags []any, code, want string) {
	t.Helper()
	for _, x := range diags {
		m, _ := x.(map[string]any)
		if m["code"] != code {
			continue
		}
		start := m["range"].(map[string]any)["start"].(map[string]any)
		if start["line"] != float64(0) || !strings.Contains(fmt.Sprint(m["message"]), want) {
			t.Errorf("%s: at %v, message %q; want line 0 and %q", code, start, m["message"], want)
		}
		return
	}
	t.Errorf("no %s diagnostic in %v", code, diags)
}
