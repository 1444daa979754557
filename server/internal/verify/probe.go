package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Class classifies the answer to one request.
type Class string

// Classes. The JSON of a proxy's status uses these names.
const (
	ClassOK           Class = "ok"
	ClassNotFound     Class = "not-found"           // 404 or 410 (and a missing file://)
	ClassDNS          Class = "dns-failure"         // the host name does not resolve
	ClassRefused      Class = "refused"             // connection refused or reset
	ClassTimeout      Class = "timeout"             // no answer within the per-request timeout
	ClassTLS          Class = "tls-error"           // handshake or certificate problem
	ClassAuth         Class = "auth-required"       // 401 or 403
	ClassProxyAuth    Class = "proxy-auth-required" // 407 from a forward proxy
	ClassForwardProxy Class = "forward-proxy-error" // a forward proxy refused the tunnel
	ClassServerError  Class = "server-error"        // 5xx
	ClassNotAProxy    Class = "not-a-proxy"         // an answer no module proxy gives
	ClassError        Class = "error"               // anything else
	// ClassUnprobed is a proxy no request reached (e.g. after a failure).
	ClassUnprobed Class = "unprobed"
)

// failure reports whether the class is a failure to reach or use a server
// (not a normal answer such as 200 or 404, and not "never asked").
func (c Class) failure() bool {
	return c != ClassOK && c != ClassNotFound && c != ClassUnprobed && c != ClassWithheld
}

// Request is one request Verify made (or would have made: Skipped), with the
// answer. URLs and errors are redacted.
type Request struct {
	URL string `json:"url"`
	// Status is the HTTP status (0 when there was no answer).
	Status    int     `json:"status"`
	Class     Class   `json:"class"`
	Error     string  `json:"error,omitempty"`
	LatencyMs float64 `json:"latencyMs"`
	// Via names the forward proxy (HTTP(S)_PROXY) the request went through.
	Via string `json:"via,omitempty"`
	// AtForwardProxy: the failure is the forward proxy's (unreachable,
	// not speaking the scheme its URL says, refusing CONNECT, asking for
	// credentials), not the URL's.
	AtForwardProxy bool `json:"atForwardProxy,omitempty"`

	body        []byte
	contentType string
	// timed: the request went out (or the file was read), so LatencyMs is
	// a measurement, not a request refused before it was made.
	timed bool
}

// requestKind selects the body limit and how a 200 answer is judged.
type requestKind int

const (
	kindInfo      requestKind = iota // <proxy>/<path>/@v/<version>.info: JSON with the version
	kindGoGet                        // https://<path>?go-get=1: HTML with go-import tags
	kindSupported                    // <proxy>/sumdb/<name>/supported: any 200
	kindSumDB                        // <sumdb>/lookup/... or /latest: any 200
	kindList                         // <proxy>/<path>/@v/list: any 200 (the health check)
)

// prober executes requests for one run: one HTTP client (connection pool)
// per consumer network environment, at most limit requests at a time, and
// every distinct request (client, URL, credentials) made once: consumers
// and steps asking the same thing share the answer.
type prober struct {
	timeout time.Duration
	maxBody int64
	dial    func(ctx context.Context, network, addr string) (net.Conn, error)
	sem     chan struct{}
	limit   int

	mu      sync.Mutex
	clients map[string]*http.Client
	calls   map[string]*call
	// skipped are the files (TLS roots, netrc) the run could not read.
	skipped map[string]sources.SkippedFile
}

type call struct {
	done chan struct{}
	res  Request
}

func newProber(o Options) *prober {
	return &prober{
		timeout: o.Timeout, maxBody: o.MaxBody, dial: o.Dial,
		sem: make(chan struct{}, o.Concurrency), limit: o.Concurrency,
		clients: map[string]*http.Client{}, calls: map[string]*call{}, skipped: map[string]sources.SkippedFile{},
	}
}

// skip records files the run could not read.
func (p *prober) skip(files ...sources.SkippedFile) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.skipLocked(files...)
}

func (p *prober) skipLocked(files ...sources.SkippedFile) {
	for _, f := range files {
		p.skipped[f.Path] = f
	}
}

// skippedFiles lists the recorded files by path.
func (p *prober) skippedFiles() []sources.SkippedFile {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]sources.SkippedFile, 0, len(p.skipped))
	for _, f := range p.skipped {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// client returns the pooled client for a network environment.
func (p *prober) client(n Net, insecure bool) (*http.Client, string, error) {
	key := n.transportKey(insecure)
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[key]; ok {
		return c, key, nil
	}
	c, skipped, err := newClient(n, insecure, p.dial, p.limit)
	p.skipLocked(skipped...)
	if err != nil {
		return nil, "", err
	}
	if insecure {
		c.Timeout = 5 * time.Second // impatientInsecureHTTPClient
	}
	p.clients[key] = c
	return c, key, nil
}

// closeIdle releases the pooled connections at the end of a run.
func (p *prober) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		c.CloseIdleConnections()
	}
}

// get fetches u as the consumer's go command would and classifies the
// answer. It returns an error only when ctx (the run) ends.
func (p *prober) get(ctx context.Context, env *consumerEnv, u *url.URL, kind requestKind, insecure bool) (Request, error) {
	if w := env.withheldFor(u); w != nil {
		return withheldRequest(u, w), nil
	}
	if u.Scheme == "file" {
		return p.once(ctx, "file\x00"+u.String(), func() Request { return p.getFile(ctx, u) })
	}
	if u.Scheme == "https" && env.authErr != nil {
		// cmd/go applies GOAUTH to https requests only, and fails them all.
		return Request{URL: redact.URL(u), Class: ClassError, Error: redact.RedactText("go: " + env.authErr.Error())}, nil
	}
	if u.Scheme == "http" && u.User != nil {
		// cmd/go web.get never sends a URL's credentials in clear text.
		return Request{URL: redact.URL(u), Class: ClassError,
			Error: "refusing to pass credentials to insecure URL: " + redact.URL(u)}, nil
	}
	c, key, err := p.client(env.net, insecure)
	if err != nil {
		return Request{URL: redact.URL(u), Class: ClassError, Error: redact.RedactText(err.Error())}, nil
	}
	var auth string
	if l, ok := env.creds.lookup(u); ok && env.netrc {
		auth = l.machine + "\x00" + l.login + "\x00" + l.password
	}
	return p.once(ctx, key+"\x00"+u.String()+"\x00"+auth+"\x00"+fmt.Sprint(kind), func() Request {
		return p.fetch(ctx, c, env, u, kind)
	})
}

// once runs f for the first asker of key; later askers wait for its answer.
func (p *prober) once(ctx context.Context, key string, f func() Request) (Request, error) {
	p.mu.Lock()
	if c, ok := p.calls[key]; ok {
		p.mu.Unlock()
		select {
		case <-c.done:
			return c.res, nil
		case <-ctx.Done():
			return Request{}, ctx.Err()
		}
	}
	c := &call{done: make(chan struct{})}
	p.calls[key] = c
	p.mu.Unlock()

	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		p.forget(key, c)
		return Request{}, ctx.Err()
	}
	c.res = f()
	<-p.sem
	if ctx.Err() != nil {
		// The run ended mid-request: the answer is not a real one.
		p.forget(key, c)
		return Request{}, ctx.Err()
	}
	close(c.done)
	return c.res, nil
}

// forget drops an unfinished call; its waiters see the run's end themselves.
func (p *prober) forget(key string, c *call) {
	p.mu.Lock()
	delete(p.calls, key)
	p.mu.Unlock()
}

func (p *prober) fetch(ctx context.Context, c *http.Client, env *consumerEnv, u *url.URL, kind requestKind) (res Request) {
	res = Request{URL: redact.URL(u)}
	if proxy := env.net.Proxy.ProxyFor(u); proxy != "" {
		res.Via = redact.Redact(proxy)
	}
	// Started before the deadline is set, so a timeout measures at least
	// the timeout. res is the named result: the deferred measurement
	// reaches the caller.
	start := time.Now()
	defer func() { res.LatencyMs, res.timed = sinceMs(start), true }()
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()

	hs := &handshakes{}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, hs.trace()), http.MethodGet, u.String(), nil)
	if err != nil {
		res.Class, res.Error = ClassError, redact.RedactText(err.Error())
		return res
	}
	if l, ok := env.creds.lookup(u); ok && env.netrc {
		req.SetBasicAuth(l.login, l.password)
	}
	resp, err := c.Do(req)
	if err != nil {
		res.Class, res.Error = classifyError(ctx, err, hs.failed())
		res.AtForwardProxy = res.Via != "" && atForwardProxy(err)
		return res
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	res.contentType = resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode == http.StatusOK:
		body, err := io.ReadAll(io.LimitReader(resp.Body, p.maxBody+1))
		switch {
		case err != nil:
			res.Class, res.Error = classifyError(ctx, err, false)
			res.Error = "reading the response: " + res.Error
			return res
		case int64(len(body)) > p.maxBody && kind != kindGoGet:
			res.Class, res.Error = ClassNotAProxy, fmt.Sprintf("response larger than %d bytes", p.maxBody)
			return res
		}
		res.body = body
		res.Class = ClassOK
	case kind == kindGoGet:
		// A go-import tag in an error page counts (cmd/go accepts any status).
		body, _ := io.ReadAll(io.LimitReader(resp.Body, p.maxBody))
		res.body = body
		res.Class, res.Error = statusClass(resp, res.Via)
	default:
		res.Class, res.Error = statusClass(resp, res.Via)
		// Only a forward proxy answers 407.
		res.AtForwardProxy = res.Via != "" && resp.StatusCode == http.StatusProxyAuthRequired
		if detail := errorDetail(resp); detail != "" {
			res.Error += ": " + detail
		}
	}
	res.Error = redact.RedactText(res.Error)
	return res
}

func statusClass(resp *http.Response, via string) (Class, string) {
	status := resp.Status
	switch c := resp.StatusCode; {
	case c == http.StatusNotFound || c == http.StatusGone:
		return ClassNotFound, status
	case c == http.StatusUnauthorized || c == http.StatusForbidden:
		return ClassAuth, status
	case c == http.StatusProxyAuthRequired:
		if via != "" {
			return ClassProxyAuth, status + " from forward proxy " + via
		}
		return ClassProxyAuth, status
	case c >= 500:
		return ClassServerError, status
	}
	return ClassError, status
}

// errorDetail is cmd/go's "server response": the first lines of a
// text/plain error body.
func errorDetail(resp *http.Response) string {
	mt, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/plain" {
		return ""
	}
	switch strings.ToLower(params["charset"]) {
	case "", "utf-8", "us-ascii":
	default:
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 648))
	text, _, _ := strings.Cut(string(b), "\n\n")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > 8 {
		lines = lines[:8]
	}
	return strings.Join(lines, " ")
}

// handshakes follows one request's TLS handshakes (with an https forward
// proxy, then with the server).
type handshakes struct {
	mu  sync.Mutex
	bad bool
}

func (h *handshakes) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
		if err != nil {
			h.mu.Lock()
			h.bad = true
			h.mu.Unlock()
		}
	}}
}

// failed reports whether a handshake failed.
func (h *handshakes) failed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.bad
}

// atForwardProxy reports a failure of the forward proxy itself: dialling
// it (or its own TLS, for an https:// proxy URL) failed, or it refused the
// CONNECT tunnel.
func atForwardProxy(err error) bool {
	var ce *connectError
	var op *net.OpError
	return errors.As(err, &ce) || errors.As(err, &op) && op.Op == "proxyconnect"
}

// classifyError names a transport failure: what a person behind a proxy
// needs to know first. inHandshake: the error ended a TLS handshake, where
// a closed connection means the server does not speak TLS (a plain-HTTP
// server closes the connection on the ClientHello), not a refusal.
func classifyError(ctx context.Context, err error, inHandshake bool) (Class, string) {
	msg := redact.RedactText(err.Error())
	var ce *connectError
	var dnsErr *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var netErr net.Error
	switch {
	case errors.As(err, &ce):
		if ce.status == http.StatusProxyAuthRequired {
			return ClassProxyAuth, ce.Error()
		}
		return ClassForwardProxy, ce.Error()
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return ClassTimeout, msg
	case errors.As(err, &dnsErr):
		return ClassDNS, msg
	case errors.As(err, &unknownAuthority):
		return ClassTLS, "certificate signed by an unknown authority (" + certName(unknownAuthority.Cert) + "): " + msg
	case errors.As(err, &hostnameErr):
		return ClassTLS, "certificate for another host: " + msg
	case errors.As(err, &invalid):
		return ClassTLS, "invalid certificate: " + msg
	case errors.As(err, &verifyErr):
		return ClassTLS, "certificate rejected: " + msg
	case errors.As(err, &recordErr):
		return ClassTLS, "the server does not speak TLS: " + msg
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return ClassTLS, "the server speaks plain HTTP, not HTTPS: " + msg
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused, msg
	case inHandshake && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return ClassTLS, "the server closed the connection during the TLS handshake: it speaks plain HTTP, not HTTPS, or no TLS it accepts: " + msg
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return ClassRefused, "connection closed: " + msg
	case errors.As(err, &netErr) && netErr.Timeout():
		return ClassTimeout, msg
	}
	return ClassError, msg
}

// sinceMs is the time since start in milliseconds, to the microsecond.
func sinceMs(start time.Time) float64 { return float64(time.Since(start).Microseconds()) / 1000 }

func certName(c *x509.Certificate) string {
	if c == nil {
		return "no certificate"
	}
	name := c.Subject.CommonName
	if name == "" && len(c.DNSNames) > 0 {
		name = c.DNSNames[0]
	}
	if c.Subject.String() == c.Issuer.String() {
		return "self-signed " + strings.TrimSpace(name)
	}
	return "issued by " + c.Issuer.String()
}

// getFile reads a file:// proxy URL as cmd/go's web.getFile does: a missing
// file is a 404, an unreadable one a 403. It reads through safeio within
// the body limit: a FIFO or a device in the proxy tree is refused at once
// (cmd/go would block on it or read it forever), and the read is bounded by
// the request timeout and the run's context all the same.
func (p *prober) getFile(ctx context.Context, u *url.URL) (res Request) {
	start := time.Now()
	res = Request{URL: redact.URL(u)}
	defer func() { res.LatencyMs, res.timed = sinceMs(start), true }()
	path, err := fileURLPath(u)
	if err != nil {
		res.Class, res.Error = ClassError, err.Error()
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	type read struct {
		body []byte
		err  error
	}
	done := make(chan read, 1)
	go func() {
		body, err := safeio.ReadFile(path, p.maxBody)
		done <- read{body, err}
	}()
	var r read
	select {
	case r = <-done:
	case <-ctx.Done():
		res.Class, res.Error = ClassTimeout, "reading "+path+": "+ctx.Err().Error()
		return res
	}
	var se *safeio.SkipError
	switch {
	case errors.As(r.err, &se) && se.Reason == safeio.TooLarge:
		res.Status, res.Class, res.Error = http.StatusOK, ClassNotAProxy, fmt.Sprintf("file larger than %d bytes", p.maxBody)
	case errors.As(r.err, &se):
		res.Class, res.Error = ClassError, clip.Value(path)+": skipped: "+se.Why()
	case os.IsNotExist(r.err):
		res.Status, res.Class, res.Error = http.StatusNotFound, ClassNotFound, "no such file or directory"
	case os.IsPermission(r.err):
		res.Status, res.Class, res.Error = http.StatusForbidden, ClassAuth, "permission denied"
	case r.err != nil:
		res.Class, res.Error = ClassError, r.err.Error()
	default:
		res.Status, res.Class, res.body = http.StatusOK, ClassOK, r.body
	}
	return res
}

// fileURLPath is cmd/go's urlToFilePath for the URLs ParseGOPROXY accepts
// (no host): the path, which must be absolute.
func fileURLPath(u *url.URL) (string, error) {
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // file:///C:/dir
		p = p[1:]
	}
	if p == "" {
		return "", errors.New("file URL missing path")
	}
	return p, nil
}
