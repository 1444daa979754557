package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// go env reads the GOENV file from disk: while an editor buffer holds
// unsaved changes to it, the oracle must not judge the snapshot by the disk
// (it would "correct" the buffer's value back to the saved one and cache it).
func TestOracleSkipsUnsavedGoEnvFile(t *testing.T) {
	dir := t.TempDir()
	// go env would otherwise start a telemetry child writing into dir.
	if err := os.MkdirAll(filepath.Join(dir, ".config", "go", "telemetry"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".config", "go", "telemetry", "mode"), []byte("off"), 0o644); err != nil {
		t.Fatal(err)
	}
	goenv := filepath.Join(dir, "env")
	if err := os.WriteFile(goenv, []byte("GOPROXY=https://saved.example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	buffer := []byte("GOPROXY=https://unsaved.example.com\n")
	read := func(p string) ([]byte, error) {
		if p == goenv {
			return buffer, nil
		}
		return DiskReader(p)
	}
	env := map[string]string{"HOME": dir, "GOENV": goenv, "PATH": os.Getenv("PATH")}
	snap := Load(Config{Folder: dir, ProcessEnv: env, Options: sources.Options{Trusted: true}, ModFiles: []string{}}, read)
	consumers := Resolve(snap)
	o := NewOracle()
	dis, err := o.Confirm(context.Background(), snap, consumers)
	if !errors.Is(err, ErrUnsaved) {
		t.Fatalf("Confirm error = %v, want ErrUnsaved", err)
	}
	// Only install, which drops GOENV and so never reads the buffer's file,
	// was confirmed.
	if len(dis) != 0 || o.Runs != 1 {
		t.Errorf("the oracle ran %d times (want 1: install) or corrected %v against an unsaved buffer", o.Runs, dis)
	}
	for _, c := range consumers {
		if c.Name == "terminal" && c.Vars["GOPROXY"].Value != "https://unsaved.example.com" {
			t.Errorf("terminal GOPROXY = %q, want the buffer's", c.Vars["GOPROXY"].Value)
		}
	}
	// Saved: the oracle runs and agrees.
	if err := os.WriteFile(goenv, buffer, 0o644); err != nil {
		t.Fatal(err)
	}
	if dis, err := o.Confirm(context.Background(), snap, consumers); err != nil || len(dis) != 0 {
		t.Errorf("after saving: %v, %v", dis, err)
	}
}
