package lsp

import (
	"context"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/complete"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

// DocumentLink links GOENV and envFile paths to their files and proxy URLs,
// without their credentials, to their pages.
func (s *server) DocumentLink(ctx context.Context, params *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	out := []protocol.DocumentLink{}
	cd, ok := s.configDocument(params.TextDocument.URI)
	if !ok {
		return out, nil
	}
	m := position.NewMapper(cd.content)
	for _, l := range complete.Links(cd.doc, cd.facts) {
		target := uri.URI(l.Target)
		if l.File {
			target = uri.File(l.Target)
		}
		tooltip := l.Tooltip
		out = append(out, protocol.DocumentLink{Range: protocolRange(m.Range(l.Start, l.End)), Target: &target, Tooltip: &tooltip})
	}
	return out, nil
}
