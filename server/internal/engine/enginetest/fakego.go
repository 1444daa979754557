// Package enginetest provides a go command whose `go env -json` disagrees
// with the doctor's model, for the tests of every path that confirms the
// model with go env (the oracle): the CLI's env, check and verify, and the
// language server's diagnostics and commands.
package enginetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// TB is the part of testing.TB FakeGo uses.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	TempDir() string
}

// FakeGo installs a go command in a GOROOT of its own (bin/go, pkg/tool and
// a copy of the real go.env, so the model finds the same defaults) and
// returns its bin directory, to put first on a PATH. It runs the real go
// command and replaces, in `go env -json`'s output, each variable of
// override with the given value, and GOROOT with its own root, which is
// where the model looks. Values must be plain: no quote, backslash, '#'
// or '&'.
func FakeGo(t TB, override map[string]string) (binDir string) {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		real = "/usr/local/go/bin/go"
	}
	if real, err = filepath.Abs(real); err != nil {
		t.Fatal(err)
	}
	if r, err := filepath.EvalSymlinks(real); err == nil {
		real = r
	}
	sed, err := exec.LookPath("sed")
	if err != nil {
		t.Fatalf("the fake go command needs sed: %v", err)
	}
	goEnv, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(real)), "go.env"))
	if err != nil {
		t.Fatalf("the real go.env: %v", err)
	}
	root := filepath.Join(t.TempDir(), "goroot")
	binDir = filepath.Join(root, "bin")
	for _, dir := range []string{binDir, filepath.Join(root, "pkg", "tool")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "go.env"), goEnv, 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"GOROOT": root}
	for k, v := range override {
		vars[k] = v
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var script strings.Builder
	script.WriteString("#!/bin/sh\n# go, except that go env disagrees with the model.\n")
	script.WriteString(shellQuote(real) + ` "$@" | ` + shellQuote(sed))
	for _, k := range names {
		v := vars[k]
		if strings.ContainsAny(k+v, "\"\\#&'\n") {
			t.Fatalf("FakeGo: %s=%q is not a plain value", k, v)
		}
		script.WriteString(` -e '` + `s#^\([[:space:]]*"` + k + `": \)"[^"]*"#\1"` + v + `"#'`)
	}
	script.WriteString("\n")
	if err := os.WriteFile(filepath.Join(binDir, "go"), []byte(script.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	return binDir
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
