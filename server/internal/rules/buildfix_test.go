package rules_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// The fixes of build files keep a CRLF file CRLF and a file without a
// final newline parseable: every fix offered on these files is applied,
// checked (checkBuildEdit: parses again, keeps comments, lines and line
// endings) and diagnosed again.
func TestBuildFixesKeepLineEndings(t *testing.T) {
	m := newMachine(t)
	crlf := func(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }
	noeol := func(s string) []byte { return []byte(strings.TrimSuffix(s, "\n")) }
	workflow := `jobs:
  test:
    runs-on: ubuntu-latest # the runner
    steps:
      - uses: actions/setup-go@v5
        with:
          go-proxy: https://goproxy.example.com,direct
      - run: |
          GOFLAGS=-mod=mod
          go test ./...
`
	dockerfile := `FROM alpine:3.20 AS base
ENV GOPRIVATE=git.example.com
FROM golang:1.22 AS builder
RUN go build ./...
`
	for _, tc := range []struct {
		name string
		conv func(string) []byte
	}{{"crlf", crlf}, {"noeol", noeol}} {
		t.Run(tc.name, func(t *testing.T) {
			ar := &txtar.Archive{Files: []txtar.File{
				{Name: "goenv", Data: []byte("GOPRIVATE=git.example.com\n")},
				{Name: "go.mod", Data: []byte("module example.com/app\n\ngo 1.22\n\nrequire git.example.com/team/lib v1.0.0\n")},
				{Name: ".github/workflows/ci.yml", Data: tc.conv(workflow)},
				{Name: "Dockerfile", Data: tc.conv(dockerfile)},
			}}
			if n := checkEveryFix(t, m, ar); n < 4 {
				t.Errorf("%d fixes checked, want at least 4 (setup-go, export, ENV in the builder, the job's GOPRIVATE)", n)
			}
		})
	}
}
