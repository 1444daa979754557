package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// exampleNetwork serves the example workspace's modules on loopback: p1
// answers 404 for everything, p2 serves golang.org/x/text (and the checksum
// database), git.corp.example.com answers go-get with 404 behind a forward
// proxy. The user settings are the example's with http.proxy pointing at
// that forward proxy, so no consumer resolves a real host name.
func exampleNetwork(t *testing.T, goproxy func(p1, p2 string) string) (env, args []string, log *verifytest.Log) {
	t.Helper()
	dir, err := filepath.Abs(exampleDir)
	if err != nil {
		t.Fatal(err)
	}
	log = &verifytest.Log{}
	tree := verifytest.NewTree(t, "golang.org/x/text@v0.14.0", "example.com/extra@v1.0.0")
	db := verifytest.NewSumDB(t, "sum.example.com", tree)
	ca := verifytest.NewCA(t)
	hosts := verifytest.NewHosts(t, ca, log)
	hosts.Handle("git.corp.example.com", verifytest.GoGet(log, "git.corp.example.com", "https://git.corp.example.com/mod"))
	hosts.Handle("mirror.example.com", &verifytest.Proxy{Name: "mirror", Tree: tree, Log: log})
	fwd := verifytest.NewForwardProxy(t, hosts, log, "", "")
	p1 := (&verifytest.Proxy{Name: "p1", Tree: tree, Log: log, Modules: map[string]verifytest.Behavior{"*": {Status: 404}}}).Start(t)
	p2 := (&verifytest.Proxy{Name: "p2", Tree: tree, Log: log, SumDB: db}).Start(t)

	user, err := os.ReadFile(filepath.Join(dir, "user-settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(t.TempDir(), "user-settings.json")
	patched := strings.Replace(string(user), "http://proxy.corp.example.com:3128", fwd.URL, 1)
	if patched == string(user) {
		t.Fatal("the example's user settings no longer set http.proxy; update this test")
	}
	if err := os.WriteFile(settings, []byte(patched), 0o644); err != nil {
		t.Fatal(err)
	}
	env = cleanEnv(t, "GOENV="+filepath.Join(dir, "goenv"), "GOPROXY="+goproxy(p1.URL, p2.URL), "GOSUMDB="+db.Key,
		"HTTPS_PROXY="+fwd.URL, "SSL_CERT_FILE="+ca.CertFile)
	return env, []string{"--folder", dir, "--settings", settings}, log
}

func TestVerifyExampleJSON(t *testing.T) {
	var p1, p2 string
	env, args, _ := exampleNetwork(t, func(a, b string) string { p1, p2 = a, b; return a + "," + b + ",direct" })
	// Trusted: the private modules' direct step goes to the host their go.mod
	// names, which an untrusted run withholds (TestVerifyUntrustedWithholdsOrigins).
	args = append(args, "--trust-workspace")
	stdout, stderr, code := runCLI(t, env, append([]string{"verify", "--json", "--module", "example.com/extra@v1.0.0"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, stderr, stdout)
	}
	var got verify.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding verify --json: %v\n%s", err, stdout)
	}
	type attempt struct {
		proxy   string
		status  int
		outcome verify.Outcome
	}
	want := map[string]struct {
		attempts []attempt
		servedBy string
		outcome  verify.Outcome
	}{
		"golang.org/x/text@v0.14.0":                          {[]attempt{{p1, 404, "not-found"}, {p2, 200, "ok"}}, p2, "ok"},
		"example.com/extra@v1.0.0":                           {[]attempt{{p1, 404, "not-found"}, {p2, 200, "ok"}}, p2, "ok"},
		"git.corp.example.com/platform/auth@v1.4.0":          {[]attempt{{p1, 404, "not-found"}, {p2, 404, "not-found"}, {"direct", 404, "not-found"}}, "", "not-found"},
		"git.corp.example.com/platform/observability@v0.9.2": {[]attempt{{p1, 404, "not-found"}, {p2, 404, "not-found"}, {"direct", 404, "not-found"}}, "", "not-found"},
	}
	seen := 0
	for _, m := range got.Modules {
		key := m.Path + "@" + m.Version
		if m.Consumer != "terminal" {
			// The editor's consumers read GOPROXY from go.toolsEnvVars, whose
			// "DIRECT" the go command rejects: nothing is fetched.
			if m.Outcome != verify.OutcomeError || !strings.Contains(m.Error, "invalid proxy URL missing scheme: DIRECT") || len(m.Attempts) != 0 {
				t.Errorf("%s for %v: %+v", key, m.Consumers, m)
			}
			continue
		}
		w, ok := want[key]
		if !ok {
			t.Errorf("unexpected module %s", key)
			continue
		}
		seen++
		var gotAttempts []attempt
		for _, a := range m.Attempts {
			gotAttempts = append(gotAttempts, attempt{a.Proxy, a.Status, a.Outcome})
		}
		if !equalAttempts(gotAttempts, w.attempts) || m.ServedBy != w.servedBy || m.Outcome != w.outcome {
			t.Errorf("%s: attempts %v servedBy %q outcome %s; want %v %q %s", key, gotAttempts, m.ServedBy, m.Outcome, w.attempts, w.servedBy, w.outcome)
		}
		if w.outcome == verify.OutcomeOK && (m.SumDB == nil || m.SumDB.Outcome != verify.OutcomeOK || m.SumDB.Via != p2) {
			t.Errorf("%s: checksum database %+v, want ok through %s", key, m.SumDB, p2)
		}
	}
	if seen != len(want) {
		t.Errorf("terminal modules: %d of %d", seen, len(want))
	}
	if len(got.Recommendations) != 0 {
		t.Errorf("a healthy GOPROXY gets recommendations: %+v", got.Recommendations)
	}
	if !strings.Contains(stdout, `"recommendations": []`) {
		t.Errorf("verify --json lacks an empty recommendations list:\n%s", stdout)
	}
	for _, p := range got.Proxies {
		if p.Status != verify.ClassOK || p.SumDB == nil || *p.SumDB != (p.URL == p2) {
			t.Errorf("proxy %+v", p)
		}
	}

	stdout, _, _ = runCLI(t, env, append([]string{"verify"}, args...)...)
	t.Logf("goproxy-doctor verify:\n%s", stdout)
	for _, want := range []string{"1 404 → 2 200", "1 404 → 2 404 → direct 404", "invalid proxy URL missing scheme: DIRECT", "not-found"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout)
		}
	}
}

func equalAttempts[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestVerifyCanaryAndUsage: a password in GOPROXY is in no output; bad
// flags are usage errors.
func TestVerifyCanaryAndUsage(t *testing.T) {
	const canary = "cli-canary-91c2"
	env, args, log := exampleNetwork(t, func(string, string) string { return "https://ci:" + canary + "@mirror.example.com" })
	for _, format := range [][]string{{"--json"}, nil} {
		stdout, stderr, code := runCLI(t, env, append(append([]string{"verify"}, format...), args...)...)
		if code == exitUsage {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if strings.Contains(stdout+stderr, canary) {
			t.Errorf("the canary is in the output:\n%s\n%s", stdout, stderr)
		}
		if !strings.Contains(stdout, "https://ci:xxxxx@mirror.example.com") {
			t.Errorf("the proxy is not shown redacted:\n%s", stdout)
		}
	}
	sent := false
	for _, h := range log.Hits() {
		sent = sent || h.Server == "mirror" && h.Auth != ""
	}
	if !sent {
		t.Error("positive control: the mirror never received the credentials")
	}
	for _, bad := range [][]string{{"--module", "nope"}, {"--timeout", "0s"}, {"--concurrency", "0"}, {"extra-arg"}} {
		if _, _, code := runCLI(t, env, append(append([]string{"verify"}, bad...), args...)...); code != exitUsage {
			t.Errorf("verify %v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// Untrusted by default: the direct step of a go.mod module goes to the host
// the repository chose, so it is withheld, listed with the require line that
// chose it, and the module is skipped, not reported missing.
func TestVerifyUntrustedWithholdsOrigins(t *testing.T) {
	env, args, log := exampleNetwork(t, func(a, b string) string { return a + "," + b + ",direct" })
	stdout, stderr, code := runCLI(t, env, append([]string{"verify", "--json"}, args...)...)
	if code == exitUsage {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got verify.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding verify --json: %v\n%s", err, stdout)
	}
	origin := false
	for _, w := range got.Withheld {
		if w.Kind == verify.WithheldOrigin && w.URL == "https://git.corp.example.com" && strings.HasPrefix(w.Source, "go.mod:") {
			origin = true
		}
	}
	if !origin {
		t.Errorf("withheld %+v: want the origin git.corp.example.com from go.mod", got.Withheld)
	}
	for _, m := range got.Modules {
		if m.Consumer == "terminal" && strings.HasPrefix(m.Path, "git.corp.example.com/") && m.Outcome != verify.OutcomeSkipped {
			t.Errorf("%s: outcome %s, want skipped (its origin was withheld)", m.Path, m.Outcome)
		}
	}
	for _, h := range log.Hits() {
		if strings.Contains(h.Host, "git.corp.example.com") {
			t.Errorf("the withheld origin was contacted: %+v", h)
		}
	}
}

// TestVerifyExitStatusFallback: a dead entry before '|' is a warning when
// every module still resolved through the next one (exit 0); before ',' it
// stops the go command (exit 1), and the CLI says which finding set the
// exit status.
func TestVerifyExitStatusFallback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()

	env, args, _ := exampleNetwork(t, func(_, p2 string) string { return dead + "|" + p2 + ",direct" })
	stdout, stderr, code := runCLI(t, env, append([]string{"verify"}, args...)...)
	if code != exitOK || strings.Contains(stdout, "exit status") {
		t.Errorf("dead entry before '|', every module resolved: exit %d, want %d\nstderr:\n%s\nstdout:\n%s", code, exitOK, stderr, stdout)
	}
	if !strings.Contains(stdout, "refused") {
		t.Errorf("the dead entry is not reported:\n%s", stdout)
	}

	env, args, _ = exampleNetwork(t, func(_, p2 string) string { return dead + "," + p2 + ",direct" })
	stdout, stderr, code = runCLI(t, env, append([]string{"verify"}, args...)...)
	// The ',' also stops the checksum database's /supported walk there.
	want := "exit status 1, set by 2 error-severity finding(s):\n  proxy-unreachable: GOPROXY entry 1 \"" + dead + "\" for terminal is unreachable"
	if code != exitFinding || !strings.Contains(stdout, want) || !strings.Contains(stdout, "\n  sumdb-unreachable: ") {
		t.Errorf("dead entry before ',': exit %d, want %d and %q\nstderr:\n%s\nstdout:\n%s", code, exitFinding, want, stderr, stdout)
	}
	stdout, stderr, code = runCLI(t, env, append([]string{"verify", "--json"}, args...)...)
	if code != exitFinding || !strings.Contains(stderr, want) || strings.Contains(stdout, "exit status") {
		t.Errorf("--json: exit %d; the reason belongs on stderr:\nstderr:\n%s", code, stderr)
	}
}

// TestVerifyDeadForwardProxy: with the consumer's HTTPS_PROXY dead, the
// finding and the advice name the forward proxy, the variable, the
// consumer and where it is set, not GOPROXY's separator.
func TestVerifyDeadForwardProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	env, args, _ := exampleNetwork(t, func(string, string) string { return "https://mirror.example.com,direct" })
	for i, kv := range env {
		if strings.HasPrefix(kv, "HTTPS_PROXY=") {
			env[i] = "HTTPS_PROXY=" + dead
		}
	}
	stdout, stderr, code := runCLI(t, env, append([]string{"verify"}, args...)...)
	if code != exitFinding {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitFinding, stderr)
	}
	for _, want := range []string{
		"refused (forward proxy)",
		"(the failing hop is the forward proxy \"" + dead + "\", not this entry)",
		"The forward proxy " + dead + " (HTTPS_PROXY of terminal, set in the environment the consumer was started with) refuses connections",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "use '|'") {
		t.Errorf("the advice blames GOPROXY's separator:\n%s", stdout)
	}
}

// TestVerifyRecommendation: with a dead first entry, verify recommends the
// healthy proxy first and '|' after the dead one, in text and JSON, for the
// consumer whose value it is.
func TestVerifyRecommendation(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	var p2 string
	env, args, _ := exampleNetwork(t, func(_, b string) string { p2 = b; return dead + "," + b + ",direct" })
	want := p2 + "," + dead + "|direct"
	stdout, stderr, _ := runCLI(t, env, append([]string{"verify"}, args...)...)
	if !strings.Contains(stdout, "recommended GOPROXY for terminal: "+want+"\n") {
		t.Errorf("text lacks the recommendation %q:\nstderr:\n%s\nstdout:\n%s", want, stderr, stdout)
	}
	stdout, stderr, _ = runCLI(t, env, append([]string{"verify", "--json"}, args...)...)
	var got verify.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding verify --json: %v\n%s\n%s", err, stdout, stderr)
	}
	if len(got.Recommendations) != 1 {
		t.Fatalf("recommendations %+v, want one", got.Recommendations)
	}
	if r := got.Recommendations[0]; r.Consumer != "terminal" || r.Current != dead+","+p2+",direct" || r.Recommended != want || !strings.Contains(r.Why, "refuses connections") {
		t.Errorf("recommendation %+v, want %q", r, want)
	}
}

// TestVerifyCandidates: `verify --candidates` probes the proxies the user
// is considering next to the configured ones, in an untrusted workspace
// too (they are the user's input), reports them in text and JSON, and sends
// no module path GOPRIVATE matches to any of them.
func TestVerifyCandidates(t *testing.T) {
	var p2 string
	env, args, log := exampleNetwork(t, func(_, b string) string { p2 = b; return b + ",direct" })
	env = append(env, "GOPRIVATE=git.corp.example.com")
	tree := verifytest.NewTree(t, "golang.org/x/text@v0.14.0")
	const delay = 150 * time.Millisecond
	slow := (&verifytest.Proxy{Name: "cand-slow", Tree: tree, Log: log, Latency: delay}).Start(t)
	down := (&verifytest.Proxy{Name: "cand-down", Tree: tree, Log: log, Modules: map[string]verifytest.Behavior{"*": {Status: 503}}}).Start(t)

	stdout, stderr, _ := runCLI(t, env, append([]string{"verify", "--json", "--candidates", slow.URL + "," + down.URL}, args...)...)
	var got verify.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding verify --json: %v\n%s\n%s", err, stdout, stderr)
	}
	for _, p := range got.Proxies {
		if p.URL != p2 {
			t.Errorf("a candidate became a configured proxy: %+v", p)
		}
	}
	var sawSlow, sawDown bool
	for _, c := range got.Candidates {
		t.Logf("candidate %s %v: %s %.1f ms served %d/%d", c.URL, c.Consumers, c.Status, c.LatencyMs, c.Served, c.Modules)
		switch c.URL {
		case slow.URL:
			sawSlow = true
			if c.Status != verify.ClassOK || c.LatencyMs < float64(delay.Milliseconds()) || c.LatencyMs > 10000 || c.Served < 1 {
				t.Errorf("slow candidate: %+v", c)
			}
		case down.URL:
			sawDown = true
			if c.Status != verify.ClassServerError || c.Served != 0 {
				t.Errorf("down candidate: %+v", c)
			}
		default:
			t.Errorf("unexpected candidate %+v", c)
		}
	}
	if !sawSlow || !sawDown {
		t.Errorf("candidates %+v", got.Candidates)
	}
	for _, h := range log.Hits() {
		if strings.HasPrefix(h.Server, "cand-") && strings.Contains(h.Path, "git.corp.example.com") {
			t.Errorf("a private module path was sent to candidate %s: %s", h.Server, h.Path)
		}
	}

	stdout, _, _ = runCLI(t, env, append([]string{"verify", "--candidates", slow.URL, "--candidates", down.URL}, args...)...)
	for _, want := range []string{"CANDIDATE", slow.URL, down.URL, "server-error"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, stdout)
		}
	}
	_, stderr, code := runCLI(t, env, append([]string{"verify", "--candidates", "direct"}, args...)...)
	if code != exitUsage || !strings.Contains(stderr, "--candidates") {
		t.Errorf("--candidates direct: exit %d, stderr:\n%s", code, stderr)
	}
}
