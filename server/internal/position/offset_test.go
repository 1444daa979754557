package position

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestOffsetAgreesWithMapper: Offset answers as a Mapper of the whole
// content does, for every line (and past the last) and characters before,
// inside and past each line, on text with CRLF, multi-byte runes, surrogate
// pairs, invalid bytes and long lines.
func TestOffsetAgreesWithMapper(t *testing.T) {
	pieces := []string{"a", "é", "😀", "\r\n", "\n", "\r", "\xff", "  ", "\u2028", strings.Repeat("x", 300)}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		content := []byte(b.String())
		m := NewMapper(content)
		for line := -1; line <= m.LineCount()+1; line++ {
			for _, ch := range []int{0, 1, 2, 3, 5, 8, 299, 300, 301, 700, 1 << 20} {
				p := Position{Line: line, Character: ch}
				if got, want := Offset(content, p), m.Offset(p); got != want {
					t.Fatalf("text %d %q: Offset(%v) = %d, Mapper says %d", n, content, p, got, want)
				}
			}
		}
	}
}
