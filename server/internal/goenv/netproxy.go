package goenv

import (
	"fmt"
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// NetProxy is the network proxy configuration net/http derives from a
// process environment (golang.org/x/net/http/httpproxy.FromEnvironment), for
// an environment that is not the doctor's own.
type NetProxy struct {
	HTTPProxy, HTTPSProxy, NoProxy string
	// The names the values came from (upper case wins when non-empty).
	HTTPProxyVar, HTTPSProxyVar, NoProxyVar string
	CGI                                     bool
}

// NetProxyFrom reads the proxy variables with httpproxy's exact lookup: the
// upper-case name if non-empty, else the lower-case one; ALL_PROXY is ignored.
func NetProxyFrom(getenv func(string) string) NetProxy {
	var p NetProxy
	p.HTTPProxy, p.HTTPProxyVar = envAny(getenv, "HTTP_PROXY", "http_proxy")
	p.HTTPSProxy, p.HTTPSProxyVar = envAny(getenv, "HTTPS_PROXY", "https_proxy")
	p.NoProxy, p.NoProxyVar = envAny(getenv, "NO_PROXY", "no_proxy")
	p.CGI = getenv("REQUEST_METHOD") != ""
	return p
}

func envAny(getenv func(string) string, names ...string) (string, string) {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// ProxyFor returns the proxy net/http would use for a request URL ("" for a
// direct connection), with exactly httpproxy's NO_PROXY semantics.
func (p NetProxy) ProxyFor(target *url.URL) string {
	cfg := httpproxy.Config{HTTPProxy: p.HTTPProxy, HTTPSProxy: p.HTTPSProxy, NoProxy: p.NoProxy, CGI: p.CGI}
	u, err := cfg.ProxyFunc()(target)
	if err != nil || u == nil {
		return ""
	}
	return u.String()
}

// ParseNetProxy is httpproxy's parseProxy: a value that does not parse even
// with "http://" prepended is silently ignored by net/http (the connection
// goes direct). The error says why.
func ParseNetProxy(value string) (*url.URL, error) {
	if value == "" {
		return nil, nil
	}
	u, err := url.Parse(value)
	if err != nil || u.Scheme == "" || u.Host == "" {
		if u2, err2 := url.Parse("http://" + value); err2 == nil {
			return u2, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("invalid proxy address %q: %v", value, err)
	}
	return u, nil
}
