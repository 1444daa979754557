package verify

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// Paths the routing oracle's scenarios never reach, each run by both the
// real go command (go mod download -json -x) and Verify against the same
// loopback servers, and compared.

// TestGoSumSkipsLookupOracle: with go.sum holding both hashes (the zip's
// and the go.mod's) of a required module, the go command, run inside that
// module, asks no checksum database; with only the go.mod's hash, or no
// go.sum, it does. Verify, told InGoSum, makes no lookup either, and makes
// the one the go command makes when it is not.
func TestGoSumSkipsLookupOracle(t *testing.T) {
	sums, err := sharedTree.GoSum(pubMod, pubVer)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(sums), " h1:") != 2 {
		t.Fatalf("want both hashes, got %q", sums)
	}
	var modLine string
	for _, line := range strings.SplitAfter(string(sums), "\n") {
		if strings.Contains(line, "/go.mod h1:") {
			modLine = line
		}
	}
	if modLine == "" {
		t.Fatalf("no go.mod hash in %q", sums)
	}
	// InGoSum is what Targets derives from the go.sum (both hashes needed).
	for _, c := range []struct {
		name, goSum string
		inGoSum     bool
	}{{"both hashes", string(sums), true}, {"go.mod hash only", modLine, false}, {"no go.sum", "", false}} {
		inGoSum := c.inGoSum
		l := newLab(t)
		vars := map[string]string{"GOPROXY": l.proxy("p", 0, 200).URL, "GOSUMDB": l.db.Key}
		env := l.env(nil)
		files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\n\nrequire " + pubMod + " " + pubVer + "\n"}
		if c.goSum != "" {
			files["go.sum"] = c.goSum
		}
		res, err := l.verifyModules(context.Background(), vars, env, Options{}, []Module{{Path: pubMod, Version: pubVer, InGoSum: inGoSum}})
		if err != nil {
			t.Fatal(err)
		}
		// What Verify sent to the checksum database (through the proxy or
		// not): /supported is its health check and names no module.
		var dbHits []string
		for _, h := range l.log.Hits() {
			if strings.Contains(h.Path, "/lookup/") || strings.Contains(h.Path, "/tile/") || strings.HasSuffix(h.Path, "/latest") {
				dbHits = append(dbHits, h.Path)
			}
		}
		run := l.goDownloadIn(vars, env, pubMod+"@"+pubVer, files)
		mr := res.Modules[0]
		s := scenario{name: c.name}
		if !compare(t, s, pubMod+"@"+pubVer, run, mr, res) {
			continue
		}
		goLookup := slices.ContainsFunc(run.gets, func(u string) bool { return strings.Contains(u, "/lookup/") })
		if goLookup == inGoSum || run.err != "" {
			t.Errorf("%s: the go command looked up: %v (error %q)\n%s", c.name, goLookup, run.err, run.trace)
		}
		if inGoSum && (mr.SumDB == nil || mr.SumDB.Outcome != OutcomeSkipped || mr.SumDB.URL != "") {
			t.Errorf("Verify should skip the lookup: %s", dump(mr, res))
		}
		if (len(dbHits) > 0) == inGoSum {
			t.Errorf("%s: Verify's checksum database requests: %q", c.name, dbHits)
		}
	}
}

// prefixGoGet answers go-get=1 for git.example.com/org/repo/sub with a
// go-import tag for the shorter prefix git.example.com/org/repo (a mod
// server); the prefix's own page carries the same tag only when confirm.
func prefixGoGet(l *lab, confirm bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.log.Record("git.example.com", r)
		path := r.Host + r.URL.Path
		if r.URL.Query().Get("go-get") == "1" && (path == subMod || confirm && path == "git.example.com/org/repo") {
			fmt.Fprintf(w, "<html><head><meta name=\"go-import\" content=\"git.example.com/org/repo mod https://modsrv.example.com\"></head></html>\n")
			return
		}
		http.NotFound(w, r)
	})
}

// TestShorterPrefixOracle: a go-import tag for a shorter prefix than the
// module path must be confirmed by the prefix's own go-get page (cmd/go's
// repoRootForImportDynamic); the go command fetches it before the mod
// server, and fails when the prefix does not confirm. Verify makes the same
// requests and agrees on the outcome.
func TestShorterPrefixOracle(t *testing.T) {
	mod := subMod + "@" + subVer
	confirmURL := "https://git.example.com/org/repo?go-get=1"
	for _, confirm := range []bool{true, false} {
		l := newLab(t)
		l.hosts.Handle("git.example.com", prefixGoGet(l, confirm))
		vars := map[string]string{"GOPROXY": "direct", "GOPRIVATE": "git.example.com", "GOSUMDB": l.db.Key}
		env := l.env(nil)
		res := l.mustVerify(vars, env, Options{}, mod)
		mr := res.Modules[0]
		run := l.goDownload(vars, env, mod)
		if !compare(t, scenario{name: fmt.Sprintf("prefix confirms: %v", confirm)}, mod, run, mr, res) {
			continue
		}
		if !slices.Contains(run.gets, confirmURL) {
			t.Errorf("the go command did not re-confirm the prefix:\n%s", run.trace)
		}
		if (run.err == "") != confirm {
			t.Errorf("prefix confirms: %v, go error %q", confirm, run.err)
		}
		t.Logf("prefix confirms: %v; go: %q; Verify: %s %q", confirm, run.err, mr.Outcome, mr.Error)
		// cmd/go names the module's path and the prefix URL it read.
		if want := fmt.Sprintf("unrecognized import path %q: reading %s: 404 Not Found", subMod, confirmURL); !confirm && (!strings.Contains(run.err, want) || !strings.HasPrefix(mr.Error, want)) {
			t.Errorf("errors differ:\n go:     %q\n verify: %q\n want:   %q", run.err, mr.Error, want)
		}
	}
}

// TestProxyAndDirectFailOracle: when a proxy fails and then direct fails
// too (the origin cannot be reached), cmd/go reports direct's error, not
// the proxy's (TryProxies ranks errors from direct first). Verify's error
// for the module is the go command's.
func TestProxyAndDirectFailOracle(t *testing.T) {
	// The origin's name is never resolved: the forward proxy dials through
	// the lab's Hosts, which answer "no such host" for it.
	const mod = "down.invalid/lib@v1.0.0"
	for _, c := range []struct {
		name   string
		status int
		sep    string
	}{{"404-comma-direct", 404, ","}, {"500-pipe-direct", 500, "|"}} {
		l := newLab(t)
		p := l.proxy("p", c.status, 0)
		vars := map[string]string{"GOPROXY": p.URL + c.sep + "direct", "GOSUMDB": "off"}
		env := l.env(nil)
		res := l.mustVerify(vars, env, Options{}, mod)
		mr := res.Modules[0]
		run := l.goDownload(vars, env, mod)
		if !compare(t, scenario{name: c.name}, mod, run, mr, res) {
			continue
		}
		t.Logf("%s: go: %q; Verify: %s %q", c.name, run.err, mr.Outcome, mr.Error)
		if run.err == "" || mr.Outcome == OutcomeOK {
			t.Fatalf("%s: both should fail", c.name)
		}
		if !strings.Contains(run.err, "down.invalid") || !strings.Contains(run.err, "go-get=1") {
			t.Errorf("%s: the go command should report direct's error, got %q", c.name, run.err)
		}
		// go's JSON Error is "<module>@<version>: <error>"; the error is
		// direct's go-get failure, reached through the forward proxy, which
		// answers CONNECT with 502. Verify words that last hop itself
		// ("forward proxy ... answered CONNECT with 502 Bad Gateway" where
		// cmd/go says only "Bad Gateway"), and never reports the proxy's.
		const same = `unrecognized import path "down.invalid/lib": https fetch: `
		if !strings.HasPrefix(run.err, mod+": "+same) || !strings.HasSuffix(firstLine(run.err), "Bad Gateway") ||
			!strings.HasPrefix(mr.Error, same) || !strings.Contains(mr.Error, "forward proxy "+l.fwd.URL+" answered CONNECT with 502 Bad Gateway") ||
			strings.Contains(mr.Error, p.URL) {
			t.Errorf("%s: errors differ:\n go:     %q\n verify: %q", c.name, run.err, mr.Error)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestInsecurePlainHTTPOracle: an origin that serves only plain http (its
// port 443 refuses). With GOINSECURE matching, cmd/go's go-get request
// falls back from https to http and the module resolves through the
// go-import mod server; without it, the https failure is final. Verify
// makes the same requests and agrees on the outcome and the error.
func TestInsecurePlainHTTPOracle(t *testing.T) {
	mod := privMod + "@" + privVer
	for _, insecure := range []string{"git.example.com", ""} {
		l := newLab(t)
		l.hosts.HandlePlain("git.example.com", verifytest.GoGet(l.log, "git.example.com", "https://modsrv.example.com", privMod))
		vars := map[string]string{"GOPROXY": "direct", "GOPRIVATE": "git.example.com", "GOINSECURE": insecure, "GOSUMDB": "off"}
		// Plain http requests go through the forward proxy too: nothing
		// resolves a name.
		env := l.env(map[string]string{"HTTP_PROXY": l.fwd.URL})
		res := l.mustVerify(vars, env, Options{}, mod)
		mr := res.Modules[0]
		run := l.goDownload(vars, env, mod)
		if !compare(t, scenario{name: "plain http origin, GOINSECURE=" + insecure}, mod, run, mr, res) {
			continue
		}
		t.Logf("GOINSECURE=%q: go: %q; Verify: %s %q", insecure, run.err, mr.Outcome, mr.Error)
		httpsURL, httpURL := "https://"+privMod+"?go-get=1", "http://"+privMod+"?go-get=1"
		if insecure != "" {
			if run.err != "" || !slices.Equal(run.gets[:2], []string{httpsURL, httpURL}) {
				t.Errorf("GOINSECURE: the go command should fall back to http and succeed: %q\n%s", run.err, run.trace)
			}
			continue
		}
		if slices.Contains(run.gets, httpURL) || !strings.Contains(run.err, `unrecognized import path "`+privMod+`": https fetch: `) {
			t.Errorf("without GOINSECURE the go command should fail on https only: %q\n%s", run.err, run.trace)
		}
		if !strings.HasPrefix(mr.Error, `unrecognized import path "`+privMod+`": https fetch: `) {
			t.Errorf("Verify's error differs from the go command's:\n go:     %q\n verify: %q", run.err, mr.Error)
		}
	}
}

// gitOrigin answers go-get=1 for privMod with a go-import tag naming a git
// repository at https://git.example.com/team/private.git, and everything
// else (git's smart HTTP requests) with 404: no such repository.
func gitOrigin(l *lab) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.log.Record("git.example.com", r)
		if r.Host+r.URL.Path == privMod && r.URL.Query().Get("go-get") == "1" {
			fmt.Fprintf(w, "<html><head><meta name=\"go-import\" content=\"%s git https://git.example.com/team/private.git\"></head></html>\n", privMod)
			return
		}
		http.NotFound(w, r)
	})
}

// TestGitOriginOracle: a go-import tag naming a git repository. The go
// command runs git, which (through the same forward proxy, trusting the
// lab's CA) asks the repository for its refs and gets 404; Verify does not
// clone but says the origin is a git repository and asks for the refs the
// way git does: the request is exactly git's, and both fail.
func TestGitOriginOracle(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("the go command needs git for this origin, and the test compares with it: install git (Debian: apt-get install git)")
	}
	mod := privMod + "@" + privVer
	l := newLab(t)
	l.hosts.Handle("git.example.com", gitOrigin(l))
	vars := map[string]string{"GOPROXY": "direct", "GOPRIVATE": "git.example.com", "GOSUMDB": "off"}
	env := l.env(nil)
	res := l.mustVerify(vars, env, Options{}, mod)
	mr := res.Modules[0]
	verifyHits := len(l.log.Hits())
	// git reads its CA from GIT_SSL_CAINFO and its proxy from HTTPS_PROXY;
	// its HOME is the lab's, without any git configuration.
	gitEnv := l.env(map[string]string{"GIT_SSL_CAINFO": l.ca.CertFile, "GIT_CONFIG_NOSYSTEM": "1"})
	run := l.goDownload(vars, gitEnv, mod)
	var gitReqs []string
	for _, h := range l.log.Hits()[verifyHits:] {
		if h.Server == "git.example.com" && h.Query != "go-get=1" {
			gitReqs = append(gitReqs, "https://"+h.Host+h.RawPath+"?"+h.Query)
		}
	}
	var verifyReqs []string
	for _, a := range mr.Attempts {
		for _, r := range a.Requests {
			verifyReqs = append(verifyReqs, r.URL)
		}
	}
	t.Logf("go: %q\ngit asked: %q\nVerify: %s", run.err, gitReqs, dump(mr, res))
	goGet := "https://" + privMod + "?go-get=1"
	refs := "https://git.example.com/team/private.git/info/refs?service=git-upload-pack"
	if !slices.Equal(run.gets, []string{goGet}) || !slices.Equal(gitReqs, []string{refs}) {
		t.Errorf("the go command should resolve with go-get and git ask for the refs: gets %q, git %q\n%s", run.gets, gitReqs, run.trace)
	}
	if !slices.Equal(verifyReqs, []string{goGet, refs}) {
		t.Errorf("Verify's requests %q, want the go command's and git's %q", verifyReqs, []string{goGet, refs})
	}
	if !strings.Contains(run.err, "git ls-remote") || !strings.Contains(run.err, "not found") {
		t.Errorf("the go command should fail in git: %q", run.err)
	}
	if mr.Outcome == OutcomeOK || len(mr.Attempts) != 1 || !strings.Contains(mr.Attempts[0].Note, "git repository https://git.example.com/team/private.git") ||
		!strings.Contains(mr.Error, refs+": 404 Not Found") {
		t.Errorf("Verify should report the git repository and its 404: %s", dump(mr, res))
	}
}

// TestGOVCSGitOriginOracle: the same git origin when GOVCS does not allow
// git for the module (private:hg; the default private:all and public:git|hg
// come after). The go command fails after the go-get request, without
// running git; Verify makes no request to the repository and reports the
// go command's error. With GOVCS allowing git (the git origin test above
// runs with the default), the repository is asked.
func TestGOVCSGitOriginOracle(t *testing.T) {
	mod := privMod + "@" + privVer
	goGet := "https://" + privMod + "?go-get=1"
	for _, c := range []struct{ govcs, err string }{
		{"private:hg", "GOVCS disallows using git for private " + privMod + "; see 'go help vcs'"},
		{"git.example.com:off,private:all", "GOVCS disallows using git for private " + privMod + "; see 'go help vcs'"},
		{"public:off", ""}, // does not apply to a private module: git is asked
		// Invalid values fail when a VCS is needed, with cmd/go's message.
		{"bad", `malformed entry in GOVCS (missing colon): "bad"`},
		{"private:git,private:hg", `unreachable pattern in GOVCS: "private:hg" after "private:git"`},
	} {
		l := newLab(t)
		l.hosts.Handle("git.example.com", gitOrigin(l))
		vars := map[string]string{"GOPROXY": "direct", "GOPRIVATE": "git.example.com", "GOSUMDB": "off", "GOVCS": c.govcs}
		res := l.mustVerify(vars, l.env(nil), Options{}, mod)
		mr := res.Modules[0]
		verifyHits := len(l.log.Hits())
		run := l.goDownload(vars, l.env(map[string]string{"GIT_SSL_CAINFO": l.ca.CertFile, "GIT_CONFIG_NOSYSTEM": "1"}), mod)
		gitAsked := slices.ContainsFunc(l.log.Hits()[verifyHits:], func(h verifytest.Hit) bool { return strings.HasSuffix(h.Path, "/info/refs") })
		var verifyReqs []string
		for _, a := range mr.Attempts {
			for _, r := range a.Requests {
				verifyReqs = append(verifyReqs, r.URL)
			}
		}
		t.Logf("GOVCS=%s: go: %q (git asked: %v); Verify: %s", c.govcs, run.err, gitAsked, dump(mr, res))
		if !slices.Equal(run.gets, []string{goGet}) || run.err == "" {
			t.Errorf("GOVCS=%s: the go command should fail after go-get: %q\n%s", c.govcs, run.err, run.trace)
			continue
		}
		if c.err == "" {
			if !gitAsked || len(verifyReqs) != 2 {
				t.Errorf("GOVCS=%s allows git: git asked %v, Verify's requests %q", c.govcs, gitAsked, verifyReqs)
			}
			continue
		}
		if gitAsked || !strings.HasSuffix(run.err, c.err) {
			t.Errorf("GOVCS=%s: the go command should not run git and say %q: %q", c.govcs, c.err, run.err)
		}
		if !slices.Equal(verifyReqs, []string{goGet}) || mr.Outcome == OutcomeOK || mod+": "+mr.Error != run.err {
			t.Errorf("GOVCS=%s: Verify should stop after go-get with %q: %s", c.govcs, c.err, dump(mr, res))
		}
	}
}

// TestShorterPrefixDisagreeOracle: the prefix's own go-get page names a
// different mod server than the module's page did. The go command refuses
// the tag; Verify makes the same two go-get requests and reports the go
// command's error.
func TestShorterPrefixDisagreeOracle(t *testing.T) {
	mod := subMod + "@" + subVer
	l := newLab(t)
	l.hosts.Handle("git.example.com", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.log.Record("git.example.com", r)
		server := "https://modsrv.example.com"
		if r.URL.Path == "/org/repo" {
			server = "https://other.example.com"
		}
		fmt.Fprintf(w, "<html><head><meta name=\"go-import\" content=\"git.example.com/org/repo mod %s\"></head></html>\n", server)
	}))
	vars := map[string]string{"GOPROXY": "direct", "GOPRIVATE": "git.example.com", "GOSUMDB": "off"}
	env := l.env(nil)
	res := l.mustVerify(vars, env, Options{}, mod)
	mr := res.Modules[0]
	run := l.goDownload(vars, env, mod)
	if !compare(t, scenario{name: "prefix disagrees"}, mod, run, mr, res) {
		return
	}
	t.Logf("go: %q; Verify: %s %q", run.err, mr.Outcome, mr.Error)
	if want := []string{"https://" + subMod + "?go-get=1", "https://git.example.com/org/repo?go-get=1"}; !slices.Equal(run.gets, want) || run.err == "" {
		t.Fatalf("the go command should ask both pages and fail: %q %q", run.gets, run.err)
	}
	if mod+": "+mr.Error != firstLine(run.err) {
		t.Errorf("errors differ:\n go:     %q\n verify: %q", run.err, mr.Error)
	}
}

// TestGOVCSStaticHostOracle: a module on a code host cmd/go knows without
// a go-get request (its static vcsPaths). With GOVCS=public:off the go
// command refuses git before any request; Verify makes none either and
// reports the go command's error. Nothing resolves the host name: the go
// command's and git's requests would go through the lab's forward proxy,
// which only dials loopback.
func TestGOVCSStaticHostOracle(t *testing.T) {
	const mod = "github.com/acme/widget@v1.0.0"
	l := newLab(t)
	vars := map[string]string{"GOPROXY": "direct", "GOSUMDB": "off", "GOVCS": "public:off"}
	env := l.env(nil)
	res := l.mustVerify(vars, env, Options{}, mod)
	mr := res.Modules[0]
	if hits := l.log.Hits(); len(hits) != 0 {
		t.Errorf("Verify made requests: %v", hits)
	}
	run := l.goDownload(vars, env, mod)
	t.Logf("go: %q; Verify: %s", run.err, dump(mr, res))
	if len(run.gets) != 0 || run.err == "" || len(l.log.Hits()) != 0 {
		t.Fatalf("the go command should fail without a request: %q, gets %q, hits %v\n%s", run.err, run.gets, l.log.Hits(), run.trace)
	}
	if mr.Outcome == OutcomeOK || len(mr.Attempts) != 1 || len(mr.Attempts[0].Requests) != 0 || mod+": "+mr.Error != run.err {
		t.Errorf("errors differ:\n go:     %q\n verify: %q\n%s", run.err, mr.Error, dump(mr, res))
	}
}
