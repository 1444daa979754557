package report_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// ciFolder is the folder of the CI output tests; its files live in memory.
var ciFolder = filepath.FromSlash("/work/repo")

// ciUserSettings is VS Code's user settings, outside the folder.
var ciUserSettings = filepath.FromSlash("/home/dev/.config/Code/User/settings.json")

// ciFiles is a folder whose findings include a divergence with related
// information, an error and a finding in a file outside the folder.
func ciFiles(settings string) map[string]string {
	return map[string]string{
		filepath.Join(ciFolder, ".vscode", "settings.json"): settings,
		filepath.Join(ciFolder, "goenv"):                    "GOPROXY=https://b.example.com,direct\n",
		filepath.Join(ciFolder, "go.mod"):                   "module example.com/app\n\ngo 1.22\n",
		ciUserSettings:                                      `{"http.proxy": "http://dev:hunter2secret@proxy.example.com:3128"}`,
	}
}

const ciSettings = `{
  "go.toolsEnvVars": {
    "GOPROXY": "https://a.example.com,DIRECT",
    "GOPRIVATE": "example.com/app"
  }
}
`

// checkOf runs the engine over files (nothing from disk but the Go
// installation's go.env) and returns what check --format json would print.
func checkOf(t *testing.T, files map[string]string) report.Check {
	t.Helper()
	read := func(path string) ([]byte, error) {
		if s, ok := files[path]; ok {
			return []byte(s), nil
		}
		if filepath.Base(path) == "go.env" {
			return engine.DiskReader(path)
		}
		return nil, fs.ErrNotExist
	}
	snap := engine.Load(engine.Config{
		Folder: ciFolder,
		// GOFLAGS=-insecure in the environment is a finding without a file.
		ProcessEnv:   map[string]string{"GOENV": filepath.Join(ciFolder, "goenv"), "HOME": filepath.FromSlash("/nonexistent"), "GOFLAGS": "-insecure"},
		UserSettings: ciUserSettings,
		Options:      sources.Options{GOOS: runtime.GOOS, OSFlavour: engine.OSFlavour(runtime.GOOS)},
	}, read)
	c := report.CheckJSON(snap, engine.Diagnose(snap, engine.Resolve(snap)))
	if len(c.Diagnostics) == 0 {
		t.Fatal("no findings")
	}
	return c
}

func codes(c report.Check) map[string]bool {
	out := map[string]bool{}
	for _, d := range c.Diagnostics {
		out[d.Code] = true
	}
	return out
}

var errNoRelated = errors.New("no finding with related information")

// withRelated is the first diagnostic with related information.
func withRelated(c report.Check) (report.Diagnostic, error) {
	for _, d := range c.Diagnostics {
		if len(d.Related) > 0 {
			return d, nil
		}
	}
	return report.Diagnostic{}, errNoRelated
}
