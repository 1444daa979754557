package lsp

import (
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

// A snippet's text keeps its meaning: "$", "}" and "\" are escaped, and
// the caret goes where the engine put it.
func TestSnippetEscape(t *testing.T) {
	if got, want := snippetEscape(`a$b}c\d`)+"$0", `a\$b\}c\\d$0`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// sortKey keeps the engine's order whatever the client's string sort.
func TestSortKeyOrder(t *testing.T) {
	var keys []string
	for i := range 250 {
		keys = append(keys, sortKey(i))
	}
	if !sort.StringsAreSorted(keys) {
		t.Errorf("sort keys out of order: %q", keys)
	}
}

// positionAt agrees with an index of the whole content at every rune
// boundary: BOM, CRLF, multi-byte and astral runes.
func TestPositionAtAgreesWithMapper(t *testing.T) {
	content := []byte("\ufeff{\r\n  \"é\": \"😀x\",\r\n\r\n  \"GOP\"\n}")
	m := position.NewMapper(content)
	for off := 0; off <= len(content); off++ {
		if off < len(content) && !utf8.RuneStart(content[off]) {
			continue
		}
		if got, want := positionAt(content, off), m.Position(off); got != want {
			t.Errorf("offset %d: %+v, want %+v", off, got, want)
		}
	}
}
