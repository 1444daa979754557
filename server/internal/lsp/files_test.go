package lsp

import (
	"os"
	"path/filepath"
	"slices"
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

// The go.mod files of a folder are those on disk and the open buffers of
// go.mod files that count: the reader serves a buffer before the disk.
func TestViewModFilesAddsOpenBuffers(t *testing.T) {
	disk := []string{"/ws/a/go.mod", "/ws/go.mod"}
	v := view{docs: map[string]*document{}}
	for _, p := range []string{"/ws/b/go.mod", "/ws/a/go.mod", "/ws/vendor/x/go.mod", "/ws/.vscode/settings.json", "/other/go.mod", "/ws/testdata/go.mod"} {
		v.docs[p] = &document{path: p}
	}
	got := v.modFiles("/ws", disk)
	want := []string{"/ws/a/go.mod", "/ws/b/go.mod", "/ws/go.mod"}
	if !slices.Equal(got, want) {
		t.Errorf("modFiles = %q; want %q", got, want)
	}
	if !slices.Equal(disk, []string{"/ws/a/go.mod", "/ws/go.mod"}) {
		t.Errorf("the disk list was modified: %q", disk)
	}
}
