package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// HealthCheck is the background check of one consumer's GOPROXY entries,
// prepared from a Result: the consumer's confirmed environment, as Verify
// would probe it.
type HealthCheck struct {
	result   *Result
	consumer *resolve.Consumer
	target   verify.Target
}

// PrepareHealth finds the named consumer of r and the environment Verify
// would probe for it.
func PrepareHealth(r *Result, consumer string) (*HealthCheck, error) {
	i := slices.IndexFunc(r.Consumers, func(c *resolve.Consumer) bool { return c.Name == consumer })
	if i < 0 {
		return nil, fmt.Errorf("no %s consumer", consumer)
	}
	c := r.Consumers[i]
	for _, t := range verify.Targets(r.Snapshot, r.Consumers, nil) {
		if slices.Contains(t.Consumers, consumer) {
			// GONOPROXY defaults to GOPRIVATE; both are checked for a named module.
			t.Vars["GOPRIVATE"] = c.Vars["GOPRIVATE"].Value
			return &HealthCheck{result: r, consumer: c, target: t}, nil
		}
	}
	return nil, fmt.Errorf("no environment for %s", consumer)
}

// Consumer is the consumer the check speaks for.
func (h *HealthCheck) Consumer() *resolve.Consumer { return h.consumer }

// CheckModule refuses a module the check must not name to a proxy: an
// invalid path, or one the consumer's GOPRIVATE/GONOPROXY covers.
func (h *HealthCheck) CheckModule(path string) error { return verify.CheckHealthModule(h.target, path) }

// Run asks each GOPROXY entry for the module's version list ("" for the
// entries' own health).
func (h *HealthCheck) Run(ctx context.Context, module string, opts verify.Options) (*verify.HealthResult, error) {
	return verify.Health(ctx, h.target, module, opts)
}

// Offers is Verify's ranked-GOPROXY fix for the consumer, made from a
// health result's rows.
func (h *HealthCheck) Offers(res *verify.HealthResult) []findings.Finding {
	plan := rules.Planner(h.result.Snapshot, []*resolve.Consumer{h.consumer})
	return verify.Offers(plan, &verify.Result{Proxies: res.Entries})
}
