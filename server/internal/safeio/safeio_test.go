package safeio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "settings.json")
	os.WriteFile(regular, []byte(`{"a": 1}`), 0o644)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 2048), 0o644)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", link)
	linkOK := filepath.Join(dir, "link")
	os.Symlink(regular, linkOK)

	got, err := ReadFile(regular, 1024)
	if err != nil || string(got) != `{"a": 1}` {
		t.Fatalf("regular: %q %v", got, err)
	}
	if got, err := ReadFile(linkOK, 1024); err != nil || string(got) != `{"a": 1}` {
		t.Fatalf("symlink to regular: %q %v", got, err)
	}
	for _, c := range []struct {
		path   string
		reason Reason
		text   string
	}{
		{big, TooLarge, "larger than 1 KiB"},
		{fifo, NotRegular, "a named pipe"},
		{link, NotRegular, "a character device"},
		{"/dev/stdin", NotRegular, "not a regular file"},
		{dir, IsDir, "a directory where a file belongs"},
	} {
		done := make(chan struct{})
		var err error
		go func() { _, err = ReadFile(c.path, 1024); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: ReadFile blocked", c.path)
		}
		var se *SkipError
		if !errors.As(err, &se) || se.Reason != c.reason || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: err = %v, want %s (%q)", c.path, err, c.reason, c.text)
		}
		if !IsSkipped(err) {
			t.Errorf("%s: IsSkipped false", c.path)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 0); !errors.Is(err, fs.ErrNotExist) || IsSkipped(err) {
		t.Errorf("missing: %v", err)
	}
}

// The limit is inclusive: a file of exactly limit bytes is read.
func TestReadFileLimitBoundary(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, make([]byte, 100), 0o644)
	if _, err := ReadFile(p, 99); !IsSkipped(err) {
		t.Fatalf("err = %v", err)
	}
	if got, err := ReadFile(p, 100); err != nil || len(got) != 100 {
		t.Fatalf("at the limit: %d %v", len(got), err)
	}
}
