package rules

import (
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "no-proxy-missing-host", Severity: Warning, Check: checkNoProxyMissingHost})
}

// checkNoProxyMissingHost reports private hosts the go command would reach
// through HTTP(S)_PROXY because NO_PROXY does not list them, decided with
// httpproxy.Config.ProxyFunc, i.e. exactly Go's NO_PROXY semantics: GOPROXY
// entries on an internal or own domain, and the hosts of GONOPROXY (or
// GOPRIVATE) patterns, which are fetched directly (https://<path>?go-get=1).
// Public code hosts named by a pattern (github.com/org) are expected to go
// through the corporate proxy and are not reported.
func checkNoProxyMissingHost(in *Input) []Finding {
	own := in.ownDomains()
	type key struct {
		pl                place
		what, host, proxy string
		proxyVar          string
		proxyProv         sources.Provenance
	}
	var g groups[key]
	for _, c := range in.Consumers {
		np := goenv.NetProxyFrom(c.Env.Get)
		if np.HTTPSProxy == "" && np.HTTPProxy == "" {
			continue
		}
		check := func(target *url.URL, pl place, what, shownHost string) {
			proxy := np.ProxyFor(target)
			if proxy == "" {
				return
			}
			name := np.HTTPSProxyVar
			if target.Scheme == "http" {
				name = np.HTTPProxyVar
			}
			k := key{pl, what, shownHost, proxy, name, c.Vars[name].Prov}
			g.add(placeKey(pl)+"\x00"+what+"\x00"+proxy, k, c.Name)
		}
		v := c.Vars["GOPROXY"]
		entries, _ := goenv.ParseGOPROXY(v.Value)
		for _, e := range goenv.Live(entries) {
			if e.URL == nil || e.URL.Scheme == "file" {
				continue
			}
			h := e.URL.Hostname()
			if own[registrable(h)] == "" && !internalHost(h) {
				continue
			}
			check(&url.URL{Scheme: e.URL.Scheme, Host: e.URL.Host}, in.subPlace(v.Prov, v.Value, e.Start, e.End), "GOPROXY host", h)
		}
		noproxy := c.Vars["GONOPROXY"]
		src, srcName := noproxy, "GONOPROXY"
		if noproxy.Prov.Source == sources.Default {
			src, srcName = c.Vars["GOPRIVATE"], "GOPRIVATE"
		}
		checkPatterns(in, src, srcName, check)
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		msg := k.what + " " + k.host + forConsumers(consumers) + " is reached through " + k.proxyVar + " " + quote(k.proxy) +
			" because NO_PROXY does not list it, so requests to a private host go through the network proxy."
		if k.what != "GOPROXY host" {
			msg = k.what + " " + k.host + forConsumers(consumers) + " is fetched directly by the go command, but through " + k.proxyVar + " " +
				quote(k.proxy) + " because NO_PROXY does not list it, so requests to a private host go through the network proxy."
		}
		f := finding(k.pl, msg, consumers)
		f.Related = related(k.proxyProv, k.proxyVar+" is "+quote(k.proxy)+" here.")
		out = append(out, f)
	})
	return out
}

func checkPatterns(in *Input, v resolve.Value, name string, check func(*url.URL, place, string, string)) {
	for _, p := range goenv.SplitPatterns(v.Value) {
		h := p.SampleHost()
		if h == "" || isPublicCodeHost(h) {
			continue
		}
		first, _, _ := strings.Cut(p.Glob, "/")
		check(&url.URL{Scheme: "https", Host: h}, in.subPlace(v.Prov, v.Value, p.Start, p.End), name+" host", first)
	}
}
