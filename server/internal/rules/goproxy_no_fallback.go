package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "goproxy-no-fallback", Severity: findings.Information, Check: checkGoproxyNoFallback})
}

// checkGoproxyNoFallback reports a GOPROXY list of proxies only, without
// "direct" and without "|": a module none of them serves fails with their
// 404/410, and an outage of the last one is terminal. A list ending in "off"
// is a deliberate choice and is not reported.
func checkGoproxyNoFallback(in *Input) []findings.Finding {
	type key struct {
		pl    findings.Place
		value string
		v     resolve.Value
		live  []goenv.ProxyEntry
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		entries, err := goenv.ParseGOPROXY(v.Value)
		if err != nil {
			continue
		}
		live := goenv.Live(entries)
		fallback := false
		for _, e := range live {
			// A mis-separated "a;direct" is reported as a bad entry; its
			// missing fallback is the same mistake.
			fallback = fallback || e.Kind != goenv.ProxyURL || e.Sep == '|' || e.MisSeparated()
		}
		if fallback {
			continue
		}
		pl := findings.ValuePlace(v.Prov)
		g.Add(findings.ProvKey(v.Prov)+"\x00"+v.Value, key{pl, v.Value, v, live}, c.Name)
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, "GOPROXY "+quote(k.value)+findings.ForConsumers(consumers)+
			` has no "direct" and no "|" fallback, so any module the proxy does not serve fails with 404/410 Not Found.`, consumers)
		// Whether modules may be fetched from their origin at all is the
		// user's policy: none of these is preferred.
		v, last := k.v, k.live[len(k.live)-1]
		where := fixplan.KeyLabel(v.Prov) + " in " + in.plan().Label(v.Prov.File)
		for _, alt := range []struct{ value, title string }{
			{v.Value[:last.End] + ",direct" + v.Value[last.End:], `Append ",direct" to ` + where + " (fetch what the proxy does not serve from its origin)"},
			{v.Value[:last.End] + "|direct" + v.Value[last.End:], `Append "|direct" to ` + where + " (also fetch from the origin when the proxy fails)"},
		} {
			fx := in.plan().Fixer()
			fx.Rewrite(v.Prov, v.Value, alt.value)
			f.AddFix(fx.Build(alt.title, false))
		}
		if len(k.live) > 1 {
			// Several proxies: "|" makes each one a failover for the one before.
			b := []byte(v.Value)
			for _, e := range k.live[:len(k.live)-1] {
				if i := strings.IndexByte(v.Value[e.End:], ','); e.Sep == ',' && i >= 0 {
					b[e.End+i] = '|'
				}
			}
			fx := in.plan().Fixer()
			fx.Rewrite(v.Prov, v.Value, string(b))
			f.AddFix(fx.Build("Separate the proxies in "+where+` with "|" (try the next one when a proxy fails)`, false))
		}
		out = append(out, f)
	})
	return out
}
