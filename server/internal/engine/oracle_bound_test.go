package engine

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// fakeGo writes a go command that runs script, and returns a snapshot and
// consumer that use it. The script's background children record their
// process ids in $PIDS; the test kills whatever is left of them.
func fakeGo(t *testing.T, script string) (*sources.Snapshot, *resolve.Consumer, string) {
	t.Helper()
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	bin := filepath.Join(dir, "go")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nPIDS="+pids+"\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, pid := range childPIDs(t, pids) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	env := map[string]string{"HOME": dir, "PATH": "/usr/bin:/bin", "GOENV": "off"}
	s := Load(Config{Folder: dir, ProcessEnv: env, GoBinary: bin, ModFiles: []string{}, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}, nil)
	var c *resolve.Consumer
	for _, x := range Resolve(s) {
		if x.Name == "terminal" {
			c = x
		}
	}
	return s, c, pids
}

func childPIDs(t *testing.T, file string) []int {
	b, _ := os.ReadFile(file)
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// gone reports whether a process has ended (exited or a zombie), waiting
// for it at most a few seconds: a SIGKILL is delivered asynchronously.
func gone(pid int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		if _, rest, ok := strings.Cut(string(b), ") "); ok && strings.HasPrefix(rest, "Z") {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// setOracleBounds shortens the oracle's timeout and wait delay for a test.
func setOracleBounds(t *testing.T, timeout, waitDelay time.Duration) {
	oldT, oldW := oracleTimeout, oracleWaitDelay
	oracleTimeout, oracleWaitDelay = timeout, waitDelay
	t.Cleanup(func() { oracleTimeout, oracleWaitDelay = oldT, oldW })
}

// goEnvWithin runs GoEnv and fails the test when it has not returned within
// limit (the goroutine is then abandoned; Cleanup kills the children).
func goEnvWithin(t *testing.T, s *sources.Snapshot, c *resolve.Consumer, limit time.Duration) (map[string]string, error, time.Duration) {
	t.Helper()
	type out struct {
		vars map[string]string
		err  error
	}
	done := make(chan out, 1)
	start := time.Now()
	go func() {
		v, err := NewOracle().GoEnv(context.Background(), s, c, []string{"GOPROXY"})
		done <- out{v, err}
	}()
	select {
	case o := <-done:
		return o.vars, o.err, time.Since(start)
	case <-time.After(limit):
		t.Fatalf("go env did not return within %s", limit)
	}
	return nil, nil, 0
}

// A go wrapper that starts a background child holding stdout and exits: the
// oracle takes go's output after the wait delay instead of waiting for the
// child (300 s), and kills the child.
func TestOracleWaitDelayLingeringChild(t *testing.T) {
	setOracleBounds(t, 20*time.Second, 300*time.Millisecond)
	s, c, pids := fakeGo(t, "sleep 300 &\necho $! >> $PIDS\necho '{\"GOPROXY\": \"https://wrapped.example.com\"}'\n")
	vars, err, took := goEnvWithin(t, s, c, 10*time.Second)
	if err != nil || vars["GOPROXY"] != "https://wrapped.example.com" {
		t.Fatalf("GoEnv = %v, %v", vars, err)
	}
	t.Logf("returned after %s (wait delay 300ms)", took)
	for _, pid := range childPIDs(t, pids) {
		if !gone(pid) {
			t.Errorf("the wrapper's child %d still runs", pid)
		}
	}
}

// A go that hangs with a child: the timeout kills the whole process group
// and the oracle returns within timeout + wait delay.
func TestOracleTimeoutKillsProcessGroup(t *testing.T) {
	setOracleBounds(t, 300*time.Millisecond, 300*time.Millisecond)
	s, c, pids := fakeGo(t, "sleep 300 &\necho $! >> $PIDS\necho $$ >> $PIDS\nsleep 300\n")
	_, err, took := goEnvWithin(t, s, c, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Errorf("GoEnv of a hanging go: %v, want a deadline error", err)
	}
	if took > 3*time.Second {
		t.Errorf("returned after %s; bound is 300ms + 300ms", took)
	}
	for _, pid := range childPIDs(t, pids) {
		if !gone(pid) {
			t.Errorf("process %d of the hanging go still runs", pid)
		}
	}
}
