package fix

import (
	"slices"
	"testing"
)

// TestLostComments pins the contract the property tests and fuzz targets
// rely on. LostComments compares the comments of two whole texts as a
// multiset of their exact texts, wherever they stand: a comment is kept when
// the new text holds it anywhere (a move keeps it; the corpus test passes
// every file a fix writes, concatenated, so a comment moved to another file
// is kept too), and lost when the new text holds fewer copies of it. It knows
// nothing of members: a comment removed together with the member it
// documented is lost — Remove keeps comments, and a Moved remove writes them
// where the member goes, so a fix that drops one is wrong. A line comment is
// compared without its line ending, so CRLF and LF are the same comment; a
// block comment is compared byte for byte, line endings included.
func TestLostComments(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string
		lost     []string
	}{
		{"no comments", `{"a": 1}`, `{"a": 2}`, nil},
		{"kept in place", "{\n  // c\n  \"a\": 1\n}", "{\n  // c\n  \"a\": 2\n}", nil},
		{"moved", "{\n  // c\n  \"a\": 1,\n  \"b\": 2\n}", "{\n  \"b\": 2,\n  // c\n  \"a\": 1\n}", nil},
		{"moved into another file (texts concatenated)", "{\n  // c\n  \"a\": 1\n}\n{}\n", "{\n}\n{\n  // c\n  \"a\": 1\n}\n", nil},
		{"re-indented", "{\n    // c\n}", "{\n\t// c\n}", nil},
		{"dropped line comment", "{\n  // c\n  \"a\": 1\n}", "{\n  \"a\": 1\n}", []string{"// c"}},
		{"dropped block comment", `{"a": /* v */ 1}`, `{"a": 1}`, []string{"/* v */"}},
		{"dropped with the member it documented", "{\n  // the mirror\n  \"GOPROXY\": \"x\", /* why */\n  \"b\": 1\n}", "{\n  \"b\": 1\n}", []string{"// the mirror", "/* why */"}},
		{"duplicated", "{\n  // c\n}", "{\n  // c\n  // c\n}", nil},
		{"one of two copies dropped", "// c\n// c\n{}", "// c\n{}", []string{"// c"}},
		{"both copies dropped", "// c\n{} // c", "{}", []string{"// c", "// c"}},
		{"text changed", "{ // old\n}", "{ // new\n}", []string{"// old"}},
		{"trailing space changed", "{ // c \n}", "{ // c\n}", []string{"// c "}},
		{"line comment made a block comment", "{ // c\n}", "{ /* c */\n}", []string{"// c"}},
		{"a new comment is not a loss", `{}`, `{/* new */}`, nil},
		{"markers inside strings are not comments", `{"a": "http://x // y /* z */"}`, `{"a": "b"}`, nil},
		{"an escaped quote does not end the string", `{"a": "q\" // no"}`, `{"a": 1}`, nil},
		{"a comment after a string with an escaped backslash", `{"a": "\\" // yes` + "\n}", `{"a": "\\"` + "\n}", []string{"// yes"}},
		{"a quote inside a comment opens no string", "{ // say \"hi\n\"a\": 1 /* b */}", "{ // say \"hi\n\"a\": 1}", []string{"/* b */"}},
		{"CRLF to LF: the same line comment", "{\r\n  // c\r\n}\r\n", "{\n  // c\n}\n", nil},
		{"CRLF kept", "{\r\n  // c\r\n}\r\n", "{\r\n}\r\n", []string{"// c"}},
		{"line comment at the end without a line ending", "{} // end", "{}\n// end\n", nil},
		{"block comment over lines", "/* a\n   b */ {}", "{} /* a\n   b */", nil},
		{"block comment with its line endings changed", "/* a\r\n   b */ {}", "/* a\n   b */ {}", []string{"/* a\r\n   b */"}},
		{"line comment marker inside a block comment", "{/* x // y */}", "{}", []string{"/* x // y */"}},
		{"block comment marker inside a line comment", "{ // x /* y\n}", "{\n}", []string{"// x /* y"}},
		{"block comment of a slash", "{/*/ x */}", "{}", []string{"/*/ x */"}},
		{"unterminated block comment", "{} /* open", "{}", []string{"/* open"}},
		{"unterminated string hides what follows", "{\"a // b", "{", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := LostComments([]byte(tc.old), []byte(tc.new))
			if !slices.Equal(got, tc.lost) {
				t.Errorf("LostComments(%q, %q) = %q, want %q", tc.old, tc.new, got, tc.lost)
			}
		})
	}
}
