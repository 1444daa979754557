package session

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
)

// WorkspaceGlobs watch the inputs that live in workspace folders: settings,
// go.mod/go.work, and the Dockerfiles, compose files, dev containers and
// CI files (engine.FindBuildFiles).
var WorkspaceGlobs = []string{"**/.vscode/*.json", "**/*.code-workspace", "**/go.mod", "**/go.work",
	"**/Dockerfile", "**/*.Dockerfile", "**/Dockerfile.*", "**/Containerfile", "**/*.Containerfile", "**/Containerfile.*",
	"**/compose.yaml", "**/compose.yml", "**/docker-compose.yml", "**/docker-compose.yaml",
	"**/.devcontainer.json", "**/.devcontainer/devcontainer.json", "**/.devcontainer/*/devcontainer.json",
	"**/.github/workflows/*.yml", "**/.github/workflows/*.yaml", "**/.gitlab-ci.yml"}

// inWorkspaceGlobs reports whether a workspace glob already watches path.
func inWorkspaceGlobs(path string, folders []Folder) bool {
	inside := false
	for _, f := range folders {
		if strings.HasPrefix(path, f.Path+string(filepath.Separator)) {
			if engine.BuildFileIncluded(f.Path, path) {
				return true
			}
			inside = true
			break
		}
	}
	if !inside {
		return false
	}
	base := filepath.Base(path)
	return base == "go.mod" || base == "go.work" || filepath.Ext(base) == ".code-workspace" ||
		filepath.Ext(base) == ".json" && filepath.Base(filepath.Dir(path)) == ".vscode"
}

// updateWatchers asks the Watcher to watch, besides the workspace globs,
// every other file the snapshots read by absolute path: the user settings,
// the GOENV file (the only way to see `go env -w`), go.env, env files.
func (d *diagnoser) updateWatchers(v View, results map[string]*FolderResult) {
	if d.s.opts.Watcher == nil {
		return
	}
	var abs []string
	for _, r := range results {
		for _, p := range r.files.list() {
			if !inWorkspaceGlobs(p, v.Folders) && !slices.Contains(abs, p) {
				abs = append(abs, p)
			}
		}
	}
	slices.Sort(abs)
	key := "\x00" + strings.Join(abs, "\x00") // non-empty even with no files
	if key == d.watching {
		return
	}
	if d.s.opts.Watcher.Watch(abs) {
		d.watching = key
	}
}
