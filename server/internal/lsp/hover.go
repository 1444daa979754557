package lsp

// Hover and inlay hints are transport only: the answer is package
// explain's, computed from the folder's cached engine result (no process
// runs per request) and the folder's last Verify result.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explain"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// hoverMarkdown reports whether the client takes Markdown hovers (it
// lists markdown in textDocument.hover.contentFormat).
func hoverMarkdown(c protocol.ClientCapabilities) bool {
	td := c.TextDocument
	if td == nil || td.Hover == nil {
		return false
	}
	return slices.Contains(td.Hover.ContentFormat, protocol.MarkupKindMarkdown)
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
	s.mu.Lock()
	md := s.hoverMD
	s.mu.Unlock()
	v := s.sess.View()
	var parts []string
	var rng *protocol.Range
	for _, f := range v.Folders {
		r := s.freshResult(f, v)
		content := r.Content(path)
		if len(content) == 0 {
			continue
		}
		m := position.NewMapper(content)
		a := explain.At(explain.Query{
			Res: r.Res, Verified: s.sess.VerifyResult(f.Path), File: path,
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
		m := position.NewMapper(content)
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
