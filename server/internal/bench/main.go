// Command bench measures the budgets of SPEC §10 and prints each as a ratio
// against its budget and, where one exists, an anchor measured in the same
// run (a `go env -json` invocation, a bare process start). It is `make bench`,
// not a test: nothing here fails on timing.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

func main() {
	bin := flag.String("bin", "bin/goproxy-doctor", "the goproxy-doctor binary to measure")
	example := flag.String("example", "examples/corp-proxy", "the example workspace")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "goproxy-doctor-bench")
	check(err)
	defer os.RemoveAll(tmp)
	env := benchEnv(tmp)

	fmt.Println("Go Proxy Doctor benchmarks (SPEC §10). ratio = measured / budget (≤ 1 meets it).")
	fmt.Println()
	goEnv := anchorGoEnv(env)
	fmt.Printf("anchor  one `go env -json` run                      %8.1f ms\n\n", ms(goEnv))

	checkExample(*example, env, goEnv)
	monorepo(tmp, env)
	startup(*bin, env, tmp)
	rss(*bin, env, tmp)
	keystroke(*bin, env, tmp)
	verifyBench(tmp, env)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchEnv is a controlled environment: the machine's own go env file and
// settings must not change the figures.
func benchEnv(tmp string) map[string]string {
	return map[string]string{
		"HOME": tmp, "PATH": os.Getenv("PATH"), "GOENV": "off",
		"GOPATH": filepath.Join(tmp, "gopath"), "GOCACHE": filepath.Join(tmp, "gocache"),
	}
}

func envList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func anchorGoEnv(env map[string]string) time.Duration {
	var runs []time.Duration
	for range 5 {
		start := time.Now()
		cmd := exec.Command("go", "env", "-json", "GOPROXY", "GOSUMDB", "GOPRIVATE")
		cmd.Env = envList(env)
		check(cmd.Run())
		runs = append(runs, time.Since(start))
	}
	return median(runs)
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}

func percentile(d []time.Duration, p float64) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(float64(len(d)-1) * p)
	return d[i]
}

// runCheck is what `goproxy-doctor check` does, in process.
func runCheck(cfg engine.Config, oracle *engine.Oracle) (time.Duration, int) {
	start := time.Now()
	r := engine.Check(context.Background(), cfg, nil, engine.CheckOptions{Oracle: oracle, Confirm: engine.ConfirmRun})
	check(r.ConfirmErr)
	return time.Since(start), len(r.Findings)
}

func checkExample(dir string, env map[string]string, goEnv time.Duration) {
	abs, err := filepath.Abs(dir)
	check(err)
	e := copyEnv(env)
	e["GOENV"] = filepath.Join(abs, "goenv")
	cfg := engine.Config{
		Folder: abs, UserSettings: filepath.Join(abs, "user-settings.json"), ProcessEnv: e,
		Options: sources.Options{Trusted: true},
	}
	oracle := engine.NewOracle()
	cold, n := runCheck(cfg, oracle)
	var warm []time.Duration
	for range 50 {
		d, _ := runCheck(cfg, oracle)
		warm = append(warm, d)
	}
	fmt.Printf("check   example workspace, cold (go env per distinct consumer env) %8.1f ms  = %.2f× one go env (%d findings, %d go env runs)\n",
		ms(cold), float64(cold)/float64(goEnv), n, oracle.Runs)
	fmt.Printf("check   example workspace, warm (oracle cached by content)         %8.2f ms median\n\n", ms(median(warm)))
}

func copyEnv(env map[string]string) map[string]string {
	c := map[string]string{}
	for k, v := range env {
		c[k] = v
	}
	return c
}

// monorepo checks a folder with 200 go.mod files (SPEC §10: under 1 s).
func monorepo(tmp string, env map[string]string) {
	root := filepath.Join(tmp, "monorepo")
	for i := range 200 {
		dir := filepath.Join(root, "services", fmt.Sprintf("svc%03d", i))
		check(os.MkdirAll(dir, 0o755))
		var req strings.Builder
		for j := range 10 {
			fmt.Fprintf(&req, "\tgit.corp.example.com/lib/l%03d v1.%d.0\n", (i+j)%50, j)
		}
		fmt.Fprintf(&req, "\tgolang.org/x/text v0.14.0\n")
		mod := fmt.Sprintf("module git.corp.example.com/services/svc%03d\n\ngo 1.22\n\nrequire (\n%s)\n", i, req.String())
		check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644))
	}
	check(os.WriteFile(filepath.Join(root, "go.mod"), []byte("module git.corp.example.com/monorepo\n\ngo 1.22\n"), 0o644))
	check(os.MkdirAll(filepath.Join(root, ".vscode"), 0o755))
	check(os.WriteFile(filepath.Join(root, ".vscode", "settings.json"), []byte(`{"go.toolsEnvVars": {"GOPROXY": "https://goproxy.corp.example.com,direct"}}`), 0o644))
	cfg := engine.Config{Folder: root, ProcessEnv: env, Options: sources.Options{Trusted: true}}
	oracle := engine.NewOracle()
	cold, n := runCheck(cfg, oracle)
	warm, _ := runCheck(cfg, oracle)
	fmt.Printf("check   200-module monorepo, cold      %8.1f ms  ratio %.3f of the 1 s budget (%d findings)\n", ms(cold), float64(cold)/float64(time.Second), n)
	fmt.Printf("check   200-module monorepo, warm      %8.1f ms  ratio %.3f\n\n", ms(warm), float64(warm)/float64(time.Second))
}

type server struct {
	cmd  *exec.Cmd
	conn *rawlsp.Conn
}

func spawn(bin string, env map[string]string) *server {
	cmd := exec.Command(bin, "serve")
	cmd.Env = envList(env)
	stdin, err := cmd.StdinPipe()
	check(err)
	stdout, err := cmd.StdoutPipe()
	check(err)
	check(cmd.Start())
	return &server{cmd: cmd, conn: rawlsp.New(stdout, stdin)}
}

func (s *server) initialize(root string) {
	_, err := s.conn.Call(1, "initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": "file://" + root, "capabilities": map[string]any{},
		"initializationOptions": map[string]any{"trusted": true},
	})
	check(err)
	check(s.conn.Notify("initialized", map[string]any{}))
}

func (s *server) stop() {
	s.conn.Call(99999, "shutdown", nil)
	s.conn.Notify("exit", nil)
	s.cmd.Wait()
}

// startup: process start to the initialize result (budget 20 ms), anchored
// on a bare start of the same binary (`version`).
func startup(bin string, env map[string]string, tmp string) {
	var bare, init []time.Duration
	for range 15 {
		start := time.Now()
		cmd := exec.Command(bin, "version")
		cmd.Env = envList(env)
		check(cmd.Run())
		bare = append(bare, time.Since(start))

		start = time.Now()
		s := spawn(bin, env)
		s.initialize(tmp)
		init = append(init, time.Since(start))
		s.stop()
	}
	m := median(init)
	fmt.Printf("lsp     process start → initialize result %8.2f ms  ratio %.2f of the 20 ms budget; bare process start %.2f ms\n",
		ms(m), float64(m)/float64(20*time.Millisecond), ms(median(bare)))
}

// rss opens 50 settings files and reads the server's resident memory
// (budget 40 MB).
func rss(bin string, env map[string]string, tmp string) {
	root := filepath.Join(tmp, "rss")
	s := spawn(bin, env)
	s.initialize(root)
	for i := range 50 {
		dir := filepath.Join(root, fmt.Sprintf("f%02d", i), ".vscode")
		check(os.MkdirAll(dir, 0o755))
		path := filepath.Join(dir, "settings.json")
		text := benchdata.Settings(200)
		check(os.WriteFile(path, []byte(text), 0o644))
		check(s.conn.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
			"uri": "file://" + path, "languageId": "jsonc", "version": 1, "text": text,
		}}))
	}
	// A request after the notifications: its answer means they were all read.
	_, err := s.conn.Call(2, "workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}})
	check(err)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	check(err)
	var kb int
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
		}
	}
	s.stop()
	fmt.Printf("lsp     RSS after opening 50 settings files %6.1f MB  ratio %.2f of the 40 MB budget\n", float64(kb)/1024, float64(kb)/1024/40)
}

// keystroke: a one-character change to a 5,000-line settings.json to the
// publishDiagnostics carrying that version (budget 5 ms at p99).
func keystroke(bin string, env map[string]string, tmp string) {
	root := filepath.Join(tmp, "keystroke")
	dir := filepath.Join(root, ".vscode")
	check(os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, "settings.json")
	text := benchdata.Settings(5000)
	check(os.WriteFile(path, []byte(text), 0o644))
	uri := "file://" + path
	s := spawn(bin, env)
	s.initialize(root)
	check(s.conn.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "jsonc", "version": 1, "text": text,
	}}))
	waitVersion := func(v int) {
		_, err := s.conn.Await(func(m rawlsp.Msg) bool {
			if m["method"] != "textDocument/publishDiagnostics" {
				return false
			}
			p, _ := m["params"].(map[string]any)
			return p["uri"] == uri && p["version"] == float64(v)
		})
		check(err)
	}
	waitVersion(1)
	var lat []time.Duration
	line := 3 // inside the GOPROXY value
	for v := 2; v <= 301; v++ {
		ch := string(rune('a' + v%26))
		start := time.Now()
		check(s.conn.Notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": uri, "version": v},
			"contentChanges": []any{map[string]any{
				"range": map[string]any{"start": map[string]any{"line": line, "character": 40}, "end": map[string]any{"line": line, "character": 41}},
				"text":  ch,
			}},
		}))
		waitVersion(v)
		lat = append(lat, time.Since(start))
	}
	s.stop()
	p99 := percentile(lat, 0.99)
	b, _ := json.Marshal(map[string]float64{"p50": ms(percentile(lat, 0.5)), "p99": ms(p99)})
	fmt.Printf("lsp     keystroke → publishDiagnostics, 5,000-line settings.json %s ms  ratio %.2f of the 5 ms p99 budget\n", b, float64(p99)/float64(5*time.Millisecond))
}
