package report

import (
	"slices"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// VerifyCounts are how many modules a Verify run found served, failing
// (not found or an error) and skipped (the go command would not fetch
// them, e.g. GOPROXY=off or a private module without direct access).
type VerifyCounts struct {
	OK      int `json:"ok"`
	Failing int `json:"failing"`
	Skipped int `json:"skipped"`
}

// VerifySummary is a Verify run counted per distinct module@version (a
// module fails when it fails for any consumer) and per consumer, for the
// code lens on go.mod and the Go Proxy tree view.
type VerifySummary struct {
	Modules int `json:"modules"`
	VerifyCounts
	// Consumers are the counts of each consumer's own routes.
	Consumers map[string]VerifyCounts `json:"consumers"`
}

// SummarizeVerify counts a Verify result.
func SummarizeVerify(r *verify.Result) VerifySummary {
	out := VerifySummary{Consumers: map[string]VerifyCounts{}}
	if r == nil {
		return out
	}
	// The worst outcome of each module over the consumers' routes.
	worst := map[string]verify.Outcome{}
	var order []string
	for _, m := range r.Modules {
		key := m.Path + "@" + m.Version
		prev, seen := worst[key]
		if !seen {
			order = append(order, key)
		}
		if !seen || rank(m.Outcome) > rank(prev) {
			worst[key] = m.Outcome
		}
		consumers := m.Consumers
		if len(consumers) == 0 && m.Consumer != "" {
			consumers = []string{m.Consumer}
		}
		for _, c := range slices.Compact(slices.Sorted(slices.Values(consumers))) {
			counts := out.Consumers[c]
			counts.add(m.Outcome)
			out.Consumers[c] = counts
		}
	}
	out.Modules = len(order)
	for _, key := range order {
		out.add(worst[key])
	}
	return out
}

func (c *VerifyCounts) add(o verify.Outcome) {
	switch o {
	case verify.OutcomeOK:
		c.OK++
	case verify.OutcomeSkipped:
		c.Skipped++
	default:
		c.Failing++
	}
}

// rank orders a module's outcomes over its consumers: it fails when it
// fails for any of them, else is served when some consumer is served.
func rank(o verify.Outcome) int {
	switch o {
	case verify.OutcomeSkipped:
		return 0
	case verify.OutcomeOK:
		return 1
	}
	return 2
}
