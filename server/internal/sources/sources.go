// Package sources reads every input the doctor looks at — VS Code settings
// files (JSONC), the GOENV file, $GOROOT/go.env, go.mod/go.work, launch.json and
// tasks.json — into plain values that keep exact byte positions, so that every
// effective value can name the file, line and key it came from.
package sources

import (
	"bytes"
	"sort"
)

// Kind is where a value came from (SPEC §3).
type Kind string

// The source kinds of SPEC §3.
const (
	ProcessEnv      Kind = "process-env"
	GoEnvFile       Kind = "goenv-file"
	GorootGoEnv     Kind = "goroot-go.env"
	Default         Kind = "default"
	VSCodeUser      Kind = "vscode-user"
	VSCodeWorkspace Kind = "vscode-workspace"
	VSCodeFolder    Kind = "vscode-folder"
	Launch          Kind = "launch"
	Tasks           Kind = "tasks"
	// ShellRC is a shell start-up file (~/.bashrc, ~/.profile, ~/.zshrc,
	// /etc/environment, /etc/profile.d/*.sh, the folder's .envrc): the
	// provenance of a process environment value a start-up file exports
	// with that same value. Read-only; never edited.
	ShellRC Kind = "shell-rc"
	// Derived marks a value the doctor computed from another (e.g. http.proxy
	// copied into HTTPS_PROXY by vscode-go, GOTOOLCHAIN=auto for installs).
	Derived Kind = "derived"
)

// UserOwned reports whether values of this kind are the user's own
// configuration rather than the repository's: the process environment, VS
// Code user settings, what vscode-go derives itself and cmd/go's defaults.
// Every other kind, including kinds added later, counts as the workspace's
// (the trust boundary, SPEC §5a). The GOENV file and go.env are the user's
// unless a workspace value chose them; callers check that.
func (k Kind) UserOwned() bool {
	switch k {
	case ProcessEnv, VSCodeUser, Derived, Default, GoEnvFile, GorootGoEnv:
		return true
	case ShellRC:
		// A shell file is only ever the provenance of a value the process
		// environment already holds (the same value): trust decides on the
		// environment, and naming where it came from changes nothing.
		return true
	}
	return false
}

// FromEnvironment reports whether a value of this kind is in the process
// environment: read from it, or read from it and traced to the shell file
// that exported it.
func (k Kind) FromEnvironment() bool { return k == ProcessEnv || k == ShellRC }

// Span is a half-open byte range [Start, End) in a file's content.
type Span struct{ Start, End int }

// Provenance says where one value was set.
type Provenance struct {
	Source Kind   `json:"source"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"` // 1-based; 0 when unknown
	Key    string `json:"key,omitempty"`  // key path, e.g. go.toolsEnvVars.GOPROXY
	// KeySpan and ValueSpan locate the key and the value in File (zero when
	// the source is not a file).
	KeySpan   Span `json:"-"`
	ValueSpan Span `json:"-"`
}

// InFile reports whether the provenance points into a file.
func (p Provenance) InFile() bool { return p.File != "" && p.ValueSpan.End > 0 }

// Lines indexes line starts of content for 1-based line numbers.
type Lines []int

// NewLines indexes content.
func NewLines(content []byte) Lines {
	l := make(Lines, 1, 1+bytes.Count(content, []byte{'\n'}))
	for start := 0; ; {
		i := bytes.IndexByte(content[start:], '\n')
		if i < 0 {
			return l
		}
		start += i + 1
		l = append(l, start)
	}
}

// Line returns the 1-based line of offset.
func (l Lines) Line(offset int) int {
	return sort.Search(len(l), func(i int) bool { return l[i] > offset })
}
