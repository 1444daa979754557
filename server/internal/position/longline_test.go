package position

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// refPosition and refOffset are the straightforward conversions (decode the
// line from its start every time), the Mapper's behaviour before it kept
// checkpoints: the reference the checkpointed conversions must agree with.
func refPosition(m *Mapper, offset int) Position {
	offset = m.clamp(offset)
	line := m.Line(offset)
	start := m.lineStarts[line]
	if offset > start && offset < len(m.content) && m.content[offset] == '\n' && m.content[offset-1] == '\r' {
		offset--
	}
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

func refOffset(m *Mapper, p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(m.lineStarts) {
		return len(m.content)
	}
	start := m.lineStarts[p.Line]
	end := len(m.content)
	if p.Line+1 < len(m.lineStarts) {
		end = m.lineStarts[p.Line+1] - 1
		if end > start && m.content[end-1] == '\r' {
			end--
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

// minifiedSettings is a one-line settings.json with n keys, as a minifier
// or a settings-sync tool writes it; values mix ASCII, 2-, 3- and 4-byte
// runes (the last two UTF-16 units) so UTF-16 counts differ from bytes.
func minifiedSettings(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"go.toolsEnvVars":{`)
	values := []string{"https://proxy.example.com,direct", "café", "中文代理", "😀|direct", "off"}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"GOVAR_%d":"%s"`, i, values[i%len(values)])
	}
	b.WriteString(`}}`)
	return b.Bytes()
}

// longLineContent is a minified line between short and CRLF lines, with an
// invalid byte and a lone "\r" on the long line, and a second long line.
func longLineContent() []byte {
	var b bytes.Buffer
	b.WriteString("// synced\r\n")
	long := minifiedSettings(600)
	b.Write(long[:len(long)/2])
	b.WriteString("\xff\xfe\r")
	b.Write(long[len(long)/2:])
	b.WriteString("\r\n\n")
	b.Write(bytes.Repeat([]byte("é😀a"), 500))
	b.WriteString("\n")
	return b.Bytes()
}

func TestMapperLongLineMatchesReference(t *testing.T) {
	content := longLineContent()
	m := NewMapper(content)
	rng := rand.New(rand.NewPCG(1, 2))
	var offsets []int
	for range 1000 {
		offsets = append(offsets, rng.IntN(len(content)+1))
	}
	// Every line's edges and the checkpoints' neighbourhoods.
	for _, s := range m.lineStarts {
		offsets = append(offsets, s-2, s-1, s, s+1)
	}
	for i := 0; i < len(content); i += checkpointEvery {
		offsets = append(offsets, i-1, i, i+1, i+2, i+3)
	}
	for _, off := range offsets {
		got, want := m.Position(off), refPosition(m, off)
		if got != want {
			t.Fatalf("Position(%d) = %+v, reference %+v", off, got, want)
		}
		// Every character on the line around it, and past the end.
		for _, c := range []int{want.Character - 1, want.Character, want.Character + 1, 1 << 30, -1} {
			p := Position{Line: want.Line, Character: c}
			if got, want := m.Offset(p), refOffset(m, p); got != want {
				t.Fatalf("Offset(%+v) = %d, reference %d", p, got, want)
			}
		}
	}
	for line := -1; line <= m.LineCount(); line++ {
		for range 100 {
			p := Position{Line: line, Character: rng.IntN(len(content))}
			if got, want := m.Offset(p), refOffset(m, p); got != want {
				t.Fatalf("Offset(%+v) = %d, reference %d", p, got, want)
			}
		}
	}
}

// TestMapperLongLineWork counts the bytes each conversion decodes on a
// one-line file: bounded by the checkpoint spacing, not the line's length
// (the reference decodes up to the whole line per conversion).
func TestMapperLongLineWork(t *testing.T) {
	content := minifiedSettings(8000)
	m := NewMapper(content)
	const bound = 2*checkpointEvery + 2*utf8.UTFMax
	total, refTotal := 0, 0
	for off := 0; off <= len(content); off += 97 {
		p, work := m.position(off)
		if work > bound {
			t.Fatalf("Position(%d) decoded %d bytes, want at most %d", off, work, bound)
		}
		o, work := m.offset(p)
		if work > bound {
			t.Fatalf("Offset(%+v) decoded %d bytes, want at most %d", p, work, bound)
		}
		if o > off || off-o >= utf8.UTFMax {
			t.Fatalf("Offset(Position(%d)) = %d, not the start of the rune at %d", off, o, off)
		}
		total += work
		refTotal += o // the reference decodes the line up to the offset
	}
	t.Logf("%d bytes on one line: Offset decoded %d bytes in all, the reference %d", len(content), total, refTotal)
}

// BenchmarkMapperLongLine converts the start and end of every key of a
// minified 8,000-key settings.json, as a diagnosis and a code action do on
// each keystroke; reference is the per-conversion line scan for comparison.
func BenchmarkMapperLongLine(b *testing.B) {
	content := minifiedSettings(8000)
	var keys []int
	for i := 0; ; {
		j := bytes.Index(content[i:], []byte(`"GOVAR_`))
		if j < 0 {
			break
		}
		keys = append(keys, i+j)
		i += j + 1
	}
	b.Run("mapper", func(b *testing.B) {
		b.SetBytes(int64(len(content)))
		for b.Loop() {
			m := NewMapper(content)
			for _, k := range keys {
				m.Offset(m.Range(k, k+8).End)
			}
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.SetBytes(int64(len(content)))
		for b.Loop() {
			m := NewMapper(content)
			for _, k := range keys {
				refOffset(m, refPosition(m, k+8))
				refPosition(m, k)
			}
		}
	})
}
