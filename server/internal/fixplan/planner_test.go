package fixplan

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// plannerFor is a planner over one user settings file that sets GOPROXY
// for gopls, with diagnose as its rules.
func plannerFor(t *testing.T, diagnose func(*sources.Snapshot, []*resolve.Consumer) []findings.Finding) (*Planner, sources.Provenance) {
	t.Helper()
	const user = "/u/settings.json"
	s := sources.NewSnapshot("/w", nil)
	s.UserSettingsPath = user
	s.User = sources.ParseSettings(user, sources.VSCodeUser, []byte(`{"go.toolsEnvVars": {"GOPROXY": "off"}}`), false)
	prov := s.User.Prov("go.toolsEnvVars.GOPROXY", s.User.Get("go.toolsEnvVars").Value.Members[0])
	gopls := &resolve.Consumer{Name: "gopls", Vars: map[string]resolve.Value{"GOPROXY": {Name: "GOPROXY", Value: "off", Prov: prov}}}
	return &Planner{Snap: s, Consumers: []*resolve.Consumer{gopls}, Diagnose: diagnose}, prov
}

// Build replays a fix through the injected Diagnose, against the findings
// without the fix, and Rank weighs what the fix would raise against the
// finding it fixes: an equally severe new finding drops it, a milder one
// keeps it, not preferred.
func TestBuildReplaysThroughDiagnose(t *testing.T) {
	for _, tc := range []struct {
		raised    findings.Severity
		kept      bool
		preferred bool
	}{
		{0, true, true},
		{findings.Information, true, false},
		{findings.Warning, false, false},
		{findings.Error, false, false},
	} {
		var replays []string
		plan, prov := plannerFor(t, func(s *sources.Snapshot, cs []*resolve.Consumer) []findings.Finding {
			v := consumerNamed(cs, "gopls").Vars["GOPROXY"].Value
			replays = append(replays, v)
			if v == "direct" && tc.raised != 0 {
				return []findings.Finding{{Code: "raised", Severity: tc.raised, File: "/u/settings.json"}}
			}
			return nil
		})
		fx := plan.Fixer()
		fx.Rewrite(prov, "off", "direct")
		built, ok := fx.Build("Set GOPROXY to direct", true)
		if !ok || len(built.Edits) != 1 || !strings.Contains(built.Edits[0].NewText, "direct") {
			t.Fatalf("raising %v: Build = %+v, %v", tc.raised, built, ok)
		}
		if strings.Join(replays, " ") != "off direct" {
			t.Errorf("raising %v: Diagnose saw GOPROXY %q, want the baseline then the replay", tc.raised, replays)
		}
		f := findings.Finding{Code: "goproxy-off", Severity: findings.Warning, File: "/u/settings.json", Fixes: []findings.Fix{built}}
		plan.Rank(&f)
		if kept := len(f.Fixes) == 1; kept != tc.kept || kept && f.Fixes[0].Preferred != tc.preferred {
			t.Errorf("raising %v: after Rank %+v; want kept %v, preferred %v", tc.raised, f.Fixes, tc.kept, tc.preferred)
		}
	}
}

// While a replay is diagnosed no fix is built, so replays never nest.
func TestNoFixesWhileReplaying(t *testing.T) {
	plan, prov := plannerFor(t, func(*sources.Snapshot, []*resolve.Consumer) []findings.Finding {
		t.Error("a replaying planner ran the rules")
		return nil
	})
	plan.Replaying = true
	fx := plan.Fixer()
	fx.Rewrite(prov, "off", "direct")
	if _, ok := fx.Build("Set GOPROXY to direct", true); ok || fx.Err() == nil {
		t.Errorf("a fix was built while replaying (err %v)", fx.Err())
	}
}
