package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/test/rawlsp"
)

// buildBinary builds the real goproxy-doctor once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "goproxy-doctor")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestServeSpawnedBinary runs the real binary as an editor would, with the
// --stdio flag vscode-languageclient appends, through a full lifecycle.
func TestServeSpawnedBinary(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{{"serve"}, {"--stdio"}, {"serve", "--stdio"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			cmd.Env = cleanEnv(t, "GOENV=off")
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			c := rawlsp.New(stdout, stdin)
			dir := t.TempDir()
			resp, err := c.Call(1, "initialize", map[string]any{
				"processId": os.Getpid(), "rootUri": "file://" + dir, "capabilities": map[string]any{},
			})
			if err != nil {
				t.Fatalf("initialize: %v\nstderr: %s", err, stderr.String())
			}
			result, _ := resp["result"].(map[string]any)
			if result == nil || result["capabilities"] == nil {
				t.Fatalf("initialize response: %v\nstderr: %s", resp, stderr.String())
			}
			info, _ := result["serverInfo"].(map[string]any)
			if info == nil || info["name"] != "goproxy-doctor" {
				t.Errorf("serverInfo = %v", result["serverInfo"])
			}
			if err := c.Notify("initialized", map[string]any{}); err != nil {
				t.Fatal(err)
			}
			resp, err = c.Call(2, "no/suchMethod", map[string]any{})
			if e, _ := resp["error"].(map[string]any); err != nil || e == nil || e["code"] != float64(-32601) {
				t.Errorf("unknown method: %v %v", resp, err)
			}
			if resp, err := c.Call(3, "shutdown", nil); err != nil || resp["error"] != nil {
				t.Errorf("shutdown: %v %v", resp, err)
			}
			if err := c.Notify("exit", nil); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("server exited with %v; stderr:\n%s", err, stderr.String())
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("server did not exit after exit; stderr:\n%s", stderr.String())
			}
		})
	}
}
