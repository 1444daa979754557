package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "private-pattern-never-matches", Severity: Warning, Check: checkPrivatePatternNeverMatches})
}

// patternVars are the pattern lists, with what a pattern that never matches
// leaves in place.
var patternVars = []struct{ name, consequence string }{
	{"GOPRIVATE", "those modules are still fetched through the proxy and checked against the checksum database"},
	{"GONOPROXY", "those modules are still fetched through the proxy"},
	{"GONOSUMDB", "those modules are still checked against the checksum database"},
	{"GOINSECURE", "those modules are still fetched with TLS verification"},
}

// checkPrivatePatternNeverMatches reports patterns module.MatchPrefixPatterns
// can never match against a module path: surrounding white space or "\r"
// (lists are split on "," only, nothing is trimmed), a scheme, "@", a port,
// ";" or spaces as separators, upper case in the host (matching is
// case-sensitive), a ".git" suffix, or a first element without a dot.
func checkPrivatePatternNeverMatches(in *Input) []Finding {
	type key struct {
		pl                  place
		name, glob, problem string
		consequence         string
	}
	var g groups[key]
	for _, c := range in.Consumers {
		for _, pv := range patternVars {
			v := c.Vars[pv.name]
			// GONOPROXY and GONOSUMDB defaulting to GOPRIVATE are GOPRIVATE's patterns.
			if v.Prov.Source == sources.Default {
				continue
			}
			for _, p := range goenv.SplitPatterns(v.Value) {
				problem := p.Problem()
				if problem == "" {
					continue
				}
				pl := in.subPlace(v.Prov, v.Value, p.Start, p.End)
				g.add(provKey(v.Prov)+"\x00"+placeKey(pl)+"\x00"+pv.name, key{pl, pv.name, p.Raw, problem, pv.consequence}, c.Name)
			}
		}
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		out = append(out, finding(k.pl, k.name+" pattern "+quote(k.glob)+forConsumers(consumers)+" never matches a module path because "+
			k.problem+", so "+k.consequence+".", consumers))
	})
	return out
}
