package lsp

import (
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
)

// maxDocument caps an open buffer, like a file on disk (safeio.MaxFile): a
// larger one is not kept, only its size, and diagnosed as skipped.
const maxDocument = safeio.MaxFile

// document is an open editor buffer. Its content is never modified in place:
// each change builds a new slice, so a snapshot may keep the old one.
type document struct {
	uri     uri.URI // as the client sent it; diagnostics go back to this URI
	path    string  // normalised
	version int32
	content []byte
	// tooLarge is the size of a text over maxDocument, which was dropped
	// (content is nil); 0 for a kept text.
	tooLarge int
}

// newDocument keeps text unless it is over maxDocument. The URI and path
// are copied: the decoder hands out strings that share the message's
// memory, and keeping one would keep a dropped 50 MB text alive.
func newDocument(u uri.URI, path string, version int32, text string) *document {
	d := &document{uri: uri.URI(strings.Clone(string(u))), path: strings.Clone(path), version: version}
	if len(text) > maxDocument {
		d.tooLarge = len(text)
	} else {
		d.content = []byte(text)
	}
	return d
}

// read is what the engine sees of the buffer: its content, or a skip
// error for a dropped one.
func (d *document) read() ([]byte, error) {
	if d.tooLarge > 0 {
		return nil, &safeio.SkipError{Path: d.path, Reason: safeio.TooLarge, Limit: maxDocument}
	}
	return d.content, nil
}

// changed returns the document after changes. A dropped text cannot take
// range changes (they are relative to text the server does not have): it
// stays dropped until a whole-document change brings it back under the
// cap. A whole-document text over the cap is never copied.
func (d *document) changed(version int32, changes []protocol.TextDocumentContentChangeEvent) (*document, error) {
	next := &document{uri: d.uri, path: d.path, version: version, content: d.content, tooLarge: d.tooLarge}
	from := 0
	for i, ch := range changes {
		if w, ok := ch.(*protocol.TextDocumentContentChangeWholeDocument); ok {
			from = i
			next.content, next.tooLarge = nil, 0
			if len(w.Text) > maxDocument {
				next.tooLarge = len(w.Text)
			}
		}
	}
	if next.tooLarge > 0 {
		return next, nil
	}
	content, err := applyChanges(next.content, changes[from:])
	if err != nil {
		return nil, err
	}
	if len(content) > maxDocument {
		next.tooLarge = len(content)
		content = nil
	}
	next.content = content
	return next, nil
}

// applyChanges applies LSP content changes in order and returns the new
// content. Ranges are in UTF-16 code units, converted by position.Mapper.
func applyChanges(content []byte, changes []protocol.TextDocumentContentChangeEvent) ([]byte, error) {
	for i, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			content = []byte(ch.Text)
		case *protocol.TextDocumentContentChangePartial:
			// Two conversions: scanning to the lines costs less than
			// indexing every line of a large document.
			start := position.Offset(content, lspPosition(ch.Range.Start))
			end := position.Offset(content, lspPosition(ch.Range.End))
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
