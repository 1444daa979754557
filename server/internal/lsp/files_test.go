package lsp

import (
	"os"
	"path/filepath"
	"testing"
)

// With the client's file watchers, a cached file is not read again until an
// event invalidates it: a keystroke elsewhere costs no disk I/O.
func TestDiskCacheTrustsWatchers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "goenv")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("GOPROXY=off\n")
	c := newDiskCache()
	if b, _ := c.read(path, true); string(b) != "GOPROXY=off\n" {
		t.Fatalf("first read = %q", b)
	}
	write("GOPROXY=direct\n")
	if b, _ := c.read(path, true); string(b) != "GOPROXY=off\n" {
		t.Errorf("read without an event = %q, want the cached content", b)
	}
	c.invalidate(path)
	if b, _ := c.read(path, true); string(b) != "GOPROXY=direct\n" {
		t.Errorf("read after the event = %q", b)
	}
}

// Without watchers, a stat per diagnosis notices changes, creation and removal.
func TestDiskCacheRevalidatesWithoutWatchers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	c := newDiskCache()
	if _, err := c.read(path, false); err == nil {
		t.Fatal("missing file read without error")
	}
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := c.read(path, false); err != nil || string(b) != "{}" {
		t.Fatalf("created file = %q, %v", b, err)
	}
	if err := os.WriteFile(path, []byte(`{"http.proxy": ""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := c.read(path, false); string(b) != `{"http.proxy": ""}` {
		t.Errorf("changed file = %q", b)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := c.read(path, false); err == nil {
		t.Errorf("removed file still read")
	}
}
