package verify

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// TestForwardProxyHopAdvice: when the forward proxy is what fails (dead,
// plain HTTP behind an https:// URL, refusing CONNECT, asking for
// credentials), the proxy row says so and the advice names the variable,
// its consumers and where it is set, instead of GOPROXY's separator.
func TestForwardProxyHopAdvice(t *testing.T) {
	l := newLab(t)
	l.mirror(0, 200)
	deadFwd := refusedURL(t)
	refuser := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "CONNECT not allowed", http.StatusForbidden)
	}))
	t.Cleanup(refuser.Close)
	auth := verifytest.NewForwardProxy(t, l.hosts, l.log, "proxyuser", "s3cret-proxy-pass")
	untrusted := httptest.NewUnstartedServer(http.NotFoundHandler()) // its certificate is not the lab CA's
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0)
	untrusted.StartTLS()
	t.Cleanup(untrusted.Close)
	host := func(u string) string { p, _ := url.Parse(u); return p.Host }

	tests := []struct {
		name, goproxy string
		env           map[string]string
		class         Class
		advice        []string
	}{
		{"dead", "https://mirror.example.com,direct", map[string]string{"HTTPS_PROXY": deadFwd}, ClassRefused,
			[]string{"The forward proxy " + deadFwd + " (HTTPS_PROXY of terminal, set in ~/.profile:3)", "refuses connections", "changing GOPROXY's order or separator does not help", "Start it, correct HTTPS_PROXY, or unset it"}},
		{"plain HTTP written https://", "https://mirror.example.com", map[string]string{"HTTPS_PROXY": "https://" + host(l.fwd.URL)}, ClassTLS,
			[]string{"The forward proxy https://" + host(l.fwd.URL) + " (HTTPS_PROXY of terminal", "is written with https:// but speaks plain HTTP", "Write it as http://" + host(l.fwd.URL)}},
		{"https:// proxy with an untrusted certificate", "https://mirror.example.com", map[string]string{"HTTPS_PROXY": untrusted.URL}, ClassTLS,
			[]string{"The forward proxy " + untrusted.URL + " (HTTPS_PROXY of terminal", "presents a certificate this environment does not trust", "SSL_CERT_FILE"}},
		{"CONNECT refused", "https://mirror.example.com", map[string]string{"HTTPS_PROXY": refuser.URL}, ClassForwardProxy,
			[]string{"The forward proxy " + refuser.URL + " (HTTPS_PROXY of terminal", "refuses the CONNECT tunnel to mirror.example.com", "403", "NO_PROXY"}},
		{"407 for an https entry", "https://mirror.example.com", map[string]string{"https_proxy": auth.URL, "HTTPS_PROXY": ""}, ClassProxyAuth,
			[]string{"(https_proxy of terminal", "asks for credentials (407)", "http://user:xxxxx@" + host(auth.URL) + " with the password in place of xxxxx", "netrc and GOAUTH are not used for the forward proxy", "xxxxx"}},
		{"407 for a plain-http entry", "http://mirror.example.com", map[string]string{"HTTP_PROXY": auth.URL, "HTTPS_PROXY": ""}, ClassProxyAuth,
			[]string{"(HTTP_PROXY of terminal", "asks for credentials (407)", "http://user:xxxxx@" + host(auth.URL)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := Target{
				Consumers: []string{"terminal"}, Vars: map[string]string{"GOPROXY": tt.goproxy, "GOSUMDB": "off"},
				Env: l.env(tt.env), EnvFrom: map[string]string{"HTTPS_PROXY": "~/.profile:3"}, GOOS: runtime.GOOS,
				Modules: []Module{{Path: pubMod, Version: pubVer}},
			}
			res, err := Run(t.Context(), []Target{target}, Options{Dial: l.hosts.Dial})
			if err != nil {
				t.Fatal(err)
			}
			if p := res.Proxies[0]; p.Status != tt.class || !p.AtForwardProxy {
				t.Errorf("proxy: status %s atForwardProxy %v, want %s at the forward proxy (%s)", p.Status, p.AtForwardProxy, tt.class, p.Error)
			}
			advice := strings.Join(messages(res.Advice), "\n")
			for _, want := range tt.advice {
				if !strings.Contains(advice, want) {
					t.Errorf("advice lacks %q:\n%s", want, advice)
				}
			}
			for _, wrong := range []string{"use '|'", "netrc credentials are sent over https only", "move entry"} {
				if strings.Contains(advice, wrong) {
					t.Errorf("advice blames GOPROXY or contradicts itself (%q):\n%s", wrong, advice)
				}
			}
		})
	}
}

// TestForwardProxyLeftOverDebugger: a dead forward proxy on port 8888 of
// this machine is named as a left-over debugging proxy. (No test may rely
// on that port being free, so the advice is checked on its own.)
func TestForwardProxyLeftOverDebugger(t *testing.T) {
	s := Step{Kind: StepProxy, Entry: "https://mirror.example.com", URL: &url.URL{Scheme: "https", Host: "mirror.example.com"}, Index: 1}
	for _, via := range []string{"http://127.0.0.1:8888", "http://localhost:8888"} {
		got := forwardProxyAdvice(ProxyResult{Status: ClassRefused, Via: via, AtForwardProxy: true}, s, "HTTPS_PROXY", "", []string{"gopls", "tools"})
		for _, want := range []string{"The forward proxy " + via + " (HTTPS_PROXY of gopls, tools)", "refuses connections", "left over from a debugging session"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: advice lacks %q: %s", via, want, got)
			}
		}
	}
	if got := forwardProxyAdvice(ProxyResult{Status: ClassRefused, Via: "http://proxy.corp.example.com:8888", AtForwardProxy: true}, s, "HTTPS_PROXY", "", []string{"terminal"}); strings.Contains(got, "debugging") {
		t.Errorf("a remote proxy on 8888 is not a local debugger: %s", got)
	}
}

// TestPlainHTTPAuthAdvice: a plain-http GOPROXY entry answering 401 gets
// advice the go command can follow: it never sends credentials over http,
// so netrc alone cannot help.
func TestPlainHTTPAuthAdvice(t *testing.T) {
	l := newLab(t)
	p := l.proxy("401", 401, 0)
	res := l.mustVerify(map[string]string{"GOPROXY": p.URL, "GOSUMDB": "off"}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	advice := strings.Join(messages(res.Advice), "\n")
	if !strings.Contains(advice, "never sends credentials over plain http") || !strings.Contains(advice, "serve it over https, then add a netrc entry") {
		t.Errorf("advice:\n%s", advice)
	}
	if strings.Contains(advice, "netrc credentials are sent over https only") {
		t.Errorf("the advice contradicts itself:\n%s", advice)
	}
}
