package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// An editor started from a desktop launcher (or code-server's login-shell
// resolution) can have a PATH without Go: the go command is then found where
// the installers put it, as vscode-go does, so go.env's defaults are known.
func TestGoBinaryFallsBackToInstallLocations(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	for _, p := range defaultGoLocations("linux", map[string]string{"HOME": t.TempDir()}) {
		if isExecutable(p, "linux") {
			want = p
			break
		}
	}
	if want == "" {
		t.Fatalf("this machine's go (%s) is in none of the default locations", goBin)
	}
	dir := t.TempDir()
	snap := Load(Config{
		Folder:     dir,
		ProcessEnv: map[string]string{"PATH": "/usr/sbin:/sbin", "HOME": dir, "GOENV": "off"},
		Options:    sources.Options{GOOS: "linux", Trusted: true},
		ModFiles:   []string{},
	}, nil)
	if snap.GoBinary != want {
		t.Errorf("GoBinary = %q, want %q", snap.GoBinary, want)
	}
	if snap.DefaultGOROOT == "" || !isExecutable(filepath.Join(snap.DefaultGOROOT, "bin", "go"), "linux") {
		t.Errorf("DefaultGOROOT = %q", snap.DefaultGOROOT)
	}
	// The modelled PATH still wins when it has a go.
	fake := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	snap = Load(Config{Folder: dir, ProcessEnv: map[string]string{"PATH": fake, "GOENV": "off"}, Options: sources.Options{GOOS: "linux"}, ModFiles: []string{}}, nil)
	if snap.GoBinary != filepath.Join(fake, "go") {
		t.Errorf("GoBinary = %q, want the one on PATH", snap.GoBinary)
	}
}
