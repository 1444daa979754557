package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
)

func init() {
	register(Rule{Code: "goproxy-no-fallback", Severity: Information, Check: checkGoproxyNoFallback})
}

// checkGoproxyNoFallback reports a GOPROXY list of proxies only, without
// "direct" and without "|": a module none of them serves fails with their
// 404/410, and an outage of the last one is terminal. A list ending in "off"
// is a deliberate choice and is not reported.
func checkGoproxyNoFallback(in *Input) []Finding {
	type key struct {
		pl    place
		value string
	}
	var g groups[key]
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
		pl := valuePlace(v.Prov)
		g.add(provKey(v.Prov)+"\x00"+v.Value, key{pl, v.Value}, c.Name)
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		out = append(out, finding(k.pl, "GOPROXY "+quote(k.value)+forConsumers(consumers)+
			` has no "direct" and no "|" fallback, so any module the proxy does not serve fails with 404/410 Not Found.`, consumers))
	})
	return out
}
