package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// lspProc is a language server on stdio: goproxy-doctor serve, or gopls
// for the side-by-side figures. One goroutine reads every message; the
// diagnostics it sees are handed to whoever waits for a version.
type lspProc struct {
	name  string
	cmd   *exec.Cmd
	conn  *rawlsp.Conn
	diags chan published
	resp  chan rawlsp.Msg
	done  chan struct{}
	// closer ends an in-process server's connection (cmd is nil then).
	closer io.Closer
}

type published struct {
	uri     string
	version int
	at      time.Time
}

func spawnLSP(name string, env map[string]string, bin string, args ...string) *lspProc {
	cmd := exec.Command(bin, args...)
	cmd.Env = envList(env)
	stdin, err := cmd.StdinPipe()
	check(err)
	stdout, err := cmd.StdoutPipe()
	check(err)
	check(cmd.Start())
	p := &lspProc{name: name, cmd: cmd, conn: rawlsp.New(stdout, stdin),
		diags: make(chan published, 4096), resp: make(chan rawlsp.Msg, 16), done: make(chan struct{})}
	go p.read()
	return p
}

func (p *lspProc) read() {
	defer close(p.done)
	for {
		m, err := p.conn.Recv()
		if err != nil {
			return
		}
		at := time.Now()
		method, _ := m["method"].(string)
		switch {
		case method == "textDocument/publishDiagnostics":
			params, _ := m["params"].(map[string]any)
			u, _ := params["uri"].(string)
			v, _ := params["version"].(float64)
			p.diags <- published{uri: u, version: int(v), at: at}
		case method != "" && m["id"] != nil:
			// A server request: workspace/configuration gets one null per
			// item (the defaults), everything else null.
			var result any
			if method == "workspace/configuration" {
				params, _ := m["params"].(map[string]any)
				items, _ := params["items"].([]any)
				result = make([]any, len(items))
			}
			p.conn.Send(rawlsp.Msg{"id": m["id"], "result": result})
		case method == "":
			p.resp <- m
		}
	}
}

var errTimeout = errors.New("timed out")

func (p *lspProc) call(id int, method string, params any, timeout time.Duration) (rawlsp.Msg, error) {
	req := rawlsp.Msg{"id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	if err := p.conn.Send(req); err != nil {
		return nil, err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case m := <-p.resp:
			if m["id"] == float64(id) {
				if e := m["error"]; e != nil {
					return nil, fmt.Errorf("%s: %v", method, e)
				}
				return m, nil
			}
		case <-p.done:
			return nil, fmt.Errorf("%s: server exited", p.name)
		case <-t.C:
			return nil, errTimeout
		}
	}
}

func (p *lspProc) initialize(root string, opts map[string]any) {
	_, err := p.call(1, "initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": "file://" + root,
		"workspaceFolders": []any{map[string]any{"uri": "file://" + root, "name": filepath.Base(root)}},
		"capabilities": map[string]any{
			"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true}},
			"workspace":    map[string]any{"configuration": true, "workspaceFolders": true},
		},
		"initializationOptions": opts,
	}, 30*time.Second)
	check(err)
	check(p.conn.Notify("initialized", map[string]any{}))
}

func (p *lspProc) open(path, lang, text string) {
	check(p.conn.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": "file://" + path, "languageId": lang, "version": 1, "text": text,
	}}))
}

// change replaces the character at line:col (UTF-16) with ch.
func (p *lspProc) change(path string, version, line, col int, ch string) {
	check(p.conn.Notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": "file://" + path, "version": version},
		"contentChanges": []any{map[string]any{
			"range": map[string]any{"start": map[string]any{"line": line, "character": col}, "end": map[string]any{"line": line, "character": col + 1}},
			"text":  ch,
		}},
	}))
}

// await returns when diagnostics for path at version (or later) arrive.
func (p *lspProc) await(path string, version int, timeout time.Duration) (time.Time, error) {
	u := "file://" + path
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case d := <-p.diags:
			if d.uri == u && d.version >= version {
				return d.at, nil
			}
		case <-p.done:
			return time.Time{}, fmt.Errorf("%s: server exited", p.name)
		case <-t.C:
			return time.Time{}, errTimeout
		}
	}
}

// drain forgets the diagnostics received so far.
func (p *lspProc) drain() {
	for {
		select {
		case <-p.diags:
		default:
			return
		}
	}
}

// cpuTime is the CPU time the server process has used so far: the sum over
// its threads of /proc/<pid>/task/<tid>/schedstat's time on CPU (false where
// there is no such file, and for an in-process server).
func (p *lspProc) cpuTime() (time.Duration, bool) {
	if p.cmd == nil || p.cmd.Process == nil {
		return 0, false
	}
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", p.cmd.Process.Pid))
	if err != nil || len(tasks) == 0 {
		return 0, false
	}
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // a thread that just ended
		}
		var ns int64
		if _, err := fmt.Sscanf(string(b), "%d", &ns); err == nil {
			total += time.Duration(ns)
		}
	}
	return total, true
}

func (p *lspProc) rssMB() float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	check(err)
	var kb int
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
		}
	}
	return float64(kb) / 1024
}

func (p *lspProc) stop() {
	p.call(99999, "shutdown", nil, 5*time.Second)
	p.conn.Notify("exit", nil)
	if p.cmd == nil {
		p.closer.Close()
		return
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// servers are the two language servers measured: ours and, if found, gopls.
type servers struct {
	bin, gopls string
	env        map[string]string
}

func (s servers) ours() *lspProc { return spawnLSP("goproxy-doctor", s.env, s.bin, "serve") }

func (s servers) goplsProc() *lspProc {
	// gopls must not reach a network while it loads the module.
	e := copyEnv(s.env)
	e["GOPROXY"], e["GOFLAGS"], e["GOTOOLCHAIN"] = "off", "-mod=mod", "local"
	return spawnLSP("gopls", e, s.gopls)
}

var oursOpts = map[string]any{"trusted": true}

// goplsOpts: gopls waits diagnosticsDelay (1 s by default) before it
// publishes; without the delay its figure is the work of a keystroke.
var goplsOpts = map[string]any{"diagnosticsDelay": "0s"}

// stats of latencies.
type stats struct {
	n                  int
	p50, p90, p99, max time.Duration
	missed             int // keystrokes whose diagnostics never came
	// cpu is the server's CPU time per keystroke (0: not measured), which
	// other load on the machine disturbs much less than the latencies.
	cpu time.Duration
}

func statsOf(lat []time.Duration, missed int) stats {
	if len(lat) == 0 {
		return stats{missed: missed}
	}
	return stats{n: len(lat), p50: percentile(lat, 0.5), p90: percentile(lat, 0.9), p99: percentile(lat, 0.99), max: percentile(lat, 1), missed: missed}
}

func (st stats) String() string {
	if st.n == 0 {
		return "no diagnostics"
	}
	s := fmt.Sprintf("median %6.2f  p90 %6.2f  p99 %6.2f  max %6.2f ms", ms(st.p50), ms(st.p90), ms(st.p99), ms(st.max))
	if st.cpu > 0 {
		s += fmt.Sprintf("  (server CPU %.2f ms a keystroke)", ms(st.cpu))
	}
	if st.missed > 0 {
		s += fmt.Sprintf(" (%d of %d unanswered)", st.missed, st.n+st.missed)
	}
	return s
}

// typing types n characters at line:col of path, one every interval (0:
// each as soon as the previous one's diagnostics arrived), and returns the
// latency of each to the publishDiagnostics carrying its version.
func typing(p *lspProc, path string, first, n, line, col int, interval, timeout time.Duration) (stats, int) {
	var lat []time.Duration
	missed := 0
	v := first
	cpu0, cpuOK := p.cpuTime()
	next := time.Now()
	for range n {
		if interval > 0 {
			time.Sleep(time.Until(next))
			next = next.Add(interval)
			if time.Until(next) < 0 {
				next = time.Now().Add(interval)
			}
		}
		p.drain()
		start := time.Now()
		p.change(path, v, line, col, string(rune('a'+v%26)))
		at, err := p.await(path, v, timeout)
		if err == nil {
			lat = append(lat, at.Sub(start))
		} else {
			missed++
		}
		v++
	}
	st := statsOf(lat, missed)
	if cpu1, ok := p.cpuTime(); cpuOK && ok && n > 0 {
		st.cpu = (cpu1 - cpu0) / time.Duration(n)
	}
	return st, v
}

// workspace is the folder of the keystroke and memory figures: a
// .vscode/settings.json and a 9-line go.mod.
type workspace struct {
	root, settings, gomod string
	text                  string
	line, col             int // where keystrokes go in settings.json
}

func (w workspace) at(line, col int) workspace { w.line, w.col = line, col; return w }

func newWorkspace(tmp, name, settings string) workspace {
	root := filepath.Join(tmp, name)
	check(os.MkdirAll(filepath.Join(root, ".vscode"), 0o755))
	w := workspace{root: root, settings: filepath.Join(root, ".vscode", "settings.json"), gomod: filepath.Join(root, "go.mod"), text: settings,
		line: benchdata.RealisticGOPROXYLine, col: benchdata.RealisticGOPROXYColumn}
	check(os.WriteFile(w.settings, []byte(settings), 0o644))
	check(os.WriteFile(w.gomod, []byte(benchdata.GoMod), 0o644))
	return w
}

// modLine and modCol: a byte of the module path in benchdata.GoMod.
const modLine, modCol = 0, 30

func budget(label string, v, limit float64, unit string, gopls string) {
	fmt.Printf("  %-58s %8.2f %-2s ratio %5.2f", label, v, unit, v/limit)
	if gopls != "" {
		fmt.Printf("   gopls %s", gopls)
	}
	fmt.Println()
}

// keystrokes measures one server's typing on w: in settings.json and in
// go.mod, one keystroke every 50 ms and back-to-back, then its RSS.
func keystrokes(s servers, w workspace, label string, n int) {
	fmt.Printf("\nlsp     keystroke → publishDiagnostics, %s (%d KB), %d keystrokes a run\n", label, len(w.text)/1024, n)
	p := s.ours()
	p.initialize(w.root, oursOpts)
	p.open(w.settings, "jsonc", w.text)
	_, err := p.await(w.settings, 1, 30*time.Second)
	check(err)
	p.open(w.gomod, "go.mod", benchdata.GoMod)
	_, err = p.await(w.gomod, 1, 30*time.Second)
	check(err)
	openRSS := p.rssMB()

	var g *lspProc
	if s.gopls != "" {
		g = s.goplsProc()
		g.initialize(w.root, goplsOpts)
		g.open(w.settings, "jsonc", w.text)
		g.open(w.gomod, "go.mod", benchdata.GoMod)
		g.await(w.gomod, 1, 60*time.Second)
	}
	const timeout = 2 * time.Second
	sv, mv := 2, 2
	gv := 2
	row := func(what string, ours stats, gopls *stats) {
		fmt.Printf("  %-30s %s\n", what, ours)
		if gopls != nil {
			fmt.Printf("  %-30s %s\n", "  gopls, same edits", *gopls)
		}
	}
	var st50, stB, mod50, modB stats
	if g != nil {
		fmt.Println("  (gopls publishes nothing for settings.json: its figures are beside the go.mod rows)")
	}
	st50, sv = typing(p, w.settings, sv, n, w.line, w.col, 50*time.Millisecond, timeout)
	row("settings.json, every 50 ms", st50, nil)
	stB, sv = typing(p, w.settings, sv, n, w.line, w.col, 0, timeout)
	row("settings.json, back-to-back", stB, nil)
	mod50, mv = typing(p, w.gomod, mv, n, modLine, modCol, 50*time.Millisecond, timeout)
	var g50, gB *stats
	if g != nil {
		var st stats
		st, gv = typing(g, w.gomod, gv, n, modLine, modCol, 50*time.Millisecond, timeout)
		g50 = &st
	}
	row("go.mod, every 50 ms", mod50, g50)
	modB, _ = typing(p, w.gomod, mv, n, modLine, modCol, 0, timeout)
	if g != nil {
		st, _ := typing(g, w.gomod, gv, n, modLine, modCol, 0, timeout)
		gB = &st
	}
	row("go.mod, back-to-back", modB, gB)
	typedRSS := p.rssMB()
	var goplsRSS string
	if g != nil {
		goplsRSS = fmt.Sprintf("%.1f MB", g.rssMB())
		g.stop()
	}
	p.stop()

	fmt.Println("  budgets (ratio = measured / budget, ≤ 1 meets it):")
	budget("settings.json p99, every 50 ms (< 5 ms)", ms(st50.p99), 5, "ms", "")
	budget("settings.json median, every 50 ms (< 2 ms)", ms(st50.p50), 2, "ms", "")
	budget("settings.json p99, back-to-back (< 5 ms)", ms(stB.p99), 5, "ms", "")
	budget("settings.json median, back-to-back (< 2 ms)", ms(stB.p50), 2, "ms", "")
	gm := func(st *stats, f func(stats) time.Duration) string {
		if st == nil || st.n == 0 {
			return ""
		}
		return fmt.Sprintf("%.2f ms", ms(f(*st)))
	}
	p99 := func(s stats) time.Duration { return s.p99 }
	p50 := func(s stats) time.Duration { return s.p50 }
	budget("go.mod p99, every 50 ms (< 5 ms)", ms(mod50.p99), 5, "ms", gm(g50, p99))
	budget("go.mod median, every 50 ms (< 2 ms)", ms(mod50.p50), 2, "ms", gm(g50, p50))
	budget("go.mod p99, back-to-back (< 5 ms)", ms(modB.p99), 5, "ms", gm(gB, p99))
	// go.mod typing must not pay for the size of settings.json: its
	// median is compared with that of a folder whose settings.json is
	// tiny, measured below by modBaseline.
	budget("RSS with the file open (< 25 MB)", openRSS, 25, "MB", "")
	budget("RSS after the typing above (< 25 MB)", typedRSS, 25, "MB", goplsRSS)
	lastModMedian[label] = mod50.p50
}

// lastModMedian holds the go.mod typing median of each keystroke run, for
// the go.mod-unaffected-by-settings.json comparison.
var lastModMedian = map[string]time.Duration{}

// modBaseline types in the go.mod of a folder whose settings.json is a few
// lines and compares the medians of the runs above with it.
func modBaseline(s servers, tmp string, n int) {
	w := newWorkspace(tmp, "tiny", benchdata.Realistic(40))
	p := s.ours()
	p.initialize(w.root, oursOpts)
	p.open(w.settings, "jsonc", w.text)
	p.open(w.gomod, "go.mod", benchdata.GoMod)
	_, err := p.await(w.gomod, 1, 30*time.Second)
	check(err)
	st, _ := typing(p, w.gomod, 2, n, modLine, modCol, 50*time.Millisecond, 2*time.Second)
	p.stop()
	fmt.Printf("\nlsp     go.mod typing unaffected by the size of settings.json: its median beside a 5,000-line file over its median beside a 40-line one\n        (budget: at most 1.5×, for run-to-run noise; ratio = that quotient / 1.5)\n")
	fmt.Printf("  %-30s %s\n", "40-line settings.json", st)
	for _, label := range []string{"simple 5,000-line settings.json", "realistic 5,000-line settings.json"} {
		if m, ok := lastModMedian[label]; ok {
			fmt.Printf("  %-58s %8.2f ms ratio %5.2f\n", "go.mod median beside the "+label, ms(m), float64(m)/float64(st.p50)/1.5)
		}
	}
}

// startup: process start to the initialize result (budget 20 ms), anchored
// on a bare start of the same binary (`version`).
func startup(s servers, tmp string) {
	var bare, init, goplsInit []time.Duration
	w := newWorkspace(tmp, "startup", benchdata.Realistic(5000))
	for range 15 {
		start := time.Now()
		cmd := exec.Command(s.bin, "version")
		cmd.Env = envList(s.env)
		check(cmd.Run())
		bare = append(bare, time.Since(start))

		start = time.Now()
		p := s.ours()
		p.initialize(w.root, oursOpts)
		init = append(init, time.Since(start))
		p.stop()
	}
	if s.gopls != "" {
		for range 5 {
			start := time.Now()
			g := s.goplsProc()
			g.initialize(w.root, goplsOpts)
			goplsInit = append(goplsInit, time.Since(start))
			g.stop()
		}
	}
	m := median(init)
	fmt.Printf("\nlsp     process start → initialize result (bare process start %.2f ms)\n", ms(median(bare)))
	var gs string
	if len(goplsInit) > 0 {
		gs = fmt.Sprintf("%.2f ms", ms(median(goplsInit)))
	}
	budget("initialize, median of 15 (< 20 ms)", ms(m), 20, "ms", gs)
}

// rss opens the realistic settings.json of the folder and then 49 more
// settings files (each its folder's realistic 200-line settings.json) and
// reads the server's resident memory (budget 40 MB).
func rss(s servers, tmp string) {
	w := newWorkspace(tmp, "rss", benchdata.Realistic(5000))
	p := s.ours()
	p.initialize(w.root, oursOpts)
	var g *lspProc
	if s.gopls != "" {
		g = s.goplsProc()
		g.initialize(w.root, goplsOpts)
	}
	open := func(path, lang, text string) {
		p.open(path, lang, text)
		if g != nil {
			g.open(path, lang, text)
		}
	}
	open(w.settings, "jsonc", w.text)
	open(w.gomod, "go.mod", benchdata.GoMod)
	for i := range 49 {
		dir := filepath.Join(w.root, fmt.Sprintf("f%02d", i), ".vscode")
		check(os.MkdirAll(dir, 0o755))
		path := filepath.Join(dir, "settings.json")
		text := benchdata.Realistic(200)
		check(os.WriteFile(path, []byte(text), 0o644))
		open(path, "jsonc", text)
	}
	// A request after the notifications: its answer means they were all read.
	_, err := p.call(2, "workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}}, 30*time.Second)
	check(err)
	time.Sleep(500 * time.Millisecond) // let the diagnosis of the opens finish
	mb := p.rssMB()
	p.stop()
	var gs string
	if g != nil {
		_, err := g.call(2, "workspace/symbol", map[string]any{"query": "x"}, 60*time.Second)
		if err == nil {
			gs = fmt.Sprintf("%.1f MB", g.rssMB())
		}
		g.stop()
	}
	fmt.Printf("\nlsp     resident memory\n")
	budget("RSS after opening 50 files (< 40 MB)", mb, 40, "MB", gs)
}
