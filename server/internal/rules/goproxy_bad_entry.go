package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
)

func init() {
	register(Rule{Code: "goproxy-bad-entry", Severity: Error, Check: checkGoproxyBadEntry})
}

// checkGoproxyBadEntry reports GOPROXY entries cmd/go rejects (proxyList and
// newProxyRepo): a single word other than exactly "direct" or "off", a scheme
// other than http, https or file, a file:// URL with a host, or a URL that
// does not parse (typically ";" or a space used as a separator). cmd/go
// rejects the whole list, lazily, at the first module download.
func checkGoproxyBadEntry(in *Input) []Finding {
	type key struct {
		pl        place
		text, err string
	}
	var g groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		entries, _ := goenv.ParseGOPROXY(v.Value)
		for _, e := range entries {
			if e.Ignored {
				continue
			}
			reason := ""
			switch {
			case e.Err != nil:
				reason = "rejected by the go command (" + quote(e.Err.Error()) + ")"
			case e.MisSeparated():
				reason = "read by the go command as one URL because GOPROXY entries are separated by ',' or '|', not ';' or spaces"
			default:
				continue
			}
			pl := in.subPlace(v.Prov, v.Value, e.Start, e.End)
			k := key{pl, e.Text, reason}
			g.add(provKey(v.Prov)+"\x00"+placeKey(pl)+"\x00"+k.err, k, c.Name)
		}
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		out = append(out, finding(k.pl, "GOPROXY entry "+quote(k.text)+forConsumers(consumers)+" is "+k.err+", so no module can be downloaded.", consumers))
	})
	return out
}
