package verify

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Verify places its own results: a failing GOPROXY entry is reported on
// that entry inside the settings value that sets it, once for every
// consumer sharing it, with the ranked value as a fix the planner built
// (never preferred: it rests on one run's measurements). The planner's
// Diagnose is injected, so nothing here runs the rules.
func TestFindingsPlaceAFailingEntry(t *testing.T) {
	const user = "/u/settings.json"
	const value = "https://a.example,https://b.example,direct"
	content := []byte(`{"go.toolsEnvVars": {"GOPROXY": "` + value + `"}}`)
	s := sources.NewSnapshot("/w", nil)
	s.UserSettingsPath = user
	s.User = sources.ParseSettings(user, sources.VSCodeUser, content, false)
	m := s.User.Get("go.toolsEnvVars").Value.Members[0]
	prov := s.User.Prov("go.toolsEnvVars.GOPROXY", m)
	var consumers []*resolve.Consumer
	for _, name := range []string{"gopls", "tools"} {
		consumers = append(consumers, &resolve.Consumer{Name: name, Vars: map[string]resolve.Value{
			"GOPROXY": {Name: "GOPROXY", Value: value, Prov: prov},
		}})
	}
	diagnosed := 0
	plan := &fixplan.Planner{Snap: s, Consumers: consumers, Diagnose: func(*sources.Snapshot, []*resolve.Consumer) []findings.Finding {
		diagnosed++
		return nil
	}}
	res := &Result{Proxies: []ProxyResult{
		{URL: "https://a.example", Status: ClassRefused, Error: "connection refused", Consumers: []string{"gopls", "tools"}, Index: 1},
		{URL: "https://b.example", Status: ClassOK, LatencyMs: 20, Consumers: []string{"gopls", "tools"}, Index: 2},
	}}

	got := Findings(plan, res)
	if len(got) != 1 {
		t.Fatalf("%d findings, want 1: %+v", len(got), got)
	}
	f := got[0]
	if f.Code != CodeProxyUnreachable || f.Severity != findings.Error || f.File != user {
		t.Errorf("finding %s %s in %s, want %s error in %s", f.Code, f.Severity, f.File, CodeProxyUnreachable, user)
	}
	if at := string(content[f.Span.Start:f.Span.End]); at != "https://a.example" {
		t.Errorf("placed on %q, want the failing entry", at)
	}
	if strings.Join(f.Consumers, ",") != "gopls,tools" || !strings.Contains(f.Message, "for gopls and tools") {
		t.Errorf("consumers %v, message %q: want one finding for both", f.Consumers, f.Message)
	}
	if len(f.Fixes) != 1 || f.Fixes[0].Preferred || !strings.Contains(f.Fixes[0].Title, "ranked by Verify") {
		t.Fatalf("fixes %+v, want the ranked value, not preferred", f.Fixes)
	}
	if diagnosed == 0 {
		t.Error("the ranked fix was not replayed through Diagnose")
	}
	e := f.Fixes[0].Edits
	if len(e) != 1 || e[0].File != user {
		t.Fatalf("edits %+v, want one edit of user settings", e)
	}
	after := string(content[:e[0].Span.Start]) + e[0].NewText + string(content[e[0].Span.End:])
	if !strings.Contains(after, `"GOPROXY": "https://b.example,`) {
		t.Errorf("after the fix: %s; want the healthy entry first", after)
	}

	offers := Offers(plan, res)
	if len(offers) != 1 || offers[0].File != user || len(offers[0].Fixes) != 1 || offers[0].Fixes[0].Key() != f.Fixes[0].Key() {
		t.Errorf("offers %+v, want the same ranked fix on the GOPROXY value", offers)
	}
}
