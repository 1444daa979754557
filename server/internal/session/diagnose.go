package session

// Diagnostics run off the request path. Handlers only record which paths
// changed and wake the diagnoser; its single goroutine takes a view of the
// open buffers, reloads the folders that read a changed path, runs the rules
// and publishes what differs from what the client already has (changes that
// outpace it are debounced and diagnosed together). Each folder's diagnosis is
// one engine.Check that applies the corrections the go env oracle already
// knows; when some consumer's environment is new to it, the oracle runs go env
// in the background once the inputs have been quiet for a while, the folder is
// checked again with the answers and the difference is published. Later
// keystrokes find those answers in the oracle's cache, so a correction stays.

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// oracleQuiet is how many debounce periods the inputs must stay unchanged
// before go env confirms a snapshot.
const oracleQuiet = 4

// diagnoser owns diagnosis and publication for one session.
type diagnoser struct {
	s      *Session
	wake   chan struct{} // capacity 1: "something changed"
	oracle chan oracleOutcome
	// republish asks the loop to publish again (new verify results).
	republish chan struct{}

	mu        sync.Mutex // guards dirty, dirtyAll and modEvents
	dirty     map[string]bool
	dirtyAll  bool
	modEvents map[string]bool // go.mod path → created (true) or deleted
	// buildEvents: a Dockerfile, compose, dev container or CI file path →
	// created (true) or deleted.
	buildEvents map[string]bool
	// goBinaries is the go command each folder's last diagnosis found (loop only).
	goBinaries map[string]string

	resMu   sync.Mutex // guards results (read by commands) and verified
	results map[string]*FolderResult
	// verified holds each folder's latest verify findings, with the
	// snapshot they were placed in.
	verified map[string]*FolderResult

	// Owned by the run loop.
	gen          uint64
	view         View // the view of the latest run: its document versions go with its results
	published    map[string]publishedFile
	oracleCancel context.CancelFunc
	watching     string              // key of the watched file set
	modFiles     map[string][]string // folder → its go.mod files, kept current from file events
	buildFiles   map[string][]string // folder → its build files likewise
}

// FolderResult is one folder's engine.Result, with what the snapshot read.
// It is immutable once stored.
type FolderResult struct {
	modified uint64 // the modification count it is up to date with
	Folder   Folder
	Res      *engine.Result
	files    *fileSet // what the snapshot read, with contents
	mods     []string // the folder's go.mod files
	builds   []string // its Dockerfiles, compose, dev container and CI files
	// findings are Res.Findings, or a Verify run's findings for the
	// results SetVerified keeps.
	findings []findings.Finding
	// offers are fixes a Verify run offers without a diagnostic (the
	// ranked GOPROXY), placed like findings; only verified results hold them.
	offers []findings.Finding
}

// Findings are the folder's findings (a Verify run's, for the result
// Verified returns).
func (r *FolderResult) Findings() []findings.Finding { return r.findings }

// WithFixes is r with the fixes of its findings (code actions read them):
// a diagnosis publishes findings without fixes, which are built on first
// use. Not for the results Verified returns, whose findings are Verify's.
func (r *FolderResult) WithFixes() *FolderResult {
	c := *r
	c.findings = r.Res.WithFixes()
	return &c
}

// Content is a file's content as the result's snapshot read it (empty when
// unreadable).
func (r *FolderResult) Content(path string) []byte { return r.files.content(path) }

// DocVersion is the version of an open document whose buffer the snapshot
// read (false when it read the disk or did not read the path).
func (r *FolderResult) DocVersion(path string) (int32, bool) { return r.files.docVersion(path) }

type publishedFile struct {
	uri  string
	key  []byte // version + diagnostics, to skip identical republishes
	none bool   // an empty list was published
}

type oracleOutcome struct {
	gen     uint64
	results []*FolderResult
}

func newDiagnoser(s *Session) *diagnoser {
	d := &diagnoser{
		s:           s,
		wake:        make(chan struct{}, 1),
		oracle:      make(chan oracleOutcome),
		republish:   make(chan struct{}, 1),
		verified:    map[string]*FolderResult{},
		dirty:       map[string]bool{},
		modEvents:   map[string]bool{},
		buildEvents: map[string]bool{},
		modFiles:    map[string][]string{},
		goBinaries:  map[string]string{},
		results:     map[string]*FolderResult{},
		published:   map[string]publishedFile{},
	}
	s.opts.Go(d.loop)
	return d
}

func isGoMod(path string) bool { return filepath.Base(path) == "go.mod" }

// changed records that path may have changed and wakes the diagnoser.
func (d *diagnoser) changed(path string) {
	d.s.touch()
	d.mu.Lock()
	d.dirty[path] = true
	d.mu.Unlock()
	d.poke()
}

// modFileEvent records that a go.mod was created or deleted, which changes
// the list of nested modules of the folder holding it.
func (d *diagnoser) modFileEvent(path string, created bool) {
	d.s.touch()
	d.mu.Lock()
	d.modEvents[path] = created
	d.dirty[path] = true
	d.mu.Unlock()
	d.poke()
}

// buildFileEvent records that a build file was created or deleted, which
// changes the list of the folder's build files.
func (d *diagnoser) buildFileEvent(path string, created bool) {
	d.s.touch()
	d.mu.Lock()
	d.buildEvents[path] = created
	d.dirty[path] = true
	d.mu.Unlock()
	d.poke()
}

// changedAll invalidates every folder (client state or folders changed).
func (d *diagnoser) changedAll() {
	d.s.touch()
	d.mu.Lock()
	d.dirtyAll = true
	d.mu.Unlock()
	d.poke()
}

func (d *diagnoser) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *diagnoser) takeDirty() (paths map[string]bool, all bool, modEvents, buildEvents map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	paths, all, modEvents, buildEvents = d.dirty, d.dirtyAll, d.modEvents, d.buildEvents
	d.dirty, d.dirtyAll, d.modEvents, d.buildEvents = map[string]bool{}, false, map[string]bool{}, map[string]bool{}
	return paths, all, modEvents, buildEvents
}

// loop runs diagnoses one at a time. A change that finds the diagnoser idle
// is diagnosed at once (a keystroke is published in milliseconds); changes
// that arrive while a diagnosis runs mean edits are outpacing it, so they are
// left to settle for the debounce and then diagnosed together.
func (d *diagnoser) loop() {
	debounce := d.s.opts.Debounce
	var timer *time.Timer
	var settle <-chan time.Time // non-nil while changes are settling
	runAndSettle := func() {
		if !d.run() {
			return
		}
		if debounce <= 0 {
			d.poke()
			return
		}
		if timer == nil {
			timer = time.NewTimer(debounce)
		} else {
			timer.Reset(debounce)
		}
		settle = timer.C
	}
	for {
		select {
		case <-d.s.ctx.Done():
			if d.oracleCancel != nil {
				d.oracleCancel()
			}
			return
		case <-d.wake:
			if settle != nil {
				timer.Reset(debounce) // still changing: wait for quiet
				continue
			}
			runAndSettle()
		case <-settle:
			settle = nil
			runAndSettle()
		case out := <-d.oracle:
			d.applyOracle(out)
		case <-d.republish:
			d.publish(d.view)
		}
	}
}

// run diagnoses the folders that read a changed path and publishes. It
// reports whether more changes arrived before the results went out.
func (d *diagnoser) run() (outpaced bool) {
	start := time.Now()
	paths, all, modEvents, buildEvents := d.takeDirty()
	v := d.s.View()
	d.view = v
	d.gen++
	if d.oracleCancel != nil {
		d.oracleCancel()
		d.oracleCancel = nil
	}
	reads := d.s.newReadCache(v)
	d.resMu.Lock()
	old := d.results
	d.resMu.Unlock()
	results := make(map[string]*FolderResult, len(v.Folders))
	modFiles := make(map[string][]string, len(v.Folders))
	buildFiles := make(map[string][]string, len(v.Folders))
	for _, f := range v.Folders {
		disk, modsChanged := d.folderModFiles(f, modEvents)
		modFiles[f.Path] = disk
		mods := v.modFiles(f.Path, disk)
		buildDisk, buildsChanged := d.folderBuildFiles(f, buildEvents)
		buildFiles[f.Path] = buildDisk
		builds := v.buildFiles(f.Path, buildDisk)
		if r := old[f.Path]; r != nil && !all && !modsChanged && !buildsChanged && slices.Equal(r.mods, mods) && slices.Equal(r.builds, builds) && !r.files.readAny(paths) {
			// None of the changes reach this folder: still up to date.
			c := *r
			c.modified = v.Modified
			results[f.Path] = &c
			continue
		}
		results[f.Path] = d.s.diagnoseFolder(f, v, reads, mods, buildDisk)
	}
	d.modFiles = modFiles
	d.buildFiles = buildFiles
	d.resMu.Lock()
	d.results = results
	d.resMu.Unlock()
	d.s.log.Debug("diagnosed", "gen", d.gen, "changed", len(paths), "all", all, "took", time.Since(start))
	for _, r := range results {
		snap := r.Res.Snapshot
		if prev, seen := d.goBinaries[r.Folder.Path]; !seen || prev != snap.GoBinary {
			// Once per change of the go command: without one, go.env's
			// defaults (GOPROXY, GOSUMDB, GOTOOLCHAIN) are unknown.
			d.goBinaries[r.Folder.Path] = snap.GoBinary
			if snap.GoBinary == "" {
				d.s.log.Warn("no go command on the PATH of the captured environment: go.env defaults are unknown", "folder", r.Folder.Path, "PATH", snap.ProcessEnv["PATH"])
			} else {
				d.s.log.Info("go command", "folder", r.Folder.Path, "go", snap.GoBinary, "GOROOT", snap.DefaultGOROOT)
			}
		}
	}
	select {
	case <-d.wake:
		outpaced = true
	default:
	}
	d.publish(v)
	d.startOracle(results)
	d.updateWatchers(v, results)
	return outpaced
}

// folderModFiles returns the folder's go.mod files: found by a walk the
// first time, then kept current from created/deleted events.
func (d *diagnoser) folderModFiles(f Folder, events map[string]bool) (mods []string, changed bool) {
	return trackedFiles(f.Path, d.modFiles, engine.FindModFiles, sources.ModFileIncluded, events)
}

// folderBuildFiles returns the folder's build files on disk: found by a
// walk the first time, then kept current from created/deleted events.
func (d *diagnoser) folderBuildFiles(f Folder, events map[string]bool) (builds []string, changed bool) {
	return trackedFiles(f.Path, d.buildFiles, engine.FindBuildFiles, engine.BuildFileIncluded, events)
}

// trackedFiles is a folder's sorted list of files of one kind: known[folder]
// when a walk found it before, else find(folder), updated with the
// created (true) and deleted (false) paths of events that included accepts.
// The known list is never modified: a change returns a new one.
func trackedFiles(folder string, known map[string][]string, find func(string) []string, included func(folder, path string) bool, events map[string]bool) (files []string, changed bool) {
	files, ok := known[folder]
	if !ok {
		if files = find(folder); files == nil {
			files = []string{}
		}
	}
	for path, created := range events {
		if !included(folder, path) {
			continue
		}
		i, found := slices.BinarySearch(files, path)
		switch {
		case created && !found:
			files = slices.Insert(slices.Clone(files), i, path)
			changed = true
		case !created && found:
			files = slices.Delete(slices.Clone(files), i, i+1)
			changed = true
		}
	}
	return files, changed
}

// diagnoseFolder checks one folder (engine.Check), applying what the
// oracle already knows of go env's answers and running nothing. mods lists
// its go.mod files on disk (nil: walk the folder to find them); the open
// go.mod buffers that count are added (View.modFiles). builds likewise
// lists its build files (View.buildFiles).
func (s *Session) diagnoseFolder(f Folder, v View, reads *readCache, mods, builds []string) *FolderResult {
	if mods == nil {
		if mods = engine.FindModFiles(f.Path); mods == nil {
			mods = []string{}
		}
	}
	mods = v.modFiles(f.Path, mods)
	if builds == nil {
		if builds = engine.FindBuildFiles(f.Path); builds == nil {
			builds = []string{}
		}
	}
	builds = v.buildFiles(f.Path, builds)
	cs := v.CS
	files := reads.fileSet()
	res := engine.Check(s.ctx, engine.Config{
		Folder:        f.Path,
		WorkspaceFile: cs.WorkspaceFile,
		UserSettings:  cs.UserSettingsPath,
		ProcessEnv:    cs.ProcessEnv,
		TerminalEnv:   cs.TerminalEnv,
		Options: sources.Options{
			OSFlavour:      cs.OSFlavour,
			Trusted:        cs.Trusted,
			VSCodeGoActive: cs.VSCodeGoActive,
		},
		ModFiles:   mods,
		BuildFiles: builds,
		Platform:   &s.platform,
	}, files.read, engine.CheckOptions{Oracle: s.opts.Oracle, Confirm: engine.ConfirmCached, NoFixes: true})
	return FolderResult{modified: v.Modified, Folder: f, files: files, mods: mods, builds: builds}.with(res)
}

// with is r holding res.
func (r FolderResult) with(res *engine.Result) *FolderResult {
	r.Res, r.findings = res, res.Findings
	return &r
}

// startOracle has go env answer, in the background, for the consumers
// whose answer the oracle did not know when their folder was checked, and
// the folder checked again with them. It is cancelled by the next run.
func (d *diagnoser) startOracle(results map[string]*FolderResult) {
	var list []*FolderResult
	for _, r := range results {
		if r.Res.Pending {
			list = append(list, r)
		}
	}
	if len(list) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(d.s.ctx)
	d.oracleCancel = cancel
	gen := d.gen
	// Wait for the inputs to stay unchanged a while (the next run cancels
	// this one): a distinct environment per keystroke must not start a go
	// process per keystroke.
	delay := oracleQuiet * d.s.opts.Debounce
	d.s.opts.Go(func() {
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
		var out []*FolderResult
		for _, r := range list {
			res := r.Res.Confirm(ctx, d.s.opts.Oracle)
			if ctx.Err() != nil {
				return
			}
			if res.ConfirmErr != nil {
				d.s.log.Debug("go env", "folder", r.Folder.Path, "err", res.ConfirmErr)
			}
			if len(res.Disagreements) > 0 {
				d.s.log.Info("go env corrected the model", "folder", r.Folder.Path, "values", len(res.Disagreements))
			}
			out = append(out, r.with(res))
		}
		select {
		case d.oracle <- oracleOutcome{gen: gen, results: out}:
		case <-ctx.Done():
		}
	})
}

// applyOracle replaces the results the oracle confirmed, unless a newer run
// has superseded them, and publishes the difference.
func (d *diagnoser) applyOracle(out oracleOutcome) {
	if out.gen != d.gen {
		return
	}
	d.resMu.Lock()
	for _, r := range out.results {
		if cur := d.results[r.Folder.Path]; cur != nil && cur.Res.Snapshot == r.Res.Snapshot {
			d.results[r.Folder.Path] = r
		}
	}
	d.resMu.Unlock()
	d.publish(d.view)
}

// confirmed replaces the stored result r with c, the same snapshot with its
// values confirmed by go env (by a request that could not wait for the
// background), unless a newer diagnosis has superseded r, and publishes the
// difference.
func (d *diagnoser) confirmed(r, c *FolderResult) {
	d.resMu.Lock()
	cur := d.results[r.Folder.Path]
	stored := cur != nil && cur.Res == r.Res
	if stored {
		cc := *c
		cc.modified = cur.modified
		// A new map: the run loop reads the one it stored without the lock.
		results := maps.Clone(d.results)
		results[r.Folder.Path] = &cc
		d.results = results
	}
	d.resMu.Unlock()
	if stored {
		d.requestPublish()
	}
}

// requestPublish asks the loop to publish again.
func (d *diagnoser) requestPublish() {
	select {
	case d.republish <- struct{}{}:
	default:
	}
}

// result returns the latest result for a folder (nil before the first run).
func (d *diagnoser) result(path string) *FolderResult {
	d.resMu.Lock()
	defer d.resMu.Unlock()
	return d.results[path]
}

// FreshResult is the folder's latest result when no change has happened
// since view v was taken, else a diagnosis of the folder made now against v
// (a change may still be on its way to the diagnoser). Requests use it so
// they answer for the state the client sees.
func (s *Session) FreshResult(f Folder, v View) *FolderResult {
	r := s.d.result(f.Path)
	if r != nil && r.modified == v.Modified {
		return r
	}
	var mods, builds []string // nil: walk the folder
	if r != nil {
		mods, builds = r.mods, r.builds
	}
	return s.diagnoseFolder(f, v, s.newReadCache(v), mods, builds)
}

// ConfirmedResult is FreshResult with every consumer's values confirmed by
// go env: when the diagnosis could not apply go env's answers from the
// oracle's cache, go env runs now, and the confirmed result replaces the
// stored one (if it still is the latest) so that diagnostics show it too.
// It fails only when ctx ends.
func (s *Session) ConfirmedResult(ctx context.Context, f Folder, v View) (*FolderResult, error) {
	r := s.FreshResult(f, v)
	if !r.Res.Pending {
		return r, nil
	}
	res := r.Res.Confirm(ctx, s.opts.Oracle)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res.ConfirmErr != nil {
		s.log.Debug("go env", "folder", f.Path, "err", res.ConfirmErr)
	}
	c := r.with(res)
	s.d.confirmed(r, c)
	return c, nil
}
