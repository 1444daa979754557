package sources

import (
	"errors"
	"path/filepath"
	"sort"
	"sync"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
)

// Options are facts about the client the files cannot tell.
type Options struct {
	// OSFlavour selects terminal.integrated.env.<os>: linux, osx or windows.
	// engine.Load derives it from GOOS when the client does not say; the
	// resolver and the rules read it from here only.
	OSFlavour string
	// GOOS of the machine running the go command (for GOENV's location).
	GOOS string
	// Trusted is workspace trust (VS Code's, or the CLI's --trust-workspace).
	// Untrusted, no process runs with a binary, environment or directory a
	// workspace layer chose (engine/trust.go), Verify withholds the URLs the
	// workspace chose (verify/trust.go), and the model ignores restricted
	// workspace settings as VS Code's Restricted Mode does.
	Trusted bool
	// MultiRoot is true for a .code-workspace window; Workspace settings then
	// come from that file and the folder's .vscode/settings.json is folder settings.
	MultiRoot bool
	// VSCodeGoActive says vscode-go had activated before the client captured
	// its environment, so GOPROXY, GOPATH, GOBIN and GOMODCACHE may be pinned.
	VSCodeGoActive bool
}

// Snapshot is an immutable view of every input for one workspace folder.
// Files that are only known once an environment is resolved (GOENV files,
// $GOROOT/go.env) are read lazily through the snapshot's reader, once each.
type Snapshot struct {
	Folder string
	// contained: see SetContainment.
	contained func(path string) bool
	Options   Options
	// ProcessEnv is the environment of the process whose view is modelled: the
	// extension host's as captured by the client, or the CLI's own.
	ProcessEnv map[string]string
	// TerminalEnv is the login shell's environment, when it was probed.
	TerminalEnv map[string]string

	User, Workspace, FolderSettings *Settings
	// UserSettingsPath is the user settings.json, also when it does not
	// exist yet ("" when unknown): fixes may create it.
	UserSettingsPath string
	GoMod, GoWork    *ModFile
	// NestedMods are the go.mod files below the folder (a monorepo's other
	// modules), in path order; GoMod is the folder's own.
	NestedMods    []*ModFile
	Launch, Tasks *JSONCFile
	// BuildFiles are the folder's Dockerfiles, compose files, dev container
	// configurations, GitHub Actions workflows and GitLab CI file, in path
	// order (a Dockerfile a compose file or dev container names is there
	// too, once).
	BuildFiles []*BuildFile
	// GoBinary is the go command the consumers run ("" when none was found).
	GoBinary string
	// DefaultGOROOT is the GOROOT the go binary would find by itself.
	DefaultGOROOT string
	// Shell is what the user's shell start-up files set (nil when the
	// engine was not asked to read them).
	Shell *ShellEnv
	// Platform says whether this is WSL, and where its Windows host is.
	Platform Platform
	// Scripts are the repository's shell scripts (nil when the engine was
	// not asked to read them).
	Scripts []*RepoScript

	read    func(path string) ([]byte, error)
	mu      sync.Mutex
	files   map[string]*EnvFile
	skipped map[string]SkippedFile
	limited map[string]SkippedFile
}

// SkippedFile is an input the doctor refused to read (a FIFO, a device, a
// directory, a file over the size limit: safeio.SkipError). It is reported,
// never silently treated as absent.
type SkippedFile struct {
	Path string `json:"path"`
	// Reason is in words: "a named pipe, not a regular file", "larger than 8 MiB".
	Reason string `json:"reason"`
}

// NewSnapshot returns a snapshot whose files come from read. Every read goes
// through ReadFile, which records the files read refuses.
func NewSnapshot(folder string, read func(string) ([]byte, error)) *Snapshot {
	return &Snapshot{Folder: folder, read: read, files: map[string]*EnvFile{}, skipped: map[string]SkippedFile{}, limited: map[string]SkippedFile{}}
}

// EnvFile returns the GOENV file or go.env at path, read once per snapshot.
// A missing or unreadable file yields an EnvFile with Exists false, which
// cmd/go treats as empty.
func (s *Snapshot) EnvFile(path string, kind Kind) *EnvFile {
	if path == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(kind) + "\x00" + path
	if f, ok := s.files[key]; ok {
		return f
	}
	var f *EnvFile
	if content, err := s.readLocked(path); err == nil {
		f = ParseEnvFile(path, kind, content)
	} else {
		f = &EnvFile{Path: path, Kind: kind}
	}
	s.files[key] = f
	return f
}

// EnvFiles returns every GOENV file and go.env read so far.
func (s *Snapshot) EnvFiles() []*EnvFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*EnvFile, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Path < out[j].Path || out[i].Path == out[j].Path && out[i].Kind < out[j].Kind
	})
	return out
}

// SettingsLayers returns the settings sources in VS Code's precedence order
// (user < workspace < folder), skipping absent ones.
func (s *Snapshot) SettingsLayers() []*Settings {
	var out []*Settings
	for _, st := range []*Settings{s.User, s.Workspace, s.FolderSettings} {
		if st != nil {
			out = append(out, st)
		}
	}
	return out
}

// ReadFile reads a file through the snapshot's reader (open editor buffers
// first, then disk). A file the reader refuses is recorded (Skipped).
func (s *Snapshot) ReadFile(path string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readLocked(path)
}

func (s *Snapshot) readLocked(path string) ([]byte, error) {
	content, err := s.read(path)
	var se *safeio.SkipError
	if errors.As(err, &se) {
		s.skipped[path] = SkippedFile{Path: path, Reason: se.Why()}
	}
	return content, err
}

// SetContainment gives the snapshot the engine's test of where a path
// really leads: contained reports whether a path inside the folder by name
// still is once symbolic links are followed.
func (s *Snapshot) SetContainment(contained func(path string) bool) { s.contained = contained }

// InFolder reports whether path is inside the workspace folder: by name,
// and, where the engine can tell, after symbolic links (a file a build file
// names is read only then).
func (s *Snapshot) InFolder(path string) bool {
	rel, err := filepath.Rel(s.Folder, path)
	if err != nil || !filepath.IsLocal(rel) {
		return false
	}
	return s.contained == nil || s.contained(path)
}

// Refuse records a file the snapshot will not read, with the reason in
// words ("outside the workspace folder"): it is reported like a file the
// reader refused.
func (s *Snapshot) Refuse(path, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skipped[path] = SkippedFile{Path: path, Reason: reason}
}

// Limit records a file read and modelled only in part: a bound on hostile
// input (how many build consumers, how many settings each) cut it short.
func (s *Snapshot) Limit(path, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limited == nil {
		s.limited = map[string]SkippedFile{}
	}
	s.limited[path] = SkippedFile{Path: path, Reason: reason}
}

// Limited lists the files Limit recorded, by path.
func (s *Snapshot) Limited() []SkippedFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SkippedFile, 0, len(s.limited))
	for _, f := range s.limited {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Skipped lists the files the snapshot's reads refused so far, by path.
// Files read lazily (GOENV files, launch.json envFile) appear once the
// consumers are resolved.
func (s *Snapshot) Skipped() []SkippedFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SkippedFile, 0, len(s.skipped))
	for _, f := range s.skipped {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Content returns the content this snapshot used for path (nil when the
// snapshot did not read it), so positions can be computed on the same bytes.
func (s *Snapshot) Content(path string) []byte {
	for _, st := range []*Settings{s.User, s.Workspace, s.FolderSettings} {
		if st != nil && st.Path == path {
			return st.Content
		}
	}
	for _, m := range s.ModFiles() {
		if m.Path == path {
			return m.Content
		}
	}
	for _, f := range []*JSONCFile{s.Launch, s.Tasks} {
		if f != nil && f.Path == path {
			return f.Content
		}
	}
	if f := s.BuildFile(path); f != nil {
		return f.Content
	}
	for _, f := range s.EnvFiles() {
		if f.Path == path && f.Exists {
			return f.Content
		}
	}
	if c, ok := s.Shell.content(path); ok {
		return c
	}
	for _, sc := range s.Scripts {
		if sc.Path == path {
			return sc.Content
		}
	}
	return nil
}

// ModFiles returns every go.mod and go.work of the folder: its own go.mod,
// its go.work, then the nested modules.
func (s *Snapshot) ModFiles() []*ModFile {
	var out []*ModFile
	for _, m := range []*ModFile{s.GoMod, s.GoWork} {
		if m != nil {
			out = append(out, m)
		}
	}
	return append(out, s.NestedMods...)
}
