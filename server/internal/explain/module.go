package explain

import (
	"bytes"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// ModuleAnswer explains how the go command fetches a module.
type ModuleAnswer struct {
	Path    string `json:"path"`
	Version string `json:"version,omitempty"`
	// Routes are per group of consumers whose routing is the same.
	Routes []ModuleRoute `json:"routes"`
}

// ModuleRoute is one consumer environment's route for the module.
type ModuleRoute struct {
	Consumers []string `json:"consumers"`
	// Private is the GONOPROXY pattern that matches the module ("": none):
	// the module is fetched direct and no proxy sees it.
	Private string `json:"private,omitempty"`
	// Steps are the GOPROXY steps in the order the go command tries them.
	Steps []RouteStep `json:"steps"`
	// SumDB says whether and where the checksum database is consulted.
	SumDB string `json:"sumdb"`
	// Error is the go command's rejection of the routing (e.g. a bad GOPROXY).
	Error string `json:"error,omitempty"`
	// Verify is the last Verify run's outcome for this environment (nil: none).
	Verify *ModuleVerify `json:"verify,omitempty"`
}

// RouteStep is one step of a module's route.
type RouteStep struct {
	Entry string `json:"entry"` // redacted
	// Action is what the step does for the module.
	Action string `json:"action"`
	// Sep is the separator after the entry in GOPROXY.
	Sep string `json:"sep,omitempty"`
}

// ModuleVerify is a Verify run's outcome for the module.
type ModuleVerify struct {
	Outcome  string `json:"outcome"`
	Version  string `json:"version"`
	ServedBy string `json:"servedBy,omitempty"`
	Error    string `json:"error,omitempty"`
	SumDB    string `json:"sumdb,omitempty"`
}

// moduleAt explains the requirement whose line holds q's position.
func moduleAt(q Query) *Answer {
	s := q.Res.Snapshot
	for _, f := range append([]*sources.ModFile{s.GoMod, s.GoWork}, s.NestedMods...) {
		if f == nil || q.norm(f.Path) != q.File {
			continue
		}
		for _, r := range f.Require {
			// The whole line, with a trailing comment such as // indirect.
			end := r.Span.End
			if i := bytes.IndexByte(f.Content[min(end, len(f.Content)):], '\n'); i >= 0 {
				end += i
			} else {
				end = len(f.Content)
			}
			if r.Span.Start <= q.Offset && q.Offset <= end && r.Span.End > r.Span.Start {
				// The module path, or the whole line from elsewhere on it.
				span := r.PathSpan
				if span.End <= span.Start || q.Offset < span.Start || q.Offset > span.End {
					span = sources.Span{Start: r.Span.Start, End: end}
				}
				return &Answer{Module: explainModule(q.Res, q.Verified, r.Path, r.Version, nil), File: q.File, Span: span}
			}
		}
	}
	return nil
}

// Module explains a module path for every consumer, or those named. The
// version is the one the folder requires ("" when it requires none).
func Module(res *engine.Result, ver *verify.Result, path string, only []string) (*Answer, error) {
	if err := module.CheckImportPath(path); err != nil {
		return nil, err
	}
	version := ""
	s := res.Snapshot
	for _, f := range append([]*sources.ModFile{s.GoMod, s.GoWork}, s.NestedMods...) {
		if f == nil || version != "" {
			continue
		}
		for _, r := range f.Require {
			if r.Path == path {
				version = r.Version
				break
			}
		}
	}
	return &Answer{Module: explainModule(res, ver, path, version, only)}, nil
}

func explainModule(res *engine.Result, ver *verify.Result, path, version string, only []string) *ModuleAnswer {
	ma := &ModuleAnswer{Path: path, Version: version, Routes: []ModuleRoute{}}
	mod := module.Version{Path: path, Version: version}
	if mod.Version == "" {
		mod.Version = "latest"
	}
	// The groups Verify probes (its own preparation): consumers whose
	// routing values are equal.
	for _, t := range targets(res) {
		consumers := t.Consumers
		if len(only) > 0 {
			consumers = slices.DeleteFunc(slices.Clone(consumers), func(c string) bool { return !slices.Contains(only, c) })
			if len(consumers) == 0 {
				continue
			}
		}
		ma.Routes = append(ma.Routes, route(t, consumers, mod, ver))
	}
	return ma
}

// lastTargets memoizes the targets of the latest result asked about: a
// Result is immutable, and hovers over one file's lines ask the same.
var lastTargets struct {
	sync.Mutex
	res     *engine.Result
	targets []verify.Target
}

// targets are the groups Verify would probe for res (engine.PrepareVerify).
func targets(res *engine.Result) []verify.Target {
	lastTargets.Lock()
	defer lastTargets.Unlock()
	if lastTargets.res != res {
		lastTargets.res, lastTargets.targets = res, engine.PrepareVerify(res, nil).Targets
	}
	return lastTargets.targets
}

func route(t verify.Target, consumers []string, mod module.Version, ver *verify.Result) ModuleRoute {
	rt := ModuleRoute{Consumers: consumers, Steps: []RouteStep{}}
	r := verify.NewRouting(t.Vars, t.KnownSumDBs)
	secrets := redact.Secrets(t.Vars["GOPROXY"], t.Vars["GOSUMDB"])
	for _, p := range goenv.SplitPatterns(r.GONOPROXY) {
		if p.Matches(mod.Path) {
			rt.Private = p.Raw
			break
		}
	}
	planned, err := r.Route(mod)
	if err != nil {
		rt.Error = redact.RedactKnown(err.Error(), secrets)
	}
	for _, p := range planned {
		st := RouteStep{Entry: redact.RedactText(p.Step.Entry), Action: action(p)}
		if p.Step.Kind == verify.StepNoProxy {
			st.Entry = "GONOPROXY"
		}
		if p.Step.FallBackOnError {
			st.Sep = "|"
		} else if p.Step.Kind == verify.StepProxy {
			st.Sep = ","
		}
		rt.Steps = append(rt.Steps, st)
	}
	rt.SumDB = sumdb(r, mod, secrets)
	rt.Verify = moduleVerify(ver, mod.Path, consumers)
	return rt
}

func action(p verify.PlannedAttempt) string {
	switch p.Action {
	case verify.ActionDirect:
		if p.Step.Kind == verify.StepNoProxy {
			return "private (GONOPROXY): fetched from the origin, no proxy sees the path"
		}
		return "fetched from the origin (version control)"
	case verify.ActionUseProxy:
		return "not private: on to the proxy list"
	case verify.ActionDisabled:
		return "skipped: private modules are not sent to proxies"
	case verify.ActionOff:
		return "module lookup disabled by GOPROXY=off"
	case verify.ActionFetch:
		if p.Step.FallBackOnError {
			return "asked; on any error the next entry is tried"
		}
		return "asked; the next entry is tried on 404 or 410 only"
	}
	return ""
}

func sumdb(r verify.Routing, mod module.Version, secrets []string) string {
	if r.SumDBErr != nil {
		return redact.RedactKnown(r.SumDBErr.Error(), secrets)
	}
	if !r.NeedsSumDB(mod) {
		if r.SumDB.Off {
			return "skipped: GOSUMDB=off"
		}
		for _, p := range goenv.SplitPatterns(r.GONOSUMDB) {
			if p.Matches(mod.Path) {
				return fmt.Sprintf("skipped: GONOSUMDB pattern %s matches", p.Raw)
			}
		}
		return "skipped"
	}
	sr := r.SumDBRoute()
	if sr.Explicit {
		return fmt.Sprintf("checked against %s at %s (its URL bypasses GOPROXY)", sr.Name, redact.URL(sr.Direct))
	}
	return fmt.Sprintf("checked against %s, through the proxy list when a proxy supports it, else direct", sr.Name)
}

func moduleVerify(ver *verify.Result, path string, consumers []string) *ModuleVerify {
	if ver == nil {
		return nil
	}
	for _, m := range ver.Modules {
		if m.Path != path || !overlap(m.Consumers, consumers) {
			continue
		}
		mv := &ModuleVerify{Outcome: string(m.Outcome), Version: m.Version, ServedBy: redact.RedactText(m.ServedBy), Error: redact.RedactText(m.Error)}
		if m.SumDB != nil {
			mv.SumDB = string(m.SumDB.Outcome)
		}
		return mv
	}
	return nil
}
