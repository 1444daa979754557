package engine

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// memFolder is a folder held in memory: path → content.
type memFolder map[string][]byte

func (m memFolder) read(path string) ([]byte, error) {
	if b, ok := m[path]; ok {
		return b, nil
	}
	return nil, fs.ErrNotExist
}

func memConfig(folder string, cache *sources.ParseCache) Config {
	return Config{
		Folder:       folder,
		UserSettings: "/home/u/.config/Code/User/settings.json",
		ProcessEnv:   map[string]string{"PATH": "/nonexistent", "HOME": "/home/u"},
		Options:      sources.Options{GOOS: "linux", Trusted: true},
		GoBinary:     "/nonexistent/go",
		ModFiles:     []string{filepath.Join(folder, "go.mod"), filepath.Join(folder, "sub", "go.mod")},
		Parses:       cache,
	}
}

func memWorkspace(folder string) memFolder {
	return memFolder{
		filepath.Join(folder, ".vscode", "settings.json"): []byte(benchdata.Settings(2000)),
		"/home/u/.config/Code/User/settings.json":         []byte(`{"go.toolsEnvVars": {"GOFLAGS": "-mod=mod"}}`),
		filepath.Join(folder, "go.mod"):                   []byte("module example.com/app\n\ngo 1.22\n"),
		filepath.Join(folder, "sub", "go.mod"):            []byte("module example.com/app/sub\n"),
		filepath.Join(folder, ".vscode", "launch.json"):   []byte(`{"configurations": []}`),
	}
}

// A keystroke in go.mod parses go.mod only: settings.json, the user
// settings, launch.json and the nested go.mod are the previous load's
// values. A keystroke in settings.json parses settings.json only.
func TestLoadParsesOnlyTheChangedFile(t *testing.T) {
	folder := "/ws/app"
	files := memWorkspace(folder)
	cache := sources.NewParseCache()
	first := Load(memConfig(folder, cache), files.read)
	if n := cache.Parses(); n != 5 {
		t.Fatalf("first load parsed %d files; want 5", n)
	}
	mod := filepath.Join(folder, "go.mod")
	files[mod] = append(append([]byte(nil), files[mod]...), "\n// x"...)
	second := Load(memConfig(folder, cache), files.read)
	if n := cache.Parses(); n != 6 {
		t.Errorf("a go.mod keystroke parsed %d files; want 1", n-5)
	}
	if second.Workspace != first.Workspace || second.User != first.User || second.Launch != first.Launch || second.NestedMods[0] != first.NestedMods[0] {
		t.Error("a go.mod keystroke parsed the settings, launch.json or the nested go.mod again")
	}
	if second.GoMod == first.GoMod || string(second.GoMod.Content) != string(files[mod]) {
		t.Error("the changed go.mod was not parsed again")
	}

	settings := filepath.Join(folder, ".vscode", "settings.json")
	files[settings] = []byte(benchdata.Settings(2001))
	third := Load(memConfig(folder, cache), files.read)
	if n := cache.Parses(); n != 7 {
		t.Errorf("a settings.json keystroke parsed %d files; want 1", n-6)
	}
	if third.GoMod != second.GoMod || third.Workspace == second.Workspace {
		t.Error("a settings.json keystroke parsed go.mod again, or not settings.json")
	}
}

// A Config without a cache uses the engine's shared one.
func TestLoadSharedParseCache(t *testing.T) {
	folder := "/ws/shared-cache"
	files := memWorkspace(folder)
	a := Load(memConfig(folder, nil), files.read)
	b := Load(memConfig(folder, nil), files.read)
	if a.Workspace != b.Workspace || a.GoMod != b.GoMod {
		t.Error("the shared cache did not memoize")
	}
}

// BenchmarkLoadKeystroke loads a folder with a 5,000-line settings.json
// after a keystroke in go.mod (which parses go.mod only) and after one in
// settings.json (which parses settings.json).
func BenchmarkLoadKeystroke(b *testing.B) {
	folder := "/ws/bench"
	for _, file := range []string{"go.mod", ".vscode/settings.json"} {
		b.Run(file, func(b *testing.B) {
			files := memWorkspace(folder)
			settings := filepath.Join(folder, ".vscode", "settings.json")
			files[settings] = []byte(benchdata.Settings(5000))
			path := filepath.Join(folder, filepath.FromSlash(file))
			base := files[path]
			cache := sources.NewParseCache()
			Load(memConfig(folder, cache), files.read)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				// A comment at the end (before settings.json's closing brace).
				cut, tail := len(base), ""
				if file != "go.mod" {
					cut, tail = len(base)-2, "}\n"
				}
				files[path] = append(append([]byte(nil), base[:cut]...), fmt.Sprintf("\n//%d\n%s", i, tail)...)
				Load(memConfig(folder, cache), files.read)
			}
		})
	}
}

// The OS flavour is decided once, by Load: from GOOS unless the client said.
func TestLoadSetsOSFlavour(t *testing.T) {
	folder := "/ws/flavour"
	files := memWorkspace(folder)
	for _, tc := range []struct{ goos, given, want string }{
		{"linux", "", "linux"}, {"darwin", "", "osx"}, {"windows", "", "windows"}, {"freebsd", "", "linux"},
		{"linux", "osx", "osx"}, {"darwin", "windows", "windows"},
	} {
		cfg := memConfig(folder, sources.NewParseCache())
		cfg.Options.GOOS, cfg.Options.OSFlavour = tc.goos, tc.given
		if got := Load(cfg, files.read).Options.OSFlavour; got != tc.want {
			t.Errorf("GOOS %s, client %q: flavour %q; want %q", tc.goos, tc.given, got, tc.want)
		}
	}
	cfg := memConfig(folder, nil)
	cfg.Options.GOOS = ""
	if got, want := Load(cfg, files.read).Options.OSFlavour, OSFlavour(runtime.GOOS); got != want {
		t.Errorf("no GOOS: flavour %q; want %q", got, want)
	}
}
