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
	"slices"
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

// maxFixRounds bounds check --fix: each round applies the preferred fixes
// that do not interfere, then the folder is diagnosed again.
const maxFixRounds = 10

// fixOptions are check --fix's own flags.
type fixOptions struct {
	scope  findings.Scope // which files it may write (--fix-scope)
	dryRun bool           // print the diffs, write nothing (--dry-run)
	// trusted is --trust-workspace: go env may run with the workspace's layers.
	trusted bool
}

// fixFolder is check --fix: it applies the preferred fixes to the files the
// scope allows, diagnosing again after each round until none is left, and
// prints a line per file written ("fixed FILE: KEY CODE: TITLE"). With
// dryRun the rounds run on an in-memory copy of the files and the diffs are
// printed instead. Every write goes through the write policy (SPEC §5a).
func fixFolder(ctx context.Context, folder string, settings []string, out, stderr io.Writer, environ []string, opts fixOptions) int {
	w := &fixWriter{opts: opts, stderr: stderr, pending: map[string][]byte{}, before: map[string][]byte{}, refused: map[string]bool{}}
	verb := "fixed"
	if opts.dryRun {
		verb = "would fix"
	}
	skipped := map[string]bool{}
	var dir string
	done := false
	for round := 0; round < maxFixRounds && !done; round++ {
		var read engine.Reader
		if len(w.pending) > 0 {
			read = w.read
		}
		d, res, code := loadFolderWith(ctx, "check", folder, settings, opts.trusted, stderr, environ, read)
		if code != exitOK {
			return code
		}
		dir = d
		snap := res.Snapshot
		w.policy = res.Policy
		fs := w.inScope(res.Findings, func(f findings.Finding, fx findings.Fix) {
			line := fmt.Sprintf("skipped %s %s: %s (it writes %s; use --fix-scope %s)", where(dir, snap, f), f.Code, fx.Title, report.Rel(dir, widest(fx)), fx.Scope)
			if !skipped[line] {
				skipped[line] = true
				fmt.Fprintln(out, line)
			}
		})
		chosen := fixplan.FixAll(fs, snap.Content)
		if len(chosen) == 0 {
			done = true
			break
		}
		applied, err := w.apply(snap, chosen)
		if err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor check --fix: %v\n", err)
			return exitUsage
		}
		if len(applied) == 0 {
			done = true // every fix left was refused
			break
		}
		for _, l := range fixedLines(dir, snap, applied) {
			fmt.Fprintf(out, "%s %s\n", verb, l)
		}
	}
	if !done {
		fmt.Fprintf(stderr, "goproxy-doctor check --fix: stopped after %d rounds with fixes left\n", maxFixRounds)
	}
	if opts.dryRun {
		files := make([]string, 0, len(w.pending))
		for f := range w.pending {
			files = append(files, f)
		}
		sort.Strings(files)
		for _, f := range files {
			a, b := report.Rel(dir, f), report.Rel(dir, f)
			if !filepath.IsAbs(a) {
				a, b = "a/"+a, "b/"+b
			}
			fmt.Fprint(out, fix.Unified(a, b, w.before[f], w.pending[f]))
		}
	}
	return exitOK
}

// fixWriter applies rounds of fixes, to disk or (dry run) to memory.
type fixWriter struct {
	opts    fixOptions
	stderr  io.Writer
	policy  *writepolicy.Policy
	pending map[string][]byte // dry run: each file's content after the rounds so far
	before  map[string][]byte // dry run: each file's content on disk (nil: absent)
	refused map[string]bool   // files the policy refused: fixes touching them are not picked again
}

// read is the dry run's reader: the rounds so far, then the disk.
func (w *fixWriter) read(path string) ([]byte, error) {
	if b, ok := w.pending[path]; ok {
		return b, nil
	}
	return engine.DiskReader(path)
}

// inScope keeps, of each finding, the fix check --fix applies at the
// chosen scope: its preferred fix, or the one preferred once the scope
// includes the user-level files it writes. A fix outside the scope is
// reported through skip; one touching a refused file is dropped.
func (w *fixWriter) inScope(fs []findings.Finding, skip func(findings.Finding, findings.Fix)) []findings.Finding {
	var out []findings.Finding
	for _, f := range fs {
		var pick *findings.Fix
		for i := range f.Fixes {
			if fx := &f.Fixes[i]; fx.Preferred || fx.PreferredWider {
				pick = fx
				break
			}
		}
		if pick == nil || w.touchesRefused(*pick) {
			continue
		}
		if pick.Scope > w.opts.scope {
			skip(f, *pick)
			continue
		}
		fx := *pick
		fx.Preferred = true
		f.Fixes = []findings.Fix{fx}
		out = append(out, f)
	}
	return out
}

func (w *fixWriter) touchesRefused(fx findings.Fix) bool {
	for _, e := range fx.Edits {
		if w.refused[e.File] {
			return true
		}
	}
	return false
}

// apply writes the chosen fixes. A file the policy refuses is reported on
// stderr and every fix touching it is left out (and not picked again).
// It returns the fixes applied.
func (w *fixWriter) apply(snap *sources.Snapshot, chosen []fixplan.Chosen) ([]fixplan.Chosen, error) {
	for {
		edits := map[string][]findings.Edit{}
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
		next := map[string][]byte{}
		refusedNow := false
		for _, file := range files {
			data, err := w.prepare(file, snap.Content(file), edits[file])
			if errors.Is(err, writepolicy.ErrRefused) {
				fmt.Fprintf(w.stderr, "goproxy-doctor check --fix: not written: %v\n", err)
				w.refused[file] = true
				refusedNow = true
				continue
			}
			if err != nil {
				return nil, err
			}
			next[file] = data
		}
		if refusedNow {
			kept := chosen[:0]
			for _, c := range chosen {
				if !w.touchesRefused(c.Fix) {
					kept = append(kept, c)
				}
			}
			chosen = kept
			continue // the surviving fixes' files are prepared again
		}
		for _, file := range files {
			create := len(edits[file]) == 1 && edits[file][0].Create
			if w.opts.dryRun {
				if _, ok := w.before[file]; !ok {
					if create {
						w.before[file] = nil
					} else {
						w.before[file] = snap.Content(file)
					}
				}
				w.pending[file] = next[file]
				continue
			}
			if err := writeAtomic(file, next[file], create); err != nil {
				return nil, err
			}
		}
		return chosen, nil
	}
}

// prepare checks a file against the write policy and the disk and returns
// its content with the edits (made against seen, the content the diagnosis
// read) applied. A file that changed on disk since is left alone.
func (w *fixWriter) prepare(file string, seen []byte, edits []findings.Edit) ([]byte, error) {
	create := len(edits) == 1 && edits[0].Create
	if _, pending := w.pending[file]; pending {
		create = false // the dry run created it in an earlier round
	} else {
		t, err := w.policy.Check(file, create)
		if err != nil {
			return nil, err
		}
		if t.Scope > w.opts.scope {
			return nil, fmt.Errorf("%w to write %s: it leads to %s, outside --fix-scope %s", writepolicy.ErrRefused, file, t.Where, w.opts.scope)
		}
		if !create {
			cur, err := safeio.ReadFile(file, safeio.MaxFile)
			if err != nil {
				return nil, fmt.Errorf("%w to write %s: %v", writepolicy.ErrRefused, file, err)
			}
			if !bytes.Equal(cur, seen) {
				return nil, fmt.Errorf("%s changed while it was being checked; run again", file)
			}
			if err := writepolicy.CheckContent(t, file, cur); err != nil {
				return nil, err
			}
		}
	}
	if create {
		return []byte(edits[0].NewText), nil
	}
	te := make([]fix.TextEdit, 0, len(edits))
	for _, e := range edits {
		if e.Create {
			return nil, fmt.Errorf("%s: a fix creates the file another fix edits", file)
		}
		te = append(te, fix.TextEdit{Span: e.Span, NewText: e.NewText})
	}
	next, err := fix.Apply(seen, te)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return next, nil
}

// fixedLines says, per file each applied fix wrote, which setting of which
// finding it fixed: "FILE: KEY CODE: TITLE". Findings fixed by the same
// edits (duplicates) share the line of the first: "KEY CODE1, CODE2: TITLE".
func fixedLines(dir string, snap *sources.Snapshot, applied []fixplan.Chosen) []string {
	var lines []string
	byEdits := map[string][]int{} // the edits of a fix → its lines
	codes := map[int][]string{}
	for _, c := range applied {
		key := c.Fix.Key()
		if idx, ok := byEdits[key]; ok {
			for _, i := range idx {
				if !slices.Contains(codes[i], c.Finding.Code) {
					codes[i] = append(codes[i], c.Finding.Code)
				}
			}
			continue
		}
		for _, file := range filesOf(c.Fix) {
			head := report.Rel(dir, file) + ":"
			if k := fixplan.KeyAt(snap, file, c.Fix); k != "" {
				head += " " + k
			}
			byEdits[key] = append(byEdits[key], len(lines))
			codes[len(lines)] = []string{c.Finding.Code}
			lines = append(lines, head+"\x00"+c.Fix.Title)
		}
	}
	for i, l := range lines {
		head, title, _ := strings.Cut(l, "\x00")
		lines[i] = head + " " + strings.Join(codes[i], ", ") + ": " + title
	}
	return lines
}

func filesOf(fx findings.Fix) []string {
	var out []string
	for _, e := range fx.Edits {
		if len(out) == 0 || out[len(out)-1] != e.File {
			found := false
			for _, f := range out {
				found = found || f == e.File
			}
			if !found {
				out = append(out, e.File)
			}
		}
	}
	return out
}

// widest is the file of a fix's edits that reaches furthest (for messages).
func widest(fx findings.Fix) string {
	files := filesOf(fx)
	if len(files) == 0 {
		return ""
	}
	return files[len(files)-1]
}

// where locates a finding for a message: file:line, or "environment".
func where(dir string, snap *sources.Snapshot, f findings.Finding) string {
	if f.File == "" {
		return "environment"
	}
	return fmt.Sprintf("%s:%d", report.Rel(dir, f.File), report.NewMappers(snap).Range(f.File, f.Span).Start.Line+1)
}

// writeAtomic replaces a file's content through a temporary file in the same
// directory and a rename, so that a reader sees the old file or the new one,
// never half of it. The file keeps its mode; a symbolic link keeps pointing
// at the file it names, which is the one written (the write policy has
// checked where it leads). create makes a new file and never replaces one;
// no directory is ever created.
func writeAtomic(path string, data []byte, create bool) error {
	if create {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(real)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", path)
	}
	mode := st.Mode().Perm()
	dir := filepath.Dir(real)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(real)+".*.tmp")
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
	if err := os.Chmod(tmp.Name(), mode&fs.ModePerm); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), real)
}
