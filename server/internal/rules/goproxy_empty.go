package rules

import (
	"errors"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "goproxy-empty", Severity: findings.Error, Check: checkGoproxyEmpty})
}

// checkGoproxyEmpty reports an effective GOPROXY without entries: a GOENV
// file "GOPROXY=" line (it masks go.env), a missing $GOROOT/go.env, or a
// value such as "," or " ". An empty OS environment value is not one: cmd/go
// treats it as unset.
func checkGoproxyEmpty(in *Input) []findings.Finding {
	type key struct {
		pl    findings.Place
		value string
		prov  sources.Provenance
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		if _, err := goenv.ParseGOPROXY(v.Value); !errors.Is(err, goenv.ErrNoEntries) {
			continue
		}
		pl := findings.ValuePlace(v.Prov)
		g.Add(findings.ProvKey(v.Prov)+"\x00"+v.Value, key{pl, v.Value, v.Prov}, c.Name)
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		var msg string
		switch {
		case k.prov.Source == sources.Default:
			msg = "GOPROXY is empty" + findings.ForConsumers(consumers) + " because neither the environment, the GOENV file nor $GOROOT/go.env sets it"
		case k.value == "":
			msg = "GOPROXY is empty" + findings.ForConsumers(consumers) + " (" + where(k.prov, "GOPROXY") + "), which masks the default from $GOROOT/go.env"
		default:
			msg = "GOPROXY " + quote(k.value) + findings.ForConsumers(consumers) + " (" + where(k.prov, "GOPROXY") + ") has no entries"
		}
		msg += `, so every module download fails with "` + goenv.ErrNoEntries.Error() + `".`
		f := findings.At(k.pl, msg, consumers)
		in.plan().RemoveToFallBack(&f, k.prov, func(c *resolve.Consumer) bool {
			_, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
			return !errors.Is(err, goenv.ErrNoEntries)
		})
		out = append(out, f)
	})
	return out
}
