package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
)

// maxFixRounds bounds check --fix: each round applies the preferred fixes
// that do not interfere, then the folder is diagnosed again.
const maxFixRounds = 10

// fixFolder is check --fix: it applies the preferred fixes to the files,
// diagnosing again after each round until none is left, and prints a
// "fixed: file:line code: title" line per fixed finding to out.
func fixFolder(ctx context.Context, folder string, settings []string, out, stderr io.Writer, environ []string) int {
	for round := 0; round < maxFixRounds; round++ {
		dir, snap, consumers, code := loadFolder(ctx, "check", folder, settings, stderr, environ)
		if code != exitOK {
			return code
		}
		findings := engine.Diagnose(snap, consumers)
		chosen := rules.FixAll(findings, snap.Content)
		if len(chosen) == 0 {
			return exitOK
		}
		edits := map[string][]rules.Edit{}
		for _, c := range chosen {
			if c.Duplicate {
				continue
			}
			for _, e := range c.Fix.Edits {
				edits[e.File] = append(edits[e.File], e)
			}
		}
		files := make([]string, 0, len(edits))
		for f := range edits {
			files = append(files, f)
		}
		sort.Strings(files)
		for _, file := range files {
			if err := applyToFile(file, snap.Content(file), edits[file]); err != nil {
				fmt.Fprintf(stderr, "goproxy-doctor check --fix: %v\n", err)
				return exitUsage
			}
		}
		ms := report.NewMappers(snap)
		for _, c := range chosen {
			where := "environment"
			if c.Finding.File != "" {
				where = fmt.Sprintf("%s:%d", report.Rel(dir, c.Finding.File), ms.Range(c.Finding.File, c.Finding.Span).Start.Line+1)
			}
			fmt.Fprintf(out, "fixed: %s %s: %s\n", where, c.Finding.Code, c.Fix.Title)
		}
	}
	fmt.Fprintf(stderr, "goproxy-doctor check --fix: stopped after %d rounds with fixes left\n", maxFixRounds)
	return exitOK
}

// applyToFile applies edits made against seen (the content the diagnosis
// read) and writes the result atomically. A file that changed on disk since
// is left alone: the edits were not made for it.
func applyToFile(file string, seen []byte, edits []rules.Edit) error {
	var next []byte
	create := len(edits) == 1 && edits[0].Create
	if create {
		next = []byte(edits[0].NewText)
	} else {
		cur, err := safeio.ReadFile(file, safeio.MaxFile)
		if err != nil {
			return err
		}
		if !bytes.Equal(cur, seen) {
			return fmt.Errorf("%s changed while it was being checked; run again", file)
		}
		te := make([]fix.TextEdit, 0, len(edits))
		for _, e := range edits {
			if e.Create {
				return fmt.Errorf("%s: a fix creates the file another fix edits", file)
			}
			te = append(te, fix.TextEdit{Span: e.Span, NewText: e.NewText})
		}
		if next, err = fix.Apply(cur, te); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	return writeAtomic(file, next, create)
}

// writeAtomic replaces a file's content through a temporary file in the same
// directory and a rename, so that a reader sees the old file or the new one,
// never half of it. The file keeps its mode; a symbolic link keeps pointing
// at the file it names, which is the one written. create refuses to replace
// an existing file.
func writeAtomic(path string, data []byte, create bool) error {
	mode := fs.FileMode(0o644)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		if create {
			return fmt.Errorf("%s: the fix creates this file, but it exists", path)
		}
		path = real
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		mode = st.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) || !create {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
