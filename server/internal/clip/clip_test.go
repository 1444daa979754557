package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTo(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"äöü", 3, "äöü"},  // 6 bytes, 3 characters: fits
		{"äöüß", 3, "äö…"}, // cut on a character boundary
		{"a\xffbc", 3, "a\xff…"},
	} {
		if got := To(c.in, c.n); got != c.want {
			t.Errorf("To(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
	huge := strings.Repeat("https://proxy.example.com,", 200_000) // ~5 MB
	v := Value(huge)
	if utf8.RuneCountInString(v) != MaxValue || !strings.HasSuffix(v, Ellipsis) || !strings.HasPrefix(huge, strings.TrimSuffix(v, Ellipsis)) {
		t.Errorf("Value of 5 MB: %d characters %q", utf8.RuneCountInString(v), v[len(v)-20:])
	}
	if m := Message(huge); utf8.RuneCountInString(m) != MaxMessage {
		t.Errorf("Message: %d characters", utf8.RuneCountInString(m))
	}
}
