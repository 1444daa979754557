package report

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// TestRouteShowsDirectOnce: a GONOPROXY module that is not found at its
// origin is looked up there twice (noproxy, then GOPROXY's direct); the
// route names the origin once.
func TestRouteShowsDirectOnce(t *testing.T) {
	m := verify.ModuleResult{Path: "git.example.com/team/private", Version: "v1.2.0", Consumers: []string{"terminal"}, Outcome: verify.OutcomeNotFound,
		Attempts: []verify.Attempt{
			{Proxy: "direct", Status: 404, Outcome: verify.OutcomeNotFound},
			{Proxy: "https://proxy.example.com", Index: 1, Outcome: verify.OutcomeSkipped},
			{Proxy: "direct", Index: 2, Status: 404, Outcome: verify.OutcomeNotFound, Repeat: true},
		}}
	if got, want := route(m), "direct 404 → 1 skipped"; got != want {
		t.Errorf("route %q, want %q", got, want)
	}
	text := VerifyText("/w", &verify.Result{Modules: []verify.ModuleResult{m}})
	if strings.Count(text, "direct") != 1 {
		t.Errorf("direct shown %d times:\n%s", strings.Count(text, "direct"), text)
	}
}

// TestProxyStatusNamesForwardProxy: a failure at the forward proxy is
// marked in the status column, next to the proxy it went through.
func TestProxyStatusNamesForwardProxy(t *testing.T) {
	r := &verify.Result{Proxies: []verify.ProxyResult{{URL: "https://mirror.example.com", Index: 1, Consumers: []string{"terminal"},
		Status: verify.ClassRefused, Via: "http://127.0.0.1:8888", AtForwardProxy: true}}}
	text := VerifyText("/w", r)
	if !strings.Contains(text, "refused (forward proxy)") || !strings.Contains(text, "http://127.0.0.1:8888") {
		t.Errorf("proxy row:\n%s", text)
	}
}

// TestProxyLatencyShown: the latency column shows the measured median.
func TestProxyLatencyShown(t *testing.T) {
	r := &verify.Result{Proxies: []verify.ProxyResult{
		{URL: "https://mirror.example.com", Index: 1, Consumers: []string{"terminal"}, Status: verify.ClassOK, LatencyMs: 123.4},
		{URL: "https://slow.example.com", Index: 2, Consumers: []string{"terminal"}, Status: verify.ClassTimeout, LatencyMs: 10000.2},
	}}
	text := VerifyText("/w", r)
	for _, want := range []string{"123 ms", "10000 ms"} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
}

// TestRecommendationShown: the recommended GOPROXY is printed whole, for
// the consumers it applies to, with the current value and the reason.
func TestRecommendationShown(t *testing.T) {
	r := &verify.Result{Recommendations: []verify.Recommendation{{
		Consumer: "terminal", Consumers: []string{"terminal", "gopls"},
		Current: "https://slow.example.com,https://fast.example.com,direct", Recommended: "https://fast.example.com,https://slow.example.com,direct",
		Why: "entry 2 (https://fast.example.com) answers in 3 ms, entry 1 (https://slow.example.com) in 310 ms: the faster first",
	}}}
	text := VerifyText("/w", r)
	for _, want := range []string{
		"recommended GOPROXY for terminal, gopls: https://fast.example.com,https://slow.example.com,direct\n",
		"now https://slow.example.com,https://fast.example.com,direct",
		"the faster first",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if text := VerifyText("/w", &verify.Result{}); strings.Contains(text, "recommended") {
		t.Errorf("a result without recommendations mentions one:\n%s", text)
	}
}

// TestCandidatesShown: the candidates get their own table, with status,
// latency, sumdb support and how many public modules they served.
func TestCandidatesShown(t *testing.T) {
	yes, no := true, false
	r := &verify.Result{Candidates: []verify.Candidate{
		{URL: "https://fast.example.com", Consumers: []string{"terminal"}, Status: verify.ClassOK, LatencyMs: 12.3, SumDB: &yes, Modules: 2, Served: 2},
		{URL: "https://down.example.com", Consumers: []string{"terminal"}, Status: verify.ClassServerError, LatencyMs: 4, SumDB: &no, Modules: 2, Error: "reading https://down.example.com/x: 500 Internal Server Error"},
	}}
	text := VerifyText("/w", r)
	for _, want := range []string{"CANDIDATE", "nothing was changed", "https://fast.example.com", "12 ms", "2/2", "server-error", "0/2", "500 Internal Server Error"} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if text := VerifyText("/w", &verify.Result{}); strings.Contains(text, "CANDIDATE") {
		t.Errorf("a result without candidates shows the table:\n%s", text)
	}
}

// TestVerifyTextAsTheEditorShowsIt: what the extension's Output channel
// showed when it rendered the JSON itself is in the server's text: the
// proxies with their consumers, status, latency and errors, each module's
// consumers, outcome, the entry that served it and its attempts, the
// checksum databases, the advice and a summary line.
func TestVerifyTextAsTheEditorShowsIt(t *testing.T) {
	yes := true
	r := &verify.Result{
		Proxies: []verify.ProxyResult{
			{URL: "http://127.0.0.1:3000", Index: 1, Status: verify.ClassOK, LatencyMs: 3.4, SumDB: &yes, Consumers: []string{"gopls", "tools"}},
			{URL: "https://down.example.com", Index: 1, Status: verify.ClassTimeout, LatencyMs: 10000, Error: "no answer within 10s", Consumers: []string{"terminal"}},
		},
		Modules: []verify.ModuleResult{
			{Path: "example.org/lib", Version: "v1.0.0", Consumers: []string{"gopls", "tools"}, Outcome: verify.OutcomeOK, ServedBy: "http://127.0.0.1:3000",
				Attempts: []verify.Attempt{{Proxy: "http://127.0.0.1:3000", Index: 1, Status: 200, Outcome: verify.OutcomeOK}}},
			{Path: "example.com/private", Version: "v0.3.0", Consumers: []string{"terminal"}, Outcome: verify.OutcomeError, Error: "example.com/private@v0.3.0: timeout",
				Attempts: []verify.Attempt{{Proxy: "https://down.example.com", Index: 1, Class: verify.ClassTimeout, Outcome: verify.OutcomeError}}},
		},
		Advice: []verify.Advice{{Consumers: []string{"terminal"}, Message: "add direct after the mirror"}},
	}
	text := VerifyText("/w/app", r)
	for _, want := range []string{
		"Folder /w/app\n",
		"PROXY                       CONSUMERS     STATUS   LATENCY   SUMDB  VIA\n",
		"1 http://127.0.0.1:3000     gopls, tools  ok       3 ms      yes    -\n",
		"1 https://down.example.com  terminal      timeout  10000 ms  -      -\n",
		"  https://down.example.com: no answer within 10s\n",
		"MODULE                      CONSUMERS     OUTCOME  SERVED BY              ROUTE      SUMDB\n",
		"example.org/lib@v1.0.0      gopls, tools  ok       http://127.0.0.1:3000  1 200      -\n",
		"example.com/private@v0.3.0  terminal      error    -                      1 timeout  -\n",
		"  example.com/private@v0.3.0 [terminal]: example.com/private@v0.3.0: timeout\n",
		"  - [terminal] add direct after the mirror\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasSuffix(text, "\n1/2 modules ok; proxies: 1 ok, 1 timeout\n") {
		t.Errorf("summary line:\n%s", text)
	}
	empty := VerifyText("/w", &verify.Result{})
	for _, want := range []string{"No proxy is configured for any consumer.", "No modules to verify", "0/0 modules ok\n"} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty result lacks %q:\n%s", want, empty)
		}
	}
}
