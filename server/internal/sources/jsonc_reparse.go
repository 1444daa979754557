package sources

import (
	"bytes"
	"sort"
)

// Incremental re-parse. A keystroke in a settings value changes one string or
// number of a document that may hold thousands of members; parsing all of it
// again costs far more than the keystroke's other work. ReparseJSONC finds
// the one scalar value an edit lies in and parses that alone, reusing the
// rest of the previous parse.
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
// is left to the full parse.

// ReparseJSONC returns ParseJSONC(content), computed from prev, which must be
// ParseJSONC(old) without error, when content differs from old only inside
// one string, number, true, false or null that is still one such value; ok
// is false otherwise (parse content in full). prev is not modified: the
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
	// at is the offset of the changed value's start; bytes after its old
	// end moved by delta.
	at, delta int
}

func reparse(prev *Value, old, content []byte) (reparsed, bool) {
	if prev == nil {
		return reparsed{}, false
	}
	p := commonPrefix(old, content)
	if p == len(old) && p == len(content) {
		return reparsed{root: prev}, true
	}
	s := commonSuffix(old[p:], content[p:])
	oldEnd := len(old) - s
	delta := len(content) - len(old)

	// The path from the root to the innermost value holding [p, oldEnd).
	var path []int
	v := prev
	for v.Kind == Object || v.Kind == Array {
		i := -1
		if v.Kind == Object {
			ms := v.Members
			j := sort.Search(len(ms), func(j int) bool { return ms[j].Value.Span.End >= oldEnd })
			if j < len(ms) && ms[j].Value.Span.Start <= p {
				i, v = j, ms[j].Value
			}
		} else {
			es := v.Elems
			j := sort.Search(len(es), func(j int) bool { return es[j].Span.End >= oldEnd })
			if j < len(es) && es[j].Span.Start <= p {
				i, v = j, es[j]
			}
		}
		if i < 0 {
			return reparsed{}, false // in a key, a comment, whitespace or punctuation
		}
		path = append(path, i)
	}
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
	return reparsed{root: c.along(prev, path, leaf), at: start, delta: delta}, true
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

func (c *copier) value() *Value {
	if len(c.vals) == 0 {
		return new(Value)
	}
	v := &c.vals[0]
	c.vals = c.vals[1:]
	return v
}

func (c *copier) member() *Member {
	if len(c.mems) == 0 {
		return new(Member)
	}
	m := &c.mems[0]
	c.mems = c.mems[1:]
	return m
}

func (c *copier) memberPtrs(n int) []*Member {
	if len(c.mptrs) < n {
		return make([]*Member, n)
	}
	out := c.mptrs[:n:n]
	c.mptrs = c.mptrs[n:]
	return out
}

func (c *copier) valuePtrs(n int) []*Value {
	if len(c.vptrs) < n {
		return make([]*Value, n)
	}
	out := c.vptrs[:n:n]
	c.vptrs = c.vptrs[n:]
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

// moved is v moved by delta: v itself when delta is 0.
func (c *copier) moved(v *Value) *Value {
	if c.delta == 0 {
		return v
	}
	out := c.value()
	*out = *v
	out.Span.Start += c.delta
	out.Span.End += c.delta
	if len(v.Members) > 0 {
		ms := c.memberPtrs(len(v.Members))
		for j, m := range v.Members {
			ms[j] = c.movedMember(m)
		}
		out.Members = ms
	}
	if len(v.Elems) > 0 {
		es := c.valuePtrs(len(v.Elems))
		for j, e := range v.Elems {
			es[j] = c.moved(e)
		}
		out.Elems = es
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

// movedLines is the line index of content after a reparse that changed no
// line break (a scalar value holds none): prev's, with the starts after the
// change moved by delta.
func movedLines(prev Lines, r reparsed) Lines {
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
