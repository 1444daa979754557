package fix

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// The minimality check of the property tests: applying edits and finding
// every byte outside them unchanged holds by construction, so the tests ask
// instead where each edit lies. A fix may touch only the members it targets
// and, to add a member, the gaps between the members of the object that
// receives it; in a GOENV file, only the lines of the keys it changes.

// Target is what a fix may edit in a JSONC document: the member at Path
// (key, value, the separator before or after it, and what follows it on its
// line), or with Insert the object at Path, between its members.
type Target struct {
	Path   Path
	Insert bool
}

// TargetsOf returns what op may edit in root: the member it sets, removes
// or renames, or the deepest existing object on the path when Set inserts.
func TargetsOf(root *sources.Value, op Op) []Target {
	v := root
	for i, s := range op.Path {
		if s.Index >= 0 {
			if v.Kind != sources.Array || s.Index >= len(v.Elems) {
				return nil
			}
			v = v.Elems[s.Index]
			continue
		}
		if v.Kind != sources.Object {
			return nil
		}
		j := memberIndex(v, s.Key)
		if j < 0 {
			if op.Kind != Set {
				return nil
			}
			return []Target{{Path: op.Path[:i], Insert: true}}
		}
		v = v.Members[j].Value
	}
	return []Target{{Path: op.Path}}
}

// ChangedTargets derives the targets from the trees before and after a fix,
// for callers that do not know its operations: each member (the last of a
// key, as read) whose value differs, and each object that gained or lost a
// key. A member whose text changed but whose value did not is no target.
func ChangedTargets(old, new *sources.Value) []Target {
	var out []Target
	var walk func(a, b *sources.Value, p Path)
	walk = func(a, b *sources.Value, p Path) {
		switch {
		case a.Kind == sources.Object && b.Kind == sources.Object:
			keys := func(v *sources.Value) map[string]bool {
				m := map[string]bool{}
				for _, mm := range v.Members {
					m[mm.Key] = true
				}
				return m
			}
			ak, bk := keys(a), keys(b)
			grew := false
			for k := range bk {
				if !ak[k] {
					grew = true
				}
			}
			if grew {
				out = append(out, Target{Path: p, Insert: true})
			}
			for i, m := range a.Members {
				if memberIndex(a, m.Key) != i {
					continue
				}
				q := p.Append(m.Key)
				if !bk[m.Key] {
					out = append(out, Target{Path: q})
					continue
				}
				bv := b.Members[memberIndex(b, m.Key)].Value
				if sameKindContainer(m.Value, bv) {
					walk(m.Value, bv, q)
				} else if !sameValue(m.Value, bv) {
					out = append(out, Target{Path: q})
				}
			}
		case a.Kind == sources.Array && b.Kind == sources.Array && len(a.Elems) == len(b.Elems):
			for i := range a.Elems {
				q := append(append(Path{}, p...), Step{Index: i})
				if sameKindContainer(a.Elems[i], b.Elems[i]) {
					walk(a.Elems[i], b.Elems[i], q)
				} else if !sameValue(a.Elems[i], b.Elems[i]) {
					out = append(out, Target{Path: p}) // an element is no member: its container is the target
				}
			}
		}
	}
	walk(old, new, nil)
	return out
}

func sameKindContainer(a, b *sources.Value) bool {
	return a.Kind == b.Kind && (a.Kind == sources.Object || a.Kind == sources.Array && len(a.Elems) == len(b.Elems))
}

func sameValue(a, b *sources.Value) bool {
	if a.Kind != b.Kind || a.Str != b.Str || len(a.Members) != len(b.Members) || len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Members {
		if a.Members[i].Key != b.Members[i].Key || !sameValue(a.Members[i].Value, b.Members[i].Value) {
			return false
		}
	}
	for i := range a.Elems {
		if !sameValue(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// CheckWithin returns an error naming the first edit of src (parsed as
// root) that reaches outside what targets allow.
func CheckWithin(src []byte, root *sources.Value, edits []TextEdit, targets []Target) error {
	var allowed []sources.Span
	var cores []sources.Span // members' own bytes, which an insertion stays out of
	for _, t := range targets {
		if root.Kind == sources.Object && root.Span.Start == root.Span.End {
			allowed = append(allowed, sources.Span{Start: 0, End: len(src)}) // an empty file reads as {}
			continue
		}
		sp, core, ok := targetRegion(src, root, t)
		if !ok {
			return fmt.Errorf("target %s (insert %v) is not in the document", t.Path, t.Insert)
		}
		allowed = append(allowed, sp)
		cores = append(cores, core...)
	}
	for _, e := range edits {
		if !covered(e.Span, allowed) {
			return fmt.Errorf("edit [%d,%d) %q of %q reaches outside its targets %v", e.Span.Start, e.Span.End, e.NewText, src[e.Span.Start:e.Span.End], targets)
		}
		for _, c := range cores {
			if cuts(e.Span, c) && !coveredByMember(e.Span, src, root, targets) {
				return fmt.Errorf("edit [%d,%d) %q cuts into the member at [%d,%d) %q, which no target names", e.Span.Start, e.Span.End, e.NewText, c.Start, c.End, src[c.Start:c.End])
			}
		}
	}
	return nil
}

// coveredByMember reports whether an edit lies within a member target.
func coveredByMember(sp sources.Span, src []byte, root *sources.Value, targets []Target) bool {
	var member []sources.Span
	for _, t := range targets {
		if !t.Insert {
			if r, _, ok := targetRegion(src, root, t); ok {
				member = append(member, r)
			}
		}
	}
	return covered(sp, member)
}

// targetRegion is the span a target allows; for an insertion also the
// members of the receiving object, whose own bytes stay untouched.
func targetRegion(src []byte, root *sources.Value, t Target) (sources.Span, []sources.Span, bool) {
	if t.Insert {
		v := ValueAt(root, t.Path)
		if v == nil || v.Kind != sources.Object {
			return sources.Span{}, nil, false
		}
		var cores []sources.Span
		for _, m := range v.Members {
			cores = append(cores, sources.Span{Start: m.KeySpan.Start, End: m.Value.Span.End})
		}
		return sources.Span{Start: v.Span.Start + 1, End: v.Span.End - 1}, cores, true
	}
	if len(t.Path) == 0 {
		return sources.Span{Start: 0, End: len(src)}, nil, true
	}
	last := t.Path[len(t.Path)-1]
	parent := ValueAt(root, t.Path[:len(t.Path)-1])
	if last.Index >= 0 || parent == nil || parent.Kind != sources.Object {
		return sources.Span{}, nil, false
	}
	i := memberIndex(parent, last.Key)
	if i < 0 {
		return sources.Span{}, nil, false
	}
	return memberExtent(src, parent, i), nil, true
}

// memberExtent is member i of obj with what belongs to it: from the end of
// the previous member's value (its separating comma included) or the
// object's "{", to the end of its own line (its comma, a comment after it,
// the line ending) but never into the next member's key or past the "}".
func memberExtent(src []byte, obj *sources.Value, i int) sources.Span {
	m := obj.Members[i]
	start := obj.Span.Start + 1
	if i > 0 {
		start = obj.Members[i-1].Value.Span.End
	}
	limit := obj.Span.End - 1
	if i+1 < len(obj.Members) {
		limit = obj.Members[i+1].KeySpan.Start
	}
	// Its comma, wherever it stands (a line of its own, say), then the
	// rest of that line.
	from := m.Value.Span.End
	if c := skipBlank(src, from, limit); c < limit && src[c] == ',' {
		from = c + 1
	}
	end := limit
	if nl := bytes.IndexByte(src[from:limit], '\n'); nl >= 0 {
		end = from + nl + 1
	}
	return sources.Span{Start: start, End: end}
}

// skipBlank skips white space and comments from pos, up to limit.
func skipBlank(src []byte, pos, limit int) int {
	for pos < limit {
		switch {
		case src[pos] == ' ' || src[pos] == '\t' || src[pos] == '\r' || src[pos] == '\n':
			pos++
		case bytes.HasPrefix(src[pos:limit], []byte("//")):
			nl := bytes.IndexByte(src[pos:limit], '\n')
			if nl < 0 {
				return limit
			}
			pos += nl + 1
		case bytes.HasPrefix(src[pos:limit], []byte("/*")):
			e := bytes.Index(src[pos+2:limit], []byte("*/"))
			if e < 0 {
				return limit
			}
			pos += 2 + e + 2
		default:
			return pos
		}
	}
	return pos
}

// covered reports whether sp lies within the union of spans (an insertion
// at a span's end counts as within it).
func covered(sp sources.Span, spans []sources.Span) bool {
	sorted := append([]sources.Span(nil), spans...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	pos := sp.Start
	for _, s := range sorted {
		if s.Start <= pos && pos <= s.End {
			if sp.End <= s.End {
				return true
			}
			pos = s.End
		}
	}
	return false
}

// cuts reports whether an edit changes bytes strictly inside span, or
// inserts strictly inside it.
func cuts(e, span sources.Span) bool {
	if e.Start == e.End {
		return span.Start < e.Start && e.Start < span.End
	}
	return e.Start < span.End && span.Start < e.End
}

// CheckEnvWithin returns an error naming the first edit of a GOENV file
// that reaches outside the lines of keys, or that spans two lines. With no
// keys, they are the keys whose value the edits change (as cmd/go reads the
// file before and after). Appending a line at the end of the file is within
// the new key's line; so is rewriting a line cmd/go ignores that was meant
// to set a variable.
func CheckEnvWithin(old, new []byte, edits []TextEdit, keys []string) error {
	before := sources.ParseEnvFile("", sources.GoEnvFile, old)
	after := sources.ParseEnvFile("", sources.GoEnvFile, new)
	changed := map[string]bool{}
	for _, k := range keys {
		changed[k] = true
	}
	for _, f := range []*sources.EnvFile{before, after} {
		if len(keys) > 0 {
			break
		}
		for _, l := range f.Lines {
			a, okA := before.Lookup(l.Key)
			b, okB := after.Lookup(l.Key)
			if okA != okB || a.Value != b.Value {
				changed[l.Key] = true
			}
		}
	}
	var allowed []sources.Span
	for _, l := range before.Lines {
		if changed[l.Key] || attempted(l) {
			allowed = append(allowed, envLineSpan(old, l))
		}
	}
	for _, e := range edits {
		if e.Span.Start == len(old) && e.Span.End == len(old) {
			continue // an appended line
		}
		ok := false
		for _, a := range allowed {
			if a.Start <= e.Span.Start && e.Span.End <= a.End {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("edit [%d,%d) %q of %q is not within the line of a key it changes", e.Span.Start, e.Span.End, e.NewText, old[e.Span.Start:e.Span.End])
		}
	}
	return nil
}

// envLineSpan is a line with its line ending, and the line ending before
// it when it is the last line (removing it takes that one).
func envLineSpan(content []byte, l sources.EnvLine) sources.Span {
	sp := l.Span
	if sp.End < len(content) {
		sp.End++
	} else if sp.Start > 0 {
		sp.Start--
	}
	return sp
}

// attempted reports whether a line cmd/go ignores was meant to set a
// variable ("export GOPROXY=x", "goproxy=x", "GOPROXY x"): the syntax fixes
// rewrite or remove such a line. Blank lines and "#" comments are never
// edited.
func attempted(l sources.EnvLine) bool {
	t := bytes.TrimSpace([]byte(l.Raw))
	return !l.Valid && len(t) > 0 && t[0] != '#'
}
