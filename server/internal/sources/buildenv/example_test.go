package buildenv_test

import (
	"fmt"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// A consumer docker:<file>#<stage> is a stage plus, for a stage built FROM
// another, that stage's ENV and go env -w.
func ExampleParseDockerfile() {
	content := []byte("FROM golang:1.26 AS builder\nENV GOPRIVATE=corp.example.com\nRUN go mod download\nFROM builder AS test\nRUN GOFLAGS=-mod=mod go test ./...\n")
	df, err := buildenv.ParseDockerfile("Dockerfile", content)
	if err != nil {
		panic(err)
	}
	for _, st := range df.Stages {
		fmt.Printf("docker:Dockerfile#%s builds=%v base-stage=%d\n", st.Label(), st.BuildsGo(), st.BaseStage)
		for _, s := range st.Env {
			fmt.Printf("  %s %s=%s at %d:%d, value %q\n", s.How, s.Key, s.Value, s.Line, s.Col, content[s.ValueSpan.Start:s.ValueSpan.End])
		}
		for _, g := range st.GoCommands() {
			for _, s := range g.Env {
				fmt.Printf("  go %s with %s=%s (%s)\n", g.Sub, s.Key, s.Value, s.How)
			}
		}
	}
	// Output:
	// docker:Dockerfile#builder builds=true base-stage=-1
	//   ENV GOPRIVATE=corp.example.com at 2:5, value "corp.example.com"
	// docker:Dockerfile#test builds=true base-stage=0
	//   go test with GOFLAGS=-mod=mod (inline)
}

// A consumer ci:<workflow>/<job> for a step: StepEnv gives the layers in
// increasing precedence.
func ExampleWorkflow_StepEnv() {
	content := []byte(`env:
  GOPRIVATE: corp.example.com
jobs:
  build:
    env:
      GOPROXY: https://proxy.example.com
    steps:
      - run: echo "GONOSUMDB=corp.example.com" >> "$GITHUB_ENV"
      - uses: actions/setup-go@v5
        with:
          go-proxy: https://proxy.example.com
      - run: go build ./...
        env:
          GOFLAGS: -mod=mod
`)
	w, err := buildenv.ParseWorkflow(".github/workflows/ci.yml", content)
	if err != nil {
		panic(err)
	}
	j := w.Jobs[0]
	for _, s := range w.StepEnv(j, 2) {
		fmt.Printf("ci:ci.yml/%s %s %s=%s (line %d)\n", j.ID, s.Level, s.Key, s.Value, s.Line)
	}
	for _, in := range j.Steps[1].With {
		fmt.Printf("%s input %s at %d:%d\n", j.Steps[1].Action(), in.Key, in.Line, in.Col)
	}
	// Output:
	// ci:ci.yml/build workflow GOPRIVATE=corp.example.com (line 2)
	// ci:ci.yml/build job GOPROXY=https://proxy.example.com (line 6)
	// ci:ci.yml/build step GONOSUMDB=corp.example.com (line 8)
	// ci:ci.yml/build step GOFLAGS=-mod=mod (line 14)
	// actions/setup-go input go-proxy at 11:11
}
