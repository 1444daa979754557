// Package verifytest builds the loopback network the verify tests, the
// language server's tests and the benchmark run against: module trees built
// with golang.org/x/mod/zip (served over HTTP and readable by the go command
// through file://), module proxies with injected failures and latency, a
// checksum database (golang.org/x/mod/sumdb), go-get origins on example.com
// hosts behind one TLS listener, and forward proxies from
// github.com/elazarl/goproxy. Every listener binds 127.0.0.1 and nothing
// dials anything else: example.com hosts reach the TLS listener only through
// the forward proxy or the Dial function given to Verify.
package verifytest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
	modzip "golang.org/x/mod/zip"
)

// TB is the part of testing.TB the helpers need (the benchmark passes its own).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}

var _ TB = (testing.TB)(nil)

// -- Recording

// Hit is one request a loopback server received.
type Hit struct {
	Seq       int
	Server    string // the server's name
	Method    string
	Host      string
	Path      string // unescaped path
	RawPath   string // as sent
	Query     string
	Auth      string // Authorization header
	ProxyAuth string // Proxy-Authorization header (forward proxies)
}

// Log records the requests of every server sharing it, in arrival order.
type Log struct {
	mu   sync.Mutex
	hits []Hit
}

func (l *Log) add(h Hit) {
	l.mu.Lock()
	h.Seq = len(l.hits)
	l.hits = append(l.hits, h)
	l.mu.Unlock()
}

// Hits returns a copy of the requests so far.
func (l *Log) Hits() []Hit {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Hit(nil), l.hits...)
}

// Record logs a request a server named name received.
func (l *Log) Record(name string, r *http.Request) { record(l, name, r) }

func record(l *Log, name string, r *http.Request) {
	if l == nil {
		return
	}
	l.add(Hit{
		Server: name, Method: r.Method, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization"), ProxyAuth: r.Header.Get("Proxy-Authorization"),
	})
}

// -- Module trees

// Tree is a module proxy tree on disk (<root>/<escaped path>/@v/...), built
// with golang.org/x/mod/zip: the go command reads it with GOPROXY=file://.
type Tree struct {
	Root string
	sums map[string]string // "path version" → go.sum lines
}

// NewTree builds a tree holding the given modules (path@version).
func NewTree(t TB, mods ...string) *Tree {
	t.Helper()
	tr := &Tree{Root: t.TempDir(), sums: map[string]string{}}
	src := t.TempDir()
	for _, mv := range mods {
		path, version, _ := strings.Cut(mv, "@")
		if err := tr.add(src, module.Version{Path: path, Version: version}); err != nil {
			t.Fatalf("verifytest: building %s: %v", mv, err)
		}
	}
	return tr
}

// URL is the tree as a file:// GOPROXY entry.
func (tr *Tree) URL() string { return "file://" + filepath.ToSlash(tr.Root) }

func (tr *Tree) add(src string, m module.Version) error {
	dir := filepath.Join(src, strings.ReplaceAll(m.Path, "/", "_")+"@"+m.Version)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	gomod := []byte("module " + m.Path + "\n\ngo 1.21\n")
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), gomod, 0o644); err != nil {
		return err
	}
	name := m.Path[strings.LastIndexByte(m.Path, '/')+1:]
	pkg := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, name)
	if pkg == "" {
		pkg = "lib"
	}
	if err := os.WriteFile(filepath.Join(dir, "lib.go"), []byte("package "+pkg+"\n"), 0o644); err != nil {
		return err
	}
	ep, err := module.EscapePath(m.Path)
	if err != nil {
		return err
	}
	ev, err := module.EscapeVersion(m.Version)
	if err != nil {
		return err
	}
	vdir := filepath.Join(tr.Root, filepath.FromSlash(ep), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	zipPath := filepath.Join(vdir, ev+".zip")
	var buf bytes.Buffer
	if err := modzip.CreateFromDir(&buf, m, dir); err != nil {
		return err
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		return err
	}
	info := fmt.Sprintf(`{"Version":%q,"Time":"2024-01-02T03:04:05Z"}`, m.Version)
	if err := os.WriteFile(filepath.Join(vdir, ev+".info"), []byte(info), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, ev+".mod"), gomod, 0o644); err != nil {
		return err
	}
	list, _ := os.ReadFile(filepath.Join(vdir, "list"))
	if err := os.WriteFile(filepath.Join(vdir, "list"), append(list, m.Version+"\n"...), 0o644); err != nil {
		return err
	}
	zh, err := dirhash.HashZip(zipPath, dirhash.Hash1)
	if err != nil {
		return err
	}
	mh, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gomod)), nil
	})
	if err != nil {
		return err
	}
	tr.sums[m.Path+" "+m.Version] = fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n", m.Path, m.Version, zh, m.Path, m.Version, mh)
	return nil
}

// GoSum returns the go.sum lines of a module of the tree.
func (tr *Tree) GoSum(path, version string) ([]byte, error) {
	if s, ok := tr.sums[path+" "+version]; ok {
		return []byte(s), nil
	}
	return nil, os.ErrNotExist
}

// file returns a file of the tree by its escaped path below the root.
func (tr *Tree) file(escaped string) ([]byte, bool) {
	if strings.Contains(escaped, "..") {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(tr.Root, filepath.FromSlash(escaped)))
	return b, err == nil
}

// -- Checksum database

// SumDB is a checksum database (golang.org/x/mod/sumdb) over a tree.
type SumDB struct {
	Name string
	// Key is the verifier key: a GOSUMDB value naming this database.
	Key     string
	handler http.Handler
}

// NewSumDB creates a checksum database named name (e.g. sum.example.com)
// that knows every module of tr.
func NewSumDB(t TB, name string, tr *Tree) *SumDB {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatalf("verifytest: sumdb key: %v", err)
	}
	return &SumDB{Name: name, Key: vkey, handler: sumdb.NewServer(sumdb.NewTestServer(skey, tr.GoSum))}
}

// ServeHTTP serves the database's /lookup, /latest and /tile endpoints.
func (db *SumDB) ServeHTTP(w http.ResponseWriter, r *http.Request) { db.handler.ServeHTTP(w, r) }

// -- Module proxies

// Behavior is how a proxy answers requests for one module.
type Behavior struct {
	// Status answers every request for the module with this status (0:
	// serve the tree: 200 for what it has, 404 otherwise).
	Status int
	// Hang never answers (until the client goes away).
	Hang bool
	// SlowBody sends the headers and then one byte per interval.
	SlowBody time.Duration
	// Oversize answers 200 with this many bytes.
	Oversize int
	// HTML answers 200 with an HTML page, as a captive portal would.
	HTML bool
	// Redirect answers 302 to this base URL + the request path.
	Redirect string
}

// Proxy is a module proxy on loopback.
type Proxy struct {
	Name string
	Tree *Tree
	// Modules maps a module path to its behavior; "*" applies to every module.
	Modules map[string]Behavior
	// SumDB, when set, is proxied (…/sumdb/<name>/supported answers
	// SumDBStatus, default 200); otherwise /sumdb/ answers 404.
	SumDB       *SumDB
	SumDBStatus int
	// Latency is added to every request (the benchmark's 50 ms).
	Latency time.Duration
	Log     *Log
	// Hung receives the path of each request that hangs, and HungDone when
	// the client gave up on it.
	Hung, HungDone chan string
	// URL is http://127.0.0.1:port (set by Start).
	URL    string
	server *httptest.Server
	stop   chan struct{}
	mu     sync.Mutex // guards Modules once the proxy serves
}

// Set changes how the proxy answers for a module path ("*": every module)
// while it serves.
func (p *Proxy) Set(modPath string, b Behavior) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Modules == nil {
		p.Modules = map[string]Behavior{}
	}
	p.Modules[modPath] = b
}

// Start serves the proxy on 127.0.0.1 until the test ends.
func (p *Proxy) Start(t TB) *Proxy {
	t.Helper()
	p.stop = make(chan struct{})
	p.server = httptest.NewServer(p)
	p.URL = p.server.URL
	t.Cleanup(p.Close)
	return p
}

// Close stops the proxy, releasing any request it holds.
func (p *Proxy) Close() {
	select {
	case <-p.stop:
		return
	default:
	}
	close(p.stop)
	if p.server != nil {
		p.server.CloseClientConnections()
		p.server.Close()
	}
}

func (p *Proxy) behavior(modPath string) Behavior {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.Modules[modPath]; ok {
		return b
	}
	return p.Modules["*"]
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	record(p.Log, p.Name, r)
	if p.Latency > 0 {
		select {
		case <-time.After(p.Latency):
		case <-r.Context().Done():
			return
		}
	}
	path := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(path, "/sumdb/"); ok {
		p.serveSumDB(w, r, rest)
		return
	}
	escaped, file, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/@v/")
	if !ok {
		escaped, _, ok = strings.Cut(strings.TrimPrefix(path, "/"), "/@latest")
	}
	modPath, err := module.UnescapePath(escaped)
	if !ok || err != nil {
		http.Error(w, "not a module request", http.StatusNotFound)
		return
	}
	ServeModule(w, r, p.behavior(modPath), p.Tree, escaped+"/@v/"+file, p.stop, p.Hung, p.HungDone)
}

// ServeModule answers one module request with a behavior, from tree.
func ServeModule(w http.ResponseWriter, r *http.Request, b Behavior, tree *Tree, file string, stop <-chan struct{}, hung, hungDone chan string) {
	switch {
	case b.Hang:
		if hung != nil {
			hung <- r.URL.Path
		}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
		if hungDone != nil {
			hungDone <- r.URL.Path
		}
		return
	case b.Redirect != "":
		http.Redirect(w, r, b.Redirect+r.URL.EscapedPath(), http.StatusFound)
		return
	case b.HTML:
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>Please sign in to continue.</body></html>")
		return
	case b.Oversize > 0:
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for n := 0; n < b.Oversize; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case b.SlowBody > 0:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		for i := 0; ; i++ {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(b.SlowBody):
			case <-r.Context().Done():
				return
			case <-stop:
				return
			}
		}
	case b.Status != 0:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(b.Status)
		fmt.Fprintf(w, "%s: injected %d\n", r.URL.Path, b.Status)
		return
	}
	data, ok := tree.file(file)
	if !ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "not found: %s\n", r.URL.Path)
		return
	}
	w.Write(data)
}

func (p *Proxy) serveSumDB(w http.ResponseWriter, r *http.Request, rest string) {
	if p.SumDB == nil {
		http.NotFound(w, r)
		return
	}
	name, endpoint, _ := strings.Cut(rest, "/")
	if name != p.SumDB.Name {
		http.NotFound(w, r)
		return
	}
	status := p.SumDBStatus
	if status == 0 {
		status = http.StatusOK
	}
	if status != http.StatusOK {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "sumdb: injected %d\n", status)
		return
	}
	if endpoint == "supported" {
		w.WriteHeader(http.StatusOK)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + endpoint
	r2.URL.RawPath = ""
	p.SumDB.ServeHTTP(w, r2)
}

// -- TLS hosts and the certificate authority

// CA is a test certificate authority whose certificate is written to a file
// for SSL_CERT_FILE.
type CA struct {
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	CertFile string
}

// NewCA creates a certificate authority.
func NewCA(t TB) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("verifytest: CA key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "verifytest CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("verifytest: CA: %v", err)
	}
	cert, _ := x509.ParseCertificate(der)
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatalf("verifytest: %v", err)
	}
	return &CA{cert: cert, key: key, CertFile: file}
}

// Leaf issues a server certificate for the names.
func (ca *CA) Leaf(t TB, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("verifytest: leaf key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatalf("verifytest: leaf: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// Hosts is one TLS listener on 127.0.0.1 serving example.com host names by
// the Host header, with a certificate for *.example.com from its CA.
type Hosts struct {
	CA   *CA
	Addr string // 127.0.0.1:port
	Log  *Log
	mu   sync.Mutex
	by   map[string]http.Handler
	srv  *httptest.Server
	// plain are the hosts that serve only plain HTTP (HandlePlain), on a
	// second listener; their port 443 refuses connections.
	plain    map[string]http.Handler
	plainSrv *httptest.Server
}

// NewHosts starts the listener.
func NewHosts(t TB, ca *CA, l *Log) *Hosts {
	t.Helper()
	h := &Hosts{CA: ca, Log: l, by: map[string]http.Handler{}, plain: map[string]http.Handler{}}
	h.srv = httptest.NewUnstartedServer(http.HandlerFunc(h.serve))
	// Clients that give up mid-handshake (cancelled probes) are expected.
	h.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	h.srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, "example.com", "*.example.com", "*.mirror.example.com", "*.corp.example.com", "127.0.0.1")}}
	h.srv.StartTLS()
	h.Addr = h.srv.Listener.Addr().String()
	h.plainSrv = httptest.NewServer(http.HandlerFunc(h.servePlain))
	t.Cleanup(func() {
		h.srv.CloseClientConnections()
		h.srv.Close()
		h.plainSrv.CloseClientConnections()
		h.plainSrv.Close()
	})
	return h
}

// HandlePlain serves host (an example.com name) with handler over plain
// HTTP on port 80 only: its port 443 refuses connections, as an origin
// without TLS does.
func (h *Hosts) HandlePlain(host string, handler http.Handler) {
	h.mu.Lock()
	h.plain[host] = handler
	h.mu.Unlock()
}

func (h *Hosts) servePlain(w http.ResponseWriter, r *http.Request) { h.serveFrom(h.plain, w, r) }

// Handle serves host (e.g. git.example.com) with handler.
func (h *Hosts) Handle(host string, handler http.Handler) {
	h.mu.Lock()
	h.by[host] = handler
	h.mu.Unlock()
}

func (h *Hosts) serve(w http.ResponseWriter, r *http.Request) { h.serveFrom(h.by, w, r) }

// serveFrom answers r with the handler table holds for its host.
func (h *Hosts) serveFrom(table map[string]http.Handler, w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	h.mu.Lock()
	handler := table[host]
	h.mu.Unlock()
	if handler == nil {
		record(h.Log, host, r)
		http.Error(w, "unknown host "+host, http.StatusMisdirectedRequest)
		return
	}
	handler.ServeHTTP(w, r)
}

// Dial is a dialer for Verify that never resolves names: loopback addresses
// are dialled, example.com hosts on port 443 reach the TLS listener (those
// given to HandlePlain: port 80 reaches the plain listener, 443 is refused),
// and every other name fails as an unknown host.
func (h *Hosts) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("verifytest: refusing to dial %s", addr)
		}
		return d.DialContext(ctx, network, addr)
	}
	if h != nil && (host == "example.com" || strings.HasSuffix(host, ".example.com")) {
		h.mu.Lock()
		_, plain := h.plain[host]
		h.mu.Unlock()
		switch {
		case plain && port == "80":
			return d.DialContext(ctx, "tcp", h.plainSrv.Listener.Addr().String())
		case plain && port == "443":
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		case port == "443":
			return d.DialContext(ctx, "tcp", h.Addr)
		}
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// GoGet answers https://<host>/<path>?go-get=1 with a go-import tag for
// every module path in mods, naming the mod server at repo; other paths 404.
func GoGet(l *Log, name, repo string, mods ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(l, name, r)
		path := r.Host + r.URL.Path
		for _, m := range mods {
			if m == path && r.URL.Query().Get("go-get") == "1" {
				fmt.Fprintf(w, "<html><head><meta name=\"go-import\" content=\"%s mod %s\"></head><body></body></html>\n", m, repo)
				return
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "no go-import for %s\n", path)
	})
}
