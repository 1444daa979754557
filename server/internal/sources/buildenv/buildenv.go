// Package buildenv reads the files that set the environment of the places
// where a repository's Go code is built outside the editor — Dockerfiles,
// docker-compose files, dev containers, GitHub Actions workflows, GitLab CI
// and shell start-up files or scripts — into plain values that keep the exact
// byte span of every key and value, so that a diagnostic can land on the
// text that set it.
//
// The parsers are pure: bytes (and a path, kept for the result) in, structures
// out; no file system, no process, no network. Input is hostile: every parser
// rejects content larger than MaxInput, YAML aliases are expanded under a
// budget, and nothing recurses on the input's nesting beyond a fixed depth.
package buildenv

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Span is a half-open byte range [Start, End) in a file's content.
type Span = sources.Span

// MaxInput is the largest content a parser accepts. Callers read through
// safeio with their own (smaller) limit; this bound keeps the parsers safe
// when called directly.
const MaxInput = 8 << 20

// ErrTooLarge is returned for content over MaxInput.
var ErrTooLarge = errors.New("buildenv: input larger than the parser's limit")

// How says which construct set a value.
type How string

// The constructs that set a value.
const (
	// Dockerfile
	DockerEnv How = "ENV" // ENV K=V or ENV K V
	DockerArg How = "ARG" // ARG K[=default]
	// Shell (RUN lines, run: steps, scripts, start-up files)
	GoEnvW   How = "go env -w"   // go env -w K=V: written to the GOENV file of that environment
	Export   How = "export"      // export K=V, declare -x K=V, or K=V made visible by a later export K
	Assign   How = "assign"      // K=V alone: a shell variable, exported only when Exported says so
	Inline   How = "inline"      // K=V cmd …: only that command's environment
	EnvFile  How = "env-file"    // /etc/environment (KEY=VALUE, read by pam_env)
	GitHubEn How = "$GITHUB_ENV" // a line written to $GITHUB_ENV: later steps of the job
	// YAML and JSON keys
	EnvKey      How = "env"          // GitHub Actions env: (workflow, job, step, container)
	VariableKey How = "variables"    // GitLab CI variables:
	BuildArg    How = "build.args"   // compose or dev container build arguments
	Environment How = "environment"  // compose service environment
	ContainerEn How = "containerEnv" // dev container containerEnv
	RemoteEnv   How = "remoteEnv"    // dev container remoteEnv
	WithInput   How = "with"         // an input of a uses: step
)

// Setting is one KEY=VALUE a file sets, with where it is.
type Setting struct {
	Key   string
	Value string // as the consumer sees it: quotes removed, escapes applied, references kept verbatim
	// KeySpan covers the key's text; for a quoted YAML or JSON key, the quotes
	// too. ValueSpan covers the value's characters — inside quotes when the
	// value is quoted — and is empty (at the end of the key or after "=")
	// when the value is empty or absent. Raw is the content at ValueSpan.
	KeySpan   Span
	ValueSpan Span
	Raw       string
	Line, Col int // 1-based line and byte column of the key
	How       How
	// Cmd is the command an Inline setting applies to ("go build").
	Cmd string `json:",omitempty"`
	// Unresolved: the value holds a reference only the build or run time
	// knows ($VAR, ${VAR}, $(cmd), ${{ expr }}, ${localEnv:X}).
	Unresolved bool `json:",omitempty"`
	// NoValue: the file names the key but the value comes from elsewhere — an
	// ARG without default (supplied by --build-arg), a compose "- KEY" or
	// "KEY:" (the host's environment), a null in JSON.
	NoValue bool `json:",omitempty"`
	// Exported is whether a shell setting reaches child processes such as
	// go. False for a plain assignment no export, set -a or declare -x
	// covers: "set without export".
	Exported bool `json:",omitempty"`
	// Approx: the exact text could not be located (a folded YAML block);
	// the spans cover the whole scalar that holds it.
	Approx bool `json:",omitempty"`
}

// GoCommand is one invocation of the go command: which subcommand, where,
// and the settings written inline before it (K=V go build).
type GoCommand struct {
	Sub  string // "build", "mod download", "test", …; "" for a bare go
	Span Span   // from "go" to the end of the subcommand's words
	Line int
	Env  []Setting `json:",omitempty"`
}

// BuildsGo reports whether the command fetches or builds modules (so the
// proxy settings of its environment matter).
func (g GoCommand) BuildsGo() bool {
	switch g.Sub {
	case "build", "install", "test", "run", "get", "mod download", "mod tidy", "mod vendor", "mod graph", "mod verify", "list", "generate", "vet", "work sync":
		return true
	}
	return false
}

// positions turns byte offsets into 1-based line and byte column.
type positions struct {
	lines sources.Lines
}

func newPositions(content []byte) positions { return positions{sources.NewLines(content)} }

func (p positions) lineCol(off int) (int, int) {
	l := p.lines.Line(off)
	return l, off - p.lines[l-1] + 1
}

// lineStart returns the offset of the start of 1-based line n (the end of
// the content for n past the last line).
func (p positions) lineStart(n, size int) int {
	if n-1 < len(p.lines) && n >= 1 {
		return p.lines[n-1]
	}
	return size
}

func checkSize(content []byte) error {
	if len(content) > MaxInput {
		return fmt.Errorf("%w (%d bytes)", ErrTooLarge, len(content))
	}
	return nil
}

// setting fills a Setting's derived fields from its spans.
func (p positions) setting(content []byte, s Setting) Setting {
	s.Raw = string(content[s.ValueSpan.Start:s.ValueSpan.End])
	s.Line, s.Col = p.lineCol(s.KeySpan.Start)
	return s
}

// validName reports whether s is a shell variable name.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// truncate bounds a string echoed in an error.
func truncate(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
