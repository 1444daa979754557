package sources

import (
	"bytes"

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

// ModFile is a parsed go.mod or go.work.
type ModFile struct {
	Path      string
	Content   []byte
	Module    string // go.mod's module path; "" for go.work
	Go        string
	Toolchain string
	Require   []Requirement
	Err       error
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
