// Package goenv holds pure parsers of the go command's configuration grammar —
// GOPROXY, GOSUMDB, the GOPRIVATE family of patterns, GOFLAGS and the known
// variable names — with cmd/go's exact semantics and error texts, and with
// byte offsets into the parsed value so that diagnostics can point at the
// entry that causes them. Nothing here reads the environment or the disk.
package goenv

import (
	"errors"
	"fmt"
	"net/url"
	pathpkg "path"
	"path/filepath"
	"strings"
	"unicode"
)

// ProxyKind says what a GOPROXY entry is.
type ProxyKind int

// GOPROXY entry kinds.
const (
	ProxyURL    ProxyKind = iota + 1 // a proxy URL (also for rejected entries)
	ProxyDirect                      // "direct": fetch from the origin
	ProxyOff                         // "off": no fetching at all
)

func (k ProxyKind) String() string {
	switch k {
	case ProxyDirect:
		return "direct"
	case ProxyOff:
		return "off"
	}
	return "url"
}

// ProxyEntry is one entry of a GOPROXY list
// (cmd/go/internal/modfetch/proxy.go proxyList).
type ProxyEntry struct {
	// Text is the entry as cmd/go sees it: strings.TrimSpace of the text
	// between separators.
	Text string
	// Start and End are Text's byte offsets in the parsed value.
	Start, End int
	// Sep is the separator after the entry: ',' or '|', or 0 at the end.
	// '|' means cmd/go falls back to the next entry on any error; ',' only
	// on "not found" (404/410).
	Sep  byte
	Kind ProxyKind
	// URL is the entry after cmd/go's scheme inference ("host/p" becomes
	// "https://host/p"); nil when the entry is rejected or not a URL.
	URL *url.URL
	// Err is cmd/go's rejection of the entry, with its exact text (url.Parse
	// errors are raw, so they may hold a password: redact before printing).
	Err error
	// Ignored marks entries after "direct" or "off": cmd/go stops reading
	// the list there and never looks at them.
	Ignored bool
}

// FallBackOnError reports whether cmd/go tries the next entry after any
// error from this one (the '|' separator).
func (e ProxyEntry) FallBackOnError() bool { return e.Sep == '|' }

// ErrNoEntries is cmd/go's error for a GOPROXY without entries; it is used
// even when GOPROXY is the empty string.
var ErrNoEntries = errors.New("GOPROXY list is not the empty string, but contains no entries")

// ParseGOPROXY splits a GOPROXY value exactly as cmd/go does. Every entry is
// returned, including rejected and ignored ones; the error is what cmd/go
// would report: the first rejected entry it reads, else ErrNoEntries when no
// entry is left. Unlike cmd/go it keeps validating after the first bad entry,
// so that every bad entry can be shown at once.
func ParseGOPROXY(value string) ([]ProxyEntry, error) {
	var entries []ProxyEntry
	var firstErr error
	live := 0
	stopped := false
	for pos := 0; pos < len(value); {
		end := len(value)
		var sep byte
		if i := strings.IndexAny(value[pos:], ",|"); i >= 0 {
			end = pos + i
			sep = value[end]
		}
		start, stop := trimSpan(value, pos, end)
		if sep != 0 {
			pos = end + 1
		} else {
			pos = len(value)
		}
		if start == stop {
			continue // empty entries are skipped ("a,,b" and " , " are fine)
		}
		e := ProxyEntry{Text: value[start:stop], Start: start, End: stop, Sep: sep, Ignored: stopped}
		switch e.Text {
		case "off":
			e.Kind = ProxyOff
		case "direct":
			e.Kind = ProxyDirect
		default:
			e.Kind = ProxyURL
			e.URL, e.Err = proxyURL(e.Text)
		}
		if !e.Ignored {
			if e.Err != nil && firstErr == nil {
				firstErr = e.Err
			}
			live++
			// "off" and "direct" end the list; later entries are ignored
			// "for forward-compatibility".
			stopped = e.Kind != ProxyURL
		}
		entries = append(entries, e)
	}
	if firstErr != nil {
		return entries, firstErr
	}
	if live == 0 {
		return entries, ErrNoEntries
	}
	return entries, nil
}

// Live returns the entries cmd/go reads (those before and including the
// first "direct" or "off").
func Live(entries []ProxyEntry) []ProxyEntry {
	var out []ProxyEntry
	for _, e := range entries {
		if !e.Ignored {
			out = append(out, e)
		}
	}
	return out
}

// proxyURL is cmd/go's scheme inference followed by newProxyRepo's checks.
func proxyURL(entry string) (*url.URL, error) {
	// Single-word tokens are reserved for built-in behaviours, and anything
	// containing ":/" or an absolute file path must be a complete URL; other
	// entries get an implicit "https://".
	raw := entry
	if strings.ContainsAny(raw, ".:/") && !strings.Contains(raw, ":/") && !filepath.IsAbs(raw) && !pathpkg.IsAbs(raw) {
		raw = "https://" + raw
	}
	base, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	redacted := base.Redacted()
	switch base.Scheme {
	case "http", "https":
	case "file":
		if *base != (url.URL{Scheme: base.Scheme, Path: base.Path, RawPath: base.RawPath}) {
			return nil, fmt.Errorf("invalid file:// proxy URL with non-path elements: %s", redacted)
		}
	case "":
		return nil, fmt.Errorf("invalid proxy URL missing scheme: %s", redacted)
	default:
		return nil, fmt.Errorf("invalid proxy URL scheme (must be https, http, file): %s", redacted)
	}
	return base, nil
}

// trimSpan is strings.TrimSpace expressed as offsets into s[start:end].
func trimSpan(s string, start, end int) (int, int) {
	seg := s[start:end]
	left := strings.TrimLeftFunc(seg, unicode.IsSpace)
	start += len(seg) - len(left)
	right := strings.TrimRightFunc(left, unicode.IsSpace)
	return start, start + len(right)
}

// MisSeparated reports an entry cmd/go accepts as one URL although it holds
// a ";" or whitespace, which users write as separators: url.Parse lets
// "https://a.example.com;direct" through with the ";" in the host, so every
// request to that "proxy" fails.
func (e ProxyEntry) MisSeparated() bool {
	return e.Kind == ProxyURL && e.Err == nil && strings.ContainsAny(e.Text, "; \t")
}
