package rules

import (
	"slices"
	"sort"
	"strconv"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
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

// VerifyFindings places a verify result in the folder's files: failing
// proxies on their GOPROXY entry (in every file that sets a consumer's
// GOPROXY), modules no entry serves on the go.mod/go.work lines requiring
// them, origins that fail on the same lines, and an unreachable checksum
// database on GOSUMDB (or on the entry that proxies it). Findings about
// values set outside any file have no file, like the rules' own.
func VerifyFindings(in *Input, res *verify.Result) []Finding {
	var out []Finding
	secrets := in.secrets()
	add := func(f Finding) {
		f.Message = clip.Message(redact.RedactKnown(f.Message, secrets))
		out = append(out, f)
	}

	type proxyKey struct {
		pl                place
		code, url, reason string
		index             int
		sev               Severity
		v                 resolve.Value
	}
	var proxies groups[proxyKey]
	for _, p := range res.Proxies {
		code, ok := proxyCode(p.Status)
		if !ok {
			continue
		}
		for _, name := range p.Consumers {
			c := in.Consumer(name)
			if c == nil {
				continue
			}
			v := c.Vars["GOPROXY"]
			live := goenv.Live(mustEntries(v.Value))
			pl := valuePlace(v.Prov)
			if p.Index >= 1 && p.Index <= len(live) {
				e := live[p.Index-1]
				pl = in.subPlace(v.Prov, v.Value, e.Start, e.End)
			}
			sev := Error
			if resolvedPast(res.Modules, name, p.Index) {
				sev = Warning
			}
			reason := p.Error
			if p.AtForwardProxy && p.Via != "" {
				reason += " (the failing hop is the forward proxy " + quote(p.Via) + ", not this entry)"
			}
			k := proxyKey{pl: pl, code: code, url: p.URL, reason: reason, index: p.Index, sev: sev, v: v}
			proxies.add(provKey(v.Prov)+"\x00"+placeKey(pl)+"\x00"+code+"\x00"+reason+"\x00"+sev.String(), k, name)
		}
	}
	proxies.each(func(k proxyKey, consumers []string) {
		msg := "GOPROXY entry " + strconv.Itoa(k.index) + " " + quote(k.url) + forConsumers(consumers) + " " + proxyProblem(k.code) + ": " + k.reason + "."
		if k.sev == Warning {
			msg += " Every module that tried it went on to a later entry ('|' after it): it costs time on every fetch, not correctness."
		}
		f := Finding{Code: k.code, Severity: k.sev, File: k.pl.File, Span: k.pl.Span, Consumers: consumers, Message: msg}
		if value, ok := recommended(res, k.v.Value, consumers); ok {
			f.addFix(in.rankedFix(k.v, value))
			f.Fixes = withoutCredentials(f.Fixes, secrets)
			in.rank(&f)
		}
		add(f)
	})

	for _, m := range res.Modules {
		mod := m.Path + "@" + m.Version
		var code, msg string
		sev := Warning
		switch {
		case m.Outcome == verify.OutcomeNotFound:
			code, msg = CodeModuleNotFound, mod+" is not found by any GOPROXY entry"+forConsumers(m.Consumers)+": "+m.Error+"."
		case m.Outcome == verify.OutcomeError && directFailure(m):
			a := m.Attempts[len(m.Attempts)-1]
			code, _ = proxyCode(a.Class)
			if code == "" {
				code = CodeProxyUnreachable
			}
			sev = Error
			msg = mod + forConsumers(m.Consumers) + " is fetched from its origin (direct), which fails: " + a.Error + "."
		case m.Outcome == verify.OutcomeOK && m.SumDB != nil && m.SumDB.Outcome == verify.OutcomeNotFound:
			code = CodeModuleNotFound
			msg = mod + forConsumers(m.Consumers) + " is not in the checksum database (" + m.SumDB.URL + "), so the go command fails with \"verifying module\": list it in GOPRIVATE or GONOSUMDB if it is private."
		default:
			continue
		}
		places := m.Places()
		if len(places) == 0 {
			pl := toolchainPlace(in, m)
			add(Finding{Code: code, Severity: sev, Message: msg, Consumers: m.Consumers, File: pl.File, Span: pl.Span})
			continue
		}
		for _, r := range places {
			add(Finding{Code: code, Severity: sev, Message: msg, Consumers: m.Consumers, File: r.File, Span: r.PathSpan})
		}
	}

	type sumKey struct {
		pl                     place
		name, via, url, reason string
	}
	var sums groups[sumKey]
	for _, s := range res.SumDBs {
		if s.Off || s.Name == "" || !failing(s.Status) {
			continue
		}
		for _, name := range s.Consumers {
			c := in.Consumer(name)
			if c == nil {
				continue
			}
			v := c.Vars["GOSUMDB"]
			pl := valuePlace(v.Prov)
			if pl.File == "" && s.ViaIndex > 0 {
				p := c.Vars["GOPROXY"]
				if live := goenv.Live(mustEntries(p.Value)); s.ViaIndex <= len(live) {
					e := live[s.ViaIndex-1]
					pl = in.subPlace(p.Prov, p.Value, e.Start, e.End)
				}
			}
			k := sumKey{pl: pl, name: s.Name, via: s.Via, url: s.URL, reason: s.Error}
			sums.add(placeKey(pl)+"\x00"+s.Name+"\x00"+s.Via+"\x00"+s.Error, k, name)
		}
	}
	sums.each(func(k sumKey, consumers []string) {
		via := "directly at " + quote(k.url)
		if k.via != "direct" {
			via = "through " + quote(k.via)
		}
		add(Finding{
			Code: CodeSumDBUnreachable, Severity: Error, File: k.pl.File, Span: k.pl.Span, Consumers: consumers,
			Message: "The checksum database " + quote(k.name) + forConsumers(consumers) + ", reached " + via + ", fails: " + k.reason + "; every module not in go.sum and not in GONOSUMDB fails to verify.",
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
func (in *Input) rankedFix(v resolve.Value, value string) (Fix, bool) {
	fx := in.fixer()
	fx.rewrite(v.Prov, v.Value, value)
	return fx.build("Set "+keyLabel(v.Prov)+" in "+in.label(v.Prov.File)+" to "+quote(value)+" (ranked by Verify: healthy and faster entries first)", false)
}

// VerifyOffers are the ranked GOPROXY values of a Verify run as fixes on
// each GOPROXY value they apply to, for the editor to offer there without
// a diagnostic: a slow entry is not a problem, but the faster order is
// worth a click. Each Finding carries only File, Span, Consumers and the
// fix; it is not published.
func VerifyOffers(in *Input, res *verify.Result) []Finding {
	secrets := in.secrets()
	type key struct {
		pl place
		v  resolve.Value
	}
	var g groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		pl := valuePlace(v.Prov)
		if pl.File == "" {
			continue
		}
		g.add(provKey(v.Prov)+"\x00"+placeKey(pl), key{pl: pl, v: v}, c.Name)
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		value, ok := recommended(res, k.v.Value, consumers)
		if !ok {
			return
		}
		f := Finding{Severity: Information, File: k.pl.File, Span: k.pl.Span, Consumers: consumers,
			Message: clip.Message(redact.RedactKnown("Verify ranks GOPROXY"+forConsumers(consumers)+" as "+quote(value)+".", secrets))}
		f.addFix(in.rankedFix(k.v, value))
		f.Fixes = withoutCredentials(f.Fixes, secrets)
		in.rank(&f)
		if len(f.Fixes) > 0 {
			out = append(out, f)
		}
	})
	return out
}

// recommended is the GOPROXY value Verify ranks for every one of consumers,
// who share the value goproxy; ok is false when there is none or they
// disagree (their networks differ).
func recommended(res *verify.Result, goproxy string, consumers []string) (string, bool) {
	value := ""
	for _, name := range consumers {
		var rows []verify.ProxyResult
		for _, p := range res.Proxies {
			if slices.Contains(p.Consumers, name) {
				rows = append(rows, p)
			}
		}
		v, _, ok := verify.Recommend(goproxy, rows)
		if !ok || value != "" && v != value {
			return "", false
		}
		value = v
	}
	return value, value != ""
}

// proxyCode maps a failure class to its diagnostic code.
func proxyCode(c verify.Class) (string, bool) {
	switch c {
	case verify.ClassOK, verify.ClassNotFound, verify.ClassUnprobed, verify.ClassWithheld, "":
		return "", false
	case verify.ClassTimeout:
		return CodeProxyTimeout, true
	case verify.ClassTLS:
		return CodeProxyTLSError, true
	case verify.ClassAuth, verify.ClassProxyAuth:
		return CodeProxyAuthRequired, true
	}
	return CodeProxyUnreachable, true
}

func failing(c verify.Class) bool { _, ok := proxyCode(c); return ok }

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
func resolvedPast(modules []verify.ModuleResult, consumer string, index int) bool {
	fellThrough := false
	for _, m := range modules {
		if !slices.Contains(m.Consumers, consumer) {
			continue
		}
		for i, a := range m.Attempts {
			if a.Index != index || a.Proxy == "direct" || a.Proxy == "off" || a.Outcome != verify.OutcomeError {
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
func directFailure(m verify.ModuleResult) bool {
	if len(m.Attempts) == 0 {
		return false
	}
	a := m.Attempts[len(m.Attempts)-1]
	return a.Proxy == "direct" && a.Outcome == verify.OutcomeError
}

// toolchainPlace is GOTOOLCHAIN's value for a toolchain module, else nowhere.
func toolchainPlace(in *Input, m verify.ModuleResult) place {
	if !m.Toolchain {
		return place{}
	}
	if c := in.Consumer(m.Consumer); c != nil {
		return valuePlace(c.Vars["GOTOOLCHAIN"].Prov)
	}
	return place{}
}

func mustEntries(v string) []goenv.ProxyEntry {
	e, _ := goenv.ParseGOPROXY(v)
	return e
}
