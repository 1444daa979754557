package rules

import "github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"

func init() {
	register(Rule{Code: "gosumdb-off", Severity: findings.Warning, Check: checkGosumdbOff})
}

// checkGosumdbOff reports GOSUMDB=off: verification is disabled for every
// module, a security downgrade usually meant for private modules only, and
// toolchain downloads fail because they always need the checksum database.
//
// No fix: which modules may skip verification is the user's decision, and
// turning the checksum database back on can break private modules.
func checkGosumdbOff(in *Input) []findings.Finding {
	var g findings.Groups[findings.Place]
	for _, c := range in.Consumers {
		v := c.Vars["GOSUMDB"]
		if v.Value != "off" {
			continue
		}
		pl := findings.ValuePlace(v.Prov)
		g.Add(findings.ProvKey(v.Prov), pl, c.Name)
	}
	var out []findings.Finding
	g.Each(func(pl findings.Place, consumers []string) {
		out = append(out, findings.At(pl, `GOSUMDB is "off"`+findings.ForConsumers(consumers)+
			", so no downloaded module is checked against a checksum database and toolchain downloads fail; list private module paths in GOPRIVATE or GONOSUMDB instead.", consumers))
	})
	return out
}
