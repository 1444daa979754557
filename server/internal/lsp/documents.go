package lsp

import (
	"fmt"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

// document is an open editor buffer. Its content is never modified in place:
// each change builds a new slice, so a snapshot may keep the old one.
type document struct {
	uri     uri.URI // as the client sent it; diagnostics go back to this URI
	path    string  // normalised
	version int32
	content []byte
}

// applyChanges applies LSP content changes in order and returns the new
// content. Ranges are in UTF-16 code units, converted by position.Mapper.
func applyChanges(content []byte, changes []protocol.TextDocumentContentChangeEvent) ([]byte, error) {
	for i, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			content = []byte(ch.Text)
		case *protocol.TextDocumentContentChangePartial:
			m := position.NewMapper(content)
			start := m.Offset(lspPosition(ch.Range.Start))
			end := m.Offset(lspPosition(ch.Range.End))
			if end < start {
				return nil, fmt.Errorf("change %d: range end %v before start %v", i, ch.Range.End, ch.Range.Start)
			}
			next := make([]byte, 0, len(content)-(end-start)+len(ch.Text))
			next = append(next, content[:start]...)
			next = append(next, ch.Text...)
			next = append(next, content[end:]...)
			content = next
		default:
			return nil, fmt.Errorf("change %d: unsupported change %T", i, ch)
		}
	}
	return content, nil
}

func lspPosition(p protocol.Position) position.Position {
	return position.Position{Line: int(p.Line), Character: int(p.Character)}
}

func protocolRange(r position.Range) protocol.Range {
	return protocol.Range{
		Start: protocol.Position{Line: uint32(r.Start.Line), Character: uint32(r.Start.Character)},
		End:   protocol.Position{Line: uint32(r.End.Line), Character: uint32(r.End.Character)},
	}
}
