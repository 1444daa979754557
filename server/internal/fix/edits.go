// Package fix computes the text edits of quick fixes: operations on a
// comment-preserving JSONC document (set a value, insert a member with the
// intermediate objects it needs, remove or rename a member, create a whole
// settings file) and on GOENV files (cmd/go's KEY=VALUE lines). Every
// operation yields minimal edits that keep each other byte of the file —
// comments, blank lines, key order, indentation, line endings, BOM and the
// trailing-comma style — and can be replayed on a parsed tree without the
// text, so that a fix can be checked against the engine before it is offered.
// Nothing here reads or writes files.
package fix

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// TextEdit replaces Span of a file's content with NewText.
type TextEdit struct {
	Span    sources.Span
	NewText string
}

// Apply applies edits to content. Edits may come in any order but must not
// overlap (two insertions at one offset are applied in the given order).
func Apply(content []byte, edits []TextEdit) ([]byte, error) {
	sorted := sortEdits(edits)
	var out bytes.Buffer
	out.Grow(len(content))
	last := 0
	for _, e := range sorted {
		if e.Span.Start < last || e.Span.End < e.Span.Start || e.Span.End > len(content) {
			return nil, fmt.Errorf("edit [%d,%d) overlaps another edit or lies outside %d bytes", e.Span.Start, e.Span.End, len(content))
		}
		out.Write(content[last:e.Span.Start])
		out.WriteString(e.NewText)
		last = e.Span.End
	}
	out.Write(content[last:])
	return out.Bytes(), nil
}

func sortEdits(edits []TextEdit) []TextEdit {
	sorted := append([]TextEdit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Span.Start < sorted[j].Span.Start })
	return sorted
}

// Diff returns small edits that turn a into b: the common prefix and suffix
// are kept, the rest is compared line by line, and each changed hunk (each
// changed line, when a hunk replaces as many lines as it removes) is
// trimmed to the bytes that differ (on rune boundaries, never splitting a
// "\r\n", which an LSP position cannot point into).
func Diff(a, b []byte) []TextEdit {
	if bytes.Equal(a, b) {
		return nil
	}
	// Whole lines around the change stay out of the line diff.
	p := commonPrefix(a, b)
	p = bytes.LastIndexByte(a[:p], '\n') + 1
	s := commonSuffix(a[p:], b[p:])
	if i := bytes.IndexByte(a[len(a)-s:], '\n'); i >= 0 {
		s -= i + 1
	} else {
		s = 0
	}
	am, bm := a[p:len(a)-s], b[p:len(b)-s]
	al, bl := splitLines(am), splitLines(bm)
	var out []TextEdit
	for _, h := range lineHunks(al, bl) {
		start := p + offsetOf(al, h.a0)
		if h.a1-h.a0 == h.b1-h.b0 {
			// As many lines changed as replace them: line by line, so that
			// each edit stays on its own line (a CRLF to LF conversion).
			for i := 0; i < h.a1-h.a0; i++ {
				l := al[h.a0+i]
				if !bytes.Equal(l, bl[h.b0+i]) {
					out = append(out, minimize(a, TextEdit{Span: sources.Span{Start: start, End: start + len(l)}, NewText: string(bl[h.b0+i])}))
				}
				start += len(l)
			}
			continue
		}
		end := p + offsetOf(al, h.a1)
		text := joinLines(bl[h.b0:h.b1])
		out = append(out, minimize(a, TextEdit{Span: sources.Span{Start: start, End: end}, NewText: text}))
	}
	return out
}

// minimize trims the part of an edit's new text that equals the text it
// replaces, keeping rune and CRLF boundaries.
func minimize(content []byte, e TextEdit) TextEdit {
	old := content[e.Span.Start:e.Span.End]
	n := []byte(e.NewText)
	p := commonPrefix(old, n)
	s := commonSuffix(old[p:], n[p:])
	start, end := e.Span.Start+p, e.Span.End-s
	ns, ne := p, len(n)-s
	// Widen to whole runes and whole "\r\n" pairs, in both texts at once:
	// the widened bytes are common to both, so the edit stays correct.
	for start > e.Span.Start && (start < len(content) && !utf8.RuneStart(content[start]) || crlfSplit(content, start)) {
		start--
		ns--
	}
	for end < e.Span.End && (end < len(content) && !utf8.RuneStart(content[end]) || crlfSplit(content, end)) {
		end++
		ne++
	}
	return TextEdit{Span: sources.Span{Start: start, End: end}, NewText: string(n[ns:ne])}
}

// crlfSplit reports whether offset falls between a "\r" and its "\n".
func crlfSplit(content []byte, offset int) bool {
	return offset > 0 && offset < len(content) && content[offset-1] == '\r' && content[offset] == '\n'
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[len(a)-1-i] != b[len(b)-1-i] {
			return i
		}
	}
	return n
}

// splitLines splits after every "\n"; the last line may lack one.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

func offsetOf(lines [][]byte, n int) int {
	off := 0
	for _, l := range lines[:n] {
		off += len(l)
	}
	return off
}

func joinLines(lines [][]byte) string { return string(bytes.Join(lines, nil)) }

// hunk replaces lines [a0,a1) of a with lines [b0,b1) of b.
type hunk struct{ a0, a1, b0, b1 int }

// lineHunks is Myers' O(ND) diff over lines, as hunks of changed lines.
func lineHunks(a, b [][]byte) []hunk {
	n, m := len(a), len(b)
	max := n + m
	if max == 0 {
		return nil
	}
	v := make([]int, 2*max+2)
	var trace [][]int
	found := false
	for d := 0; d <= max && !found; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[max+k-1] < v[max+k+1] {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && bytes.Equal(a[x], b[y]) {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	// Walk back to recover, per line of a and b, whether it is kept.
	keepA, keepB := make([]bool, n), make([]bool, m)
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		vv := trace[d]
		k := x - y
		var prevK int
		if k == -d || k != d && vv[max+k-1] < vv[max+k+1] {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vv[max+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			keepA[x], keepB[y] = true, true
		}
		x, y = prevX, prevY
	}
	for x > 0 && y > 0 {
		x--
		y--
		keepA[x], keepB[y] = true, true
	}
	var out []hunk
	i, j := 0, 0
	for i < n || j < m {
		if i < n && j < m && keepA[i] && keepB[j] {
			i++
			j++
			continue
		}
		h := hunk{a0: i, b0: j}
		for i < n && !keepA[i] {
			i++
		}
		for j < m && !keepB[j] {
			j++
		}
		h.a1, h.b1 = i, j
		out = append(out, h)
	}
	return out
}

// Overlap reports whether two edits of one file touch: they overlap, or one
// starts where the other ends (two insertions at one point conflict too).
func Overlap(a, b sources.Span) bool {
	return a.Start <= b.End && b.Start <= a.End
}
