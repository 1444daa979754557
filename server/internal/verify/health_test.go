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

// healthTarget is a gopls environment whose go.mod needs pubMod and privMod:
// the health check must name neither unless the user named pubMod.
func healthTarget(l *lab, vars map[string]string) Target {
	return Target{Consumers: []string{"gopls", "tools"}, Vars: effective(vars), Env: l.env(nil), GOOS: runtime.GOOS,
		KnownSumDBs: []string{"sum.example.com"},
		Modules:     []Module{{Path: pubMod, Version: pubVer}, {Path: privMod, Version: privVer}}}
}

// TestHealthRequestsOnlySupportedAndList: each proxy entry is asked only
// /sumdb/<name>/supported and the named module's @v/list; latency is
// measured; the folder's modules are never named.
func TestHealthRequestsOnlySupportedAndList(t *testing.T) {
	l := newLab(t)
	const delay = 60 * time.Millisecond
	a := (&verifytest.Proxy{Name: "a", Tree: l.tree, Log: l.log, Latency: delay, SumDB: l.db}).Start(t)
	b := l.proxy("b", 0, http.StatusOK)
	tg := healthTarget(l, map[string]string{"GOPROXY": a.URL + "," + b.URL + ",direct", "GOPRIVATE": "git.example.com", "GOSUMDB": l.db.Key})

	res, err := Health(context.Background(), tg, "", Options{Dial: l.hosts.Dial})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range l.log.Hits() {
		if h.Path != "/sumdb/sum.example.com/supported" {
			t.Errorf("no module named: %s got %s", h.Server, h.Path)
		}
	}
	if len(l.log.Hits()) != 2 {
		t.Errorf("hits %d, want 2 (one /supported per proxy)", len(l.log.Hits()))
	}

	res, err = Health(context.Background(), tg, "other.example.com/Pub", Options{Dial: l.hosts.Dial})
	if err != nil {
		t.Fatal(err)
	}
	var lists int
	for _, h := range l.log.Hits() {
		switch h.Path {
		case "/sumdb/sum.example.com/supported":
		case "/other.example.com/!pub/@v/list":
			lists++
		default:
			t.Errorf("unexpected request to %s: %s", h.Server, h.Path)
		}
		if strings.Contains(h.Path, pubMod) || strings.Contains(h.Path, "git.example.com") {
			t.Errorf("a go.mod module was sent to %s: %s", h.Server, h.Path)
		}
	}
	if lists != 2 {
		t.Errorf("@v/list requests %d, want one per proxy", lists)
	}
	if len(res.Entries) != 2 || res.Consumer != "gopls" || res.Down || res.Recommendation != nil {
		t.Fatalf("result: %+v", res)
	}
	if e := res.Entries[0]; e.Index != 1 || e.LatencyMs < float64(delay.Milliseconds()) || e.LatencyMs > 5000 || e.SumDB == nil || !*e.SumDB {
		t.Errorf("entry 1: %+v, want latency >= %d ms and sumdb supported", e, delay.Milliseconds())
	}
	if e := res.Entries[1]; e.Index != 2 || e.Status != ClassNotFound && e.Status != ClassOK {
		t.Errorf("entry 2: %+v", e)
	}
}

// TestHealthRefusesPrivateModule: a module GOPRIVATE or GONOPROXY matches
// is refused before any request.
func TestHealthRefusesPrivateModule(t *testing.T) {
	l := newLab(t)
	a := l.proxy("a", 0, http.StatusOK)
	for _, vars := range []map[string]string{
		{"GOPROXY": a.URL, "GOPRIVATE": "git.example.com"},
		{"GOPROXY": a.URL, "GONOPROXY": "*.example.com/team"},
	} {
		_, err := Health(context.Background(), healthTarget(l, vars), privMod, Options{Dial: l.hosts.Dial})
		if err == nil || !strings.Contains(err.Error(), "never sent to a proxy") {
			t.Errorf("%v: err %v, want a refusal", vars, err)
		}
	}
	if _, err := Health(context.Background(), healthTarget(l, map[string]string{"GOPROXY": a.URL}), "not a path", Options{Dial: l.hosts.Dial}); err == nil {
		t.Error("an invalid module path was accepted")
	}
	if hits := l.log.Hits(); len(hits) != 0 {
		t.Errorf("requests made: %+v", hits)
	}
}

// TestHealthDownRecommends: when the first entry fails, the result is down
// and carries Verify's recommended failover order.
func TestHealthDownRecommends(t *testing.T) {
	l := newLab(t)
	down := l.proxy("down", http.StatusBadGateway, http.StatusBadGateway)
	up := l.proxy("up", 0, http.StatusOK)
	// GOPRIVATE puts cmd/go's hidden GONOPROXY step first: the first entry is still the first proxy.
	tg := healthTarget(l, map[string]string{"GOPROXY": down.URL + "," + up.URL + ",direct", "GOSUMDB": l.db.Key, "GOPRIVATE": "git.example.com"})
	res, err := Health(context.Background(), tg, "other.example.com/pub", Options{Dial: l.hosts.Dial})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Down || res.Entries[0].Status != ClassServerError {
		t.Fatalf("want down with a 5xx first entry: %+v", res)
	}
	want := up.URL + "," + down.URL + "|direct"
	if res.Recommendation == nil || res.Recommendation.Recommended != want {
		t.Errorf("recommendation %+v, want %s", res.Recommendation, want)
	}

	// Down after a healthy first entry is not down; direct first has no proxy to be down.
	for _, goproxy := range []string{up.URL + "," + down.URL, "direct," + down.URL} {
		res, err := Health(context.Background(), healthTarget(l, map[string]string{"GOPROXY": goproxy, "GOSUMDB": l.db.Key}), "", Options{Dial: l.hosts.Dial})
		if err != nil {
			t.Fatal(err)
		}
		if res.Down || res.Recommendation != nil {
			t.Errorf("GOPROXY=%s: %+v, want not down", goproxy, res)
		}
	}
}

// TestHealthWithholdsWorkspaceURLs: an untrusted workspace's GOPROXY is
// not contacted.
func TestHealthWithholdsWorkspaceURLs(t *testing.T) {
	l := newLab(t)
	a := l.proxy("a", 0, http.StatusOK)
	tg := healthTarget(l, map[string]string{"GOPROXY": a.URL})
	u, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	tg.Withheld = []Withheld{{Kind: WithheldProxy, URL: a.URL, Source: ".vscode/settings.json:2 go.toolsEnvVars.GOPROXY", match: u}}
	res, err := Health(context.Background(), tg, "other.example.com/pub", Options{Dial: l.hosts.Dial})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.log.Hits()) != 0 || res.Entries[0].Status != ClassWithheld || len(res.Withheld) != 1 {
		t.Errorf("withheld: hits %v, result %+v", l.log.Hits(), res)
	}
}
