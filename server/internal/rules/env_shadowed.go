package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "env-shadowed", Severity: findings.Information, Check: checkEnvShadowed})
}

// checkEnvShadowed reports GOENV file lines that a non-empty OS environment
// variable hides (cmd/go: a non-empty environment value wins over the file;
// `go env -w` only warns once, when it writes). The finding sits on the
// GOENV file line, the value that has no effect; values that settings layers
// override are env-divergence's business.
//
// No fix: the winning value is in the process environment, which no file edit
// changes, and deleting the GOENV line would change what other shells see.
func checkEnvShadowed(in *Input) []findings.Finding {
	type key struct {
		pl           findings.Place
		name, winner string
		goenvValue   string
	}
	var g findings.Groups[key]
	// A stale pin (editor-env-stale) is not the user's export: the GOENV
	// file line is what a reload brings back, not a value without effect.
	stale := in.staleEditorEnv()
	for _, c := range in.Consumers {
		for _, name := range resolve.GoVars {
			v := c.Vars[name]
			if !v.Prov.Source.FromEnvironment() || isStalePin(stale, name, v.Value, c.Name) {
				continue
			}
			for _, cand := range v.Chain {
				if cand.Prov.Source != sources.GoEnvFile || cand.Value == v.Value {
					continue
				}
				pl := findings.ValuePlace(cand.Prov)
				if pl.File == "" {
					continue
				}
				k := key{pl, name, v.Value, cand.Value}
				g.Add(pl.Key()+"\x00"+name+"\x00"+v.Value, k, c.Name)
			}
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		out = append(out, findings.At(k.pl, k.name+" "+quote(k.goenvValue)+" in the GOENV file has no effect"+findings.ForConsumers(consumers)+
			" because the process environment sets "+k.name+" to "+quote(k.winner)+", and a non-empty environment variable wins over the GOENV file.", consumers))
	})
	return out
}
