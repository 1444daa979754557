package safeio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// DirLimits bound ReadDirFiles.
type DirLimits struct {
	// Entries is how many directory entries are looked at.
	Entries int
	// File bounds each file, Total all of them together.
	File, Total int64
}

// DirFile is one file ReadDirFiles read.
type DirFile struct {
	Path string
	Data []byte
}

// DirSkips says what ReadDirFiles left out of a directory; the zero value
// means nothing.
type DirSkips struct {
	// NotRegular counts entries that are not (links to) regular files:
	// devices, pipes, sockets, directories.
	NotRegular int
	// TooLarge counts files over DirLimits.File.
	TooLarge int
	// Truncated is set when the entry or byte budget ran out first.
	Truncated bool
}

// Any reports whether something was left out.
func (s DirSkips) Any() bool { return s.NotRegular > 0 || s.TooLarge > 0 || s.Truncated }

func (s DirSkips) String() string {
	var out string
	add := func(f string, a ...any) {
		if out != "" {
			out += "; "
		}
		out += fmt.Sprintf(f, a...)
	}
	if s.NotRegular > 0 {
		add("%d entries that are not regular files", s.NotRegular)
	}
	if s.TooLarge > 0 {
		add("%d files too large", s.TooLarge)
	}
	if s.Truncated {
		add("stopped at the entry or size limit")
	}
	return out
}

// ReadDirFiles reads the regular files of a directory (symlinks followed,
// not recursing) in name order, through safeio's checks, within lim: a
// directory of devices (/dev) or of a million files costs a bounded amount
// of time and memory. A path that is not a directory is an error.
func ReadDirFiles(dir string, lim DirLimits) ([]DirFile, DirSkips, error) {
	var skips DirSkips
	st, err := os.Stat(dir)
	if err != nil {
		return nil, skips, err
	}
	if !st.IsDir() {
		return nil, skips, &SkipError{Path: dir, Reason: NotRegular, Mode: st.Mode()}
	}
	f, err := openNonBlocking(dir)
	if err != nil {
		return nil, skips, err
	}
	names, err := f.Readdirnames(lim.Entries + 1)
	f.Close()
	if err != nil && len(names) == 0 {
		return nil, skips, nil // empty directory (io.EOF) or unreadable
	}
	if len(names) > lim.Entries {
		names, skips.Truncated = names[:lim.Entries], true
	}
	sort.Strings(names)
	var out []DirFile
	budget := lim.Total
	for _, name := range names {
		if budget <= 0 {
			skips.Truncated = true
			break
		}
		p := filepath.Join(dir, name)
		data, err := ReadFile(p, min(lim.File, budget))
		var se *SkipError
		switch {
		case errors.As(err, &se) && se.Reason == TooLarge && se.Limit < lim.File:
			skips.Truncated = true
			continue
		case errors.As(err, &se) && se.Reason == TooLarge:
			skips.TooLarge++
			continue
		case errors.As(err, &se):
			skips.NotRegular++
			continue
		case err != nil:
			continue // vanished or unreadable, as crypto/x509 ignores it
		}
		budget -= int64(len(data))
		out = append(out, DirFile{Path: p, Data: data})
	}
	return out, skips, nil
}

// DirNames lists at most max names of a directory, sorted, without reading
// any file: for callers that pick files by name and read them through
// ReadFile themselves. truncated is set when the directory has more. A
// path that is not a directory is an error; a missing one too.
func DirNames(dir string, max int) (names []string, truncated bool, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, false, err
	}
	if !st.IsDir() {
		return nil, false, &SkipError{Path: dir, Reason: NotRegular, Mode: st.Mode()}
	}
	f, err := openNonBlocking(dir)
	if err != nil {
		return nil, false, err
	}
	names, err = f.Readdirnames(max + 1)
	f.Close()
	if err != nil && len(names) == 0 {
		return nil, false, nil
	}
	if len(names) > max {
		names, truncated = names[:max], true
	}
	sort.Strings(names)
	return names, truncated, nil
}
