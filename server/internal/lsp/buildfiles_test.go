package lsp_test

import (
	"os"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
)

// A Dockerfile and a workflow are diagnosed when opened, on the exact
// value, and again as they are edited; a workflow created on disk after
// the server started is found through its file event, and deleting it
// clears its diagnostics.
func TestBuildFileDiagnostics(t *testing.T) {
	const dockerfile = "FROM golang:1.26 AS builder\nENV GOSUMDB=off\nRUN go build ./...\n"
	h := start(t)

	mark := h.mark()
	h.open("Dockerfile", 1, dockerfile)
	p := h.awaitDiagnostics(mark, "Dockerfile", "gosumdb-off in the Dockerfile", all(version(1), hasCode("gosumdb-off")))
	d := p.find("gosumdb-off")
	if want := at(t, dockerfile, "off\n"); d.Range.Start != want || d.Range.End.Character != want.Character+3 {
		t.Errorf("gosumdb-off at %+v; want the value at %+v", d.Range, want)
	}
	if len(d.Data.Consumers) != 1 || d.Data.Consumers[0] != "docker:Dockerfile#builder" {
		t.Errorf("consumers %q; want docker:Dockerfile#builder", d.Data.Consumers)
	}
	if !strings.Contains(d.Message, "docker:Dockerfile#builder") {
		t.Errorf("message %q does not name the stage", d.Message)
	}

	// Fixing the buffer clears it (with the developer's GOPROXY and
	// GONOSUMDB, so that ci-divergence has nothing to say either).
	env := at(t, dockerfile, "GOSUMDB=off")
	mark = h.mark()
	h.change("Dockerfile", 2, edit(env.Line, env.Character, env.Line, env.Character+len("GOSUMDB=off"), "GOPROXY=https://proxy.example.com,direct GONOSUMDB=example.com/private"))
	h.awaitDiagnostics(mark, "Dockerfile", "an empty list at version 2", all(version(2), empty))

	// A workflow created on disk: its created event makes it a build file.
	const workflow = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      GOPROXY: https://proxy.example.com;direct\n    steps:\n      - run: go test ./...\n"
	rel := ".github/workflows/ci.yml"
	h.write(rel, workflow)
	mark = h.mark()
	h.fileChanged(rel, 1)
	p = h.awaitDiagnostics(mark, rel, "goproxy-bad-entry in the workflow", all(unversioned, hasCode("goproxy-bad-entry")))
	if d := p.find("goproxy-bad-entry"); d.Range.Start != at(t, workflow, "https://proxy.example.com;direct") {
		t.Errorf("goproxy-bad-entry at %+v", d.Range)
	}
	if err := os.Remove(h.path(rel)); err != nil {
		t.Fatal(err)
	}
	mark = h.mark()
	h.fileChanged(rel, 3)
	h.awaitDiagnostics(mark, rel, "an empty list after the workflow is deleted", all(unversioned, empty))
}

// goproxy-doctor.environment answers for the build consumers too, with
// their file:line, and narrows to the consumers asked for.
func TestEnvironmentCommandBuildConsumers(t *testing.T) {
	h := start(t, withFiles(map[string]string{
		"Dockerfile":               "FROM golang:1.26 AS builder\nENV GOPRIVATE=corp.example.com\nRUN go build ./...\n",
		".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - run: go test ./...\n",
	}))
	res := h.environment(map[string]any{"folder": h.folderURI(), "consumers": []string{"terminal", "docker:*"}})
	if len(res.Folders) != 1 {
		t.Fatalf("%d folders", len(res.Folders))
	}
	var names []string
	for _, c := range res.Folders[0].Consumers {
		names = append(names, c.Name)
		if c.Name == "docker:Dockerfile#builder" {
			if v := c.Vars["GOPRIVATE"]; v.Value != "corp.example.com" || v.Source != "dockerfile" || v.File != h.path("Dockerfile") || v.Line != 2 {
				t.Errorf("docker GOPRIVATE = %+v", v)
			}
		}
	}
	if strings.Join(names, " ") != "terminal docker:Dockerfile#builder" {
		t.Errorf("consumers %q; want terminal and the builder stage", names)
	}
	if !strings.Contains(res.Markdown, "### docker:Dockerfile#builder") || strings.Contains(res.Markdown, "ci:ci/test") {
		t.Errorf("markdown:\n%s", res.Markdown)
	}
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandEnvironment, map[string]any{"consumers": []string{"gitlab:*"}}))
	if r.Error == nil || !strings.Contains(r.Error.Message, "gitlab:*") {
		t.Errorf("a filter that matches nothing: %+v", r.Error)
	}
}
