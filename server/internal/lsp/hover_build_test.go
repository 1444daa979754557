package lsp_test

import (
	"strings"
	"testing"
)

// A multi-stage Dockerfile whose ENV line holds non-ASCII text before the
// GOPROXY value, so that byte and UTF-16 columns differ; the builder stage
// inherits the base's ENV.
const hoverDockerfile = "# ünï 🎉 the team's image\n" +
	"FROM golang:1.26 AS base\n" +
	"ENV NOTE=\"ünï 🎉\" GOPROXY=https://ci:s3cr3tpw@proxy.example.com|direct\n" +
	"RUN go mod download\n" +
	"\n" +
	"FROM base AS builder\n" +
	"RUN go build ./...\n"

// TestHoverDockerfileEnv hovers the GOPROXY value of a Dockerfile's ENV
// line after non-ASCII text: every stage that inherits it, the parsed list,
// the value's range in UTF-16, and never the password.
func TestHoverDockerfileEnv(t *testing.T) {
	h := startMarkdown(t, withFiles(map[string]string{"Dockerfile": hoverDockerfile}))
	h.openAndWait("Dockerfile", hoverDockerfile)
	got := h.hover("Dockerfile", posOf(t, hoverDockerfile, "proxy.example.com", 0, 2))
	if got == nil {
		t.Fatal("hover on the Dockerfile's GOPROXY value answered null")
	}
	v := got.Contents.Value
	for _, want := range []string{
		"**GOPROXY** set by `ENV GOPROXY` of stage base in [Dockerfile:3](",
		"**docker:Dockerfile#base, docker:Dockerfile#builder**: `https://ci:xxxxx@proxy.example.com|direct`",
		"this entry wins",
		"`|`: on any error, the next entry is tried",
		"2. `direct`",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("hover lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "s3cr3tpw") {
		t.Fatalf("hover shows the password:\n%s", v)
	}
	start := posOf(t, hoverDockerfile, "https://ci:", 0, 0)
	end := posOf(t, hoverDockerfile, "|direct\n", 0, len("|direct"))
	if got.Range == nil || got.Range.Start != start || got.Range.End != end {
		t.Errorf("range %+v; want %v-%v (the value, UTF-16)", got.Range, start, end)
	}
	// The key answers with its own range, after the non-ASCII text.
	key := h.hover("Dockerfile", posOf(t, hoverDockerfile, "GOPROXY=", 0, 1))
	if key == nil || key.Range == nil || key.Range.Start != posOf(t, hoverDockerfile, "GOPROXY=", 0, 0) {
		t.Errorf("hover on the key: %+v", key)
	}
	// The FROM line is no entry.
	if got := h.hover("Dockerfile", lspPosition{Line: 1, Character: 2}); got != nil {
		t.Errorf("hover on FROM: %+v; want null", got)
	}
}

// TestBuildFilesInlayHintsAndCompletion: inlay hints (on) and completion
// in a Dockerfile, a workflow, a .gitlab-ci.yml and a devcontainer.json
// answer without error; the Dockerfile's shadowed ENV gets its hint.
func TestBuildFilesInlayHintsAndCompletion(t *testing.T) {
	files := map[string]string{
		settingsPath:                      "{\"goProxy.inlayHints.enabled\": true}\n",
		"Dockerfile":                      strings.Replace(hoverDockerfile, "RUN go build", "ENV GOPROXY=off\nRUN go build", 1),
		".github/workflows/ci.yml":        "on: push\nenv:\n  GOPROXY: https://ünï.example.com\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n      GOPROXY: off\n    steps:\n      - run: go build ./...\n",
		".gitlab-ci.yml":                  "variables:\n  GOPRIVATE: corp.example.com\nt:\n  script:\n    - go test ./...\n",
		".devcontainer/devcontainer.json": "{\"image\": \"golang:1.26\", \"containerEnv\": {\"GOPROXY\": \"https://dev.example.com\"}}\n",
	}
	h := start(t, withFiles(files))
	h.openAndWait("Dockerfile", files["Dockerfile"])
	everything := lspRange{End: lspPosition{Line: 100}}
	hints := h.inlayHints("Dockerfile", everything)
	found := false
	for _, hint := range hints {
		if hint.Position.Line == 2 && hint.Label == "← docker:Dockerfile#builder uses off" {
			found = true
		}
	}
	if !found {
		t.Errorf("Dockerfile hints %+v; want the builder's off after line 3's GOPROXY", hints)
	}
	for _, rel := range []string{"Dockerfile", ".github/workflows/ci.yml", ".gitlab-ci.yml", ".devcontainer/devcontainer.json"} {
		if rel != "Dockerfile" {
			h.open(rel, 1, files[rel])
			h.inlayHints(rel, everything)
		}
		lines := strings.Split(files[rel], "\n")
		for line := range lines {
			h.complete(rel, lspPosition{Line: line, Character: len(lines[line]) / 2})
		}
	}
	h.alive("requests on build files")
}

// TestHoverWorkflowCRLF hovers a job-level GOPROXY of a workflow with CRLF
// line endings and non-ASCII text before the value: the job it reaches,
// the workflow-level value it shadows, and a range that stops before the
// \r; the workflow-level value hovered answers for the other job.
func TestHoverWorkflowCRLF(t *testing.T) {
	wf := "name: ünï 🎉\r\n" +
		"on: push\r\n" +
		"env:\r\n" +
		"  GOPROXY: https://wf.example.com,direct\r\n" +
		"jobs:\r\n" +
		"  build:\r\n" +
		"    runs-on: ubuntu-latest\r\n" +
		"    env: {NOTE: \"ünï 🎉\", GOPROXY: \"https://job.example.com|off\"}\r\n" +
		"    steps:\r\n" +
		"      - run: go build ./...\r\n" +
		"  test:\r\n" +
		"    runs-on: ubuntu-latest\r\n" +
		"    steps:\r\n" +
		"      - run: go test ./...\r\n"
	const rel = ".github/workflows/ci.yml"
	h := start(t, withFiles(map[string]string{rel: wf}))
	h.openAndWait(rel, wf)
	got := h.hover(rel, posOf(t, wf, "job.example.com", 0, 3))
	if got == nil {
		t.Fatal("hover on the job's GOPROXY answered null")
	}
	v := got.Contents.Value
	for _, want := range []string{
		"GOPROXY set by jobs.build.env.GOPROXY in .github/workflows/ci.yml:8",
		"ci:ci/build: https://job.example.com|off from jobs.build.env.GOPROXY",
		"this entry wins; shadows https://wf.example.com,direct from env.GOPROXY in .github/workflows/ci.yml:4",
		"ci:ci/test: https://wf.example.com,direct from env.GOPROXY",
		"'|': on any error, the next entry is tried",
	} {
		if !strings.Contains(v, want) {
			t.Errorf("hover lacks %q:\n%s", want, v)
		}
	}
	start, end := posOf(t, wf, "https://job", 0, 0), posOf(t, wf, "|off\"", 0, len("|off"))
	if got.Range == nil || got.Range.Start != start || got.Range.End != end {
		t.Errorf("range %+v; want %v-%v (the value, UTF-16)", got.Range, start, end)
	}
	top := h.hover(rel, posOf(t, wf, "wf.example.com", 0, 0))
	if top == nil || !strings.Contains(top.Contents.Value, "ci:ci/test: https://wf.example.com,direct from env.GOPROXY in .github/workflows/ci.yml:4; this entry wins") {
		t.Errorf("hover on the workflow's GOPROXY: %+v", top)
	}
	if want := posOf(t, wf, ",direct\r", 0, len(",direct")); top != nil && (top.Range == nil || top.Range.End != want) {
		t.Errorf("range %+v; want end %v (before the \\r)", top.Range, want)
	}
}
