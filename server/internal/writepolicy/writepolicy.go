// Package writepolicy decides which files the doctor may change (SPEC §5a):
// files inside the workspace folder, VS Code's user settings file, and the
// GOENV file at cmd/go's default location or one the user's own environment
// names — never a path a workspace value chose, never a new directory, never
// a non-regular, read-only or unparsable file, and through a symbolic link
// only into one of those. The fix planner asks it which files a fix may
// touch (Classify, pure); check --fix and the language server's code actions
// ask it again, against the disk, right before a file is written or an edit
// is offered (Check).
package writepolicy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Target is a file the doctor may write and what writing it reaches.
type Target struct {
	Scope findings.Scope
	// GoEnv marks a GOENV file (KEY=VALUE lines), as opposed to JSONC settings.
	GoEnv bool
	// Where names the file in the user's words, for fix titles.
	Where string
}

// ErrRefused wraps every refusal.
var ErrRefused = errors.New("refused")

func refuse(path, format string, args ...any) error {
	return fmt.Errorf("%w to write %s: %s", ErrRefused, path, fmt.Sprintf(format, args...))
}

// Policy holds the places the doctor may write for one workspace folder.
type Policy struct {
	Folder        string
	WorkspaceFile string // the window's .code-workspace file, if any
	UserSettings  string
	// GoEnv are the GOENV files the user's own environment names, with the
	// scope writing each needs.
	GoEnv map[string]Target
}

// New derives the policy from a snapshot and its resolved consumers. A GOENV
// file counts only when the consumer's environment without its workspace
// layers (.vscode/settings.json, the .code-workspace file, launch and tasks)
// names the same file: GOENV, XDG_CONFIG_HOME, HOME or AppData set by the
// workspace cannot point a write anywhere.
func New(s *sources.Snapshot, consumers []*resolve.Consumer) *Policy {
	p := &Policy{Folder: s.Folder, UserSettings: s.UserSettingsPath, GoEnv: map[string]Target{}}
	if s.Workspace != nil && s.Workspace.IsWorkspaceFile {
		p.WorkspaceFile = s.Workspace.Path
	}
	for _, c := range consumers {
		if c.GoEnvPath == "" || c.GoEnvOff {
			continue
		}
		own := ownEnv(c.Env)
		path, off, err := sources.GoEnvPath(own, s.Options.GOOS, s.Folder)
		if err != nil || off || path != c.GoEnvPath {
			continue
		}
		t := Target{Scope: findings.All, GoEnv: true, Where: "your go env -w file"}
		if def, _, err := sources.GoEnvPath(func(k string) string {
			if k == "GOENV" {
				return ""
			}
			return own(k)
		}, s.Options.GOOS, s.Folder); err == nil && def == path {
			t.Scope = findings.User
		}
		if old, ok := p.GoEnv[path]; !ok || t.Scope < old.Scope {
			p.GoEnv[path] = t
		}
	}
	return p
}

// WorkspaceKind reports whether a source kind is one the repository controls.
func WorkspaceKind(k sources.Kind) bool {
	switch k {
	case sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
		return true
	}
	return false
}

// ownEnv is a consumer's environment as the user's own layers (process
// environment, login shell, user settings) make it: each value a workspace
// layer set is replaced by the one it overrode, if any.
func ownEnv(env resolve.Env) func(string) string {
	return func(k string) string {
		s, ok := env[k]
		if !ok {
			return ""
		}
		if !WorkspaceKind(s.Prov.Source) {
			return s.Value
		}
		for _, r := range s.Replaced {
			if !WorkspaceKind(r.Prov.Source) {
				return r.Value
			}
		}
		return ""
	}
}

// Classify says whether the planner may edit path, a file of the given kind
// (sources.GoEnvFile or a JSONC settings, launch or tasks kind), and what the
// edit reaches. It looks at names only; Check looks at the disk.
func (p *Policy) Classify(path string, kind sources.Kind) (Target, error) {
	if path == "" || !filepath.IsAbs(path) {
		return Target{}, refuse(path, "not an absolute path")
	}
	path = filepath.Clean(path)
	if kind == sources.GoEnvFile {
		if t, ok := p.GoEnv[path]; ok {
			return t, nil
		}
		return Target{}, refuse(path, "this GOENV file is not at cmd/go's default location nor named by your own environment (a workspace setting chose it)")
	}
	switch {
	case p.UserSettings != "" && path == filepath.Clean(p.UserSettings):
		return Target{Scope: findings.User, Where: "VS Code user settings"}, nil
	case p.WorkspaceFile != "" && path == filepath.Clean(p.WorkspaceFile):
		return Target{Scope: findings.Workspace, Where: filepath.Base(path)}, nil
	case inside(p.Folder, path):
		return Target{Scope: findings.Workspace, Where: "the workspace"}, nil
	}
	return Target{}, refuse(path, "outside the workspace folder, and neither VS Code's user settings nor your GOENV file")
}

// ClassifyPath classifies a path by name alone, whatever its kind: a GOENV
// file of the list first (the rules' fixtures keep HOME in the folder).
func (p *Policy) ClassifyPath(path string) (Target, error) {
	if t, ok := p.GoEnv[filepath.Clean(path)]; ok {
		return t, nil
	}
	return p.Classify(path, sources.VSCodeWorkspace)
}

func inside(dir, path string) bool {
	if dir == "" {
		return false
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

// Check is Classify against the disk, right before path is written (create:
// the write makes a new file). It refuses a file whose real location (all
// symbolic links followed) is not itself an allowed place, a file that is
// not regular or is read-only, a new file whose directory does not exist,
// and a new file that already exists. The target returned is the one of the
// real location: a link in the workspace to the user settings file writes
// user settings.
func (p *Policy) Check(path string, create bool) (Target, error) {
	if _, err := p.ClassifyPath(path); err != nil {
		return Target{}, err
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !create {
			return Target{}, refuse(path, "it no longer exists")
		}
		dir, err := filepath.EvalSymlinks(filepath.Dir(path))
		if err != nil {
			return Target{}, refuse(path, "its directory does not exist, and the doctor never creates directories")
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return Target{}, refuse(path, "its directory is not a directory")
		}
		return p.real(path, filepath.Join(dir, filepath.Base(path)))
	case err != nil:
		return Target{}, refuse(path, "%v", err)
	case create:
		return Target{}, refuse(path, "the fix creates it, but it exists (%s)", fi.Mode().Type())
	}
	realPath, err := filepath.EvalSymlinks(path)
	if err != nil {
		return Target{}, refuse(path, "a symbolic link that leads nowhere")
	}
	t, err := p.real(path, realPath)
	if err != nil {
		return t, err
	}
	st, err := os.Stat(realPath)
	if err != nil {
		return Target{}, refuse(path, "%v", err)
	}
	if !st.Mode().IsRegular() {
		return Target{}, refuse(path, "not a regular file (%s)", safeio.DescribeMode(st.Mode()))
	}
	if st.Mode().Perm()&0o200 == 0 {
		return Target{}, refuse(path, "it is read-only")
	}
	return t, nil
}

// real classifies where a write to path really lands: realPath must be an
// allowed place itself, compared with the real locations of the allowed
// places (so that the user's own links, such as a settings.json kept in a
// dotfiles repository, still count).
func (p *Policy) real(path, realPath string) (Target, error) {
	resolved := func(s string) string {
		if s == "" {
			return ""
		}
		if r, err := filepath.EvalSymlinks(s); err == nil {
			return r
		}
		if d, err := filepath.EvalSymlinks(filepath.Dir(s)); err == nil {
			return filepath.Join(d, filepath.Base(s))
		}
		return filepath.Clean(s)
	}
	for g, t := range p.GoEnv {
		if resolved(g) == realPath {
			return t, nil
		}
	}
	switch {
	case p.UserSettings != "" && resolved(p.UserSettings) == realPath:
		return Target{Scope: findings.User, Where: "VS Code user settings"}, nil
	case p.WorkspaceFile != "" && resolved(p.WorkspaceFile) == realPath:
		return Target{Scope: findings.Workspace, Where: filepath.Base(realPath)}, nil
	case inside(resolved(p.Folder), realPath):
		return Target{Scope: findings.Workspace, Where: "the workspace"}, nil
	}
	if realPath != filepath.Clean(path) {
		return Target{}, refuse(path, "it is a link to %s, outside every place the doctor may write", realPath)
	}
	return Target{}, refuse(path, "outside every place the doctor may write")
}

// CheckContent refuses to edit a file whose current content is not what a
// file of its kind holds: a GOENV file that is not KEY=VALUE lines (a shell
// rc named as GOENV), settings that are not JSONC.
func CheckContent(t Target, path string, content []byte) error {
	if t.GoEnv {
		if msg := GoEnvFileProblem(content); msg != "" {
			return refuse(path, "%s", msg)
		}
		return nil
	}
	if _, err := sources.ParseJSONC(content); err != nil {
		return refuse(path, "it does not parse as JSONC: %v", err)
	}
	return nil
}

var (
	envKey   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*[ \t]*$`)
	shellish = regexp.MustCompile("\\$[({A-Za-z_]|`")
)

// GoEnvFileProblem says why content is not a GOENV file ("" when it is one):
// go env -w writes KEY=VALUE lines only, so a line that is not blank, a
// comment or KEY=VALUE — "export", "if", "alias", a command substitution or
// variable expansion — marks a shell script, which a fix must not rewrite.
func GoEnvFileProblem(content []byte) string {
	for i, line := range strings.Split(string(content), "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		switch {
		case !ok || !envKey.MatchString(k):
			return fmt.Sprintf("line %d is not KEY=VALUE, so this is not a GOENV file (a shell script?)", i+1)
		case shellish.MatchString(v):
			return fmt.Sprintf("line %d expands shell variables or runs a command, so this is not a GOENV file (a shell script?)", i+1)
		}
	}
	return ""
}
