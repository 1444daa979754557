package sources

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/tailscale/hujson"
)

// hujsonParseJSONC is the differential oracle for ParseJSONC: the reference
// parser github.com/tailscale/hujson, wrapped with exactly the special cases
// that ParseJSONC shares with VS Code and hujson lacks (they were the
// previous ParseJSONC):
//
//   - a leading UTF-8 BOM is skipped, and spans count it;
//   - a file of only whitespace (bytes.TrimSpace) is an empty object, and so
//     is one of only comments and whitespace (VS Code's allowEmptyContent),
//     placed at the end of the file;
//   - a final "// comment" needs no newline (hujson wants one; appending it
//     moves no offset).
//
// The one deliberate difference left is depth: ParseJSONC rejects nesting
// deeper than maxJSONCDepth (as encoding/json does), hujson recurses without
// a limit. FuzzParseJSONCAgainstHujson allows exactly that.
func hujsonParseJSONC(content []byte) (*Value, error) {
	body, base := content, 0
	if bytes.HasPrefix(body, utf8BOM) {
		body, base = body[len(utf8BOM):], len(utf8BOM)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return &Value{Kind: Object, Span: Span{base, base}}, nil
	}
	buf := append(make([]byte, 0, len(body)+1), body...)
	if body[len(body)-1] != '\n' {
		buf = append(buf, '\n')
	}
	root, err := hujson.Parse(buf)
	if err != nil {
		// Comments only: the same text followed by a value parses, and that
		// value is the first thing after them.
		if v, err2 := hujson.Parse(append(buf, "{}"...)); err2 == nil && v.StartOffset == len(buf) {
			return &Value{Kind: Object, Span: Span{base + len(body), base + len(body)}}, nil
		}
		return nil, err
	}
	return fromHujson(&root, base), nil
}

// fromHujson builds the tree ParseJSONC must build: spans from hujson's
// StartOffset/EndOffset, strings decoded by Literal.String (encoding/json).
func fromHujson(v *hujson.Value, base int) *Value {
	out := &Value{Span: Span{base + v.StartOffset, base + v.EndOffset}}
	switch t := v.Value.(type) {
	case *hujson.Object:
		out.Kind = Object
		for i := range t.Members {
			m := &t.Members[i]
			out.Members = append(out.Members, &Member{
				Key:     m.Name.Value.(hujson.Literal).String(),
				KeySpan: Span{base + m.Name.StartOffset, base + m.Name.EndOffset},
				Value:   fromHujson(&m.Value, base),
			})
		}
	case *hujson.Array:
		out.Kind = Array
		for i := range t.Elements {
			out.Elems = append(out.Elems, fromHujson(&t.Elements[i], base))
		}
	case hujson.Literal:
		switch t.Kind() {
		case '"':
			out.Kind, out.Str = String, t.String()
		case '0':
			out.Kind, out.Str = Number, string(t)
		case 't', 'f':
			out.Kind, out.Str = Bool, string(t)
		default:
			out.Kind, out.Str = Null, "null"
		}
	}
	return out
}

// sameTree reports the first difference between two parses, or "".
func sameTree(got, want *Value, path string) string {
	switch {
	case got.Kind != want.Kind:
		return fmt.Sprintf("%s: kind %v, want %v", path, got.Kind, want.Kind)
	case got.Str != want.Str:
		return fmt.Sprintf("%s: Str %q, want %q", path, got.Str, want.Str)
	case got.Span != want.Span:
		return fmt.Sprintf("%s: span %v, want %v", path, got.Span, want.Span)
	case len(got.Members) != len(want.Members) || (got.Members == nil) != (want.Members == nil):
		return fmt.Sprintf("%s: %d members (nil %v), want %d (nil %v)", path, len(got.Members), got.Members == nil, len(want.Members), want.Members == nil)
	case len(got.Elems) != len(want.Elems) || (got.Elems == nil) != (want.Elems == nil):
		return fmt.Sprintf("%s: %d elements (nil %v), want %d (nil %v)", path, len(got.Elems), got.Elems == nil, len(want.Elems), want.Elems == nil)
	}
	for i, m := range got.Members {
		w := want.Members[i]
		p := fmt.Sprintf("%s.%q", path, w.Key)
		if m.Key != w.Key || m.KeySpan != w.KeySpan {
			return fmt.Sprintf("%s: key %q at %v, want %q at %v", p, m.Key, m.KeySpan, w.Key, w.KeySpan)
		}
		if d := sameTree(m.Value, w.Value, p); d != "" {
			return d
		}
	}
	for i, e := range got.Elems {
		if d := sameTree(e, want.Elems[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
			return d
		}
	}
	return ""
}

func treeDepth(v *Value) int {
	d := 0
	for _, m := range v.Members {
		d = max(d, treeDepth(m.Value))
	}
	for _, e := range v.Elems {
		d = max(d, treeDepth(e))
	}
	if v.Kind == Object || v.Kind == Array {
		d++
	}
	return d
}

func isDepthError(err *ParseError) bool {
	return err != nil && strings.HasPrefix(err.Msg, "nesting deeper than")
}

// compareWithHujson checks one input against the oracle.
func compareWithHujson(t *testing.T, in []byte) {
	t.Helper()
	got, gerr := ParseJSONC(in)
	want, werr := hujsonParseJSONC(in)
	if gerr != nil && (gerr.Offset < 0 || gerr.Offset > len(in) || gerr.Msg == "") {
		t.Fatalf("%q: error %+v outside the input of %d bytes", in, gerr, len(in))
	}
	if isDepthError(gerr) && werr == nil {
		if d := treeDepth(want); d <= maxJSONCDepth {
			t.Fatalf("%q: depth error at nesting %d: %v", in, d, gerr)
		}
		return
	}
	switch {
	case gerr != nil && werr == nil:
		t.Fatalf("%q: rejected (%v), hujson accepts", in, gerr)
	case gerr == nil && werr != nil:
		t.Fatalf("%q: accepted, hujson rejects (%v)", in, werr)
	case gerr != nil:
		return
	}
	if d := sameTree(got, want, "$"); d != "" {
		t.Fatalf("%q: %s", in, d)
	}
}

// jsoncOracleSeeds are inputs on every edge of the grammar: comments,
// trailing commas, BOM, CRLF, strings (escapes, surrogates, invalid UTF-8,
// control characters), literals and numbers, and what JSON rejects.
var jsoncOracleSeeds = []string{
	// Documents and whitespace.
	"", " ", "\t\r\n", "\ufeff", "\ufeff \r\n", "\ufeff{}", "\ufeff\ufeff{}", "{}\ufeff", "\u00a0", "\v", "\f{}", "\u00a0{}",
	"{}", "[]", " { } ", "null", "true", "false", "0", `"s"`, "{}{}", "{} []", "[] x",
	// Comments.
	"// only a comment\n", "/* only */", "// x", "{} // end", "{}\n// end", "{}\r\n// end\r", "{} // end\n", "{}//",
	"/**/{}", "/***/{}", "/*/{}", "{/**/}", "{} /* x", "{/* open", "{} / ", "{} /", "/", "{}/x", "// a\r{}", "// a\r\n{}",
	"{//c\n\"a\"//c\n://c\n1//c\n,//c\n}", "{/*a*/\"a\"/*b*/:/*c*/[/*d*/1/*e*/,/*f*/]/*g*/}",
	"// \u2028\n{}", "// \u2029\n{}", "/* \u2028 */{}", "{} // \u2028", "// \xff\n{}", "/* \xff */{}", "{} // \xe2\x80",
	"// \xe2\x80\xa8", "{\"a\": 1 // \u00e9\n}", "/* \u00e9 */ {}", "//\x00\n{}", "{}\n//\n//\n",
	// Trailing commas and separators.
	`{"a":1,}`, `{"a":1,,}`, `{,}`, `[,]`, `[1,]`, `[1,,]`, `[1 2]`, `{"a":1 "b":2}`, `{"a":1;}`, `{"a"::1}`, `{"a":}`,
	`{"a"}`, `{"a":1,"a":2}`, `[[],[[]],{}]`, `{"a":{"b":{"c":[1,{"d":null},],},},}`, "[1,\n]", "{\"a\":1\n,\n}",
	// Keys.
	`{a:1}`, `{'a':1}`, `{1:1}`, `{"":1}`, `{"\u0041":1}`, `{"a\"b":1}`, `{"\ud83d\ude00":1}`, "{\"\xff\":1}", `{null:1}`,
	// Strings.
	`"\"\\\/\b\f\n\r\t"`, `"\u0000"`, `"\u00e9\u00E9"`, `"\ud83d\ude00"`, `"\ud800"`, `"\udc00"`, `"\ud800\u0041"`,
	`"\ud800\ud800\udc00"`, `"\udc00\ud800"`, `"\ud800\\"`, `"\ud800\u12"`, `"\uDBFF\uDFFF"`, `"\u12"`, `"\u12G4"`,
	`"\x41"`, `"\a"`, `"\'"`, `"\ "`, "\"\\\n\"", `"\`, `"\"`, `"abc`, "\"a\nb\"", "\"a\tb\"", "\"a\x00b\"", "\"a\x1fb\"",
	"\"a\x7fb\"", "\"\xff\"", "\"\xed\xa0\x80\"", "\"a\xe2\x82\"", "\"\xef\xbf\xbd\"", "\"\xc0\x80\"", "\"\xf4\x90\x80\x80\"",
	"\"\u2028\u2029\"", "\"ключ\"", "\"😀\"", "\"\\u00e9\xff\"", "\"\xff\\n\"", "'a'", "\"a\"\"b\"", "[\"a\"\"b\"]",
	// Literals and numbers.
	"tru", "truex", "True", "nul", "nulls", "NaN", "Infinity", "-Infinity", "undefined", "[true1]", "[1true]", "[null,false]",
	"-", "-0", "-01", "0", "00", "01", "1.", ".5", "1.5", "-1.5e-3", "1e5", "1E+5", "1e", "1e+", "1.e5", "+1", "0x10",
	"1_000", "123456789012345678901234567890", "1e400", "[-]", "[1.5.5]", "[1e5e5]", "{\"a\":-}", "[0,-0,0.0,-0.0e-0]",
	// CRLF and realistic fragments.
	"{\r\n  \"go.toolsEnvVars\": {\r\n    \"GOPROXY\": \"https://proxy.example.com,direct\", // c\r\n  },\r\n}\r\n",
	"{\n  \"a\": tru\n}", "{\r\n  \"a\": 1,\r\n  'b': 2\r\n}", "{\n  \"a\": \"unterminated\n}", "\x00\x01\x02",
	"\x00\x01binary\xff\xfe", `{"go.toolsEnvVars": {"GOPROXY": `, "[[[[[[[[[[", "{\"a\":[{\"b\":[{\"c\":[",
	"{\"terminal.integrated.cwd\": \"C:\\\\Users\\\\dev\\\\go\"}",
}

func TestParseJSONCMatchesHujson(t *testing.T) {
	for _, s := range jsoncOracleSeeds {
		compareWithHujson(t, []byte(s))
	}
	compareWithHujson(t, []byte(realisticSettings(5000)))
	compareWithHujson(t, []byte(strings.ReplaceAll(realisticSettings(300), "\n", "\r\n")))
	compareWithHujson(t, []byte("\ufeff"+realisticSettings(300)+"\n// end"))
}

func TestParseJSONCDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat(`[{"a":`, n/2) + "1" + strings.Repeat("}]", n/2) }
	v, err := ParseJSONC([]byte(nest(maxJSONCDepth)))
	if err != nil {
		t.Fatalf("nesting %d: %v", maxJSONCDepth, err)
	}
	if d := treeDepth(v); d != maxJSONCDepth {
		t.Fatalf("depth %d, want %d", d, maxJSONCDepth)
	}
	for src, offset := range map[string]int{
		nest(maxJSONCDepth + 2): 3 * maxJSONCDepth, // the '[' that opens level 10,001
		strings.Repeat("[", maxJSONCDepth+1) + strings.Repeat("]", maxJSONCDepth+1): maxJSONCDepth,
		strings.Repeat("[", 100000): maxJSONCDepth,
	} {
		_, err := ParseJSONC([]byte(src))
		if !isDepthError(err) || err.Offset != offset {
			t.Errorf("nesting over %d: %+v, want a depth error at offset %d", maxJSONCDepth, err, offset)
		}
	}
	// The one deliberate difference from hujson, which has no limit.
	compareWithHujson(t, []byte(nest(maxJSONCDepth+2)))
}

func TestParseJSONCErrorMessages(t *testing.T) {
	for _, c := range []struct {
		src    string
		offset int
		msg    string
	}{
		{`{"a": 1`, 7, "unexpected EOF: expected ',' or '}' after object member"},
		{`{"a": 1 "b": 2}`, 8, `invalid character '"' after object member (expected ',' or '}')`},
		{`[1 2]`, 3, `invalid character '2' after array element (expected ',' or ']')`},
		{`[1,`, 3, "unexpected EOF: expected a value or ']'"},
		{`{"a":`, 5, "unexpected EOF: expected a value"},
		{`{"a"`, 4, "unexpected EOF: expected ':' after object name"},
		{`{`, 1, "unexpected EOF: expected an object key or '}'"},
		{`{a: 1}`, 1, `invalid character 'a' at start of object key (expected a double-quoted string or '}')`},
		{`{"a": "x\qy"}`, 8, `invalid escape "\\q" in string`},
		{`{"a": "\u12"}`, 7, `invalid escape "\\u12" in string`},
		{"{\"a\": \"x\ty\"}", 8, `invalid character '\t' in string (control characters must be escaped)`},
		{`{"a": "x`, 8, "unterminated string (unexpected EOF)"},
		{`{"a": 01}`, 6, `invalid number "01"`},
		{`{"a": -}`, 6, `invalid number "-"`},
		{`{"a": undefined}`, 6, `invalid literal "undefined"`},
		{`{"a": ,}`, 6, "invalid character ',' at start of value"},
		{"{} // \u2028", 6, `invalid character '\u2028' in line comment`},
		{"{} /* \xff */", 3, "invalid UTF-8 in comment"},
		{"\ufeff{\"a\": 1,, }", 11, "invalid character ',' at start of object key (expected a double-quoted string or '}')"},
	} {
		_, err := ParseJSONC([]byte(c.src))
		if err == nil || err.Offset != c.offset || err.Msg != c.msg {
			t.Errorf("%q: %+v, want offset %d %q", c.src, err, c.offset, c.msg)
		}
	}
}

// TestParseJSONCNoAliasing: the result must not share memory with content,
// which callers may reuse.
func TestParseJSONCNoAliasing(t *testing.T) {
	content := []byte(`{"key": "value", "n": 12, "esc": "a\nb"}`)
	v, err := ParseJSONC(content)
	if err != nil {
		t.Fatal(err)
	}
	for i := range content {
		content[i] = 'X'
	}
	if m := v.Get("key"); m == nil || m.Value.Str != "value" {
		t.Errorf("key: %+v", m)
	}
	if m := v.Get("n"); m == nil || m.Value.Str != "12" {
		t.Errorf("n: %+v", m)
	}
	if m := v.Get("esc"); m == nil || m.Value.Str != "a\nb" {
		t.Errorf("esc: %+v", m)
	}
}

// TestParseJSONCResultsIndependent: consecutive parses (which reuse the
// parser's scratch space) and appends to a result's slices leave other
// results alone.
func TestParseJSONCResultsIndependent(t *testing.T) {
	first, err := ParseJSONC([]byte(`{"a": [1, 2], "b": {"c": "\u00e9"}, "e": [3]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseJSONC([]byte(`{"x": [9, 9, 9], "y": {"z": "\u00fc"}}`)); err != nil {
		t.Fatal(err)
	}
	arr := first.Get("a").Value
	_ = append(arr.Elems, &Value{Kind: Null})
	_ = append(first.Get("b").Value.Members, &Member{Key: "zzz"})
	if e := first.Get("e").Value.Elems; len(e) != 1 || e[0].Str != "3" {
		t.Errorf("e = %+v after appending to a sibling", e)
	}
	if got := toAny(first); fmt.Sprint(got) != "map[a:[1 2] b:map[c:é] e:[3]]" {
		t.Errorf("first parse now %v", got)
	}
}

func FuzzParseJSONCAgainstHujson(f *testing.F) {
	for _, s := range jsoncOracleSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(realisticSettings(60)))
	f.Add([]byte(strings.ReplaceAll(realisticSettings(60), "\n", "\r\n")))
	f.Fuzz(func(t *testing.T, in []byte) {
		compareWithHujson(t, in)
	})
}
