package verify

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// TestProbeClasses runs Verify against real loopback servers that answer
// each way a module proxy can fail, and checks the classification the
// person behind the proxy reads.
func TestProbeClasses(t *testing.T) {
	l := newLab(t)
	hang := &verifytest.Proxy{Name: "hang", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Hang: true}}}
	hang.Start(t)
	slow := (&verifytest.Proxy{Name: "slow", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {SlowBody: 20 * time.Millisecond}}}).Start(t)
	big := (&verifytest.Proxy{Name: "big", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Oversize: 2 << 20}}}).Start(t)
	html := (&verifytest.Proxy{Name: "html", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {HTML: true}}}).Start(t)
	selfSigned := httptest.NewUnstartedServer(&verifytest.Proxy{Name: "self-signed", Tree: l.tree, Log: l.log})
	selfSigned.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is the point
	selfSigned.StartTLS()
	t.Cleanup(selfSigned.Close)
	plain := l.proxy("plain-http", 0, 0)

	tests := []struct {
		name, goproxy string
		env           map[string]string
		status        int
		class         Class
		outcome       Outcome
		errHas        string
	}{
		{"200", l.proxy("ok", 0, 200).URL, nil, 200, ClassOK, OutcomeOK, ""},
		{"404", l.proxy("404", 404, 0).URL, nil, 404, ClassNotFound, OutcomeNotFound, "404 Not Found"},
		{"410", l.proxy("410", 410, 0).URL, nil, 410, ClassNotFound, OutcomeNotFound, "410 Gone"},
		{"500", l.proxy("500", 500, 0).URL, nil, 500, ClassServerError, OutcomeError, "injected 500"},
		{"401", l.proxy("401", 401, 0).URL, nil, 401, ClassAuth, OutcomeError, "401 Unauthorized"},
		{"hanging", hang.URL, nil, 0, ClassTimeout, OutcomeError, "deadline exceeded"},
		{"slow body", slow.URL, nil, 200, ClassTimeout, OutcomeError, "reading the response"},
		{"oversize body", big.URL, nil, 200, ClassNotAProxy, OutcomeError, "larger than"},
		{"captive portal", html.URL, nil, 200, ClassNotAProxy, OutcomeError, "invalid response from proxy"},
		{"self-signed certificate", selfSigned.URL, nil, 0, ClassTLS, OutcomeError, "unknown authority (self-signed"},
		{"certificate for another host", "https://deep.other.example.com", nil, 0, ClassTLS, OutcomeError, "another host"},
		{"http server on https", "https://" + strings.TrimPrefix(plain.URL, "http://"), nil, 0, ClassTLS, OutcomeError, "plain HTTP"},
		{"http server on https closing the connection (EOF)", closingURL(t, true), nil, 0, ClassTLS, OutcomeError, "plain HTTP"},
		{"http server on https closing the connection (reset)", closingURL(t, false), nil, 0, ClassTLS, OutcomeError, "plain HTTP"},
		{"refused", refusedURL(t), nil, 0, ClassRefused, OutcomeError, "connection refused"},
		{"DNS", "https://proxy.corp.invalid", map[string]string{"HTTPS_PROXY": ""}, 0, ClassDNS, OutcomeError, "no such host"},
		{"CONNECT through the forward proxy", "https://mirror.example.com", nil, 200, ClassOK, OutcomeOK, ""},
		{"CA not trusted", "https://mirror.example.com", map[string]string{"SSL_CERT_FILE": filepath.Join(t.TempDir(), "none.pem"), "SSL_CERT_DIR": t.TempDir()}, 0, ClassTLS, OutcomeError, "unknown authority"},
	}
	l.mirror(0, 200)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := l.mustVerify(map[string]string{"GOPROXY": tt.goproxy, "GOSUMDB": "off"}, l.env(tt.env), Options{Timeout: 300 * time.Millisecond}, pubMod+"@"+pubVer)
			m := res.Modules[0]
			if len(m.Attempts) != 1 {
				t.Fatalf("attempts: %+v", m.Attempts)
			}
			a := m.Attempts[0]
			if a.Status != tt.status || a.Class != tt.class || a.Outcome != tt.outcome || !strings.Contains(a.Error, tt.errHas) {
				t.Errorf("attempt: status %d class %s outcome %s error %q; want %d %s %s containing %q", a.Status, a.Class, a.Outcome, a.Error, tt.status, tt.class, tt.outcome, tt.errHas)
			}
			if len(res.Proxies) != 1 {
				t.Fatalf("proxies: %+v", res.Proxies)
			}
			if want := tt.class; res.Proxies[0].Status != want && !(want == ClassNotFound && res.Proxies[0].Status == ClassOK) {
				t.Errorf("proxy status %s, want %s", res.Proxies[0].Status, want)
			}
		})
	}
}

// TestForwardProxies: HTTPS_PROXY/NO_PROXY come from the consumer's
// environment with net/http's exact rules; a forward proxy answering 407 is
// named, and credentials in HTTPS_PROXY get through it.
func TestForwardProxies(t *testing.T) {
	l := newLab(t)
	l.mirror(0, 200)
	authLog := &verifytest.Log{}
	auth := verifytest.NewForwardProxy(t, l.hosts, authLog, "proxyuser", "s3cret-proxy-pass")
	vars := map[string]string{"GOPROXY": "https://mirror.example.com", "GOSUMDB": "off"}

	res := l.mustVerify(vars, l.env(map[string]string{"HTTPS_PROXY": auth.URL}), Options{}, pubMod+"@"+pubVer)
	a := res.Modules[0].Attempts[0]
	if a.Class != ClassProxyAuth || !strings.Contains(a.Error, "407") || res.Proxies[0].Status != ClassProxyAuth || res.Proxies[0].Via != auth.URL {
		t.Errorf("407: attempt %+v, proxy %+v", a, res.Proxies[0])
	}
	if !strings.Contains(strings.Join(messages(res.Advice), "\n"), "asks for credentials") {
		t.Errorf("no advice about the 407: %q", messages(res.Advice))
	}

	withCreds := strings.Replace(auth.URL, "http://", "http://proxyuser:s3cret-proxy-pass@", 1)
	res = l.mustVerify(vars, l.env(map[string]string{"HTTPS_PROXY": withCreds}), Options{}, pubMod+"@"+pubVer)
	if m := res.Modules[0]; m.Outcome != OutcomeOK {
		t.Errorf("with proxy credentials: %+v", m)
	}
	if js, _ := json.Marshal(res); strings.Contains(string(js), "s3cret-proxy-pass") {
		t.Errorf("the proxy password is in the result:\n%s", js)
	}
	if via := res.Proxies[0].Via; via != strings.Replace(auth.URL, "http://", "http://proxyuser:xxxxx@", 1) {
		t.Errorf("via %q", via)
	}

	// The lower-case variable is used when the upper-case one is empty;
	// NO_PROXY sends the host direct (here: through the test dialer).
	// Each case has its own forward proxy and log: a tunnel of one run
	// that the proxy logs late cannot land in the next run's hits.
	lowerLog := &verifytest.Log{}
	lower := verifytest.NewForwardProxy(t, l.hosts, lowerLog, "", "")
	res = l.mustVerify(vars, l.env(map[string]string{"HTTPS_PROXY": "", "https_proxy": lower.URL}), Options{}, pubMod+"@"+pubVer)
	if res.Modules[0].Outcome != OutcomeOK || res.Proxies[0].Via != lower.URL || !connected(lowerLog.Hits(), "mirror.example.com:443") {
		t.Errorf("https_proxy: %+v via %q", res.Modules[0], res.Proxies[0].Via)
	}
	// A forward proxy of its own: a dial the previous run's transport
	// started and no longer needed may still reach the lab's one.
	unusedLog := &verifytest.Log{}
	unused := verifytest.NewForwardProxy(t, l.hosts, unusedLog, "", "")
	res = l.mustVerify(vars, l.env(map[string]string{"HTTPS_PROXY": unused.URL, "NO_PROXY": ".example.com"}), Options{}, pubMod+"@"+pubVer)
	if res.Modules[0].Outcome != OutcomeOK || res.Proxies[0].Via != "" || len(unusedLog.Hits()) != 0 {
		t.Errorf("NO_PROXY: %+v via %q", res.Modules[0], res.Proxies[0].Via)
	}
}

func connected(hits []verifytest.Hit, host string) bool {
	for _, h := range hits {
		if h.Method == http.MethodConnect && h.Host == host {
			return true
		}
	}
	return false
}

func messages(advice []Advice) []string {
	var out []string
	for _, a := range advice {
		out = append(out, a.Message)
	}
	return out
}

// TestNetrc: GOAUTH=netrc credentials from the consumer's NETRC (or HOME),
// sent to https proxies only, and not with GOAUTH=off.
func TestNetrcCredentials(t *testing.T) {
	l := newLab(t)
	l.mirror(0, 200)
	netrc := filepath.Join(t.TempDir(), "netrc")
	if err := os.WriteFile(netrc, []byte("machine mirror.example.com login alice password netrc-pass-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:netrc-pass-1"))
	for _, tc := range []struct {
		goauth string
		sent   bool
	}{{"", true}, {"netrc", true}, {"off", false}} {
		before := len(l.log.Hits())
		vars := map[string]string{"GOPROXY": "https://mirror.example.com", "GOSUMDB": "off", "GOAUTH": tc.goauth}
		l.mustVerify(vars, l.env(map[string]string{"NETRC": netrc}), Options{}, pubMod+"@"+pubVer)
		sent := false
		for _, h := range l.log.Hits()[before:] {
			if h.Server == "mirror" && h.Auth == want {
				sent = true
			}
		}
		if sent != tc.sent {
			t.Errorf("GOAUTH=%q: credentials sent %v, want %v", tc.goauth, sent, tc.sent)
		}
	}
	// A GOAUTH the go command rejects fails every https request unsent.
	before := len(l.log.Hits())
	res := l.mustVerify(map[string]string{"GOPROXY": "https://mirror.example.com", "GOSUMDB": "off", "GOAUTH": "netrc;off"}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	if a := res.Modules[0].Attempts[0]; a.Outcome != OutcomeError || !strings.Contains(a.Error, "GOAUTH=off cannot be combined") {
		t.Errorf("bad GOAUTH: %+v", a)
	}
	for _, h := range l.log.Hits()[before:] {
		if h.Server == "mirror" {
			t.Errorf("a request was sent despite the bad GOAUTH: %+v", h)
		}
	}
	// $HOME/.netrc when NETRC is unset, keyed by host:port as written.
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".netrc"), []byte("machine mirror.example.com login bob password netrc-pass-2\n"), 0o600)
	before = len(l.log.Hits())
	l.mustVerify(map[string]string{"GOPROXY": "https://mirror.example.com", "GOSUMDB": "off"}, l.env(map[string]string{"HOME": home}), Options{}, pubMod+"@"+pubVer)
	found := false
	for _, h := range l.log.Hits()[before:] {
		found = found || h.Auth == "Basic "+base64.StdEncoding.EncodeToString([]byte("bob:netrc-pass-2"))
	}
	if !found {
		t.Error("$HOME/.netrc not used")
	}
}

// TestSumDBClasses: the checksum database's route and its failures.
func TestSumDBClasses(t *testing.T) {
	l := newLab(t)
	p404 := l.proxy("no-sumdb", 0, 404)
	p500 := l.proxy("sumdb-500", 0, 500)
	res := l.mustVerify(map[string]string{"GOPROXY": p404.URL, "GOSUMDB": l.db.Key}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	s := res.SumDBs[0]
	if s.Via != "direct" || s.Status != ClassOK || s.URL != "https://sum.example.com" || len(s.Attempts) != 1 {
		t.Errorf("404 on /supported, then the end of the list: direct: %+v", s)
	}
	if m := res.Modules[0]; m.SumDB == nil || m.SumDB.Outcome != OutcomeOK || m.SumDB.URL != "https://sum.example.com/lookup/"+pubMod+"@"+pubVer {
		t.Errorf("lookup: %+v", m.SumDB)
	}
	res = l.mustVerify(map[string]string{"GOPROXY": p404.URL + "," + p500.URL, "GOSUMDB": l.db.Key}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	if s := res.SumDBs[0]; s.Status != ClassServerError || !strings.Contains(s.Error, "unavailable") || len(s.Attempts) != 2 {
		t.Errorf("404 then 500 on /supported: unavailable: %+v", s)
	}
	if m := res.Modules[0]; m.SumDB.Outcome != OutcomeError {
		t.Errorf("module with an unavailable checksum database: %+v", m.SumDB)
	}
	// Direct connection to a checksum database whose name does not resolve.
	corp := verifytest.NewSumDB(t, "sum.corp.test", l.tree)
	res = l.mustVerify(map[string]string{"GOPROXY": p404.URL, "GOSUMDB": corp.Key}, l.env(map[string]string{"HTTPS_PROXY": ""}), Options{}, pubMod+"@"+pubVer)
	if s := res.SumDBs[0]; s.Status != ClassDNS || !strings.Contains(strings.Join(messages(res.Advice), "\n"), "reached directly") {
		t.Errorf("unreachable direct checksum database: %+v; advice %q", s, messages(res.Advice))
	}
}

// TestFailoverAdvice: the advice names the entry, the failure and the fix.
func TestFailoverAdvice(t *testing.T) {
	l := newLab(t)
	hang := (&verifytest.Proxy{Name: "hang", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Hang: true}}}).Start(t)
	good := l.proxy("good", 0, 200)
	res := l.mustVerify(map[string]string{"GOPROXY": hang.URL + "," + good.URL, "GOSUMDB": "off"}, l.env(nil), Options{Timeout: time.Second}, pubMod+"@"+pubVer)
	want := fmt.Sprintf("GOPROXY entry 1 (%s) times out, and the ',' after it makes the go command stop there: use '|' after it so failures fall through, or move entry 2 (%s) first.", hang.URL, good.URL)
	if got := messages(res.Advice); len(got) == 0 || got[0] != want {
		t.Errorf("advice %q\nwant %q", got, want)
	}
	if m := res.Modules[0]; m.Outcome != OutcomeError || len(m.Attempts) != 1 {
		t.Errorf("module: %+v", m)
	}

	res = l.mustVerify(map[string]string{"GOPROXY": l.proxy("404", 404, 0).URL, "GOSUMDB": "off"}, l.env(nil), Options{}, pubMod+"@"+pubVer)
	if got := strings.Join(messages(res.Advice), "\n"); !strings.Contains(got, "not on any proxy and GOPROXY has no direct") {
		t.Errorf("advice %q", got)
	}
}

// TestDedup: consumer environments that differ in routing but share a
// network environment send each identical request once.
func TestDedup(t *testing.T) {
	l := newLab(t)
	p1 := l.proxy("p1", 404, 404)
	p2 := l.proxy("p2", 0, 200)
	env := l.env(nil)
	targets := []Target{
		{Consumers: []string{"terminal"}, Vars: map[string]string{"GOPROXY": p1.URL + "," + p2.URL, "GOSUMDB": l.db.Key}, Env: env, GOOS: "linux"},
		{Consumers: []string{"gopls"}, Vars: map[string]string{"GOPROXY": p2.URL, "GOSUMDB": l.db.Key}, Env: env, GOOS: "linux"},
	}
	for i := range targets {
		targets[i].Modules = []Module{{Path: pubMod, Version: pubVer}}
	}
	res, err := Run(t.Context(), targets, Options{Dial: l.hosts.Dial})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Modules) != 2 || res.Modules[0].Outcome != OutcomeOK || res.Modules[1].Outcome != OutcomeOK {
		t.Fatalf("modules: %+v", res.Modules)
	}
	count := map[string]int{}
	for _, h := range l.log.Hits() {
		count[h.Server+" "+h.Path]++
	}
	for key, n := range count {
		if n != 1 {
			t.Errorf("%s requested %d times", key, n)
		}
	}
	if count["p2 /"+pubMod+"/@v/"+pubVer+".info"] != 1 || count["p2 /sumdb/sum.example.com/lookup/"+pubMod+"@"+pubVer] != 1 {
		t.Errorf("requests: %v", count)
	}
}
