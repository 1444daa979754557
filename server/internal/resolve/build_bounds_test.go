package resolve_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// Hostile build files cannot make the model quadratic: a Dockerfile of
// 3000 stages each built FROM the previous one gives at most
// MaxBuildConsumersPerFile consumers, each following at most 64 stages of
// its chain and taking at most MaxBuildSettings settings, and a folder at
// most MaxBuildConsumers.
func TestBuildConsumersBounded(t *testing.T) {
	folder := t.TempDir()
	s := sources.NewSnapshot(folder, func(string) ([]byte, error) { return nil, fmt.Errorf("no files") })
	s.Options = sources.Options{GOOS: "linux", OSFlavour: "linux", Trusted: true}
	add := func(rel string, kind sources.Kind, content string) {
		p := filepath.Join(folder, rel)
		v, err := buildenv.Parse(kind, p, []byte(content))
		if err != nil {
			t.Fatal(err)
		}
		s.BuildFiles = append(s.BuildFiles, &sources.BuildFile{Path: p, Kind: kind, Content: []byte(content), Parsed: v})
	}
	var df strings.Builder
	df.WriteString("FROM golang:1.26 AS s0\nENV GOPROXY=https://base.example.com,direct\n")
	// Stage 0 sets many variables: no consumer takes more than MaxBuildSettings.
	for i := range 3 * resolve.MaxBuildSettings {
		fmt.Fprintf(&df, "ENV V%d=x\n", i)
	}
	df.WriteString("RUN go build ./...\n")
	for i := 1; i < 3000; i++ {
		fmt.Fprintf(&df, "FROM s%d AS s%d\nENV GOFLAGS=-mod=mod\nRUN go build ./...\n", i-1, i)
	}
	add("Dockerfile", sources.DockerfileKind, df.String())
	for w := range 20 {
		var wf strings.Builder
		wf.WriteString("on: push\njobs:\n")
		for j := range 100 {
			fmt.Fprintf(&wf, "  j%d:\n    runs-on: x\n    steps:\n      - run: go test ./...\n", j)
		}
		add(fmt.Sprintf(".github/workflows/w%d.yml", w), sources.GitHubActions, wf.String())
	}
	var docker, total int
	for _, c := range resolve.Resolve(s) {
		if c.Origin == nil {
			continue
		}
		total++
		if c.Origin.Kind == sources.DockerfileKind {
			docker++
		}
		if len(c.Env) > resolve.MaxBuildSettings {
			t.Errorf("%s: %d variables; want at most %d", c.Name, len(c.Env), resolve.MaxBuildSettings)
		}
	}
	if docker != resolve.MaxBuildConsumersPerFile || total != resolve.MaxBuildConsumers {
		t.Errorf("%d Docker consumers, %d build consumers; want %d and %d", docker, total, resolve.MaxBuildConsumersPerFile, resolve.MaxBuildConsumers)
	}
	// What the bounds left out is said, per file: the Dockerfile (stages and
	// settings) and the workflows past the folder's bound.
	limited := map[string]string{}
	for _, l := range s.Limited() {
		limited[filepath.ToSlash(strings.TrimPrefix(l.Path, folder+string(filepath.Separator)))] = l.Reason
	}
	if r := limited["Dockerfile"]; !strings.Contains(r, "are modelled") && !strings.Contains(r, "settings") {
		t.Errorf("Dockerfile limit %q; want it to say the bound", r)
	}
	if r := limited[".github/workflows/w19.yml"]; !strings.Contains(r, "a folder are modelled") {
		t.Errorf("the last workflow's limit %q; want the folder's bound", r)
	}
	if r := limited[".github/workflows/w0.yml"]; !strings.Contains(r, "a file") {
		t.Errorf("w0.yml (100 jobs) limit %q; want the file's bound", r)
	}
	if len(limited) != 21 {
		t.Errorf("%d files reported as modelled in part; want the Dockerfile and the 20 workflows: %v", len(limited), limited)
	}
	// The last stage kept, s63, still sees stage 0's ENV: its chain of 64
	// stages is within the bound.
	for _, c := range resolve.Resolve(s) {
		if c.Name == "docker:Dockerfile#s63" && c.Var("GOPROXY").Value != "https://base.example.com,direct" {
			t.Errorf("s63 GOPROXY %q; want stage 0's", c.Var("GOPROXY").Value)
		}
	}
}
