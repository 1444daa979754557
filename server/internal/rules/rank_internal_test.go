package rules

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// rank keeps at most one preferred fix per finding, whatever the rule said.
func TestRankKeepsOnePreferredFix(t *testing.T) {
	in := &Input{Snap: sources.NewSnapshot("/w", nil)}
	f := Finding{Code: "x", Severity: Warning, Fixes: []Fix{
		{Title: "first", Preferred: true},
		{Title: "second", Preferred: true},
		{Title: "third"},
	}}
	in.rank(&f)
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
	in := &Input{Snap: sources.NewSnapshot("/w", nil)}
	f := Finding{Code: "x", Severity: Warning, Fixes: []Fix{
		{Title: "raises a warning", Preferred: true, raises: Warning},
		{Title: "raises information", Preferred: true, raises: Information},
		{Title: "clean"},
	}}
	in.rank(&f)
	if len(f.Fixes) != 2 || f.Fixes[0].Title != "raises information" || f.Fixes[0].Preferred {
		t.Errorf("after rank: %+v", f.Fixes)
	}
}
