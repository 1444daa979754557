package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "proxy-env-conflict", Severity: findings.Warning, Check: checkProxyEnvConflict})
}

// checkProxyEnvConflict reports network proxy variables that do not do what
// they seem to (golang.org/x/net/http/httpproxy): upper and lower case
// spellings that disagree (Go takes the upper case one, git and curl may
// take the other), a proxy value that does not parse even with "http://"
// prepended (net/http silently ignores it and connects directly). A proxy
// variable Go does not use at all is proxy-env-incomplete's.
func checkProxyEnvConflict(in *Input) []findings.Finding {
	type key struct {
		pl            findings.Place
		subject, rest string
		rel           []findings.Related
		// align, when set, is the fix: set the value at prov to this.
		prov         sources.Provenance
		value, align string
	}
	var g findings.Groups[key]
	add := func(p sources.Provenance, consumer, subject, rest string, rel []findings.Related) {
		pl := findings.ValuePlace(p)
		g.Add(pl.Key()+"\x00"+findings.ProvKey(p)+"\x00"+subject+rest, key{pl: pl, subject: subject, rest: rest, rel: rel}, consumer)
	}
	for _, c := range in.Consumers {
		for _, pair := range [][2]string{{"HTTPS_PROXY", "https_proxy"}, {"HTTP_PROXY", "http_proxy"}, {"NO_PROXY", "no_proxy"}} {
			up, low := c.Vars[pair[0]], c.Vars[pair[1]]
			if up.Value != "" && low.Value != "" && up.Value != low.Value {
				pl := findings.ValuePlace(low.Prov)
				subject := pair[1] + " " + quote(low.Value)
				rest := " differs from " + pair[0] + " " + quote(up.Value) +
					"; Go uses " + pair[0] + " while git and curl may use " + pair[1] + ", so module downloads and VCS fetches can take different routes."
				g.Add(pl.Key()+"\x00"+findings.ProvKey(low.Prov)+"\x00"+subject+rest, key{pl: pl, subject: subject, rest: rest,
					rel: findings.RelatedAt(up.Prov, pair[0]+" is "+quote(up.Value)+" here."), prov: low.Prov, value: low.Value, align: up.Value}, c.Name)
			}
		}
		np := goenv.NetProxyFrom(c.Env.Get)
		for _, pv := range []struct{ value, name string }{{np.HTTPSProxy, np.HTTPSProxyVar}, {np.HTTPProxy, np.HTTPProxyVar}} {
			if pv.value == "" {
				continue
			}
			if _, err := goenv.ParseNetProxy(pv.value); err != nil {
				add(c.Vars[pv.name].Prov, c.Name, pv.name+" "+quote(pv.value), " does not parse as a proxy URL ("+quote(err.Error())+
					"), so Go silently ignores it and connects directly.", nil)
			}
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, k.subject+findings.ForConsumers(consumers)+k.rest, consumers)
		f.Related = k.rel
		if k.align != "" {
			// Go already uses the upper-case value: give it to git and curl too.
			fx := in.plan().Fixer()
			fx.Rewrite(k.prov, k.value, k.align)
			f.AddFix(fx.Build("Set "+fixplan.KeyLabel(k.prov)+" in "+in.plan().Label(k.prov.File)+" to "+quote(k.align)+", the value Go uses", true))
		}
		out = append(out, f)
	})
	return out
}
