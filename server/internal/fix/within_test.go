package fix

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

const withinDoc = "{\n  // the mirror\n  \"a\": 1, // one\n  \"b\": {\"c\": 2},\n  \"d\": [3]\n}\n"

// TestCheckWithinAcceptsRealEdits: the checker passes what the operations
// write, with targets from the operation and from the trees alike.
func TestCheckWithinAcceptsRealEdits(t *testing.T) {
	root, perr := sources.ParseJSONC([]byte(withinDoc))
	if perr != nil {
		t.Fatal(perr)
	}
	for _, op := range []Op{
		{Kind: Set, Path: Keys("a"), Value: "10"},
		{Kind: Set, Path: Keys("b", "c"), Value: `"x"`},
		{Kind: Set, Path: Keys("b", "e"), Value: "5"},
		{Kind: Set, Path: Keys("z", "y"), Value: "5"},
		{Kind: Remove, Path: Keys("a")},
		{Kind: Remove, Path: Keys("d")},
		{Kind: Remove, Path: Keys("a"), Moved: true},
		{Kind: Rename, Path: Keys("b"), NewKey: "B"},
	} {
		edits, out, err := Edit([]byte(withinDoc), root, op)
		if err != nil {
			t.Fatalf("%+v: %v", op, err)
		}
		if err := CheckWithin([]byte(withinDoc), root, edits, TargetsOf(root, op)); err != nil {
			t.Errorf("%+v, targets of the operation: %v", op, err)
		}
		after, perr := sources.ParseJSONC(out)
		if perr != nil {
			t.Fatal(perr)
		}
		if err := CheckWithin([]byte(withinDoc), root, edits, ChangedTargets(root, after)); err != nil {
			t.Errorf("%+v, targets from the trees: %v", op, err)
		}
	}
}

// TestCheckWithinCatchesNeighbours: an edit that touches a member the fix
// does not target fails the check, though it keeps every byte outside the
// edits (which is all the old property asked).
func TestCheckWithinCatchesNeighbours(t *testing.T) {
	src := []byte(withinDoc)
	root, perr := sources.ParseJSONC(src)
	if perr != nil {
		t.Fatal(perr)
	}
	at := func(s string) sources.Span {
		i := strings.Index(withinDoc, s)
		if i < 0 {
			t.Fatalf("%q not in the document", s)
		}
		return sources.Span{Start: i, End: i + len(s)}
	}
	setA, _, err := Edit(src, root, Op{Kind: Set, Path: Keys("a"), Value: "10"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		edits   []TextEdit
		targets []Target
	}{
		{"rewrites the next member's value", append(setA[:1:1], TextEdit{Span: at(`{"c": 2}`), NewText: `{"c": 3}`}), TargetsOf(root, Op{Kind: Set, Path: Keys("a")})},
		{"reformats the next member", append(setA[:1:1], TextEdit{Span: at(`"b": {`), NewText: `"b":{`}), TargetsOf(root, Op{Kind: Set, Path: Keys("a")})},
		{"reformats the next member (targets from the trees)", append(setA[:1:1], TextEdit{Span: at(`"b": {`), NewText: `"b":{`}), []Target{{Path: Keys("a")}}},
		{"drops the comment that documents the member before", []TextEdit{{Span: at("// the mirror\n  "), NewText: ""}}, TargetsOf(root, Op{Kind: Set, Path: Keys("b")})},
		{"removes a member and the next one's key", []TextEdit{{Span: sources.Span{Start: at(`"a"`).Start, End: at(`"b"`).End}}}, TargetsOf(root, Op{Kind: Remove, Path: Keys("a")})},
		{"renames the sibling", []TextEdit{{Span: at(`"c"`), NewText: `"C"`}}, TargetsOf(root, Op{Kind: Rename, Path: Keys("d")})},
		{"inserts into a neighbour's value", []TextEdit{{Span: sources.Span{Start: at(`{"c"`).Start + 1, End: at(`{"c"`).Start + 1}, NewText: `"n": 1, `}}, TargetsOf(root, Op{Kind: Set, Path: Keys("n")})},
		{"inserts by rewriting the last member", []TextEdit{{Span: at("[3]"), NewText: `[3], "n": 1`}}, TargetsOf(root, Op{Kind: Set, Path: Keys("n")})},
		{"rewrites the parent of the member", []TextEdit{{Span: at(`{"c": 2}`), NewText: `{"c": 2, "e": 1}`}}, TargetsOf(root, Op{Kind: Set, Path: Keys("b", "c")})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Apply(src, tc.edits); err != nil {
				t.Fatalf("the edits do not apply: %v", err)
			}
			if err := CheckWithin(src, root, tc.edits, tc.targets); err == nil {
				t.Errorf("%v with targets %v passed the check", tc.edits, tc.targets)
			}
		})
	}
}

// TestCheckEnvWithin: a GOENV edit stays on the lines of the keys whose
// value it changes.
func TestCheckEnvWithin(t *testing.T) {
	old := []byte("# mine\nGOPROXY=a\nGOPRIVATE=x\nexport GOFLAGS=-mod=mod\n")
	line := func(s string) sources.Span {
		i := strings.Index(string(old), s)
		return sources.Span{Start: i, End: i + len(s)}
	}
	set, err := EnvSet(old, "GOPROXY", "b")
	if err != nil {
		t.Fatal(err)
	}
	appended, err := EnvSet(old, "GOSUMDB", "off")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		edits []TextEdit
		keys  []string // nil: the keys whose value changes
		ok    bool
	}{
		{"EnvSet rewrites its line", set, []string{"GOPROXY"}, true},
		{"EnvSet rewrites its line (keys from the values)", set, nil, true},
		{"EnvSet appends a line", appended, []string{"GOSUMDB"}, true},
		{"EnvUnset removes its line", EnvUnset(old, "GOPRIVATE"), []string{"GOPRIVATE"}, true},
		{"an ignored assignment is rewritten", []TextEdit{{Span: line("export GOFLAGS=-mod=mod"), NewText: "GOFLAGS=-mod=mod"}}, nil, true},
		{"the next key's line is rewritten too", append(set, TextEdit{Span: line("GOPRIVATE=x"), NewText: "GOPRIVATE=y"}), []string{"GOPROXY"}, false},
		{"the comment is dropped", append(set, TextEdit{Span: line("# mine\n")}), nil, false},
		{"one edit spans two keys' lines", []TextEdit{{Span: line("GOPROXY=a\nGOPRIVATE=x"), NewText: "GOPROXY=b\nGOPRIVATE=y"}}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Apply(old, tc.edits)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckEnvWithin(old, out, tc.edits, tc.keys)
			if (err == nil) != tc.ok {
				t.Errorf("CheckEnvWithin = %v, want ok=%v\n%s", err, tc.ok, out)
			}
		})
	}
}
