package sources

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// member returns the member at a dotted path of object keys.
func member(t *testing.T, v *Value, path ...string) *Member {
	t.Helper()
	var m *Member
	for _, p := range path {
		m = v.Get(p)
		if m == nil {
			t.Fatalf("no member %q on the path %v", p, path)
		}
		v = m.Value
	}
	return m
}

func TestParseJSONCComments(t *testing.T) {
	src := "// leading comment\n" +
		"/* block\n   comment */ {\n" +
		"  // before a key\n" +
		"  \"go.toolsEnvVars\" /* after a key */ : /* before a value */ {\n" +
		"    \"GOPROXY\": \"https://proxy.example.com,direct\", // after a value\n" +
		"    \"GOFLAGS\": \"-mod=mod\" /* before a comma */ , \n" +
		"    \"GOSUMDB\": \"off\", // trailing comma next\n" +
		"  },\n" +
		"  \"list\": [1, /* in an array */ 2, true, null, ],\n" +
		"  \"url\": \"https://x.example.com/*not-a-comment*/\", \"slashes\": \"//neither\"\n" +
		"} // after the document"
	v, err := ParseJSONC([]byte(src))
	if err != nil {
		t.Fatalf("ParseJSONC: %v", err)
	}
	lines := NewLines([]byte(src))
	for _, c := range []struct {
		path  []string
		kind  ValueKind
		str   string
		line  int
		value string // the value's source text
	}{
		{[]string{"go.toolsEnvVars"}, Object, "", 5, ""},
		{[]string{"go.toolsEnvVars", "GOPROXY"}, String, "https://proxy.example.com,direct", 6, `"https://proxy.example.com,direct"`},
		{[]string{"go.toolsEnvVars", "GOFLAGS"}, String, "-mod=mod", 7, `"-mod=mod"`},
		{[]string{"go.toolsEnvVars", "GOSUMDB"}, String, "off", 8, `"off"`},
		{[]string{"list"}, Array, "", 10, "[1, /* in an array */ 2, true, null, ]"},
		{[]string{"url"}, String, "https://x.example.com/*not-a-comment*/", 11, `"https://x.example.com/*not-a-comment*/"`},
		{[]string{"slashes"}, String, "//neither", 11, `"//neither"`},
	} {
		m := member(t, v, c.path...)
		if m.Value.Kind != c.kind || m.Value.Str != c.str {
			t.Errorf("%v: kind %v %q, want %v %q", c.path, m.Value.Kind, m.Value.Str, c.kind, c.str)
		}
		if got := lines.Line(m.KeySpan.Start); got != c.line {
			t.Errorf("%v: key on line %d, want %d", c.path, got, c.line)
		}
		if want := `"` + c.path[len(c.path)-1] + `"`; src[m.KeySpan.Start:m.KeySpan.End] != want {
			t.Errorf("%v: key span holds %q", c.path, src[m.KeySpan.Start:m.KeySpan.End])
		}
		if c.value != "" && src[m.Value.Span.Start:m.Value.Span.End] != c.value {
			t.Errorf("%v: value span holds %q, want %q", c.path, src[m.Value.Span.Start:m.Value.Span.End], c.value)
		}
	}
	list := member(t, v, "list").Value
	var kinds []string
	for _, e := range list.Elems {
		kinds = append(kinds, e.Kind.String()+":"+e.Str)
	}
	if got := strings.Join(kinds, " "); got != "number:1 number:2 boolean:true null:null" {
		t.Errorf("list elements %s", got)
	}
	if !strings.HasPrefix(src[v.Span.Start:], "{") || src[v.Span.End-1] != '}' {
		t.Errorf("root span %v does not cover the object alone", v.Span)
	}
}

func TestParseJSONCTrailingCommas(t *testing.T) {
	for _, src := range []string{`{"a": 1,}`, `{"a": [1, 2,],}`, "{\n  \"a\": {\"b\": \"c\",},\n}\n", `[{},]`} {
		if _, err := ParseJSONC([]byte(src)); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func TestParseJSONCBOM(t *testing.T) {
	plain := "{\n  \"go.toolsEnvVars\": { \"GOPROXY\": \"direct\" }\n}\n"
	withBOM := "\ufeff" + plain
	a, err := ParseJSONC([]byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseJSONC([]byte(withBOM))
	if err != nil {
		t.Fatalf("with a BOM: %v", err)
	}
	ma, mb := member(t, a, "go.toolsEnvVars", "GOPROXY"), member(t, b, "go.toolsEnvVars", "GOPROXY")
	if mb.KeySpan.Start != ma.KeySpan.Start+3 || mb.Value.Span.End != ma.Value.Span.End+3 || b.Span.Start != a.Span.Start+3 {
		t.Errorf("BOM spans %v %v, want %v %v shifted by 3", mb.KeySpan, mb.Value.Span, ma.KeySpan, ma.Value.Span)
	}
	if withBOM[mb.Value.Span.Start:mb.Value.Span.End] != `"direct"` {
		t.Errorf("value span holds %q", withBOM[mb.Value.Span.Start:mb.Value.Span.End])
	}
	// A BOM alone, or with whitespace, is an empty file.
	for _, src := range []string{"\ufeff", "\ufeff \r\n"} {
		v, err := ParseJSONC([]byte(src))
		if err != nil || v.Kind != Object || len(v.Members) != 0 || v.Span != (Span{3, 3}) {
			t.Errorf("%q: %+v, %v", src, v, err)
		}
	}
	// An error after a BOM is reported at its offset in the file.
	_, perr := ParseJSONC([]byte("\ufeff{\"a\" 1}"))
	if perr == nil || perr.Offset != 3+5 {
		t.Errorf("error after a BOM: %+v, want offset 8", perr)
	}
}

func TestParseJSONCCRLF(t *testing.T) {
	src := "{\r\n  // comment\r\n  \"a\": \"x\",\r\n  \"b\": {\r\n    \"c\": 1\r\n  }\r\n}\r\n"
	v, err := ParseJSONC([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lines := NewLines([]byte(src))
	for path, line := range map[string]int{"a": 3, "b": 4, "b.c": 5} {
		m := member(t, v, strings.Split(path, ".")...)
		if got := lines.Line(m.KeySpan.Start); got != line {
			t.Errorf("%s on line %d, want %d", path, got, line)
		}
	}
	if c := member(t, v, "b", "c"); src[c.Value.Span.Start:c.Value.Span.End] != "1" {
		t.Errorf("c value span %v", c.Value.Span)
	}
}

func TestParseJSONCUnicode(t *testing.T) {
	src := `{"ключ": "значение", "\u0047OPROXY": "a\u00e9\n\t\"\\\/", "emoji 😀": "\ud83d\ude00", "lone": "\ud800", "ü": 1}`
	v, err := ParseJSONC([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"ключ":    "значение",
		"GOPROXY": "a\u00e9\n\t\"\\/",
		"emoji 😀": "😀",
		"lone":    "\ufffd", // as encoding/json decodes a lone surrogate
	} {
		m := member(t, v, key)
		if m.Value.Str != want {
			t.Errorf("%q = %q, want %q", key, m.Value.Str, want)
		}
		if src[m.KeySpan.Start] != '"' || src[m.KeySpan.End-1] != '"' {
			t.Errorf("%q: key span %v", key, m.KeySpan)
		}
	}
	// The escaped key's span covers its source text.
	if m := member(t, v, "GOPROXY"); src[m.KeySpan.Start:m.KeySpan.End] != `"\u0047OPROXY"` {
		t.Errorf("escaped key span holds %q", src[m.KeySpan.Start:m.KeySpan.End])
	}
	if m := member(t, v, "ü"); src[m.Value.Span.Start:m.Value.Span.End] != "1" {
		t.Errorf("value after a multi-byte key: span %v", m.Value.Span)
	}
}

func TestParseJSONCEmpty(t *testing.T) {
	for _, src := range []string{"", " ", "\n\n", "\r\n", "\t \n"} {
		v, err := ParseJSONC([]byte(src))
		if err != nil || v.Kind != Object || len(v.Members) != 0 {
			t.Errorf("%q: %+v, %v; want {}", src, v, err)
		}
	}
	// A file of comments only is read with VS Code's allowEmptyContent: {}.
	for _, src := range []string{"// nothing\n", "/* all\n commented */", "// a\n// b"} {
		if v, err := ParseJSONC([]byte(src)); err != nil || v.Kind != Object || len(v.Members) != 0 {
			t.Errorf("%q: %+v, %v; want {}", src, v, err)
		}
	}
}

func TestParseJSONCLineCommentAtEOF(t *testing.T) {
	// VS Code accepts a final line comment without a newline.
	for _, src := range []string{"{\"a\": 1} // end", "{\"a\": 1}\n// end", "{\"a\": 1}\r\n// end\r"} {
		v, err := ParseJSONC([]byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if m := v.Get("a"); m == nil || m.Value.Str != "1" || v.Span.End > len(src) {
			t.Errorf("%q: %+v", src, v)
		}
	}
}

func TestParseJSONCDuplicateKeys(t *testing.T) {
	src := `{"GOPROXY": "first", "GOPROXY": "second"}`
	v, err := ParseJSONC([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if m := v.Get("GOPROXY"); m.Value.Str != "second" || m.KeySpan.Start != 21 {
		t.Errorf("duplicate key: got %q at %v, want the last one", m.Value.Str, m.KeySpan)
	}
	if len(v.Members) != 2 {
		t.Errorf("members %d, want both kept", len(v.Members))
	}
	var nilValue *Value
	if nilValue.Get("x") != nil || (&Value{Kind: Array}).Get("x") != nil {
		t.Errorf("Get on nil or non-object")
	}
}

func TestParseJSONCErrors(t *testing.T) {
	for _, c := range []struct {
		src    string
		offset int
		msg    string
	}{
		{`{"a": 1`, 7, "EOF"},
		{`{"a" 1}`, 5, "after object name"},
		{`{"a": 1}}`, 8, "after top-level value"},
		{"{\n  \"a\": tru\n}", 9, "invalid literal"},
		{"{\r\n  \"a\": 1,\r\n  'b': 2\r\n}", 16, "invalid character"},
		{"{\n  \"a\": \"unterminated\n}", 24, "EOF"}, // a raw newline does not end the string
		{`{"a": NaN}`, 6, "NaN"},
		{"{/* open comment", 1, "comment"},
		{"\x00\x01\x02", 0, ""},
		{"{\"a\": 1} /* x", 9, "comment"},
	} {
		_, err := ParseJSONC([]byte(c.src))
		if err == nil {
			t.Errorf("%q: no error", c.src)
			continue
		}
		if err.Offset < 0 || err.Offset > len(c.src) {
			t.Errorf("%q: offset %d outside the file", c.src, err.Offset)
		}
		if err.Offset != c.offset {
			t.Errorf("%q: offset %d, want %d (%s)", c.src, err.Offset, c.offset, err.Msg)
		}
		if err.Msg == "" || !strings.Contains(err.Msg, c.msg) || strings.HasPrefix(err.Msg, "hujson") {
			t.Errorf("%q: message %q, want one containing %q", c.src, err.Msg, c.msg)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("offset %d", err.Offset)) {
			t.Errorf("Error() = %q", err.Error())
		}
	}
}

func TestParseJSONCKeyLines(t *testing.T) {
	// Exact 1-based lines of keys in a realistic settings file.
	src := strings.Join([]string{
		"{",                      // 1
		`  "editor.tabSize": 4,`, // 2
		`  "go.toolsEnvVars": {`, // 3
		`    "GOPROXY": "https://a.example.com",`, // 4
		``,               // 5
		`    /* a block`, // 6
		`       comment */ "GOPRIVATE": "*.example.com"`, // 7
		`  },`,                            // 8
		`  "gopls": { "build.env": {`,     // 9
		`      "GOFLAGS": "-tags=x" } },`, // 10
		`  "terminal.integrated.env.linux": { "GOSUMDB": null }`, // 11
		`}`, // 12
	}, "\n")
	v, err := ParseJSONC([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	lines := NewLines([]byte(src))
	for path, want := range map[string]int{
		"editor.tabSize": 2, "go.toolsEnvVars": 3, "go.toolsEnvVars/GOPROXY": 4, "go.toolsEnvVars/GOPRIVATE": 7,
		"gopls": 9, "gopls/build.env": 9, "gopls/build.env/GOFLAGS": 10,
		"terminal.integrated.env.linux": 11, "terminal.integrated.env.linux/GOSUMDB": 11,
	} {
		m := member(t, v, strings.Split(path, "/")...)
		if got := lines.Line(m.KeySpan.Start); got != want {
			t.Errorf("%s on line %d, want %d", path, got, want)
		}
	}
	if m := member(t, v, "terminal.integrated.env.linux", "GOSUMDB"); m.Value.Kind != Null || m.Value.Str != "null" {
		t.Errorf("null value: %+v", m.Value)
	}
}

func TestValueKindString(t *testing.T) {
	for k, want := range map[ValueKind]string{String: "string", Number: "number", Bool: "boolean", Null: "null", Object: "object", Array: "array", 0: "invalid"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q", k, k.String())
		}
	}
}

func TestLines(t *testing.T) {
	content := []byte("a\nbb\n\nccc")
	l := NewLines(content)
	for off, want := range map[int]int{0: 1, 1: 1, 2: 2, 4: 2, 5: 3, 6: 4, 9: 4, 100: 4} {
		if got := l.Line(off); got != want {
			t.Errorf("Line(%d) = %d, want %d", off, got, want)
		}
	}
	if got := NewLines([]byte("x\n")); len(got) != 2 || got[1] != 2 {
		t.Errorf("NewLines with a final newline: %v", got)
	}
	if got := NewLines(nil); len(got) != 1 {
		t.Errorf("NewLines(nil) = %v", got)
	}
}

// checkSpans verifies the structural properties of a parse: every span lies
// within the input and nests inside its parent, members and elements come in
// order without overlapping, keys are quoted, literals are their own text.
func checkSpans(t *testing.T, in []byte, v *Value, parent Span) {
	t.Helper()
	s := v.Span
	if s.Start < parent.Start || s.End > parent.End || s.Start > s.End {
		t.Fatalf("span %v outside its parent %v (input %q)", s, parent, in)
	}
	text := in[s.Start:s.End]
	switch v.Kind {
	case String:
		if len(text) < 2 || text[0] != '"' || text[len(text)-1] != '"' {
			t.Fatalf("string span %v holds %q", s, text)
		}
	case Number, Bool:
		if string(text) != v.Str {
			t.Fatalf("literal span %v holds %q, Str %q", s, text, v.Str)
		}
	case Null:
		if string(text) != "null" {
			t.Fatalf("null span holds %q", text)
		}
	case Object:
		if len(text) < 2 || text[0] != '{' || text[len(text)-1] != '}' {
			t.Fatalf("object span %v holds %q", s, text)
		}
		prev := s.Start
		for _, m := range v.Members {
			k := m.KeySpan
			if k.Start < prev || k.End > m.Value.Span.Start || k.End-k.Start < 2 || in[k.Start] != '"' || in[k.End-1] != '"' {
				t.Fatalf("member %q: key span %v, value span %v, previous end %d (input %q)", m.Key, k, m.Value.Span, prev, in)
			}
			checkSpans(t, in, m.Value, Span{s.Start + 1, s.End - 1})
			prev = m.Value.Span.End
		}
	case Array:
		if len(text) < 2 || text[0] != '[' || text[len(text)-1] != ']' {
			t.Fatalf("array span %v holds %q", s, text)
		}
		prev := s.Start + 1
		for _, e := range v.Elems {
			if e.Span.Start < prev {
				t.Fatalf("element %v overlaps the previous one ending at %d", e.Span, prev)
			}
			checkSpans(t, in, e, Span{s.Start + 1, s.End - 1})
			prev = e.Span.End
		}
	default:
		t.Fatalf("value of kind %d", v.Kind)
	}
}

// toAny converts a parse to what encoding/json (with UseNumber) decodes.
func toAny(v *Value) any {
	switch v.Kind {
	case String:
		return v.Str
	case Number:
		return json.Number(v.Str)
	case Bool:
		return v.Str == "true"
	case Null:
		return nil
	case Object:
		m := map[string]any{}
		for _, mem := range v.Members {
			m[mem.Key] = toAny(mem.Value) // the last duplicate wins, as in encoding/json
		}
		return m
	case Array:
		out := []any{}
		for _, e := range v.Elems {
			out = append(out, toAny(e))
		}
		return out
	}
	return fmt.Sprintf("kind %d", v.Kind)
}

// checkNoValue checks a zero-width root, which only a file of comments and
// whitespace may have (VS Code reads settings with allowEmptyContent, so such
// a file is {}): the empty object sits at the end of the input, and a value
// appended after a line break is parsed right there, so nothing but trivia
// came before it.
func checkNoValue(t *testing.T, in []byte, v *Value) {
	t.Helper()
	if v.Kind != Object || len(v.Members) != 0 || v.Span != (Span{len(in), len(in)}) {
		t.Fatalf("zero-width root %+v for input %q of %d bytes; want {} at the end", v, in, len(in))
	}
	with := append(append([]byte(nil), in...), "\n{}"...)
	w, err := ParseJSONC(with)
	if err != nil {
		t.Fatalf("%q parses as {}, but not with a value after it: %v", in, err)
	}
	if want := (Span{len(in) + 1, len(in) + 3}); w.Kind != Object || w.Span != want {
		t.Fatalf("%q parses as {}, but a value after it parses as %+v, want an object at %v", in, w, want)
	}
}

func FuzzParseJSONC(f *testing.F) {
	for _, s := range []string{
		"", "{}", "[]", "\ufeff{}", "{\"a\":1,}", "{//c\n\"a\":/*x*/\"b\"}", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
		"{\r\n\"go.toolsEnvVars\": {\"GOPROXY\": \"direct\"}\r\n}", "{\"\\u00e9\\ud83d\\ude00\": \"\\\"\"}",
		"{\"a\": 1} // end", "{\"a\": -1.5e-3, \"b\": true, \"c\": false}", "{\"a\" 1}", "{\"a\":\"\xff\"}",
		"[1,[2,[3,[4]]]]", "\"string\"", "123", "null", "{\"a\":1,\"a\":2}", "/* */ {} /* */",
		// Comments only: {} by design (VS Code's allowEmptyContent).
		"//", "// c\n", "/* c */", "\ufeff// c\r\n/* d */ ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, err := ParseJSONC(in)
		if err != nil {
			if v != nil {
				t.Fatalf("both a value and an error")
			}
			if err.Offset < 0 || err.Offset > len(in) || err.Msg == "" {
				t.Fatalf("error %+v for input of %d bytes", err, len(in))
			}
			if json.Valid(in) {
				t.Fatalf("valid JSON %q rejected: %v", in, err)
			}
			return
		}
		if len(bytes.TrimSpace(bytes.TrimPrefix(in, utf8BOM))) == 0 {
			if v.Kind != Object || len(v.Members) != 0 {
				t.Fatalf("empty input gave %+v", v)
			}
			return
		}
		if v.Span.Start == v.Span.End {
			checkNoValue(t, in, v)
			return
		}
		checkSpans(t, in, v, Span{0, len(in)})
		if json.Valid(in) && utf8.Valid(in) {
			dec := json.NewDecoder(bytes.NewReader(in))
			dec.UseNumber()
			var want any
			if err := dec.Decode(&want); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			if got := toAny(v); !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded %#v, encoding/json %#v (input %q)", got, want, in)
			}
		}
	})
}
