package verify

import (
	"context"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// TestCandidates: candidates are probed side by side with the configured
// entry (/supported and each public module's .info), reported with status,
// latency and sumdb support, and change nothing: the configured rows and
// routes are those of a run without them. A module GOPRIVATE matches is
// never sent to a candidate.
func TestCandidates(t *testing.T) {
	l := newLab(t)
	configured := (&verifytest.Proxy{Name: "configured", Tree: l.tree, Log: l.log, SumDB: l.db}).Start(t)
	const delay = 200 * time.Millisecond
	slow := (&verifytest.Proxy{Name: "cand-slow", Tree: l.tree, Log: l.log, SumDB: l.db, Latency: delay}).Start(t)
	broken := l.proxy("cand-broken", http.StatusInternalServerError, http.StatusInternalServerError)
	empty := (&verifytest.Proxy{Name: "cand-empty", Tree: sharedEmpty, Log: l.log}).Start(t)

	vars := map[string]string{"GOPROXY": configured.URL + ",direct", "GOSUMDB": l.db.Key, "GOPRIVATE": "git.example.com"}
	mods := []string{pubMod + "@" + pubVer, privMod + "@" + privVer}
	cands, err := ParseCandidates([]string{slow.URL + ", " + broken.URL, empty.URL, slow.URL})
	if err != nil {
		t.Fatal(err)
	}
	res := l.mustVerify(vars, l.env(nil), Options{Candidates: cands}, mods...)
	plain := l.mustVerify(vars, l.env(nil), Options{}, mods...)

	if len(res.Proxies) != 1 || res.Proxies[0].URL != configured.URL || res.Proxies[0].Status != ClassOK || len(plain.Candidates) != 0 {
		t.Errorf("configured proxies %+v; without candidates: %+v", res.Proxies, plain.Candidates)
	}
	for i, m := range res.Modules {
		if m.ServedBy != plain.Modules[i].ServedBy || len(m.Attempts) != len(plain.Modules[i].Attempts) {
			t.Errorf("%s: route changed by candidates: %+v, want %+v", m.Path, m, plain.Modules[i])
		}
	}
	if len(res.Candidates) != 3 {
		t.Fatalf("candidates %+v, want 3", res.Candidates)
	}
	byURL := map[string]Candidate{}
	for _, c := range res.Candidates {
		byURL[c.URL] = c
		t.Logf("candidate %s: %s %.1f ms sumdb %v served %d/%d", c.URL, c.Status, c.LatencyMs, c.SumDB != nil && *c.SumDB, c.Served, c.Modules)
	}
	if c := byURL[slow.URL]; c.Status != ClassOK || c.SumDB == nil || !*c.SumDB || c.Modules != 1 || c.Served != 1 ||
		c.LatencyMs < float64(delay.Milliseconds()) || c.LatencyMs > 10000 || len(c.Consumers) != 1 || c.Consumers[0] != "terminal" {
		t.Errorf("slow candidate: %+v", c)
	}
	if c := byURL[broken.URL]; c.Status != ClassServerError || c.SumDB == nil || *c.SumDB || c.Served != 0 || !strings.Contains(c.Error, "500") {
		t.Errorf("broken candidate: %+v", c)
	}
	if c := byURL[empty.URL]; c.Status != ClassOK || c.SumDB == nil || *c.SumDB || c.Served != 0 || c.Modules != 1 {
		t.Errorf("empty candidate (404 for everything): %+v", c)
	}

	asked := map[string]bool{}
	for _, h := range l.log.Hits() {
		if !strings.HasPrefix(h.Server, "cand-") {
			continue
		}
		asked[h.Server] = true
		if strings.Contains(h.Path, "git.example.com") {
			t.Errorf("the private module was sent to candidate %s: %+v", h.Server, h)
		}
		if !strings.Contains(h.Path, "/sumdb/sum.example.com/supported") && !strings.Contains(h.Path, pubMod+"/@v/"+pubVer+".info") {
			t.Errorf("candidate %s asked for %s", h.Server, h.Path)
		}
	}
	if len(asked) != 3 {
		t.Errorf("candidates asked: %v", asked)
	}
}

// TestCandidatesNotWithheld: the candidates are the user's input, so an
// untrusted workspace whose GOPROXY names the same URL does not withhold
// them (the workspace's entry itself stays withheld).
func TestCandidatesNotWithheld(t *testing.T) {
	l := newLab(t)
	p := (&verifytest.Proxy{Name: "cand", Tree: l.tree, Log: l.log, SumDB: l.db}).Start(t)
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	tg := Target{Consumers: []string{"terminal"}, Vars: map[string]string{"GOPROXY": p.URL, "GOSUMDB": l.db.Key}, Env: l.env(nil), GOOS: runtime.GOOS,
		KnownSumDBs: []string{"sum.example.com"}, Modules: []Module{{Path: pubMod, Version: pubVer}},
		Withheld: []Withheld{{URL: p.URL, Kind: WithheldProxy, Source: ".vscode/settings.json:2 go.toolsEnvVars.GOPROXY", Consumers: []string{"terminal"}, match: u}}}
	res, err := Run(context.Background(), []Target{tg}, Options{Dial: l.hosts.Dial, Candidates: []string{p.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Proxies) != 1 || res.Proxies[0].Status != ClassWithheld {
		t.Errorf("the workspace's entry: %+v, want withheld", res.Proxies)
	}
	if len(res.Candidates) != 1 || res.Candidates[0].Status != ClassOK || res.Candidates[0].Served != 1 {
		t.Errorf("candidate: %+v, want probed", res.Candidates)
	}
}

func TestParseCandidates(t *testing.T) {
	got, err := ParseCandidates([]string{"https://a.example.com, b.example.com/p", "https://a.example.com"})
	if err != nil || len(got) != 2 || got[0] != "https://a.example.com" || got[1] != "b.example.com/p" {
		t.Errorf("ParseCandidates = %q, %v", got, err)
	}
	for _, bad := range []string{"direct", "off", "https://a.example.com|https://b.example.com", "ftp://a.example.com", "https://user:hunter2@a.example.com/%zz"} {
		_, err := ParseCandidates([]string{bad})
		if err == nil {
			t.Errorf("ParseCandidates(%q): no error", bad)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseCandidates(%q): error shows the password: %v", bad, err)
		}
	}
}

// TestCandidatesStrictestPrivacy: a candidate is a hypothetical, so a
// module path any consumer environment keeps private (GONOPROXY/GOPRIVATE)
// is sent to it by none, even by an environment that does not.
func TestCandidatesStrictestPrivacy(t *testing.T) {
	l := newLab(t)
	cand := (&verifytest.Proxy{Name: "cand", Tree: l.tree, Log: l.log}).Start(t)
	base := func(consumer string, vars map[string]string) Target {
		return Target{Consumers: []string{consumer}, Vars: effective(vars), Env: l.env(nil), GOOS: runtime.GOOS,
			KnownSumDBs: []string{"sum.example.com"}, Modules: []Module{{Path: pubMod, Version: pubVer}, {Path: privMod, Version: privVer}}}
	}
	careful := base("terminal", map[string]string{"GOPROXY": "off", "GOSUMDB": "off", "GOPRIVATE": "git.example.com"})
	careless := base("gopls", map[string]string{"GOPROXY": "off", "GOSUMDB": "off"})
	res, err := Run(context.Background(), []Target{careless, careful}, Options{Dial: l.hosts.Dial, Candidates: []string{cand.URL}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 1 || res.Candidates[0].Modules != 1 || res.Candidates[0].Served != 1 || len(res.Candidates[0].Consumers) != 2 {
		t.Errorf("candidates %+v, want one row for both consumers, asked for the public module only", res.Candidates)
	}
	n := 0
	for _, h := range l.log.Hits() {
		if h.Server != "cand" {
			continue
		}
		n++
		if strings.Contains(h.Path, "git.example.com") {
			t.Errorf("the private module was sent to the candidate: %+v", h)
		}
	}
	if n == 0 {
		t.Error("the candidate was not asked anything")
	}
}
