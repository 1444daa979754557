package rules

import (
	"errors"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "gosumdb-empty", Severity: findings.Error, Check: checkGosumdbEmpty})
}

// checkGosumdbEmpty reports an effective GOSUMDB that is empty: a GOENV file
// "GOSUMDB=" line (it masks go.env) or a missing $GOROOT/go.env. An empty OS
// environment value is not one: cmd/go treats it as unset.
func checkGosumdbEmpty(in *Input) []findings.Finding {
	type key struct {
		pl   findings.Place
		prov sources.Provenance
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOSUMDB"]
		if _, err := goenv.ParseGOSUMDB(v.Value, nil); !errors.Is(err, goenv.ErrMissingGOSUMDB) {
			continue
		}
		g.Add(findings.ProvKey(v.Prov), key{findings.ValuePlace(v.Prov), v.Prov}, c.Name)
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		msg := "GOSUMDB is empty" + findings.ForConsumers(consumers)
		if k.prov.Source == sources.Default {
			msg += " because neither the environment, the GOENV file nor $GOROOT/go.env sets it"
		} else {
			msg += " (" + where(k.prov, "GOSUMDB") + ")"
		}
		f := findings.At(k.pl, msg+`, so every checksum verification fails with "missing GOSUMDB".`, consumers)
		in.plan().RemoveToFallBack(&f, k.prov, func(c *resolve.Consumer) bool {
			_, err := goenv.ParseGOSUMDB(c.Vars["GOSUMDB"].Value, nil)
			return !errors.Is(err, goenv.ErrMissingGOSUMDB)
		})
		out = append(out, f)
	})
	return out
}
