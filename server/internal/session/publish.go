package session

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Diagnostic is a finding placed in a file: its byte spans converted to
// positions over the content the snapshot read.
type Diagnostic struct {
	Path    string
	Range   position.Range
	Finding findings.Finding
	Related []Related
	// Consumers are the consumers the finding affects, merged over folders.
	Consumers []string
}

// Related is a related location of a diagnostic.
type Related struct {
	Path    string
	Range   position.Range
	Message string
}

// Key identifies a diagnostic within a file: code, range and message.
func (d Diagnostic) Key() string {
	b, _ := json.Marshal([]any{d.Path, d.Finding.Code, d.Range, d.Finding.Message})
	return string(b)
}

// publish sends the diagnostics of every file that differ from what was
// last published, and an empty list for files that no longer have any.
func (d *diagnoser) publish(v View) {
	d.resMu.Lock()
	results := slices.Collect(maps.Values(d.results))
	d.resMu.Unlock()
	slices.SortFunc(results, func(a, b *FolderResult) int {
		switch {
		case a.Folder.Path < b.Folder.Path:
			return -1
		case a.Folder.Path > b.Folder.Path:
			return 1
		}
		return 0
	})

	byFile := map[string][]Diagnostic{}
	seen := map[string]int{} // file + code + range + message → index in byFile[file]
	var order []string
	for _, r := range results {
		for _, fd := range append(r.Diagnostics(), d.s.VerifyDiagnostics(r)...) {
			if _, ok := byFile[fd.Path]; !ok {
				order = append(order, fd.Path)
				byFile[fd.Path] = []Diagnostic{}
			}
			key := fd.Key()
			if i, ok := seen[key]; ok {
				merged := &byFile[fd.Path][i]
				for _, c := range fd.Consumers {
					if !slices.Contains(merged.Consumers, c) {
						merged.Consumers = append(slices.Clip(merged.Consumers), c)
					}
				}
				continue
			}
			seen[key] = len(byFile[fd.Path])
			fd.Consumers = slices.Clone(fd.Consumers)
			if fd.Consumers == nil {
				fd.Consumers = []string{}
			}
			byFile[fd.Path] = append(byFile[fd.Path], fd)
		}
	}

	for _, path := range order {
		d.send(v, path, byFile[path])
	}
	for path, p := range d.published {
		if _, ok := byFile[path]; ok {
			continue
		}
		_, open := v.Docs[path]
		switch {
		case !p.none:
			d.send(v, path, []Diagnostic{})
		case !open:
			delete(d.published, path) // cleared, and closed since
		}
	}
	if d.s.ctx.Err() == nil {
		d.s.opts.Publisher.Published(d.s.ctx, v, results)
	}
}

// send publishes one file's diagnostics unless the client already has them.
func (d *diagnoser) send(v View, path string, diags []Diagnostic) {
	p := Publication{Path: path, Diagnostics: diags, Docs: v.Docs}
	if pf, ok := d.published[path]; ok {
		p.URI = pf.uri
	}
	if doc, ok := v.Docs[path]; ok {
		version := doc.version
		p.URI, p.Version = doc.uri, &version
	}
	key := p.key()
	if pf, ok := d.published[path]; ok && bytes.Equal(pf.key, key) {
		return
	}
	if d.s.ctx.Err() != nil {
		return
	}
	if err := d.s.opts.Publisher.Publish(d.s.ctx, p); err != nil {
		d.s.log.Warn("publishDiagnostics", "file", path, "err", err)
		return
	}
	if len(diags) == 0 && p.Version == nil {
		// Cleared for good: forget the file so it is not cleared again.
		delete(d.published, path)
		return
	}
	d.published[path] = publishedFile{uri: p.URI, key: key, none: len(diags) == 0}
}

// key is what the client sees of a publication: a republish with the same
// key would change nothing.
func (p Publication) key() []byte {
	type related struct {
		URI     string
		Range   position.Range
		Message string
	}
	type diag struct {
		Range     position.Range
		Severity  findings.Severity
		Code      string
		Message   string
		Related   []related
		Consumers []string
	}
	out := struct {
		URI     string
		Version *int32
		Diags   []diag
	}{URI: p.URI, Version: p.Version}
	for _, d := range p.Diagnostics {
		dg := diag{Range: d.Range, Severity: d.Finding.Severity, Code: d.Finding.Code, Message: d.Finding.Message, Consumers: d.Consumers}
		for _, r := range d.Related {
			u := ""
			if doc, ok := p.Docs[r.Path]; ok {
				u = doc.uri
			}
			dg.Related = append(dg.Related, related{URI: r.Path + "\x00" + u, Range: r.Range, Message: r.Message})
		}
		out.Diags = append(out.Diags, dg)
	}
	b, _ := json.Marshal(out)
	return b
}

// Diagnostics places the findings in files: byte spans become positions
// over the content the snapshot read. Findings about the process
// environment (no file) go on the module line of the folder's go.mod, or
// nowhere.
func (r *FolderResult) Diagnostics() []Diagnostic {
	mappers := map[string]*position.Mapper{}
	mapper := func(path string) *position.Mapper {
		m, ok := mappers[path]
		if !ok {
			m = r.mapper(path)
			mappers[path] = m
		}
		return m
	}
	out := make([]Diagnostic, 0, len(r.findings))
	for _, f := range r.findings {
		path, span := NormPath(f.File), f.Span
		if f.File == "" {
			var ok bool
			if path, span, ok = r.moduleLine(); !ok {
				continue
			}
		}
		fd := Diagnostic{
			Path:      path,
			Range:     mapper(path).Range(span.Start, span.End),
			Finding:   f,
			Consumers: f.Consumers,
		}
		for _, rel := range f.Related {
			rp := NormPath(rel.File)
			if rp == "" {
				continue
			}
			fd.Related = append(fd.Related, Related{Path: rp, Range: mapper(rp).Range(rel.Span.Start, rel.Span.End), Message: rel.Message})
		}
		out = append(out, fd)
	}
	return out
}

// mapper maps positions in the content the snapshot read at path, with the
// line index of its settings parse when it is a settings file (a large
// settings.json is not indexed again on each keystroke).
func (r *FolderResult) mapper(path string) *position.Mapper {
	content := r.files.content(path)
	snap := r.Res.Snapshot
	for _, st := range []*sources.Settings{snap.User, snap.Workspace, snap.FolderSettings} {
		if st != nil && len(st.Content) == len(content) && len(content) > 0 && &st.Content[0] == &content[0] {
			return position.NewMapperLines(content, st.Lines)
		}
	}
	return position.NewMapper(content)
}

// moduleLine locates the module directive of the folder's go.mod, where
// findings about the process environment are shown.
func (r *FolderResult) moduleLine() (string, sources.Span, bool) {
	pl, ok := findings.ModuleLine(r.Res.Snapshot)
	return NormPath(pl.File), pl.Span, ok
}

// Verified is the folder's latest Verify result (nil: none), as
// SetVerified stored it.
func (s *Session) Verified(folder string) *FolderResult {
	s.d.resMu.Lock()
	defer s.d.resMu.Unlock()
	return s.d.verified[folder]
}

// SetVerified replaces a folder's verify findings (the previous verify's
// are cleared) and republishes. They are kept with the snapshot they were
// placed in: publish drops those whose file has changed since.
func (s *Session) SetVerified(r *FolderResult, findings, offers []findings.Finding) {
	vr := *r
	vr.findings, vr.offers = findings, offers
	s.d.resMu.Lock()
	s.d.verified[r.Folder.Path] = &vr
	s.d.resMu.Unlock()
	s.d.requestPublish()
}

// VerifyDiagnostics are a folder's verify findings that still apply to the
// current content of their files.
func (s *Session) VerifyDiagnostics(cur *FolderResult) []Diagnostic {
	return s.verifyPlaced(cur, func(vr *FolderResult) []findings.Finding { return vr.findings })
}

// VerifyOffers are the fixes the last Verify run offers without a
// diagnostic, placed, while their files are unchanged.
func (s *Session) VerifyOffers(cur *FolderResult) []Diagnostic {
	return s.verifyPlaced(cur, func(vr *FolderResult) []findings.Finding { return vr.offers })
}

func (s *Session) verifyPlaced(cur *FolderResult, which func(*FolderResult) []findings.Finding) []Diagnostic {
	s.d.resMu.Lock()
	vr := s.d.verified[cur.Folder.Path]
	s.d.resMu.Unlock()
	if vr == nil {
		return nil
	}
	fresh := *vr
	fresh.findings, fresh.offers = nil, nil
	vsnap, csnap := vr.Res.Snapshot, cur.Res.Snapshot
	for _, f := range which(vr) {
		file := f.File
		if file == "" && vsnap.GoMod != nil {
			file = vsnap.GoMod.Path // placed on the module line
		}
		if file == "" || bytes.Equal(vsnap.Content(file), csnap.Content(file)) {
			fresh.findings = append(fresh.findings, f)
		}
	}
	return fresh.Diagnostics()
}
