package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "private-lists-inconsistent", Severity: findings.Warning, Check: checkPrivateListsInconsistent})
}

// checkPrivateListsInconsistent reports an explicit GONOPROXY or GONOSUMDB
// that does not cover every GOPRIVATE pattern: the explicit list replaces
// GOPRIVATE for its decision, it does not add to it (golang/go#32184). It
// also reports GONOPROXY set alone, which fetches those modules directly but
// still checks them against the public checksum database. GONOPROXY=none is
// the documented idiom for "a private proxy serves my private modules" and
// is not reported; GONOSUMDB set alone is the matching idiom for the
// checksum database and is not reported either.
func checkPrivateListsInconsistent(in *Input) []findings.Finding {
	type key struct {
		pl          findings.Place
		name, value string
		missing     []string
		private     string
		privateProv sources.Provenance
		alone       bool
		prov        sources.Provenance
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		priv := c.Vars["GOPRIVATE"]
		for _, name := range []string{"GONOPROXY", "GONOSUMDB"} {
			v := c.Vars[name]
			if v.Prov.Source == sources.Default || v.Value == "" {
				continue
			}
			pl := findings.ValuePlace(v.Prov)
			if priv.Value == "" {
				if name == "GONOPROXY" && c.Vars["GONOSUMDB"].Value == "" && !onlyNone(v.Value) {
					g.Add(findings.ProvKey(v.Prov)+"\x00alone", key{pl: pl, name: name, value: v.Value, alone: true, prov: v.Prov}, c.Name)
				}
				continue
			}
			if name == "GONOPROXY" && onlyNone(v.Value) {
				continue
			}
			missing := uncovered(priv, v.Value)
			if len(missing) == 0 {
				continue
			}
			k := key{pl: pl, name: name, value: v.Value, missing: missing, private: priv.Value, privateProv: priv.Prov, prov: v.Prov}
			g.Add(findings.ProvKey(v.Prov)+"\x00"+name+"\x00"+priv.Value, k, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		if k.alone {
			f := findings.At(k.pl, "GONOPROXY "+quote(k.value)+findings.ForConsumers(consumers)+
				" is set without GOPRIVATE or GONOSUMDB, so those modules are fetched directly but still checked against the public checksum database.", consumers)
			// GOPRIVATE covers both decisions; whether these modules should
			// skip the checksum database too is the user's call.
			fx := in.plan().Fixer()
			fx.Rename(k.prov, "GOPRIVATE")
			f.AddFix(fx.Build("Rename "+fixplan.KeyLabel(k.prov)+" to GOPRIVATE in "+in.plan().Label(k.prov.File)+" (also skip the checksum database for them)", false))
			out = append(out, f)
			return
		}
		consequence := "still fetched through the proxy"
		if k.name == "GONOSUMDB" {
			consequence = "still checked against the checksum database"
		}
		quoted := make([]string, len(k.missing))
		for i, m := range k.missing {
			quoted[i] = quote(m)
		}
		f := findings.At(k.pl, k.name+" "+quote(k.value)+findings.ForConsumers(consumers)+" replaces GOPRIVATE "+quote(k.private)+
			" but does not cover "+findings.AndList(quoted)+", so those modules are "+consequence+".", consumers)
		f.Related = findings.RelatedAt(k.privateProv, "GOPRIVATE is "+quote(k.private)+" here.")
		if usable(k.missing) {
			newValue := k.value
			if !strings.HasSuffix(newValue, ",") {
				newValue += ","
			}
			newValue += strings.Join(k.missing, ",")
			fx := in.plan().Fixer()
			fx.Rewrite(k.prov, k.value, newValue)
			f.AddFix(fx.Build("Add "+findings.AndList(quoted)+" to "+fixplan.KeyLabel(k.prov)+" in "+in.plan().Label(k.prov.File), true))
		}
		out = append(out, f)
	})
	return out
}

// uncovered lists the GOPRIVATE patterns the explicit list does not cover: a
// pattern is covered when the list holds it or matches it as a module path.
func uncovered(priv resolve.Value, list string) []string {
	var out []string
	explicit := goenv.SplitPatterns(list)
	for _, p := range goenv.SplitPatterns(priv.Value) {
		covered := false
		for _, q := range explicit {
			covered = covered || q.Glob == p.Glob || q.Matches(p.Glob)
		}
		if !covered {
			out = append(out, p.Raw)
		}
	}
	return out
}

func onlyNone(list string) bool {
	ps := goenv.SplitPatterns(list)
	for _, p := range ps {
		if strings.TrimSpace(p.Glob) != "none" && strings.TrimSpace(p.Glob) != "off" {
			return false
		}
	}
	return len(ps) > 0
}

// usable reports whether patterns can be copied as they are: none of them is
// broken (those are private-pattern-never-matches's to fix first).
func usable(patterns []string) bool {
	for _, p := range patterns {
		if (goenv.Pattern{Raw: p, Glob: strings.TrimSuffix(p, "/")}).Problem() != "" {
			return false
		}
	}
	return len(patterns) > 0
}
