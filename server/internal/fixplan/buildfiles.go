package fixplan

import (
	"errors"
	"fmt"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// Build files — Dockerfiles, GitHub Actions workflows, GitLab CI, compose
// and dev container files — are edited as text: the rules compute each edit
// from the parsed file's exact spans (a line inserted at an indentation the
// file already uses, a key renamed, a word inserted), so comments, blank
// lines and indentation stay as they are. The planner checks what it can
// for every build file: the file must be one the snapshot parsed, inside the
// workspace (the write policy), no credential may be written into it, and
// the edited text must parse again with the same parser, which the replay
// then resolves.

// errBuildParse spoils a fix whose edits leave a build file that does not
// parse.
var errBuildParse = errors.New("the edited build file does not parse")

// BuildEdit replaces span of the build file at path with text. value is
// the value the edit writes (for the credential guard); "" when it writes
// none.
func (fx *Fixer) BuildEdit(path string, span sources.Span, text, value string) {
	f := fx.file(path)
	if !f.build {
		fx.Fail(fmt.Errorf("%s: %w", path, ErrNotEditable))
		return
	}
	if span.Start < 0 || span.End < span.Start || span.End > len(f.content) {
		fx.Fail(fmt.Errorf("%s: edit [%d,%d) outside the file", path, span.Start, span.End))
		return
	}
	fx.guardCredentials(f, "", value)
	f.text = append(f.text, fix.TextEdit{Span: span, NewText: text})
}

// reparse parses a build file's edited text as the snapshot parsed it.
func reparse(f *fileChange) (*sources.BuildFile, error) {
	text, err := f.result()
	if err != nil {
		return nil, err
	}
	parsed, err := buildenv.Parse(f.kind, f.path, text)
	if err != nil || parsed == nil {
		return nil, fmt.Errorf("%s: %w: %v", f.path, errBuildParse, err)
	}
	return &sources.BuildFile{Path: f.path, Kind: f.kind, Content: text, Parsed: parsed}, nil
}
