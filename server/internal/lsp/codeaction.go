package lsp

// Code actions turn the fixes the rules attached to their findings into
// WorkspaceEdits: quick fixes for the diagnostics in range, and one
// source.fixAll for the document. The edits were computed on the contents
// the latest diagnosis read; the versions of open documents go with them, so
// an editor that has moved on rejects them instead of corrupting the file.
// The server never writes a file itself.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
)

// codeActionKinds are the kinds the server offers (and advertises).
var codeActionKinds = []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, protocol.CodeActionKindSourceFixAll}

// fixAllTitle is the title of the source.fixAll action.
const fixAllTitle = "Fix all Go proxy problems"

// editCapabilities is what the client can apply.
type editCapabilities struct {
	documentChanges bool // versioned TextDocumentEdits
	create          bool // CreateFile operations
}

func editCapabilitiesOf(c protocol.ClientCapabilities) editCapabilities {
	var out editCapabilities
	if w := c.Workspace; w != nil && w.WorkspaceEdit != nil {
		out.documentChanges = isTrue(w.WorkspaceEdit.DocumentChanges)
		out.create = out.documentChanges && slices.Contains(w.WorkspaceEdit.ResourceOperations, protocol.ResourceOperationKindCreate)
	}
	return out
}

// located is a diagnostic of the document a code action request is about.
type located struct {
	r       *folderResult
	fd      fileDiagnostic
	diag    protocol.Diagnostic // as the client has it when it sent it
	inRange bool
	offer   bool // a Verify offer: no diagnostic goes with it
}

func (s *server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	out := []protocol.CommandOrCodeAction{}
	path := uriPath(params.TextDocument.URI)
	if path == "" {
		return out, nil
	}
	only := params.Context.Only
	wantQuick := wanted(only, protocol.CodeActionKindQuickFix, true)
	wantAll := wanted(only, protocol.CodeActionKindSourceFixAll, false)
	if !wantQuick && !wantAll {
		return out, nil
	}
	v := s.view()
	docs := v.docs
	s.mu.Lock()
	caps := s.editCaps
	reload := s.cs.SupportsReloadWindow
	s.mu.Unlock()

	var here []located
	for _, f := range v.folders {
		// Fresh for the document as the client has it, even when its last
		// edit has not been diagnosed yet.
		r := s.freshResult(f, v).withFixes()
		// A Verify run's findings carry fixes too (the ranked GOPROXY).
		for _, fd := range append(r.diagnostics(), s.diag.verifyDiagnostics(r)...) {
			if fd.path != path {
				continue
			}
			l := located{r: r, fd: fd, diag: fd.toProtocol(view{docs: docs}), inRange: true}
			if d, ok := sentByClient(params.Context.Diagnostics, fd); ok {
				l.diag = d
			} else if len(params.Context.Diagnostics) > 0 || !overlaps(fd.rng, params.Range) {
				// Not asked about: it only counts for fix all.
				l.inRange = false
			}
			if l.inRange || wantAll {
				here = append(here, l)
			}
		}
		for _, fd := range s.diag.verifyOffers(r) {
			if fd.path == path && overlaps(fd.rng, params.Range) {
				here = append(here, located{r: r, fd: fd, inRange: true, offer: true})
			}
		}
	}

	if wantQuick {
		// One action per distinct edit, whichever diagnostics offer it; at
		// most one preferred: of the diagnostics' preferred fixes, the one
		// that repairs its own value in place, then the most severe.
		type offer struct {
			action  *protocol.CodeAction
			rank    int
			sev     rules.Severity
			prefers bool
		}
		var offers []*offer
		byKey := map[string]*offer{}
		for _, l := range here {
			if !l.inRange {
				continue
			}
			for _, fx := range l.fd.finding.Fixes {
				key := fixKeyOf(fx)
				if o, ok := byKey[key]; ok {
					if !l.offer {
						o.action.Diagnostics = append(o.action.Diagnostics, l.diag)
					}
					continue
				}
				edit, ok := workspaceEdit(l.r, docs, caps, fx.Edits)
				if !ok {
					continue
				}
				kind := protocol.CodeActionKindQuickFix
				o := &offer{action: &protocol.CodeAction{
					Title:       fx.Title,
					Kind:        &kind,
					Diagnostics: []protocol.Diagnostic{l.diag},
					Edit:        edit,
				}, sev: l.fd.finding.Severity, prefers: fx.Preferred}
				if l.offer {
					o.action.Diagnostics = nil
				}
				if fx.Preferred && rules.Repairs(l.fd.finding, fx, l.r.files.content(l.fd.finding.File)) {
					o.rank = 1
				}
				byKey[key] = o
				offers = append(offers, o)
			}
		}
		var best *offer
		for _, o := range offers {
			if o.prefers && (best == nil || o.rank > best.rank || o.rank == best.rank && o.sev < best.sev) {
				best = o
			}
		}
		for _, o := range offers {
			if o == best {
				preferred := true
				o.action.IsPreferred = &preferred
			}
			out = append(out, o.action)
		}
		if reload {
			if a := reloadWindowAction(here); a != nil {
				out = append(out, a)
			}
		}
	}
	if wantAll && len(here) > 0 {
		// Only fixes that stay in this document: fix all may run on save.
		var findings []rules.Finding
		diags := map[string]protocol.Diagnostic{}
		for _, l := range here {
			f := l.fd.finding
			f.Fixes = nil
			for _, fx := range l.fd.finding.Fixes {
				if fx.Preferred && onlyIn(fx, path) {
					f.Fixes = append(f.Fixes, fx)
				}
			}
			if len(f.Fixes) > 0 {
				findings = append(findings, f)
				diags[findingKey(f)] = l.fd.toProtocol(view{docs: docs})
			}
		}
		r := here[0].r
		chosen := rules.FixAll(findings, r.files.content)
		var edits []rules.Edit
		var fixed []protocol.Diagnostic
		for _, c := range chosen {
			fixed = append(fixed, diags[findingKey(c.Finding)])
			if !c.Duplicate {
				edits = append(edits, c.Fix.Edits...)
			}
		}
		if edit, ok := workspaceEdit(r, docs, caps, edits); ok && len(edits) > 0 {
			kind := protocol.CodeActionKindSourceFixAll
			out = append(out, &protocol.CodeAction{Title: fixAllTitle, Kind: &kind, Diagnostics: fixed, Edit: edit})
		}
	}
	return out, nil
}

// commandReloadWindow is the client's command (shared/contract.json
// clientCommands) that reloads the window: the server cannot restart the
// editor's processes, whose environment vscode-go pinned at activation.
const commandReloadWindow = "goProxy.reloadWindow"

// reloadWindowTitle is the title of the editor-env-stale code action.
const reloadWindowTitle = "Reload Window"

// reloadWindowAction is one "Reload Window" quick fix for the stale-editor
// diagnostics in range, or nil when there are none. Only offered to clients
// that said they run commandReloadWindow.
func reloadWindowAction(here []located) *protocol.CodeAction {
	var diags []protocol.Diagnostic
	for _, l := range here {
		if l.inRange && l.fd.finding.Code == rules.CodeEditorEnvStale {
			diags = append(diags, l.diag)
		}
	}
	if len(diags) == 0 {
		return nil
	}
	kind := protocol.CodeActionKindQuickFix
	return &protocol.CodeAction{
		Title:       reloadWindowTitle,
		Kind:        &kind,
		Diagnostics: diags,
		Command:     protocol.Command{Title: reloadWindowTitle, Command: commandReloadWindow},
	}
}

// wanted applies context.only, whose kinds are hierarchical ("source"
// includes "source.fixAll"). Without it, quick fixes are offered and source
// actions are not (clients ask for those explicitly).
func wanted(only []protocol.CodeActionKind, kind protocol.CodeActionKind, byDefault bool) bool {
	if len(only) == 0 {
		return byDefault
	}
	for _, k := range only {
		if k == kind || strings.HasPrefix(string(kind), string(k)+".") {
			return true
		}
	}
	return false
}

// sentByClient finds the client's copy of a diagnostic: same code and range.
func sentByClient(sent []protocol.Diagnostic, fd fileDiagnostic) (protocol.Diagnostic, bool) {
	for _, d := range sent {
		if code, ok := d.Code.(protocol.String); ok && string(code) == fd.finding.Code && d.Range == fd.rng {
			return d, true
		}
	}
	return protocol.Diagnostic{}, false
}

func overlaps(a, b protocol.Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

func before(a, b protocol.Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Character < b.Character
}

func onlyIn(fx rules.Fix, path string) bool {
	for _, e := range fx.Edits {
		if normPath(e.File) != path {
			return false
		}
	}
	return true
}

func findingKey(f rules.Finding) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%d:%d", f.Code, f.File, f.Message, f.Span.Start, f.Span.End)
}

func fixKeyOf(fx rules.Fix) string {
	var b strings.Builder
	for _, e := range fx.Edits {
		fmt.Fprintf(&b, "%s\x00%d:%d\x00%t\x00%s\x00", e.File, e.Span.Start, e.Span.End, e.Create, e.NewText)
	}
	return b.String()
}

// workspaceEdit turns edits computed on the result's contents into a
// WorkspaceEdit: versioned document changes (with CreateFile for a new file)
// when the client takes them, else plain changes. ok is false when the
// client cannot apply the edit: it creates a file and the client cannot, it
// touches an open document that has changed since the diagnosis, or the
// write policy refuses one of its files.
func workspaceEdit(r *folderResult, docs map[string]*document, caps editCapabilities, edits []rules.Edit) (*protocol.WorkspaceEdit, bool) {
	var order []string
	byFile := map[string][]rules.Edit{}
	for _, e := range edits {
		p := normPath(e.File)
		if _, ok := byFile[p]; !ok {
			order = append(order, p)
		}
		byFile[p] = append(byFile[p], e)
	}
	we := &protocol.WorkspaceEdit{}
	for _, p := range order {
		// The write policy, against the disk: no link out of the allowed
		// places, no device, no read-only file, no new directory.
		fe := byFile[p]
		if r.policy == nil {
			return nil, false
		}
		if _, err := r.policy.Check(p, len(fe) == 1 && fe[0].Create); err != nil {
			return nil, false
		}
	}
	for _, p := range order {
		u := uri.File(p)
		var version *int32
		if doc, ok := docs[p]; ok {
			v, read := r.files.docVersion(p)
			if !read || v != doc.version {
				return nil, false
			}
			u, version = doc.uri, &v
		}
		var tes []protocol.TextEdit
		if fe := byFile[p]; len(fe) == 1 && fe[0].Create {
			if !caps.create {
				return nil, false
			}
			no := false
			we.DocumentChanges = append(we.DocumentChanges, &protocol.CreateFile{
				ResourceOperation: protocol.ResourceOperation{Kind: "create"},
				Kind:              "create", URI: u,
				Options: &protocol.CreateFileOptions{Overwrite: &no, IgnoreIfExists: &no},
			})
			tes = []protocol.TextEdit{{NewText: fe[0].NewText}}
		} else {
			m := position.NewMapper(r.files.content(p))
			for _, e := range fe {
				if e.Create {
					return nil, false
				}
				tes = append(tes, protocol.TextEdit{Range: protocolRange(m.Range(e.Span.Start, e.Span.End)), NewText: e.NewText})
			}
		}
		if !caps.documentChanges {
			if we.Changes == nil {
				we.Changes = map[uri.URI][]protocol.TextEdit{}
			}
			we.Changes[u] = tes
			continue
		}
		elems := make([]protocol.TextDocumentEditElement, len(tes))
		for i := range tes {
			elems[i] = &tes[i]
		}
		we.DocumentChanges = append(we.DocumentChanges, &protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: version},
			Edits:        elems,
		})
	}
	return we, true
}

// docVersion is the version of an open document whose buffer the snapshot
// read (false when it read the disk or did not read the path).
func (f *fileSet) docVersion(path string) (int32, bool) {
	f.mu.Lock()
	read := f.paths[path]
	f.mu.Unlock()
	if !read {
		return 0, false
	}
	doc, ok := f.cache.docs[path]
	if !ok {
		return 0, false
	}
	return doc.version, true
}
