package explainerr

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// update re-captures the fixtures: it runs the real go command against the
// loopback servers below and rewrites testdata/catalogue/*.txtar (their
// messages, and the explanations rendered from them).
var update = flag.Bool("update", false, "re-capture the go command's messages and rewrite the fixtures")

// Stand-in addresses the captured messages are normalised to: the loopback
// listeners' ports change on every run.
const (
	addrProxy   = "127.0.0.1:41000" // module proxy
	addrSumDB   = "127.0.0.1:41001" // checksum database
	addrTLS     = "127.0.0.1:41002" // TLS listener (certificate from a private CA)
	addrForward = "127.0.0.1:41003" // forward proxy (HTTPS_PROXY)
	addrClosed  = "127.0.0.1:41004" // nothing listens
	addrHang    = "127.0.0.1:41005" // accepts, never answers
	addrAuthFwd = "127.0.0.1:41006" // forward proxy that wants credentials
	addrSumPrx  = "127.0.0.1:41007" // module proxy that proxies the checksum database
)

// unresolvable is a host name the resolver rejects without sending a DNS
// query (a label longer than 63 bytes): "no such host" with nothing leaving
// the machine. GODEBUG=netdns=go keeps the go command on Go's resolver,
// which checks names before asking anyone.
var unresolvable = "no-such-host-" + strings.Repeat("x", 64-len("no-such-host-")) + ".invalid"

var dnsServer = regexp.MustCompile(`lookup \S+ on \S+:53`)

// captureCase is one go command run whose message a fixture holds.
type captureCase struct {
	name, about string
	// env is the go command's environment beyond the fixed hermetic one;
	// {proxy}, {sumdb}, … are the listeners' URLs.
	env []string
	// args run in a module directory (go.mod: module example.com/app).
	args []string
	// gosum is the directory's go.sum.
	gosum string
	want  Parsed // the fields the message must parse to
}

func captureCases() []captureCase {
	return []captureCase{
		{
			name: "proxy-404", about: "The module proxy does not have the module (404) and the list has no fallback.",
			env:  []string{"GOPROXY={proxy}", "GOSUMDB=off"},
			args: []string{"mod", "download", "corp.example.com/missing@v1.0.0"},
			want: Parsed{Case: CaseNotFound, Hop: HopProxy, Module: "corp.example.com/missing", Version: "v1.0.0", Status: 404, URL: "http://" + addrProxy + "/corp.example.com/missing/@v/v1.0.0.info"},
		},
		{
			name: "proxy-410-go-get", about: "go get: the proxy answers 410 Gone for a module it refuses to serve.",
			env:  []string{"GOPROXY={proxy}", "GOSUMDB=off"},
			args: []string{"get", "corp.example.com/gone@v1.2.3"},
			want: Parsed{Case: CaseNotFound, Hop: HopProxy, Module: "corp.example.com/gone", Version: "v1.2.3", Status: 410, URL: "http://" + addrProxy + "/corp.example.com/gone/@v/v1.2.3.info"},
		},
		{
			name: "proxy-500", about: "The module proxy fails (500): the go command stops at a ',' separator.",
			env:  []string{"GOPROXY={proxy},direct", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/flaky@v1.0.0"},
			want: Parsed{Case: CaseServerError, Hop: HopProxy, Module: "example.com/flaky", Version: "v1.0.0", Status: 500, URL: "http://" + addrProxy + "/example.com/flaky/@v/v1.0.0.info"},
		},
		{
			name: "proxy-insecure-credentials", about: "GOPROXY carries credentials over plain http: the go command refuses to send them.",
			env:  []string{"GOPROXY=http://alice:s3cret-token@{proxyaddr}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/secret@v1.0.0"},
			want: Parsed{Case: CaseInsecureCredentials, Hop: HopProxy, Module: "example.com/secret", Version: "v1.0.0", URL: "http://alice:xxxxx@" + addrProxy + "/example.com/secret/@v/v1.0.0.info"},
		},
		{
			name: "proxy-401-credentials", about: "The proxy rejects the credentials in GOPROXY's URL (401); the password must not be shown.",
			env:  []string{"GOPROXY=https://alice:s3cret-token@{tlsaddr}", "GOSUMDB=off", "SSL_CERT_FILE={cafile}"},
			args: []string{"mod", "download", "example.com/secret@v1.0.0"},
			want: Parsed{Case: CaseAuth, Hop: HopProxy, Module: "example.com/secret", Version: "v1.0.0", Status: 401, URL: "https://alice:xxxxx@" + addrTLS + "/example.com/secret/@v/v1.0.0.info"},
		},
		{
			name: "proxy-403", about: "The proxy refuses the module (403).",
			env:  []string{"GOPROXY={proxy}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/forbidden@v1.0.0"},
			want: Parsed{Case: CaseAuth, Hop: HopProxy, Module: "example.com/forbidden", Version: "v1.0.0", Status: 403, URL: "http://" + addrProxy + "/example.com/forbidden/@v/v1.0.0.info"},
		},
		{
			name: "proxy-refused", about: "Nothing listens at the proxy's address.",
			env:  []string{"GOPROXY={closed}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/ok@v1.0.0"},
			want: Parsed{Case: CaseRefused, Hop: HopProxy, Module: "example.com/ok", Version: "v1.0.0", URL: "http://" + addrClosed + "/example.com/ok/@v/v1.0.0.info"},
		},
		{
			name: "proxy-no-such-host", about: "The proxy's host name does not resolve.",
			env:  []string{"GOPROXY=https://" + unresolvable, "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/ok@v1.0.0"},
			want: Parsed{Case: CaseDNS, Hop: HopProxy, Module: "example.com/ok", Version: "v1.0.0", URL: "https://" + unresolvable + "/example.com/ok/@v/v1.0.0.info"},
		},
		{
			name: "proxy-x509-unknown-authority", about: "The proxy's certificate comes from a CA the go command does not trust.",
			env:  []string{"GOPROXY={tls}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/ok@v1.0.0"},
			want: Parsed{Case: CaseTLS, Hop: HopProxy, Module: "example.com/ok", Version: "v1.0.0", URL: "https://" + addrTLS + "/example.com/ok/@v/v1.0.0.info"},
		},
		{
			name: "proxy-tls-handshake-timeout", about: "The proxy accepts the connection and never answers.",
			env:  []string{"GOPROXY={hang}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/ok@v1.0.0"},
			want: Parsed{Case: CaseTimeout, Hop: HopProxy, Module: "example.com/ok", Version: "v1.0.0", URL: "https://" + addrHang + "/example.com/ok/@v/v1.0.0.info"},
		},
		{
			name: "proxy-html-portal", about: "A captive portal or login page answers instead of the proxy.",
			env:  []string{"GOPROXY={proxy}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/portal@v1.0.0"},
			want: Parsed{Case: CaseNotAProxy, Hop: HopProxy, Module: "example.com/portal", Version: "v1.0.0", URL: "http://" + addrProxy},
		},
		{
			name: "goproxy-off", about: "GOPROXY=off forbids every module download.",
			env:  []string{"GOPROXY=off", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/ok@v1.0.0"},
			want: Parsed{Case: CaseOff, Hop: HopNone, Module: "example.com/ok", Version: "v1.0.0"},
		},
		{
			name: "goprivate-direct-404", about: "GOPRIVATE sends the module to its origin (direct), which has no go-import tag for it.",
			env:  []string{"GOPROXY={proxy}", "GOPRIVATE=corp.example.com", "GOSUMDB=off", "HTTPS_PROXY={forward}", "SSL_CERT_FILE={cafile}"},
			args: []string{"mod", "download", "corp.example.com/lib@v1.0.0"},
			want: Parsed{Case: CaseUnrecognizedImportPath, Hop: HopDirect, Module: "corp.example.com/lib", Version: "v1.0.0", Status: 404, URL: "https://corp.example.com/lib?go-get=1"},
		},
		{
			name: "sumdb-410-private", about: "A private module's path goes to the checksum database, which answers 410 Gone.",
			env:  []string{"GOPROXY={proxy}", "GOSUMDB=sum.example.com+{sumkey} {sumdb}"},
			args: []string{"mod", "download", "corp.example.com/lib@v1.0.0"},
			want: Parsed{Case: CaseSumDBNotFound, Hop: HopSumDB, Module: "corp.example.com/lib", Version: "v1.0.0", Status: 410, URL: "http://" + addrSumDB + "/lookup/corp.example.com/lib@v1.0.0"},
		},
		{
			name: "sumdb-410-verifying-module", about: "go.sum has the go.mod hash; the module's own hash is looked up in the checksum database, which answers 410 Gone.",
			env:   []string{"GOPROXY={proxy}", "GOSUMDB=sum.example.com+{sumkey} {sumdb}"},
			args:  []string{"mod", "download", "corp.example.com/lib@v1.0.0"},
			gosum: "{libgomodsum}",
			want:  Parsed{Case: CaseSumDBNotFound, Hop: HopSumDB, Module: "corp.example.com/lib", Version: "v1.0.0", Status: 410, URL: "http://" + addrSumDB + "/lookup/corp.example.com/lib@v1.0.0"},
		},
		{
			name: "sumdb-410-through-proxy", about: "The checksum database is reached through the module proxy (<proxy>/sumdb/<name>/), which answers 410 Gone for a private path.",
			env:  []string{"GOPROXY={sumproxy}", "GOSUMDB=sum.example.com+{sumkey}"},
			args: []string{"mod", "download", "corp.example.com/lib@v1.0.0"},
			want: Parsed{Case: CaseSumDBNotFound, Hop: HopSumDB, Module: "corp.example.com/lib", Version: "v1.0.0", Status: 410, URL: "http://" + addrSumPrx + "/sumdb/sum.example.com/lookup/corp.example.com/lib@v1.0.0"},
		},
		{
			name: "checksum-mismatch", about: "go.sum holds another hash than the downloaded module's.",
			env:  []string{"GOPROXY={proxy}", "GOSUMDB=off"},
			args: []string{"mod", "download", "example.com/ok@v1.0.0"},
			gosum: "example.com/ok v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n" +
				"example.com/ok v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
			want: Parsed{Case: CaseChecksumMismatch, Hop: HopGoSum, Module: "example.com/ok", Version: "v1.0.0"},
		},
		{
			name: "direct-unrecognized-import-path", about: "Fetched direct, the origin has no go-import tag for the path (404).",
			env:  []string{"GOPROXY=direct", "GOSUMDB=off", "HTTPS_PROXY={forward}", "SSL_CERT_FILE={cafile}"},
			args: []string{"mod", "download", "git.example.com/team/tool@v1.0.0"},
			want: Parsed{Case: CaseUnrecognizedImportPath, Hop: HopDirect, Module: "git.example.com/team/tool", Version: "v1.0.0", Status: 404, URL: "https://git.example.com/team/tool?go-get=1"},
		},
		{
			name: "direct-x509-unknown-authority", about: "Fetched direct, the origin's certificate is not trusted.",
			env:  []string{"GOPROXY=direct", "GOSUMDB=off", "HTTPS_PROXY={forward}"},
			args: []string{"mod", "download", "git.example.com/team/tool@v1.0.0"},
			want: Parsed{Case: CaseTLS, Hop: HopDirect, Module: "git.example.com/team/tool", Version: "v1.0.0", URL: "https://git.example.com/team/tool?go-get=1"},
		},
		{
			name: "direct-no-such-host", about: "Fetched direct, the module's host does not resolve.",
			env:  []string{"GOPROXY=direct", "GOSUMDB=off"},
			args: []string{"mod", "download", unresolvable + "/lib@v1.0.0"},
			want: Parsed{Case: CaseDNS, Hop: HopDirect, Module: unresolvable + "/lib", Version: "v1.0.0", URL: "https://" + unresolvable + "/lib?go-get=1"},
		},
		{
			name: "proxyconnect-refused", about: "HTTPS_PROXY names a forward proxy that is not running.",
			env:  []string{"GOPROXY=direct", "GOSUMDB=off", "HTTPS_PROXY={closed}"},
			args: []string{"mod", "download", "git.example.com/team/tool@v1.0.0"},
			want: Parsed{Case: CaseForwardProxy, Hop: HopForwardProxy, Module: "git.example.com/team/tool", Version: "v1.0.0", URL: "https://git.example.com/team/tool?go-get=1", ForwardProxy: addrClosed},
		},
		{
			name: "proxyconnect-auth-required", about: "The forward proxy wants credentials (407).",
			env:  []string{"GOPROXY=direct", "GOSUMDB=off", "HTTPS_PROXY={authforward}", "SSL_CERT_FILE={cafile}"},
			args: []string{"mod", "download", "git.example.com/team/tool@v1.0.0"},
			want: Parsed{Case: CaseForwardProxyAuth, Hop: HopForwardProxy, Module: "git.example.com/team/tool", Version: "v1.0.0", URL: "https://git.example.com/team/tool?go-get=1", Status: 407},
		},
	}
}

// network is the loopback world the go command runs against.
type network struct {
	subst  map[string]string // {proxy} → URL
	normal []string          // pairs: real address → stand-in
}

func startNetwork(t *testing.T) *network {
	t.Helper()
	l := &verifytest.Log{}
	tree := verifytest.NewTree(t, "example.com/ok@v1.0.0", "corp.example.com/lib@v1.0.0")
	proxy := (&verifytest.Proxy{Name: "proxy", Tree: tree, Log: l, Modules: map[string]verifytest.Behavior{
		"corp.example.com/gone": {Status: http.StatusGone},
		"example.com/flaky":     {Status: http.StatusInternalServerError},
		"example.com/secret":    {Status: http.StatusUnauthorized},
		"example.com/forbidden": {Status: http.StatusForbidden},
		"example.com/portal":    {HTML: true},
	}}).Start(t)

	// A checksum database that answers every lookup 410 Gone, as the
	// public one does for a path it cannot fetch.
	// Its key comes from a fixed seed, so that the fixtures' GOSUMDB
	// stays the same from one capture to the next.
	skey, vkey, err := note.GenerateKey(strings.NewReader(strings.Repeat("explainerr fixture key seed. ", 4)), "sum.example.com")
	if err != nil {
		t.Fatal(err)
	}
	db := sumdb.NewServer(sumdb.NewTestServer(skey, tree.GoSum))
	sum := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/lookup/") {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusGone)
			fmt.Fprintf(w, "not found: %s: unrecognized import path\n", strings.TrimPrefix(r.URL.Path, "/lookup/"))
			return
		}
		db.ServeHTTP(w, r)
	}))
	t.Cleanup(sum.Close)

	// A module proxy that proxies the checksum database, and answers
	// every lookup 410 Gone.
	sumProxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/sumdb/sum.example.com/supported":
			w.WriteHeader(http.StatusOK)
		case strings.HasPrefix(r.URL.Path, "/sumdb/sum.example.com/lookup/"):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusGone)
			fmt.Fprintf(w, "not found: %s: unrecognized import path\n", strings.TrimPrefix(r.URL.Path, "/sumdb/sum.example.com/lookup/"))
		case strings.HasPrefix(r.URL.Path, "/sumdb/"):
			http.NotFound(w, r)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(sumProxy.Close)
	libSum, err := tree.GoSum("corp.example.com/lib", "v1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	var libGoModSum string
	for _, l := range strings.SplitAfter(string(libSum), "\n") {
		if strings.Contains(l, "/go.mod ") {
			libGoModSum = l
		}
	}

	ca := verifytest.NewCA(t)
	hosts := verifytest.NewHosts(t, ca, l)
	hosts.Handle("git.example.com", verifytest.GoGet(l, "git.example.com", "https://git.example.com/mod"))
	hosts.Handle("corp.example.com", verifytest.GoGet(l, "corp.example.com", "https://corp.example.com/mod"))
	// The TLS listener as a module proxy that rejects every credential.
	hosts.Handle("127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "invalid credentials\n")
	}))
	forward := verifytest.NewForwardProxy(t, hosts, l, "", "")
	authForward := verifytest.NewForwardProxy(t, hosts, l, "bob", "hunter2")

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		hang.Close()
		for _, c := range held {
			c.Close()
		}
	})

	host := func(u string) string { return strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://") }
	key := vkey[strings.Index(vkey, "+")+1:]
	n := &network{
		subst: map[string]string{
			"{proxy}": proxy.URL, "{proxyaddr}": host(proxy.URL), "{sumdb}": sum.URL, "{sumkey}": key,
			"{tls}": "https://" + hosts.Addr, "{tlsaddr}": hosts.Addr, "{forward}": forward.URL, "{authforward}": authForward.URL,
			"{sumproxy}": sumProxy.URL, "{libgomodsum}": libGoModSum,
			"{closed}": "http://" + closedAddr, "{hang}": "https://" + hang.Addr().String(), "{cafile}": ca.CertFile,
		},
		normal: []string{
			host(proxy.URL), addrProxy, host(sum.URL), addrSumDB, hosts.Addr, addrTLS, host(forward.URL), addrForward,
			closedAddr, addrClosed, host(sumProxy.URL), addrSumPrx, ca.CertFile, "$WORK/ca.pem", hang.Addr().String(), addrHang, host(authForward.URL), addrAuthFwd,
		},
	}
	return n
}

// capture runs one case with the real go command and returns its
// environment and message, normalised.
func (n *network) capture(t *testing.T, c captureCase) (env []string, stderr string) {
	t.Helper()
	work := t.TempDir()
	dir := filepath.Join(work, "app")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c.gosum != "" {
		gosum := c.gosum
		for k, v := range n.subst {
			gosum = strings.ReplaceAll(gosum, k, v)
		}
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), []byte(gosum), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goBin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if os.Getenv("GOROOT") == "" {
		var err error
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatal(err)
		}
	}
	// A hermetic environment: nothing from the developer's, every cache
	// fresh, no toolchain switch, no telemetry, Go's own resolver.
	base := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + work, "GOENV=off", "GOPATH=" + filepath.Join(work, "gopath"),
		"GOMODCACHE=" + filepath.Join(work, "modcache"), "GOCACHE=" + filepath.Join(work, "cache"),
		"GOTOOLCHAIN=local", "GOFLAGS=-mod=mod -modcacherw", "GOTELEMETRY=off", "GODEBUG=netdns=go",
	}
	for _, e := range c.env {
		for k, v := range n.subst {
			e = strings.ReplaceAll(e, k, v)
		}
		env = append(env, e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, c.args...)
	cmd.Dir = dir
	cmd.Env = append(base, env...)
	var out bytes.Buffer
	cmd.Stderr = &out
	cmd.Stdout = &out
	err := cmd.Run()
	if err == nil {
		t.Fatalf("%s: go %s succeeded, want a failure:\n%s", c.name, strings.Join(c.args, " "), out.String())
	}
	// A message that names a DNS server means the go command asked one: a
	// case must reach every host through loopback (or a name the resolver
	// rejects before asking).
	if dnsServer.MatchString(out.String()) {
		t.Fatalf("%s: the go command asked a DNS server; route the case through the loopback forward proxy:\n%s", c.name, out.String())
	}
	norm := func(s string) string {
		s = strings.ReplaceAll(s, work, "$WORK")
		for i := 0; i < len(n.normal); i += 2 {
			s = strings.ReplaceAll(s, n.normal[i], n.normal[i+1])
		}
		return s
	}
	for i := range env {
		env[i] = norm(env[i])
	}
	return env, norm(out.String())
}

// captureAll re-captures every case into testdata/catalogue.
func captureAll(t *testing.T) {
	n := startNetwork(t)
	cases := captureCases()
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	for _, c := range cases {
		env, stderr := n.capture(t, c)
		ar := &txtar.Archive{
			Comment: []byte(c.about + "\nCaptured from the go command by `go test ./server/internal/explainerr -update`.\n"),
			Files: []txtar.File{
				{Name: "command", Data: []byte("go " + strings.Join(c.args, " ") + "\n")},
				{Name: "env", Data: []byte(strings.Join(env, "\n") + "\n")},
				{Name: "stderr", Data: []byte(stderr)},
				{Name: "want", Data: []byte(c.want.fields())},
			},
		}
		writeFixture(t, c.name, ar)
	}
}

func writeFixture(t *testing.T, name string, ar *txtar.Archive) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join("testdata", "catalogue"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "catalogue", name+".txtar"), txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
