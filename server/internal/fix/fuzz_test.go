package fix

import (
	"bytes"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

var fuzzKeys = []string{"go.toolsEnvVars", "GOPROXY", "GOPRIVATE", "a b", "ü", `q"uote`, "terminal.integrated.env.linux"}

var fuzzValues = []string{
	`"x"`, `"https://a.example.com,direct"`, `null`, `true`, `12`, `[1, 2]`, `{}`,
	`{"k": "v"}`, "{\n  // c\n  \"k\": 1\n}", `"\u2028 /* not a comment */ // nor this"`,
}

// pickOp turns fuzz bytes into an operation on the document: set (an
// existing member or a new path), remove or rename an existing member.
func pickOp(root *sources.Value, choice []byte) Op {
	next := func() int {
		if len(choice) == 0 {
			return 0
		}
		b := int(choice[0])
		choice = choice[1:]
		return b
	}
	var members []Path
	var objects []Path
	var walk func(v *sources.Value, p Path)
	walk = func(v *sources.Value, p Path) {
		switch v.Kind {
		case sources.Object:
			objects = append(objects, p)
			for i, m := range v.Members {
				if memberIndex(v, m.Key) != i {
					continue // an earlier duplicate: no path reaches it
				}
				q := p.Append(m.Key)
				members = append(members, q)
				walk(m.Value, q)
			}
		case sources.Array:
			for i, e := range v.Elems {
				walk(e, append(append(Path{}, p...), Step{Index: i}))
			}
		}
	}
	walk(root, nil)
	kind := next() % 4
	if len(members) == 0 || kind == 0 {
		p := objects[next()%len(objects)]
		for n := 1 + next()%2; n > 0; n-- {
			p = p.Append(fuzzKeys[next()%len(fuzzKeys)])
		}
		return Op{Kind: Set, Path: p, Value: fuzzValues[next()%len(fuzzValues)]}
	}
	p := members[next()%len(members)]
	switch kind {
	case 1:
		return Op{Kind: Set, Path: p, Value: fuzzValues[next()%len(fuzzValues)]}
	case 2:
		return Op{Kind: Remove, Path: p}
	}
	return Op{Kind: Rename, Path: p, NewKey: fuzzKeys[next()%len(fuzzKeys)]}
}

// FuzzEdit applies random operations to random JSONC documents: a document
// that parses gives one that parses, holding exactly what the operation
// says (the tree replay agrees with the text), with every comment kept and
// no trailing comma in a document that had none, and every edit within the
// member the operation targets (or, inserting, the object receiving it).
func FuzzEdit(f *testing.F) {
	for _, doc := range []string{
		"{}", "", "\xEF\xBB\xBF{\r\n\t\"a\": 1,\r\n}\r\n", `{"go.toolsEnvVars": {"GOPROXY": "x", "GOFLAGS": null}}`,
		"{\n  // c\n  \"go.toolsEnvVars\" /* k */ : { \"GOPRIVTE\": \"a\" /* v */ , }, // d\n  \"x\": [1, {\"y\": 2}]\n}",
		"{\n\t\"gopls\": {\n\t\t\"build.env\": {\n\t\t}\n\t},\n\t\"a\": { }\n}\n",
		"/* lead */ {\"a\": 1 // tail\n}", "{\"a\": 1, \"a\": 2}", "{\n  \"a\": {\n    \"b\": {\n      \"c\": [ { \"d\": 1 } ]\n    }\n  }\n}",
	} {
		for _, choice := range []string{"\x00\x00\x01\x02", "\x01\x01\x03", "\x02\x00", "\x02\x05", "\x03\x01\x04", "\x00\x01\x00\x06\x09"} {
			f.Add([]byte(doc), []byte(choice))
		}
	}
	f.Fuzz(func(t *testing.T, doc, choice []byte) {
		if len(doc) > 1<<14 {
			return
		}
		root, perr := sources.ParseJSONC(doc)
		if perr != nil || root.Kind != sources.Object {
			return
		}
		op := pickOp(root, choice)
		edits, out, err := Edit(doc, root, op)
		if err != nil {
			if errors := err.Error(); !strings.Contains(errors, "not an object") && !strings.Contains(errors, "array") {
				t.Fatalf("%v on %q: %v", op, doc, err)
			}
			return
		}
		again, err := Apply(doc, edits)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("the edits %v do not give the result: %v", edits, err)
		}
		got, perr := sources.ParseJSONC(out)
		if perr != nil {
			t.Fatalf("%+v turned\n%q\ninto\n%q\nwhich does not parse: %v", op, doc, out, perr)
		}
		want, err := Virtual(root, op)
		if err != nil {
			t.Fatalf("Virtual: %v", err)
		}
		if a, b := dump(got), dump(want); a != b {
			t.Fatalf("%+v on\n%q\ngave\n%q\n= %s\nwant %s", op, doc, out, a, b)
		}
		if err := CheckWithin(doc, root, edits, TargetsOf(root, op)); err != nil {
			t.Fatalf("%+v on %q: %v", op, doc, err)
		}
		if lost := LostComments(doc, out); len(lost) > 0 {
			t.Fatalf("%+v on %q lost comments %q: %q", op, doc, lost, out)
		}
		if anyTrailingComma(&Doc{src: doc}, root) == 0 && anyTrailingComma(&Doc{src: out}, got) > 0 {
			t.Fatalf("%+v added a trailing comma to %q: %q", op, doc, out)
		}
	})
}

// FuzzEnvSet: setting a GOENV file variable gives a file where cmd/go reads
// exactly that value, and every other variable as before.
func FuzzEnvSet(f *testing.F) {
	f.Add([]byte("GOPROXY=a\nGOPRIVATE=x\nGOPROXY=b"), "GOPROXY", "c")
	f.Add([]byte("A=1\r\nB=2\r\n"), "B", "3")
	f.Add([]byte(""), "GOSUMDB", "off")
	f.Add([]byte("# c\nexport X=1\n"), "GOFLAGS", "-mod=mod")
	f.Fuzz(func(t *testing.T, content []byte, key, value string) {
		if key == "" || key[0] < 'A' || key[0] > 'Z' {
			return
		}
		edits, err := EnvSet(content, key, value)
		if err != nil {
			return
		}
		out, err := Apply(content, edits)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckEnvWithin(content, out, edits, []string{key}); err != nil {
			t.Fatalf("EnvSet(%q, %q) on %q: %v", key, value, content, err)
		}
		before := sources.ParseEnvFile("", sources.GoEnvFile, content)
		after := sources.ParseEnvFile("", sources.GoEnvFile, out)
		if l, ok := after.Lookup(key); !ok || l.Value != value {
			t.Fatalf("EnvSet(%q, %q) on %q gave %q", key, value, content, out)
		}
		for _, l := range before.Lines {
			if !l.Valid || l.Key == key {
				continue
			}
			if a, ok := after.Lookup(l.Key); !ok {
				t.Fatalf("%s is gone from %q", l.Key, out)
			} else if b, _ := before.Lookup(l.Key); a.Value != b.Value && strings.TrimSuffix(b.Value, "\r") != a.Value {
				t.Fatalf("%s changed from %q to %q", l.Key, b.Value, a.Value)
			}
		}
	})
}

// anyTrailingComma counts the objects and arrays, on one line or several,
// whose last element is followed by a comma.
func anyTrailingComma(d *Doc, v *sources.Value) int {
	var children []*sources.Value
	switch v.Kind {
	case sources.Object:
		for _, m := range v.Members {
			children = append(children, m.Value)
		}
	case sources.Array:
		children = v.Elems
	}
	n := 0
	if len(children) > 0 {
		if c := d.next(children[len(children)-1].Span.End); c < len(d.src) && d.src[c] == ',' {
			n++
		}
	}
	for _, c := range children {
		n += anyTrailingComma(d, c)
	}
	return n
}
