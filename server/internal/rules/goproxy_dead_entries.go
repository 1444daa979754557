package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "goproxy-dead-entries", Severity: findings.Warning, Check: checkGoproxyDeadEntries})
}

// checkGoproxyDeadEntries reports GOPROXY entries cmd/go never uses: those
// after "direct" or "off" (it stops reading the list there), and a proxy
// listed twice (cmd/go does not remove duplicates, so a module the proxy
// lacks is requested from it again).
func checkGoproxyDeadEntries(in *Input) []findings.Finding {
	type key struct {
		pl         findings.Place
		dead, stop string // entries after stop, or a duplicate when stop is ""
		v          resolve.Value
		cut        [2]int // the bytes of v.Value the fix removes
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		entries, _ := goenv.ParseGOPROXY(v.Value)
		var stop string
		first, last := -1, -1
		seen := map[string]bool{}
		for i, e := range entries {
			switch {
			case e.Ignored:
				if first < 0 {
					first = i
				}
				last = i
			case e.Kind != goenv.ProxyURL:
				stop = e.Text
			case e.URL != nil:
				norm := strings.TrimSuffix(e.URL.String(), "/")
				pl := in.placer().Sub(v.Prov, v.Value, e.Start, e.End)
				if seen[norm] && g.Accepts(findings.ProvKey(v.Prov), pl.Key()+"\x00dup") {
					// The duplicate goes with its own separator: the entry
					// before it keeps its fallback rule. The new value is
					// built only for the places reported (a generated list
					// can hold thousands of duplicates).
					cut := [2]int{e.Start, len(v.Value)}
					if i+1 < len(entries) {
						cut[1] = entries[i+1].Start
					} else {
						cut = [2]int{len(strings.TrimRight(v.Value[:entries[i-1].End], " \t")), e.End}
					}
					g.AddEntry(findings.ProvKey(v.Prov), pl.Key()+"\x00dup", key{pl: pl, dead: e.Text, v: v, cut: cut}, c.Name)
				}
				seen[norm] = true
			}
		}
		if first >= 0 {
			a, b := entries[first], entries[last]
			pl := in.placer().Sub(v.Prov, v.Value, a.Start, b.End)
			g.Add(pl.Key()+"\x00after", key{pl, v.Value[a.Start:b.End], stop, v, [2]int{entries[first-1].End, b.End}}, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		var msg string
		if k.stop == "" {
			msg = "GOPROXY lists " + quote(k.dead) + " twice" + findings.ForConsumers(consumers) + ", so a module that proxy lacks is requested from it again."
		} else {
			msg = "GOPROXY entries " + quote(k.dead) + " after " + quote(k.stop) + " are never used" + findings.ForConsumers(consumers) +
				", because the go command stops reading the list at " + quote(k.stop)
			if k.stop == "off" {
				msg += `, where every module not in the module cache fails with "module lookup disabled by GOPROXY=off"`
			}
			msg += "."
		}
		f := findings.At(k.pl, msg, consumers)
		fx := in.plan().Fixer()
		newValue := k.v.Value[:k.cut[0]] + k.v.Value[k.cut[1]:]
		fx.Rewrite(k.v.Prov, k.v.Value, newValue)
		// Cutting what follows "off" keeps lookups off: the user may have
		// meant the proxies instead, so that is not the obvious fix.
		f.AddFix(fx.Build("Set "+fixplan.KeyLabel(k.v.Prov)+" in "+in.plan().Label(k.v.Prov.File)+" to "+quote(newValue), k.stop != "off"))
		out = append(out, f)
	})
	return out
}
