package goenv

import (
	"strings"

	"golang.org/x/mod/module"
)

// Pattern is one glob of a GOPRIVATE, GONOPROXY, GONOSUMDB or GOINSECURE
// list, split exactly as module.MatchPrefixPatterns splits it: on ",", with
// no trimming and no case folding; one trailing "/" is dropped, and globs
// that are then empty are skipped.
type Pattern struct {
	// Raw is the text between commas; Start and End are its offsets in the list.
	Raw        string
	Start, End int
	// Glob is what cmd/go compares: Raw without one trailing "/".
	Glob string
}

// SplitPatterns splits a pattern list with offsets.
func SplitPatterns(list string) []Pattern {
	var out []Pattern
	for pos := 0; pos <= len(list); {
		end := strings.IndexByte(list[pos:], ',')
		if end < 0 {
			end = len(list)
		} else {
			end += pos
		}
		raw := list[pos:end]
		if glob := strings.TrimSuffix(raw, "/"); glob != "" {
			out = append(out, Pattern{Raw: raw, Start: pos, End: end, Glob: glob})
		}
		pos = end + 1
	}
	return out
}

// Match reports whether the pattern list matches a module path, by
// delegating to cmd/go's own module.MatchPrefixPatterns.
func Match(list, modulePath string) bool { return module.MatchPrefixPatterns(list, modulePath) }

// Matches reports whether this one pattern matches a module path.
func (p Pattern) Matches(modulePath string) bool {
	return module.MatchPrefixPatterns(p.Raw, modulePath) // Raw: MatchPrefixPatterns drops the "/" itself
}

// Problem returns why the pattern can never match a module path ("" when it
// can): module paths have no white space, scheme, userinfo, port, ";", and
// their first element is lower case with a dot (module.CheckPath); a ".git"
// suffix names a repository, not a module. "none" and "off" are the idioms
// for "nothing" and are not reported.
func (p Pattern) Problem() string {
	g := p.Glob
	if g == "none" || g == "off" {
		return ""
	}
	switch {
	case strings.HasSuffix(g, "\r"):
		return "it ends with a carriage return (a CRLF line ending)"
	case strings.TrimSpace(g) == "":
		return "it is only white space"
	case strings.TrimLeft(g, " \t\r\n\v\f") != g:
		return "it starts with white space (patterns are separated by commas only)"
	case strings.TrimRight(g, " \t\r\n\v\f") != g:
		return "it ends with white space (patterns are separated by commas only)"
	case strings.Contains(g, "://"):
		return "it has a URL scheme"
	case strings.Contains(g, "@"):
		return `it has an "@" (git SSH syntax or credentials)`
	case strings.Contains(g, ";"):
		return `it contains ";" (patterns are separated by commas)`
	case strings.ContainsAny(g, " \t\r\n\v\f"):
		return "it contains white space (patterns are separated by commas)"
	case strings.Contains(g, ":"):
		return `it has a ":" (a port or SSH syntax)`
	}
	first, _, _ := strings.Cut(g, "/")
	switch {
	case strings.ToLower(first) != first:
		return "its host has upper-case letters and matching is case-sensitive"
	case strings.HasSuffix(g, ".git"):
		return `it ends in ".git", which module paths do not`
	case !strings.Contains(first, ".") && !strings.ContainsAny(first, "*?["):
		return "its first element has no dot, which every module path's has"
	}
	return ""
}

// Host returns the host a pattern names when its first element is a plain
// host name (no glob characters), else "".
func (p Pattern) Host() string {
	first, _, _ := strings.Cut(p.Glob, "/")
	if first == "" || strings.ContainsAny(first, "*?[\\") || p.Problem() != "" {
		return ""
	}
	return first
}

// SampleHost returns a host name the pattern's first element matches:
// the host itself, or for "*.corp.example.com" a subdomain of it. It is ""
// when the first element is not a host-like glob.
func (p Pattern) SampleHost() string {
	first, _, _ := strings.Cut(p.Glob, "/")
	if p.Problem() != "" || first == "" || strings.ContainsAny(first, "?[\\") {
		return ""
	}
	if strings.HasPrefix(first, "*.") && !strings.Contains(first[2:], "*") {
		return "x" + first[1:]
	}
	if strings.Contains(first, "*") {
		return ""
	}
	return first
}
