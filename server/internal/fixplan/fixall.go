package fixplan

import (
	"bytes"
	"sort"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Chosen is a preferred fix picked by FixAll, with the finding it fixes.
// Duplicate marks a fix whose edits an earlier chosen fix already makes
// (two findings with one fix): it fixes its finding but adds no edit.
type Chosen struct {
	Finding   findings.Finding
	Fix       findings.Fix
	Duplicate bool
}

// FixAll picks the preferred fix of each finding that applies cleanly
// together with those picked before it, for "fix all" — errors first, and
// at one severity the fixes that repair their finding's own value in place
// first, so that on a value several findings share, the typo's repair wins
// over another finding's removal of the whole setting: a
// fix is left for the next round when one of its edits touches a JSON value
// or GOENV line that an edit of a picked fix also touches (the guard of an
// edit is the innermost value around it: its object for a key added,
// renamed or removed). Fixes of env-divergence change what every other
// divergence of the variable is, so at most one of them is picked per
// round. content returns a file's current text (nil when it does not exist).
func FixAll(fs []findings.Finding, content func(file string) []byte) []Chosen {
	var out []Chosen
	picked := map[string]bool{}
	guards := map[string][]sources.Span{} // file → guards of the picked edits
	created := map[string]bool{}
	divergence := false
	docs := map[string]*sources.Value{}
	root := func(file string) *sources.Value {
		if r, ok := docs[file]; ok {
			return r
		}
		r, err := sources.ParseJSONC(content(file))
		if err != nil {
			r = nil
		}
		docs[file] = r
		return r
	}
	for _, f := range byRank(fs, content) {
		var fx *findings.Fix
		for i := range f.Fixes {
			if f.Fixes[i].Preferred {
				fx = &f.Fixes[i]
				break
			}
		}
		if fx == nil {
			continue
		}
		key := fx.Key()
		if picked[key] {
			out = append(out, Chosen{Finding: f, Fix: *fx, Duplicate: true})
			continue
		}
		if f.Code == "env-divergence" && divergence {
			continue
		}
		mine := map[string][]sources.Span{}
		// A fix picked earlier that rewrites what this finding points at
		// may have fixed it, or changed what it is about: next round.
		clash := f.File != "" && len(guards[f.File]) > 0 && content(f.File) != nil && overlapsAny(guard(content(f.File), root(f.File), f.Span), guards[f.File])
		for _, e := range fx.Edits {
			if e.Create {
				if created[e.File] || len(guards[e.File]) > 0 {
					clash = true
				}
				continue
			}
			if created[e.File] {
				clash = true
				continue
			}
			g := guard(content(e.File), root(e.File), e.Span)
			clash = clash || overlapsAny(g, guards[e.File])
			mine[e.File] = append(mine[e.File], g)
		}
		if clash {
			continue
		}
		for file, gs := range mine {
			guards[file] = append(guards[file], gs...)
		}
		for _, e := range fx.Edits {
			if e.Create {
				created[e.File] = true
			}
		}
		picked[key] = true
		divergence = divergence || f.Code == "env-divergence"
		out = append(out, Chosen{Finding: f, Fix: *fx})
	}
	return out
}

// guard is the region an edit's meaning depends on: the innermost JSON
// value that holds it (a string it rewrites, the object it adds a member to
// or removes one from), or for a file that is not JSON (a GOENV file) the
// lines it touches.
func guard(content []byte, root *sources.Value, sp sources.Span) sources.Span {
	if root != nil {
		g := root.Span
		v := root
		for {
			var inner *sources.Value
			for _, m := range v.Members {
				if within(sp, m.Value.Span) {
					inner = m.Value
				}
			}
			for _, e := range v.Elems {
				if within(sp, e.Span) {
					inner = e
				}
			}
			if inner == nil {
				return g
			}
			v, g = inner, inner.Span
		}
	}
	start := bytes.LastIndexByte(content[:min(sp.Start, len(content))], '\n') + 1
	end := sp.End
	if i := bytes.IndexByte(content[min(end, len(content)):], '\n'); i >= 0 {
		end += i
	} else {
		end = len(content)
	}
	return sources.Span{Start: start, End: end}
}

// within reports whether an edit lies inside a value. An insertion at the
// value's edge (a comma and a member after it) belongs to its container.
func within(sp, v sources.Span) bool {
	if sp.Start == sp.End && (sp.Start == v.Start || sp.Start == v.End) {
		return false
	}
	return v.Start <= sp.Start && sp.End <= v.End
}

func overlapsAny(g sources.Span, others []sources.Span) bool {
	for _, o := range others {
		if fix.Overlap(g, o) {
			return true
		}
	}
	return false
}

// byRank orders findings for FixAll: by severity, then those whose
// preferred fix repairs their own value, then as given.
func byRank(fs []findings.Finding, content func(string) []byte) []findings.Finding {
	out := append([]findings.Finding(nil), fs...)
	repairs := make(map[int]bool, len(out))
	for i, f := range out {
		for _, fx := range f.Fixes {
			if fx.Preferred {
				repairs[i] = Repairs(f, fx, content(f.File))
				break
			}
		}
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		fa, fb := out[idx[a]], out[idx[b]]
		if fa.Severity != fb.Severity {
			return fa.Severity < fb.Severity
		}
		return repairs[idx[a]] && !repairs[idx[b]]
	})
	sorted := make([]findings.Finding, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}
