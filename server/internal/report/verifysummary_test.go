package report

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// A module counts once: failing when it fails for any consumer, served
// when served to some consumer and failing for none, else skipped; each
// consumer's counts are its own routes.
func TestSummarizeVerify(t *testing.T) {
	mod := func(path string, o verify.Outcome, consumers ...string) verify.ModuleResult {
		return verify.ModuleResult{Path: path, Version: "v1.0.0", Consumers: consumers, Consumer: consumers[0], Outcome: o}
	}
	r := &verify.Result{Modules: []verify.ModuleResult{
		mod("a.example.com/ok", verify.OutcomeOK, "gopls", "terminal"),
		mod("a.example.com/ok", verify.OutcomeSkipped, "install"),
		mod("a.example.com/bad", verify.OutcomeOK, "gopls", "terminal"),
		mod("a.example.com/bad", verify.OutcomeNotFound, "install"),
		mod("a.example.com/private", verify.OutcomeSkipped, "gopls", "terminal", "install"),
		mod("a.example.com/err", verify.OutcomeError, "terminal", "gopls"),
	}}
	s := SummarizeVerify(r)
	if s.Modules != 4 || s.OK != 1 || s.Failing != 2 || s.Skipped != 1 {
		t.Errorf("summary %+v", s)
	}
	want := map[string]VerifyCounts{
		"gopls":    {OK: 2, Failing: 1, Skipped: 1},
		"terminal": {OK: 2, Failing: 1, Skipped: 1},
		"install":  {OK: 0, Failing: 1, Skipped: 2},
	}
	for c, w := range want {
		if s.Consumers[c] != w {
			t.Errorf("%s: %+v, want %+v", c, s.Consumers[c], w)
		}
	}
	if n := SummarizeVerify(nil); n.Modules != 0 || n.Consumers == nil {
		t.Errorf("nil result: %+v", n)
	}
}
