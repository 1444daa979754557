package sources

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

// reparseFragments are what the random edits insert: value text, and the
// bytes that end or break a value (quotes, escapes, line breaks, JSON
// punctuation, comment starts, invalid UTF-8).
var reparseFragments = []string{
	"a", "Z", "x", "0", "7", "9", "-", "+", ".", "e", "E", "é", "😀", "true", "null", "false", "rue", "ul",
	`"`, `\`, `\"`, `\\`, `\n`, `\u00e9`, `\ud83d`, `\ude00`, `\u12`, "\n", "\r\n", " ", "\t", ",", ":",
	"{", "}", "[", "]", "/", "//", "/*", "*/", "\x00", "\x1f", "\xff", "\u2028",
}

// scalars lists the string, number, true, false and null values of v.
func scalars(v *Value, out []*Value) []*Value {
	switch v.Kind {
	case Object:
		for _, m := range v.Members {
			out = scalars(m.Value, out)
		}
	case Array:
		for _, e := range v.Elems {
			out = scalars(e, out)
		}
	default:
		out = append(out, v)
	}
	return out
}

// randomEdit changes content: mostly inside one of the scalar values of
// root or just after one (the keystrokes the incremental parse is for),
// sometimes anywhere.
func randomEdit(r *rand.Rand, content []byte, root *Value) []byte {
	var start, end int
	vals := scalars(root, nil)
	switch k := r.IntN(4); {
	case len(vals) > 0 && k < 2:
		v := vals[r.IntN(len(vals))]
		start = v.Span.Start + r.IntN(v.Span.End-v.Span.Start+1)
		end = min(start+r.IntN(3), v.Span.End)
	case len(vals) > 0 && k == 2:
		// Just after a value: in the comment or whitespace that follows.
		v := vals[r.IntN(len(vals))]
		start = v.Span.End + r.IntN(3)
		end = min(start+r.IntN(3), len(content))
		start = min(start, end)
	default:
		start = r.IntN(len(content) + 1)
		end = min(start+r.IntN(4), len(content))
	}
	var ins strings.Builder
	for range r.IntN(3) {
		if r.IntN(3) == 0 {
			ins.WriteString(reparseFragments[r.IntN(len(reparseFragments))])
		} else {
			ins.WriteByte("abcxyz0123456789"[r.IntN(16)])
		}
	}
	out := append([]byte(nil), content[:start]...)
	out = append(out, ins.String()...)
	return append(out, content[end:]...)
}

// TestReparseSettingsMatchesFullParse types random edits into settings
// files, each from the previous result (incremental or not, as the parse
// cache does), and checks that every incremental result is exactly the full
// parse, and that the previous result is left as it was.
func TestReparseSettingsMatchesFullParse(t *testing.T) {
	docs := []string{
		benchdata.Realistic(120),
		realisticSettings(80),
		"\ufeff{\r\n  \"a\": \"x\", // c\r\n  \"b\": [1, -2.5e3, true, null, \"\\u00e9\"],\r\n  \"c\": {\"d\": {\"e\": \"f\"}},\r\n}",
		`{"settings": {"go.toolsEnvVars": {"GOPROXY": "https://proxy.example.com"}}, "folders": [{"path": "."}]}`,
		`{"a":1,"b":"","c":[[],{},[0]]}`,
	}
	r := rand.New(rand.NewPCG(9, 7))
	incremental := 0
	const steps = 400
	for d, doc := range docs {
		ws := d == 3
		path := "/ws/.vscode/settings.json"
		prev := ParseSettings(path, VSCodeFolder, []byte(doc), ws)
		if prev.Err != nil {
			t.Fatalf("doc %d: %v", d, prev.Err)
		}
		for i := range steps {
			content := randomEdit(r, prev.Content, prev.Root)
			want := ParseSettings(path, VSCodeFolder, content, ws)
			before := ParseSettings(path, VSCodeFolder, prev.Content, ws)
			got := ReparseSettings(prev, content)
			if !reflect.DeepEqual(prev, before) {
				t.Fatalf("doc %d step %d: the previous parse was modified", d, i)
			}
			if got != nil {
				incremental++
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("doc %d step %d: incremental parse of\n%q\ndiffers from the full parse (from\n%q)", d, i, content, prev.Content)
				}
			}
			if want.Err == nil {
				// Go on from the result the cache would keep.
				prev = want
				if got != nil {
					prev = got
				}
			}
		}
	}
	// Most edits inside values leave one value: the fast path is taken.
	t.Logf("incremental %d", incremental)
	if incremental < len(docs)*steps/4 {
		t.Errorf("only %d of %d edits were parsed incrementally", incremental, len(docs)*steps)
	}
}

func TestReparseJSONCCases(t *testing.T) {
	for _, c := range []struct {
		old, new    string
		incremental bool
	}{
		{`{"a": "xy"}`, `{"a": "xzy"}`, true},
		{`{"a": "xy", "b": [1, 2]}`, `{"a": "x", "b": [1, 2]}`, true},
		{`{"a": "xy", "b": [1, 2]}`, `{"a": "xy", "b": [1, 23]}`, true},
		{`{"a": 1}`, `{"a": true}`, true},                     // another scalar in its place
		{`{"a": "é"}`, `{"a": "\u00e9😀"}`, true},              // escapes and non-ASCII text
		{`{"a": "xy"}`, `{"a": "xy"}`, true},                  // unchanged
		{`{"a": "xy"}`, `{"ab": "xy"}`, false},                // a key
		{`{"a": "xy" /* c */}`, `{"a": "xy" /* cd */}`, true}, // a comment
		{`{"a": 1, "b": 2}`, `{"a": 1, /**/ "b": 2}`, true},   // a comment added
		{`{"a": 1, "b": 2}`, "{\"a\": 1,\n  \"b\": 2}", true}, // a line break
		{`{"a": 1}`, `{"a" : 1}`, true},                       // around ':'
		{`[1, 2]`, `[1 , 2]`, true},                           // just after a value
		{`[1, [2]]`, `[1, [2] ]`, true},                       // just after an array
		{`{"a": 1} // x`, `{"a": 1} // xy`, true},             // after the top-level value
		{"// c\n{\"a\": 1}", "// cd\n{\"a\": 1}", true},       // before it
		{"\ufeff{\"a\": 1}", "\ufeff {\"a\": 1}", true},       // after a BOM
		{`{"a": 1, "b": 2}`, `{"a": 1,, "b": 2}`, false},      // other punctuation
		{`{"a": 1, "b": 2}`, `{"a": 1 "b": 2}`, false},        // a comma removed
		{"{\"a\": 1 // c\n}", `{"a": 1 // c}`, false},         // a line comment now ends the object
		{`{"a": 1 /* c */}`, `{"a": 1 /* c * /}`, false},      // an unterminated comment
		{`{"a": 1} /* x */`, `{"a": 1} /* x *`, false},        // after it, unterminated
		{`{"a": 1}`, `{"a": 1} x`, false},                     // a value after it
		{`{"a": "xy"}`, `{"a": "x"y"}`, false},                // a quote ends the string early
		{`{"a": "xy"}`, `{"a": "x\y"}`, false},                // an invalid escape
		{`{"a": "xy"}`, `{"a": "x` + "\n" + `y"}`, false},     // a line break
		{`{"a": 12}`, `{"a": 1 2}`, false},                    // two values
		{`{"a": 12}`, `{"a": 1,2}`, false},                    // punctuation
		{`{"a": 12}`, `{"a": 12x}`, false},                    // not a number
		{`{"a": 12}`, `{"a": {}}`, false},                     // a container
		{`{"a": "x", "b": "y"}`, `{"a": "xy"}`, false},        // over several values
		{`{}`, `{ }`, true},
		{`{}`, `{,}`, false},
		{`[1]`, `[15]`, true},
		{`"s"`, `"st"`, true}, // the top-level value
	} {
		prev, err := ParseJSONC([]byte(c.old))
		if err != nil {
			t.Fatalf("%s: %v", c.old, err)
		}
		got, ok := ReparseJSONC(prev, []byte(c.old), []byte(c.new))
		if ok != c.incremental {
			t.Errorf("%s → %s: incremental %v, want %v", c.old, c.new, ok, c.incremental)
		}
		if !ok {
			continue
		}
		want, err := ParseJSONC([]byte(c.new))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s → %s: %+v, want %+v (%v)", c.old, c.new, got, want, err)
		}
	}
}

// TestReparseJSONCNoAliasing: like ParseJSONC, the result shares no memory
// with the new content.
func TestReparseJSONCNoAliasing(t *testing.T) {
	old := []byte(`{"a": "xy", "n": 1}`)
	prev, _ := ParseJSONC(old)
	content := []byte(`{"a": "xzy", "n": 1}`)
	v, ok := ReparseJSONC(prev, old, content)
	if !ok {
		t.Fatal("not incremental")
	}
	for i := range content {
		content[i] = 'X'
	}
	if m := v.Get("a"); m == nil || m.Value.Str != "xzy" {
		t.Errorf("a: %+v", m)
	}
}

// A keystroke inside a value of a cached settings file is parsed from the
// previous parse, and gives what a full parse gives; one in a key is parsed
// in full.
func TestParseCacheReparsesSettings(t *testing.T) {
	c := NewParseCache()
	path := "/ws/.vscode/settings.json"
	text := benchdata.Realistic(200)
	line := strings.Split(text, "\n")[benchdata.RealisticGOPROXYLine]
	at := strings.Index(text, line) + benchdata.RealisticGOPROXYColumn
	edits := []struct {
		content     string
		incremental bool
	}{
		{text, false},
		{text[:at] + "x" + text[at:], true},  // typed inside GOPROXY's value
		{text[:at] + "xy" + text[at:], true}, // and again
		{text[:at] + "zy" + text[at:], true}, // one character replaced
		{`{"k` + text[1:], false},            // a key: parsed in full
	}
	for i, e := range edits {
		l := c.Load("/ws")
		before := c.Reparses()
		got := l.Settings(path, VSCodeFolder, []byte(e.content), false)
		l.Done()
		if n := c.Reparses() - before; n != map[bool]int64{false: 0, true: 1}[e.incremental] {
			t.Errorf("edit %d: %d incremental parses, want incremental %v", i, n, e.incremental)
		}
		if want := ParseSettings(path, VSCodeFolder, []byte(e.content), false); !reflect.DeepEqual(got, want) {
			t.Errorf("edit %d: the cached parse differs from a full parse", i)
		}
	}
	if c.Parses() != int64(len(edits)) {
		t.Errorf("%d parses, want %d", c.Parses(), len(edits))
	}
}

func FuzzReparseJSONC(f *testing.F) {
	f.Add([]byte(`{"a": "xy", "b": [1, 2, {"c": null}]}`), uint16(8), uint8(0), []byte("z"))
	f.Add([]byte(`{"a": "xy", "b": [1, 2, {"c": null}]}`), uint16(18), uint8(1), []byte("45"))
	f.Add([]byte(`{"a": "\u00e9"}`), uint16(9), uint8(2), []byte(`\"`))
	f.Add([]byte(realisticSettings(50)), uint16(120), uint8(1), []byte("é"))
	f.Fuzz(func(t *testing.T, old []byte, at uint16, del uint8, ins []byte) {
		prev, err := ParseJSONC(old)
		if err != nil {
			return
		}
		start := min(int(at), len(old))
		end := min(start+int(del), len(old))
		content := append(append(append([]byte(nil), old[:start]...), ins...), old[end:]...)
		got, ok := ReparseJSONC(prev, old, content)
		if !ok {
			return
		}
		want, err := ParseJSONC(content)
		if err != nil {
			t.Fatalf("incremental parse of %q succeeded, full parse failed: %v", content, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("incremental parse of %q (from %q) differs from the full parse", content, old)
		}
	})
}

// The line index of a settings parse, full or incremental, is the one
// position.NewMapper builds: the language server maps positions with it.
func TestSettingsLinesMapLikeNewMapper(t *testing.T) {
	text := "{\r\n  \"a\": \"é😀\", // c\n\n  \"b\": [1,\n 2]\n}"
	prev := ParseSettings("/s.json", VSCodeFolder, []byte(text), false)
	at := strings.Index(text, "é")
	next := []byte(text[:at] + "xyz" + text[at:])
	st := ReparseSettings(prev, next)
	if st == nil {
		t.Fatal("not incremental")
	}
	for _, s := range []*Settings{prev, st} {
		want := position.NewMapper(s.Content)
		got := position.NewMapperLines(s.Content, s.Lines)
		for off := 0; off <= len(s.Content)+1; off++ {
			if g, w := got.Position(off), want.Position(off); g != w {
				t.Errorf("offset %d of %q: %+v, want %+v", off, s.Content, g, w)
			}
		}
		if got.LineCount() != want.LineCount() {
			t.Errorf("%d lines, want %d", got.LineCount(), want.LineCount())
		}
	}
}
