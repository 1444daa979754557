package lsp

import (
	"sort"
	"testing"
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
