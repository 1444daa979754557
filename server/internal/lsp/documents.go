package lsp

import (
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// maxDocument caps an open buffer (session.MaxDocument).
const maxDocument = session.MaxDocument

// sessionChanges converts LSP content changes for the session's buffers.
// The texts are not copied.
func sessionChanges(changes []protocol.TextDocumentContentChangeEvent) ([]session.Change, error) {
	out := make([]session.Change, len(changes))
	for i, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			out[i] = session.Change{Whole: true, Text: ch.Text}
		case *protocol.TextDocumentContentChangePartial:
			out[i] = session.Change{Range: position.Range{Start: lspPosition(ch.Range.Start), End: lspPosition(ch.Range.End)}, Text: ch.Text}
		default:
			return nil, fmt.Errorf("change %d: unsupported change %T", i, ch)
		}
	}
	return out, nil
}

func lspPosition(p protocol.Position) position.Position {
	return position.Position{Line: int(p.Line), Character: int(p.Character)}
}
