package verify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// TestPrivacy: recording servers prove that no path GONOPROXY/GOPRIVATE
// matches reaches a proxy and none GONOSUMDB matches reaches a checksum
// database, while the go command, run the same way, agrees.
func TestPrivacy(t *testing.T) {
	cases := []struct {
		name                string
		vars                map[string]string
		noProxy, noSumDB    []string // module paths that must not reach proxies / checksum databases
		reachProxy, reachDB []string // positive controls
	}{
		{
			name:    "GOPRIVATE covers both",
			vars:    map[string]string{"GOPRIVATE": "git.example.com"},
			noProxy: []string{privMod}, noSumDB: []string{privMod},
			reachProxy: []string{pubMod}, reachDB: []string{pubMod},
		},
		{
			name:    "GONOPROXY only: the checksum database still sees it",
			vars:    map[string]string{"GONOPROXY": "git.example.com"},
			noProxy: []string{privMod}, reachDB: []string{privMod, pubMod},
			reachProxy: []string{pubMod},
		},
		{
			name:    "GONOSUMDB only: proxies still see it",
			vars:    map[string]string{"GONOSUMDB": "*.example.com"},
			noSumDB: []string{privMod, pubMod}, reachProxy: []string{privMod, pubMod},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(t)
			l.mirror(0, 200)
			p1 := l.proxy("p1", 404, 404)
			p2 := l.proxy("p2", 0, 200)
			vars := map[string]string{"GOPROXY": p1.URL + "|https://mirror.example.com," + p2.URL + ",direct", "GOSUMDB": l.db.Key}
			for k, v := range tc.vars {
				vars[k] = v
			}
			env := l.env(nil)
			res := l.mustVerify(vars, env, Options{}, pubMod+"@"+pubVer, privMod+"@"+privVer)
			for _, m := range res.Modules {
				if m.Outcome != OutcomeOK {
					t.Errorf("%s: %s %s", m.Path, m.Outcome, m.Error)
				}
			}
			check := func(who string) {
				hits := l.log.Hits()
				for _, path := range tc.noProxy {
					for _, h := range hits {
						if isProxy(h) && strings.Contains(h.Path, path) {
							t.Errorf("%s: %s reached proxy %s: %s", who, path, h.Server, h.Path)
						}
					}
				}
				for _, path := range tc.noSumDB {
					for _, h := range hits {
						if isSumDB(h) && strings.Contains(h.Path, path) {
							t.Errorf("%s: %s reached a checksum database (%s): %s", who, path, h.Server, h.Path)
						}
					}
				}
				for _, path := range tc.reachProxy {
					if !hasHit(hits, path, isProxy) {
						t.Errorf("%s: positive control: %s never reached a proxy", who, path)
					}
				}
				for _, path := range tc.reachDB {
					if !hasHit(hits, path, isSumDB) {
						t.Errorf("%s: positive control: %s never reached the checksum database", who, path)
					}
				}
			}
			check("Verify")
			for _, mod := range []string{pubMod + "@" + pubVer, privMod + "@" + privVer} {
				if run := l.goDownload(vars, env, mod); run.err != "" {
					t.Errorf("go mod download %s: %s", mod, run.err)
				}
			}
			check("the go command")
		})
	}
}

// isProxy: a module proxy request (GOPROXY entries; not the origin's mod server).
func isProxy(h verifytest.Hit) bool {
	return (h.Server == "p1" || h.Server == "p2" || h.Server == "mirror") && !strings.Contains(h.Path, "/sumdb/")
}

func isSumDB(h verifytest.Hit) bool {
	return strings.Contains(h.Path, "/sumdb/") || h.Server == "sum.example.com" || h.Server == "sumdb"
}

func hasHit(hits []verifytest.Hit, path string, kind func(verifytest.Hit) bool) bool {
	for _, h := range hits {
		if kind(h) && strings.Contains(h.Path, path) {
			return true
		}
	}
	return false
}

// TestCanaryPassword: a password in a GOPROXY URL (or in netrc) is sent to
// that proxy, never across a redirect to another host — not even to a
// subdomain, where net/http itself would keep an Authorization header — and
// appears in no output.
func TestCanaryPassword(t *testing.T) {
	const canary = "Canary-7f3a9c"
	l := newLab(t)
	redirecting := &verifytest.Proxy{Name: "mirror", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Redirect: "https://cdn.mirror.example.com"}}, SumDB: l.db}
	l.hosts.Handle("mirror.example.com", redirecting)
	l.hosts.Handle("cdn.mirror.example.com", &verifytest.Proxy{Name: "cdn", Tree: l.tree, Log: l.log})
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine mirror.example.com login bob password "+canary+"-netrc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ goproxy, user, password string }{
		{"https://alice:" + canary + "@mirror.example.com", "alice", canary},
		{"https://mirror.example.com", "bob", canary + "-netrc"},
	} {
		before := len(l.log.Hits())
		vars := map[string]string{"GOPROXY": tc.goproxy, "GOSUMDB": l.db.Key}
		res := l.mustVerify(vars, l.env(map[string]string{"NETRC": netrc}), Options{}, pubMod+"@"+pubVer)
		if m := res.Modules[0]; m.Outcome != OutcomeOK || len(m.Attempts[0].Requests) != 1 {
			t.Fatalf("module through the redirect: %+v", m)
		}
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(tc.user+":"+tc.password))
		sentToMirror, reachedCDN := false, false
		for _, h := range l.log.Hits()[before:] {
			switch h.Server {
			case "mirror":
				sentToMirror = sentToMirror || h.Auth == basic
			case "cdn":
				reachedCDN = true
				if h.Auth != "" || strings.Contains(h.Path+h.Query, canary) {
					t.Errorf("%s: credentials followed the redirect to cdn.mirror.example.com: %+v", tc.goproxy, h)
				}
			}
		}
		if !sentToMirror || !reachedCDN {
			t.Errorf("%s: positive controls: credentials sent to the mirror %v, redirect followed %v", tc.goproxy, sentToMirror, reachedCDN)
		}
		js, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(js), canary) {
			t.Errorf("the canary is in the result:\n%s", js)
		}
	}
	res := l.mustVerify(map[string]string{"GOPROXY": "https://alice:" + canary + "@mirror.example.com", "GOSUMDB": l.db.Key}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	if js, _ := json.Marshal(res); !strings.Contains(string(js), "https://alice:xxxxx@mirror.example.com") {
		t.Errorf("the entry is not shown redacted:\n%s", js)
	}
	// Over plain http the go command refuses to send URL credentials at all.
	plain := l.proxy("plain", 0, 0)
	res = l.mustVerify(map[string]string{"GOPROXY": strings.Replace(plain.URL, "http://", "http://alice:"+canary+"@", 1), "GOSUMDB": "off"}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	if a := res.Modules[0].Attempts[0]; a.Outcome != OutcomeError || !strings.Contains(a.Error, "refusing to pass credentials") || len(a.Requests) != 1 || a.Requests[0].Status != 0 {
		t.Errorf("http URL with credentials: %+v", a)
	}
	for _, h := range l.log.Hits() {
		if h.Server == "plain" {
			t.Errorf("a request with credentials reached the plain http proxy: %+v", h)
		}
	}
	if js, _ := json.Marshal(res); strings.Contains(string(js), canary) {
		t.Errorf("the canary is in the result:\n%s", js)
	}
}

// TestCancel: a run against hanging servers ends as soon as its context
// does, and the servers see every request abandoned.
func TestCancel(t *testing.T) {
	l := newLab(t)
	hung := make(chan string, 64)
	done := make(chan string, 64)
	hang := &verifytest.Proxy{Name: "hang", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Hang: true}}, Hung: hung, HungDone: done}
	hang.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := l.verify(ctx, map[string]string{"GOPROXY": hang.URL, "GOSUMDB": "off"}, l.env(nil), Options{Timeout: time.Hour}, pubMod+"@"+pubVer, privMod+"@"+privVer)
		errc <- err
	}()
	for range 2 { // both modules' requests are being held
		<-hung
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
	for range 2 {
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("a hanging request was not abandoned")
		}
	}
}
