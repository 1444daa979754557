// Command bench measures the budgets of SPEC §10 and prints each as a ratio
// against its budget and, where one exists, an anchor measured in the same
// run (a `go env -json` invocation, a bare process start). It is `make bench`,
// not a test: nothing here fails on timing.
package main

import (
	"context"
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
)

func main() {
	bin := flag.String("bin", "bin/goproxy-doctor", "the goproxy-doctor binary to measure")
	example := flag.String("example", "examples/corp-proxy", "the example workspace")
	gopls := flag.String("gopls", "", "a gopls binary to measure beside it (default: gopls on PATH, if any)")
	n := flag.Int("n", 200, "keystrokes in each typing run")
	profileDir := flag.String("profile", "", "profile the keystroke path in process instead: write CPU and allocation profiles to this directory")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "goproxy-doctor-bench")
	check(err)
	defer os.RemoveAll(tmp)
	env := benchEnv(tmp)
	if *profileDir != "" {
		profile(*profileDir, env, tmp, *n)
		return
	}

	fmt.Println("Go Proxy Doctor benchmarks (SPEC §10). ratio = measured / budget (≤ 1 meets it).")
	fmt.Println()
	goEnv := anchorGoEnv(env)
	fmt.Printf("anchor  one `go env -json` run                      %8.1f ms\n\n", ms(goEnv))

	checkExample(*example, env, goEnv)
	monorepo(tmp, env)
	srv := servers{bin: *bin, env: env, gopls: *gopls}
	if srv.gopls == "" {
		if path, err := exec.LookPath("gopls"); err == nil {
			srv.gopls = path
		}
	}
	if srv.gopls != "" {
		out, _ := exec.Command(srv.gopls, "version").Output()
		fmt.Printf("gopls   %s (figures beside ours: same folder, same edits)\n", strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]))
	} else {
		fmt.Println("gopls   not found (-gopls or PATH): no side-by-side figures")
	}
	startup(srv, tmp)
	rss(srv, tmp)
	keystrokes(srv, newWorkspace(tmp, "simple", benchdata.Settings(5000)).at(3, 40), "simple 5,000-line settings.json", *n)
	keystrokes(srv, newWorkspace(tmp, "realistic", benchdata.Realistic(5000)), "realistic 5,000-line settings.json", *n)
	completionLatency(srv, tmp, *n)
	modBaseline(srv, tmp, *n)
	hoverLatency(srv, tmp, *n)
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
