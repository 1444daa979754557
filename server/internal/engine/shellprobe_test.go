package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestProbeLoginShell(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash is required: %v", err)
	}
	home := t.TempDir()
	// A profile that exports a proxy and prints noise, as real rc files do.
	profile := "echo 'welcome to the shell'\nexport GOPROXY=https://shell.example.com,direct\n"
	if err := os.WriteFile(filepath.Join(home, ".bash_profile"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": home, "SHELL": bash, "PATH": os.Getenv("PATH"), "KEEP": "a\nb"}
	got, err := ProbeLoginShell(context.Background(), env, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got["GOPROXY"] != "https://shell.example.com,direct" {
		t.Errorf("GOPROXY = %q", got["GOPROXY"])
	}
	if got["KEEP"] != "a\nb" {
		t.Errorf("a value with a newline was not kept: %q", got["KEEP"])
	}
	if _, ok := got["SHLVL"]; ok {
		t.Errorf("shell bookkeeping leaked: %v", got["SHLVL"])
	}
}

func TestProbeLoginShellTimeout(t *testing.T) {
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".bash_profile"), []byte("read -r _ </dev/zero; exec sleep 30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bash, _ := exec.LookPath("bash")
	start := time.Now()
	_, err := ProbeLoginShell(context.Background(), map[string]string{"HOME": home, "SHELL": bash, "PATH": os.Getenv("PATH")}, 300*time.Millisecond)
	if err == nil {
		t.Fatal("a hanging profile did not fail the probe")
	}
	if !strings.Contains(err.Error(), "did not finish within") {
		t.Errorf("error = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("probe took %s despite its 300ms timeout", d)
	}
}

func TestProbeLoginShellNoShell(t *testing.T) {
	if _, err := ProbeLoginShell(context.Background(), map[string]string{}, time.Second); err == nil {
		t.Fatal("no error without $SHELL")
	}
}

// A profile that leaves a background job holding the shell's stdout: the
// probe still returns (the wait delay after the shell exits), with the
// environment, and the job is killed with the shell's process group.
func TestProbeLoginShellLingeringChild(t *testing.T) {
	home := t.TempDir()
	pids := filepath.Join(home, "pids")
	profile := "sleep 300 &\necho $! >> " + pids + "\nexport GOPROXY=https://shell.example.com\n"
	if err := os.WriteFile(filepath.Join(home, ".bash_profile"), []byte(profile), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, pid := range childPIDs(t, pids) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	bash, _ := exec.LookPath("bash")
	type out struct {
		env map[string]string
		err error
	}
	done := make(chan out, 1)
	start := time.Now()
	go func() {
		env, err := ProbeLoginShell(context.Background(), map[string]string{"HOME": home, "SHELL": bash, "PATH": os.Getenv("PATH")}, 20*time.Second)
		done <- out{env, err}
	}()
	select {
	case o := <-done:
		if o.err != nil || o.env["GOPROXY"] != "https://shell.example.com" {
			t.Fatalf("probe: %v, GOPROXY %q", o.err, o.env["GOPROXY"])
		}
		t.Logf("returned after %s", time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("the probe waited for the profile's background job")
	}
	for _, pid := range childPIDs(t, pids) {
		if !gone(pid) {
			t.Errorf("the profile's background job %d still runs", pid)
		}
	}
}

// fakeShell writes a $SHELL that records the environment it was started
// with in seen, lets a profile line run, then runs the probe's own command
// (its -c argument) with /bin/sh, printing the environment as the probe expects.
func fakeShell(t *testing.T, profile string) (shell, seen string) {
	t.Helper()
	dir := t.TempDir()
	shell, seen = filepath.Join(dir, "fakesh"), filepath.Join(dir, "seen")
	script := "#!/bin/sh\nenv > '" + seen + "'\n" + profile + "\nexec /bin/sh -c \"$2\"\n"
	if err := os.WriteFile(shell, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return shell, seen
}

// The variables vscode-go pinned into the editor's environment are not
// passed to the login shell when vscode-go was active: a profile that keeps
// an inherited GOPROXY (or sets none) must not echo the editor's stale one.
func TestShellProbeEnvDropsVSCodeGoPins(t *testing.T) {
	shell, seen := fakeShell(t, `export GOPROXY="${GOPROXY:-https://shell.example.com,direct}"`)
	captured := map[string]string{
		"SHELL": shell, "PATH": os.Getenv("PATH"), "HOME": t.TempDir(),
		"GOPROXY": "https://stale.example.com,direct", "GOMODCACHE": "/stale/mod", "GOPATH": "/stale", "GOBIN": "/stale/bin",
		"GOPRIVATE": "corp.example.com", "GONOSUMDB": "corp.example.com",
	}
	for _, tc := range []struct {
		active    bool
		wantProxy string
	}{
		{true, "https://shell.example.com,direct"},
		// Without vscode-go nothing was pinned: an inherited GOPROXY is
		// what a terminal inherits too.
		{false, "https://stale.example.com,direct"},
	} {
		got, err := ProbeLoginShell(context.Background(), ShellProbeEnv(captured, tc.active), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got["GOPROXY"] != tc.wantProxy {
			t.Errorf("vscodeGoActive=%v: terminal GOPROXY = %q, want %q", tc.active, got["GOPROXY"], tc.wantProxy)
		}
		given, err := os.ReadFile(seen)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(given), "\n")
		for _, k := range []string{"GOPROXY", "GOMODCACHE", "GOPATH", "GOBIN"} {
			passed := slices.Contains(lines, k+"="+captured[k])
			if passed == tc.active {
				t.Errorf("vscodeGoActive=%v: %s passed to the shell: %v", tc.active, k, passed)
			}
		}
		// What vscode-go does not pin is the user's own and is passed on.
		for _, k := range []string{"GOPRIVATE", "GONOSUMDB", "HOME"} {
			if !slices.Contains(lines, k+"="+captured[k]) {
				t.Errorf("vscodeGoActive=%v: %s not passed to the shell", tc.active, k)
			}
		}
	}
	if captured["GOPROXY"] != "https://stale.example.com,direct" {
		t.Error("ShellProbeEnv changed the captured environment")
	}
}
