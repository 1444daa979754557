package fix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Step is one step of a path into a JSONC document: an object key (the last
// member with that key, as VS Code reads duplicates) or, when Index >= 0, an
// array element.
type Step struct {
	Key   string
	Index int
}

// Path locates a member from a document's root.
type Path []Step

// Keys is a path of object keys.
func Keys(keys ...string) Path {
	p := make(Path, len(keys))
	for i, k := range keys {
		p[i] = Step{Key: k, Index: -1}
	}
	return p
}

// Append returns the path extended by keys.
func (p Path) Append(keys ...string) Path {
	return append(append(Path{}, p...), Keys(keys...)...)
}

func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		if s.Index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.Index)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Key)
	}
	return b.String()
}

// OpKind says what an Op does.
type OpKind int

// Operations on a JSONC document.
const (
	// Set gives the member at Path the JSON value Value, creating the member
	// and the objects leading to it when they are missing.
	Set OpKind = iota + 1
	// Remove deletes the member at Path with its comma; comments stay.
	Remove
	// Rename gives the member at Path the key NewKey.
	Rename
)

// Op is one change to a JSONC document.
type Op struct {
	Kind   OpKind
	Path   Path
	Value  string // Set: the JSON text of the value (see String)
	NewKey string // Rename
	// Moved marks a Remove whose member is written elsewhere by the same
	// fix: its comments travel with it instead of staying behind.
	Moved bool
}

// String is the JSON text of a string value, without HTML escaping.
func String(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// ErrNotObject is returned when a path runs through a value that is not an
// object: fixes never replace a value of another type to make room.
var ErrNotObject = errors.New("the path runs through a value that is not an object")

// Style is how a document is formatted, for the text a fix adds.
type Style struct {
	Indent   string // one level: a tab or n spaces
	EOL      string // "\n" or "\r\n"
	Trailing bool   // the document puts a comma after the last member of a multi-line object
}

// DefaultStyle is used for new files: four spaces and LF, as VS Code writes
// settings.json with its default editor options.
var DefaultStyle = Style{Indent: "    ", EOL: "\n"}

// Doc is a JSONC document being edited: its text and its parsed tree.
type Doc struct {
	src   []byte
	root  *sources.Value
	style *Style
}

// NewDoc wraps a parsed document. root must be ParseJSONC(src).
func NewDoc(src []byte, root *sources.Value) *Doc { return &Doc{src: src, root: root} }

// ParseDoc parses src.
func ParseDoc(src []byte) (*Doc, error) {
	root, err := sources.ParseJSONC(src)
	if err != nil {
		return nil, err
	}
	return NewDoc(src, root), nil
}

// Root is the document's parsed tree.
func (d *Doc) Root() *sources.Value { return d.root }

// Style detects the document's formatting once.
func (d *Doc) Style() Style {
	if d.style == nil {
		s := DetectStyle(d.src, d.root)
		d.style = &s
	}
	return *d.style
}

// Edit applies ops one after the other, re-reading the document after each,
// and returns minimal edits of the original text and the resulting text.
func Edit(src []byte, root *sources.Value, ops ...Op) ([]TextEdit, []byte, error) {
	return NewDoc(src, root).Edit(ops...)
}

// Edit is the package's Edit on a document whose style may already be known.
func (d *Doc) Edit(ops ...Op) ([]TextEdit, []byte, error) {
	src := d.src
	if len(ops) == 1 {
		edits, err := d.Edits(ops[0])
		if err != nil {
			return nil, nil, err
		}
		out, err := Apply(src, edits)
		return edits, out, err
	}
	out, err := d.run(ops)
	if err != nil {
		return nil, nil, err
	}
	return Diff(src, out), out, nil
}

// NewFile returns the text of a new settings file holding what ops set.
func NewFile(style Style, ops ...Op) (string, error) {
	src := []byte("{}" + style.EOL)
	root, _ := sources.ParseJSONC(src)
	d := NewDoc(src, root)
	d.style = &style
	out, err := d.run(ops)
	return string(out), err
}

// run applies ops in turn, parsing the text again between them, and
// returns the final text. The style found first is kept throughout.
func (d *Doc) run(ops []Op) ([]byte, error) {
	cur := d
	for i, op := range ops {
		if i > 0 {
			next, err := ParseDoc(cur.src)
			if err != nil {
				return nil, fmt.Errorf("after %d operations the document does not parse: %w", i, err)
			}
			next.style = cur.style
			cur = next
		}
		edits, err := cur.Edits(op)
		if err != nil {
			return nil, err
		}
		out, err := Apply(cur.src, edits)
		if err != nil {
			return nil, err
		}
		cur = &Doc{src: out, style: cur.style}
	}
	return cur.src, nil
}

// Edits returns the edits of one operation on this document.
func (d *Doc) Edits(op Op) ([]TextEdit, error) {
	if d.root == nil {
		return nil, errors.New("the document does not parse")
	}
	if len(op.Path) == 0 {
		return nil, errors.New("empty path")
	}
	switch op.Kind {
	case Set:
		if d.root.Kind == sources.Object && d.root.Span.Start == d.root.Span.End {
			// An empty file (or one of only white space and comments) reads
			// as {}: the new object follows what is there.
			st := d.Style()
			text, err := NewFile(st, op)
			if err != nil {
				return nil, err
			}
			body := bytes.TrimPrefix(d.src, bom)
			if len(body) > 0 && body[len(body)-1] != '\n' {
				text = st.EOL + text
			}
			if _, err := sources.ParseJSONC(append(append([]byte{}, d.src...), text...)); err != nil {
				// Blank to Go but not to JSON (a form feed): replaced.
				start := len(d.src) - len(body)
				return []TextEdit{{Span: sources.Span{Start: start, End: len(d.src)}, NewText: strings.TrimPrefix(text, st.EOL)}}, nil
			}
			return []TextEdit{{Span: sources.Span{Start: len(d.src), End: len(d.src)}, NewText: text}}, nil
		}
		return d.set(op.Path, op.Value)
	case Remove:
		parent, i, err := d.lookup(op.Path)
		if err != nil {
			return nil, err
		}
		return d.remove(parent, i, !op.Moved), nil
	case Rename:
		parent, i, err := d.lookup(op.Path)
		if err != nil {
			return nil, err
		}
		m := parent.Members[i]
		return []TextEdit{minimize(d.src, TextEdit{Span: m.KeySpan, NewText: String(op.NewKey)})}, nil
	}
	return nil, fmt.Errorf("unknown operation %d", op.Kind)
}

// lookup finds the object holding the member at path and its index there.
func (d *Doc) lookup(path Path) (*sources.Value, int, error) {
	v := d.root
	for i, s := range path {
		last := i == len(path)-1
		if s.Index >= 0 {
			if v.Kind != sources.Array || s.Index >= len(v.Elems) {
				return nil, 0, fmt.Errorf("%s: no element %d", path[:i+1], s.Index)
			}
			if last {
				return nil, 0, fmt.Errorf("%s: an array element is not a member", path)
			}
			v = v.Elems[s.Index]
			continue
		}
		if v.Kind != sources.Object {
			return nil, 0, fmt.Errorf("%s: %w", path[:i], ErrNotObject)
		}
		j := memberIndex(v, s.Key)
		if j < 0 {
			return nil, 0, fmt.Errorf("%s: no such member", path[:i+1])
		}
		if last {
			return v, j, nil
		}
		v = v.Members[j].Value
	}
	return nil, 0, errors.New("empty path")
}

// memberIndex is the index of the last member named key, or -1.
func memberIndex(obj *sources.Value, key string) int {
	for i := len(obj.Members) - 1; i >= 0; i-- {
		if obj.Members[i].Key == key {
			return i
		}
	}
	return -1
}

// set replaces the value at path, or inserts the missing members.
func (d *Doc) set(path Path, value string) ([]TextEdit, error) {
	v := d.root
	parentMultiLine := true // the root may always grow to several lines
	for i, s := range path {
		if s.Index >= 0 {
			if v.Kind != sources.Array || s.Index >= len(v.Elems) {
				return nil, fmt.Errorf("%s: no element %d", path[:i+1], s.Index)
			}
			parentMultiLine = d.multiLine(v)
			v = v.Elems[s.Index]
			continue
		}
		if v.Kind != sources.Object {
			return nil, fmt.Errorf("%s: %w", path[:i], ErrNotObject)
		}
		j := memberIndex(v, s.Key)
		if j < 0 {
			return d.insert(v, path[i:], value, parentMultiLine)
		}
		m := v.Members[j]
		if i == len(path)-1 {
			indent := d.lineIndent(m.KeySpan.Start)
			// Comments inside the value it replaces stay, in front of it.
			kept := ""
			if bytes.IndexByte(d.src[m.Value.Span.Start:m.Value.Span.End], '/') >= 0 {
				kept = d.keepComments(TextEdit{Span: m.Value.Span}, indent+d.Style().Indent).NewText
				if kept != "" && !strings.HasSuffix(kept, d.Style().Indent) {
					kept += " "
				}
			}
			return []TextEdit{minimize(d.src, TextEdit{Span: m.Value.Span, NewText: kept + d.reindent(value, indent)})}, nil
		}
		parentMultiLine = d.multiLine(v)
		v = m.Value
	}
	return nil, errors.New("empty path")
}

// multiLine reports whether a container spans several lines.
func (d *Doc) multiLine(v *sources.Value) bool {
	return bytes.IndexByte(d.src[v.Span.Start:v.Span.End], '\n') >= 0
}

// insert adds keys[0] to obj with the value that nests the remaining keys
// around value.
func (d *Doc) insert(obj *sources.Value, keys Path, value string, parentMultiLine bool) ([]TextEdit, error) {
	for _, k := range keys {
		if k.Index >= 0 {
			return nil, errors.New("cannot create array elements")
		}
	}
	st := d.Style()
	open, close := obj.Span.Start, obj.Span.End-1
	colon := d.colon(obj)
	n := len(obj.Members)
	// One-line objects stay on one line, except an empty object that sits
	// in a multi-line container (or is the root), which opens up like the rest.
	if !d.multiLine(obj) && (n > 0 || !parentMultiLine) {
		pad := ""
		if open+1 < len(d.src) && d.src[open+1] == ' ' {
			pad = " "
		}
		member := String(keys[0].Key) + colon + d.inline(keys[1:], value, colon, pad)
		if n == 0 {
			return []TextEdit{{Span: sources.Span{Start: open + 1, End: open + 1}, NewText: pad + member + pad}}, nil
		}
		last := obj.Members[n-1]
		if c := d.next(last.Value.Span.End); c < len(d.src) && d.src[c] == ',' {
			return []TextEdit{{Span: sources.Span{Start: c + 1, End: c + 1}, NewText: " " + member + ","}}, nil
		}
		return []TextEdit{{Span: sources.Span{Start: last.Value.Span.End, End: last.Value.Span.End}, NewText: ", " + member}}, nil
	}

	if n > 0 {
		last := obj.Members[n-1]
		indent, ok := d.ownLineIndent(last.KeySpan.Start)
		if !ok {
			indent = d.lineIndent(open) + st.Indent
			for _, m := range obj.Members {
				if in, ok := d.ownLineIndent(m.KeySpan.Start); ok {
					indent = in
					break
				}
			}
		}
		member := String(keys[0].Key) + colon + d.nested(keys[1:], value, indent, colon, st)
		end := last.Value.Span.End
		c := d.next(end)
		if c < len(d.src) && d.src[c] == ',' {
			// The object keeps its trailing comma: so does the new member.
			at := d.lineTail(c + 1)
			return []TextEdit{{Span: sources.Span{Start: at, End: at}, NewText: st.EOL + indent + member + ","}}, nil
		}
		at := d.lineTail(end)
		if at == end {
			return []TextEdit{{Span: sources.Span{Start: end, End: end}, NewText: "," + st.EOL + indent + member}}, nil
		}
		return []TextEdit{
			{Span: sources.Span{Start: end, End: end}, NewText: ","},
			{Span: sources.Span{Start: at, End: at}, NewText: st.EOL + indent + member},
		}, nil
	}

	// An empty object.
	trail := ""
	if st.Trailing {
		trail = ","
	}
	openIndent := d.lineIndent(open)
	if d.multiLine(obj) {
		ls := d.lineStart(close)
		if isBlank(d.src[ls:close]) {
			indent := string(d.src[ls:close]) + st.Indent
			member := String(keys[0].Key) + colon + d.nested(keys[1:], value, indent, colon, st)
			return []TextEdit{{Span: sources.Span{Start: ls, End: ls}, NewText: indent + member + trail + st.EOL}}, nil
		}
	}
	indent := openIndent + st.Indent
	member := String(keys[0].Key) + colon + d.nested(keys[1:], value, indent, colon, st)
	if isBlank(d.src[open+1 : close]) {
		return []TextEdit{{Span: sources.Span{Start: open + 1, End: close}, NewText: st.EOL + indent + member + trail + st.EOL + openIndent}}, nil
	}
	return []TextEdit{{Span: sources.Span{Start: close, End: close}, NewText: st.EOL + indent + member + trail + st.EOL + openIndent}}, nil
}

// nested renders value wrapped in objects for keys, laid out over lines,
// for a member whose line is indented by indent.
func (d *Doc) nested(keys Path, value, indent, colon string, st Style) string {
	if len(keys) == 0 {
		return d.reindent(value, indent)
	}
	trail := ""
	if st.Trailing {
		trail = ","
	}
	inner := indent + st.Indent
	return "{" + st.EOL + inner + String(keys[0].Key) + colon + d.nested(keys[1:], value, inner, colon, st) + trail + st.EOL + indent + "}"
}

// inline renders value wrapped in objects for keys on one line.
func (d *Doc) inline(keys Path, value, colon, pad string) string {
	if len(keys) == 0 {
		return value
	}
	return "{" + pad + String(keys[0].Key) + colon + d.inline(keys[1:], value, colon, pad) + pad + "}"
}

// reindent shifts the continuation lines of a multi-line value so that its
// least indented continuation line starts at indent, and uses the
// document's line ending.
func (d *Doc) reindent(value, indent string) string {
	if !strings.Contains(value, "\n") {
		return value
	}
	eol := d.Style().EOL
	lines := strings.Split(strings.ReplaceAll(value, "\r\n", "\n"), "\n")
	common := ""
	first := true
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first || strings.HasPrefix(common, lead) {
			common = lead
		}
		first = false
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = indent + strings.TrimPrefix(lines[i], common)
	}
	return strings.Join(lines, eol)
}

// colon is the text between a key and its value in obj (or the document),
// when it is plain: ":" with the spaces the file uses.
func (d *Doc) colon(obj *sources.Value) string {
	for _, v := range []*sources.Value{obj, d.root} {
		for _, m := range v.Members {
			t := string(d.src[m.KeySpan.End:m.Value.Span.Start])
			if strings.Count(t, ":") == 1 && strings.Trim(t, " :") == "" {
				return t
			}
		}
	}
	return ": "
}

// remove deletes member i of obj with its comma. A member alone on its
// lines goes with them; comments before or after it stay.
func (d *Doc) remove(obj *sources.Value, i int, keep bool) []TextEdit {
	m := obj.Members[i]
	start, end := m.KeySpan.Start, m.Value.Span.End
	c := d.next(end)
	hasComma := c < len(d.src) && d.src[c] == ','
	var edits []TextEdit
	if !hasComma && i > 0 {
		// The last member without a trailing comma: the comma before it goes.
		prev := obj.Members[i-1]
		if pc := d.next(prev.Value.Span.End); pc < len(d.src) && d.src[pc] == ',' {
			edits = append(edits, TextEdit{Span: sources.Span{Start: pc, End: pc + 1}})
		}
	}
	if hasComma {
		if isBlank(d.src[end:c]) {
			end = c + 1
		} else {
			// A comment between the value and its comma stays.
			edits = append(edits, TextEdit{Span: sources.Span{Start: c, End: c + 1}})
		}
	}
	ls := d.lineStart(start)
	startsLine := isBlank(d.src[ls:start]) && !(ls == 0 && bytes.HasPrefix(d.src, bom))
	tail := d.lineTail(end)
	switch {
	case startsLine && tail < len(d.src) && (d.src[tail] == '\n' || d.src[tail] == '\r') && isBlank(d.src[end:tail]):
		// Alone on its lines: remove them, line ending included.
		edits = append(edits, TextEdit{Span: sources.Span{Start: ls, End: d.afterEOL(tail)}})
	case startsLine:
		// A comment follows on the same line: it stays, indented as before.
		for end < len(d.src) && (d.src[end] == ' ' || d.src[end] == '\t') {
			end++
		}
		edits = append(edits, TextEdit{Span: sources.Span{Start: start, End: end}})
	default:
		// Shares its line: take the white space on one side with it.
		if hasComma {
			for end < len(d.src) && (d.src[end] == ' ' || d.src[end] == '\t') {
				end++
			}
		} else {
			for start > ls && (d.src[start-1] == ' ' || d.src[start-1] == '\t') {
				start--
			}
		}
		edits = append(edits, TextEdit{Span: sources.Span{Start: start, End: end}})
	}
	edits = mergeAdjacent(edits)
	for i := range edits {
		if keep {
			edits[i] = d.keepComments(edits[i], d.lineIndent(m.KeySpan.Start))
		}
	}
	return edits
}

// keepComments turns a deletion into one that leaves the comments inside
// it (between a key and its value, say) in place, on the member's line.
func (d *Doc) keepComments(e TextEdit, indent string) TextEdit {
	var kept []string
	lastLine := false
	s := d.src
	for i := e.Span.Start; i < e.Span.End; i++ {
		switch {
		case s[i] == '"':
			for i++; i < e.Span.End && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case s[i] == '/' && i+1 < e.Span.End && s[i+1] == '/':
			j := i
			for j < e.Span.End && s[j] != '\n' && !(s[j] == '\r' && j+1 < len(s) && s[j+1] == '\n') {
				j++
			}
			kept, lastLine = append(kept, string(s[i:j])), true
			i = j - 1
		case s[i] == '/' && i+1 < e.Span.End && s[i+1] == '*':
			j := bytes.Index(s[i+2:e.Span.End], []byte("*/"))
			if j < 0 {
				continue
			}
			kept, lastLine = append(kept, string(s[i:i+j+4])), false
			i += j + 3
		}
	}
	if len(kept) == 0 {
		return e
	}
	eol := d.Style().EOL
	var b strings.Builder
	wholeLines := e.Span.Start == d.lineStart(e.Span.Start) && e.Span.End > 0 && s[e.Span.End-1] == '\n'
	if wholeLines {
		b.WriteString(indent)
	}
	for i, c := range kept {
		if i > 0 {
			if strings.HasPrefix(kept[i-1], "//") {
				b.WriteString(eol + indent)
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(c)
	}
	switch {
	case wholeLines:
		b.WriteString(eol)
	case lastLine:
		b.WriteString(eol + indent)
	}
	e.NewText = b.String()
	return e
}

// mergeAdjacent joins deletions that touch, so that no two edits share a point.
func mergeAdjacent(edits []TextEdit) []TextEdit {
	sorted := sortEdits(edits)
	var out []TextEdit
	for _, e := range sorted {
		if k := len(out) - 1; k >= 0 && out[k].Span.End >= e.Span.Start {
			out[k].Span.End = max(out[k].Span.End, e.Span.End)
			out[k].NewText += e.NewText
			continue
		}
		out = append(out, e)
	}
	return out
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// next skips white space and comments from pos and returns the offset of the
// next significant byte (len(src) at the end).
func (d *Doc) next(pos int) int {
	s := d.src
	for pos < len(s) {
		switch c := s[pos]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			pos++
		case c == '/' && pos+1 < len(s) && s[pos+1] == '/':
			for pos < len(s) && s[pos] != '\n' {
				pos++
			}
		case c == '/' && pos+1 < len(s) && s[pos+1] == '*':
			if i := bytes.Index(s[pos+2:], []byte("*/")); i >= 0 {
				pos += i + 4
			} else {
				pos = len(s)
			}
		default:
			return pos
		}
	}
	return pos
}

// lineTail skips, from pos, the spaces and comments that end on the same
// line and returns where the line ending starts — or where the next
// significant byte is, when the line goes on.
func (d *Doc) lineTail(pos int) int {
	s := d.src
	for pos < len(s) {
		switch c := s[pos]; {
		case c == ' ' || c == '\t':
			pos++
		case c == '\r' && pos+1 < len(s) && s[pos+1] == '\n', c == '\n':
			return pos
		case c == '/' && pos+1 < len(s) && s[pos+1] == '/':
			for pos < len(s) && s[pos] != '\n' {
				pos++
			}
			if pos > 0 && pos < len(s) && s[pos-1] == '\r' {
				pos--
			}
			return pos
		case c == '/' && pos+1 < len(s) && s[pos+1] == '*':
			i := bytes.Index(s[pos+2:], []byte("*/"))
			if i < 0 || bytes.IndexByte(s[pos:pos+2+i], '\n') >= 0 {
				return pos // a comment running over lines stays after the insertion
			}
			pos += i + 4
		default:
			return pos
		}
	}
	return pos
}

// afterEOL returns the offset after the line ending that starts at pos.
func (d *Doc) afterEOL(pos int) int {
	if pos < len(d.src) && d.src[pos] == '\r' {
		pos++
	}
	if pos < len(d.src) && d.src[pos] == '\n' {
		pos++
	}
	return pos
}

func (d *Doc) lineStart(pos int) int { return bytes.LastIndexByte(d.src[:pos], '\n') + 1 }

// lineIndent is the leading white space of the line holding pos.
func (d *Doc) lineIndent(pos int) string {
	ls := d.lineStart(pos)
	if ls == 0 && bytes.HasPrefix(d.src, bom) {
		ls = len(bom)
	}
	e := ls
	for e < len(d.src) && (d.src[e] == ' ' || d.src[e] == '\t') {
		e++
	}
	return string(d.src[ls:e])
}

// ownLineIndent is the indentation of pos when only white space precedes it
// on its line.
func (d *Doc) ownLineIndent(pos int) (string, bool) {
	ls := d.lineStart(pos)
	if ls == 0 && bytes.HasPrefix(d.src, bom) {
		ls = len(bom)
	}
	if ls > pos || !isBlank(d.src[ls:pos]) {
		return "", false
	}
	return string(d.src[ls:pos]), true
}

// DetectStyle reads a document's indentation unit, line ending and
// trailing-comma habit.
func DetectStyle(src []byte, root *sources.Value) Style {
	st := DefaultStyle
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		st.EOL = "\r\n"
	}
	tabs, spaces, unit := 0, 0, 0
	// The first lines tell the habit; a huge file need not be read whole.
	for rest, lines := src, 0; len(rest) > 0 && lines < styleSample; lines++ {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		trimmed := bytes.TrimLeft(line, " \t")
		if len(trimmed) == 0 || len(trimmed) == len(line) {
			continue
		}
		if c := trimmed[0]; c != '"' && c != '}' && c != ']' && c != '{' && c != '[' {
			continue // continuation of a comment or a wrapped value
		}
		lead := line[:len(line)-len(trimmed)]
		if lead[0] == '\t' {
			tabs++
			continue
		}
		spaces++
		n := len(lead) - len(bytes.TrimLeft(lead, " "))
		if unit == 0 || n < unit {
			unit = n
		}
	}
	switch {
	case tabs > spaces:
		st.Indent = "\t"
	case unit > 0:
		st.Indent = strings.Repeat(" ", unit)
	}
	if root != nil {
		with, without := trailingCommas(&Doc{src: src}, root)
		st.Trailing = with > without
	}
	return st
}

// styleSample is how many lines (and values) style detection reads.
const styleSample = 1000

// trailingCommas counts the multi-line objects and arrays of a document that
// end with a comma and those that do not (the first styleSample of them).
func trailingCommas(d *Doc, v *sources.Value) (with, without int) {
	seen := 0
	var count func(v *sources.Value)
	count = func(v *sources.Value) {
		if seen++; seen > styleSample {
			return
		}
		n := len(v.Members) + len(v.Elems)
		if n == 0 {
			return
		}
		last := 0
		if v.Kind == sources.Object {
			last = v.Members[n-1].Value.Span.End
		} else {
			last = v.Elems[n-1].Span.End
		}
		if d.multiLine(v) {
			if c := d.next(last); c < len(d.src) && d.src[c] == ',' {
				with++
			} else {
				without++
			}
		}
		for _, m := range v.Members {
			if seen > styleSample {
				return
			}
			count(m.Value)
		}
		for _, e := range v.Elems {
			if seen > styleSample {
				return
			}
			count(e)
		}
	}
	count(v)
	return with, without
}

// PathTo returns the path from root to target (compared by identity).
// Spans nest, so only the one member or element whose value's span holds
// target is descended into: the walk costs the members of target's
// ancestors, not the document, and allocates only the path it returns.
func PathTo(root *sources.Value, target *sources.Member) (Path, bool) {
	at := target.KeySpan
	holds := func(v *sources.Value) bool { return v.Span.Start <= at.Start && at.End <= v.Span.End }
	var p Path
	for v := root; ; {
		var next *sources.Value
		switch v.Kind {
		case sources.Object:
			for i, m := range v.Members {
				if m == target {
					if memberIndex(v, m.Key) != i {
						return nil, false // an earlier duplicate: not reachable by key
					}
					return append(p, Step{Key: m.Key, Index: -1}), true
				}
				if next == nil && holds(m.Value) {
					p = append(p, Step{Key: m.Key, Index: -1})
					next = m.Value
				}
			}
		case sources.Array:
			for i, e := range v.Elems {
				if holds(e) {
					p = append(p, Step{Index: i})
					next = e
					break
				}
			}
		}
		if next == nil {
			return nil, false
		}
		v = next
	}
}

// Find returns the member at path, or nil.
func Find(root *sources.Value, path Path) *sources.Member {
	v := root
	var m *sources.Member
	for _, s := range path {
		if v == nil {
			return nil
		}
		if s.Index >= 0 {
			if v.Kind != sources.Array || s.Index >= len(v.Elems) {
				return nil
			}
			v, m = v.Elems[s.Index], nil
			continue
		}
		m = v.Get(s.Key)
		if m == nil {
			return nil
		}
		v = m.Value
	}
	return m
}

// RawValue is the source text of a member's value.
func (d *Doc) RawValue(m *sources.Member) string {
	return string(d.src[m.Value.Span.Start:m.Value.Span.End])
}

// ValueAt returns the value at path (the root for an empty path), or nil.
func ValueAt(root *sources.Value, path Path) *sources.Value {
	v := root
	for _, s := range path {
		switch {
		case v == nil:
			return nil
		case s.Index >= 0:
			if v.Kind != sources.Array || s.Index >= len(v.Elems) {
				return nil
			}
			v = v.Elems[s.Index]
		default:
			m := v.Get(s.Key)
			if m == nil {
				return nil
			}
			v = m.Value
		}
	}
	return v
}
