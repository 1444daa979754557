package verify

import (
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// TestProxyLatency: a proxy's latency is the median of the requests made to
// it, measured (it was always 0 when the measurement was deferred past the
// return); a proxy that times out shows about the timeout. Only lower
// bounds are tight: the upper ones are generous for a loaded machine.
func TestProxyLatency(t *testing.T) {
	l := newLab(t)
	const delay = 100 * time.Millisecond
	slow := (&verifytest.Proxy{Name: "slow", Tree: l.tree, Log: l.log, Latency: delay, SumDB: l.db}).Start(t)
	res := l.mustVerify(map[string]string{"GOPROXY": slow.URL, "GOSUMDB": l.db.Key}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	if m := res.Modules[0]; m.Outcome != OutcomeOK {
		t.Fatalf("module: %+v", m)
	}
	t.Logf("proxy with %v injected delay: latency %.1f ms", delay, res.Proxies[0].LatencyMs)
	if p := res.Proxies[0]; p.Status != ClassOK || p.LatencyMs < float64(delay.Milliseconds()) || p.LatencyMs > 5000 {
		t.Errorf("delayed proxy: status %s latency %.1f ms, want ok and >= %d ms", p.Status, p.LatencyMs, delay.Milliseconds())
	}
	for _, a := range res.Modules[0].Attempts {
		for _, r := range a.Requests {
			if r.LatencyMs < float64(delay.Milliseconds()) {
				t.Errorf("request %s: latency %.1f ms, want >= %d ms", r.URL, r.LatencyMs, delay.Milliseconds())
			}
		}
	}

	const timeout = 300 * time.Millisecond
	hang := (&verifytest.Proxy{Name: "hang", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Hang: true}}}).Start(t)
	res = l.mustVerify(map[string]string{"GOPROXY": hang.URL, "GOSUMDB": "off"}, l.env(nil), Options{Timeout: timeout}, pubMod+"@"+pubVer)
	t.Logf("hanging proxy, %v timeout: latency %.1f ms", timeout, res.Proxies[0].LatencyMs)
	if p := res.Proxies[0]; p.Status != ClassTimeout || p.LatencyMs < float64(timeout.Milliseconds()) || p.LatencyMs > 5000 {
		t.Errorf("hanging proxy: status %s latency %.1f ms, want timeout and about %d ms", p.Status, p.LatencyMs, timeout.Milliseconds())
	}
}
