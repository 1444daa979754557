package sources

import (
	"bytes"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// Requirement is one module a go.mod or go.work needs.
type Requirement struct {
	Path, Version string
	File          string
	Line          int  // 1-based
	Span          Span // the whole require line (or block entry)
	PathSpan      Span
	Indirect      bool
}

// Replace is one replace directive of a go.mod or go.work. The spans locate
// each token in the file's content (quotes included for a quoted token);
// a version the directive does not give has an empty string and a zero span.
// The token spans are all zero in the rare line whose tokens cannot be
// located exactly (e.g. one using parentheses or commas inside a token).
type Replace struct {
	OldPath, OldVersion string
	// NewVersion is "" for a replacement by a directory (NewPath).
	NewPath, NewVersion string
	Line                int  // 1-based
	Span                Span // the whole directive (or block entry)
	OldPathSpan         Span
	OldVersionSpan      Span
	NewPathSpan         Span
	NewVersionSpan      Span
}

// ModFile is a parsed go.mod or go.work. It is shared between snapshots
// (ParseCache): never modify one.
type ModFile struct {
	Path    string
	Content []byte
	Module  string // go.mod's module path; "" for go.work
	// ModuleSpan is the module directive, ModulePathSpan its module path
	// (zero without a module directive).
	ModuleSpan     Span
	ModulePathSpan Span
	Go             string
	Toolchain      string
	Require        []Requirement
	// Replace lists the replace directives, in file order. Only a file the
	// strict parser accepts has them: the lax fallback of ParseGoMod ignores
	// replace directives, as the go command does in a dependency's go.mod.
	Replace []Replace
	Err     error
}

// ParseGoMod parses a go.mod with x/mod/modfile. It is the main module's, so
// its toolchain and replace directives count: ParseLax ignores both (it is
// meant for dependencies' go.mod files) and is only the fallback for a file
// the strict parser rejects (e.g. a directive of a newer Go).
func ParseGoMod(path string, content []byte) *ModFile {
	mf := &ModFile{Path: path, Content: content}
	f, err := modfile.Parse(path, content, nil)
	if err != nil {
		if f, err = modfile.ParseLax(path, content, nil); err != nil {
			mf.Err = err
			return mf
		}
	}
	if f.Module != nil {
		mf.Module = f.Module.Mod.Path
		if f.Module.Syntax != nil {
			mf.ModuleSpan = lineSpan(f.Module.Syntax)
			if sp := tokenSpans(content, f.Module.Syntax); len(sp) > 0 {
				mf.ModulePathSpan = sp[len(sp)-1]
			}
		}
	}
	if f.Go != nil {
		mf.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		mf.Toolchain = f.Toolchain.Name
	}
	for _, r := range f.Require {
		mf.Require = append(mf.Require, requirement(content, path, r.Mod.Path, r.Mod.Version, r.Indirect, r.Syntax, ""))
	}
	for _, r := range f.Replace {
		// A replacement by another module is fetched like a requirement.
		if r.New.Version != "" {
			mf.Require = append(mf.Require, requirement(content, path, r.New.Path, r.New.Version, false, r.Syntax, "=>"))
		}
	}
	mf.Replace = replaces(content, f.Replace)
	return mf
}

// ParseGoWork parses a go.work; its replace directives name modules to fetch.
func ParseGoWork(path string, content []byte) *ModFile {
	mf := &ModFile{Path: path, Content: content}
	f, err := modfile.ParseWork(path, content, nil)
	if err != nil {
		mf.Err = err
		return mf
	}
	if f.Go != nil {
		mf.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		mf.Toolchain = f.Toolchain.Name
	}
	for _, r := range f.Replace {
		if r.New.Version != "" {
			mf.Require = append(mf.Require, requirement(content, path, r.New.Path, r.New.Version, false, r.Syntax, "=>"))
		}
	}
	mf.Replace = replaces(content, f.Replace)
	return mf
}

// requirement locates path on its line, searching after the first after
// ("=>" for a replacement, whose old path may contain the new one).
func requirement(content []byte, file, path, version string, indirect bool, line *modfile.Line, after string) Requirement {
	r := Requirement{Path: path, Version: version, File: file, Indirect: indirect}
	if line != nil {
		r.Line = line.Start.Line
		r.Span = Span{line.Start.Byte, line.End.Byte}
		r.PathSpan = r.Span
		if r.Span.End <= len(content) {
			// modfile keeps no token offsets: find the module path on its line.
			from := r.Span.Start
			if i := bytes.Index(content[from:r.Span.End], []byte(after)); after != "" && i >= 0 {
				from += i + len(after)
			}
			if i := bytes.Index(content[from:r.Span.End], []byte(path)); i >= 0 {
				r.PathSpan = Span{from + i, from + i + len(path)}
			}
		}
	}
	return r
}

// replaces converts modfile's replace directives, locating their tokens.
func replaces(content []byte, reps []*modfile.Replace) []Replace {
	if len(reps) == 0 {
		return nil
	}
	out := make([]Replace, 0, len(reps))
	for _, r := range reps {
		rep := Replace{OldPath: r.Old.Path, OldVersion: r.Old.Version, NewPath: r.New.Path, NewVersion: r.New.Version}
		if r.Syntax != nil {
			rep.Line = r.Syntax.Start.Line
			rep.Span = lineSpan(r.Syntax)
			// The tokens after the verb: old [version] => new [version].
			sp := tokenSpans(content, r.Syntax)
			if !r.Syntax.InBlock && len(sp) > 0 {
				sp = sp[1:]
			}
			arrow := -1
			for i, s := range sp {
				if string(content[s.Start:s.End]) == "=>" {
					arrow = i
					break
				}
			}
			if arrow >= 1 {
				rep.OldPathSpan = sp[0]
				if arrow == 2 {
					rep.OldVersionSpan = sp[1]
				}
				if arrow+1 < len(sp) {
					rep.NewPathSpan = sp[arrow+1]
				}
				if arrow+2 < len(sp) {
					rep.NewVersionSpan = sp[arrow+2]
				}
			}
		}
		out = append(out, rep)
	}
	return out
}

// tokenValue is a go.mod token's value: a quoted string unquoted.
func tokenValue(tok string) string {
	if strings.HasPrefix(tok, `"`) {
		if v, err := strconv.Unquote(tok); err == nil {
			return v
		}
	}
	return tok
}

func lineSpan(l *modfile.Line) Span { return Span{l.Start.Byte, l.End.Byte} }

// tokenSpans locates the tokens of a line in content (modfile keeps only the
// line's start and end): the spans of l.Token, verb included on a line that
// is not in a block, or nil when the text does not lex to those tokens.
func tokenSpans(content []byte, l *modfile.Line) []Span {
	start, end := l.Start.Byte, l.End.Byte
	if start < 0 || end > len(content) || start > end {
		return nil
	}
	out := make([]Span, 0, len(l.Token))
	for i := start; i < end; {
		c := content[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '/' && i+1 < end && content[i+1] == '/':
			i = end // a comment ends the line
			continue
		}
		j := i + 1
		switch c {
		case '"':
			for j < end && content[j] != '"' {
				if content[j] == '\\' {
					j++
				}
				j++
			}
			j++
		default:
			for j < end && !bytes.ContainsAny(content[j:j+1], " \t\r\"") && !(content[j] == '/' && j+1 < end && content[j+1] == '/') {
				j++
			}
		}
		if j > end {
			return nil
		}
		out = append(out, Span{i, j})
		i = j
	}
	if len(out) != len(l.Token) {
		return nil
	}
	for k, s := range out {
		// modfile rewrites a token it parsed as a string (quoted only when
		// needed): compare values.
		if tokenValue(string(content[s.Start:s.End])) != tokenValue(l.Token[k]) {
			return nil
		}
	}
	return out
}
