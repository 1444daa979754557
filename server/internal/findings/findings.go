// Package findings holds what a diagnosis produces — findings, their fixes
// and edits — and the helpers that place them in a folder's files. It is a
// leaf: the rules make findings, Verify makes its own, the fix planner
// builds fixes, and the editor, the CLI and the reports read them, all
// without depending on each other.
package findings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Severity uses LSP's numbering.
type Severity int

// Severities.
const (
	Error       Severity = 1
	Warning     Severity = 2
	Information Severity = 3
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "information"
}

// Scope is how far a write reaches, and how far check --fix may go.
type Scope int

const (
	// Workspace: files inside the workspace folder (and the window's
	// .code-workspace file): this project only.
	Workspace Scope = iota + 1
	// User: VS Code's user settings and the GOENV file at cmd/go's default
	// location: every project of this user.
	User
	// All: also a GOENV file the user's own environment moved elsewhere
	// (GOENV=/some/file in the process environment or user settings).
	All
)

// ParseScope reads a --fix-scope value.
func ParseScope(s string) (Scope, error) {
	switch s {
	case "workspace":
		return Workspace, nil
	case "user":
		return User, nil
	case "all":
		return All, nil
	}
	return 0, fmt.Errorf("unknown scope %q (want workspace, user or all)", s)
}

func (s Scope) String() string {
	switch s {
	case Workspace:
		return "workspace"
	case User:
		return "user"
	case All:
		return "all"
	}
	return "none"
}

// Related points at the other side of a divergence or a contributing value.
type Related struct {
	File    string
	Span    sources.Span
	Message string
}

// Edit replaces Span of File with NewText. With Create, File does not exist
// yet: the fix creates it with NewText as its content (Span is empty).
type Edit struct {
	File    string
	Span    sources.Span
	NewText string
	Create  bool
}

// Fix is a set of edits that resolves a finding. Fixes are checked against
// the engine when they are made; Preferred marks the one obvious fix that
// "fix all" applies (at most one per finding).
type Fix struct {
	Title     string
	Edits     []Edit
	Preferred bool
	// Scope is how far the fix's widest edit reaches: the workspace, or a
	// user-level file (VS Code user settings, the GOENV file).
	Scope Scope
	// PreferredWider marks the fix the rule prefers but that carries a
	// workspace value into a user-level file: the editor offers it as not
	// preferred, and check --fix applies it only with --fix-scope user or all.
	PreferredWider bool
	// Plan is what the fix planner recorded when it built the fix, for
	// its ranking and its tests; nil for a fix made without it. Nothing
	// else reads it.
	Plan any
}

// Finding is one diagnostic. File and Span locate it; File is "" for a
// finding about the process environment, which has no file.
type Finding struct {
	Code      string
	Severity  Severity
	Message   string
	File      string
	Span      sources.Span
	Consumers []string
	Related   []Related
	Fixes     []Fix
}

// AddFix attaches a fix that could be built (ok).
func (f *Finding) AddFix(fx Fix, ok bool) {
	if ok {
		f.Fixes = append(f.Fixes, fx)
	}
}

// Identity keys: two values with the same key are the same for merging and
// de-duplication. They are map keys, not text for people.

// Key identifies a finding by its code, place and message: the same
// finding reported for several consumers (or by several folders) is one.
func (f Finding) Key() string {
	var b strings.Builder
	b.Grow(len(f.Code) + len(f.File) + len(f.Message) + 24)
	b.WriteString(f.Code)
	b.WriteByte(0)
	writePlace(&b, f.File, f.Span)
	b.WriteByte(0)
	b.WriteString(f.Message)
	return b.String()
}

// Key identifies a fix by what it writes: its edits, in order. Two
// findings offering the same edits offer one fix.
func (fx Fix) Key() string {
	var b strings.Builder
	for _, e := range fx.Edits {
		e.write(&b)
		b.WriteByte(0)
	}
	return b.String()
}

// Key identifies an edit by its file, span, text and whether it creates
// the file.
func (e Edit) Key() string {
	var b strings.Builder
	e.write(&b)
	return b.String()
}

func (e Edit) write(b *strings.Builder) {
	writePlace(b, e.File, e.Span)
	b.WriteByte(0)
	b.WriteString(strconv.FormatBool(e.Create))
	b.WriteByte(0)
	b.WriteString(e.NewText)
}

// Key identifies a related location by its place and message.
func (r Related) Key() string {
	var b strings.Builder
	writePlace(&b, r.File, r.Span)
	b.WriteByte(0)
	b.WriteString(r.Message)
	return b.String()
}

func writePlace(b *strings.Builder, file string, sp sources.Span) {
	b.WriteString(file)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(sp.Start))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(sp.End))
}
