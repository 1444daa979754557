package verify

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/sync/errgroup"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// HealthResult is one background health check of a consumer environment's
// GOPROXY entries (the editor's goProxy.health.interval): no module of the
// folder is ever named, only /sumdb/<name>/supported and, when the user
// named a public module, <module>/@v/list.
type HealthResult struct {
	Consumer  string   `json:"consumer"`
	Consumers []string `json:"consumers"`
	// GOPROXY is the consumer's value, redacted.
	GOPROXY string `json:"goproxy"`
	// Module is the public module asked for ("" when none was named).
	Module  string        `json:"module"`
	Entries []ProxyResult `json:"entries"`
	// Down: the first GOPROXY entry is a proxy and it failed.
	Down bool `json:"down"`
	// Recommendation is Verify's ranked GOPROXY value when Down (and one
	// can be made).
	Recommendation *Recommendation `json:"recommendation"`
	Withheld       []Withheld      `json:"withheld"`
}

// ListURL is <proxy>/<escaped path>/@v/list.
func ListURL(base *url.URL, path string) (*url.URL, error) {
	enc, err := module.EscapePath(path)
	if err != nil {
		return nil, err
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + "/" + enc + "/@v/list"
	u.RawPath = strings.TrimSuffix(base.RawPath, "/") + "/" + pathEscape(enc) + "/@v/list"
	return &u, nil
}

// CheckHealthModule refuses a module path that is not valid or that the
// target keeps private (GOPRIVATE, GONOPROXY): it is never sent to a proxy.
func CheckHealthModule(t Target, path string) error {
	if err := module.CheckPath(path); err != nil {
		return fmt.Errorf("module %q: %v", redact.RedactText(path), err)
	}
	for _, k := range []string{"GOPRIVATE", "GONOPROXY"} {
		if v := t.Vars[k]; v != "" && goenv.Match(v, path) {
			return fmt.Errorf("module %s matches %s=%s: a private module path is never sent to a proxy; name a public module", path, k, redact.Redact(v))
		}
	}
	return nil
}

// Health probes each proxy entry of t's GOPROXY with /sumdb/<name>/supported
// and, when mod is not "", <mod>/@v/list, and nothing else. t.Modules is
// ignored. Trust applies as in Run: the URLs an untrusted workspace chose
// are withheld unless opts.AllowWorkspaceURLs.
func Health(ctx context.Context, t Target, mod string, opts Options) (*HealthResult, error) {
	if mod != "" {
		if err := CheckHealthModule(t, mod); err != nil {
			return nil, err
		}
	}
	opts = opts.withDefaults()
	p := newProber(opts)
	defer p.closeIdle()
	r := &run{p: p, opts: opts}
	routing := NewRouting(t.Vars, t.KnownSumDBs)
	n := NetFrom(func(k string) string { return t.Env[k] }, t.GOOS)
	env := &consumerEnv{net: n, netrc: routing.NetrcAuth, authErr: routing.GOAUTHErr}
	if !opts.AllowWorkspaceURLs {
		env.withheld = t.Withheld
	}
	env.creds, _ = loadCredentials(n.NetrcPath) // an unreadable netrc: no credentials, as in Run
	sumName := routing.SumDB.Name
	if sumName == "" && len(t.KnownSumDBs) > 0 {
		sumName = t.KnownSumDBs[0]
	}
	var steps []Step
	for _, s := range routing.Steps {
		if s.Kind == StepProxy {
			steps = append(steps, s)
		}
	}
	reqs := make([][]Request, len(steps))
	sums := make([]*bool, len(steps))
	g, gctx := errgroup.WithContext(ctx)
	for i, s := range steps {
		var urls []*url.URL
		kinds := []requestKind{}
		if sumName != "" {
			urls, kinds = append(urls, SupportedURL(s.URL, sumName)), append(kinds, kindSupported)
		}
		if mod != "" {
			u, err := ListURL(s.URL, mod)
			if err != nil {
				return nil, err
			}
			urls, kinds = append(urls, u), append(kinds, kindList)
		}
		reqs[i] = make([]Request, len(urls))
		for j, u := range urls {
			g.Go(func() error {
				req, err := r.p.get(gctx, env, u, kinds[j], false)
				if err != nil {
					return err
				}
				reqs[i][j] = req
				if kinds[j] == kindSupported {
					sums[i] = supports(req)
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := &HealthResult{Consumers: t.Consumers, GOPROXY: redact.Redact(t.Vars["GOPROXY"]), Module: mod, Entries: []ProxyResult{}, Withheld: []Withheld{}}
	if len(t.Consumers) > 0 {
		out.Consumer = t.Consumers[0]
	}
	for i, s := range steps {
		pr := ProxyResult{URL: redact.Redact(s.Entry), Index: s.Index, Consumers: t.Consumers, Status: ClassUnprobed, SumDB: sums[i]}
		summarize(&pr, reqs[i])
		out.Entries = append(out.Entries, pr)
	}
	if !opts.AllowWorkspaceURLs {
		out.Withheld = append(out.Withheld, dedupWithheld(t.Withheld)...)
	}
	if len(routing.Steps) > 0 && len(out.Entries) > 0 {
		first := firstLive(routing.Steps)
		if first.Kind == StepProxy && out.Entries[0].Index == first.Index && out.Entries[0].Status.failure() {
			out.Down = true
			if recs := recommend(t, out.Entries); len(recs) > 0 {
				out.Recommendation = &recs[0]
			}
		}
	}
	redact.All(out, secrets([]Target{t})...)
	return out, nil
}

// firstLive is the first GOPROXY entry (not cmd/go's hidden GONOPROXY step).
func firstLive(steps []Step) Step {
	for _, s := range steps {
		if s.Kind != StepNoProxy {
			return s
		}
	}
	return Step{}
}
