package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
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
