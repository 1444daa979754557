package verify

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/wslnet"
)

// advise turns one consumer environment's results into failover advice: what
// to change in GOPROXY, GOPRIVATE, GOSUMDB or the network settings so that
// what failed falls through to what works.
func advise(tr *targetRun, res *targetResult) []Advice {
	var out []string
	say := func(format string, args ...any) { out = append(out, redact.RedactText(fmt.Sprintf(format, args...))) }

	byIndex := map[int]ProxyResult{}
	for _, p := range res.proxies {
		byIndex[p.Index] = p
	}
	steps := tr.routing.Steps
	hasDirect := false
	for _, s := range steps {
		hasDirect = hasDirect || s.Kind == StepDirect
	}
	hops := map[string]bool{} // forward proxies already advised on
	for i, s := range steps {
		if s.Kind != StepProxy {
			continue
		}
		p := byIndex[s.Index]
		if !p.Status.failure() {
			continue
		}
		if p.AtForwardProxy && p.Via != "" {
			// The forward proxy is the failing hop: no GOPROXY separator
			// or order gets a request past it.
			name := tr.env.net.Proxy.HTTPSProxyVar
			if s.URL.Scheme == "http" {
				name = tr.env.net.Proxy.HTTPProxyVar
			}
			if !hops[p.Via+"\x00"+name] {
				hops[p.Via+"\x00"+name] = true
				say("%s", forwardProxyAdvice(p, s, name, tr.t.EnvFrom[name], tr.t.Consumers))
				if kind := wslHop(tr.t.Platform, codeOf(p.Status), p); kind != "" {
					say("This is WSL2 and the forward proxy %s is on %s: %s.", p.Via, wslnet.What(kind), wslnet.Advice(kind))
				}
			}
			continue
		}
		if kind := wslHop(tr.t.Platform, codeOf(p.Status), p); kind != "" {
			say("This is WSL2 and GOPROXY entry %d (%s) is on %s: %s.", s.Index, s.Entry, wslnet.What(kind), wslnet.Advice(kind))
		}
		what := describe(p)
		var later []string
		for _, n := range steps[i+1:] {
			switch {
			case n.Kind == StepProxy && !byIndex[n.Index].Status.failure() && byIndex[n.Index].Status != ClassUnprobed && byIndex[n.Index].Status != ClassWithheld:
				later = append(later, fmt.Sprintf("move entry %d (%s) first", n.Index, n.Entry))
			case n.Kind == StepDirect:
				later = append(later, "remove it so that direct is used")
			}
			if len(later) > 0 {
				break
			}
		}
		switch {
		case len(steps) > i+1 && !s.FallBackOnError:
			alt := ""
			if len(later) > 0 {
				alt = ", or " + later[0]
			}
			say("GOPROXY entry %d (%s) %s, and the ',' after it makes the go command stop there: use '|' after it so failures fall through%s.", s.Index, s.Entry, what, alt)
		case len(steps) == i+1:
			say("GOPROXY entry %d (%s) %s and nothing follows it: every module fails; add a working mirror after a '|' (or ',direct' if the origins are reachable).", s.Index, s.Entry, what)
		}
		switch p.Status {
		case ClassTLS:
			if strings.Contains(p.Error, "unknown authority") {
				say("%s presents a certificate this environment does not trust (a TLS-intercepting proxy?): point SSL_CERT_FILE or SSL_CERT_DIR at the CA that signs it.", s.Entry)
			}
		case ClassAuth:
			if s.URL.Scheme == "http" {
				// The go command sends no credentials over plain http, from
				// netrc or from the URL.
				say("%s requires credentials, and the go command never sends credentials over plain http (neither netrc nor user:password in the URL): serve it over https, then add a netrc entry \"machine %s\" (GOAUTH=netrc).", s.Entry, s.URL.Host)
			} else {
				say("%s requires credentials: add a netrc entry \"machine %s\" (GOAUTH=netrc) for it.", s.Entry, s.URL.Host)
			}
		}
	}

	var missing []string
	for _, m := range res.modules {
		if m.Outcome == OutcomeNotFound && !hasDirect {
			missing = append(missing, m.Path)
		}
	}
	if len(missing) > 0 {
		say("%s %s not on any proxy and GOPROXY has no direct: add ',direct', or list private modules in GOPRIVATE so they are fetched from their origin.", list(missing), plural(len(missing), "is", "are"))
	}

	var unknown []string
	for _, m := range res.modules {
		if m.SumDB != nil && m.SumDB.Outcome == OutcomeNotFound {
			unknown = append(unknown, m.Path)
		}
	}
	if len(unknown) > 0 {
		say("The checksum database does not know %s: if %s private, add %s to GOPRIVATE (or GONOSUMDB); the go command fails with \"verifying module\" otherwise.", list(unknown), plural(len(unknown), "it is", "they are"), plural(len(unknown), "it", "them"))
	}

	if s := res.sumdb; s.Status.failure() && s.Name != "" {
		if s.Via == "direct" {
			say("The checksum database %s is reached directly and %s: use a GOPROXY that proxies it (<proxy>/sumdb/%s/supported answers 200), or name one in GOSUMDB (\"%s https://<proxy>/sumdb/%s\").", s.Name, describe(ProxyResult{Status: s.Status, Error: s.Error}), s.Name, s.Name, s.Name)
		} else {
			say("The checksum database %s, reached through %s, %s: every module not in go.sum and not in GONOSUMDB fails verification.", s.Name, s.Via, describe(ProxyResult{Status: s.Status, Error: s.Error}))
		}
	}

	advice := make([]Advice, 0, len(out))
	for _, m := range out {
		advice = append(advice, Advice{Consumers: tr.t.Consumers, Message: m})
	}
	return advice
}

// forwardProxyAdvice names the forward proxy as the failing hop: which
// variable of which consumers points at it, where it is set, what it does
// wrong and the fix. name is the variable the go command read (HTTPS_PROXY
// for https entries, HTTP_PROXY for http ones, or their lower-case forms).
func forwardProxyAdvice(p ProxyResult, s Step, name, from string, consumers []string) string {
	hop := fmt.Sprintf("The forward proxy %s (%s of %s", p.Via, orDash(name), strings.Join(consumers, ", "))
	if from != "" {
		hop += ", set in " + from
	}
	hop += ")"
	target := fmt.Sprintf("GOPROXY entry %d (%s) is reached through it, so changing GOPROXY's order or separator does not help", s.Index, s.Entry)
	host := ""
	if u, err := url.Parse(p.Via); err == nil {
		host = u.Host
	}
	switch p.Status {
	case ClassProxyAuth:
		return fmt.Sprintf("%s asks for credentials (407): %s. Put them in the variable's URL as userinfo, http://user:xxxxx@%s with the password in place of xxxxx (Go sends Basic authentication only; netrc and GOAUTH are not used for the forward proxy); the doctor always shows that password as xxxxx.", hop, target, orDash(host))
	case ClassForwardProxy:
		port := s.URL.Port()
		if port == "" {
			port = "443"
		}
		return fmt.Sprintf("%s refuses the CONNECT tunnel to %s (%s): %s. Ask for %s:%s to be allowed through it, or add the host to NO_PROXY if it is reachable without the proxy.", hop, s.URL.Host, p.Error, target, s.URL.Hostname(), port)
	case ClassTLS:
		if strings.Contains(p.Error, "certificate") {
			return fmt.Sprintf("%s presents a certificate this environment does not trust: %s. Point SSL_CERT_FILE or SSL_CERT_DIR at the CA that signs it, or write the proxy as http:// if it also speaks plain HTTP.", hop, target)
		}
		return fmt.Sprintf("%s is written with https:// but speaks plain HTTP: %s. Write it as http://%s (the tunnel to an https mirror is still TLS end to end).", hop, target, orDash(host))
	}
	msg := fmt.Sprintf("%s %s: %s. Start it, correct %s, or unset it if it is not needed.", hop, describe(ProxyResult{Status: p.Status}), target, orDash(name))
	if strings.HasSuffix(host, ":8888") && (strings.HasPrefix(host, "127.0.0.1:") || strings.HasPrefix(host, "localhost:") || strings.HasPrefix(host, "[::1]:")) {
		msg += " Port 8888 on this machine is a debugging proxy's default (Fiddler, Charles): probably a setting left over from a debugging session."
	}
	return msg
}

// describe says what a failure class means, in a few words.
func describe(p ProxyResult) string {
	switch p.Status {
	case ClassTimeout:
		return "times out"
	case ClassDNS:
		return "does not resolve (DNS)"
	case ClassRefused:
		return "refuses connections"
	case ClassTLS:
		return "fails TLS"
	case ClassAuth:
		return "answers 401/403"
	case ClassProxyAuth:
		return "is blocked by the forward proxy's 407"
	case ClassForwardProxy:
		return "is refused by the forward proxy"
	case ClassServerError:
		return "answers 5xx"
	case ClassNotAProxy:
		return "does not answer like a module proxy"
	}
	return "fails"
}

func list(items []string) string {
	if len(items) > 3 {
		return strings.Join(items[:3], ", ") + fmt.Sprintf(" and %d more", len(items)-3)
	}
	return strings.Join(items, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// codeOf is the diagnostic code of a failure class ("" for none).
func codeOf(c Class) string {
	code, _ := proxyCode(c)
	return code
}
