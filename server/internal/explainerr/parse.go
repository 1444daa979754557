// Package explainerr explains an error the go command printed while it
// fetched a module: Parse reads the message (which module, which version,
// which URL, which status, which hop of the route failed) against a
// table-driven catalogue of the go command's messages, and Explain tells,
// from a folder's engine result, which consumers' settings route the module
// there — each value with the file and line it comes from — and which fix
// applies. It is pure: no process, no network.
package explainerr

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// MaxInput bounds the text Parse reads: a pasted terminal scrollback is cut
// to its last MaxInput bytes, where the go command's final error is.
const MaxInput = 64 << 10

// Hop is the part of the module's route that failed.
type Hop string

// Hops.
const (
	HopNone         Hop = ""              // no request was made (GOPROXY=off)
	HopProxy        Hop = "proxy"         // a GOPROXY entry (module proxy)
	HopSumDB        Hop = "sumdb"         // the checksum database (GOSUMDB)
	HopDirect       Hop = "direct"        // the module's origin (GOPROXY's direct, or GONOPROXY)
	HopForwardProxy Hop = "forward-proxy" // the HTTP proxy of HTTPS_PROXY/HTTP_PROXY
	HopGoSum        Hop = "go.sum"        // the hashes in go.sum
)

// Case names one message of the catalogue.
type Case string

// The catalogue's cases.
const (
	CaseNotFound               Case = "not-found"
	CaseServerError            Case = "server-error"
	CaseAuth                   Case = "auth"
	CaseRefused                Case = "connection-refused"
	CaseDNS                    Case = "no-such-host"
	CaseTLS                    Case = "tls"
	CaseTimeout                Case = "timeout"
	CaseNotAProxy              Case = "not-a-proxy"
	CaseOff                    Case = "goproxy-off"
	CaseInsecureCredentials    Case = "insecure-credentials"
	CaseSumDBNotFound          Case = "sumdb-not-found"
	CaseChecksumMismatch       Case = "checksum-mismatch"
	CaseUnrecognizedImportPath Case = "unrecognized-import-path"
	CaseForwardProxy           Case = "forward-proxy"
	CaseForwardProxyAuth       Case = "forward-proxy-auth"
)

// Parsed is what a message says.
type Parsed struct {
	Case Case `json:"case"`
	Hop  Hop  `json:"hop"`
	// Module and Version are the module the go command was fetching.
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// URL is the request that failed, credentials redacted ("" when the
	// message names none).
	URL string `json:"url,omitempty"`
	// Status is the HTTP status (0: no answer).
	Status int `json:"status,omitempty"`
	// ForwardProxy is the forward proxy's address when the message names it.
	ForwardProxy string `json:"forwardProxy,omitempty"`
	// Line is the message line the case was read from (redacted).
	Line string `json:"line,omitempty"`
	// Detail is the server's response the go command quotes (redacted).
	Detail string `json:"detail,omitempty"`
}

// Found reports whether the text held a message of the catalogue.
func (p Parsed) Found() bool { return p.Case != "" }

// fields is the fixture form of the fields a catalogue test checks.
func (p Parsed) fields() string {
	var b strings.Builder
	w := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	w("case", string(p.Case))
	w("hop", string(p.Hop))
	w("module", p.Module)
	w("version", p.Version)
	w("url", p.URL)
	if p.Status != 0 {
		w("status", strconv.Itoa(p.Status))
	}
	w("forward-proxy", p.ForwardProxy)
	return b.String()
}

// entry is one row of the catalogue: a message shape, the case it is, and
// the hop it blames when the URL alone does not say.
type entry struct {
	c   Case
	re  *regexp.Regexp
	hop Hop // HopProxy: decided by the line (proxy, direct or checksum database)
}

// catalogue lists the go command's messages, most specific first: a line
// is the first entry that matches it.
var catalogue = []entry{
	{CaseChecksumMismatch, regexp.MustCompile(`checksum mismatch`), HopGoSum},
	{CaseOff, regexp.MustCompile(`module lookup disabled by GOPROXY=off`), HopNone},
	{CaseForwardProxyAuth, regexp.MustCompile(`Proxy Authentication Required|\b407\b`), HopForwardProxy},
	{CaseForwardProxy, regexp.MustCompile(`proxyconnect tcp: `), HopForwardProxy},
	{CaseInsecureCredentials, regexp.MustCompile(`refusing to pass credentials to insecure URL`), HopProxy},
	{CaseNotAProxy, regexp.MustCompile(`invalid response from proxy|proxy returned info for version`), HopProxy},
	{CaseTLS, regexp.MustCompile(`x509: |tls: `), HopProxy},
	{CaseDNS, regexp.MustCompile(`no such host`), HopProxy},
	{CaseRefused, regexp.MustCompile(`connection refused`), HopProxy},
	{CaseTimeout, regexp.MustCompile(`i/o timeout|TLS handshake timeout|context deadline exceeded|Client\.Timeout exceeded`), HopProxy},
	// The status cases: the hop and the status decide the case (caseOf).
	{"", regexp.MustCompile(`reading \S+: \d{3}\b`), HopProxy},
	{CaseUnrecognizedImportPath, regexp.MustCompile(`unrecognized import path`), HopDirect},
}

var (
	// reModule finds the module@version the line is about: "go: m@v: ",
	// "verifying m@v: ", "verifying m@v/go.mod: ".
	reModule  = regexp.MustCompile(`([a-zA-Z0-9][^\s@:"]*\.[^\s@:"]*)@(v[^\s:/]+)(?:/go\.mod)?: `)
	reReading = regexp.MustCompile(`reading (\S+): (\d{3})\b`)
	reGet     = regexp.MustCompile(`(?:Get|Head) "([^"]+)"`)
	reQuoted  = regexp.MustCompile(`(?:invalid response from proxy|insecure URL:) "?([^"\s]+)"?`)
	reProxyTo = regexp.MustCompile(`proxyconnect tcp: dial tcp ([^\s:]+:\d+)`)
	reImport  = regexp.MustCompile(`unrecognized import path "([^"]+)"`)
)

// Parse reads the go command's message in text (a whole terminal output
// will do: the last line that matches the catalogue is the error). Every
// URL and credential is redacted before anything is kept.
func Parse(text string) Parsed {
	if len(text) > MaxInput {
		text = text[len(text)-MaxInput:]
	}
	text = redact.RedactText(strings.ReplaceAll(text, "\r\n", "\n"))
	lines := strings.Split(text, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimSpace(lines[i])
		if strings.HasPrefix(line, "server response:") {
			// The server's own words, quoted under the go command's line.
			continue
		}
		for _, e := range catalogue {
			if !e.re.MatchString(line) {
				continue
			}
			p := parseLine(line, e)
			if i+1 < len(lines) {
				if d, ok := strings.CutPrefix(strings.TrimSpace(lines[i+1]), "server response:"); ok {
					p.Detail = strings.TrimSpace(d)
				}
			}
			return p
		}
	}
	return Parsed{}
}

func parseLine(line string, e entry) Parsed {
	p := Parsed{Case: e.c, Hop: e.hop, Line: line}
	if m := reModule.FindStringSubmatch(line); m != nil {
		p.Module, p.Version = m[1], m[2]
	} else if m := reImport.FindStringSubmatch(line); m != nil {
		p.Module = m[1]
	}
	if m := reReading.FindStringSubmatch(line); m != nil {
		p.URL = m[1]
		p.Status, _ = strconv.Atoi(m[2])
	} else if m := reGet.FindStringSubmatch(line); m != nil {
		p.URL = m[1]
	} else if m := reQuoted.FindStringSubmatch(line); m != nil {
		p.URL = m[1]
	}
	if e.c == CaseForwardProxyAuth {
		p.Status = 407
	}
	if m := reProxyTo.FindStringSubmatch(line); m != nil {
		p.ForwardProxy = m[1]
	}
	if p.Hop == HopProxy {
		p.Hop = hopOf(line, p.URL)
	}
	if p.Case == "" {
		p.Case = caseOf(p.Hop, p.Status)
	}
	return p
}

// hopOf tells which part of the route a request belongs to: the checksum
// database's lookups, an origin's go-get or VCS requests, else a proxy's.
func hopOf(line, u string) Hop {
	switch {
	case strings.Contains(u, "/lookup/") || strings.Contains(u, "/tile/") || strings.HasSuffix(u, "/latest") || strings.Contains(u, "/sumdb/"):
		return HopSumDB
	case strings.Contains(line, "unrecognized import path") || strings.Contains(u, "?go-get=1"):
		return HopDirect
	}
	return HopProxy
}

// caseOf is the case of an HTTP status at a hop.
func caseOf(h Hop, status int) Case {
	switch {
	case (status == 404 || status == 410) && h == HopSumDB:
		return CaseSumDBNotFound
	case h == HopDirect && status < 500 && status != 401 && status != 403:
		return CaseUnrecognizedImportPath
	case status == 404 || status == 410:
		return CaseNotFound
	case status == 401 || status == 403:
		return CaseAuth
	}
	return CaseServerError
}
