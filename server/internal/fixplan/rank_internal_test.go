package fixplan

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Rank keeps at most one preferred fix per finding, whatever the rule said.
func TestRankKeepsOnePreferredFix(t *testing.T) {
	p := &Planner{Snap: sources.NewSnapshot("/w", nil)}
	f := findings.Finding{Code: "x", Severity: findings.Warning, Fixes: []findings.Fix{
		{Title: "first", Preferred: true},
		{Title: "second", Preferred: true},
		{Title: "third"},
	}}
	p.Rank(&f)
	var pref []string
	for _, fx := range f.Fixes {
		if fx.Preferred {
			pref = append(pref, fx.Title)
		}
	}
	if len(f.Fixes) != 3 || len(pref) != 1 || pref[0] != "first" {
		t.Errorf("after rank: %+v; want three fixes, only the first preferred", f.Fixes)
	}
}

// A fix raising a milder finding stays, not preferred; one raising an
// equally severe one goes.
func TestRankWeighsWhatAFixRaises(t *testing.T) {
	p := &Planner{Snap: sources.NewSnapshot("/w", nil)}
	f := findings.Finding{Code: "x", Severity: findings.Warning, Fixes: []findings.Fix{
		{Title: "raises a warning", Preferred: true, Plan: &plan{raises: findings.Warning}},
		{Title: "raises information", Preferred: true, Plan: &plan{raises: findings.Information}},
		{Title: "clean"},
	}}
	p.Rank(&f)
	if len(f.Fixes) != 2 || f.Fixes[0].Title != "raises information" || f.Fixes[0].Preferred {
		t.Errorf("after rank: %+v", f.Fixes)
	}
}
