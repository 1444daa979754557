package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "proxy-env-incomplete", Severity: findings.Warning, Check: checkProxyEnvIncomplete})
}

// checkProxyEnvIncomplete reports network proxy settings the go command does
// not use for its own requests (golang.org/x/net/http/httpproxy): HTTP_PROXY
// without HTTPS_PROXY while every URL it fetches is https (HTTPS_PROXY
// serves those), and ALL_PROXY as the only proxy variable (Go ignores it,
// git uses it). Either way the go command connects directly. The fix for the
// first sets HTTPS_PROXY next to HTTP_PROXY where a settings, launch or
// tasks file sets it.
func checkProxyEnvIncomplete(in *Input) []findings.Finding {
	type key struct {
		pl            findings.Place
		subject, rest string
		v             resolve.Value
		sibling       string // the fix: set this HTTPS_PROXY spelling next to v
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		if !fetchesOverNetwork(c) {
			continue
		}
		np := goenv.NetProxyFrom(c.Env.Get)
		switch {
		case np.HTTPProxy != "" && np.HTTPSProxy == "" && allHTTPS(c):
			v := c.Vars[np.HTTPProxyVar]
			pl := findings.ValuePlace(v.Prov)
			subject := np.HTTPProxyVar + " " + quote(np.HTTPProxy)
			rest := " is set but HTTPS_PROXY is not, and Go sends https requests — every module, checksum database and go-get URL here — " +
				"through HTTPS_PROXY only, so the go command connects directly (and times out behind a firewall)."
			sibling := "HTTPS_PROXY"
			if np.HTTPProxyVar == "http_proxy" {
				sibling = "https_proxy" // the spelling the user chose
			}
			g.Add(pl.Key()+"\x00"+findings.ProvKey(v.Prov)+"\x00"+subject, key{pl, subject, rest, v, sibling}, c.Name)
		case np.HTTPProxy == "" && np.HTTPSProxy == "":
			all := effectiveVar(c, "ALL_PROXY", "all_proxy")
			if all.Value == "" {
				continue
			}
			pl := findings.ValuePlace(all.Prov)
			subject := all.Name + " " + quote(all.Value)
			rest := " is the only proxy variable, but Go ignores ALL_PROXY while git uses it, " +
				"so the go command's own requests (proxy, checksum database, go-get lookups) connect directly."
			g.Add(pl.Key()+"\x00"+findings.ProvKey(all.Prov)+"\x00"+subject, key{pl: pl, subject: subject, rest: rest}, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, k.subject+findings.ForConsumers(consumers)+k.rest, consumers)
		if k.sibling != "" {
			fx := in.plan().Fixer()
			fx.SetSibling(k.v.Prov, k.sibling, k.v.Value)
			f.AddFix(fx.Build("Set "+k.sibling+" to "+quote(k.v.Value)+" next to "+fixplan.KeyLabel(k.v.Prov)+" in "+in.plan().Label(k.v.Prov.File), true))
		}
		out = append(out, f)
	})
	return out
}

// fetchesOverNetwork reports whether a consumer's go command reaches the
// network for modules at all: GOPROXY does not start with "off" or name only
// file:// caches with the checksum database off.
func fetchesOverNetwork(c *resolve.Consumer) bool {
	entries, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
	if err != nil {
		return false
	}
	for _, e := range goenv.Live(entries) {
		switch {
		case e.Kind == goenv.ProxyOff:
			return false
		case e.Kind == goenv.ProxyDirect || e.URL != nil && e.URL.Scheme != "file":
			return true
		}
	}
	return c.Vars["GOSUMDB"].Value != "off"
}

// allHTTPS reports whether no URL the consumer's go command fetches is
// plain http to a host a proxy would be used for: GOPROXY entries and an
// explicit GOSUMDB URL (direct fetches try https first).
func allHTTPS(c *resolve.Consumer) bool {
	entries, _ := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
	for _, e := range goenv.Live(entries) {
		if e.URL != nil && e.URL.Scheme == "http" && !loopback(e.URL.Hostname()) {
			return false
		}
	}
	if db, err := goenv.ParseGOSUMDB(c.Vars["GOSUMDB"].Value, nil); err == nil && strings.HasPrefix(db.URL, "http://") {
		return false
	}
	return true
}
