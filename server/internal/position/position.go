// Package position converts between byte offsets in a file and LSP positions
// (0-based line, UTF-16 code unit character). It is the only place that knows
// about UTF-16; everything else in the server speaks byte offsets.
package position

import (
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// Mapper maps byte offsets of one file's content to LSP positions and back.
// Lines end at "\n"; a "\r" before it belongs to the line's text, as in LSP.
type Mapper struct {
	content    []byte
	lineStarts []int // byte offset of the first byte of each line
}

// NewMapper indexes content. The content must not be modified afterwards.
func NewMapper(content []byte) *Mapper {
	starts := []int{0}
	for i, b := range content {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Mapper{content: content, lineStarts: starts}
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
	offset = m.clamp(offset)
	line := m.Line(offset)
	start := m.lineStarts[line]
	// Step back to a rune boundary so a split rune is not counted twice.
	for offset > start && !utf8.RuneStart(m.content[offset]) {
		offset--
	}
	return Position{Line: line, Character: utf16Len(m.content[start:offset])}
}

// Range converts a half-open byte range.
func (m *Mapper) Range(start, end int) Range {
	return Range{Start: m.Position(start), End: m.Position(end)}
}

// Offset converts an LSP position back to a byte offset. A character past the
// end of its line maps to the end of the line (before "\n"), as LSP requires;
// a line past the end maps to the end of the file.
func (m *Mapper) Offset(p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(m.lineStarts) {
		return len(m.content)
	}
	start := m.lineStarts[p.Line]
	end := len(m.content)
	if p.Line+1 < len(m.lineStarts) {
		end = m.lineStarts[p.Line+1] - 1 // the "\n"
	}
	units := 0
	for i := start; i < end; {
		if units >= p.Character {
			return i
		}
		r, size := utf8.DecodeRune(m.content[i:end])
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
		i += size
	}
	return end
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

func utf16Len(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			n++ // an invalid byte is one U+FFFD: one unit
		} else {
			n += len(utf16.Encode([]rune{r}))
		}
		b = b[size:]
	}
	return n
}
