package position

import (
	"bytes"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestPositionUTF16(t *testing.T) {
	// "a" 1 byte/1 unit, "é" 2/1, "中" 3/1, "😀" 4/2 (a surrogate pair).
	content := []byte("aé中😀x\n😀😀\n")
	m := NewMapper(content)
	for _, c := range []struct {
		offset int
		want   Position
	}{
		{0, Position{0, 0}},
		{1, Position{0, 1}},  // after a
		{3, Position{0, 2}},  // after é
		{6, Position{0, 3}},  // after 中
		{10, Position{0, 5}}, // after 😀: two units
		{11, Position{0, 6}}, // after x, at "\n"
		{12, Position{1, 0}},
		{16, Position{1, 2}},
		{20, Position{1, 4}},
		{21, Position{2, 0}}, // the empty line after the final "\n"
		// Inside a multi-byte rune: the rune's start.
		{2, Position{0, 1}},
		{7, Position{0, 3}},
		{9, Position{0, 3}},
		// Clamped.
		{-1, Position{0, 0}},
		{1000, Position{2, 0}},
	} {
		if got := m.Position(c.offset); got != c.want {
			t.Errorf("Position(%d) = %+v, want %+v", c.offset, got, c.want)
		}
	}
	for _, c := range []struct {
		pos  Position
		want int
	}{
		{Position{0, 0}, 0},
		{Position{0, 3}, 6},
		{Position{0, 4}, 10}, // inside the surrogate pair: the end of the rune
		{Position{0, 5}, 10},
		{Position{0, 6}, 11},
		{Position{0, 99}, 11}, // past the end of the line: before "\n"
		{Position{1, 1}, 16},
		{Position{1, 2}, 16},
		{Position{2, 0}, 21},
		{Position{2, 5}, 21},
		{Position{3, 0}, 21}, // past the last line: the end of the file
		{Position{-1, 3}, 0},
		{Position{1, -4}, 12},
	} {
		if got := m.Offset(c.pos); got != c.want {
			t.Errorf("Offset(%+v) = %d, want %d", c.pos, got, c.want)
		}
	}
	if got := m.LineCount(); got != 3 {
		t.Errorf("LineCount = %d, want 3", got)
	}
	if r := m.Range(3, 11); r != (Range{Position{0, 2}, Position{0, 6}}) {
		t.Errorf("Range(3, 11) = %+v", r)
	}
}

func TestPositionCRLF(t *testing.T) {
	content := []byte("{\r\n  \"a\": 1,\r\n\r\n  \"b\": 2\r\n}")
	m := NewMapper(content)
	b := bytes.Index(content, []byte(`"b"`))
	if got := m.Position(b); got != (Position{3, 2}) {
		t.Errorf("Position of \"b\" = %+v, want line 3 character 2", got)
	}
	// The end of line 1 is before its "\r\n", whether the offset points at
	// the "\r" or between the "\r" and the "\n".
	cr := bytes.Index(content[3:], []byte("\r\n")) + 3
	for _, off := range []int{cr, cr + 1} {
		if got := m.Position(off); got != (Position{1, 9}) {
			t.Errorf("Position(%d) = %+v, want {1 9}", off, got)
		}
	}
	// A character past the end of a CRLF line stops before the "\r": an edit
	// "to the end of the line" keeps the line ending intact.
	if got := m.Offset(Position{1, 999}); got != cr {
		t.Errorf("Offset past the end of a CRLF line = %d, want %d (before \\r)", got, cr)
	}
	if got := m.Offset(Position{2, 5}); got != cr+2 {
		t.Errorf("Offset on an empty CRLF line = %d, want %d", got, cr+2)
	}
	if got := m.Offset(Position{4, 3}); got != len(content) {
		t.Errorf("Offset past the last line's end = %d", got)
	}
	// A lone "\r" is ordinary text.
	lone := NewMapper([]byte("a\rb\nc"))
	if got := lone.Position(3); got != (Position{0, 3}) {
		t.Errorf("lone \\r: Position(3) = %+v", got)
	}
	if got := lone.Offset(Position{0, 9}); got != 3 {
		t.Errorf("lone \\r: Offset past the end = %d", got)
	}
	if got := m.Line(b); got != 3 {
		t.Errorf("Line = %d", got)
	}
}

func TestPositionInvalidUTF8(t *testing.T) {
	// Each invalid byte counts as one U+FFFD: one unit.
	m := NewMapper([]byte("a\xff\xfeb"))
	if got := m.Position(4); got != (Position{0, 4}) {
		t.Errorf("Position after invalid bytes = %+v", got)
	}
	if got := m.Offset(Position{0, 2}); got != 2 {
		t.Errorf("Offset(0,2) = %d", got)
	}
}

func TestPositionEmpty(t *testing.T) {
	m := NewMapper(nil)
	if m.Position(5) != (Position{}) || m.Offset(Position{3, 3}) != 0 || m.LineCount() != 1 || m.Line(-3) != 0 {
		t.Errorf("empty content: %+v %d %d", m.Position(5), m.Offset(Position{3, 3}), m.LineCount())
	}
}

// editorUnits counts a prefix of a line the way a UTF-16 editor does, with
// each invalid byte as one U+FFFD (as converting to []rune does).
func editorUnits(b []byte) int { return len(utf16.Encode([]rune(string(b)))) }

// boundaries returns the rune boundaries of content, decoding each line from
// its start (an invalid byte is a rune of its own).
func boundaries(content []byte) map[int]bool {
	b := map[int]bool{len(content): true}
	for i := 0; i < len(content); {
		b[i] = true
		_, size := utf8.DecodeRune(content[i:])
		i += size
	}
	return b
}

// crlfMiddle reports an offset between the "\r" and the "\n" of a line ending.
func crlfMiddle(c []byte, off int) bool {
	return off > 0 && off < len(c) && c[off] == '\n' && c[off-1] == '\r'
}

func FuzzMapper(f *testing.F) {
	for _, s := range []string{"", "a", "\n", "\r\n", "a\r\nb\r\n", "😀\n😀", "é中😀\r\nx", "\xff\xfe\n\xf0\x9f", "{\r\n  \"k\": \"v\"\r\n}\r\n", "a\rb"} {
		f.Add([]byte(s), 3, 2)
	}
	f.Fuzz(func(t *testing.T, content []byte, line, char int) {
		// Position decodes up to a checkpoint spacing per offset and every offset is
		// checked: keep inputs small enough for many executions per second.
		if len(content) > 1<<10 {
			content = content[:1<<10]
		}
		m := NewMapper(content)
		if got := m.LineCount(); got != bytes.Count(content, []byte("\n"))+1 {
			t.Fatalf("LineCount %d", got)
		}
		bounds := boundaries(content)
		prev := Position{}
		wantLine, lineStart := 0, 0
		for off := 0; off <= len(content); off++ {
			if off > 0 && content[off-1] == '\n' {
				wantLine, lineStart = wantLine+1, off
			}
			p := m.Position(off)
			if p.Line != wantLine || m.Line(off) != p.Line {
				t.Fatalf("offset %d: line %d (Line %d), want %d", off, p.Line, m.Line(off), wantLine)
			}
			// Positions never go backwards.
			if p.Line < prev.Line || p.Line == prev.Line && p.Character < prev.Character {
				t.Fatalf("offset %d: %+v after %+v", off, p, prev)
			}
			prev = p
			if !bounds[off] || crlfMiddle(content, off) {
				continue
			}
			if want := editorUnits(content[lineStart:off]); p.Character != want {
				t.Fatalf("offset %d: character %d, want %d UTF-16 units", off, p.Character, want)
			}
			if back := m.Offset(p); back != off {
				t.Fatalf("round trip: offset %d -> %+v -> %d", off, p, back)
			}
		}
		// Clamping.
		if m.Position(-1-len(content)) != m.Position(0) || m.Position(len(content)+7) != m.Position(len(content)) {
			t.Fatalf("offsets do not clamp")
		}
		// Any position maps to a rune boundary on its line (or the file's end),
		// never inside a "\r\n".
		o := m.Offset(Position{Line: line, Character: char})
		if o < 0 || o > len(content) || !bounds[o] || crlfMiddle(content, o) {
			t.Fatalf("Offset(%d, %d) = %d", line, char, o)
		}
		if single := Offset(content, Position{Line: line, Character: char}); single != o {
			t.Fatalf("Offset(content, %d, %d) = %d, the Mapper says %d", line, char, single, o)
		}
		switch {
		case line < 0:
			if o != 0 {
				t.Fatalf("negative line: %d", o)
			}
		case line >= m.LineCount():
			if o != len(content) {
				t.Fatalf("line past the end: %d", o)
			}
		default:
			if m.Line(o) != line {
				t.Fatalf("Offset(%d, %d) = %d on line %d", line, char, o, m.Line(o))
			}
			// Past the end of the line: before its ending.
			text := content[m.Offset(Position{Line: line}):]
			if i := bytes.IndexByte(text, '\n'); i >= 0 {
				text = text[:i]
			}
			if line+1 < m.LineCount() {
				text = bytes.TrimSuffix(text, []byte("\r"))
			}
			if end := m.Offset(Position{Line: line, Character: 1 << 30}); end != m.Offset(Position{Line: line})+len(text) {
				t.Fatalf("line %d: end %d, text %q", line, end, text)
			}
		}
	})
}
