package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// benchTB gives the loopback servers of verifytest what they need outside a
// test; the servers stop when close runs.
type benchTB struct {
	dir      string
	cleanups []func()
}

func (b *benchTB) Helper() {}
func (b *benchTB) Fatalf(format string, args ...any) {
	check(fmt.Errorf(format, args...))
}
func (b *benchTB) Cleanup(f func()) { b.cleanups = append(b.cleanups, f) }
func (b *benchTB) TempDir() string {
	d, err := os.MkdirTemp(b.dir, "t")
	check(err)
	return d
}
func (b *benchTB) close() {
	for i := len(b.cleanups) - 1; i >= 0; i-- {
		b.cleanups[i]()
	}
}

// verifyBench: Verify of 100 modules through two loopback proxies that each
// sleep 50 ms per request, the first answering 404 for every module and the
// second serving them (SPEC §10). Anchors: (a) `go list -m -json` of the
// same modules through the same proxies with a cold module cache, the go
// command's own availability check; (b) the physical limit, the longest
// sequential chain of requests one module needs (two: 404, then 200).
func verifyBench(tmp string, env map[string]string) {
	const (
		modules = 100
		latency = 50 * time.Millisecond
		chain   = 2
	)
	tb := &benchTB{dir: tmp}
	defer tb.close()
	var mods []string
	for i := range modules {
		mods = append(mods, fmt.Sprintf("bench.example.com/m%03d@v1.0.0", i))
	}
	tree := verifytest.NewTree(tb, mods...)
	p1 := (&verifytest.Proxy{Name: "p1", Tree: tree, Latency: latency, Modules: map[string]verifytest.Behavior{"*": {Status: 404}}}).Start(tb)
	p2 := (&verifytest.Proxy{Name: "p2", Tree: tree, Latency: latency}).Start(tb)
	goproxy := p1.URL + "," + p2.URL

	target := verify.Target{
		Consumers: []string{"terminal"}, GOOS: runtime.GOOS, Env: map[string]string{"HOME": env["HOME"]},
		Vars:        map[string]string{"GOPROXY": goproxy, "GOSUMDB": "off", "GOAUTH": "netrc"},
		KnownSumDBs: knownSumDBs(env),
	}
	for _, m := range mods {
		p, v, _ := strings.Cut(m, "@")
		target.Modules = append(target.Modules, verify.Module{Path: p, Version: v})
	}
	var runs []time.Duration
	for range 5 {
		start := time.Now()
		res, err := verify.Run(context.Background(), []verify.Target{target}, verify.Options{})
		check(err)
		runs = append(runs, time.Since(start))
		for _, m := range res.Modules {
			if m.Outcome != verify.OutcomeOK || len(m.Attempts) != chain {
				check(fmt.Errorf("verify: %s@%s: %s after %d attempts", m.Path, m.Version, m.Outcome, len(m.Attempts)))
			}
		}
	}
	v := median(runs)

	// (a) the go command, cold module cache, same proxies.
	dir := tb.TempDir()
	e := copyEnv(env)
	for k, val := range map[string]string{
		"GOPROXY": goproxy, "GOSUMDB": "off", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local", "GOENV": "off",
		"GOMODCACHE": filepath.Join(dir, "modcache"), "GOPATH": filepath.Join(dir, "gopath"),
	} {
		e[k] = val
	}
	cmd := exec.Command("go", append([]string{"list", "-m", "-json"}, mods...)...)
	cmd.Env = envList(e)
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		check(fmt.Errorf("go list -m -json: %v\n%s", err, out))
	}
	goList := time.Since(start)

	limit := chain * latency
	fmt.Printf("\nverify  100 modules, 2 loopback proxies, 50 ms per request (first 404s), default concurrency %d: %8.1f ms median of %d\n", verify.DefaultConcurrency, ms(v), len(runs))
	fmt.Printf("        (a) go list -m -json, cold module cache, same proxies        %8.1f ms  → Verify is %.0f× faster (target ≥ 50×)\n", ms(goList), float64(goList)/float64(v))
	fmt.Printf("        (b) physical limit: %d sequential requests × 50 ms            %8.1f ms  → Verify takes %.2f× it (target ≤ 3×)\n", chain, ms(limit), float64(v)/float64(limit))
}

// knownSumDBs is the checksum database name of the go command's own
// $GOROOT/go.env, as a consumer's would be read.
func knownSumDBs(env map[string]string) []string {
	cmd := exec.Command("go", "env", "GOROOT")
	cmd.Env = envList(env)
	out, err := cmd.Output()
	check(err)
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "go.env"))
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "GOSUMDB="); ok {
			if n := goenv.DefaultSumDBName(v); n != "" {
				return []string{n}
			}
		}
	}
	return nil
}
