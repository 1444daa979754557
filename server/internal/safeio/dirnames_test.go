package safeio

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// DirNames lists names only, sorted and bounded, reads no file, and
// refuses what is not a directory (a FIFO is not opened).
func TestDirNames(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"c.sh", "a.sh", "b.txt", "d.sh"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names, truncated, err := DirNames(dir, 10)
	if err != nil || truncated || strings.Join(names, " ") != "a.sh b.txt c.sh d.sh" {
		t.Errorf("DirNames = %q, %v, %v", names, truncated, err)
	}
	names, truncated, err = DirNames(dir, 2)
	if err != nil || !truncated || len(names) != 2 {
		t.Errorf("bounded DirNames = %q, %v, %v; want 2 names, truncated", names, truncated, err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	if _, _, err := DirNames(fifo, 10); !IsSkipped(err) {
		t.Errorf("DirNames(fifo) = %v, want a skip error", err)
	}
	if _, _, err := DirNames(filepath.Join(dir, "missing"), 10); err == nil || IsSkipped(err) {
		t.Errorf("DirNames(missing) = %v, want a not-exist error", err)
	}
}
