package verify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// Recommendation is a GOPROXY value that ranks one consumer environment's
// entries by what Verify measured: healthy entries first, the clearly faster
// of them before the slower, and '|' after each failing entry so that its
// errors fall through. It is made only when it differs from the current value.
type Recommendation struct {
	// Consumer is the first consumer of the environment; Consumers lists all.
	Consumer  string   `json:"consumer"`
	Consumers []string `json:"consumers"`
	// Current and Recommended are GOPROXY values, redacted.
	Current     string `json:"current"`
	Recommended string `json:"recommended"`
	Why         string `json:"why"`
}

// Thresholds of "clearly faster": a healthy entry moves ahead of another
// only when it answers in at most half the time and at least this much
// sooner, so that measurement noise never reorders a list.
const fasterByMs = 100

// Recommend ranks the live entries of goproxy (unredacted, as the consumer
// sees it) by the health of each entry in proxies (matched by Index; only
// this consumer's rows). It returns the recommended value and why, or ok
// false when the current value is already the recommended one, the value
// does not parse, or the measurements cannot support an order: an entry
// whose failure is the forward proxy's (no order helps; the advice names the
// hop), or a list with neither a healthy proxy nor direct to fall through to.
func Recommend(goproxy string, proxies []ProxyResult) (value, why string, ok bool) {
	entries, err := goenv.ParseGOPROXY(goproxy)
	if err != nil {
		return "", "", false
	}
	live := goenv.Live(entries)
	byIndex := map[int]ProxyResult{}
	for _, p := range proxies {
		byIndex[p.Index] = p
	}
	type ranked struct {
		e     goenv.ProxyEntry
		index int
		p     ProxyResult
		known bool
	}
	var healthy, unknown, failing []ranked
	var tail []goenv.ProxyEntry // direct or off: stays last
	for i, e := range live {
		if e.Kind != goenv.ProxyURL {
			tail = append(tail, e)
			continue
		}
		p, known := byIndex[i+1]
		r := ranked{e: e, index: i + 1, p: p, known: known}
		switch {
		case known && p.AtForwardProxy:
			return "", "", false
		case !known || p.Status == ClassUnprobed || p.Status == ClassWithheld:
			unknown = append(unknown, r)
		case p.Status.failure():
			failing = append(failing, r)
		default:
			healthy = append(healthy, r)
		}
	}
	if len(healthy) == 0 && !slices.ContainsFunc(tail, func(e goenv.ProxyEntry) bool { return e.Kind == goenv.ProxyDirect }) {
		// Nothing to fall through to that might work.
		return "", "", false
	}
	var reasons []string
	anyHealthy := len(healthy) > 0
	// Greedy: take the first remaining entry unless another is clearly
	// faster; a chain of clearly faster ones ends at the fastest of them.
	var order []ranked
	for len(healthy) > 0 {
		best := 0
		for i, r := range healthy {
			if clearlyFaster(r.p.LatencyMs, healthy[best].p.LatencyMs) {
				best = i
			}
		}
		if best != 0 {
			b, first := healthy[best], healthy[0]
			reasons = append(reasons, fmt.Sprintf("entry %d (%s) answers in %.0f ms, entry %d (%s) in %.0f ms: the faster first",
				b.index, b.e.Text, b.p.LatencyMs, first.index, first.e.Text, first.p.LatencyMs))
		}
		order = append(order, healthy[best])
		healthy = slices.Delete(healthy, best, best+1)
	}
	order = append(order, unknown...)
	order = append(order, failing...)

	var b strings.Builder
	n := len(order) + len(tail)
	write := func(i int, text string, sep byte) {
		b.WriteString(text)
		if i < n-1 {
			b.WriteByte(sep)
		}
	}
	for i, r := range order {
		sep := r.e.Sep
		switch {
		case r.known && r.p.Status.failure():
			sep = '|'
			var how []string
			if anyHealthy {
				how = append(how, "after the healthy entries")
			}
			if i < n-1 {
				how = append(how, "with '|' after it so that its errors fall through")
			}
			reason := fmt.Sprintf("entry %d (%s) %s: %s", r.index, r.e.Text, describe(r.p), strings.Join(how, ", "))
			reasons = append(reasons, reason)
		case sep == 0:
			// The last entry moved up: only 404/410 are expected of a
			// healthy entry.
			sep = ','
		}
		write(i, r.e.Text, sep)
	}
	for i, e := range tail {
		write(len(order)+i, e.Text, e.Sep)
	}
	value = b.String()
	if value == canonical(live) {
		return "", "", false
	}
	return value, strings.Join(reasons, "; "), true
}

// clearlyFaster reports whether a latency of a ms beats one of b ms by
// more than noise.
func clearlyFaster(a, b float64) bool { return b-a >= fasterByMs && 2*a <= b }

// canonical writes the live entries back with their separators.
func canonical(live []goenv.ProxyEntry) string {
	var b strings.Builder
	for i, e := range live {
		b.WriteString(e.Text)
		if i < len(live)-1 {
			b.WriteByte(e.Sep)
		}
	}
	return b.String()
}

// recommend is one consumer environment's recommendation, if any.
func recommend(t Target, proxies []ProxyResult) []Recommendation {
	cur := t.Vars["GOPROXY"]
	value, why, ok := Recommend(cur, proxies)
	if !ok || len(t.Consumers) == 0 {
		return nil
	}
	return []Recommendation{{
		Consumer: t.Consumers[0], Consumers: t.Consumers,
		Current: redact.Redact(cur), Recommended: redact.Redact(value), Why: redact.RedactText(why),
	}}
}
