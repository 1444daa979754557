package verify

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// TestRecommendOrder: a pure table over measured rows.
func TestRecommendOrder(t *testing.T) {
	ok := func(i int, ms float64) ProxyResult { return ProxyResult{Index: i, Status: ClassOK, LatencyMs: ms} }
	bad := func(i int, c Class) ProxyResult { return ProxyResult{Index: i, Status: c} }
	for _, tc := range []struct {
		name, goproxy string
		rows          []ProxyResult
		want          string // "" for no recommendation
	}{
		{"healthy", "https://a.example.com,https://b.example.com,direct", []ProxyResult{ok(1, 20), ok(2, 25)}, ""},
		{"noise does not reorder", "https://a.example.com,https://b.example.com", []ProxyResult{ok(1, 90), ok(2, 10)}, ""},
		{"clearly faster first", "https://a.example.com,https://b.example.com,direct", []ProxyResult{ok(1, 400), ok(2, 10)}, "https://b.example.com,https://a.example.com,direct"},
		{"fastest of a chain", "https://a.example.com|https://b.example.com,https://c.example.com,off", []ProxyResult{ok(1, 900), ok(2, 300), ok(3, 5)}, "https://c.example.com,https://b.example.com,https://a.example.com|off"},
		{"failing last with pipe", "https://a.example.com,https://b.example.com,direct", []ProxyResult{bad(1, ClassServerError), ok(2, 10)}, "https://b.example.com,https://a.example.com|direct"},
		{"timeout gets pipe in place", "https://a.example.com,https://b.example.com,direct", []ProxyResult{ok(1, 10), bad(2, ClassTimeout)}, "https://a.example.com,https://b.example.com|direct"},
		{"refused at the end", "https://a.example.com,https://b.example.com", []ProxyResult{bad(1, ClassRefused), ok(2, 10)}, "https://b.example.com,https://a.example.com"},
		{"already piped", "https://a.example.com,https://b.example.com|direct", []ProxyResult{ok(1, 10), bad(2, ClassDNS)}, ""},
		{"unknown keeps its place before failing", "https://a.example.com,https://b.example.com,https://c.example.com", []ProxyResult{bad(1, ClassTimeout), {Index: 2, Status: ClassWithheld}, ok(3, 10)}, "https://c.example.com,https://b.example.com,https://a.example.com"},
		{"nothing healthy falls through to direct", "https://a.example.com,direct", []ProxyResult{bad(1, ClassTimeout)}, "https://a.example.com|direct"},
		{"nothing healthy and no direct", "https://a.example.com,https://b.example.com,off", []ProxyResult{bad(1, ClassTimeout), bad(2, ClassDNS)}, ""},
		{"forward proxy is the hop", "https://a.example.com,https://b.example.com", []ProxyResult{{Index: 1, Status: ClassRefused, AtForwardProxy: true, Via: "http://127.0.0.1:8888"}, ok(2, 5)}, ""},
		{"dead entries are not a reason", "https://a.example.com,direct,https://b.example.com", []ProxyResult{ok(1, 10)}, ""},
		{"unparsable", "https://a.example.com,ftp://x", []ProxyResult{ok(1, 10)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why, ok := Recommend(tc.goproxy, tc.rows)
			if tc.want == "" {
				if ok {
					t.Errorf("Recommend(%q) = %q (%s), want none", tc.goproxy, got, why)
				}
				return
			}
			if !ok || got != tc.want {
				t.Errorf("Recommend(%q) = %q, %v, want %q", tc.goproxy, got, ok, tc.want)
			}
			if why == "" {
				t.Errorf("Recommend(%q): no reason given", tc.goproxy)
			}

		})
	}
}

// TestRecommendWhy: the reason names each move and separator as it is.
func TestRecommendWhy(t *testing.T) {
	for _, tc := range []struct {
		goproxy string
		rows    []ProxyResult
		want    string
	}{
		{"https://a.example.com,direct", []ProxyResult{{Index: 1, Status: ClassTimeout}},
			"entry 1 (https://a.example.com) times out: with '|' after it so that its errors fall through"},
		{"https://a.example.com,https://b.example.com", []ProxyResult{{Index: 1, Status: ClassServerError}, {Index: 2, Status: ClassOK, LatencyMs: 4}},
			"entry 1 (https://a.example.com) answers 5xx: after the healthy entries"},
		{"https://a.example.com,https://b.example.com", []ProxyResult{{Index: 1, Status: ClassOK, LatencyMs: 310}, {Index: 2, Status: ClassOK, LatencyMs: 4}},
			"entry 2 (https://b.example.com) answers in 4 ms, entry 1 (https://a.example.com) in 310 ms: the faster first"},
	} {
		if _, why, _ := Recommend(tc.goproxy, tc.rows); why != tc.want {
			t.Errorf("Recommend(%q) why:\n got %q\nwant %q", tc.goproxy, why, tc.want)
		}
	}
}

// TestRecommendMeasured: two loopback proxies, the first slowed by an
// injected delay (or answering 500), the second fast: the recommendation
// puts the fast, healthy one first with the right separator; a healthy list
// gets none. Bounds are generous: only the injected delay must separate them.
func TestRecommendMeasured(t *testing.T) {
	l := newLab(t)
	const delay = 300 * time.Millisecond
	slow := (&verifytest.Proxy{Name: "slow", Tree: l.tree, Log: l.log, Latency: delay, SumDB: l.db}).Start(t)
	fast := (&verifytest.Proxy{Name: "fast", Tree: l.tree, Log: l.log, SumDB: l.db}).Start(t)
	broken := l.proxy("broken", http.StatusInternalServerError, http.StatusInternalServerError)

	check := func(goproxy, want string) {
		t.Helper()
		res := l.mustVerify(map[string]string{"GOPROXY": goproxy, "GOSUMDB": l.db.Key}, l.env(nil), Options{}, pubMod+"@"+pubVer)
		for _, p := range res.Proxies {
			t.Logf("%s: %s %.1f ms", p.URL, p.Status, p.LatencyMs)
		}
		if want == "" {
			if len(res.Recommendations) != 0 {
				t.Errorf("GOPROXY=%s: recommendations %+v, want none", goproxy, res.Recommendations)
			}
			return
		}
		if len(res.Recommendations) != 1 {
			t.Fatalf("GOPROXY=%s: recommendations %+v, want one", goproxy, res.Recommendations)
		}
		r := res.Recommendations[0]
		if r.Recommended != want || r.Current != goproxy || r.Consumer != "terminal" || r.Why == "" {
			t.Errorf("GOPROXY=%s: recommendation %+v, want %q", goproxy, r, want)
		}
	}
	check(slow.URL+","+fast.URL+",direct", fast.URL+","+slow.URL+",direct")
	check(broken.URL+","+fast.URL+",direct", fast.URL+","+broken.URL+"|direct")
	check(fast.URL+","+broken.URL, "")
	check(fast.URL+",direct", "")
	check(fast.URL+","+slow.URL+",direct", "")
}
