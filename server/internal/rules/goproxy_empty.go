package rules

import (
	"errors"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "goproxy-empty", Severity: Error, Check: checkGoproxyEmpty})
}

// checkGoproxyEmpty reports an effective GOPROXY without entries: a GOENV
// file "GOPROXY=" line (it masks go.env), a missing $GOROOT/go.env, or a
// value such as "," or " ". An empty OS environment value is not one: cmd/go
// treats it as unset.
func checkGoproxyEmpty(in *Input) []Finding {
	type key struct {
		pl    place
		value string
		prov  sources.Provenance
	}
	var g groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		if _, err := goenv.ParseGOPROXY(v.Value); !errors.Is(err, goenv.ErrNoEntries) {
			continue
		}
		pl := valuePlace(v.Prov)
		g.add(provKey(v.Prov)+"\x00"+v.Value, key{pl, v.Value, v.Prov}, c.Name)
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		var msg string
		switch {
		case k.prov.Source == sources.Default:
			msg = "GOPROXY is empty" + forConsumers(consumers) + " because neither the environment, the GOENV file nor $GOROOT/go.env sets it"
		case k.value == "":
			msg = "GOPROXY is empty" + forConsumers(consumers) + " (" + where(k.prov, "GOPROXY") + "), which masks the default from $GOROOT/go.env"
		default:
			msg = "GOPROXY " + quote(k.value) + forConsumers(consumers) + " (" + where(k.prov, "GOPROXY") + ") has no entries"
		}
		msg += `, so every module download fails with "` + goenv.ErrNoEntries.Error() + `".`
		f := finding(k.pl, msg, consumers)
		in.removeToFallBack(&f, k.prov, func(c *resolve.Consumer) bool {
			_, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
			return !errors.Is(err, goenv.ErrNoEntries)
		})
		out = append(out, f)
	})
	return out
}
