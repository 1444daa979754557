package verify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// The modules every lab serves: a public one and a private one whose
// origin (git.example.com) answers go-get with a mod server.
const (
	pubMod  = "pub.example.com/lib"
	pubVer  = "v1.0.0"
	privMod = "git.example.com/team/private"
	privVer = "v1.2.0"
	// upperMod needs case-escaping in every URL (!upper, -!beta).
	upperMod = "pub.example.com/Upper@v1.1.0-Beta"
	// subMod lives below the repository root git.example.com/org/repo, whose
	// go-import tag its origin serves (paths_test.go).
	subMod = "git.example.com/org/repo/sub"
	subVer = "v1.0.0"
)

// tree is built once: the modules the proxies, the mod server and the
// go command's file:// GOPROXY all serve.
var (
	sharedTree  *verifytest.Tree
	sharedEmpty *verifytest.Tree
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "verify-tree")
	if err != nil {
		panic(err)
	}
	tb := &mainTB{dir: dir}
	sharedTree = verifytest.NewTree(tb, pubMod+"@"+pubVer, privMod+"@"+privVer, upperMod, subMod+"@"+subVer)
	sharedEmpty = verifytest.NewTree(tb)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// mainTB lets TestMain build the shared trees.
type mainTB struct{ dir string }

func (m *mainTB) Helper()                           {}
func (m *mainTB) Fatalf(format string, args ...any) { panic(format) }
func (m *mainTB) Cleanup(func())                    {}
func (m *mainTB) TempDir() string {
	d, err := os.MkdirTemp(m.dir, "t")
	if err != nil {
		panic(err)
	}
	return d
}

// lab is one isolated loopback network: a log of every request, a CA, the
// example.com TLS listener (origins, a mod server, an https mirror, the
// checksum database), a forward proxy, and a checksum database.
type lab struct {
	t     *testing.T
	log   *verifytest.Log
	tree  *verifytest.Tree
	db    *verifytest.SumDB
	ca    *verifytest.CA
	hosts *verifytest.Hosts
	fwd   *verifytest.ForwardProxy
	home  string
}

func newLab(t *testing.T) *lab {
	t.Helper()
	l := &lab{t: t, log: &verifytest.Log{}, tree: sharedTree}
	l.db = verifytest.NewSumDB(t, "sum.example.com", l.tree)
	l.ca = verifytest.NewCA(t)
	l.hosts = verifytest.NewHosts(t, l.ca, l.log)
	l.fwd = verifytest.NewForwardProxy(t, l.hosts, l.log, "", "")
	l.hosts.Handle("sum.example.com", recorded(l.log, "sum.example.com", l.db))
	l.hosts.Handle("modsrv.example.com", &verifytest.Proxy{Name: "modsrv", Tree: l.tree, Log: l.log})
	l.origins(true, false)
	l.home = t.TempDir()
	telemetry := filepath.Join(l.home, ".config", "go", "telemetry")
	os.MkdirAll(telemetry, 0o755)
	os.WriteFile(filepath.Join(telemetry, "mode"), []byte("off"), 0o644)
	return l
}

// origins sets whether git.example.com and pub.example.com answer go-get
// with a go-import tag (a mod server) or 404.
func (l *lab) origins(private, public bool) {
	var pm, qm []string
	if private {
		pm = []string{privMod}
	}
	if public {
		qm = []string{pubMod}
	}
	l.hosts.Handle("git.example.com", verifytest.GoGet(l.log, "git.example.com", "https://modsrv.example.com", pm...))
	l.hosts.Handle("pub.example.com", verifytest.GoGet(l.log, "pub.example.com", "https://modsrv.example.com", qm...))
}

func recorded(log *verifytest.Log, name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Record(name, r)
		h.ServeHTTP(w, r)
	})
}

// proxy starts a module proxy answering every module with status (0: from
// the tree) and /sumdb/<name>/supported with sumStatus (0: no sumdb).
func (l *lab) proxy(name string, status, sumStatus int) *verifytest.Proxy {
	p := &verifytest.Proxy{Name: name, Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Status: status}}}
	if sumStatus != 0 {
		p.SumDB, p.SumDBStatus = l.db, sumStatus
	}
	return p.Start(l.t)
}

// mirror mounts a module proxy at https://mirror.example.com.
func (l *lab) mirror(status, sumStatus int) string {
	p := &verifytest.Proxy{Name: "mirror", Tree: l.tree, Log: l.log, Modules: map[string]verifytest.Behavior{"*": {Status: status}}}
	if sumStatus != 0 {
		p.SumDB, p.SumDBStatus = l.db, sumStatus
	}
	l.hosts.Handle("mirror.example.com", p)
	return "https://mirror.example.com"
}

// refused is a loopback URL nothing listens on.
func refusedURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// closingURL is an https URL of a loopback server that reads what the
// client sends and closes the connection without a word, as a plain-HTTP
// server does on a TLS ClientHello it cannot parse: with eof, the client
// reads an orderly end (EOF); without, the unread ClientHello makes the
// close a reset.
func closingURL(t *testing.T, eof bool) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !eof {
				c.Close()
				continue
			}
			go func() {
				defer c.Close()
				c.Read(make([]byte, 64<<10))
				c.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, c) // until the client closes
			}()
		}
	}()
	return "https://" + ln.Addr().String()
}

// sumdbServer serves the checksum database at its own loopback URL.
func (l *lab) sumdbServer() string {
	srv := httptest.NewServer(recorded(l.log, "sumdb", l.db))
	l.t.Cleanup(srv.Close)
	return srv.URL
}

// env is a consumer environment: example.com hosts only through the
// forward proxy, the lab's CA trusted.
func (l *lab) env(extra map[string]string) map[string]string {
	env := map[string]string{
		"HOME": l.home, "PATH": os.Getenv("PATH"),
		"HTTPS_PROXY": l.fwd.URL, "SSL_CERT_FILE": l.ca.CertFile,
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// effective returns go env's view of the routing variables for vars
// (GONOPROXY and GONOSUMDB default to GOPRIVATE; GOAUTH to netrc).
func effective(vars map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range vars {
		out[k] = v
	}
	for _, k := range []string{"GONOPROXY", "GONOSUMDB"} {
		if out[k] == "" {
			out[k] = out["GOPRIVATE"]
		}
	}
	return out
}

// verify runs Verify for one consumer environment.
func (l *lab) verify(ctx context.Context, vars, env map[string]string, opts Options, mods ...string) (*Result, error) {
	var ms []Module
	for _, m := range mods {
		p, v, _ := strings.Cut(m, "@")
		ms = append(ms, Module{Path: p, Version: v})
	}
	return l.verifyModules(ctx, vars, env, opts, ms)
}

// verifyModules is verify with the modules as a workspace reports them
// (e.g. InGoSum).
func (l *lab) verifyModules(ctx context.Context, vars, env map[string]string, opts Options, mods []Module) (*Result, error) {
	// The lab's go.env default checksum database is its own.
	t := Target{Consumers: []string{"terminal"}, Vars: effective(vars), Env: env, GOOS: runtime.GOOS, KnownSumDBs: []string{"sum.example.com"}, Modules: mods}
	if opts.Dial == nil {
		opts.Dial = l.hosts.Dial
	}
	return Run(ctx, []Target{t}, opts)
}

func (l *lab) mustVerify(vars, env map[string]string, opts Options, mods ...string) *Result {
	l.t.Helper()
	res, err := l.verify(context.Background(), vars, env, opts, mods...)
	if err != nil {
		l.t.Fatalf("Verify: %v", err)
	}
	return res
}

// goRun is one go mod download -json -x.
type goRun struct {
	gets  []string // the URLs of the "# get URL" trace lines, in order
	err   string   // the JSON Error ("" on success)
	trace string
}

// goDownload runs the real go command with the same variables against the
// same servers: a fresh GOPATH, module cache and GOENV=off, GOFLAGS=-mod=mod,
// GOTOOLCHAIN=local, outside any module.
func (l *lab) goDownload(vars, env map[string]string, mod string) goRun {
	l.t.Helper()
	return l.goDownloadIn(vars, env, mod, nil)
}

// goDownloadIn is goDownload in a directory holding files (e.g. a go.mod
// and its go.sum), so that the run is inside that module.
func (l *lab) goDownloadIn(vars, env map[string]string, mod string, files map[string]string) goRun {
	l.t.Helper()
	dir := l.t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			l.t.Fatal(err)
		}
	}
	full := map[string]string{
		"GOENV": "off", "GOPATH": filepath.Join(dir, "gopath"), "GOMODCACHE": filepath.Join(dir, "modcache"),
		"GOCACHE": filepath.Join(dir, "cache"), "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local",
	}
	for k, v := range env {
		full[k] = v
	}
	for k, v := range vars {
		full[k] = v
	}
	// Without the forward proxy the go command (and git) would resolve the
	// example.com names with the system resolver: never let that happen.
	if full["HTTPS_PROXY"] != l.fwd.URL {
		l.t.Fatalf("goDownload: HTTPS_PROXY must be the lab's forward proxy (use l.env), got %q", full["HTTPS_PROXY"])
	}
	var list []string
	for k, v := range full {
		list = append(list, k+"="+v)
	}
	cmd := exec.Command("go", "mod", "download", "-json", "-x", mod)
	cmd.Dir = dir
	cmd.Env = list
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var out struct{ Error string }
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil && runErr != nil {
		out.Error = strings.TrimSpace(stderr.String())
	}
	r := goRun{err: out.Error, trace: stderr.String()}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "# get "); ok && !strings.Contains(rest, " ") {
			r.gets = append(r.gets, rest)
		}
	}
	if runErr != nil && out.Error == "" {
		r.err = runErr.Error()
	}
	return r
}
