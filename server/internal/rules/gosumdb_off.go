package rules

func init() {
	register(Rule{Code: "gosumdb-off", Severity: Warning, Check: checkGosumdbOff})
}

// checkGosumdbOff reports GOSUMDB=off: verification is disabled for every
// module, a security downgrade usually meant for private modules only, and
// toolchain downloads fail because they always need the checksum database.
//
// No fix: which modules may skip verification is the user's decision, and
// turning the checksum database back on can break private modules.
func checkGosumdbOff(in *Input) []Finding {
	var g groups[place]
	for _, c := range in.Consumers {
		v := c.Vars["GOSUMDB"]
		if v.Value != "off" {
			continue
		}
		pl := valuePlace(v.Prov)
		g.add(provKey(v.Prov), pl, c.Name)
	}
	var out []Finding
	g.each(func(pl place, consumers []string) {
		out = append(out, finding(pl, `GOSUMDB is "off"`+forConsumers(consumers)+
			", so no downloaded module is checked against a checksum database and toolchain downloads fail; list private module paths in GOPRIVATE or GONOSUMDB instead.", consumers))
	})
	return out
}
