package fixplan

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Rank settles which fixes a finding offers, once every rule has run:
//   - a fix whose replay raises a finding as severe as the one it fixes (or
//     more) makes things worse and is dropped; one that raises a milder
//     finding is offered, never preferred;
//   - a fix that writes a user-level file (VS Code user settings, the GOENV
//     file) with a value from the workspace, or for a finding in a workspace
//     file, is never preferred and says where it writes: a value set for one
//     project must not become every project's behind the user's back;
//   - at most one fix is preferred.
func (plan *Planner) Rank(f *findings.Finding) {
	fromWorkspace := false
	if f.File != "" {
		if t, err := plan.writePolicy().ClassifyPath(f.File); err == nil && t.Scope == findings.Workspace {
			fromWorkspace = true
		}
	}
	kept := make([]findings.Fix, 0, len(f.Fixes)) // rules may share a slice between findings
	preferred := false
	for _, fx := range f.Fixes {
		pl := planOf(fx)
		if pl.raises != 0 && pl.raises <= f.Severity {
			continue
		}
		if pl.raises != 0 {
			fx.Preferred = false
		}
		if preferred {
			fx.Preferred = false
		}
		preferred = preferred || fx.Preferred
		if fx.Scope >= findings.User && (pl.carries || fromWorkspace) {
			fx.PreferredWider, fx.Preferred = fx.Preferred, false
			fx.Title += " — in " + pl.where + " (applies to every project)"
		}
		kept = append(kept, fx)
	}
	f.Fixes = kept
}

// findingCount is how many findings of one code one file has, and the most
// severe of them.
type findingCount struct {
	n     int
	worst findings.Severity
}

// countFindings counts findings by code and file. env-divergence is left
// out: any fix that changes what one consumer reads sets it apart from the
// others until their own findings are fixed (the divergence rule replays
// its own fixes for agreement), so it says nothing about the fix itself.
func countFindings(fs []findings.Finding) map[string]findingCount {
	m := map[string]findingCount{}
	for _, f := range fs {
		if f.Code == "env-divergence" {
			continue
		}
		k := f.Code + "\x00" + f.File
		c := m[k]
		c.n++
		if c.worst == 0 || f.Severity < c.worst {
			c.worst = f.Severity
		}
		m[k] = c
	}
	return m
}

// raises runs every rule (Diagnose) over a fix's replay and returns the most severe
// finding it adds (a code appearing in a file more often than before), or 0.
func (plan *Planner) raises(s *sources.Snapshot, cs []*resolve.Consumer) findings.Severity {
	if plan.baseline == nil {
		plan.baseline = countFindings(plan.Diagnose(plan.Snap, plan.Consumers))
	}
	var worst findings.Severity
	for k, a := range countFindings(plan.Diagnose(s, cs)) {
		if a.n > plan.baseline[k].n && (worst == 0 || a.worst < worst) {
			worst = a.worst
		}
	}
	return worst
}

// privacyVars are the lists that take module paths out of the mirror, the
// checksum database or TLS.
var privacyVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"}

// widensPrivacy reports whether, after a fix, some consumer's privacy list
// holds a pattern covering every module ("*") or a whole public code host
// that it did not hold before: every such module would then skip the
// mirror and the checksum database (or TLS).
func widensPrivacy(before, after []*resolve.Consumer) bool {
	for _, c := range after {
		old := consumerNamed(before, c.Name)
		for _, name := range privacyVars {
			had := map[string]bool{}
			if old != nil {
				for _, p := range goenv.SplitPatterns(old.Vars[name].Value) {
					had[p.Raw] = true
				}
			}
			for _, p := range goenv.SplitPatterns(c.Vars[name].Value) {
				if !had[p.Raw] && tooBroad(p) {
					return true
				}
			}
		}
	}
	return false
}

// tooBroad reports whether a pattern matches every module, or every module
// of a public code host.
func tooBroad(p goenv.Pattern) bool {
	if strings.Trim(p.Raw, "*/") == "" {
		return true
	}
	for _, h := range goenv.PublicCodeHosts {
		if p.Matches(h + "/any-org-zq/any-repo-zq") {
			return true
		}
	}
	return false
}

// Repairs reports whether a fix repairs the value its finding points at in
// place — it rewrites that string (or GOENV line) rather than removing it or
// writing somewhere else. content is the finding's file. On a range where
// several diagnostics overlap, such a fix is the one to prefer.
func Repairs(f findings.Finding, fx findings.Fix, content []byte) bool {
	if f.File == "" || content == nil || len(fx.Edits) == 0 {
		return false
	}
	root, err := sources.ParseJSONC(content)
	if err != nil {
		root = nil
	}
	for _, e := range fx.Edits {
		if e.File != f.File || e.Create || e.Span.End > len(content) {
			return false
		}
		if root == nil {
			// A GOENV line: rewritten, not removed.
			g := guard(content, nil, e.Span)
			if !strings.Contains(e.NewText, "=") || g.End < f.Span.Start || f.Span.End < g.Start {
				return false
			}
			continue
		}
		v := innermost(root, e.Span)
		if v == nil || v.Kind == sources.Object || v.Kind == sources.Array || v.Span.End < f.Span.Start || f.Span.End < v.Span.Start {
			return false
		}
	}
	return true
}

// innermost is the innermost value that holds the span.
func innermost(v *sources.Value, sp sources.Span) *sources.Value {
	if !within(sp, v.Span) {
		return nil
	}
	for _, m := range v.Members {
		if r := innermost(m.Value, sp); r != nil {
			return r
		}
	}
	for _, e := range v.Elems {
		if r := innermost(e, sp); r != nil {
			return r
		}
	}
	return v
}
