package clip

import (
	"strconv"
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

// Quote shows values as they are, without escaped quotes or backslashes,
// delimited by a quote the value does not hold; control characters stay
// escaped.
func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://proxy.example.com,direct", `"https://proxy.example.com,direct"`},
		{`"off"`, `'"off"'`},
		{`GOPRIVATE = "corp.example.com"`, `'GOPRIVATE = "corp.example.com"'`},
		{`it's "x"`, "`it's \"x\"`"},
		{`C:\Users\me\go`, `"C:\Users\me\go"`},
		{"a\nb\tc\x01\r", `"a\nb\tc\x01\r"`},
		{"", `""`},
	} {
		if got := Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	// All three quotes in the value: Go quoting is the last resort.
	if got := Quote("\"'`"); got != strconv.Quote("\"'`") {
		t.Errorf("Quote of all quotes = %s", got)
	}
	// Cut like Value.
	if got := Quote(strings.Repeat("a", 5000)); utf8.RuneCountInString(got) != MaxValue+2 {
		t.Errorf("Quote of 5000 characters: %d characters", utf8.RuneCountInString(got))
	}
}
