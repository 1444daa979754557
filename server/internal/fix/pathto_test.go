package fix

import (
	"slices"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// pathToWalk is PathTo by a walk of the whole document, the definition
// PathTo's pruned descent must agree with.
func pathToWalk(root *sources.Value, target *sources.Member) (Path, bool) {
	var walk func(v *sources.Value, p Path) (Path, bool)
	walk = func(v *sources.Value, p Path) (Path, bool) {
		switch v.Kind {
		case sources.Object:
			for i, m := range v.Members {
				q := append(slices.Clone(p), Step{Key: m.Key, Index: -1})
				if m == target {
					return q, memberIndex(v, m.Key) == i
				}
				if r, ok := walk(m.Value, q); ok {
					return r, true
				}
			}
		case sources.Array:
			for i, e := range v.Elems {
				if r, ok := walk(e, append(slices.Clone(p), Step{Index: i})); ok {
					return r, true
				}
			}
		}
		return nil, false
	}
	return walk(root, nil)
}

func TestPathToEveryMember(t *testing.T) {
	docs := []string{
		benchdata.Realistic(400),
		`{"a": {"x": 1, "x": [ {"y": {}}, [ {"z": 2} ] ]}, "a": {"x": 3}, "b": [[], {}, {"c": {"d": null}}]}`,
		`[{"a": 1}, {"a": {"a": {"a": 1}}}]`,
		`{}`,
	}
	for _, doc := range docs {
		root, perr := sources.ParseJSONC([]byte(doc))
		if perr != nil {
			t.Fatal(perr)
		}
		var members []*sources.Member
		var collect func(v *sources.Value)
		collect = func(v *sources.Value) {
			for _, m := range v.Members {
				members = append(members, m)
				collect(m.Value)
			}
			for _, e := range v.Elems {
				collect(e)
			}
		}
		collect(root)
		for _, m := range members {
			got, gotOK := PathTo(root, m)
			want, wantOK := pathToWalk(root, m)
			if gotOK != wantOK || gotOK && !slices.Equal(got, want) {
				t.Fatalf("PathTo(%q at %v) = %v, %v; want %v, %v", m.Key, m.KeySpan, got, gotOK, want, wantOK)
			}
			if gotOK && Find(root, got) != m && !dupAlongPath(root, got) {
				t.Errorf("Find(PathTo(%q)) is another member", m.Key)
			}
		}
		other, _ := sources.ParseJSONC([]byte(doc))
		if len(other.Members) > 0 {
			if _, ok := PathTo(root, other.Members[0]); ok {
				t.Errorf("PathTo found a member of another document")
			}
		}
	}
}

// dupAlongPath reports whether a key of path is duplicated where it is
// looked up (PathTo then still answers, as the whole-document walk did).
func dupAlongPath(root *sources.Value, path Path) bool {
	v := root
	for _, s := range path {
		if s.Index >= 0 {
			v = v.Elems[s.Index]
			continue
		}
		n := 0
		for _, m := range v.Members {
			if m.Key == s.Key {
				n++
			}
		}
		if n > 1 {
			return true
		}
		v = v.Get(s.Key).Value
	}
	return false
}
