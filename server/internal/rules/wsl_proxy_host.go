package rules

import (
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/wslnet"
)

// CodeWSLProxyHost is the code of a proxy, under WSL, on the Windows
// host's address or on localhost: reachable only when WSL's networking
// and the proxy's listening address allow it.
const CodeWSLProxyHost = "wsl-proxy-host"

func init() {
	register(Rule{Code: CodeWSLProxyHost, Severity: findings.Information, Check: checkWSLProxyHost})
}

// wslProxyVars are the variables whose URLs name a proxy host.
var wslProxyVars = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "GOPROXY"}

// proxyHosts returns the hosts a variable's value sends traffic to: the
// URL entries of GOPROXY, or the proxy URL of a proxy variable (a value
// without a scheme is http://, as golang.org/x/net/http/httpproxy reads it).
func proxyHosts(name, value string) []string {
	if name == "GOPROXY" {
		entries, _ := goenv.ParseGOPROXY(value)
		var out []string
		for _, e := range entries {
			if e.URL != nil && e.URL.Hostname() != "" {
				out = append(out, e.URL.Hostname())
			}
		}
		return out
	}
	v := strings.TrimSpace(value)
	if v == "" {
		return nil
	}
	if !strings.Contains(v, "://") {
		v = "http://" + v
	}
	u, err := url.Parse(v)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	return []string{u.Hostname()}
}

// checkWSLProxyHost gives WSL networking advice for a proxy at the Windows
// host's address, or on localhost under WSL2, once per value and place.
func checkWSLProxyHost(in *Input) []findings.Finding {
	p := in.Snap.Platform
	if !p.WSL2 {
		return nil
	}
	type key struct {
		pl          findings.Place
		name, value string
		kind        string
	}
	var g findings.Groups[key]
	places := map[string]findings.Place{}
	for _, c := range in.Consumers {
		for _, name := range wslProxyVars {
			v := c.Var(name)
			if v.Value == "" {
				continue
			}
			for _, h := range proxyHosts(name, v.Value) {
				kind := wslnet.HostKind(p, h)
				if kind == "" {
					continue
				}
				// One note per value: the advice is about the proxy, not
				// the consumer. It goes on the first file that sets it.
				k := name + "\x00" + v.Value + "\x00" + kind
				pl := findings.ValuePlace(v.Prov)
				if pl.File != "" && places[k].File == "" {
					places[k] = pl
				}
				g.Add(k, key{findings.Place{}, name, v.Value, kind}, c.Name)
				break
			}
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		msg := k.name + " " + quote(k.value) + findings.ForConsumers(consumers) + " names a proxy on " + wslnet.What(k.kind) + " from WSL2: " + wslnet.Advice(k.kind) + "."
		out = append(out, findings.At(places[k.name+"\x00"+k.value+"\x00"+k.kind], msg, consumers))
	})
	return out
}
