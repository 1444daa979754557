package sources

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
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

// maxJSONCDepth is how deeply objects and arrays may nest; deeper input is a
// ParseError rather than a deep recursion.
const maxJSONCDepth = 10000

// ParseJSONC parses a JSONC document as VS Code reads settings: comments
// ("//" to the end of the line or of the file, "/* */"), trailing commas in
// objects and arrays, a UTF-8 BOM and CRLF line endings are allowed, and
// duplicate keys are kept in order. Spans are offsets into content, BOM
// included. A file of only whitespace and comments is an empty object (VS
// Code reads settings with allowEmptyContent) with an empty span: after the
// BOM for whitespace only, else at the end. Everything else follows RFC 8259 as
// encoding/json does: strings are decoded like json.Unmarshal (invalid UTF-8
// and unpaired surrogates become U+FFFD).
//
// content is not retained: every string in the result is a substring of one
// copy of it, or freshly decoded.
func ParseJSONC(content []byte) (*Value, *ParseError) {
	base := 0
	if bytes.HasPrefix(content, utf8BOM) {
		base = len(utf8BOM)
	}
	if len(bytes.TrimSpace(content[base:])) == 0 {
		// VS Code treats an empty settings file as {}.
		return &Value{Kind: Object, Span: Span{base, base}}, nil
	}
	p := getParser(string(content), base)
	defer putParser(p)
	root := new(Value)
	if p.skipTrivia() {
		if p.pos == len(p.s) {
			// Comments only: VS Code reads settings with allowEmptyContent,
			// so this is an empty object too.
			return &Value{Kind: Object, Span: Span{p.pos, p.pos}}, nil
		}
		if p.value(root, 0) && p.skipTrivia() && p.pos < len(p.s) {
			p.failf(p.pos, "invalid character %s after top-level value", p.char(p.pos))
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return root, nil
}

// parser is the state of one ParseJSONC call. Nodes and the slices of
// Members and Elems are carved out of a few large blocks, so a document costs
// a handful of allocations instead of several per value.
type parser struct {
	s   string // the whole document; undecoded strings and literals are substrings
	pos int
	err *ParseError

	// Members and values are in separate blocks: Get scans keys, and keys
	// packed together are fewer cache lines.
	mems  []Member  // free members
	vals  []Value   // free values
	mptrs []*Member // free backing for Members
	vptrs []*Value  // free backing for Elems
	// How many of each the blocks so far held.
	memsSeen, valsSeen, mptrsSeen, vptrsSeen int
	colons                                   int // ':' in s, or -1 until counted

	// Members and elements of the objects and arrays being parsed, innermost
	// last; kept across calls (see parserPool) and cleared before reuse.
	mstack  []*Member
	vstack  []*Value
	decoded []byte // scratch for strings with escapes or invalid UTF-8
}

var parserPool = sync.Pool{New: func() any { return new(parser) }}

func getParser(s string, pos int) *parser {
	p := parserPool.Get().(*parser)
	p.s, p.pos, p.colons = s, pos, -1
	return p
}

// maxBlock bounds the blocks, so that an input full of ':' in strings costs
// little memory.
const maxBlock = 1 << 14

// block returns the size of a new block of a kind of which seen were used so
// far. The first block of members and their values is sized by the ':' in the
// input (every member has one; strings and comments hold a few more); later
// blocks by the rate of use so far over the input left.
func (p *parser) block(seen *int, first bool) int {
	var n int
	switch {
	case *seen > 0:
		n = *seen*(len(p.s)-p.pos)/max(p.pos, 1) + 16
	case first:
		if p.colons < 0 {
			p.colons = strings.Count(p.s, ":")
		}
		n = p.colons + 16
	default:
		n = 16
	}
	n = min(n, maxBlock)
	*seen += n
	return n
}

func putParser(p *parser) {
	// Drop every reference into the document just parsed before pooling.
	clear(p.mstack[:cap(p.mstack)])
	clear(p.vstack[:cap(p.vstack)])
	mstack, vstack, decoded := p.mstack[:0], p.vstack[:0], p.decoded[:0]
	if cap(decoded) > 1<<16 {
		decoded = nil
	}
	*p = parser{mstack: mstack, vstack: vstack, decoded: decoded}
	parserPool.Put(p)
}

func (p *parser) newMember() *Member {
	if len(p.mems) == 0 {
		p.mems = make([]Member, p.block(&p.memsSeen, true))
	}
	m := &p.mems[0]
	p.mems = p.mems[1:]
	m.Value = p.newValue()
	return m
}

func (p *parser) newValue() *Value {
	if len(p.vals) == 0 {
		p.vals = make([]Value, p.block(&p.valsSeen, true))
	}
	v := &p.vals[0]
	p.vals = p.vals[1:]
	return v
}

// members moves the members collected since start off the stack into a
// slice of their own (nil when there are none, as for {}).
func (p *parser) members(start int) []*Member {
	return carve(&p.mstack, &p.mptrs, start, func(n int) int { return max(n, p.block(&p.mptrsSeen, true)) })
}

// elems is members for the elements of an array.
func (p *parser) elems(start int) []*Value {
	return carve(&p.vstack, &p.vptrs, start, func(n int) int { return max(n, p.block(&p.vptrsSeen, false)) })
}

// carve moves (*stack)[start:] into a slice cut from the free block,
// allocating a new block of size(n) when it is too small.
func carve[T any](stack, free *[]T, start int, size func(n int) int) []T {
	n := len(*stack) - start
	if n == 0 {
		return nil
	}
	if n > len(*free) {
		*free = make([]T, size(n))
	}
	out := (*free)[:n:n]
	*free = (*free)[n:]
	copy(out, (*stack)[start:])
	clear((*stack)[start:])
	*stack = (*stack)[:start]
	return out
}

// failf records the first error and returns false.
func (p *parser) failf(offset int, format string, args ...any) bool {
	if p.err == nil {
		p.err = &ParseError{Offset: offset, Msg: fmt.Sprintf(format, args...)}
	}
	return false
}

// skipTrivia moves past whitespace and comments. A line comment may end the file
// without a newline, as VS Code allows.
func (p *parser) skipTrivia() bool {
	s, i := p.s, p.pos
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '/':
			if i+1 >= len(s) {
				p.pos = i
				return true
			}
			var end int
			switch s[i+1] {
			case '/':
				end = strings.IndexByte(s[i+2:], '\n')
				if end < 0 {
					end = len(s)
				} else {
					end += i + 2
				}
				if j := lineSeparator(s[i:end]); j >= 0 {
					return p.failf(i+j, "invalid character %s in line comment", p.char(i+j))
				}
			case '*':
				end = strings.Index(s[i+2:], "*/")
				if end < 0 {
					return p.failf(i, "unterminated block comment (unexpected EOF)")
				}
				end += i + 4
			default:
				p.pos = i
				return true
			}
			if !utf8.ValidString(s[i:end]) {
				return p.failf(i, "invalid UTF-8 in comment")
			}
			i = end
		default:
			p.pos = i
			return true
		}
	}
	p.pos = i
	return true
}

// lineSeparator is the index of U+2028 or U+2029 in a line comment, or -1:
// like JavaScript, JSONC parsers may end a line comment there, so rather than
// guess it is an error (as in hujson).
func lineSeparator(c string) int {
	for i := 0; ; {
		j := strings.IndexByte(c[i:], 0xE2)
		if j < 0 {
			return -1
		}
		i += j
		if i+2 < len(c) && c[i+1] == 0x80 && (c[i+2] == 0xA8 || c[i+2] == 0xA9) {
			return i
		}
		i++
	}
}

// value parses the value at p.pos (after whitespace) into v, a zero Value;
// depth counts the enclosing objects and arrays.
func (p *parser) value(v *Value, depth int) bool {
	s := p.s
	start := p.pos
	if start >= len(s) {
		return p.failf(start, "unexpected EOF: expected a value")
	}
	switch s[start] {
	case '{':
		return p.object(v, depth+1)
	case '[':
		return p.array(v, depth+1)
	case '"':
		str, ok := p.str()
		v.Kind, v.Str, v.Span = String, str, Span{start, p.pos}
		return ok
	}
	i := start
	for i < len(s) && literalByte[s[i]] {
		i++
	}
	lit := s[start:i]
	switch lit {
	case "true", "false":
		v.Kind, v.Str = Bool, lit
	case "null":
		v.Kind, v.Str = Null, lit
	case "":
		return p.failf(start, "invalid character %s at start of value", p.char(start))
	default:
		if !validNumber(lit) {
			what := "literal"
			if c := lit[0]; c == '-' || '0' <= c && c <= '9' {
				what = "number"
			}
			if len(lit) > 40 {
				lit = lit[:40] + "…"
			}
			return p.failf(start, "invalid %s %s", what, strconv.Quote(lit))
		}
		v.Kind, v.Str = Number, lit
	}
	v.Span = Span{start, i}
	p.pos = i
	return true
}

func (p *parser) object(v *Value, depth int) bool {
	start := p.pos
	if depth > maxJSONCDepth {
		return p.failf(start, "nesting deeper than %d objects and arrays", maxJSONCDepth)
	}
	p.pos++
	mark := len(p.mstack)
	for {
		if !p.skipTrivia() {
			return false
		}
		if p.pos >= len(p.s) {
			return p.failf(p.pos, "unexpected EOF: expected an object key or '}'")
		}
		switch p.s[p.pos] {
		case '}':
			p.pos++
			v.Kind, v.Span, v.Members = Object, Span{start, p.pos}, p.members(mark)
			return true
		case '"':
		default:
			return p.failf(p.pos, "invalid character %s at start of object key (expected a double-quoted string or '}')", p.char(p.pos))
		}
		m := p.newMember()
		keyStart := p.pos
		key, ok := p.str()
		if !ok {
			return false
		}
		m.Key, m.KeySpan = key, Span{keyStart, p.pos}
		if !p.skipTrivia() {
			return false
		}
		if p.pos >= len(p.s) {
			return p.failf(p.pos, "unexpected EOF: expected ':' after object name")
		}
		if p.s[p.pos] != ':' {
			return p.failf(p.pos, "invalid character %s after object name (expected ':')", p.char(p.pos))
		}
		p.pos++
		if !p.skipTrivia() || !p.value(m.Value, depth) || !p.skipTrivia() {
			return false
		}
		p.mstack = append(p.mstack, m)
		if p.pos >= len(p.s) {
			return p.failf(p.pos, "unexpected EOF: expected ',' or '}' after object member")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v.Kind, v.Span, v.Members = Object, Span{start, p.pos}, p.members(mark)
			return true
		default:
			return p.failf(p.pos, "invalid character %s after object member (expected ',' or '}')", p.char(p.pos))
		}
	}
}

func (p *parser) array(v *Value, depth int) bool {
	start := p.pos
	if depth > maxJSONCDepth {
		return p.failf(start, "nesting deeper than %d objects and arrays", maxJSONCDepth)
	}
	p.pos++
	mark := len(p.vstack)
	for {
		if !p.skipTrivia() {
			return false
		}
		if p.pos >= len(p.s) {
			return p.failf(p.pos, "unexpected EOF: expected a value or ']'")
		}
		if p.s[p.pos] == ']' {
			p.pos++
			v.Kind, v.Span, v.Elems = Array, Span{start, p.pos}, p.elems(mark)
			return true
		}
		e := p.newValue()
		if !p.value(e, depth) || !p.skipTrivia() {
			return false
		}
		p.vstack = append(p.vstack, e)
		if p.pos >= len(p.s) {
			return p.failf(p.pos, "unexpected EOF: expected ',' or ']' after array element")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v.Kind, v.Span, v.Elems = Array, Span{start, p.pos}, p.elems(mark)
			return true
		default:
			return p.failf(p.pos, "invalid character %s after array element (expected ',' or ']')", p.char(p.pos))
		}
	}
}

// str parses the string literal at p.pos (a '"') and returns it decoded.
func (p *parser) str() (string, bool) {
	s := p.s
	start := p.pos
	i := start + 1
	for i < len(s) && plainStringByte[s[i]] {
		i++
	}
	if i < len(s) && s[i] == '"' {
		// No escapes, control characters or non-ASCII bytes: the text is the value.
		p.pos = i + 1
		return s[start+1 : i], true
	}
	return p.strSlow(start, i)
}

// strSlow finishes a string literal whose bytes from start+1 to i are plain
// ASCII.
func (p *parser) strSlow(start, i int) (string, bool) {
	s := p.s
	// Find the closing quote first: an unterminated string is reported at the
	// end of the input, whatever it holds.
	end := i
	for {
		if end >= len(s) {
			return "", p.failf(len(s), "unterminated string (unexpected EOF)")
		}
		c := s[end]
		if c == '"' {
			break
		}
		if c == '\\' {
			end++
		}
		end++
	}
	body := s[start+1 : end]
	simple := true // the decoded string is body itself
	for j := i - (start + 1); j < len(body); {
		c := body[j]
		switch {
		case c == '\\':
			simple = false
			n := escapeLen(body[j:])
			if n == 0 {
				esc := body[j:min(j+6, len(body))]
				if j+1 < len(body) && body[j+1] != 'u' {
					esc = body[j : j+2]
				}
				return "", p.failf(start+1+j, "invalid escape %s in string", strconv.Quote(esc))
			}
			j += n
		case c < 0x20:
			return "", p.failf(start+1+j, "invalid character %s in string (control characters must be escaped)", p.char(start+1+j))
		case c < utf8.RuneSelf:
			j++
		default:
			r, size := utf8.DecodeRuneInString(body[j:])
			if r == utf8.RuneError && size == 1 {
				simple = false
			}
			j += size
		}
	}
	p.pos = end + 1
	if simple {
		return body, true
	}
	return p.decode(body), true
}

// escapeLen is the length of the valid escape sequence at the start of e
// (which begins with a backslash), or 0.
func escapeLen(e string) int {
	if len(e) < 2 {
		return 0
	}
	switch e[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(e) >= 6 && hex4(e[2:6]) >= 0 {
			return 6
		}
	}
	return 0
}

// hex4 decodes four hex digits, or returns -1.
func hex4(h string) rune {
	var r rune
	for i := range 4 {
		c := h[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// decode unescapes a validated string body as encoding/json does: an
// unpaired surrogate escape and each byte of invalid UTF-8 become U+FFFD.
func (p *parser) decode(body string) string {
	b := p.decoded[:0]
	for j := 0; j < len(body); {
		c := body[j]
		switch {
		case c == '\\':
			switch e := body[j+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(body[j+2 : j+6])
				j += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if j+6 <= len(body) && body[j] == '\\' && body[j+1] == 'u' {
						r2 = hex4(body[j+2 : j+6])
					}
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						j += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
				continue
			default: // '"', '\\', '/'
				b = append(b, e)
			}
			j += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			j++
		default:
			r, size := utf8.DecodeRuneInString(body[j:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, body[j:j+size]...)
			}
			j += size
		}
	}
	p.decoded = b
	return string(b)
}

// validNumber reports whether lit is a JSON number.
func validNumber(lit string) bool {
	i := 0
	if i < len(lit) && lit[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(lit) && '0' <= lit[i] && lit[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(lit) && lit[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(lit) && lit[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(lit)
}

// char describes the character at offset for an error message.
func (p *parser) char(offset int) string {
	if r, n := utf8.DecodeRuneInString(p.s[offset:]); r != utf8.RuneError || n > 1 {
		return strconv.QuoteRune(r) // 'x', '\t', '\x00', '\u2028'
	}
	return fmt.Sprintf(`'\x%02x'`, p.s[offset])
}

var (
	// plainStringByte: printable ASCII other than '"' and '\\'.
	plainStringByte [256]bool
	// literalByte: the bytes of true, false, null and numbers, and of the
	// words people write instead (NaN, Infinity, undefined), so that those
	// are reported whole.
	literalByte [256]bool
)

func init() {
	for c := 0x20; c < 0x80; c++ {
		plainStringByte[c] = c != '"' && c != '\\'
	}
	for _, c := range "-+.0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		literalByte[c] = true
	}
}
