package verify

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// inFlight counts the requests a server is handling at once. Each request
// waits (up to a generous bound) until a second one has arrived, so that
// the peak reaches the limit without depending on timing.
type inFlight struct {
	mu        sync.Mutex
	now, peak int
	two       chan struct{} // closed when two requests were in flight
	once      sync.Once
	next      http.Handler
}

func (f *inFlight) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.now++
	f.peak = max(f.peak, f.now)
	if f.now >= 2 {
		f.once.Do(func() { close(f.two) })
	}
	f.mu.Unlock()
	select {
	case <-f.two:
	case <-time.After(2 * time.Second):
	case <-r.Context().Done():
	}
	f.next.ServeHTTP(w, r)
	f.mu.Lock()
	f.now--
	f.mu.Unlock()
}

// TestConcurrencyBound: with Concurrency 2 (the CLI's --concurrency 2) a
// server never sees more than two requests at once, and does see two.
func TestConcurrencyBound(t *testing.T) {
	l := newLab(t)
	f := &inFlight{two: make(chan struct{}), next: &verifytest.Proxy{Name: "counted", Tree: l.tree, Log: l.log, Latency: 20 * time.Millisecond}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var mods []string
	for i := range 12 {
		mods = append(mods, fmt.Sprintf("pub.example.com/m%d@v1.0.0", i))
	}
	res := l.mustVerify(map[string]string{"GOPROXY": srv.URL, "GOSUMDB": "off"}, l.env(nil), Options{Concurrency: 2}, mods...)
	if len(res.Modules) != len(mods) {
		t.Fatalf("modules: %d", len(res.Modules))
	}
	for _, m := range res.Modules {
		if m.Outcome != OutcomeNotFound || len(m.Attempts) != 1 || m.Attempts[0].Status != http.StatusNotFound {
			t.Errorf("%s: %+v", m.Path, m)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t.Logf("%d modules, Concurrency 2: peak %d requests at once", len(mods), f.peak)
	if f.peak != 2 {
		t.Errorf("peak concurrent requests %d, want 2 (the bound, reached)", f.peak)
	}
}
