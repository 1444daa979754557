package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// inProcess runs lsp.Serve in this process over a pipe, as `serve` does
// over stdio, so that its keystroke path can be profiled.
func inProcess(env map[string]string) *lspProc {
	serverEnd, clientEnd := net.Pipe()
	p := &lspProc{name: "in-process", conn: rawlsp.New(clientEnd, clientEnd),
		diags: make(chan published, 4096), resp: make(chan rawlsp.Msg, 16), done: make(chan struct{}),
		closer: clientEnd}
	go func() {
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		lsp.Serve(context.Background(), serverEnd, lsp.Options{Logger: logger, Oracle: engine.NewOracle()})
	}()
	go p.read()
	return p
}

// profile types in the realistic settings.json and then in go.mod of the
// same folder, back-to-back, with the server in process, and writes CPU
// and allocation profiles of each run to dir.
func profile(dir string, env map[string]string, tmp string, n int) {
	check(os.MkdirAll(dir, 0o755))
	// The server reads the process environment it runs in.
	for k, v := range env {
		os.Setenv(k, v)
	}
	w := newWorkspace(tmp, "profile", benchdata.Realistic(5000))
	p := inProcess(env)
	p.initialize(w.root, oursOpts)
	p.open(w.settings, "jsonc", w.text)
	_, err := p.await(w.settings, 1, 30*time.Second)
	check(err)
	p.open(w.gomod, "go.mod", benchdata.GoMod)
	_, err = p.await(w.gomod, 1, 30*time.Second)
	check(err)
	run := func(name, path string, line, col int) {
		runtime.GC()
		runtime.MemProfileRate = 4096
		cpu, err := os.Create(filepath.Join(dir, name+".cpu.pprof"))
		check(err)
		check(pprof.StartCPUProfile(cpu))
		st, _ := typing(p, path, 1_000_000*len(name), n, line, col, 0, 5*time.Second)
		pprof.StopCPUProfile()
		check(cpu.Close())
		mem, err := os.Create(filepath.Join(dir, name+".alloc.pprof"))
		check(err)
		check(pprof.Lookup("allocs").WriteTo(mem, 0))
		check(mem.Close())
		fmt.Printf("profile %-9s %s → %s/%s.{cpu,alloc}.pprof\n", name, st, dir, name)
	}
	run("settings", w.settings, w.line, w.col)
	run("gomod", w.gomod, modLine, modCol)
}
