package rules

import (
	"net"
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
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

// WSLHostKind says how a proxy host relates to WSL's networking: "" (an
// ordinary host), "windows-host" (the Windows host's address as WSL2's NAT
// shows it, or a name for it) or "localhost" (under WSL2, the
// distribution's own loopback, not Windows').
func WSLHostKind(p sources.Platform, host string) string {
	if !p.WSL2 {
		return "" // WSL1 shares Windows' network: its localhost is Windows'
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	for _, w := range p.WindowsHost {
		if h == w {
			return "windows-host"
		}
	}
	if h == "host.docker.internal" || strings.HasSuffix(h, ".mshome.net") {
		return "windows-host"
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "localhost"
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return "localhost"
	}
	return ""
}

// WSLAdvice is the advice for a proxy at a host of WSLHostKind kind (""
// for an ordinary host).
func WSLAdvice(kind string) string {
	switch kind {
	case "windows-host":
		return "a proxy on the Windows host is reachable from WSL2 only when it listens on all interfaces, not only on Windows' 127.0.0.1 (\"Allow LAN\" in most proxy apps), and Windows Firewall lets the WSL network in; " +
			"or turn on WSL's mirrored networking (networkingMode=mirrored in %UserProfile%\\.wslconfig, then wsl --shutdown) and use 127.0.0.1"
	case "localhost":
		return "under WSL2's default NAT networking, localhost is the distribution's own, not Windows': a proxy running on Windows is not there unless WSL runs in mirrored networking mode (networkingMode=mirrored in %UserProfile%\\.wslconfig, then wsl --shutdown); " +
			"otherwise point the variable at the Windows host's address with the proxy listening on all interfaces (a proxy running inside the distribution is fine as it is)"
	}
	return ""
}

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
				kind := WSLHostKind(p, h)
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
		what := "the Windows host"
		if k.kind == "localhost" {
			what = "localhost"
		}
		msg := k.name + " " + quote(k.value) + findings.ForConsumers(consumers) + " names a proxy on " + what + " from WSL2: " + WSLAdvice(k.kind) + "."
		out = append(out, findings.At(places[k.name+"\x00"+k.value+"\x00"+k.kind], msg, consumers))
	})
	return out
}
