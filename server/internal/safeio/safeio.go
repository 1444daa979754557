// Package safeio reads files that a repository may have planted: regular
// files only, opened without blocking, through a size limit. Everything the
// doctor reads from disk goes through here, so a FIFO, a device node, a
// directory or a symlink to /dev/zero is refused with a reason instead of
// hanging the engine or exhausting memory.
package safeio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxFile is the default limit for configuration files (settings, go.mod,
// GOENV, launch/tasks, netrc, certificates).
const MaxFile = 8 << 20

// Reason says why a file was skipped.
type Reason string

const (
	NotRegular Reason = "not a regular file"
	TooLarge   Reason = "too large"
	IsDir      Reason = "is a directory"
)

// SkipError is a file the doctor refused to read. It is not "does not
// exist": callers report it (a diagnostic or a CLI warning), never ignore it.
type SkipError struct {
	Path   string
	Reason Reason
	Limit  int64 // for TooLarge
	Mode   fs.FileMode
}

func (e *SkipError) Error() string { return e.Path + ": skipped: " + e.Why() }

// Why is the reason in words, without the path: "a named pipe, not a
// regular file", "larger than 8 MiB", "a directory where a file belongs".
func (e *SkipError) Why() string {
	switch e.Reason {
	case TooLarge:
		return "larger than " + HumanSize(e.Limit)
	case NotRegular:
		return DescribeMode(e.Mode) + ", not a regular file"
	case IsDir:
		return "a directory where a file belongs"
	}
	return string(e.Reason)
}

// IsSkipped reports whether err is a SkipError (as opposed to a missing or
// unreadable file).
func IsSkipped(err error) bool {
	var s *SkipError
	return errors.As(err, &s)
}

// ReadFile reads path when it is a regular file of at most limit bytes.
// Symlinks are followed (stat decides); the open never blocks on a FIFO and
// the opened file is checked again, so a file swapped between the stat and
// the open is refused too. The read itself stops at limit+1 bytes whatever
// the file claims its size is.
func ReadFile(path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxFile
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, st, limit); err != nil {
		return nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fst, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(path, fst, limit); err != nil {
		return nil, err
	}
	if !os.SameFile(st, fst) {
		return nil, &SkipError{Path: path, Reason: NotRegular, Mode: fst.Mode()}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &SkipError{Path: path, Reason: TooLarge, Limit: limit}
	}
	return data, nil
}

// Regular reports whether path is (through symlinks) a regular file.
func Regular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

func check(path string, st fs.FileInfo, limit int64) error {
	switch {
	case st.IsDir():
		return &SkipError{Path: path, Reason: IsDir, Mode: st.Mode()}
	case !st.Mode().IsRegular():
		return &SkipError{Path: path, Reason: NotRegular, Mode: st.Mode()}
	case st.Size() > limit:
		return &SkipError{Path: path, Reason: TooLarge, Limit: limit}
	}
	return nil
}

// DescribeMode names a file type the way messages do ("a named pipe").
func DescribeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return m.Type().String()
}

// HumanSize prints a byte count the way the messages do (8 MiB, 512 KiB).
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
