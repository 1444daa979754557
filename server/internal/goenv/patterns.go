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
// their first element is lower case with a dot (module.CheckPath). The
// checks read the pattern's literal text: a character class such as "[A-Z]"
// or "[^:]" may match a valid character, so it counts as a glob. A ".git"
// suffix is no problem: "example.com/repo.git" is a valid module path.
// "none" and "off" are the idioms for "nothing" and are not reported.
func (p Pattern) Problem() string {
	if p.Glob == "none" || p.Glob == "off" {
		return ""
	}
	g := literalGlob(p.Glob)
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
	case !strings.Contains(first, ".") && !strings.ContainsAny(first, "*?["):
		return "its first element has no dot, which every module path's has"
	}
	return ""
}

// literalGlob is a glob as the checks of Problem read it: each character
// class becomes "?" (one character, of a kind the class decides) and each
// escape the character it escapes. An unclosed class is kept as it is: such
// a pattern is malformed and path.Match never matches it.
func literalGlob(glob string) string {
	var b strings.Builder
	for i := 0; i < len(glob); i++ {
		switch glob[i] {
		case '\\':
			if i+1 < len(glob) {
				i++
			}
			b.WriteByte(glob[i])
		case '[':
			end := classEnd(glob, i)
			if end < 0 {
				b.WriteString(glob[i:])
				return b.String()
			}
			b.WriteByte('?')
			i = end - 1
		default:
			b.WriteByte(glob[i])
		}
	}
	return b.String()
}

// classEnd returns the offset just past the character class opening at
// glob[i] as path.Match reads it (a "]" right after "[" or "[^" is a member),
// or -1 when it is not closed.
func classEnd(glob string, i int) int {
	j := i + 1
	if j < len(glob) && glob[j] == '^' {
		j++
	}
	for n := 0; j < len(glob); n++ {
		switch glob[j] {
		case ']':
			if n > 0 {
				return j + 1
			}
		case '\\':
			j++
		}
		j++
	}
	return -1
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
