// Package engine is the one engine behind the CLI and the language server: it
// loads a folder's inputs into a snapshot, resolves every consumer, asks the
// real go command to confirm the values (cached by environment content), and
// runs the rules.
package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Config says which folder to check and what the client knows about it.
type Config struct {
	Folder string
	// WorkspaceFile is the .code-workspace of a multi-root window ("" otherwise).
	WorkspaceFile string
	// UserSettings is the user settings.json ("" for none).
	UserSettings string
	// ProcessEnv is the modelled process environment (extension host or CLI).
	ProcessEnv map[string]string
	// TerminalEnv is the login shell's environment when probed (nil otherwise).
	TerminalEnv map[string]string
	Options     sources.Options
	// GoBinary overrides the go command used as the oracle.
	GoBinary string
	// ModFiles lists the nested go.mod files to read; nil means find them
	// with FindModFiles (the language server keeps the list up to date from
	// file events instead of walking on every change).
	ModFiles []string
	// BuildFiles lists the Dockerfiles, compose files, dev container
	// configurations and CI files to read; nil means find them with
	// FindBuildFiles.
	BuildFiles []string
	// Host, when set, has the engine read the user's shell start-up files
	// (the terminal's provenance, what a new shell would see) and tell WSL
	// apart. nil reads none of the machine's own files.
	Host *Host
	// Platform, when set and Host is not, is the machine's platform as the
	// caller detected it once (DetectPlatform): the language server does so
	// at start instead of on every diagnosis.
	Platform *sources.Platform
	// Scripts has the engine read the repository's shell scripts (*.sh at
	// the top and in scripts/, ci/, build/, hack/, tools/): what they set
	// without export before running go.
	Scripts bool
	// Parses memoizes the parsed files by content; nil means the engine's
	// shared cache (a keystroke in one file parses that file only).
	Parses *sources.ParseCache
}

// parses is the cache of every Load whose Config names none.
var parses = sources.NewParseCache()

// Reader returns a file's content: an open editor buffer or the file on disk.
type Reader func(path string) ([]byte, error)

// DiskReader reads files from disk through safeio: regular files only,
// never blocking, at most safeio.MaxFile bytes. A refused file is a
// *safeio.SkipError, which callers report.
func DiskReader(path string) ([]byte, error) { return safeio.ReadFile(path, safeio.MaxFile) }

// Load reads every input of cfg.Folder into a snapshot.
func Load(cfg Config, read Reader) *sources.Snapshot {
	if read == nil {
		read = DiskReader
	}
	if cfg.Options.GOOS == "" {
		cfg.Options.GOOS = runtime.GOOS
	}
	// The one place the OS flavour is decided: resolve and rules read it.
	if cfg.Options.OSFlavour == "" {
		cfg.Options.OSFlavour = OSFlavour(cfg.Options.GOOS)
	}
	cfg.Options.MultiRoot = cfg.WorkspaceFile != ""
	s := sources.NewSnapshot(cfg.Folder, read)
	s.Options = cfg.Options
	s.ProcessEnv = cfg.ProcessEnv
	s.TerminalEnv = cfg.TerminalEnv
	// Every read goes through the snapshot, which records refused files.
	read = s.ReadFile
	cache := cfg.Parses
	if cache == nil {
		cache = parses
	}
	parse := cache.Load(cfg.Folder)
	defer parse.Done()

	settings := func(path string, kind sources.Kind, ws bool) *sources.Settings {
		if path == "" {
			return nil
		}
		content, err := read(path)
		if err != nil {
			return nil
		}
		return parse.Settings(path, kind, content, ws)
	}
	s.User = settings(cfg.UserSettings, sources.VSCodeUser, false)
	s.UserSettingsPath = cfg.UserSettings
	folderSettings := filepath.Join(cfg.Folder, ".vscode", "settings.json")
	if cfg.WorkspaceFile != "" {
		s.Workspace = settings(cfg.WorkspaceFile, sources.VSCodeWorkspace, true)
		s.FolderSettings = settings(folderSettings, sources.VSCodeFolder, false)
	} else {
		s.Workspace = settings(folderSettings, sources.VSCodeWorkspace, false)
	}
	if content, err := read(filepath.Join(cfg.Folder, "go.mod")); err == nil {
		s.GoMod = parse.GoMod(filepath.Join(cfg.Folder, "go.mod"), content)
	}
	nested := cfg.ModFiles
	if nested == nil {
		nested = FindModFiles(cfg.Folder)
	}
	for _, p := range nested {
		if filepath.Dir(p) == filepath.Clean(cfg.Folder) {
			continue
		}
		if content, err := read(p); err == nil {
			s.NestedMods = append(s.NestedMods, parse.GoMod(p, content))
		}
	}
	if content, err := read(filepath.Join(cfg.Folder, "go.work")); err == nil {
		s.GoWork = parse.GoWork(filepath.Join(cfg.Folder, "go.work"), content)
	}
	if p := filepath.Join(cfg.Folder, ".vscode", "launch.json"); true {
		if content, err := read(p); err == nil {
			s.Launch = parse.JSONCFile(p, sources.Launch, content)
		}
	}
	if p := filepath.Join(cfg.Folder, ".vscode", "tasks.json"); true {
		if content, err := read(p); err == nil {
			s.Tasks = parse.JSONCFile(p, sources.Tasks, content)
		}
	}
	builds := cfg.BuildFiles
	if builds == nil {
		builds = FindBuildFiles(cfg.Folder)
	}
	loadBuildFiles(s, filepath.Clean(cfg.Folder), builds, read, parse)
	if cfg.Host != nil {
		// The terminal's environment: the login shell's when probed.
		env := cfg.ProcessEnv
		if cfg.TerminalEnv != nil {
			env = cfg.TerminalEnv
		}
		s.Shell = loadShell(s, cfg.Host, env)
		s.Platform = DetectPlatform(cfg.Host, env)
	} else if cfg.Platform != nil {
		s.Platform = *cfg.Platform
	}
	if cfg.Scripts {
		s.Scripts = loadScripts(s)
	}
	s.GoBinary = cfg.GoBinary
	if s.GoBinary == "" {
		s.GoBinary = goBinary(s)
	}
	s.DefaultGOROOT = binaryGOROOT(s.GoBinary)
	return s
}

// goBinary picks the go command the consumers run: go.alternateTools.go or
// go.goroot from settings (workspace settings only when the workspace is
// trusted), else go on the modelled PATH.
func goBinary(s *sources.Snapshot) string {
	layers := []*sources.Settings{s.FolderSettings, s.Workspace, s.User}
	for _, st := range layers {
		if !settingsAllowed(s, st) {
			continue
		}
		if alt := st.Get("go.alternateTools"); alt != nil {
			if m := alt.Value.Get("go"); m != nil && m.Value.Kind == sources.String && filepath.IsAbs(m.Value.Str) {
				return m.Value.Str
			}
		}
		if root, _ := st.String("go.goroot"); root != "" && filepath.IsAbs(root) {
			return filepath.Join(root, "bin", exe("go", s.Options.GOOS))
		}
	}
	if p := lookPath("go", s.ProcessEnv["PATH"], s.Options.GOOS); p != "" {
		return p
	}
	// An editor started from a desktop launcher often has a PATH without Go;
	// like vscode-go, fall back to the places Go installers put it.
	for _, p := range defaultGoLocations(s.Options.GOOS, s.ProcessEnv) {
		if isExecutable(p, s.Options.GOOS) {
			return p
		}
	}
	return ""
}

// defaultGoLocations are the go binaries of the official installers and the
// common package managers, in vscode-go's order of preference.
func defaultGoLocations(goos string, env map[string]string) []string {
	switch goos {
	case "windows":
		var out []string
		for _, root := range []string{env["ProgramFiles"], `C:\Program Files`, env["ProgramFiles(x86)"]} {
			if root != "" {
				out = append(out, root+`\Go\bin\go.exe`)
			}
		}
		return append(out, `C:\Go\bin\go.exe`)
	case "darwin":
		return []string{"/usr/local/go/bin/go", "/opt/homebrew/bin/go", "/usr/local/bin/go"}
	}
	out := []string{"/usr/local/go/bin/go", "/usr/lib/go/bin/go", "/snap/bin/go"}
	if home := env["HOME"]; home != "" {
		out = append(out, filepath.Join(home, "go", "bin", "go"), filepath.Join(home, ".local", "go", "bin", "go"))
	}
	return out
}

func isExecutable(p, goos string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && (goos == "windows" || st.Mode()&0o111 != 0)
}

func exe(name, goos string) string {
	if goos == "windows" {
		return name + ".exe"
	}
	return name
}

// lookPath finds name on the given PATH (not the doctor's own).
func lookPath(name, path, goos string) string {
	if path == "" {
		path = os.Getenv("PATH")
	}
	for _, dir := range filepath.SplitList(path) {
		// A relative entry would name a file in whatever directory the
		// doctor was started from (the workspace): never (as exec.LookPath's ErrDot).
		if !filepath.IsAbs(dir) {
			continue
		}
		if p := filepath.Join(dir, exe(name, goos)); isExecutable(p, goos) {
			return p
		}
	}
	return ""
}

// binaryGOROOT is the GOROOT a go binary finds for itself: the directory above
// its bin/, before and after resolving symlinks (cmd/go findGOROOT).
func binaryGOROOT(bin string) string {
	if bin == "" {
		return ""
	}
	candidates := []string{bin}
	if resolved, err := filepath.EvalSymlinks(bin); err == nil && resolved != bin {
		candidates = append(candidates, resolved)
	}
	for _, c := range candidates {
		root := filepath.Dir(filepath.Dir(c))
		if isGOROOT(root) {
			return root
		}
	}
	return ""
}

func isGOROOT(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "pkg", "tool"))
	return err == nil && st.IsDir()
}

// EnvMap turns KEY=VALUE pairs into a map; later duplicates win, as in exec.
func EnvMap(list []string) map[string]string {
	m := make(map[string]string, len(list))
	for _, kv := range list {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}
