package rules

import (
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// suppliedProxy stands for a proxy whose URL only the build knows (an ARG
// without default, a secret): a reserved name, never contacted, that lets
// Go's own NO_PROXY logic decide which hosts would go through it.
const suppliedProxy = "http://build-supplied-proxy.invalid:3128"

// checkBuildSuppliedProxy is no-proxy-missing-host for a CI job or build
// stage whose HTTPS_PROXY (or HTTP_PROXY) the build supplies — ARG
// HTTPS_PROXY without a default, a secret in the job's env — while no
// NO_PROXY the build could supply, nor a known one, exempts the private
// hosts its go command reaches directly (GOPROXY entries on an internal or
// own domain, GONOPROXY/GOPRIVATE hosts). The proxy's URL is unknown but
// it is there for every request. A NO_PROXY the build supplies too is
// taken to be right.
func checkBuildSuppliedProxy(in *Input) []findings.Finding {
	own := in.ownDomains()
	type group struct {
		pl        findings.Place
		proxy     resolve.Setting
		proxyVar  string
		noProxy   string
		hosts     []string
		consumers []string
		c         *resolve.Consumer
	}
	var order []string
	groups := map[string]*group{}
	for _, c := range in.buildConsumers() {
		proxyVar := ""
		for _, name := range []string{"HTTPS_PROXY", "https_proxy"} {
			if s, ok := c.Env[name]; ok && s.Uncertain && s.Prov.File != "" {
				proxyVar = name
				break
			}
		}
		if proxyVar == "" {
			continue
		}
		noProxyVar := "NO_PROXY"
		if proxyVar == "https_proxy" {
			noProxyVar = "no_proxy"
		}
		if s, ok := c.Env[noProxyVar]; ok && s.Uncertain {
			continue // the build supplies NO_PROXY as well
		}
		np := goenv.NetProxyFrom(func(k string) string {
			if k == proxyVar {
				return suppliedProxy
			}
			return c.Env.Get(k)
		})
		var hosts []string
		check := func(target *url.URL, _ findings.Place, _ string, shownHost string) {
			if np.ProxyFor(target) == "" {
				return
			}
			entry := target.Hostname()
			if shownHost != entry && strings.HasPrefix(shownHost, "*.") {
				entry = shownHost[1:]
			}
			if !contains(hosts, entry) {
				hosts = append(hosts, entry)
			}
		}
		v := c.Vars["GOPROXY"]
		entries, _ := goenv.ParseGOPROXY(v.Value)
		for _, e := range goenv.Live(entries) {
			if e.URL == nil || e.URL.Scheme != "https" {
				continue
			}
			if h := e.URL.Hostname(); own[registrable(h)] != "" || internalHost(h) {
				check(&url.URL{Scheme: "https", Host: e.URL.Host}, findings.Place{}, "", h)
			}
		}
		src, srcName := c.Vars["GONOPROXY"], "GONOPROXY"
		if src.Prov.Source == sources.Default {
			src, srcName = c.Vars["GOPRIVATE"], "GOPRIVATE"
		}
		checkPatterns(in, src, srcName, check)
		if len(hosts) == 0 {
			continue
		}
		s := c.Env[proxyVar]
		pl := findings.KeyPlace(s.Prov)
		key := pl.Key() + "\x00" + strings.Join(hosts, ",")
		g := groups[key]
		if g == nil {
			g = &group{pl: pl, proxy: s, proxyVar: proxyVar, noProxy: noProxyVar, hosts: hosts, c: c}
			groups[key] = g
			order = append(order, key)
		}
		g.consumers = append(g.consumers, c.Name)
	}
	var out []findings.Finding
	for _, key := range order {
		g := groups[key]
		what := "no " + g.noProxy + " exempts "
		if cur := g.c.Env.Get(g.noProxy); cur != "" {
			what = g.noProxy + " " + quote(cur) + " does not exempt "
		}
		msg := g.proxyVar + " comes from the build (" + g.proxy.Note + ")" + findings.ForConsumers(g.consumers) + ", but " + what + findings.AndList(g.hosts) + ", so the go command's requests to those private hosts go through the network proxy."
		if g.proxy.Note == "" {
			msg = g.proxyVar + " is known only when the build runs" + findings.ForConsumers(g.consumers) + ", but " + what + findings.AndList(g.hosts) + ", so the go command's requests to those private hosts go through the network proxy."
		}
		f := findings.At(g.pl, msg, g.consumers)
		in.buildNoProxyFix(&f, g.c, g.proxy.Prov, g.noProxy, g.hosts)
		out = append(out, f)
	}
	return out
}

// buildNoProxyFix writes NO_PROXY next to the proxy: the known list
// extended where the file sets it, else a new line after the proxy's own
// (ARG NO_PROXY=… after ARG HTTPS_PROXY — a default the build can still
// override — or a NO_PROXY key beside the env's HTTPS_PROXY).
func (in *Input) buildNoProxyFix(f *findings.Finding, c *resolve.Consumer, proxy sources.Provenance, name string, hosts []string) {
	bf := in.Snap.BuildFile(proxy.File)
	if bf == nil || c.Origin == nil {
		return
	}
	content := bf.Content
	value := strings.Join(hosts, ",")
	fx := in.plan().Fixer()
	where := ""
	if cur, ok := c.Env[name]; ok && cur.Value != "" {
		ws := in.setForConsumer(fx, c, []string{name}, []string{strings.TrimRight(cur.Value, ",") + "," + value})
		if ws == nil {
			return
		}
		where = ws[0]
	} else {
		indent, ok := indentBefore(content, proxy.KeySpan.Start)
		ls := lineStartAt(content, proxy.KeySpan.Start)
		line := ""
		switch c.Origin.Kind {
		case sources.DockerfileKind:
			word := strings.ToUpper(strings.TrimSpace(string(content[ls:proxy.KeySpan.Start])))
			if word != "ARG" && word != "ENV" {
				return
			}
			indent, _ = indentBefore(content, firstNonBlank(content, ls))
			line = indent + word + " " + name + "=" + value
			where = word + " " + name + " after " + word + " " + proxy.Key[strings.LastIndex(proxy.Key, " ")+1:]
		case sources.GitHubActions, sources.GitLabCI:
			if !ok {
				return
			}
			line = indent + name + ": " + yamlScalar(value)
			where = name + " beside it"
		default:
			return
		}
		nl := newlineOf(content)
		at := nextLineAt(content, max(proxy.ValueSpan.End, proxy.KeySpan.End))
		fx.BuildEdit(proxy.File, sourcesSpan(at, at), terminated(content, at, nl)+line+nl, value)
	}
	f.AddFix(fx.Build("Exempt "+findings.AndList(hosts)+" from the proxy: "+where, true))
}
