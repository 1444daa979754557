package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
)

func init() {
	register(Rule{Code: "goflags-hazard", Severity: Warning, Check: checkGoflagsHazard})
}

// checkGoflagsHazard reports GOFLAGS words that break or silently change
// module lookups (base.InitGOFLAGS): an unterminated quote, a word that is
// not a flag or a flag no go command defines (every command but go env and
// go bug then fails), -insecure (go get refuses it since Go 1.17), and
// -mod=vendor (no module is ever looked up).
func checkGoflagsHazard(in *Input) []Finding {
	type key struct {
		pl            place
		subject, rest string
	}
	var g groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOFLAGS"]
		if v.Value == "" {
			continue
		}
		add := func(pl place, subject, rest string) {
			g.add(placeKey(pl)+"\x00"+subject+"\x00"+rest, key{pl, subject, rest}, c.Name)
		}
		flags, err := goenv.ParseGOFLAGS(v.Value)
		if err != nil {
			add(valuePlace(v.Prov), "GOFLAGS "+quote(v.Value), " has an unterminated quote, so every go command except go env and go bug fails with "+
				quote("go: parsing $GOFLAGS: "+err.Error())+".")
			continue
		}
		for _, f := range flags {
			pl := in.subPlace(v.Prov, v.Value, f.Start, f.End)
			switch {
			case f.Err != nil:
				add(pl, "GOFLAGS word "+quote(f.Word), " is rejected, so every go command except go env and go bug fails with "+
					quote("go: parsing $GOFLAGS: "+f.Err.Error())+".")
			case f.Name == "insecure":
				add(pl, "GOFLAGS "+quote(f.Word), ` makes go get fail with "-insecure flag is no longer supported; use GOINSECURE instead".`)
			case f.Name == "mod" && f.Value == "vendor":
				add(pl, "GOFLAGS "+quote(f.Word), ` disables every module lookup, so missing or new dependencies fail with "import lookup disabled by -mod=vendor".`)
			}
		}
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		out = append(out, finding(k.pl, k.subject+forConsumers(consumers)+k.rest, consumers))
	})
	return out
}
