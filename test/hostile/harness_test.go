// Package hostile is the hostile-workspace suite (issue 8): each attack is a
// workspace laid out from a txtar file under testdata/, run through the real
// goproxy-doctor binary (CLI and language server) under a memory limit and a
// time bound, and checked for what must never happen — a marker file that a
// planted binary would create, a write outside the allowed files, a hang.
package hostile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// bin is the goproxy-doctor binary built once for the suite.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hostile-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bin = filepath.Join(dir, "goproxy-doctor")
	build := exec.Command("go", "build", "-o", bin, "github.com/go-proxy-doctor/go-proxy-doctor/server/cmd/goproxy-doctor")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building goproxy-doctor:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// memLimitKiB bounds the address space of every process the suite starts
// (ulimit -v), children included (the go command needs a few threads' worth
// of stacks): an unbounded read of /dev/zero cannot fit in it.
const memLimitKiB = 4 << 20

// WS is one hostile workspace.
//
//	Root/ws       the workspace folder (the repository under attack)
//	Root/home     HOME: user settings at home/.config/Code/User/settings.json,
//	              the GOENV file at home/.config/go/env (cmd/go's default)
//	Root/outside  files an attacker would like to read or overwrite
//	Root/marker   appears only if a planted program ran
type WS struct {
	t                           testing.TB
	Root, Folder, Home, Outside string
	Marker, UserSettings, GoEnv string
	extraEnv                    []string
}

// Load lays out testdata/<name>.txtar (see newWS for the substitutions).
func Load(t testing.TB, name string) *WS {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	return newWS(t, string(data))
}

// newWS lays out a txtar archive. File names are relative to Root (so a
// workspace file is "ws/.vscode/settings.json", the user's is
// "home/.config/Code/User/settings.json"). In names and contents $ROOT,
// $FOLDER, $HOME, $OUTSIDE and $MARKER are replaced by their paths. A file
// whose content is exactly "#!fifo" becomes a named pipe, "#!zero" a symlink
// to /dev/zero, "#!stdin" a symlink to /dev/stdin, and "#!link TARGET" a
// symlink to TARGET (after substitution).
func newWS(t testing.TB, archive string) *WS {
	t.Helper()
	root := t.TempDir()
	w := &WS{
		t: t, Root: root,
		Folder:  filepath.Join(root, "ws"),
		Home:    filepath.Join(root, "home"),
		Outside: filepath.Join(root, "outside"),
		Marker:  filepath.Join(root, "marker"),
	}
	w.UserSettings = filepath.Join(w.Home, ".config", "Code", "User", "settings.json")
	w.GoEnv = filepath.Join(w.Home, ".config", "go", "env")
	for _, d := range []string{w.Folder, w.Home, w.Outside, filepath.Join(w.Home, ".config", "go", "telemetry")} {
		must(t, os.MkdirAll(d, 0o755))
	}
	// go env would otherwise start a telemetry child that outlives it.
	must(t, os.WriteFile(filepath.Join(w.Home, ".config", "go", "telemetry", "mode"), []byte("off"), 0o644))
	ar := txtar.Parse([]byte(archive))
	for _, f := range ar.Files {
		path := filepath.Join(root, filepath.FromSlash(w.Subst(f.Name)))
		must(t, os.MkdirAll(filepath.Dir(path), 0o755))
		content := w.Subst(string(f.Data))
		switch line := strings.TrimSpace(content); {
		case line == "#!fifo":
			must(t, syscall.Mkfifo(path, 0o644))
		case line == "#!zero":
			must(t, os.Symlink("/dev/zero", path))
		case line == "#!stdin":
			must(t, os.Symlink("/dev/stdin", path))
		case strings.HasPrefix(line, "#!link "):
			must(t, os.Symlink(strings.TrimPrefix(line, "#!link "), path))
		default:
			mode := fs.FileMode(0o644)
			if strings.HasPrefix(content, "#!/") {
				mode = 0o755
			}
			must(t, os.WriteFile(path, []byte(content), mode))
		}
	}
	return w
}

// Subst replaces $ROOT, $FOLDER, $HOME, $OUTSIDE and $MARKER.
func (w *WS) Subst(s string) string {
	return strings.NewReplacer("$ROOT", w.Root, "$FOLDER", w.Folder, "$HOME", w.Home,
		"$OUTSIDE", w.Outside, "$MARKER", w.Marker).Replace(s)
}

// MarkerProgram writes an executable at path that creates the marker file
// (recording its arguments) and fails: if the doctor ever runs it, the test
// sees the marker.
func (w *WS) MarkerProgram(path string) string {
	w.t.Helper()
	path = w.Subst(path)
	must(w.t, os.MkdirAll(filepath.Dir(path), 0o755))
	script := fmt.Sprintf("#!/bin/sh\necho \"$0 $*\" >> %q\nexit 1\n", w.Marker)
	must(w.t, os.WriteFile(path, []byte(script), 0o755))
	return path
}

// AssertNothingRan fails when the marker file exists.
func (w *WS) AssertNothingRan() {
	w.t.Helper()
	if b, err := os.ReadFile(w.Marker); err == nil {
		w.t.Errorf("a program the workspace chose was run: %s", b)
	}
}

// Setenv adds variables to the environment of every process started later.
func (w *WS) Setenv(kv ...string) { w.extraEnv = append(w.extraEnv, kv...) }

// Env is the environment processes run with: nothing from the machine but a
// PATH holding the real go command, so the machine's own settings and GOENV
// file cannot leak in.
func (w *WS) Env() []string {
	goDir := filepath.Join(runtime.GOROOT(), "bin")
	env := []string{
		"HOME=" + w.Home,
		"PATH=" + goDir + ":/usr/local/bin:/usr/bin:/bin",
		"GOPATH=" + filepath.Join(w.Root, "gopath"),
		"GOCACHE=" + filepath.Join(w.Root, "gocache"),
		"GOTOOLCHAIN=local",
	}
	return append(env, w.extraEnv...)
}

// Result is one CLI run.
type Result struct {
	Stdout, Stderr string
	Code           int
	Elapsed        time.Duration
	// MaxRSSKiB is the peak memory of the process and the processes it
	// started (go env), sampled every few milliseconds while it runs: a run
	// that exhausts memory is seen, one that ends before the first sample
	// may show 0. (rusage is no use: a child forked from the test process
	// starts with the test's own peak.)
	MaxRSSKiB int64
}

// Output is stdout and stderr together, for searching.
func (r Result) Output() string { return r.Stdout + "\n" + r.Stderr }

// cliTimeout bounds every CLI run: each attack that once hung must finish
// well within it.
const cliTimeout = 30 * time.Second

// CLI runs goproxy-doctor with args (in which $FOLDER etc. are substituted)
// from the workspace folder, under the memory limit, with stdin closed. The
// test fails when it does not finish within cliTimeout.
func (w *WS) CLI(args ...string) Result {
	w.t.Helper()
	return w.CLIStart(args...).Wait()
}

// Running is a CLI run in progress.
type Running struct {
	w         *WS
	args      []string
	cmd       *exec.Cmd
	ctx       context.Context
	cancel    context.CancelFunc
	out, errb bytes.Buffer
	start     time.Time
	exited    chan struct{}
	peak      atomic.Int64 // KiB
	sampled   chan struct{}
}

// CLIStart starts goproxy-doctor as CLI does, without waiting for it.
func (w *WS) CLIStart(args ...string) *Running {
	w.t.Helper()
	for i := range args {
		args[i] = w.Subst(args[i])
	}
	r := &Running{w: w, args: args}
	r.ctx, r.cancel = context.WithTimeout(context.Background(), cliTimeout)
	// sh execs the binary, so the process is goproxy-doctor itself.
	cmd := exec.CommandContext(r.ctx, "/bin/sh", append([]string{"-c",
		fmt.Sprintf(`ulimit -v %d; exec "$0" "$@"`, memLimitKiB), bin}, args...)...)
	cmd.Dir = w.Folder
	cmd.Env = w.Env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout, cmd.Stderr = &r.out, &r.errb
	r.cmd = cmd
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		r.cancel()
		w.t.Fatal(err)
	}
	r.exited, r.sampled = make(chan struct{}), make(chan struct{})
	go r.samplePeak()
	w.t.Cleanup(func() {
		r.cancel()
		if cmd.ProcessState == nil { // never waited for: end its group
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
			close(r.exited)
		}
	})
	return r
}

// samplePeak records the peak memory of the process and every process it
// started (go env runs in a session of its own, so the tree, not the
// process group): the largest of the process's VmHWM and the tree's summed
// VmRSS over the samples.
func (r *Running) samplePeak() {
	defer close(r.sampled)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if n := treeKiB(r.cmd.Process.Pid); n > r.peak.Load() {
			r.peak.Store(n)
		}
		select {
		case <-r.exited:
			return
		case <-tick.C:
		}
	}
}

// treeKiB is max(VmHWM of root, summed VmRSS of root and its descendants).
func treeKiB(root int) int64 {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		if i := strings.LastIndexByte(string(b), ')'); i > 0 {
			if f := strings.Fields(string(b[i+1:])); len(f) > 1 {
				parent[pid], _ = strconv.Atoi(f[1])
			}
		}
	}
	inTree := func(pid int) bool {
		for i := 0; pid > 1 && i < 64; i++ {
			if pid == root {
				return true
			}
			pid = parent[pid]
		}
		return false
	}
	var sum int64
	peak := procStatusKiB(root, "VmHWM")
	for pid := range parent {
		if inTree(pid) {
			sum += procStatusKiB(pid, "VmRSS")
		}
	}
	return max(peak, sum)
}

// procStatusKiB reads a kB field of /proc/<pid>/status (0 when gone).
func procStatusKiB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// Signal sends sig to the process.
func (r *Running) Signal(sig syscall.Signal) {
	r.w.t.Helper()
	must(r.w.t, syscall.Kill(r.cmd.Process.Pid, sig))
}

// Wait waits for the run, failing the test when it does not finish within
// cliTimeout of its start.
func (r *Running) Wait() Result {
	r.w.t.Helper()
	defer r.cancel()
	err := r.cmd.Wait()
	close(r.exited)
	<-r.sampled
	res := Result{Stdout: r.out.String(), Stderr: r.errb.String(), Elapsed: time.Since(r.start), MaxRSSKiB: r.peak.Load()}
	if r.ctx.Err() != nil {
		r.w.t.Fatalf("goproxy-doctor %s did not finish within %s\nstderr:\n%s", strings.Join(r.args, " "), cliTimeout, res.Stderr)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		r.w.t.Fatal(err)
	}
	return res
}

// FileState is what Tree records of one path.
type FileState struct {
	Type fs.FileMode
	Perm fs.FileMode
	Hash string // content hash of a regular file; link target of a symlink
}

// Tree records every path below Root (without following symlinks), skipping
// the go command's caches.
func (w *WS) Tree() map[string]FileState {
	w.t.Helper()
	out := map[string]FileState{}
	skip := map[string]bool{filepath.Join(w.Root, "gocache"): true, filepath.Join(w.Root, "gopath"): true,
		filepath.Join(w.Home, ".config", "go", "telemetry"): true, filepath.Join(w.Home, ".cache"): true}
	filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if skip[p] {
			return filepath.SkipDir
		}
		info, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		st := FileState{Type: info.Mode().Type(), Perm: info.Mode().Perm()}
		switch {
		case info.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			h := sha256.Sum256(b)
			st.Hash = hex.EncodeToString(h[:])
		case info.Mode()&fs.ModeSymlink != 0:
			st.Hash, _ = os.Readlink(p)
		}
		out[p] = st
		return nil
	})
	return out
}

// Changed lists the paths created, removed or altered since before.
func (w *WS) Changed(before map[string]FileState) []string {
	after := w.Tree()
	var changed []string
	for p, st := range after {
		if b, ok := before[p]; !ok || b != st {
			changed = append(changed, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return changed
}

// AssertOnlyChanged fails when anything but the allowed paths ($-substituted)
// was created, removed or altered since before.
func (w *WS) AssertOnlyChanged(before map[string]FileState, allowed ...string) {
	w.t.Helper()
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[filepath.Clean(w.Subst(a))] = true
	}
	for _, p := range w.Changed(before) {
		if !ok[p] {
			w.t.Errorf("written outside the allowed set: %s", p)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
