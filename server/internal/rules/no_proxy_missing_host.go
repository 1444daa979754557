package rules

import (
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "no-proxy-missing-host", Severity: findings.Warning, Check: checkNoProxyMissingHost})
}

// checkNoProxyMissingHost reports private hosts the go command would reach
// through HTTP(S)_PROXY because NO_PROXY does not list them, decided with
// httpproxy.Config.ProxyFunc, i.e. exactly Go's NO_PROXY semantics: GOPROXY
// entries on an internal or own domain, and the hosts of GONOPROXY (or
// GOPRIVATE) patterns, which are fetched directly (https://<path>?go-get=1).
// Public code hosts named by a pattern (github.com/org) are expected to go
// through the corporate proxy and are not reported.
func checkNoProxyMissingHost(in *Input) []findings.Finding {
	own := in.ownDomains()
	type key struct {
		pl                findings.Place
		what, host, proxy string
		proxyVar          string
		proxyProv         sources.Provenance
		target            *url.URL
		entry             string // what NO_PROXY should list
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		np := goenv.NetProxyFrom(c.Env.Get)
		if np.HTTPSProxy == "" && np.HTTPProxy == "" {
			continue
		}
		if c.Env[np.HTTPSProxyVar].Uncertain || c.Env[np.HTTPProxyVar].Uncertain {
			continue // a proxy only the build knows: checkBuildSuppliedProxy
		}
		check := func(target *url.URL, pl findings.Place, what, shownHost string) {
			proxy := np.ProxyFor(target)
			if proxy == "" {
				return
			}
			name := np.HTTPSProxyVar
			if target.Scheme == "http" {
				name = np.HTTPProxyVar
			}
			entry := target.Hostname()
			if shownHost != entry && strings.HasPrefix(shownHost, "*.") {
				entry = shownHost[1:] // NO_PROXY's ".corp.example.com" is every subdomain
			}
			k := key{pl, what, shownHost, proxy, name, c.Vars[name].Prov, target, entry}
			g.Add(pl.Key()+"\x00"+what+"\x00"+proxy, k, c.Name)
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
			check(&url.URL{Scheme: e.URL.Scheme, Host: e.URL.Host}, in.placer().Sub(v.Prov, v.Value, e.Start, e.End), "GOPROXY host", h)
		}
		noproxy := c.Vars["GONOPROXY"]
		src, srcName := noproxy, "GONOPROXY"
		if noproxy.Prov.Source == sources.Default {
			src, srcName = c.Vars["GOPRIVATE"], "GOPRIVATE"
		}
		checkPatterns(in, src, srcName, check)
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		msg := k.what + " " + k.host + findings.ForConsumers(consumers) + " is reached through " + k.proxyVar + " " + quote(k.proxy) +
			" because NO_PROXY does not list it, so requests to a private host go through the network proxy."
		if k.what != "GOPROXY host" {
			msg = k.what + " " + k.host + findings.ForConsumers(consumers) + " is fetched directly by the go command, but through " + k.proxyVar + " " +
				quote(k.proxy) + " because NO_PROXY does not list it, so requests to a private host go through the network proxy."
		}
		f := findings.At(k.pl, msg, consumers)
		f.Related = findings.RelatedAt(k.proxyProv, k.proxyVar+" is "+quote(k.proxy)+" here.")
		in.noProxyFix(&f, k.target, k.entry)
		out = append(out, f)
	})
	// A proxy only the build knows (ARG HTTPS_PROXY, a secret).
	return append(out, checkBuildSuppliedProxy(in)...)
}

func checkPatterns(in *Input, v resolve.Value, name string, check func(*url.URL, findings.Place, string, string)) {
	for _, p := range goenv.SplitPatterns(v.Value) {
		h := p.SampleHost()
		if h == "" || goenv.IsPublicCodeHost(h) {
			continue
		}
		first, _, _ := strings.Cut(p.Glob, "/")
		check(&url.URL{Scheme: "https", Host: h}, in.placer().Sub(v.Prov, v.Value, p.Start, p.End), name+" host", first)
	}
}

// noProxyFix adds the host to NO_PROXY where each affected consumer's proxy
// is set: next to HTTPS_PROXY in the same settings object, in
// go.toolsEnvVars of the same settings file for http.proxy, and for a proxy
// from the environment in user settings (network setup is per machine).
// The list the consumer has now is kept in front.
func (in *Input) noProxyFix(f *findings.Finding, target *url.URL, entry string) {
	fx := in.plan().Fixer()
	var places []string
	ok := fx.Cover(f.Consumers, func(c *resolve.Consumer) bool {
		return goenv.NetProxyFrom(c.Env.Get).ProxyFor(target) != ""
	}, func(c *resolve.Consumer) bool {
		np := goenv.NetProxyFrom(c.Env.Get)
		proxyVar := np.HTTPSProxyVar
		if target.Scheme == "http" {
			proxyVar = np.HTTPProxyVar
		}
		name := np.NoProxyVar
		if name == "" {
			name = "NO_PROXY"
		}
		cur := c.Env[name]
		newValue := entry
		if cur.Value != "" {
			newValue = strings.TrimRight(cur.Value, ",") + "," + entry
		}
		where, ok := in.besideProxy(fx, c, c.Env[proxyVar].Prov, name, cur, newValue)
		if ok && !contains(places, where) {
			places = append(places, where)
		}
		return ok
	})
	if !ok {
		return
	}
	f.AddFix(fx.Build("Add "+quote(entry)+" to "+findings.AndList(places), true))
}

// besideProxy writes NO_PROXY (name) into the object that sets the proxy.
func (in *Input) besideProxy(fx *fixplan.Fixer, c *resolve.Consumer, proxy sources.Provenance, name string, cur resolve.Setting, value string) (string, bool) {
	switch proxy.Source {
	case sources.VSCodeUser, sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
		if proxy.Key == "http.proxy" {
			if cur.Prov.File == proxy.File && strings.HasPrefix(cur.Prov.Key, "go.toolsEnvVars.") && in.plan().Editable(cur.Prov, cur.Value) {
				fx.Rewrite(cur.Prov, cur.Value, value)
			} else {
				fx.Set(proxy.File, value, "go.toolsEnvVars", name)
			}
			return "go.toolsEnvVars." + name + " in " + in.plan().Label(proxy.File), fx.Err() == nil
		}
		m, path := fx.Member(proxy)
		if m == nil {
			return "", false
		}
		parent := path[:len(path)-1]
		object := strings.TrimSuffix(proxy.Key, "."+path[len(path)-1].Key)
		if cur.Prov.File == proxy.File && cur.Prov.Key == object+"."+name && in.plan().Editable(cur.Prov, cur.Value) {
			fx.Rewrite(cur.Prov, cur.Value, value)
		} else {
			fx.SetAt(proxy.File, parent.Append(name), value)
		}
		return object + "." + name + " in " + in.plan().Label(proxy.File), fx.Err() == nil
	case sources.ProcessEnv, sources.ShellRC:
		user := in.Snap.UserSettingsPath
		if user == "" {
			return "", false
		}
		layer := "go.toolsEnvVars"
		if c.Name == "terminal" || strings.HasPrefix(c.Name, "task:") {
			layer = "terminal.integrated.env." + in.Snap.Options.OSFlavour
		}
		fx.Set(user, value, layer, name)
		return layer + "." + name + " in " + in.plan().Label(user), fx.Err() == nil
	}
	return "", false
}
