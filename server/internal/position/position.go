// Package position converts between byte offsets in a file and LSP positions
// (0-based line, UTF-16 code unit character). It is the only place that knows
// about UTF-16; everything else in the server speaks byte offsets.
package position

import (
	"bytes"
	"sort"
	"sync"
	"unicode/utf8"
)

// Mapper maps byte offsets of one file's content to LSP positions and back.
// Lines end at "\n"; a "\r" before it is part of the line ending, as in LSP
// (a client's line text never includes it).
//
// A conversion decodes the line from its start, or on lines longer than
// checkpointEvery from the nearest checkpoint: the UTF-16 count at every
// checkpointEvery bytes of the file, computed once, on the first conversion
// on a long line. A minified one-line settings.json thus costs O(log n) per
// conversion instead of O(n). A Mapper is safe for concurrent use.
type Mapper struct {
	content    []byte
	lineStarts []int // byte offset of the first byte of each line

	once        sync.Once
	checkpoints []checkpoint // by offset (and units); built by once
}

// checkpointEvery is the spacing of checkpoints in bytes, and the length
// from which a line is long: a conversion decodes at most about this many
// bytes (plus a rune) once the checkpoints exist.
const checkpointEvery = 256

// checkpoint is a rune boundary (decoding the whole file from its start,
// which is also decoding each line from its start: "\n" and "\r" are never
// part of a multi-byte rune) and the UTF-16 units before it in the file.
type checkpoint struct {
	offset, units int
}

// NewMapper indexes content. The content must not be modified afterwards.
func NewMapper(content []byte) *Mapper {
	starts := make([]int, 1, 1+bytes.Count(content, []byte{'\n'}))
	for start := 0; ; {
		i := bytes.IndexByte(content[start:], '\n')
		if i < 0 {
			break
		}
		start += i + 1
		starts = append(starts, start)
	}
	return &Mapper{content: content, lineStarts: starts}
}

// NewMapperLines is NewMapper for content whose line index is known
// already: lineStarts must be 0 followed by the offset after each "\n" of
// content, in order (sources.Lines). Neither may be modified afterwards.
func NewMapperLines(content []byte, lineStarts []int) *Mapper {
	return &Mapper{content: content, lineStarts: lineStarts}
}

// Position is an LSP position: 0-based line and UTF-16 character.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// Range is an LSP range.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Line returns the 0-based line holding offset (clamped to the content).
func (m *Mapper) Line(offset int) int {
	offset = m.clamp(offset)
	return sort.Search(len(m.lineStarts), func(i int) bool { return m.lineStarts[i] > offset }) - 1
}

// Position converts a byte offset. Offsets inside a multi-byte rune map to the
// rune's start; offsets past the end map to the end of the file.
func (m *Mapper) Position(offset int) Position {
	p, _ := m.position(offset)
	return p
}

// position is Position, also reporting how many bytes it decoded.
func (m *Mapper) position(offset int) (Position, int) {
	offset = m.clamp(offset)
	line := m.Line(offset)
	start := m.lineStarts[line]
	// Between the "\r" and the "\n" of a line ending is the end of the line.
	if offset > start && offset < len(m.content) && m.content[offset] == '\n' && m.content[offset-1] == '\r' {
		offset--
	}
	// Count the runes that end at or before offset, decoding from the line's
	// start as Offset does (an invalid byte is one U+FFFD): an offset inside
	// a multi-byte rune maps to the rune's start. On a long line, start from
	// the last checkpoint at or before offset instead.
	from, units, work := start, 0, 0
	if offset-start > checkpointEvery {
		cps := m.index()
		if i := sort.Search(len(cps), func(i int) bool { return cps[i].offset > offset }) - 1; i >= 0 && cps[i].offset > start {
			base, w := m.unitsBefore(start)
			from, units, work = cps[i].offset, cps[i].units-base, w
		}
	}
	i := from
	for i < offset {
		r, size := utf8.DecodeRune(m.content[i:])
		if i+size > offset {
			break
		}
		units += utf16Units(r)
		i += size
	}
	return Position{Line: line, Character: units}, work + i - from
}

// Range converts a half-open byte range.
func (m *Mapper) Range(start, end int) Range {
	return Range{Start: m.Position(start), End: m.Position(end)}
}

// Offset converts an LSP position back to a byte offset. A character past the
// end of its line maps to the end of the line (before "\r\n" or "\n"), as LSP
// requires; a line past the end maps to the end of the file.
func (m *Mapper) Offset(p Position) int {
	o, _ := m.offset(p)
	return o
}

// offset is Offset, also reporting how many bytes it decoded.
func (m *Mapper) offset(p Position) (int, int) {
	if p.Line < 0 {
		return 0, 0
	}
	if p.Line >= len(m.lineStarts) {
		return len(m.content), 0
	}
	start := m.lineStarts[p.Line]
	end := len(m.content)
	if p.Line+1 < len(m.lineStarts) {
		end = m.lineStarts[p.Line+1] - 1 // the "\n"
		if end > start && m.content[end-1] == '\r' {
			end-- // the "\r" of "\r\n"
		}
	}
	// The first rune boundary on the line with at least p.Character units
	// before it. Units grow by at least one per rune, so on a long line the
	// scan can start at the last checkpoint within the line with no more
	// units than that.
	from, units, work := start, 0, 0
	if end-start > checkpointEvery && p.Character > checkpointEvery {
		cps := m.index()
		base, w := m.unitsBefore(start)
		work = w
		want := base + p.Character
		i := sort.Search(len(cps), func(i int) bool {
			return cps[i].offset > end || cps[i].units > want
		}) - 1
		if i >= 0 && cps[i].offset > start {
			from, units = cps[i].offset, cps[i].units-base
		}
	}
	for i := from; i < end; {
		if units >= p.Character {
			return i, work + i - from
		}
		r, size := utf8.DecodeRune(m.content[i:end])
		units += utf16Units(r)
		i += size
	}
	return end, work + end - from
}

// index returns the checkpoints, building them on first use.
func (m *Mapper) index() []checkpoint {
	m.once.Do(func() {
		cps := make([]checkpoint, 0, len(m.content)/checkpointEvery+1)
		next, units := checkpointEvery, 0
		for i := 0; i < len(m.content); {
			if i >= next {
				cps = append(cps, checkpoint{offset: i, units: units})
				next = i + checkpointEvery
			}
			if c := m.content[i]; c < utf8.RuneSelf {
				units++
				i++
				continue
			}
			r, size := utf8.DecodeRune(m.content[i:])
			units += utf16Units(r)
			i += size
		}
		m.checkpoints = cps
	})
	return m.checkpoints
}

// unitsBefore is the number of UTF-16 units in the file before the start of
// a line (a rune boundary), from the checkpoints: O(log n + checkpointEvery).
// It also reports how many bytes it decoded.
func (m *Mapper) unitsBefore(lineStart int) (units, work int) {
	cps := m.index()
	from := 0
	if i := sort.Search(len(cps), func(i int) bool { return cps[i].offset > lineStart }) - 1; i >= 0 {
		from, units = cps[i].offset, cps[i].units
	}
	for i := from; i < lineStart; {
		r, size := utf8.DecodeRune(m.content[i:])
		units += utf16Units(r)
		i += size
	}
	return units, lineStart - from
}

// LineCount is the number of lines (a trailing "\n" starts an empty last line).
func (m *Mapper) LineCount() int { return len(m.lineStarts) }

func (m *Mapper) clamp(offset int) int {
	if offset < 0 {
		return 0
	}
	if offset > len(m.content) {
		return len(m.content)
	}
	return offset
}

// utf16Units is the length of r in UTF-16 (utf8.RuneError, which stands for
// an invalid byte, is one unit).
func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// Offset is NewMapper(content).Offset(p) without indexing the whole
// content: only the lines up to p's are scanned, and nothing is kept. It is
// for a single conversion (an incoming edit of a large document).
func Offset(content []byte, p Position) int {
	if p.Line < 0 {
		return 0
	}
	start := 0
	for range p.Line {
		i := bytes.IndexByte(content[start:], '\n')
		if i < 0 {
			return len(content) // a line past the end
		}
		start += i + 1
	}
	end := len(content)
	if i := bytes.IndexByte(content[start:], '\n'); i >= 0 {
		end = start + i + 1
	}
	return start + NewMapper(content[start:end]).Offset(Position{Character: p.Character})
}
