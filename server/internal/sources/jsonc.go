package sources

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tailscale/hujson"
)

// ValueKind is the JSON type of a settings value.
type ValueKind byte

// JSON value kinds.
const (
	String ValueKind = iota + 1
	Number
	Bool
	Null
	Object
	Array
)

func (k ValueKind) String() string {
	return [...]string{"invalid", "string", "number", "boolean", "null", "object", "array"}[k]
}

// Value is a node of a parsed JSONC document with exact byte positions.
type Value struct {
	Kind    ValueKind
	Str     string // decoded string for String; the literal text for Number/Bool/Null
	Span    Span   // the value's bytes, without surrounding comments or whitespace
	Members []*Member
	Elems   []*Value
}

// Member is one "key": value pair of an object.
type Member struct {
	Key     string
	KeySpan Span // includes the quotes
	Value   *Value
}

// Get returns the member named key; with duplicate keys the last one wins, as
// in VS Code.
func (v *Value) Get(key string) *Member {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i]
		}
	}
	return nil
}

// ParseError is a JSONC syntax error at a byte offset.
type ParseError struct {
	Offset int
	Msg    string
}

func (e *ParseError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParseJSONC parses a JSONC document (comments, trailing commas, a UTF-8 BOM and
// CRLF line endings allowed). Spans are offsets into content, BOM included.
func ParseJSONC(content []byte) (*Value, *ParseError) {
	body, base := content, 0
	if bytes.HasPrefix(body, utf8BOM) {
		body, base = body[len(utf8BOM):], len(utf8BOM)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		// VS Code treats an empty settings file as {}.
		return &Value{Kind: Object, Span: Span{base, base}}, nil
	}
	// hujson.Parse keeps the input's bytes; copy so callers may reuse content.
	// hujson wants a "\n" after a line comment, which VS Code does not: a
	// file that ends in "// comment" is valid. Appending one moves no offset.
	buf := append(make([]byte, 0, len(body)+1), body...)
	if body[len(body)-1] != '\n' {
		buf = append(buf, '\n')
	}
	root, err := hujson.Parse(buf)
	if err != nil {
		return nil, &ParseError{Offset: base + errorOffset(body, err), Msg: cleanHujsonError(err)}
	}
	return convert(&root, base), nil
}

func convert(v *hujson.Value, base int) *Value {
	out := &Value{Span: Span{base + v.StartOffset, base + v.EndOffset}}
	switch t := v.Value.(type) {
	case *hujson.Object:
		out.Kind = Object
		for i := range t.Members {
			m := &t.Members[i]
			out.Members = append(out.Members, &Member{
				Key:     m.Name.Value.(hujson.Literal).String(),
				KeySpan: Span{base + m.Name.StartOffset, base + m.Name.EndOffset},
				Value:   convert(&m.Value, base),
			})
		}
	case *hujson.Array:
		out.Kind = Array
		for i := range t.Elements {
			out.Elems = append(out.Elems, convert(&t.Elements[i], base))
		}
	case hujson.Literal:
		switch t.Kind() {
		case '"':
			out.Kind, out.Str = String, t.String()
		case '0':
			out.Kind, out.Str = Number, string(t)
		case 't', 'f':
			out.Kind, out.Str = Bool, string(t)
		default:
			out.Kind, out.Str = Null, "null"
		}
	}
	return out
}

var lineCol = regexp.MustCompile(`line (\d+), column (\d+)`)

// errorOffset recovers the byte offset of a hujson error from its "line L,
// column C" text (C counts bytes, 1-based).
func errorOffset(body []byte, err error) int {
	m := lineCol.FindStringSubmatch(err.Error())
	if m == nil {
		return len(body)
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(body[off:], '\n')
		if i < 0 {
			return len(body)
		}
		off += i + 1
	}
	off += col - 1
	if off > len(body) {
		off = len(body)
	}
	if off < 0 {
		off = 0
	}
	return off
}

func cleanHujsonError(err error) string {
	s := strings.TrimPrefix(err.Error(), "hujson: ")
	if i := strings.Index(s, ": "); i >= 0 && lineCol.MatchString(s[:i]) {
		s = s[i+2:]
	}
	return s
}
