package session

import (
	"os"
	"path/filepath"
	"testing"
)

// A stat per diagnosis notices changes, creation and removal, with or
// without an event; an unchanged file is not read again.
func TestDiskCacheRevalidates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings.json")
	c := newDiskCache()
	if _, err := c.read(path); err == nil {
		t.Fatal("missing file read without error")
	}
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := c.read(path); err != nil || string(b) != "{}" {
		t.Fatalf("created file = %q, %v", b, err)
	}
	if err := os.WriteFile(path, []byte(`{"http.proxy": ""}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := c.read(path); string(b) != `{"http.proxy": ""}` {
		t.Errorf("changed file = %q", b)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := c.read(path); err == nil {
		t.Errorf("removed file still read")
	}
}
