package rules

import (
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// jobConsumers names the consumer of a workflow job (SPEC §4:
// ci:<workflow>/<job>).
func (in *Input) jobConsumers(w *buildenv.Workflow, j *buildenv.Job) []string {
	return []string{"ci:" + workflowName(w.Path) + "/" + j.ID}
}

// workflowName is the workflow part of a ci: consumer: the file name.
func workflowName(p string) string {
	return filepath.Base(strings.ReplaceAll(p, "\\", "/"))
}

// gitlabConsumer names the consumer of a GitLab CI job.
func gitlabConsumer(job string) string { return "gitlab:" + job }

// dockerConsumer names the consumer of a Dockerfile stage:
// docker:<file>#<stage>, the file relative to the folder.
func (in *Input) dockerConsumer(path string, st *buildenv.Stage) string {
	return "docker:" + in.relPath(path) + "#" + st.Label()
}

// relPath is a path relative to the folder, with slashes.
func (in *Input) relPath(p string) string {
	if rel, err := filepath.Rel(in.Snap.Folder, p); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}
