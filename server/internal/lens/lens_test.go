package lens

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

func TestGoModLenses(t *testing.T) {
	if got := GoMod(&sources.Snapshot{}, 3, nil); got != nil {
		t.Errorf("lenses without a go.mod: %+v", got)
	}
	snap := &sources.Snapshot{GoMod: &sources.ModFile{Path: "/w/go.mod", ModuleSpan: sources.Span{Start: 10, End: 30}}}
	got := GoMod(snap, 1, nil)
	if len(got) != 1 || got[0].Title != "Verify 1 module" || got[0].Kind != RunVerify || got[0].File != "/w/go.mod" || got[0].Span.Start != 10 {
		t.Errorf("before a run: %+v", got)
	}
	last := &verify.Result{Modules: []verify.ModuleResult{
		{Path: "a.example.com/x", Version: "v1.0.0", Consumers: []string{"gopls"}, Outcome: verify.OutcomeOK},
		{Path: "a.example.com/y", Version: "v1.0.0", Consumers: []string{"gopls"}, Outcome: verify.OutcomeSkipped},
	}}
	got = GoMod(snap, 2, last)
	if len(got) != 2 || got[0].Title != "Verify 2 modules" || got[1].Title != "1 ok · 0 failing · 1 skipped" || got[1].Kind != ShowVerifyResult {
		t.Errorf("after a run: %+v", got)
	}
	if s := Outcome(report.VerifySummary{VerifyCounts: report.VerifyCounts{OK: 3, Failing: 1}}); s != "3 ok · 1 failing" {
		t.Errorf("Outcome = %q", s)
	}
}
