package buildenv

import "sort"

// textMap maps offsets in a derived text (a Dockerfile instruction with its
// line continuations removed, a YAML block scalar without its indentation)
// back to offsets in the file. The text is a concatenation of pieces of the
// file, each copied verbatim.
type textMap struct {
	segs []seg
}

type seg struct{ text, file, n int }

func identityMap(fileStart, n int) textMap { return textMap{[]seg{{0, fileStart, n}}} }

// add appends the file bytes [file, file+n) to the text.
func (m *textMap) add(text, file, n int) {
	if n <= 0 {
		return
	}
	if k := len(m.segs); k > 0 {
		last := &m.segs[k-1]
		if last.text+last.n == text && last.file+last.n == file {
			last.n += n
			return
		}
	}
	m.segs = append(m.segs, seg{text, file, n})
}

func (m textMap) find(off int) int {
	return sort.Search(len(m.segs), func(i int) bool { return m.segs[i].text+m.segs[i].n > off })
}

// start maps a text offset that begins a span.
func (m textMap) start(off int) int {
	i := m.find(off)
	if i == len(m.segs) {
		if i == 0 {
			return 0
		}
		s := m.segs[i-1]
		return s.file + s.n
	}
	s := m.segs[i]
	if off < s.text {
		off = s.text
	}
	return s.file + off - s.text
}

// end maps a text offset that ends a span (exclusive).
func (m textMap) end(off int) int {
	if off <= 0 {
		return m.start(0)
	}
	return m.start(off-1) + 1
}

// span maps a text span; an empty one stays empty.
func (m textMap) span(a, b int) Span {
	if b <= a {
		s := m.start(a)
		return Span{Start: s, End: s}
	}
	return Span{Start: m.start(a), End: m.end(b)}
}
