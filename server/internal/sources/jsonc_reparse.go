package sources

import (
	"bytes"
	"sort"
)

// Incremental re-parse. A keystroke in a settings value changes one string or
// number of a document that may hold thousands of members; parsing all of it
// again costs far more than the keystroke's other work. ReparseJSONC finds
// the one scalar value an edit lies in and parses that alone, reusing the
// rest of the previous parse. An edit between two tokens (in a comment or
// whitespace) is handled alike: the text between the tokens is lexed again
// and must still be comments, whitespace and the same ',' and ':'; the tree
// is the previous one with the later nodes moved.
//
// Why the result equals a full parse: the parser reads left to right and
// keeps no state but its position and the objects and arrays it is inside.
// The bytes before the edited value are the same, so a full parse of the new
// content reaches the value's start in the same state; the value (parsed in
// a window holding exactly its new bytes, and required to end there) is what
// the full parse reads there; after it come the same bytes as before, read in
// the same state, so every later node is the previous one moved by the
// change in length. The byte after the value is one that ended a value
// before (whitespace, '/', ',', '}' or ']', or the end), so a literal ends
// there as it did. Anything else (an edit in a key, a comment, whitespace or
// punctuation, over several values, or a value that no longer parses alone)
// is left to the full parse. Between two tokens the argument is the same:
// the parser only skips comments and whitespace there and checks the ','
// and ':' it meets, and the new text is lexed up to and including the first
// byte of the next token, which must end it as before (a line comment that
// now runs into that token does not).

// ReparseJSONC returns ParseJSONC(content), computed from prev, which must be
// ParseJSONC(old) without error, when content differs from old only inside
// one string, number, true, false or null that is still one such value, or
// only between two tokens where the new text is still comments, whitespace
// and the same punctuation; ok is false otherwise (parse content in full). prev is not modified: the
// result shares prev's nodes before the edit and, when the length did not
// change, after it; the nodes on the path to the edit are new, and so are
// the later ones when the length changed.
func ReparseJSONC(prev *Value, old, content []byte) (root *Value, ok bool) {
	r, ok := reparse(prev, old, content)
	if !ok {
		return nil, false
	}
	return r.root, true
}

// reparsed is the result of reparse: the new tree and where it changed.
type reparsed struct {
	root *Value
	// old[at:end] was replaced by content[at:end+delta]; the bytes after
	// it moved by delta.
	at, end, delta int
}

func reparse(prev *Value, old, content []byte) (reparsed, bool) {
	if prev == nil {
		return reparsed{}, false
	}
	p := commonPrefix(old, content)
	if p == len(old) && p == len(content) {
		return reparsed{root: prev}, true
	}
	if prev.Span.Start == prev.Span.End {
		// The {} of a file of comments and whitespace only: not a token.
		return reparsed{}, false
	}
	s := commonSuffix(old[p:], content[p:])
	oldEnd := len(old) - s
	if oldEnd <= prev.Span.Start || p >= prev.Span.End {
		return reparseOutside(prev, old, content, p, oldEnd)
	}
	// The path from the root to the innermost value holding [p, oldEnd),
	// and the containers along it.
	var path []int
	var outer []*Value
	v := prev
	for v.Kind == Object || v.Kind == Array {
		i := -1
		if v.Kind == Object {
			ms := v.Members
			j := sort.Search(len(ms), func(j int) bool { return ms[j].Value.Span.End >= oldEnd })
			if j < len(ms) && ms[j].Value.Span.Start <= p {
				i = j
			}
		} else {
			es := v.Elems
			j := sort.Search(len(es), func(j int) bool { return es[j].Span.End >= oldEnd })
			if j < len(es) && es[j].Span.Start <= p {
				i = j
			}
		}
		if i < 0 {
			// Between tokens of v, or in a key.
			if r, ok := reparseGap(prev, path, v, old, content, p, oldEnd); ok {
				return r, true
			}
			break
		}
		path, outer = append(path, i), append(outer, v)
		if v.Kind == Object {
			v = v.Members[i].Value
		} else {
			v = v.Elems[i]
		}
	}
	if v.Kind != Object && v.Kind != Array {
		if r, ok := reparseScalar(prev, path, v, old, content, p, oldEnd); ok {
			return r, true
		}
	}
	// An edit just before or after v may be between it and its neighbour.
	if len(outer) > 0 && (p == v.Span.End || oldEnd == v.Span.Start) {
		return reparseGap(prev, path[:len(path)-1], outer[len(outer)-1], old, content, p, oldEnd)
	}
	return reparsed{}, false
}

// reparseScalar handles an edit inside v, the scalar value at the end of
// path.
func reparseScalar(prev *Value, path []int, v *Value, old, content []byte, p, oldEnd int) (reparsed, bool) {
	delta := len(content) - len(old)
	if v.Span.Start > p || oldEnd > v.Span.End {
		return reparsed{}, false
	}
	start, end := v.Span.Start, v.Span.End+delta
	if end < start {
		return reparsed{}, false
	}
	leaf, ok := parseScalar(content[start:end], start)
	if !ok {
		return reparsed{}, false
	}
	c := copier{delta: delta}
	if delta != 0 {
		c.reserve(prev, path)
	}
	return reparsed{root: c.along(prev, path, leaf), at: p, end: oldEnd, delta: delta}, true
}

// reparseOutside handles an edit in the comments and whitespace before or
// after the top-level value.
func reparseOutside(prev *Value, old, content []byte, p, oldEnd int) (reparsed, bool) {
	delta := len(content) - len(old)
	r := reparsed{root: prev, at: p, end: oldEnd, delta: delta}
	if p >= prev.Span.End {
		// After it: to the end of the file, nothing but comments and whitespace.
		if punct, ok := gapPunct(string(content[prev.Span.End:]), len(content)-prev.Span.End); !ok || punct != "" {
			return reparsed{}, false
		}
		return r, true
	}
	base := 0
	if bytes.HasPrefix(old, utf8BOM) {
		base = len(utf8BOM)
	}
	start := prev.Span.Start
	if p < base || oldEnd > start {
		return reparsed{}, false
	}
	// Before it, up to and including its first byte.
	punct, ok := gapPunct(string(content[base:start+delta+1]), start+delta-base)
	if !ok || punct != "" {
		return reparsed{}, false
	}
	if delta != 0 {
		var n counts
		n.add(prev)
		c := copier{delta: delta}
		c.alloc(n)
		r.root = c.moved(prev)
	}
	return r, true
}

// reparseGap handles an edit inside container v (at the end of path) that
// no member or element holds: it must lie between two tokens (the brackets,
// keys and values) and leave comments, whitespace and the same ',' and ':'.
func reparseGap(prev *Value, path []int, v *Value, old, content []byte, p, oldEnd int) (reparsed, bool) {
	// Tokens: the opening bracket, then each key and value (an object) or
	// each element (an array), then the closing bracket.
	n := len(v.Elems)
	per := 1
	if v.Kind == Object {
		n, per = len(v.Members), 2
	}
	tokens := per*n + 2
	span := func(t int) Span {
		switch {
		case t == 0:
			return Span{v.Span.Start, v.Span.Start + 1}
		case t == tokens-1:
			return Span{v.Span.End - 1, v.Span.End}
		case v.Kind == Array:
			return v.Elems[t-1].Span
		case t%2 == 1:
			return v.Members[(t-1)/2].KeySpan
		}
		return v.Members[(t-1)/2].Value.Span
	}
	// The first token after the edit, and the one before it.
	t := sort.Search(tokens, func(t int) bool { return span(t).Start >= oldEnd })
	if t == 0 || t == tokens || span(t-1).End > p {
		return reparsed{}, false // the edit touches a key (or a bracket)
	}
	from, to := span(t-1).End, span(t).Start
	delta := len(content) - len(old)
	// Lexed up to and including the next token's first byte.
	was, ok := gapPunct(string(old[from:to+1]), to-from)
	if !ok {
		return reparsed{}, false
	}
	now, ok := gapPunct(string(content[from:to+delta+1]), to+delta-from)
	if !ok || now != was {
		return reparsed{}, false
	}
	r := reparsed{root: prev, at: p, end: oldEnd, delta: delta}
	if delta == 0 {
		return r, true // no node changed
	}
	// The children from index first on come after the gap; with keyOnly,
	// child first's key comes before it (the gap is around the ':').
	first, keyOnly := t-1, false
	if v.Kind == Object {
		first, keyOnly = (t-1)/2, t%2 == 0 && t != tokens-1
	}
	c := copier{delta: delta}
	c.alloc(pathCounts(prev, path).gap(v, first))
	r.root = c.alongGap(prev, path, first, keyOnly)
	return r, true
}

// gapPunct lexes win up to end as comments, whitespace, ',' and ':' and
// returns the punctuation; ok is false when win[:end] holds anything else
// or a comment runs past end.
func gapPunct(win string, end int) (string, bool) {
	p := getParser(win, 0)
	defer putParser(p)
	var punct []byte
	for {
		if !p.skipTrivia() {
			return "", false
		}
		if p.pos >= end {
			return string(punct), p.pos == end
		}
		switch c := win[p.pos]; c {
		case ',', ':':
			punct = append(punct, c)
			p.pos++
		default:
			return "", false
		}
	}
}

// parseScalar parses win, the new bytes of a value at offset start, as one
// string, number, true, false or null that fills it; its strings are copies.
func parseScalar(win []byte, start int) (*Value, bool) {
	if len(win) == 0 {
		return nil, false
	}
	switch win[0] {
	case '{', '[':
		return nil, false
	}
	p := getParser(string(win), 0)
	defer putParser(p)
	v := new(Value)
	if !p.value(v, 0) || p.err != nil || p.pos != len(p.s) {
		return nil, false
	}
	v.Span = Span{start, start + len(win)}
	return v, true
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for _, chunk := range [...]int{4096, 64} {
		for i+chunk <= n && bytes.Equal(a[i:i+chunk], b[i:i+chunk]) {
			i += chunk
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix is the length of the longest common suffix of a and b.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0 // bytes matched from the end
	for _, chunk := range [...]int{4096, 64} {
		for i+chunk <= n && bytes.Equal(a[len(a)-i-chunk:len(a)-i], b[len(b)-i-chunk:len(b)-i]) {
			i += chunk
		}
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// copier builds the new tree: the nodes on the path are copied with their
// ends moved, the nodes after it are copied moved by delta (shared when
// delta is 0), the nodes before it are shared. The copies are carved out of
// blocks sized by a count of them (reserve), as the parser does.
type copier struct {
	delta int
	vals  []Value
	mems  []Member
	mptrs []*Member
	vptrs []*Value
}

// reserve allocates the blocks for copying the path to path's value and
// everything after it, moved.
func (c *copier) reserve(root *Value, path []int) {
	n := pathCounts(root, path)
	// The value at the end of the path is replaced; what follows it in
	// its container was counted with the path.
	c.alloc(n)
}

// pathCounts counts the copies of the containers along path and of
// everything after the path in them, moved.
func pathCounts(root *Value, path []int) counts {
	var n counts
	v := root
	for _, i := range path {
		n.vals++
		if v.Kind == Object {
			n.mems++
			n.mptrs += len(v.Members)
			for _, m := range v.Members[i+1:] {
				n.mems++
				n.add(m.Value)
			}
			v = v.Members[i].Value
		} else {
			n.vptrs += len(v.Elems)
			for _, e := range v.Elems[i+1:] {
				n.add(e)
			}
			v = v.Elems[i]
		}
	}
	return n
}

// gap adds the copy of v, the container at the end of a path, whose
// children from index first on are moved.
func (n counts) gap(v *Value, first int) counts {
	n.vals++
	if v.Kind == Object {
		n.mptrs += len(v.Members)
		for _, m := range v.Members[first:] {
			n.mems++
			n.add(m.Value)
		}
	} else {
		n.vptrs += len(v.Elems)
		for _, e := range v.Elems[first:] {
			n.add(e)
		}
	}
	return n
}

// alloc allocates blocks for n copies.
func (c *copier) alloc(n counts) {
	c.vals = make([]Value, n.vals)
	c.mems = make([]Member, n.mems)
	c.mptrs = make([]*Member, n.mptrs)
	c.vptrs = make([]*Value, n.vptrs)
}

type counts struct{ vals, mems, mptrs, vptrs int }

// add counts the nodes of v's subtree.
func (n *counts) add(v *Value) {
	n.vals++
	n.mems += len(v.Members)
	n.mptrs += len(v.Members)
	n.vptrs += len(v.Elems)
	for _, m := range v.Members {
		n.add(m.Value)
	}
	for _, e := range v.Elems {
		n.add(e)
	}
}

func (c *copier) value() *Value              { return take(&c.vals) }
func (c *copier) member() *Member            { return take(&c.mems) }
func (c *copier) memberPtrs(n int) []*Member { return takeN(&c.mptrs, n) }
func (c *copier) valuePtrs(n int) []*Value   { return takeN(&c.vptrs, n) }

// take hands out the next element of a preallocated pool, or a new one
// when the pool is used up.
func take[T any](pool *[]T) *T {
	if len(*pool) == 0 {
		return new(T)
	}
	v := &(*pool)[0]
	*pool = (*pool)[1:]
	return v
}

// takeN hands out the next n elements of a preallocated pool (capped, so
// an append cannot run into the rest), or a new slice when too few are left.
func takeN[T any](pool *[]T, n int) []T {
	if len(*pool) < n {
		return make([]T, n)
	}
	out := (*pool)[:n:n]
	*pool = (*pool)[n:]
	return out
}

// along copies v, the container at the start of path, down to the value at
// its end, which becomes leaf.
func (c *copier) along(v *Value, path []int, leaf *Value) *Value {
	if len(path) == 0 {
		return leaf
	}
	out := c.value()
	*out = *v
	out.Span.End += c.delta
	i := path[0]
	if v.Kind == Object {
		ms := c.memberPtrs(len(v.Members))
		copy(ms[:i], v.Members[:i])
		m := c.member()
		*m = *v.Members[i]
		m.Value = c.along(m.Value, path[1:], leaf)
		ms[i] = m
		for j, m := range v.Members[i+1:] {
			ms[i+1+j] = c.movedMember(m)
		}
		out.Members = ms
		return out
	}
	es := c.valuePtrs(len(v.Elems))
	copy(es[:i], v.Elems[:i])
	es[i] = c.along(v.Elems[i], path[1:], leaf)
	for j, e := range v.Elems[i+1:] {
		es[i+1+j] = c.moved(e)
	}
	out.Elems = es
	return out
}

// alongGap copies v, the container at the start of path, down to the
// container at its end, whose children from index first on are moved (with
// keyOnly, child first keeps its key where it was and has its value moved).
func (c *copier) alongGap(v *Value, path []int, first int, keyOnly bool) *Value {
	out := c.value()
	*out = *v
	out.Span.End += c.delta
	if len(path) > 0 {
		i := path[0]
		if v.Kind == Object {
			ms := c.memberPtrs(len(v.Members))
			copy(ms[:i], v.Members[:i])
			m := c.member()
			*m = *v.Members[i]
			m.Value = c.alongGap(m.Value, path[1:], first, keyOnly)
			ms[i] = m
			for j, m := range v.Members[i+1:] {
				ms[i+1+j] = c.movedMember(m)
			}
			out.Members = ms
			return out
		}
		es := c.valuePtrs(len(v.Elems))
		copy(es[:i], v.Elems[:i])
		es[i] = c.alongGap(v.Elems[i], path[1:], first, keyOnly)
		for j, e := range v.Elems[i+1:] {
			es[i+1+j] = c.moved(e)
		}
		out.Elems = es
		return out
	}
	if v.Kind == Object {
		if len(v.Members) == 0 {
			return out
		}
		ms := c.memberPtrs(len(v.Members))
		copy(ms[:first], v.Members[:first])
		for j, m := range v.Members[first:] {
			if j == 0 && keyOnly {
				k := c.member()
				*k = *m
				k.Value = c.moved(m.Value)
				ms[first] = k
				continue
			}
			ms[first+j] = c.movedMember(m)
		}
		out.Members = ms
		return out
	}
	if len(v.Elems) == 0 {
		return out
	}
	es := c.valuePtrs(len(v.Elems))
	copy(es[:first], v.Elems[:first])
	for j, e := range v.Elems[first:] {
		es[first+j] = c.moved(e)
	}
	out.Elems = es
	return out
}

// moved is v moved by delta: v itself when delta is 0.
func (c *copier) moved(v *Value) *Value {
	if c.delta == 0 {
		return v
	}
	// Field by field: a fresh node is zero, and most nodes are scalars,
	// so this writes one pointer where a struct copy writes three.
	out := c.value()
	out.Kind, out.Str = v.Kind, v.Str
	out.Span = Span{v.Span.Start + c.delta, v.Span.End + c.delta}
	switch {
	case len(v.Members) > 0:
		ms := c.memberPtrs(len(v.Members))
		for j, m := range v.Members {
			ms[j] = c.movedMember(m)
		}
		out.Members = ms
	case v.Members != nil:
		out.Members = v.Members
	}
	switch {
	case len(v.Elems) > 0:
		es := c.valuePtrs(len(v.Elems))
		for j, e := range v.Elems {
			es[j] = c.moved(e)
		}
		out.Elems = es
	case v.Elems != nil:
		out.Elems = v.Elems
	}
	return out
}

// movedMember is m moved by delta: m itself when delta is 0.
func (c *copier) movedMember(m *Member) *Member {
	if c.delta == 0 {
		return m
	}
	out := c.member()
	out.Key = m.Key
	out.KeySpan = Span{m.KeySpan.Start + c.delta, m.KeySpan.End + c.delta}
	out.Value = c.moved(m.Value)
	return out
}

// movedLines is the line index of content after r: prev's, with the starts
// after the change moved by delta, or indexed again when the change added
// or removed a line break.
func movedLines(prev Lines, r reparsed, old, content []byte) Lines {
	if bytes.IndexByte(old[r.at:r.end], '\n') >= 0 || bytes.IndexByte(content[r.at:r.end+r.delta], '\n') >= 0 {
		return NewLines(content)
	}
	if r.delta == 0 {
		return prev
	}
	i := sort.Search(len(prev), func(i int) bool { return prev[i] > r.at })
	out := make(Lines, len(prev))
	copy(out, prev[:i])
	for j := i; j < len(prev); j++ {
		out[j] = prev[j] + r.delta
	}
	return out
}
