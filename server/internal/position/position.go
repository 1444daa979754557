// Package position converts between byte offsets in a file and LSP positions
// (0-based line, UTF-16 code unit character). It is the only place that knows
// about UTF-16; everything else in the server speaks byte offsets.
package position

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// Mapper maps byte offsets of one file's content to LSP positions and back.
// Lines end at "\n"; a "\r" before it is part of the line ending, as in LSP
// (a client's line text never includes it).
type Mapper struct {
	content    []byte
	lineStarts []int // byte offset of the first byte of each line
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
	// Between the "\r" and the "\n" of a line ending is the end of the line.
	if offset > start && offset < len(m.content) && m.content[offset] == '\n' && m.content[offset-1] == '\r' {
		offset--
	}
	// Count the runes that end at or before offset, decoding from the line's
	// start as Offset does (an invalid byte is one U+FFFD): an offset inside
	// a multi-byte rune maps to the rune's start.
	units := 0
	for i := start; i < offset; {
		r, size := utf8.DecodeRune(m.content[i:])
		if i+size > offset {
			break
		}
		units += utf16Units(r)
		i += size
	}
	return Position{Line: line, Character: units}
}

// Range converts a half-open byte range.
func (m *Mapper) Range(start, end int) Range {
	return Range{Start: m.Position(start), End: m.Position(end)}
}

// Offset converts an LSP position back to a byte offset. A character past the
// end of its line maps to the end of the line (before "\r\n" or "\n"), as LSP
// requires; a line past the end maps to the end of the file.
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
		if end > start && m.content[end-1] == '\r' {
			end-- // the "\r" of "\r\n"
		}
	}
	units := 0
	for i := start; i < end; {
		if units >= p.Character {
			return i
		}
		r, size := utf8.DecodeRune(m.content[i:end])
		units += utf16Units(r)
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

// utf16Units is the length of r in UTF-16 (utf8.RuneError, which stands for
// an invalid byte, is one unit).
func utf16Units(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
