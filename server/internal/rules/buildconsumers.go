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
