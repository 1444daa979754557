package verify

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Net is the part of a consumer's process environment the go command's HTTP
// client reads: net/http's proxy variables (never the GOENV file), the TLS
// roots crypto/x509 loads, and the netrc file GOAUTH=netrc reads.
type Net struct {
	Proxy goenv.NetProxy
	// SSLCertFile and SSLCertDir are SSL_CERT_FILE and SSL_CERT_DIR.
	SSLCertFile, SSLCertDir string
	// NetrcPath is $NETRC, else the home directory's .netrc.
	NetrcPath string
	GOOS      string
}

// NetFrom reads a consumer's network environment.
func NetFrom(getenv func(string) string, goos string) Net {
	n := Net{
		Proxy:       goenv.NetProxyFrom(getenv),
		SSLCertFile: getenv("SSL_CERT_FILE"),
		SSLCertDir:  getenv("SSL_CERT_DIR"),
		GOOS:        goos,
	}
	n.NetrcPath = netrcPath(getenv, goos)
	return n
}

// netrcPath is cmd/go/internal/auth netrcPath for another process's
// environment: $NETRC, else (Windows) an existing %USERPROFILE%\_netrc,
// else the home directory's .netrc.
func netrcPath(getenv func(string) string, goos string) string {
	if p := getenv("NETRC"); p != "" {
		return p
	}
	home := getenv("HOME")
	if goos == "windows" {
		home = getenv("USERPROFILE")
		if home != "" {
			legacy := filepath.Join(home, "_netrc")
			if _, err := os.Stat(legacy); err == nil {
				return legacy
			}
		}
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".netrc")
}

// transportKey identifies what makes two consumers' connections differ.
func (n Net) transportKey(insecure bool) string {
	h := sha256.New()
	for _, s := range []string{n.Proxy.HTTPProxy, n.Proxy.HTTPSProxy, n.Proxy.NoProxy, fmt.Sprint(n.Proxy.CGI), n.SSLCertFile, n.SSLCertDir, fmt.Sprint(insecure)} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// forward proxy CONNECT failures are reported with the status the forward
// proxy answered (net/http otherwise keeps only its reason text).
type connectError struct {
	proxy  string // redacted
	status int
	text   string
}

func (e *connectError) Error() string {
	return fmt.Sprintf("forward proxy %s answered CONNECT with %d %s", e.proxy, e.status, e.text)
}

// newClient builds the HTTP client cmd/go would use in this environment:
// http.DefaultTransport's settings with the consumer's proxy function and
// TLS roots. insecure is GOINSECURE's impatient client for direct
// resolution (no certificate verification).
//
// The files it could not read (SSL_CERT_FILE=/dev/zero, SSL_CERT_DIR=/dev)
// are returned for the report.
func newClient(n Net, insecure bool, dial func(ctx context.Context, network, addr string) (net.Conn, error), maxConns int) (*http.Client, []sources.SkippedFile, error) {
	cfg := &httpproxy.Config{
		HTTPProxy: n.Proxy.HTTPProxy, HTTPSProxy: n.Proxy.HTTPSProxy, NoProxy: n.Proxy.NoProxy, CGI: n.Proxy.CGI,
	}
	proxyFunc := cfg.ProxyFunc()
	tlsConfig := &tls.Config{}
	var skipped []sources.SkippedFile
	if insecure {
		tlsConfig.InsecureSkipVerify = true
	} else {
		tlsConfig.RootCAs, skipped = rootsFor(n)
	}
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	t := &http.Transport{
		Proxy:                 func(r *http.Request) (*url.URL, error) { return proxyFunc(r.URL) },
		DialContext:           dial,
		TLSClientConfig:       tlsConfig,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxConns,
		MaxIdleConnsPerHost:   maxConns,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		OnProxyConnectResponse: func(_ context.Context, proxy *url.URL, _ *http.Request, res *http.Response) error {
			if res.StatusCode != http.StatusOK {
				_, text, _ := strings.Cut(res.Status, " ")
				return &connectError{proxy: redact.Redact(proxy.String()), status: res.StatusCode, text: text}
			}
			return nil
		},
	}
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}, skipped, nil
}

// checkRedirect is cmd/go's redirect policy (web/http.go): at most 10
// redirects and never from https to plain http. On top of it, credentials
// never follow a redirect to another host: net/http already drops an
// Authorization header on a redirect to an unrelated domain, but keeps it
// for a subdomain; here any other host:port loses it.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if first.Scheme == "https" && req.URL.Scheme != "https" {
		last := via[len(via)-1].URL
		return fmt.Errorf("redirected from secure URL %s to insecure URL %s", redact.URL(last), redact.URL(req.URL))
	}
	if !strings.EqualFold(req.URL.Host, first.Host) {
		req.Header.Del("Authorization")
		req.URL.User = nil
	}
	return nil
}

// certFiles and certDirectories are crypto/x509's defaults on Linux
// (root_linux.go, root_unix.go); SSL_CERT_FILE and SSL_CERT_DIR replace them.
var (
	certFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/cert.pem",
	}
	certDirectories = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}
)

// Bounds of the certificate reads: SSL_CERT_DIR may name /dev or a
// directory of a million files.
var certDirLimits = safeio.DirLimits{Entries: 4096, File: 1 << 20, Total: 32 << 20}

// rootsFor returns the roots crypto/x509 would load in the consumer's
// environment (nil: the platform verifier, on macOS and Windows), built the
// way loadSystemRoots does but through safeio: crypto/x509's own loader
// (the system pool) reads SSL_CERT_FILE and every SSL_CERT_DIR entry
// without a limit, which /dev/zero or a FIFO would turn into a hang or
// exhausted memory — so it is never used, even when the consumer's
// variables are this process's own. Files that were refused are returned.
func rootsFor(n Net) (*x509.CertPool, []sources.SkippedFile) {
	if n.GOOS != "linux" && n.GOOS != "freebsd" && n.GOOS != "openbsd" && n.GOOS != "netbsd" && n.GOOS != "dragonfly" && n.GOOS != "solaris" && n.GOOS != "illumos" && n.GOOS != "aix" {
		return nil, nil // macOS and Windows use the platform verifier
	}
	var skipped []sources.SkippedFile
	skip := func(err error) bool {
		var se *safeio.SkipError
		if errors.As(err, &se) {
			skipped = append(skipped, sources.SkippedFile{Path: se.Path, Reason: se.Why()})
			return true
		}
		return false
	}
	pool := x509.NewCertPool()
	files := certFiles
	if n.SSLCertFile != "" {
		files = []string{n.SSLCertFile}
	}
	for _, f := range files {
		data, err := safeio.ReadFile(f, safeio.MaxFile)
		if err == nil {
			pool.AppendCertsFromPEM(data)
			break
		}
		skip(err)
	}
	dirs := certDirectories
	if n.SSLCertDir != "" {
		dirs = strings.Split(n.SSLCertDir, ":")
	}
	for _, d := range dirs {
		entries, skips, err := safeio.ReadDirFiles(d, certDirLimits)
		if skip(err) {
			continue
		}
		for _, e := range entries {
			pool.AppendCertsFromPEM(e.Data)
		}
		if skips.Any() {
			skipped = append(skipped, sources.SkippedFile{Path: d, Reason: "certificate directory: " + skips.String()})
		}
	}
	return pool, skipped
}

// netrcLine is one complete machine entry.
type netrcLine struct{ machine, login, password string }

// parseNetrc is cmd/go/internal/auth parseNetrc: entries need machine, login
// and password; "default" ends the file; macdef bodies are skipped.
func parseNetrc(data string) []netrcLine {
	var nrc []netrcLine
	var l netrcLine
	inMacro := false
	for _, line := range strings.Split(data, "\n") {
		if inMacro {
			if line == "" {
				inMacro = false
			}
			continue
		}
		f := strings.Fields(line)
		i := 0
		for ; i < len(f)-1; i += 2 {
			switch f[i] {
			case "machine":
				l = netrcLine{machine: f[i+1]}
			case "login":
				l.login = f[i+1]
			case "password":
				l.password = f[i+1]
			case "macdef":
				inMacro = true
			}
			if l.machine != "" && l.login != "" && l.password != "" {
				nrc = append(nrc, l)
				l = netrcLine{}
			}
		}
		if i < len(f) && f[i] == "default" {
			break
		}
	}
	return nrc
}

// credentials are the netrc entries by machine; a later entry for the same
// machine replaces an earlier one, as cmd/go's credential cache does.
type credentials map[string]netrcLine

// A netrc file that is not a regular file or is over the size limit is
// returned as skipped.
func loadCredentials(path string) (credentials, *sources.SkippedFile) {
	if path == "" {
		return nil, nil
	}
	data, err := safeio.ReadFile(path, safeio.MaxFile)
	var se *safeio.SkipError
	if errors.As(err, &se) {
		return nil, &sources.SkippedFile{Path: path, Reason: se.Why()}
	}
	if err != nil {
		return nil, nil
	}
	c := credentials{}
	for _, l := range parseNetrc(string(data)) {
		c[l.machine] = l
	}
	return c, nil
}

// lookup is cmd/go's loadCredential: the longest prefix of the URL without
// "https://" (host[:port]/path...) that names a stored machine. A URL with
// userinfo never matches, since the prefix then starts with it.
func (c credentials) lookup(u *url.URL) (netrcLine, bool) {
	if len(c) == 0 || u.Scheme != "https" {
		return netrcLine{}, false
	}
	prefix := strings.TrimSuffix(strings.TrimPrefix(u.String(), "https://"), "/")
	for {
		if l, ok := c[prefix]; ok {
			return l, true
		}
		i := strings.LastIndexByte(prefix, '/')
		if i < 0 {
			return netrcLine{}, false
		}
		prefix = prefix[:i]
	}
}
