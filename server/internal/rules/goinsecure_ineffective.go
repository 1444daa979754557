package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "goinsecure-ineffective", Severity: findings.Warning, Check: checkGoinsecureIneffective})
}

// checkGoinsecureIneffective reports GOINSECURE patterns that cannot do what
// they are set for: "*" (every module fetched directly may then come over
// plain HTTP or an unverified certificate), and a pattern naming a GOPROXY
// host while matching none of go.mod's requirements — GOINSECURE only
// applies to direct fetches, never to GOPROXY entries, so it does not cure
// a mirror's self-signed certificate (go-proxy-semantics §3.4). The fix for
// the second removes the pattern; "*" has none (what it was for is unknown).
func checkGoinsecureIneffective(in *Input) []findings.Finding {
	type key struct {
		pl        findings.Place
		proxyHost string // "" for "*"
		v         resolve.Value
		p         goenv.Pattern
	}
	var g findings.Groups[key]
	reqs := in.requirements()
	for _, c := range in.Consumers {
		v := c.Vars["GOINSECURE"]
		if v.Value == "" {
			continue
		}
		entries, _ := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
		for _, p := range goenv.SplitPatterns(v.Value) {
			if p.Problem() != "" {
				continue
			}
			proxyHost := ""
			if broadScope(p) != "every module" {
				for _, e := range goenv.Live(entries) {
					if e.URL == nil || e.URL.Scheme == "file" || e.URL.Hostname() == "" {
						continue
					}
					if h := strings.ToLower(e.URL.Hostname()); p.Matches(h) && !matchesAny(p, reqs) {
						proxyHost = h
						break
					}
				}
				if proxyHost == "" {
					continue
				}
			}
			pl := in.placer().Sub(v.Prov, v.Value, p.Start, p.End)
			g.AddEntry(findings.ProvKey(v.Prov), findings.ProvKey(v.Prov)+"\x00"+pl.Key()+"\x00"+proxyHost, key{pl, proxyHost, v, p}, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		subject := "GOINSECURE pattern " + quote(k.p.Raw) + findings.ForConsumers(consumers)
		if k.proxyHost == "" {
			out = append(out, findings.At(k.pl, subject+" lets every module fetched directly come over plain HTTP or with an unverified certificate, "+
				"yet never applies to GOPROXY entries, so it cures no proxy's certificate error and only removes the check for everything else.", consumers))
			return
		}
		f := findings.At(k.pl, subject+" names the GOPROXY host "+k.proxyHost+", but GOINSECURE only applies to modules fetched directly, never to GOPROXY entries, "+
			"so that proxy's certificate is still verified; add its CA to the system trust store (or SSL_CERT_FILE on Linux) instead.", consumers)
		v := k.v
		var keep []string
		for _, q := range goenv.SplitPatterns(v.Value) {
			if q.Start != k.p.Start {
				keep = append(keep, q.Raw)
			}
		}
		fx := in.plan().Fixer()
		title := "Remove " + quote(k.p.Raw) + " from " + fixplan.KeyLabel(v.Prov) + " (" + in.plan().Label(v.Prov.File) + ")"
		if len(keep) == 0 && in.plan().Editable(v.Prov, v.Value) {
			fx.Remove(v.Prov)
			title = "Remove " + fixplan.KeyLabel(v.Prov) + " from " + in.plan().Label(v.Prov.File)
		} else {
			fx.Rewrite(v.Prov, v.Value, strings.Join(keep, ","))
		}
		f.AddFix(fx.Build(title, false))
		out = append(out, f)
	})
	return out
}

// matchesAny reports whether a pattern matches one of the requirements.
func matchesAny(p goenv.Pattern, reqs []sources.Requirement) bool {
	for _, r := range reqs {
		if p.Matches(r.Path) {
			return true
		}
	}
	return false
}
