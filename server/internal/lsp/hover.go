package lsp

// Hover and inlay hints are transport only: the answer is package
// explain's, computed from the folder's cached engine result (no process
// runs per request) and the folder's last Verify result.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explain"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// intelligence is what hover and inlay hints know of the client.
type intelligence struct {
	// markdown: the client takes Markdown hovers (it lists markdown in
	// textDocument.hover.contentFormat).
	markdown bool
	// refresh: the client takes workspace/inlayHint/refresh.
	refresh bool
	// hinted is what the last hints depended on (owned by the session's
	// loop, which calls Published).
	hinted string
}

func newIntelligence(c protocol.ClientCapabilities) *intelligence {
	in := &intelligence{}
	if td := c.TextDocument; td != nil && td.Hover != nil {
		in.markdown = slices.Contains(td.Hover.ContentFormat, protocol.MarkupKindMarkdown)
	}
	if w := c.Workspace; w != nil && w.InlayHint != nil {
		in.refresh = isTrue(w.InlayHint.RefreshSupport)
	}
	return in
}

func (s *server) intelligence() *intelligence {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.intel == nil {
		return &intelligence{}
	}
	return s.intel
}

// refreshHints asks the client to ask for inlay hints again when what
// they show may have changed: the setting, or a value of some consumer
// (an edit of one file changes the hints of another).
func (s *server) refreshHints(results []*session.FolderResult) {
	in := s.intelligence()
	if !in.refresh {
		return
	}
	var b strings.Builder
	for _, r := range results {
		b.WriteString(r.Folder.Path + "\x00" + explain.HintsKey(r.Res) + "\x00")
	}
	key := b.String()
	if key == in.hinted {
		return
	}
	first := in.hinted == ""
	in.hinted = key
	if first {
		return // the client asks by itself for the first hints
	}
	s.background(func() {
		if err := s.client.InlayHintRefresh(s.ctx); err != nil {
			s.log.Debug("workspace/inlayHint/refresh", "err", err)
		}
	})
}

// lastMapper keeps the line index of the latest content hovered: a
// result's content is immutable, and hovers and hint requests over one
// file ask about the same bytes (a 5,000-line file costs a scan per index).
var lastMapper struct {
	sync.Mutex
	content []byte
	m       *position.Mapper
}

func mapperOf(content []byte) *position.Mapper {
	lastMapper.Lock()
	defer lastMapper.Unlock()
	if len(lastMapper.content) != len(content) || len(content) == 0 || &lastMapper.content[0] != &content[0] {
		lastMapper.content, lastMapper.m = content, position.NewMapper(content)
	}
	return lastMapper.m
}

// fileLink is a file URI to a line, which VS Code opens at that line.
func fileLink(file string, line int) string {
	u := string(uri.File(file))
	if line > 0 {
		u += fmt.Sprintf("#L%d", line)
	}
	return u
}

func (s *server) Hover(ctx context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	path := uriPath(params.TextDocument.URI)
	if path == "" {
		return nil, nil
	}
	md := s.intelligence().markdown
	v := s.sess.View()
	var parts []string
	var rng *protocol.Range
	for _, f := range v.Folders {
		r := s.freshResult(f, v)
		content := r.Content(path)
		if len(content) == 0 {
			continue
		}
		m := mapperOf(content)
		var verified *verify.Result
		if run, ok := s.sess.LastVerifyRun(f.Path); ok {
			verified = run.Result
		}
		a := explain.At(explain.Query{
			Res: r.Res, Verified: verified, File: path,
			Offset: m.Offset(lspPosition(params.Position)), Norm: session.NormPath,
		})
		if a == nil {
			continue
		}
		opts := explain.Options{Folder: f.Path}
		text := ""
		if md {
			opts.Link = fileLink
			text = a.Markdown(opts)
		} else {
			text = a.Text(opts)
		}
		if len(v.Folders) > 1 {
			// A user settings file reaches every folder: say which is which.
			name := f.Name
			if name == "" {
				name = f.Path
			}
			if md {
				text = "*" + name + "*\n\n" + text
			} else {
				text = name + ":\n" + text
			}
		}
		parts = append(parts, text)
		if rng == nil {
			pr := protocolRange(m.Range(a.Span.Start, a.Span.End))
			rng = &pr
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	kind := protocol.MarkupKindPlainText
	sep := "\n"
	if md {
		kind, sep = protocol.MarkupKindMarkdown, "\n---\n\n"
	}
	return &protocol.Hover{
		Contents: &protocol.MarkupContent{Kind: kind, Value: strings.Join(parts, sep)},
		Range:    rng,
	}, nil
}

func (s *server) InlayHint(ctx context.Context, params *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	out := []protocol.InlayHint{}
	path := uriPath(params.TextDocument.URI)
	if path == "" {
		return out, nil
	}
	v := s.sess.View()
	seen := map[int]bool{}
	padding := true
	for _, f := range v.Folders {
		r := s.freshResult(f, v)
		if !explain.HintsEnabled(r.Res.Snapshot) {
			continue
		}
		content := r.Content(path)
		if len(content) == 0 {
			continue
		}
		m := mapperOf(content)
		start, end := m.Offset(lspPosition(params.Range.Start)), m.Offset(lspPosition(params.Range.End))
		for _, h := range explain.Hints(r.Res, path, start, end, session.NormPath) {
			if seen[h.Offset] {
				continue // the first folder's, for a file several folders read
			}
			seen[h.Offset] = true
			p := m.Position(h.Offset)
			out = append(out, protocol.InlayHint{
				Position:    protocol.Position{Line: uint32(p.Line), Character: uint32(p.Character)},
				Label:       protocol.String(h.Label),
				PaddingLeft: &padding,
			})
		}
	}
	return out, nil
}
