package lsp

// Diagnostics run off the request path. Handlers only record which paths
// changed and wake the diagnoser; its single goroutine takes a view of the
// open buffers, reloads the folders that read a changed path, runs the rules
// and publishes what differs from what the client already has (changes that
// outpace it are debounced and diagnosed together). Once the inputs have been
// quiet for a while, the go env oracle confirms the snapshot in the
// background; when the go command corrects the model, the rules run again and
// the difference is published.

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

// diagnosticSource is every diagnostic's source (SPEC §2).
const diagnosticSource = "go-proxy"

// oracleQuiet is how many debounce periods the inputs must stay unchanged
// before go env confirms a snapshot.
const oracleQuiet = 4

// diagnoser owns diagnosis and publication for one connection.
type diagnoser struct {
	s      *server
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{} // capacity 1: "something changed"
	oracle chan oracleOutcome
	// republish asks the loop to publish again (new verify results).
	republish chan struct{}

	mu        sync.Mutex // guards dirty, dirtyAll and modEvents
	dirty     map[string]bool
	dirtyAll  bool
	modEvents map[string]bool // go.mod path → created (true) or deleted
	// goBinaries is the go command each folder's last diagnosis found (loop only).
	goBinaries map[string]string

	resMu   sync.Mutex // guards results (read by commands) and verified
	results map[string]*folderResult
	// verified holds each folder's latest verify findings, with the
	// snapshot they were placed in.
	verified map[string]*folderResult

	// Owned by the run loop.
	gen          uint64
	view         view // the view of the latest run: its document versions go with its results
	published    map[string]publishedFile
	oracleCancel context.CancelFunc
	watching     string              // key of the registered watcher set
	modFiles     map[string][]string // folder → its go.mod files, kept current from file events
	watcher      *watchRegistrar
}

// folderResult is one folder's snapshot and what the rules found in it.
// It is immutable once stored.
type folderResult struct {
	modified uint64 // the modification count it is up to date with
	folder   folder
	snap     *sources.Snapshot
	files    *fileSet // what the snapshot read, with contents
	mods     []string // the folder's go.mod files
	findings []rules.Finding
	policy   *writepolicy.Policy // where code actions may write
	// offers are fixes a Verify run offers without a diagnostic (the
	// ranked GOPROXY), placed like findings; only verified results hold them.
	offers []rules.Finding
}

type publishedFile struct {
	uri  uri.URI
	key  []byte // version + encoded diagnostics, to skip identical republishes
	none bool   // an empty list was published
}

type oracleOutcome struct {
	gen     uint64
	results []*folderResult
}

func newDiagnoser(s *server) *diagnoser {
	ctx, cancel := context.WithCancel(s.ctx)
	d := &diagnoser{
		s: s, ctx: ctx, cancel: cancel,
		wake:       make(chan struct{}, 1),
		oracle:     make(chan oracleOutcome),
		republish:  make(chan struct{}, 1),
		verified:   map[string]*folderResult{},
		dirty:      map[string]bool{},
		modEvents:  map[string]bool{},
		modFiles:   map[string][]string{},
		goBinaries: map[string]string{},
		results:    map[string]*folderResult{},
		published:  map[string]publishedFile{},
	}
	d.watcher = newWatchRegistrar(s)
	s.background(d.loop)
	return d
}

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

// stop ends diagnosis (shutdown): nothing is published afterwards.
func (d *diagnoser) stop() { d.cancel() }

func (d *diagnoser) takeDirty() (paths map[string]bool, all bool, modEvents map[string]bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	paths, all, modEvents = d.dirty, d.dirtyAll, d.modEvents
	d.dirty, d.dirtyAll, d.modEvents = map[string]bool{}, false, map[string]bool{}
	return paths, all, modEvents
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
		case <-d.ctx.Done():
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
	paths, all, modEvents := d.takeDirty()
	v := d.s.view()
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
	results := make(map[string]*folderResult, len(v.folders))
	modFiles := make(map[string][]string, len(v.folders))
	for _, f := range v.folders {
		disk, modsChanged := d.folderModFiles(f, modEvents)
		modFiles[f.path] = disk
		mods := v.modFiles(f.path, disk)
		if r := old[f.path]; r != nil && !all && !modsChanged && slices.Equal(r.mods, mods) && !r.files.readAny(paths) {
			// None of the changes reach this folder: still up to date.
			c := *r
			c.modified = v.modified
			results[f.path] = &c
			continue
		}
		results[f.path] = diagnoseFolder(f, v, reads, mods)
	}
	d.modFiles = modFiles
	d.resMu.Lock()
	d.results = results
	d.resMu.Unlock()
	d.s.log.Debug("diagnosed", "gen", d.gen, "changed", len(paths), "all", all, "took", time.Since(start))
	for _, r := range results {
		if prev, seen := d.goBinaries[r.folder.path]; !seen || prev != r.snap.GoBinary {
			// Once per change of the go command: without one, go.env's
			// defaults (GOPROXY, GOSUMDB, GOTOOLCHAIN) are unknown.
			d.goBinaries[r.folder.path] = r.snap.GoBinary
			if r.snap.GoBinary == "" {
				d.s.log.Warn("no go command on the PATH of the captured environment: go.env defaults are unknown", "folder", r.folder.path, "PATH", r.snap.ProcessEnv["PATH"])
			} else {
				d.s.log.Info("go command", "folder", r.folder.path, "go", r.snap.GoBinary, "GOROOT", r.snap.DefaultGOROOT)
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
func (d *diagnoser) folderModFiles(f folder, events map[string]bool) (mods []string, changed bool) {
	mods, ok := d.modFiles[f.path]
	if !ok {
		mods = engine.FindModFiles(f.path)
		if mods == nil {
			mods = []string{}
		}
	}
	for path, created := range events {
		if !sources.ModFileIncluded(f.path, path) {
			continue
		}
		i, found := slices.BinarySearch(mods, path)
		switch {
		case created && !found:
			mods = slices.Insert(slices.Clone(mods), i, path)
			changed = true
		case !created && found:
			mods = slices.Delete(slices.Clone(mods), i, i+1)
			changed = true
		}
	}
	return mods, changed
}

// diagnoseFolder loads, resolves and diagnoses one folder. mods lists its
// go.mod files on disk (nil: walk the folder to find them); the open go.mod
// buffers that count are added (view.modFiles).
func diagnoseFolder(f folder, v view, reads *readCache, mods []string) *folderResult {
	if mods == nil {
		if mods = engine.FindModFiles(f.path); mods == nil {
			mods = []string{}
		}
	}
	mods = v.modFiles(f.path, mods)
	cs := v.cs
	files := reads.fileSet()
	snap := engine.Load(engine.Config{
		Folder:        f.path,
		WorkspaceFile: cs.WorkspaceFile,
		UserSettings:  cs.UserSettingsPath,
		ProcessEnv:    cs.ProcessEnv,
		TerminalEnv:   cs.TerminalEnv,
		Options: sources.Options{
			OSFlavour:      cs.OSFlavour,
			Trusted:        cs.Trusted,
			VSCodeGoActive: cs.VSCodeGoActive,
		},
		ModFiles: mods,
	}, files.read)
	consumers := engine.Resolve(snap)
	return &folderResult{modified: v.modified, folder: f, snap: snap, files: files, mods: mods, findings: engine.Diagnose(snap, consumers),
		policy: writepolicy.New(snap, consumers)}
}

// startOracle confirms every folder's model with go env in the background.
// It is cancelled by the next run; its cache makes unchanged environments free.
func (d *diagnoser) startOracle(results map[string]*folderResult) {
	ctx, cancel := context.WithCancel(d.ctx)
	d.oracleCancel = cancel
	gen := d.gen
	list := slices.Collect(maps.Values(results))
	// Wait for the inputs to stay unchanged a while (the next run cancels
	// this one): a distinct environment per keystroke must not start a go
	// process per keystroke.
	delay := oracleQuiet * d.s.opts.Debounce
	d.s.background(func() {
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
		var out []*folderResult
		for _, r := range list {
			consumers := engine.Resolve(r.snap)
			dis, err := d.s.opts.Oracle.Confirm(ctx, r.snap, consumers)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				d.s.log.Debug("go env", "folder", r.folder.path, "err", err)
			}
			if len(dis) == 0 {
				continue
			}
			d.s.log.Info("go env corrected the model", "folder", r.folder.path, "values", len(dis))
			c := *r
			c.findings = engine.Diagnose(r.snap, consumers)
			c.policy = writepolicy.New(r.snap, consumers)
			out = append(out, &c)
		}
		if len(out) == 0 {
			return
		}
		select {
		case d.oracle <- oracleOutcome{gen: gen, results: out}:
		case <-ctx.Done():
		}
	})
}

// applyOracle replaces the results the oracle corrected, unless a newer run
// has superseded them, and publishes the difference.
func (d *diagnoser) applyOracle(out oracleOutcome) {
	if out.gen != d.gen {
		return
	}
	d.resMu.Lock()
	for _, r := range out.results {
		if cur := d.results[r.folder.path]; cur != nil && cur.snap == r.snap {
			d.results[r.folder.path] = r
		}
	}
	d.resMu.Unlock()
	d.publish(d.view)
}

// result returns the latest result for a folder (nil before the first run).
func (d *diagnoser) result(path string) *folderResult {
	d.resMu.Lock()
	defer d.resMu.Unlock()
	return d.results[path]
}

// publish sends the diagnostics of every file that differ from what was
// last published, and an empty list for files that no longer have any.
func (d *diagnoser) publish(v view) {
	d.resMu.Lock()
	results := slices.Collect(maps.Values(d.results))
	d.resMu.Unlock()
	slices.SortFunc(results, func(a, b *folderResult) int {
		switch {
		case a.folder.path < b.folder.path:
			return -1
		case a.folder.path > b.folder.path:
			return 1
		}
		return 0
	})

	byFile := map[string][]protocol.Diagnostic{}
	seen := map[string]int{} // file + code + range + message → index in byFile[file]
	var order []string
	for _, r := range results {
		for _, fd := range append(r.diagnostics(), d.verifyDiagnostics(r)...) {
			if _, ok := byFile[fd.path]; !ok {
				order = append(order, fd.path)
				byFile[fd.path] = []protocol.Diagnostic{}
			}
			key := fd.key()
			if i, ok := seen[key]; ok {
				mergeConsumers(&byFile[fd.path][i], fd.consumers)
				continue
			}
			seen[key] = len(byFile[fd.path])
			byFile[fd.path] = append(byFile[fd.path], fd.toProtocol(v))
		}
	}

	for _, path := range order {
		d.send(v, path, byFile[path])
	}
	for path, p := range d.published {
		if _, ok := byFile[path]; ok {
			continue
		}
		_, open := v.docs[path]
		switch {
		case !p.none:
			d.send(v, path, []protocol.Diagnostic{})
		case !open:
			delete(d.published, path) // cleared, and closed since
		}
	}
}

// send publishes one file's diagnostics unless the client already has them.
func (d *diagnoser) send(v view, path string, diags []protocol.Diagnostic) {
	params := &protocol.PublishDiagnosticsParams{URI: uri.File(path), Diagnostics: diags}
	if p, ok := d.published[path]; ok {
		params.URI = p.uri
	}
	if doc, ok := v.docs[path]; ok {
		params.URI = doc.uri
		params.Version = protocol.NewOptional(doc.version)
	}
	enc, err := protocol.Marshal(params)
	if err != nil {
		d.s.log.Error("encoding diagnostics", "file", path, "err", err)
		return
	}
	if p, ok := d.published[path]; ok && bytes.Equal(p.key, enc) {
		return
	}
	if d.ctx.Err() != nil {
		return
	}
	if err := d.s.client.PublishDiagnostics(d.ctx, params); err != nil {
		d.s.log.Warn("publishDiagnostics", "file", path, "err", err)
		return
	}
	if len(diags) == 0 && params.Version.IsZero() {
		// Cleared for good: forget the file so it is not cleared again.
		delete(d.published, path)
		return
	}
	d.published[path] = publishedFile{uri: params.URI, key: enc, none: len(diags) == 0}
}

// fileDiagnostic is a finding placed in a file, before merging across folders.
type fileDiagnostic struct {
	path      string
	rng       protocol.Range
	finding   rules.Finding
	related   []protocol.DiagnosticRelatedInformation
	consumers []string
}

func (fd fileDiagnostic) key() string {
	b, _ := json.Marshal([]any{fd.path, fd.finding.Code, fd.rng, fd.finding.Message})
	return string(b)
}

func (fd fileDiagnostic) toProtocol(v view) protocol.Diagnostic {
	diag := protocol.Diagnostic{
		Range:    fd.rng,
		Severity: protocol.DiagnosticSeverity(fd.finding.Severity),
		Code:     protocol.String(fd.finding.Code),
		Source:   protocol.NewOptional(diagnosticSource),
		Message:  protocol.String(fd.finding.Message),
	}
	for _, rel := range fd.related {
		if doc, ok := v.docs[uriPath(rel.Location.URI)]; ok {
			rel.Location.URI = doc.uri // the spelling the client opened it with
		}
		diag.RelatedInformation = append(diag.RelatedInformation, rel)
	}
	setConsumers(&diag, fd.consumers)
	return diag
}

// diagnosticData is Diagnostic.data: the consumers a finding affects.
type diagnosticData struct {
	Consumers []string `json:"consumers"`
}

func setConsumers(diag *protocol.Diagnostic, consumers []string) {
	if consumers == nil {
		consumers = []string{}
	}
	b, _ := json.Marshal(diagnosticData{Consumers: consumers})
	diag.Data = protocol.LSPAny(b)
}

func mergeConsumers(diag *protocol.Diagnostic, more []string) {
	var data diagnosticData
	_ = json.Unmarshal(diag.Data, &data)
	for _, c := range more {
		if !slices.Contains(data.Consumers, c) {
			data.Consumers = append(data.Consumers, c)
		}
	}
	setConsumers(diag, data.Consumers)
}

// diagnostics places the findings in files: byte spans become LSP ranges
// over the content the snapshot read. Findings about the process environment
// (no file) go on the module line of the folder's go.mod, or nowhere.
func (r *folderResult) diagnostics() []fileDiagnostic {
	mappers := map[string]*position.Mapper{}
	mapper := func(path string) *position.Mapper {
		m, ok := mappers[path]
		if !ok {
			m = position.NewMapper(r.files.content(path))
			mappers[path] = m
		}
		return m
	}
	out := make([]fileDiagnostic, 0, len(r.findings))
	for _, f := range r.findings {
		path, span := normPath(f.File), f.Span
		if f.File == "" {
			var ok bool
			if path, span, ok = r.moduleLine(); !ok {
				continue
			}
		}
		fd := fileDiagnostic{
			path:      path,
			rng:       protocolRange(mapper(path).Range(span.Start, span.End)),
			finding:   f,
			consumers: f.Consumers,
		}
		for _, rel := range f.Related {
			rp := normPath(rel.File)
			if rp == "" {
				continue
			}
			fd.related = append(fd.related, protocol.DiagnosticRelatedInformation{
				Location: protocol.Location{URI: uri.File(rp), Range: protocolRange(mapper(rp).Range(rel.Span.Start, rel.Span.End))},
				Message:  rel.Message,
			})
		}
		out = append(out, fd)
	}
	return out
}

// moduleLine locates the module directive of the folder's go.mod.
func (r *folderResult) moduleLine() (string, sources.Span, bool) {
	gm := r.snap.GoMod
	if gm == nil || gm.Err != nil || gm.ModuleSpan == (sources.Span{}) {
		return "", sources.Span{}, false
	}
	return normPath(gm.Path), gm.ModuleSpan, true
}
