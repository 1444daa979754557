// Package verify probes the network the way the go command would, for each
// distinct consumer environment and each module a folder needs: Route is the
// pure part (cmd/go's proxy list, GONOPROXY, TryProxies' fallback rules and
// the checksum database routing), the prober executes requests with the
// consumer's own HTTP client (HTTP(S)_PROXY/NO_PROXY, TLS roots, netrc),
// bounded in time, size and concurrency, de-duplicated across consumers and
// cancellable as a whole.
//
// Privacy is part of correctness: a module path GONOPROXY matches is never
// sent to a proxy and one GONOSUMDB matches never to a checksum database,
// because Route never plans such a request; credentials never follow a
// redirect to another host and every URL and error is redacted.
package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/sync/errgroup"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Defaults of Options.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultConcurrency = 64
	DefaultMaxBody     = 1 << 20
)

// Options bound a run. The zero value uses the defaults.
type Options struct {
	// Timeout bounds each request, body included.
	Timeout time.Duration
	// Concurrency is how many requests run at once.
	Concurrency int
	// MaxBody bounds every response body read.
	MaxBody int64
	// Progress is called after each module of each consumer environment,
	// one call at a time.
	Progress func(Progress)
	// Dial replaces the network dialer (tests resolve example.com hosts to
	// loopback servers with it).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// AllowWorkspaceURLs contacts the URLs an untrusted workspace chose
	// (Target.Withheld) too: only after the user said so.
	AllowWorkspaceURLs bool
	// Candidates are proxy URLs the user is considering (ParseCandidates):
	// each consumer environment probes them as it would a GOPROXY entry.
	Candidates []string
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	return o
}

// Target is one distinct consumer environment and the modules to verify
// for it.
type Target struct {
	// Consumers share this environment (e.g. gopls, tools).
	Consumers []string
	// Vars are the effective go variables (GOPROXY, GONOPROXY, GONOSUMDB,
	// GOSUMDB, GOINSECURE, GOAUTH), as go env reports them.
	Vars map[string]string
	// Env is the process environment: the network variables are read here.
	Env map[string]string
	// EnvFrom says, for people, where each of Env's variables was set
	// (e.g. ".vscode/settings.json:4 terminal.integrated.env.linux"), when known.
	EnvFrom     map[string]string
	KnownSumDBs []string
	GOOS        string
	// Platform says whether this is WSL2 and where its Windows host is:
	// a refused proxy there gets WSL networking advice.
	Platform sources.Platform
	Modules  []Module
	// Withheld are the URLs an untrusted workspace chose for these
	// consumers (trust.go): not contacted unless AllowWorkspaceURLs.
	Withheld []Withheld
}

// Module is one module@version to verify.
type Module struct {
	Path, Version string
	// InGoSum: go.sum already has both hashes, so the go command does not
	// ask the checksum database.
	InGoSum bool
	// Toolchain marks the golang.org/toolchain module GOTOOLCHAIN would fetch.
	Toolchain bool
	// Places are the go.mod/go.work lines that require it.
	Places []sources.Requirement
}

func (m Module) String() string { return m.Path + "@" + m.Version }

// Outcome of an attempt or of a module.
type Outcome string

// Outcomes (SPEC §8).
const (
	OutcomeOK       Outcome = "ok"
	OutcomeNotFound Outcome = "not-found"
	OutcomeError    Outcome = "error"
	OutcomeSkipped  Outcome = "skipped"
)

// Result is `verify --json` (SPEC §8), plus the checksum databases and the
// failover advice.
type Result struct {
	Proxies []ProxyResult  `json:"proxies"`
	Modules []ModuleResult `json:"modules"`
	SumDBs  []SumDBResult  `json:"sumdbs"`
	Advice  []Advice       `json:"advice"`
	// Recommendations rank each consumer environment's GOPROXY entries by
	// health and latency, where that changes the value (recommend.go).
	Recommendations []Recommendation `json:"recommendations"`
	// Candidates are the proxies the user is considering, probed side by
	// side with the configured ones (Options.Candidates).
	Candidates []Candidate `json:"candidates"`
	// Withheld lists the URLs not contacted because an untrusted workspace
	// chose them (empty when the workspace is trusted or the user allowed them).
	Withheld []Withheld `json:"withheld"`
	// Skipped are the files the consumers' network setup names (TLS roots,
	// netrc) that were not read: not regular files, or too large.
	Skipped []sources.SkippedFile `json:"skipped"`
}

// ProxyResult is one GOPROXY entry as seen by some consumers.
type ProxyResult struct {
	URL       string  `json:"url"` // the entry, redacted
	Status    Class   `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	// SumDB is whether <url>/sumdb/<name>/supported answered 200 (null: unknown).
	SumDB     *bool    `json:"sumdb"`
	Error     string   `json:"error"`
	Consumers []string `json:"consumers"`
	// Index is the entry's 1-based position in GOPROXY.
	Index int `json:"index"`
	// Via is the forward proxy (HTTP(S)_PROXY) used to reach it.
	Via string `json:"via,omitempty"`
	// AtForwardProxy: the failure in Status is the forward proxy's (Via),
	// not the entry's.
	AtForwardProxy bool `json:"atForwardProxy,omitempty"`
}

// ModuleResult is one module for one consumer environment.
type ModuleResult struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	// Consumer is the first consumer of the environment; Consumers lists all.
	Consumer  string    `json:"consumer"`
	Consumers []string  `json:"consumers"`
	Attempts  []Attempt `json:"attempts"`
	// ServedBy is the entry that served the module ("direct" for the
	// origin), "" when none did.
	ServedBy string  `json:"servedBy"`
	Outcome  Outcome `json:"outcome"`
	// Error is the error the go command would report.
	Error     string       `json:"error,omitempty"`
	SumDB     *ModuleSumDB `json:"sumdb,omitempty"`
	Toolchain bool         `json:"toolchain,omitempty"`

	places []sources.Requirement
}

// Places are the requirement lines of the module.
func (m ModuleResult) Places() []sources.Requirement { return m.places }

// Attempt is one step of a module's route that the go command takes.
type Attempt struct {
	// Proxy is the GOPROXY entry (redacted), "direct" or "off".
	Proxy string `json:"proxy"`
	// Index is the entry's position in GOPROXY (0 for GONOPROXY's direct step).
	Index int `json:"index"`
	// Status is the HTTP status of the last request (0: no answer).
	Status  int     `json:"status"`
	Outcome Outcome `json:"outcome"`
	Class   Class   `json:"class,omitempty"`
	Error   string  `json:"error,omitempty"`
	Note    string  `json:"note,omitempty"`
	// Repeat: the same origin lookup as an earlier direct attempt (a
	// GONOPROXY module that was not found goes direct again at GOPROXY's
	// direct entry; cmd/go repeats the requests and gets the same answer).
	Repeat bool `json:"repeat,omitempty"`
	// Requests are the requests the step makes, in order.
	Requests []Request `json:"requests"`
}

// ModuleSumDB is the checksum database check of one module.
type ModuleSumDB struct {
	Outcome Outcome `json:"outcome"`
	// Via is the proxy entry the database is reached through, or "direct".
	Via    string `json:"via,omitempty"`
	Status int    `json:"status"`
	URL    string `json:"url,omitempty"`
	Error  string `json:"error,omitempty"`
	Note   string `json:"note,omitempty"`
}

// SumDBResult is how one consumer environment reaches its checksum database.
type SumDBResult struct {
	Name      string   `json:"name"`
	Consumers []string `json:"consumers"`
	Off       bool     `json:"off,omitempty"`
	// Via is the GOPROXY entry that proxies it, "direct", or "GOSUMDB" for
	// an explicit URL.
	Via string `json:"via,omitempty"`
	// ViaIndex is Via's position in GOPROXY (0 when not a proxy).
	ViaIndex  int     `json:"viaIndex,omitempty"`
	URL       string  `json:"url,omitempty"`
	Status    Class   `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	Error     string  `json:"error,omitempty"`
	// Attempts are the <proxy>/sumdb/<name>/supported checks the go command
	// makes before choosing, in order.
	Attempts []Attempt `json:"attempts"`
}

// Advice is one piece of failover advice.
type Advice struct {
	Consumers []string `json:"consumers"`
	Message   string   `json:"message"`
}

// Run verifies every target. It stops at once, with ctx's error, when ctx
// ends.
func Run(ctx context.Context, targets []Target, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	p := newProber(opts)
	defer p.closeIdle()
	r := &run{p: p, opts: opts}
	for _, t := range targets {
		r.total += len(t.Modules)
		r.private = append(r.private, NewRouting(t.Vars, t.KnownSumDBs).GONOPROXY)
	}
	results := make([]*targetResult, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	for i, t := range targets {
		g.Go(func() error {
			tr, err := r.target(gctx, t)
			results[i] = tr
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := &Result{Proxies: []ProxyResult{}, Modules: []ModuleResult{}, SumDBs: []SumDBResult{}, Advice: []Advice{}, Recommendations: []Recommendation{}, Candidates: []Candidate{}, Withheld: []Withheld{}, Skipped: p.skippedFiles()}
	if !opts.AllowWorkspaceURLs {
		var all []Withheld
		for _, t := range targets {
			all = append(all, t.Withheld...)
		}
		out.Withheld = append(out.Withheld, dedupWithheld(all)...)
	}
	for _, tr := range results {
		out.Modules = append(out.Modules, tr.modules...)
		out.SumDBs = append(out.SumDBs, tr.sumdb)
		out.Advice = append(out.Advice, tr.advice...)
		out.Recommendations = append(out.Recommendations, tr.recommendations...)
		for _, c := range tr.candidates {
			out.Candidates = mergeCandidate(out.Candidates, c)
		}
		for _, pr := range tr.proxies {
			out.Proxies = mergeProxy(out.Proxies, pr)
		}
	}
	// URLs and errors are redacted where they are made; this pass catches
	// what a server's answer or a new field brings in, and the pieces of a
	// credential that errors about a value quote.
	redact.All(out, append(secrets(targets), redact.Secrets(opts.Candidates...)...)...)
	return out, nil
}

// secrets are the credentials in the targets' go variables and proxy
// variables, the values Verify parses and quotes.
func secrets(targets []Target) []string {
	var values []string
	for _, t := range targets {
		for _, v := range t.Vars {
			values = append(values, v)
		}
		for k, v := range t.Env {
			if strings.Contains(strings.ToUpper(k), "PROXY") {
				values = append(values, v)
			}
		}
	}
	return redact.Secrets(values...)
}

// mergeProxy adds a proxy row, joining it with an identical one of another
// consumer environment.
func mergeProxy(rows []ProxyResult, pr ProxyResult) []ProxyResult {
	for i, r := range rows {
		if r.URL == pr.URL && r.Status == pr.Status && r.Error == pr.Error && r.Via == pr.Via && r.AtForwardProxy == pr.AtForwardProxy && r.Index == pr.Index && sameBool(r.SumDB, pr.SumDB) {
			for _, c := range pr.Consumers {
				if !slices.Contains(rows[i].Consumers, c) {
					rows[i].Consumers = append(rows[i].Consumers, c)
				}
			}
			return rows
		}
	}
	return append(rows, pr)
}

func sameBool(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

type run struct {
	p     *prober
	opts  Options
	mu    sync.Mutex
	done  int
	total int
	// private are every target's GONOPROXY: a candidate is sent no module
	// path any consumer keeps private.
	private []string
}

// Progress is one module done.
type Progress struct {
	Done, Total int
	Module      ModuleResult
}

func (r *run) progress(m ModuleResult) {
	if r.opts.Progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	r.opts.Progress(Progress{Done: r.done, Total: r.total, Module: m})
}

// consumerEnv is what the prober needs of a target.
type consumerEnv struct {
	net   Net
	creds credentials
	netrc bool
	// authErr is GOAUTH's syntax error, which fails every https request.
	authErr error
	// withheld are the URLs not to contact (trust.go).
	withheld []Withheld
}

type targetResult struct {
	modules []ModuleResult
	proxies []ProxyResult
	sumdb   SumDBResult
	advice  []Advice
	// recommendations is at most one: the environment's ranked GOPROXY.
	recommendations []Recommendation
	candidates      []Candidate
}

// targetRun is one target's state while it runs.
type targetRun struct {
	*run
	t       Target
	routing Routing
	env     *consumerEnv
	sumName string // the database name used for /supported checks

	health  map[int]*healthCheck // step index → /sumdb/<name>/supported
	sumDone chan struct{}
	sum     sumDBBase
}

type healthCheck struct {
	done chan struct{}
	req  Request
	err  error
}

// sumDBBase is where the target's checksum database lookups go.
type sumDBBase struct {
	result SumDBResult
	base   *url.URL
	err    string
}

func (r *run) target(ctx context.Context, t Target) (*targetResult, error) {
	routing := NewRouting(t.Vars, t.KnownSumDBs)
	getenv := func(k string) string { return t.Env[k] }
	n := NetFrom(getenv, t.GOOS)
	tr := &targetRun{
		run: r, t: t, routing: routing,
		env:     &consumerEnv{net: n, netrc: routing.NetrcAuth, authErr: routing.GOAUTHErr},
		health:  map[int]*healthCheck{},
		sumDone: make(chan struct{}),
	}
	if !r.opts.AllowWorkspaceURLs {
		tr.env.withheld = t.Withheld
	}
	var netrcSkipped *sources.SkippedFile
	if tr.env.creds, netrcSkipped = loadCredentials(n.NetrcPath); netrcSkipped != nil {
		r.p.skip(*netrcSkipped)
	}
	tr.sumName = routing.SumDB.Name
	if tr.sumName == "" && len(t.KnownSumDBs) > 0 {
		tr.sumName = t.KnownSumDBs[0]
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Concurrency + len(routing.Steps) + 1)
	// Every proxy entry's /sumdb/<name>/supported: its health and sumdb
	// support, and the answers the checksum database routing walks over.
	if tr.sumName != "" {
		for i, s := range routing.Steps {
			if s.Kind != StepProxy {
				continue
			}
			hc := &healthCheck{done: make(chan struct{})}
			tr.health[i] = hc
			g.Go(func() error {
				defer close(hc.done)
				hc.req, hc.err = r.p.get(gctx, tr.env, SupportedURL(s.URL, tr.sumName), kindSupported, false)
				return hc.err
			})
		}
	}
	g.Go(func() error { return tr.resolveSumDB(gctx) })
	modules := make([]ModuleResult, len(t.Modules))
	for i, m := range t.Modules {
		g.Go(func() error {
			mr, err := tr.module(gctx, m)
			if err != nil {
				return err
			}
			modules[i] = mr
			r.progress(mr)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := &targetResult{modules: modules, sumdb: tr.sum.result}
	out.proxies = tr.proxies(modules)
	out.advice = advise(tr, out)
	out.recommendations = recommend(t, out.proxies)
	if len(r.opts.Candidates) > 0 {
		cs, err := tr.candidates(ctx, r.opts.Candidates)
		if err != nil {
			return nil, err
		}
		out.candidates = cs
	}
	return out, nil
}

// module follows one module's route.
func (tr *targetRun) module(ctx context.Context, m Module) (ModuleResult, error) {
	mv := module.Version{Path: m.Path, Version: m.Version}
	mr := ModuleResult{
		Path: m.Path, Version: m.Version, Consumer: tr.t.Consumers[0], Consumers: tr.t.Consumers,
		Attempts: []Attempt{}, Toolchain: m.Toolchain, places: m.Places,
	}
	planned, err := tr.routing.Route(mv)
	if err != nil {
		mr.Outcome, mr.Error = OutcomeError, redact.RedactText(err.Error())
		return mr, nil
	}
	steps := make([]Step, len(planned))
	attempts := make([]*Attempt, len(planned))
	for i, p := range planned {
		steps[i] = p.Step
	}
	var runErr error
	served, best, _ := Walk(steps, func(i int) Kind {
		if runErr != nil {
			return Failed
		}
		a, k, err := tr.attempt(ctx, planned[i], mv)
		if err != nil {
			runErr = err
			return Failed
		}
		attempts[i] = a
		return k
	}, func(i int) bool { return planned[i].Action == ActionUseProxy })
	if runErr != nil {
		return mr, runErr
	}
	withheld := ""
	for _, a := range attempts {
		if a != nil && a.Proxy != "" {
			if note := a.withheld(); note != "" && withheld == "" {
				withheld = note
			}
			if a.Proxy == "direct" && slices.ContainsFunc(mr.Attempts, a.sameLookup) {
				a.Repeat = true
			}
			mr.Attempts = append(mr.Attempts, *a)
		}
	}
	switch {
	case served < 0 && withheld != "":
		// What the go command would get from a withheld URL is unknown.
		mr.Outcome, mr.Error = OutcomeSkipped, withheld
	case served >= 0:
		mr.Outcome, mr.ServedBy = OutcomeOK, attempts[served].Proxy
	case best >= 0 && attempts[best] != nil:
		a := attempts[best]
		mr.Outcome, mr.Error = a.Outcome, a.Error
		if a.Outcome == OutcomeSkipped {
			mr.Outcome = OutcomeNotFound
		}
		if mr.Error == "" {
			mr.Error = a.Note
		}
	default:
		mr.Outcome = OutcomeNotFound
	}
	if mr.Outcome == OutcomeOK {
		sum, err := tr.moduleSumDB(ctx, m)
		if err != nil {
			return mr, err
		}
		mr.SumDB = sum
	}
	return mr, nil
}

// attempt runs one planned step. The Kind is what TryProxies sees.
func (tr *targetRun) attempt(ctx context.Context, p PlannedAttempt, mv module.Version) (*Attempt, Kind, error) {
	a := &Attempt{Proxy: redact.Redact(p.Step.Entry), Index: p.Step.Index, Requests: []Request{}}
	switch p.Action {
	case ActionUseProxy:
		return &Attempt{}, NotFound, nil
	case ActionDisabled:
		a.Outcome, a.Note = OutcomeSkipped, "disabled by GOPRIVATE/GONOPROXY: the path is never sent to this proxy"
		return a, NotFound, nil
	case ActionOff:
		a.Proxy, a.Outcome, a.Note = "off", OutcomeNotFound, "module lookup disabled by GOPROXY=off"
		return a, NotFound, nil
	case ActionDirect:
		a.Proxy = "direct"
		if p.Step.Kind == StepNoProxy {
			a.Note = "GONOPROXY matches: fetched from its origin"
		}
		return tr.direct(ctx, a, mv)
	}
	req, err := tr.p.get(ctx, tr.env, p.URL, kindInfo, false)
	if err != nil {
		return nil, Failed, err
	}
	if req.Class == ClassOK {
		checkInfo(&req, mv.Version, p.Step.URL)
	}
	return a.finish(req), kindOf(req.Class), nil
}

// withheld marks an attempt that asked for a withheld URL as skipped and
// returns why ("" for an attempt that did not).
func (a *Attempt) withheld() string {
	for _, r := range a.Requests {
		if r.Class == ClassWithheld {
			a.Outcome, a.Class, a.Error, a.Note = OutcomeSkipped, ClassWithheld, "", r.Error
			return r.Error
		}
	}
	return ""
}

// sameLookup reports whether b is a direct attempt that made the same
// requests as a.
func (a *Attempt) sameLookup(b Attempt) bool {
	return b.Proxy == "direct" && slices.EqualFunc(a.Requests, b.Requests, func(x, y Request) bool { return x.URL == y.URL })
}

// finish records the last request of an attempt and derives its outcome.
func (a *Attempt) finish(req Request) *Attempt {
	a.Requests = append(a.Requests, req)
	a.Status, a.Class = req.Status, req.Class
	switch req.Class {
	case ClassOK:
		a.Outcome = OutcomeOK
	case ClassNotFound:
		a.Outcome, a.Error = OutcomeNotFound, "reading "+req.URL+": "+req.Error
	default:
		a.Outcome, a.Error = OutcomeError, req.Error
		if req.Status != 0 {
			a.Error = "reading " + req.URL + ": " + req.Error
		}
	}
	return a
}

func kindOf(c Class) Kind {
	switch c {
	case ClassOK:
		return OK
	case ClassNotFound:
		return NotFound
	}
	return Failed
}

// checkInfo is proxyRepo.Stat's check of a .info answer: JSON naming the
// requested version.
func checkInfo(req *Request, version string, base *url.URL) {
	var info struct{ Version string }
	if err := json.Unmarshal(req.body, &info); err != nil {
		req.Class, req.Error = ClassNotAProxy, fmt.Sprintf("invalid response from proxy %q: %v", redact.URL(base), err)
		return
	}
	if info.Version != version && version == module.CanonicalVersion(version) {
		req.Class, req.Error = ClassNotAProxy, fmt.Sprintf("proxy returned info for version %s instead of requested version", info.Version)
	}
}

// proxies summarises each proxy entry from its /supported check and every
// module request it answered.
func (tr *targetRun) proxies(modules []ModuleResult) []ProxyResult {
	var out []ProxyResult
	for i, s := range tr.routing.Steps {
		if s.Kind != StepProxy {
			continue
		}
		pr := ProxyResult{URL: redact.Redact(s.Entry), Index: s.Index, Consumers: tr.t.Consumers, Status: ClassUnprobed}
		var reqs []Request
		if hc := tr.health[i]; hc != nil && hc.err == nil {
			reqs = append(reqs, hc.req)
			pr.SumDB = supports(hc.req)
		}
		for _, m := range modules {
			for _, a := range m.Attempts {
				if a.Index == s.Index && a.Proxy != "direct" && a.Proxy != "off" {
					reqs = append(reqs, a.Requests...)
				}
			}
		}
		summarize(&pr, reqs)
		out = append(out, pr)
	}
	return out
}

// supports is what a /sumdb/<name>/supported answer says of the proxy's
// checksum database support (nil: unknown, no answer).
func supports(req Request) *bool {
	switch req.Class {
	case ClassOK:
		return ptr(true)
	case ClassNotFound, ClassAuth, ClassServerError, ClassNotAProxy, ClassError:
		if req.Status != 0 {
			return ptr(false)
		}
	}
	return nil
}

// summarize sets a proxy's status, error, forward proxy and latency (the
// median of the requests that went out) from the requests made to it.
func summarize(pr *ProxyResult, reqs []Request) {
	var latencies []float64
	for _, rq := range reqs {
		if rq.Class == ClassWithheld {
			if pr.Status == ClassUnprobed {
				pr.Status, pr.Error = ClassWithheld, rq.Error
			}
			continue
		}
		if pr.Via == "" {
			pr.Via = rq.Via
		}
		if rq.timed {
			// Failures count too: a timeout costs the timeout.
			latencies = append(latencies, rq.LatencyMs)
		}
		if pr.Status == ClassUnprobed {
			pr.Status = ClassOK
		}
		if rq.Class.failure() && (pr.Status == ClassOK || severity(rq.Class) > severity(pr.Status)) {
			pr.Status, pr.Error, pr.AtForwardProxy = rq.Class, rq.Error, rq.AtForwardProxy
		}
	}
	if len(latencies) > 0 {
		sort.Float64s(latencies)
		pr.LatencyMs = latencies[len(latencies)/2]
	}
}

// severity orders failure classes: the one a person should hear about first.
func severity(c Class) int {
	order := []Class{ClassError, ClassNotAProxy, ClassServerError, ClassRefused, ClassDNS, ClassTimeout, ClassForwardProxy, ClassAuth, ClassProxyAuth, ClassTLS}
	return slices.Index(order, c)
}

func ptr[T any](v T) *T { return &v }
