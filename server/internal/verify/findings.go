package verify

import (
	"slices"
	"sort"
	"strconv"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/wslnet"
)

// The diagnostic codes of Verify's results (SPEC §6, shared/contract.json).
// They are not registered rules: they come from the network, not from the
// snapshot, and only Go Proxy: Verify (or `goproxy-doctor verify`) makes them.
const (
	CodeProxyUnreachable  = "proxy-unreachable"
	CodeProxyTLSError     = "proxy-tls-error"
	CodeProxyAuthRequired = "proxy-auth-required"
	CodeProxyTimeout      = "proxy-timeout"
	CodeModuleNotFound    = "module-not-found"
	CodeSumDBUnreachable  = "sumdb-unreachable"
)

// Findings places a verify result in the folder's files: failing
// proxies on their GOPROXY entry (in every file that sets a consumer's
// GOPROXY), modules no entry serves on the go.mod/go.work lines requiring
// them, origins that fail on the same lines, and an unreachable checksum
// database on GOSUMDB (or on the entry that proxies it). Findings about
// values set outside any file have no file, like the rules' own. plan is
// the fix planner of the folder's diagnosis (rules.Planner) over the
// snapshot and consumers that were verified; it builds the ranked GOPROXY
// fix.
func Findings(plan *fixplan.Planner, res *Result) []findings.Finding {
	var out []findings.Finding
	secrets := fixplan.Secrets(plan.Consumers)
	placer := &findings.Placer{Snap: plan.Snap}
	add := func(f findings.Finding) {
		f.Message = clip.Message(redact.RedactKnown(f.Message, secrets))
		out = append(out, f)
	}

	type proxyKey struct {
		pl                findings.Place
		code, url, reason string
		index             int
		sev               findings.Severity
		v                 resolve.Value
		wsl               string // wslnet.HostKind of the failing hop
	}
	var proxies findings.Groups[proxyKey]
	for _, p := range res.Proxies {
		code, ok := proxyCode(p.Status)
		if !ok {
			continue
		}
		for _, name := range p.Consumers {
			c := plan.Consumer(name)
			if c == nil {
				continue
			}
			v := c.Vars["GOPROXY"]
			live := goenv.Live(mustEntries(v.Value))
			pl := findings.ValuePlace(v.Prov)
			if p.Index >= 1 && p.Index <= len(live) {
				e := live[p.Index-1]
				pl = placer.Sub(v.Prov, v.Value, e.Start, e.End)
			}
			sev := findings.Error
			if resolvedPast(res.Modules, name, p.Index) {
				sev = findings.Warning
			}
			reason := p.Error
			if p.AtForwardProxy && p.Via != "" {
				reason += " (the failing hop is the forward proxy " + quote(p.Via) + ", not this entry)"
			}
			k := proxyKey{pl: pl, code: code, url: p.URL, reason: reason, index: p.Index, sev: sev, v: v, wsl: wslHop(plan.Snap.Platform, code, p)}
			proxies.Add(findings.ProvKey(v.Prov)+"\x00"+pl.Key()+"\x00"+code+"\x00"+reason+"\x00"+sev.String()+"\x00"+k.wsl, k, name)
		}
	}
	proxies.Each(func(k proxyKey, consumers []string) {
		msg := "GOPROXY entry " + strconv.Itoa(k.index) + " " + quote(k.url) + findings.ForConsumers(consumers) + " " + proxyProblem(k.code) + ": " + k.reason + "."
		if k.wsl != "" {
			msg += " This is WSL2 and the failing proxy is on " + wslnet.What(k.wsl) + ": " + wslnet.Advice(k.wsl) + "."
		}
		if k.sev == findings.Warning {
			msg += " Every module that tried it went on to a later entry ('|' after it): it costs time on every fetch, not correctness."
		}
		f := findings.Finding{Code: k.code, Severity: k.sev, File: k.pl.File, Span: k.pl.Span, Consumers: consumers, Message: msg}
		if value, ok := recommended(res, k.v.Value, consumers); ok {
			f.AddFix(rankedFix(plan, k.v, value))
			f.Fixes = fixplan.WithoutCredentials(f.Fixes, secrets)
			plan.Rank(&f)
		}
		add(f)
	})

	for _, m := range res.Modules {
		mod := m.Path + "@" + m.Version
		var code, msg string
		sev := findings.Warning
		switch {
		case m.Outcome == OutcomeNotFound:
			code, msg = CodeModuleNotFound, mod+" is not found by any GOPROXY entry"+findings.ForConsumers(m.Consumers)+": "+m.Error+"."
		case m.Outcome == OutcomeError && directFailure(m):
			a := m.Attempts[len(m.Attempts)-1]
			code, _ = proxyCode(a.Class)
			if code == "" {
				code = CodeProxyUnreachable
			}
			sev = findings.Error
			msg = mod + findings.ForConsumers(m.Consumers) + " is fetched from its origin (direct), which fails: " + a.Error + "."
		case m.Outcome == OutcomeOK && m.SumDB != nil && m.SumDB.Outcome == OutcomeNotFound:
			code = CodeModuleNotFound
			msg = mod + findings.ForConsumers(m.Consumers) + " is not in the checksum database (" + m.SumDB.URL + "), so the go command fails with \"verifying module\": list it in GOPRIVATE or GONOSUMDB if it is private."
		default:
			continue
		}
		places := m.Places()
		if len(places) == 0 {
			pl := toolchainPlace(plan, m)
			add(findings.Finding{Code: code, Severity: sev, Message: msg, Consumers: m.Consumers, File: pl.File, Span: pl.Span})
			continue
		}
		for _, r := range places {
			add(findings.Finding{Code: code, Severity: sev, Message: msg, Consumers: m.Consumers, File: r.File, Span: r.PathSpan})
		}
	}

	type sumKey struct {
		pl                     findings.Place
		name, via, url, reason string
	}
	var sums findings.Groups[sumKey]
	for _, s := range res.SumDBs {
		if s.Off || s.Name == "" || !failing(s.Status) {
			continue
		}
		for _, name := range s.Consumers {
			c := plan.Consumer(name)
			if c == nil {
				continue
			}
			v := c.Vars["GOSUMDB"]
			pl := findings.ValuePlace(v.Prov)
			if pl.File == "" && s.ViaIndex > 0 {
				p := c.Vars["GOPROXY"]
				if live := goenv.Live(mustEntries(p.Value)); s.ViaIndex <= len(live) {
					e := live[s.ViaIndex-1]
					pl = placer.Sub(p.Prov, p.Value, e.Start, e.End)
				}
			}
			k := sumKey{pl: pl, name: s.Name, via: s.Via, url: s.URL, reason: s.Error}
			sums.Add(pl.Key()+"\x00"+s.Name+"\x00"+s.Via+"\x00"+s.Error, k, name)
		}
	}
	sums.Each(func(k sumKey, consumers []string) {
		via := "directly at " + quote(k.url)
		if k.via != "direct" {
			via = "through " + quote(k.via)
		}
		add(findings.Finding{
			Code: CodeSumDBUnreachable, Severity: findings.Error, File: k.pl.File, Span: k.pl.Span, Consumers: consumers,
			Message: "The checksum database " + quote(k.name) + findings.ForConsumers(consumers) + ", reached " + via + ", fails: " + k.reason + "; every module not in go.sum and not in GONOSUMDB fails to ",
		})
	})
	// Findings are one per place already (consumers are grouped); order
	// them by place as Run does.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Span.Start < out[j].Span.Start
	})
	return out
}

// rankedFix sets GOPROXY, where v is written, to the value Verify ranks.
// It is never preferred: it rests on one run's measurements.
func rankedFix(plan *fixplan.Planner, v resolve.Value, value string) (findings.Fix, bool) {
	fx := plan.Fixer()
	fx.Rewrite(v.Prov, v.Value, value)
	return fx.Build("Set "+fixplan.KeyLabel(v.Prov)+" in "+plan.Label(v.Prov.File)+" to "+quote(value)+" (ranked by Verify: healthy and faster entries first)", false)
}

// Offers are the ranked GOPROXY values of a Verify run as fixes on
// each GOPROXY value they apply to, for the editor to offer there without
// a diagnostic: a slow entry is not a problem, but the faster order is
// worth a click. Each findings.Finding carries only File, Span, Consumers and the
// fix; it is not published.
func Offers(plan *fixplan.Planner, res *Result) []findings.Finding {
	secrets := fixplan.Secrets(plan.Consumers)
	type key struct {
		pl findings.Place
		v  resolve.Value
	}
	var g findings.Groups[key]
	for _, c := range plan.Consumers {
		v := c.Vars["GOPROXY"]
		pl := findings.ValuePlace(v.Prov)
		if pl.File == "" {
			continue
		}
		g.Add(findings.ProvKey(v.Prov)+"\x00"+pl.Key(), key{pl: pl, v: v}, c.Name)
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		value, ok := recommended(res, k.v.Value, consumers)
		if !ok {
			return
		}
		f := findings.Finding{Severity: findings.Information, File: k.pl.File, Span: k.pl.Span, Consumers: consumers,
			Message: clip.Message(redact.RedactKnown("Verify ranks GOPROXY"+findings.ForConsumers(consumers)+" as "+quote(value)+".", secrets))}
		f.AddFix(rankedFix(plan, k.v, value))
		f.Fixes = fixplan.WithoutCredentials(f.Fixes, secrets)
		plan.Rank(&f)
		if len(f.Fixes) > 0 {
			out = append(out, f)
		}
	})
	return out
}

// recommended is the GOPROXY value Verify ranks for every one of consumers,
// who share the value goproxy; ok is false when there is none or they
// disagree (their networks differ).
func recommended(res *Result, goproxy string, consumers []string) (string, bool) {
	value := ""
	for _, name := range consumers {
		var rows []ProxyResult
		for _, p := range res.Proxies {
			if slices.Contains(p.Consumers, name) {
				rows = append(rows, p)
			}
		}
		v, _, ok := Recommend(goproxy, rows)
		if !ok || value != "" && v != value {
			return "", false
		}
		value = v
	}
	return value, value != ""
}

// proxyCode maps a failure class to its diagnostic code.
func proxyCode(c Class) (string, bool) {
	switch c {
	case ClassOK, ClassNotFound, ClassUnprobed, ClassWithheld, "":
		return "", false
	case ClassTimeout:
		return CodeProxyTimeout, true
	case ClassTLS:
		return CodeProxyTLSError, true
	case ClassAuth, ClassProxyAuth:
		return CodeProxyAuthRequired, true
	}
	return CodeProxyUnreachable, true
}

func failing(c Class) bool { _, ok := proxyCode(c); return ok }

func proxyProblem(code string) string {
	switch code {
	case CodeProxyTimeout:
		return "times out"
	case CodeProxyTLSError:
		return "fails TLS"
	case CodeProxyAuthRequired:
		return "requires credentials"
	}
	return "is unreachable"
}

// resolvedPast reports whether modules of consumer failed at GOPROXY entry
// index and every one of them went on to a later entry (the '|' after it):
// then the entry costs time, not correctness, whatever the later entries
// answered. A failure that ends a route (a ',' after it, or the end of the
// list), or no module failing there (only its checksum database endpoint
// did), keeps it an error.
func resolvedPast(modules []ModuleResult, consumer string, index int) bool {
	fellThrough := false
	for _, m := range modules {
		if !slices.Contains(m.Consumers, consumer) {
			continue
		}
		for i, a := range m.Attempts {
			if a.Index != index || a.Proxy == "direct" || a.Proxy == "off" || a.Outcome != OutcomeError {
				continue
			}
			if i == len(m.Attempts)-1 {
				return false
			}
			fellThrough = true
		}
	}
	return fellThrough
}

// directFailure reports a module whose reported error comes from its
// origin, not from a proxy (whose entry has its own finding).
func directFailure(m ModuleResult) bool {
	if len(m.Attempts) == 0 {
		return false
	}
	a := m.Attempts[len(m.Attempts)-1]
	return a.Proxy == "direct" && a.Outcome == OutcomeError
}

// toolchainPlace is GOTOOLCHAIN's value for a toolchain module, else nowhere.
func toolchainPlace(plan *fixplan.Planner, m ModuleResult) findings.Place {
	if !m.Toolchain {
		return findings.Place{}
	}
	if c := plan.Consumer(m.Consumer); c != nil {
		return findings.ValuePlace(c.Vars["GOTOOLCHAIN"].Prov)
	}
	return findings.Place{}
}

func mustEntries(v string) []goenv.ProxyEntry {
	e, _ := goenv.ParseGOPROXY(v)
	return e
}

// quote quotes a value for a message as the rules do: credentials masked,
// cut to clip.MaxValue characters.
func quote(v string) string { return clip.Quote(redact.RedactText(v)) }

// wslHop is the WSL2 networking kind (wslnet.HostKind) of the hop that
// refused or did not answer: the forward proxy when the failure is there,
// else the GOPROXY entry. "" for other failures, other hosts, and off WSL2.
func wslHop(p sources.Platform, code string, r ProxyResult) string {
	if code != CodeProxyUnreachable && code != CodeProxyTimeout {
		return ""
	}
	if r.AtForwardProxy && r.Via != "" {
		return wslnet.URLKind(p, r.Via)
	}
	return wslnet.URLKind(p, r.URL)
}
