// Package redact masks credentials in URLs and in free text before anything
// reaches a message, a log line, an edit or the CLI's output (SPEC §8:
// credentials are redacted everywhere, as https://user:xxxxx@host).
//
// Masking is lexical rather than url.Parse-based on purpose: the values that
// leak passwords most often are the ones url.Parse rejects (cmd/go prints
// `parse "https://user:secret@host:x": invalid port` verbatim), and a
// password holding '/', '?' or '#' is cut in two by url.Parse (its authority
// ends at the first of them), which would leave half of it in the "path".
package redact

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Mask replaces a password, as url.URL.Redacted does.
const Mask = "xxxxx"

// Redact masks the credentials of one URL-like value: the password of
// scheme://user:password@host, a user-only token of scheme://token@host (a
// bare token in userinfo is a credential too), and user:password@host written
// without a scheme (as HTTPS_PROXY allows). Anything else is returned as is.
func Redact(u string) string { return RedactText(u) }

// HasCredential reports whether s holds URL userinfo that RedactText would
// mask: text that must not be written into a file or shown.
func HasCredential(s string) bool { return RedactText(s) != s }

// URL is u for people: url.URL.Redacted masks a password but prints a
// user-only token as it is; URL masks both.
func URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	return RedactText(u.Redacted())
}

// RedactText masks the userinfo of every URL inside s (scheme://...@), and of
// schemeless user:password@host words.
//
// The userinfo of a URL runs to the last '@' of its token — the text up to
// white space, a quote, '<', '>', ',', '|' or the next "://" — that does not
// belong to a module path ("/@v/", "/@latest", "mod@v1.2.3"), whatever '/',
// '?', '#', '@' or '%' it holds: that is what a person who wrote a password
// meant, even where url.Parse would read a host and a path. The search for
// that '@' goes on over ',' and '|' (a password may hold them) up to the
// next URL. A password holding white space or a quote is not found.
func RedactText(s string) string { return mask(s, nil) }

// mask is RedactText, calling found with each credential it masks.
func mask(s string, found func(secret string)) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		start := i + j + 3
		end := tokenEnd(s, start)
		if at := userinfoEnd(s[start:acrossLists(s, end)]); at > 0 {
			masked := maskUserinfo(s[start : start+at])
			if found != nil {
				found(s[start+len(masked)-len(Mask) : start+at])
			}
			b.WriteString(s[last:start])
			b.WriteString(masked)
			last = start + at
		}
		i = start
	}
	b.WriteString(s[last:])
	return maskSchemeless(b.String(), found)
}

// Secrets lists the credentials values hold: the password, or the whole
// token, of each userinfo RedactText masks in them.
func Secrets(values ...string) []string {
	var out []string
	for _, v := range values {
		mask(v, func(secret string) {
			if secret != Mask && secret != "" && !slices.Contains(out, secret) {
				out = append(out, secret)
			}
		})
	}
	return out
}

// RedactKnown is RedactText that also masks, in text, what starts like one
// of secrets, or like a piece of one after a '/', '?', '#', '@' or ':', for
// four characters or more (a shorter one only whole, as a word), where no
// letter or digit comes just before. Errors about a value quote such pieces
// without their '@', which RedactText cannot see: url.Parse reports
// `parse "https://u:Can/ary": invalid port ":Can" after host` for
// https://u:Can/ary#x@host (it strips the fragment and ends the host at the
// first '/').
func RedactKnown(text string, secrets []string) string {
	text = RedactText(text)
	if len(secrets) == 0 {
		return text
	}
	// Messages and errors quote values with %q: look for that form too.
	forms := slices.Clone(secrets)
	for _, s := range secrets {
		if q := strconv.Quote(s); q[1:len(q)-1] != s {
			forms = append(forms, q[1:len(q)-1])
		}
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		best := 0
		if i == 0 || !isAlnum(text[i-1]) {
			for _, s := range forms {
				for start := 0; start < len(s); start++ {
					if start > 0 && strings.IndexByte("/?#@:", s[start-1]) < 0 {
						continue
					}
					n := 0
					for i+n < len(text) && start+n < len(s) && text[i+n] == s[start+n] {
						n++
					}
					// A short piece counts only as a whole word.
					whole := n == len(s)-start && (i+n == len(text) || !isAlnum(text[i+n]))
					if (n >= 4 || whole) && n > best {
						best = n
					}
				}
			}
		}
		if best == 0 {
			i++
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(Mask)
		i += best
		last = i
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// tokenEnd is where the token that starts at start ends: at a delimiter
// (see isDelimiter) or at the "://" of the next URL of a list.
func tokenEnd(s string, start int) int {
	end := start
	for end < len(s) && !isDelimiter(s, end) && !strings.HasPrefix(s[end:], "://") {
		end++
	}
	return end
}

// acrossLists extends a token that ends at ',' or '|' over the next ones
// (but not into another URL): net/http reads http://u:p,ss@host as user u
// with password "p,ss".
func acrossLists(s string, end int) int {
	for end < len(s) && (s[end] == ',' || s[end] == '|') {
		end = tokenEnd(s, end+1)
	}
	return end
}

// userinfoEnd is the index of the '@' that ends the userinfo of a token (the
// text after "://" or a schemeless word), or -1.
func userinfoEnd(tok string) int {
	for at := strings.LastIndexByte(tok, '@'); at >= 0; at = strings.LastIndexByte(tok[:at], '@') {
		if !modulePathAt(tok, at) {
			return at
		}
	}
	return -1
}

// modulePathAt reports whether the '@' at tok[at] belongs to a module path
// of the GOPROXY or checksum database protocol rather than ending userinfo:
// ".../@v/...", ".../@latest", or ".../mod@v1.2.3" after a '/'.
func modulePathAt(tok string, at int) bool {
	rest := tok[at+1:]
	if at > 0 && tok[at-1] == '/' {
		return strings.HasPrefix(rest, "v/") || rest == "v" || strings.HasPrefix(rest, "latest")
	}
	return strings.Contains(tok[:at], "/") && semverPrefix(rest)
}

// semverPrefix reports whether s starts with a version vN.N.N that ends
// there or goes on with a pre-release, build or path ("v1.2.3.example.com"
// is a host, not a version).
func semverPrefix(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	s = s[1:]
	for part := 0; part < 3; part++ {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 {
			return false
		}
		s = s[n:]
		if part < 2 {
			if s == "" || s[0] != '.' {
				return false
			}
			s = s[1:]
		}
	}
	return s == "" || strings.IndexByte("-+/:", s[0]) >= 0 || isDelimiter(s, 0)
}

// maskUserinfo masks a URL's userinfo (the text before its '@'): user:xxxxx
// when it starts with a plain user name and a colon, else xxxxx.
func maskUserinfo(ui string) string {
	if colon := strings.IndexByte(ui, ':'); colon >= 0 && plainUser(ui[:colon]) {
		return ui[:colon+1] + Mask
	}
	return Mask
}

// plainUser reports whether s can only be a user name: RFC 3986 userinfo
// characters without ':' (no '/', '?', '#', '@' that would make it part of
// a password).
func plainUser(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~!$&'()*+;=%", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// maskSchemeless masks user:password@host words that have no scheme. A word
// starts at the beginning of s or after white space, a quote, '=', ',', '|',
// '(', '<' or ';', and ends at a delimiter; "git@host:org" (no colon before
// its '@') and e-mail addresses are left alone.
func maskSchemeless(s string, found func(secret string)) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if i > 0 && !isWordStart(s, i-1) {
			continue
		}
		end := tokenEnd(s, i)
		word := s[i:end]
		if strings.Contains(s[i:min(end+3, len(s))], "://") {
			// A URL: RedactText has masked it. Skip to its end.
			i = max(i, end-1)
			continue
		}
		if strings.IndexByte(word, ':') >= 0 {
			end = acrossLists(s, end)
			word = s[i:end]
		}
		at := userinfoEnd(word)
		if at <= 0 {
			continue
		}
		colon := strings.IndexByte(word[:at], ':')
		if colon < 0 || word[colon+1:at] == Mask || colon+1 == at {
			continue
		}
		if found != nil {
			found(word[colon+1 : at])
		}
		b.WriteString(s[last : i+colon+1])
		b.WriteString(Mask)
		last = i + at
		i = end - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// isDelimiter reports whether s[i] ends a token: white space, '<', '>', ',',
// '|', or a quote that is not escaped with a backslash (a message that
// quotes a value with strconv.Quote escapes the quotes inside it).
func isDelimiter(s string, i int) bool {
	switch s[i] {
	case ' ', '\t', '\n', '\r', '\v', '\f', '<', '>', ',', '|':
		return true
	case '"', '\'', '`':
		return i == 0 || s[i-1] != '\\'
	}
	return false
}

func isWordStart(s string, i int) bool {
	switch s[i] {
	case '=', '(', ';':
		return true
	}
	return isDelimiter(s, i)
}
