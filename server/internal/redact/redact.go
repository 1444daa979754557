// Package redact masks credentials in URLs and in free text before anything
// reaches a message, a log line or the CLI's output (SPEC §8: credentials are
// redacted everywhere, as https://user:xxxxx@host).
//
// Masking is lexical rather than url.Parse-based on purpose: the values that
// leak passwords most often are the ones url.Parse rejects (cmd/go prints
// `parse "https://user:secret@host:x": invalid port` verbatim).
package redact

import "strings"

// Mask replaces a password, as url.URL.Redacted does.
const Mask = "xxxxx"

// Redact masks the credentials of one URL-like value: the password of
// scheme://user:password@host, a user-only token of scheme://token@host (a
// bare token in userinfo is a credential too), and user:password@host written
// without a scheme (as HTTPS_PROXY allows). Anything else is returned as is.
func Redact(u string) string { return RedactText(u) }

// RedactText masks the userinfo of every URL inside s (scheme://...@), and of
// schemeless user:password@host words.
func RedactText(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	last := 0
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		start := i + j + 3
		end, masked, ok := authority(s, start)
		if ok {
			b.WriteString(s[last:start])
			b.WriteString(masked)
			last = end
		}
		i = start
		if end > i {
			i = end
		}
	}
	b.WriteString(s[last:])
	return maskSchemeless(b.String())
}

// authority finds the authority that starts at start (it ends at "/", "?",
// "#", white space, a quote or angle bracket) and, when it holds userinfo,
// returns it with the credential masked.
func authority(s string, start int) (end int, masked string, ok bool) {
	end = start
	// Another URL's "://" (as in a GOPROXY list) ends the authority too.
	for end < len(s) && !isAuthorityEnd(s[end]) && !strings.HasPrefix(s[end:], "://") {
		end++
	}
	a := s[start:end]
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return end, "", false
	}
	user := a[:at]
	if user == "" {
		return end, "", false
	}
	if colon := strings.IndexByte(user, ':'); colon >= 0 {
		if user[colon+1:] == Mask {
			return end, "", false
		}
		return end, user[:colon+1] + Mask + a[at:], true
	}
	if user == Mask {
		return end, "", false
	}
	return end, Mask + a[at:], true
}

// maskSchemeless masks user:password@host words that have no scheme. A word
// starts at the beginning of s or after white space, a quote, "=", ",", "|",
// "(" or ";"; "git@host:org" (no colon before "@") is left alone.
func maskSchemeless(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if i > 0 && !isWordStart(s[i-1]) {
			continue
		}
		end := i
		for end < len(s) && !isAuthorityEnd(s[end]) && !isWordStart(s[end]) {
			end++
		}
		word := s[i:end]
		if strings.Contains(word, "://") {
			continue
		}
		at := strings.LastIndexByte(word, '@')
		if at <= 0 {
			continue
		}
		colon := strings.IndexByte(word[:at], ':')
		if colon < 0 || word[colon+1:at] == Mask || word[colon+1:at] == "" {
			continue
		}
		b.WriteString(s[last : i+colon+1])
		b.WriteString(Mask)
		last = i + at
		i = end - 1
	}
	b.WriteString(s[last:])
	return b.String()
}

func isAuthorityEnd(c byte) bool {
	switch c {
	case '/', '?', '#', ' ', '\t', '\n', '\r', '"', '\'', '`', '<', '>':
		return true
	}
	return false
}

func isWordStart(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '=', ',', '|', '(', ';':
		return true
	}
	return false
}
