package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "env-divergence", Severity: findings.Warning, Check: checkEnvDivergence})
}

// divergenceVars are the modelled variables compared across consumers, with
// what a difference means. The network variables are compared by the value
// net/http or git uses (the upper-case name wins when non-empty), so that
// http.proxy, which sets both spellings, is one difference, not two.
var divergenceVars = []struct {
	name, lower, consequence string
}{
	{"GOPROXY", "", "modules are fetched through different proxies"},
	{"GOSUMDB", "", "checksums are verified against different databases"},
	{"GOPRIVATE", "", "they disagree on which modules are private"},
	{"GONOPROXY", "", "they disagree on which modules bypass the proxy"},
	{"GONOSUMDB", "", "they disagree on which modules skip checksum verification"},
	{"GOINSECURE", "", "they disagree on which modules may be fetched without TLS verification"},
	{"GOFLAGS", "", "go commands run with different default flags"},
	{"GOAUTH", "", "proxies are authenticated differently"},
	{"GOTOOLCHAIN", "", "they select toolchains differently"},
	{"GOVCS", "", "they allow different version control tools"},
	{"GOENV", "", "they read different GOENV files"},
	{"GOROOT", "", "they run different Go installations"},
	{"HTTPS_PROXY", "https_proxy", "network requests take different routes"},
	{"HTTP_PROXY", "http_proxy", "network requests take different routes"},
	{"NO_PROXY", "no_proxy", "they bypass the network proxy for different hosts"},
	{"ALL_PROXY", "all_proxy", "git reaches the network through different proxies"},
	{"SSL_CERT_FILE", "", "they trust different certificate authorities"},
	{"SSL_CERT_DIR", "", "they trust different certificate authorities"},
}

// installExempt are the variables vscode-go's tool installation changes on
// purpose (goEnv.ts toolInstallationEnvironment): it deletes GOFLAGS, GOENV
// and GOROOT so that a project's cross-compilation or -mod settings cannot
// break `go install tool@version`, and forces GOTOOLCHAIN=auto so a tool
// needing a newer Go can still be installed. Reporting those differences
// would flag every workspace. They are compared for the other consumers; for
// install, a dropped GOENV is reported where it changes a proxy-relevant
// value (GOPROXY read from a custom GOENV file that install does not read),
// and a forced GOTOOLCHAIN=auto where it meets a blocked download
// (toolchain-download-blocked).
var installExempt = map[string]bool{"GOFLAGS": true, "GOENV": true, "GOROOT": true, "GOTOOLCHAIN": true}

type observed struct {
	consumer *resolve.Consumer
	value    string
	// prov is where the effective value comes from; cause is what decides it
	// for this consumer: prov, or a layer that set the variable to "" so
	// that the go command falls back to the GOENV file or go.env.
	prov, cause sources.Provenance
}

// valueGroup is the consumers sharing one value, split by where it was set.
type valueGroup struct {
	value string
	subs  []*provGroup
}

type provGroup struct {
	prov, cause sources.Provenance
	consumers   []*resolve.Consumer
}

func (g *valueGroup) names() []string {
	var out []string
	for _, s := range g.subs {
		for _, c := range s.consumers {
			out = append(out, c.Name)
		}
	}
	return out
}

func (g *valueGroup) has(name string) bool { return contains(g.names(), name) }

type divergence struct {
	names             []string
	pl                findings.Place
	consumers         []string
	value, other      string
	where, otherWhere string
	otherConsumers    []string
	consequence       string
	rel               []findings.Related
	// because explains a difference between two base values: the consumer
	// reads another GOENV file or another go.env.
	because   string
	valueProv sources.Provenance
	// For the fixes: the values as the consumers see them and where each
	// side gets its value.
	raw, rawOther       string
	rawProv, otherCause sources.Provenance
	otherProv           sources.Provenance
}

func checkEnvDivergence(in *Input) []findings.Finding {
	var divs []*divergence
	for _, dv := range divergenceVars {
		var obs []observed
		for _, c := range in.Consumers {
			if c.Name == "install" && installExempt[dv.name] {
				continue
			}
			// An image or CI runner has its own environment by design: how
			// it differs from the developer's is a question of its own.
			if c.Origin != nil {
				continue
			}
			v := c.Vars[dv.name]
			if dv.lower != "" {
				v = effectiveVar(c, dv.name, dv.lower)
			}
			if dv.name == "GOENV" && c.GoEnvOff {
				v.Value = "off" // resolved as "" (no file); shown as written
			}
			cause := v.Prov
			if s, ok := c.Env[dv.name]; ok && s.Value == "" && overlay(s.Prov.Source) && !overlay(v.Prov.Source) {
				cause = s.Prov
			}
			obs = append(obs, observed{c, v.Value, v.Prov, cause})
		}
		divs = append(divs, diverge(dv.name, dv.consequence, obs)...)
	}
	// A value vscode-go pinned at activation that the user's sources no
	// longer give is one cause with one remedy (reload the window):
	// editor-env-stale reports it, not a divergence from the terminal.
	if stale := in.staleEditorEnv(); len(stale) > 0 {
		kept := divs[:0]
		for _, d := range divs {
			pin := len(d.consumers) > 0
			for _, c := range d.consumers {
				pin = pin && isStalePin(stale, d.names[0], d.raw, c)
			}
			if !pin {
				kept = append(kept, d)
			}
		}
		divs = kept
	}
	return mergeDivergences(in, divs)
}

// diverge finds the places that make consumers disagree on one variable. The
// cause of a difference is the layer that applies to some consumers only
// (a setting, launch or tasks entry): one finding per such place. When every
// differing value comes from the shared base (two process environments, a
// GOENV file one consumer does not read), the consumers that differ from the
// terminal are reported where their value comes from.
func diverge(name, consequence string, obs []observed) []*divergence {
	var groups []*valueGroup
	byValue := map[string]*valueGroup{}
	for _, o := range obs {
		g := byValue[o.value]
		if g == nil {
			g = &valueGroup{value: o.value}
			byValue[o.value] = g
			groups = append(groups, g)
		}
		key := findings.ProvKey(o.cause)
		var sub *provGroup
		for _, s := range g.subs {
			if findings.ProvKey(s.cause) == key {
				sub = s
			}
		}
		if sub == nil {
			sub = &provGroup{prov: o.prov, cause: o.cause}
			g.subs = append(g.subs, sub)
		}
		sub.consumers = append(sub.consumers, o.consumer)
	}
	if len(groups) < 2 {
		return nil
	}
	ref := groups[0]
	for _, g := range groups {
		if g.has("terminal") {
			ref = g
		}
	}
	anyOverlay := false
	for _, g := range groups {
		for _, s := range g.subs {
			anyOverlay = anyOverlay || overlay(s.cause.Source)
		}
	}
	var out []*divergence
	for _, g := range groups {
		other := ref
		if g == ref {
			other = nil
			for _, o := range groups {
				if o != g {
					other = o
					break
				}
			}
		}
		for _, s := range g.subs {
			// GONOPROXY and GONOSUMDB that merely follow GOPRIVATE are
			// reported through GOPRIVATE.
			if (name == "GONOPROXY" || name == "GONOSUMDB") && s.cause.Source == sources.Default {
				continue
			}
			if !overlay(s.cause.Source) && (anyOverlay || g == ref) {
				continue
			}
			o := other.subs[0]
			d := &divergence{
				names: []string{name}, consequence: consequence,
				value: shown(g.value, s.prov), valueProv: s.cause,
				where: causeWhere(s.prov, s.cause, name), pl: findings.ValuePlace(s.cause),
				other: shown(other.value, o.prov), otherWhere: causeWhere(o.prov, o.cause, name), otherConsumers: other.names(),
				raw: g.value, rawOther: other.value, rawProv: s.prov, otherCause: o.cause, otherProv: o.prov,
			}
			for _, c := range s.consumers {
				d.consumers = append(d.consumers, c.Name)
			}
			// A consumer that reads another GOENV file or another go.env
			// (tool installation drops GOENV and GOROOT; a task may set
			// them) misses the other side's value. For a dropped GOENV the
			// finding shows on the GOENV file line it does not read.
			base, mine := o.consumers[0], s.consumers[0]
			switch {
			case overlay(s.cause.Source):
			case o.prov.Source == sources.GoEnvFile && readsOtherGoEnv(s.consumers, base):
				d.because, d.pl = otherSource(s.consumers, mine, "GOENV", findings.ValuePlace(o.prov))
			case s.prov.Source == sources.GorootGoEnv && usesOtherGOROOT(s.consumers, base):
				d.because, d.pl = otherSource(s.consumers, mine, "GOROOT", findings.ValuePlace(base.Vars["GOROOT"].Prov))
			}
			if d.pl != findings.ValuePlace(o.cause) {
				d.rel = findings.RelatedAt(o.cause, name+" is "+d.other+findings.ForConsumers(other.names())+" here.")
			}
			out = append(out, d)
		}
	}
	return out
}

// causeWhere names where a value comes from, and the layer that set the
// variable to "" when that is what sent the go command to its fallback.
func causeWhere(prov, cause sources.Provenance, name string) string {
	if findings.ProvKey(prov) == findings.ProvKey(cause) {
		return where(prov, name)
	}
	if prov.Source == sources.Default || prov.Source == "" {
		return where(cause, name) + ` sets "", which the go command treats as unset`
	}
	return where(cause, name) + ` sets "", so it comes from ` + where(prov, name)
}

// otherSource explains why consumers read another GOENV file or go.env, and
// where to show it: install drops the variable (shown at fallback), any other
// consumer sets it somewhere.
func otherSource(cs []*resolve.Consumer, c *resolve.Consumer, name string, fallback findings.Place) (string, findings.Place) {
	install := true
	for _, x := range cs {
		install = install && x.Name == "install"
	}
	if install {
		return "vscode-go's tool installation drops " + name, fallback
	}
	// As written in the environment ("off"), not as resolved (GOENV's path).
	value, prov := c.Vars[name].Value, c.Vars[name].Prov
	if e, ok := c.Env[name]; ok {
		value, prov = e.Value, e.Prov
	}
	pl := findings.ValuePlace(prov)
	if pl.File == "" {
		pl = fallback
	}
	return name + " is " + shown(value, prov) + " (" + where(prov, name) + ")", pl
}

func readsOtherGoEnv(cs []*resolve.Consumer, ref *resolve.Consumer) bool {
	for _, c := range cs {
		if c.GoEnvPath == ref.GoEnvPath && c.GoEnvOff == ref.GoEnvOff {
			return false
		}
	}
	return true
}

func usesOtherGOROOT(cs []*resolve.Consumer, ref *resolve.Consumer) bool {
	for _, c := range cs {
		if c.GOROOT == ref.GOROOT {
			return false
		}
	}
	return true
}

// mergeDivergences joins variables that differ at the same place for the same
// consumers with the same values (http.proxy sets HTTP_PROXY and HTTPS_PROXY).
func mergeDivergences(in *Input, divs []*divergence) []findings.Finding {
	var merged []*divergence
	index := map[string]*divergence{}
	for _, d := range divs {
		key := strings.Join([]string{d.pl.Key(), findings.ProvKey(d.valueProv), strings.Join(d.consumers, ","), d.value, d.other, d.consequence}, "\x00")
		if m, ok := index[key]; ok {
			m.names = append(m.names, d.names...)
			continue
		}
		index[key] = d
		merged = append(merged, d)
	}
	var out []findings.Finding
	for _, d := range merged {
		names, verb := findings.AndList(d.names), "is"
		if len(d.names) > 1 {
			verb = "are"
		}
		var msg string
		if d.because != "" {
			msg = names + findings.ForConsumers(d.consumers) + " " + verb + " " + d.value + " (" + d.where + ") instead of " + d.other + findings.ForConsumers(d.otherConsumers)
			if d.other != "unset" {
				msg += " (" + d.otherWhere + ")"
			}
			msg += ", because " + d.because + ", so " + d.consequence + "."
		} else {
			msg = names + findings.ForConsumers(d.consumers) + " " + verb + " " + d.value
			if d.value != "unset" || d.where != where(sources.Provenance{}, "") {
				msg += " (" + d.where + ")"
			}
			msg += " but " + d.other + findings.ForConsumers(d.otherConsumers)
			if d.other != "unset" || d.otherWhere != where(sources.Provenance{}, "") {
				msg += " (" + d.otherWhere + ")"
			}
			msg += ", so " + d.consequence + "."
		}
		f := findings.At(d.pl, msg, d.consumers)
		f.Related = d.rel
		if !in.NoFixes { // Run drops them: a keystroke does not build them
			f.Fixes = in.divergenceFixes(d)
		}
		out = append(out, f)
	}
	return out
}
