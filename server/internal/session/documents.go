package session

import (
	"fmt"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
)

// MaxDocument caps an open buffer, like a file on disk (safeio.MaxFile): a
// larger one is not kept, only its size, and diagnosed as skipped.
const MaxDocument = safeio.MaxFile

// Document is an open editor buffer. Its content is never modified in place:
// each change builds a new slice, so a snapshot may keep the old one.
type Document struct {
	uri     string // as the client sent it; diagnostics go back to this URI
	path    string // normalised
	version int32
	content []byte
	// tooLarge is the size of a text over MaxDocument, which was dropped
	// (content is nil); 0 for a kept text.
	tooLarge int
}

// NewDocument keeps text unless it is over MaxDocument. The URI and path
// are copied: the decoder hands out strings that share the message's
// memory, and keeping one would keep a dropped 50 MB text alive.
func NewDocument(uri, path string, version int32, text string) *Document {
	d := &Document{uri: strings.Clone(uri), path: strings.Clone(path), version: version}
	if len(text) > MaxDocument {
		d.tooLarge = len(text)
	} else {
		d.content = []byte(text)
	}
	return d
}

// URI is the document's URI as the client spelled it.
func (d *Document) URI() string { return d.uri }

// Version is the client's version of the document.
func (d *Document) Version() int32 { return d.version }

// TooLarge is the size of a dropped text (0 for a kept one).
func (d *Document) TooLarge() int { return d.tooLarge }

// Read is what the engine sees of the buffer: its content, or a skip
// error for a dropped one.
func (d *Document) Read() ([]byte, error) {
	if d.tooLarge > 0 {
		return nil, &safeio.SkipError{Path: d.path, Reason: safeio.TooLarge, Limit: MaxDocument}
	}
	return d.content, nil
}

// Change is one content change: the whole text, or a range (UTF-16
// positions, as LSP sends them) replaced by Text.
type Change struct {
	Whole bool
	Range position.Range
	Text  string
}

// Changed returns the document after changes. A dropped text cannot take
// range changes (they are relative to text the server does not have): it
// stays dropped until a whole-document change brings it back under the
// cap. A whole-document text over the cap is never copied.
func (d *Document) Changed(version int32, changes []Change) (*Document, error) {
	next := &Document{uri: d.uri, path: d.path, version: version, content: d.content, tooLarge: d.tooLarge}
	from := 0
	for i, ch := range changes {
		if ch.Whole {
			from = i
			next.content, next.tooLarge = nil, 0
			if len(ch.Text) > MaxDocument {
				next.tooLarge = len(ch.Text)
			}
		}
	}
	if next.tooLarge > 0 {
		return next, nil
	}
	content, err := ApplyChanges(next.content, changes[from:])
	if err != nil {
		return nil, err
	}
	if len(content) > MaxDocument {
		next.tooLarge = len(content)
		content = nil
	}
	next.content = content
	return next, nil
}

// ApplyChanges applies content changes in order and returns the new
// content. Ranges are in UTF-16 code units, converted by position.Mapper.
func ApplyChanges(content []byte, changes []Change) ([]byte, error) {
	for i, ch := range changes {
		if ch.Whole {
			content = []byte(ch.Text)
			continue
		}
		// Two conversions: scanning to the lines costs less than
		// indexing every line of a large document.
		start := position.Offset(content, ch.Range.Start)
		end := position.Offset(content, ch.Range.End)
		if end < start {
			return nil, fmt.Errorf("change %d: range end %v before start %v", i, ch.Range.End, ch.Range.Start)
		}
		next := make([]byte, 0, len(content)-(end-start)+len(ch.Text))
		next = append(next, content[:start]...)
		next = append(next, ch.Text...)
		next = append(next, content[end:]...)
		content = next
	}
	return content, nil
}
