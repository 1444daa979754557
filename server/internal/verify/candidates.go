package verify

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/sync/errgroup"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// Candidate is a module proxy the user is considering (--candidates, the
// goProxy.verify.candidates setting), probed as a configured entry would be
// by some consumers, without being configured: nothing is changed.
type Candidate struct {
	URL       string  `json:"url"` // redacted
	Status    Class   `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	// SumDB is whether <url>/sumdb/<name>/supported answered 200 (null: unknown).
	SumDB     *bool    `json:"sumdb"`
	Error     string   `json:"error"`
	Consumers []string `json:"consumers"`
	// Modules is how many of the folder's public modules it was asked for
	// (those any consumer's GONOPROXY/GOPRIVATE matches are never sent to
	// it); Served is how many it served.
	Modules int `json:"modules"`
	Served  int `json:"served"`
	// Via is the forward proxy (HTTP(S)_PROXY) used to reach it.
	Via            string `json:"via,omitempty"`
	AtForwardProxy bool   `json:"atForwardProxy,omitempty"`
}

// ParseCandidates validates candidate proxy URLs: each value may hold
// several, separated by commas; each must be a proxy URL GOPROXY accepts
// (not direct or off). Duplicates are dropped.
func ParseCandidates(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, c := range strings.Split(v, ",") {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if _, err := candidateURL(c); err != nil {
				return nil, fmt.Errorf("%q: %s", redact.Redact(c), redact.RedactText(err.Error()))
			}
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// candidateURL is a candidate's base URL, inferred as cmd/go does for a
// GOPROXY entry.
func candidateURL(c string) (*url.URL, error) {
	if strings.Contains(c, "|") {
		return nil, fmt.Errorf("one proxy URL per candidate, separated by commas")
	}
	entries, err := goenv.ParseGOPROXY(c)
	if err != nil {
		return nil, err
	}
	if len(entries) != 1 || entries[0].Kind != goenv.ProxyURL || entries[0].URL == nil {
		return nil, fmt.Errorf("want a proxy URL, not %q", c)
	}
	return entries[0].URL, nil
}

// candidates probes each candidate in one consumer environment: its
// /sumdb/<name>/supported and the .info of each module the target needs
// that no consumer's GONOPROXY (GOPRIVATE) matches: a candidate is a
// hypothetical, so the strictest privacy setting of the folder applies.
func (tr *targetRun) candidates(ctx context.Context, list []string) ([]Candidate, error) {
	// The candidates are the user's input, so the workspace's GOPROXY and
	// GOSUMDB choices do not withhold them; a forward proxy or origin the
	// workspace chose still is.
	env := *tr.env
	env.withheld = nil
	for _, w := range tr.env.withheld {
		if w.Kind != WithheldProxy && w.Kind != WithheldSumDB {
			env.withheld = append(env.withheld, w)
		}
	}
	var public []module.Version
	for _, m := range tr.t.Modules {
		if !slices.ContainsFunc(tr.private, func(p string) bool { return goenv.Match(p, m.Path) }) {
			public = append(public, module.Version{Path: m.Path, Version: m.Version})
		}
	}
	type probe struct {
		req    Request
		module bool
	}
	out := make([]Candidate, len(list))
	probes := make([][]probe, len(list))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(tr.opts.Concurrency)
	for i, c := range list {
		base, err := candidateURL(c)
		if err != nil {
			return nil, err // ParseCandidates let it through: a caller's bug
		}
		type plan struct {
			u       *url.URL
			version string // "" for the /supported check
		}
		var plans []plan
		if tr.sumName != "" {
			plans = append(plans, plan{u: SupportedURL(base, tr.sumName)})
		}
		for _, mv := range public {
			if u, err := ModuleURL(base, mv, "info"); err == nil {
				plans = append(plans, plan{u: u, version: mv.Version})
			}
		}
		probes[i] = make([]probe, len(plans))
		for j, pl := range plans {
			g.Go(func() error {
				kind := kindInfo
				if pl.version == "" {
					kind = kindSupported
				}
				req, err := tr.p.get(gctx, &env, pl.u, kind, false)
				if err != nil {
					return err
				}
				if pl.version != "" && req.Class == ClassOK {
					checkInfo(&req, pl.version, base)
				}
				probes[i][j] = probe{req: req, module: pl.version != ""}
				return nil
			})
		}
		out[i] = Candidate{URL: redact.Redact(c), Consumers: tr.t.Consumers, Modules: len(public)}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i := range out {
		pr := ProxyResult{Status: ClassUnprobed}
		var reqs []Request
		for _, p := range probes[i] {
			reqs = append(reqs, p.req)
			switch {
			case !p.module:
				pr.SumDB = supports(p.req)
			case p.req.Class == ClassOK:
				out[i].Served++
			}
		}
		summarize(&pr, reqs)
		c := &out[i]
		c.Status, c.LatencyMs, c.SumDB, c.Error, c.Via, c.AtForwardProxy = pr.Status, pr.LatencyMs, pr.SumDB, pr.Error, pr.Via, pr.AtForwardProxy
	}
	return out, nil
}

// mergeCandidate adds a candidate row, joining it with an identical one of
// another consumer environment.
func mergeCandidate(rows []Candidate, c Candidate) []Candidate {
	for i, r := range rows {
		if r.URL == c.URL && r.Status == c.Status && r.Error == c.Error && r.Via == c.Via && r.AtForwardProxy == c.AtForwardProxy &&
			r.Modules == c.Modules && r.Served == c.Served && sameBool(r.SumDB, c.SumDB) {
			for _, name := range c.Consumers {
				if !slices.Contains(rows[i].Consumers, name) {
					rows[i].Consumers = append(rows[i].Consumers, name)
				}
			}
			return rows
		}
	}
	return append(rows, c)
}
