package rules

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// The consumers of build files are named by resolve (SPEC §4):
// ci:<workflow>/<job>, gitlab:<job>, docker:<file>#<stage>, devcontainer.
// The rules find them by their Origin; a part resolve models no consumer
// for (a job without a step that runs go) is named the same way.

// jobConsumers names the consumer of a workflow job.
func (in *Input) jobConsumers(w *buildenv.Workflow, j *buildenv.Job) []string {
	for _, c := range in.Consumers {
		if c.Origin != nil && c.Origin.Job == j {
			return []string{c.Name}
		}
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(path.Base(filepath.ToSlash(w.Path)), ".yml"), ".yaml")
	return []string{"ci:" + stem + "/" + j.ID}
}

// gitlabConsumer names the consumer of a GitLab CI job.
func gitlabConsumer(job string) string { return "gitlab:" + job }

// dockerConsumer names the consumer of a Dockerfile stage.
func (in *Input) dockerConsumer(path string, st *buildenv.Stage) string {
	for _, c := range in.Consumers {
		if c.Origin != nil && c.Origin.Stage == st {
			return c.Name
		}
	}
	return "docker:" + in.relPath(path) + "#" + st.Label()
}

// relPath is a path relative to the folder, with slashes.
func (in *Input) relPath(p string) string {
	if rel, err := filepath.Rel(in.Snap.Folder, p); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// buildConsumers are the consumers modelled from build files that run a go
// command which fetches modules, and the dev containers.
func (in *Input) buildConsumers() []*resolve.Consumer {
	var out []*resolve.Consumer
	for _, c := range in.Consumers {
		// A dev container runs the editor's gopls and the terminal's go
		// inside the image: it fetches modules whatever its file says.
		if c.Origin != nil && (c.Origin.BuildsGo || c.Origin.Kind == sources.DevContainer) {
			out = append(out, c)
		}
	}
	return out
}
