package fix

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func TestEditJSONC(t *testing.T) {
	tools := Keys("go.toolsEnvVars", "GOPRIVATE")
	set := func(p Path, v string) Op { return Op{Kind: Set, Path: p, Value: String(v)} }
	for _, c := range []struct {
		name, in string
		ops      []Op
		want     string
	}{
		{
			name: "set an existing string keeps the rest of the line",
			in:   "{\n  \"go.toolsEnvVars\": { \"GOPROXY\": \"https://a.example.com,DIRECT\" } // team\n}\n",
			ops:  []Op{set(Keys("go.toolsEnvVars", "GOPROXY"), "https://a.example.com,direct")},
			want: "{\n  \"go.toolsEnvVars\": { \"GOPROXY\": \"https://a.example.com,direct\" } // team\n}\n",
		},
		{
			name: "insert into a multi-line object without trailing comma",
			in:   "{\n\t\"go.toolsEnvVars\": {\n\t\t\"GOPROXY\": \"x\" // why\n\t}\n}\n",
			ops:  []Op{set(tools, "corp.example.com")},
			want: "{\n\t\"go.toolsEnvVars\": {\n\t\t\"GOPROXY\": \"x\", // why\n\t\t\"GOPRIVATE\": \"corp.example.com\"\n\t}\n}\n",
		},
		{
			name: "insert keeps a trailing comma style",
			in:   "{\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"x\",\n  },\n}\n",
			ops:  []Op{set(tools, "p")},
			want: "{\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"x\",\n    \"GOPRIVATE\": \"p\",\n  },\n}\n",
		},
		{
			name: "create the intermediate object, CRLF and 2 spaces",
			in:   "\xEF\xBB\xBF{\r\n  // c\r\n  \"editor.tabSize\": 2\r\n}\r\n",
			ops:  []Op{set(tools, "p")},
			want: "\xEF\xBB\xBF{\r\n  // c\r\n  \"editor.tabSize\": 2,\r\n  \"go.toolsEnvVars\": {\r\n    \"GOPRIVATE\": \"p\"\r\n  }\r\n}\r\n",
		},
		{
			name: "empty file object opens up",
			in:   "{}",
			ops:  []Op{set(tools, "p")},
			want: "{\n    \"go.toolsEnvVars\": {\n        \"GOPRIVATE\": \"p\"\n    }\n}",
		},
		{
			name: "one-line file stays on one line",
			in:   `{"editor.fontSize": 14}`,
			ops:  []Op{set(tools, "p")},
			want: `{"editor.fontSize": 14, "go.toolsEnvVars": {"GOPRIVATE": "p"}}`,
		},
		{
			name: "empty nested object in a multi-line file",
			in:   "{\n\t\"go.toolsEnvVars\": {}\n}\n",
			ops:  []Op{set(tools, "p")},
			want: "{\n\t\"go.toolsEnvVars\": {\n\t\t\"GOPRIVATE\": \"p\"\n\t}\n}\n",
		},
		{
			name: "empty multi-line object with a comment",
			in:   "{\n  \"go.toolsEnvVars\": {\n    // nothing yet\n  }\n}\n",
			ops:  []Op{set(tools, "p")},
			want: "{\n  \"go.toolsEnvVars\": {\n    // nothing yet\n    \"GOPRIVATE\": \"p\"\n  }\n}\n",
		},
		{
			name: "remove the last member takes the comma before it",
			in:   "{\n  \"a\": 1, // about a\n  \"b\": null\n}\n",
			ops:  []Op{{Kind: Remove, Path: Keys("b")}},
			want: "{\n  \"a\": 1 // about a\n}\n",
		},
		{
			name: "remove a middle member with its line",
			in:   "{\r\n  \"a\": 1,\r\n  // about b\r\n  \"b\": null,\r\n\r\n  \"c\": 3\r\n}\r\n",
			ops:  []Op{{Kind: Remove, Path: Keys("b")}},
			want: "{\r\n  \"a\": 1,\r\n  // about b\r\n\r\n  \"c\": 3\r\n}\r\n",
		},
		{
			name: "remove keeps a comment on the same line",
			in:   "{\n  \"a\": null, // why\n  \"c\": 3\n}\n",
			ops:  []Op{{Kind: Remove, Path: Keys("a")}},
			want: "{\n  // why\n  \"c\": 3\n}\n",
		},
		{
			name: "remove on one line",
			in:   `{"a": 1, "b": 2, "c": 3}`,
			ops:  []Op{{Kind: Remove, Path: Keys("c")}, {Kind: Remove, Path: Keys("a")}},
			want: `{"b": 2}`,
		},
		{
			name: "rename",
			in:   "{\"go.toolsEnvVars\": {\"GOPRIVTE\": \"x\"}}",
			ops:  []Op{{Kind: Rename, Path: Keys("go.toolsEnvVars", "GOPRIVTE"), NewKey: "GOPRIVATE"}},
			want: "{\"go.toolsEnvVars\": {\"GOPRIVATE\": \"x\"}}",
		},
		{
			name: "two inserts into one object",
			in:   "{\n    \"http.proxy\": \"http://p.example.com:3128\"\n}\n",
			ops: []Op{
				set(Keys("terminal.integrated.env.linux", "HTTPS_PROXY"), "http://p.example.com:3128"),
				set(Keys("terminal.integrated.env.linux", "HTTP_PROXY"), "http://p.example.com:3128"),
			},
			want: "{\n    \"http.proxy\": \"http://p.example.com:3128\",\n    \"terminal.integrated.env.linux\": {\n        \"HTTPS_PROXY\": \"http://p.example.com:3128\",\n        \"HTTP_PROXY\": \"http://p.example.com:3128\"\n    }\n}\n",
		},
		{
			name: "a multi-line value is re-indented",
			in:   "{\n\t\"a\": 1\n}\n",
			ops:  []Op{{Kind: Set, Path: Keys("b"), Value: "{\n    \"X\": \"1\" // c\n  }"}},
			want: "{\n\t\"a\": 1,\n\t\"b\": {\n\t  \"X\": \"1\" // c\n\t}\n}\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			root, perr := sources.ParseJSONC([]byte(c.in))
			if perr != nil {
				t.Fatal(perr)
			}
			edits, out, err := Edit([]byte(c.in), root, c.ops...)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.want {
				t.Errorf("got\n%q\nwant\n%q", out, c.want)
			}
			again, err := Apply([]byte(c.in), edits)
			if err != nil || string(again) != string(out) {
				t.Errorf("the edits %v give %q, %v", edits, again, err)
			}
			if _, err := sources.ParseJSONC(out); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
			// The tree replay agrees with the text.
			want, _ := sources.ParseJSONC(out)
			got, err := Virtual(root, c.ops...)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := dump(got), dump(want); a != b {
				t.Errorf("Virtual gives %s, the text %s", a, b)
			}
		})
	}
}

func TestNewFile(t *testing.T) {
	got, err := NewFile(DefaultStyle, Op{Kind: Set, Path: Keys("go.toolsEnvVars", "GOPRIVATE"), Value: String("corp.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n    \"go.toolsEnvVars\": {\n        \"GOPRIVATE\": \"corp.example.com\"\n    }\n}\n"
	if got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestSetThroughNonObjectFails(t *testing.T) {
	in := []byte(`{"go.toolsEnvVars": null}`)
	root, _ := sources.ParseJSONC(in)
	if _, _, err := Edit(in, root, Op{Kind: Set, Path: Keys("go.toolsEnvVars", "GOPRIVATE"), Value: `"x"`}); err == nil {
		t.Error("a set through null succeeded")
	}
}

func TestDetectStyle(t *testing.T) {
	for in, want := range map[string]Style{
		"{\n\t\"a\": {\n\t\t\"b\": 1,\n\t},\n}":       {Indent: "\t", EOL: "\n", Trailing: true},
		"{\r\n  \"a\": {\r\n    \"b\": 1\r\n  }\r\n}": {Indent: "  ", EOL: "\r\n"},
		`{"a": 1,}`: {Indent: "    ", EOL: "\n"},
	} {
		root, err := sources.ParseJSONC([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectStyle([]byte(in), root); got != want {
			t.Errorf("%q: %+v, want %+v", in, got, want)
		}
	}
}

func TestEnvEdits(t *testing.T) {
	apply := func(in string, edits []TextEdit) string {
		t.Helper()
		out, err := Apply([]byte(in), edits)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	e, _ := EnvSet([]byte("GOPROXY=a\nGOPRIVATE=x\nGOPROXY=b"), "GOPROXY", "c")
	if got := apply("GOPROXY=a\nGOPRIVATE=x\nGOPROXY=b", e); got != "GOPROXY=a\nGOPRIVATE=x\nGOPROXY=c" {
		t.Errorf("EnvSet replaces the last line: %q", got)
	}
	e, _ = EnvSet([]byte("GOPROXY=a"), "GOPRIVATE", "p")
	if got := apply("GOPROXY=a", e); got != "GOPROXY=a\nGOPRIVATE=p\n" {
		t.Errorf("EnvSet appends: %q", got)
	}
	e, _ = EnvSet(nil, "GOPRIVATE", "p")
	if got := apply("", e); got != "GOPRIVATE=p\n" {
		t.Errorf("EnvSet creates: %q", got)
	}
	e, _ = EnvSet([]byte("GOSUMDB=\"off\"\r\nGOPROXY=x\r\n"), "GOSUMDB", "off")
	if got := apply("GOSUMDB=\"off\"\r\nGOPROXY=x\r\n", e); got != "GOSUMDB=off\nGOPROXY=x\r\n" {
		t.Errorf("EnvSet on CRLF: %q", got)
	}
	if got := apply("A=1\nGOPROXY=\nB=2\nGOPROXY=x", EnvUnset([]byte("A=1\nGOPROXY=\nB=2\nGOPROXY=x"), "GOPROXY")); got != "A=1\nB=2" {
		t.Errorf("EnvUnset: %q", got)
	}
	if got := apply("A=1\r\nB=2\r\n", EnvStripCR([]byte("A=1\r\nB=2\r\n"))); got != "A=1\nB=2\n" {
		t.Errorf("EnvStripCR: %q", got)
	}
	if _, err := EnvSet(nil, "GOPROXY", "a\nb"); err == nil {
		t.Error("a value with a newline was accepted")
	}
}

func TestDiff(t *testing.T) {
	for _, c := range [][2]string{
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"one\ntwo\nthree\nfour\n", "zero\none\nthree\nfour\nfive\n"},
		{"x\r\ny\r\n", "x\r\nz\r\ny\r\n"},
		{"é", "è"},
		{"", "abc"},
		{"abc", ""},
	} {
		edits := Diff([]byte(c[0]), []byte(c[1]))
		got, err := Apply([]byte(c[0]), edits)
		if err != nil || string(got) != c[1] {
			t.Errorf("Diff(%q, %q) = %v applies to %q, %v", c[0], c[1], edits, got, err)
		}
		for _, e := range edits {
			if crlfSplit([]byte(c[0]), e.Span.Start) || crlfSplit([]byte(c[0]), e.Span.End) {
				t.Errorf("Diff(%q, %q): edit %v splits a CRLF", c[0], c[1], e)
			}
		}
	}
	if e := Diff([]byte("é"), []byte("è")); len(e) != 1 || e[0].Span != (sources.Span{Start: 0, End: 2}) {
		t.Errorf("Diff splits a rune: %v", e)
	}
	// Lines changed one for one are edited one by one: converting a GOENV
	// file to LF does not rewrite the text between the line endings.
	crlf := []byte("A=1\r\nB=2\r\nC=3\r\n")
	want := []TextEdit{{Span: sources.Span{Start: 3, End: 5}, NewText: "\n"}, {Span: sources.Span{Start: 8, End: 10}, NewText: "\n"}, {Span: sources.Span{Start: 13, End: 15}, NewText: "\n"}}
	if e := Diff(crlf, []byte("A=1\nB=2\nC=3\n")); !reflect.DeepEqual(e, want) {
		t.Errorf("Diff of a CRLF to LF conversion = %v, want %v", e, want)
	}
}

// FuzzDiff: Diff's edits turn a into b, never split a rune or a CRLF, and
// do not overlap.
func FuzzDiff(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	f.Add([]byte("A=1\r\nB=2\r\n"), []byte("A=1\nB=2\n"))
	f.Add([]byte("x\r\ny\r\n"), []byte("x\r\nz\r\ny\r\n"))
	f.Add([]byte("é\nü\n"), []byte("è\nü\r\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a)+len(b) > 1<<12 {
			return
		}
		edits := Diff(a, b)
		got, err := Apply(a, edits)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("Diff(%q, %q) = %v applies to %q, %v", a, b, edits, got, err)
		}
		for i, e := range edits {
			if crlfSplit(a, e.Span.Start) || crlfSplit(a, e.Span.End) {
				t.Fatalf("Diff(%q, %q): edit %v splits a CRLF", a, b, e)
			}
			if utf8.Valid(a) && (e.Span.Start < len(a) && !utf8.RuneStart(a[e.Span.Start]) || e.Span.End < len(a) && !utf8.RuneStart(a[e.Span.End])) {
				t.Fatalf("Diff(%q, %q): edit %v splits a rune", a, b, e)
			}
			if i > 0 && edits[i-1].Span.End > e.Span.Start {
				t.Fatalf("Diff(%q, %q): edits %v and %v overlap or are out of order", a, b, edits[i-1], e)
			}
		}
	})
}

// dump renders a tree without positions.
func dump(v *sources.Value) string {
	var b strings.Builder
	var walk func(v *sources.Value)
	walk = func(v *sources.Value) {
		switch v.Kind {
		case sources.Object:
			b.WriteString("{")
			for _, m := range v.Members {
				b.WriteString(String(m.Key) + ":")
				walk(m.Value)
				b.WriteString(",")
			}
			b.WriteString("}")
		case sources.Array:
			b.WriteString("[")
			for _, e := range v.Elems {
				walk(e)
				b.WriteString(",")
			}
			b.WriteString("]")
		case sources.String:
			b.WriteString(String(v.Str))
		default:
			b.WriteString(v.Str)
		}
	}
	walk(v)
	return b.String()
}
