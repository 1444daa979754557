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

// ParseGoMod parses a go.mod with x/mod/modfile.
func ParseGoMod(path string, content []byte) *ModFile {
	mf := &ModFile{Path: path, Content: content}
	f, err := modfile.ParseLax(path, content, nil)
	if err != nil {
		mf.Err = err
		return mf
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
		mf.Require = append(mf.Require, requirement(content, path, r.Mod.Path, r.Mod.Version, r.Indirect, r.Syntax))
	}
	for _, r := range f.Replace {
		// A replacement by another module is fetched like a requirement.
		if r.New.Version != "" {
			mf.Require = append(mf.Require, requirement(content, path, r.New.Path, r.New.Version, false, r.Syntax))
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
			mf.Require = append(mf.Require, requirement(content, path, r.New.Path, r.New.Version, false, r.Syntax))
		}
	}
	return mf
}

func requirement(content []byte, file, path, version string, indirect bool, line *modfile.Line) Requirement {
	r := Requirement{Path: path, Version: version, File: file, Indirect: indirect}
	if line != nil {
		r.Line = line.Start.Line
		r.Span = Span{line.Start.Byte, line.End.Byte}
		r.PathSpan = r.Span
		if r.Span.End <= len(content) {
			// modfile keeps no token offsets: find the module path on its line.
			if i := bytes.Index(content[r.Span.Start:r.Span.End], []byte(path)); i >= 0 {
				r.PathSpan = Span{r.Span.Start + i, r.Span.Start + i + len(path)}
			}
		}
	}
	return r
}
