package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The composite action (action.yml) runs scripts/ci-check.sh; these tests
// run the script as the runner would, on the fixture repository
// testdata/ci-repo, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY in temporary
// files.

var (
	repoRoot    = filepath.Join("..", "..", "..")
	actionFile  = filepath.Join(repoRoot, "action.yml")
	checkScript = filepath.Join(repoRoot, "scripts", "ci-check.sh")
	ciRepo      = filepath.Join("testdata", "ci-repo")
)

// actionRun is one run of the action's script.
type actionRun struct {
	stdout, stderr string
	code           int
	outputs        map[string]string
	summary        string
	runnerTemp     string
}

// runAction runs the script with the inputs (name → value, as action.yml
// passes them) in a GitHub Actions-like environment; bin is a
// goproxy-doctor to use ("" builds one).
func runAction(t *testing.T, bin string, inputs map[string]string, extraEnv ...string) actionRun {
	t.Helper()
	script, err := filepath.Abs(checkScript)
	if err != nil {
		t.Fatal(err)
	}
	action, _ := filepath.Abs(repoRoot)
	workspace, _ := filepath.Abs(ciRepo)
	tmp := t.TempDir()
	out, summary := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
	runnerTemp := filepath.Join(tmp, "runner")
	if err := os.Mkdir(runnerTemp, 0o755); err != nil {
		t.Fatal(err)
	}
	env := cleanEnv(t,
		"GITHUB_ACTIONS=true", "GITHUB_ACTION_PATH="+action, "GITHUB_WORKSPACE="+workspace,
		"GITHUB_OUTPUT="+out, "GITHUB_STEP_SUMMARY="+summary, "RUNNER_TEMP="+runnerTemp)
	if bin != "" {
		env = append(env, "GOPROXY_DOCTOR_BIN="+bin)
	}
	for name, v := range inputs {
		env = append(env, "INPUT_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+"="+v)
	}
	env = append(env, extraEnv...)
	cmd := exec.Command("bash", script)
	cmd.Dir = workspace
	cmd.Env = env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := actionRun{stdout: stdout.String(), stderr: stderr.String(), outputs: map[string]string{}, runnerTemp: runnerTemp}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				r.outputs[k] = v
			}
		}
	}
	if b, err := os.ReadFile(summary); err == nil {
		r.summary = string(b)
	}
	return r
}

// goEnv is `go env NAME` of the machine, to share its build and module caches.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func TestActionScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed to run the action's script")
	}
	// The first run builds the doctor from this repository, as the action
	// does on a runner: the machine's caches, no network (GOPROXY=off), and
	// a project GOFLAGS the build must not inherit.
	built := runAction(t, "", map[string]string{"folder": "errors"},
		"GOCACHE="+goEnv(t, "GOCACHE"), "GOMODCACHE="+goEnv(t, "GOMODCACHE"), "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=vendor",
		"GITHUB_ACTION_REF=v1.2.3-test")
	bin := filepath.Join(built.runnerTemp, "goproxy-doctor-action", "goproxy-doctor")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the script built no binary (exit %d): %v\n%s", built.code, err, built.stderr)
	}
	// The binary carries the ref the workflow named as its version.
	if out, err := exec.Command(bin, "version").Output(); err != nil || string(out) != "goproxy-doctor v1.2.3-test\n" {
		t.Errorf("version of the built binary: %q, %v", out, err)
	}
	if built.code != exitFinding {
		t.Errorf("errors fixture, fail-on error: exit %d; want 1\n%s%s", built.code, built.stdout, built.stderr)
	}
	if !strings.Contains(built.stdout, "::error file=errors/.vscode/settings.json,line=4,col=16,") {
		t.Errorf("no error annotation on the fixture's null, relative to GITHUB_WORKSPACE:\n%s", built.stdout)
	}
	if built.outputs["exit-code"] != "1" || built.outputs["errors"] == "0" || built.outputs["errors"] == "" {
		t.Errorf("outputs %v; want exit-code 1 and the errors counted", built.outputs)
	}
	if !strings.Contains(built.summary, "### Go Proxy Doctor: failed (fail-on: error)") ||
		!strings.Contains(built.summary, "toolsenv-null") {
		t.Errorf("summary:\n%s", built.summary)
	}
	// Values from the repository are escaped in the summary's HTML.
	if !strings.Contains(built.summary, `-tags=&lt;b&gt;&amp;more`) || strings.Contains(built.summary, "<b>") {
		t.Errorf("the summary does not escape the repository's values:\n%s", built.summary)
	}

	for _, tc := range []struct {
		name     string
		inputs   map[string]string
		code     int
		warnings string
	}{
		{"warnings, default fail-on", map[string]string{"folder": "warnings"}, exitOK, "3"},
		{"warnings, fail-on warning", map[string]string{"folder": "warnings", "fail-on": "warning"}, exitFinding, "3"},
		{"warnings, fail-on never", map[string]string{"folder": "warnings", "fail-on": "never"}, exitOK, "3"},
		{"errors, fail-on never", map[string]string{"folder": "errors", "fail-on": "never", "format": "text"}, exitOK, "2"},
		{"clean, fail-on warning", map[string]string{"folder": "clean", "fail-on": "warning"}, exitOK, "0"},
	} {
		r := runAction(t, bin, tc.inputs)
		if r.code != tc.code {
			t.Errorf("%s: exit %d; want %d\n%s%s", tc.name, r.code, tc.code, r.stdout, r.stderr)
		}
		if r.outputs["exit-code"] != strconv.Itoa(tc.code) || r.outputs["warnings"] != tc.warnings {
			t.Errorf("%s: outputs %v; want exit-code %d, warnings %s", tc.name, r.outputs, tc.code, tc.warnings)
		}
		verdict := "passed"
		if tc.code != 0 {
			verdict = "failed"
		}
		if !strings.HasPrefix(r.summary, "### Go Proxy Doctor: "+verdict) {
			t.Errorf("%s: summary:\n%s", tc.name, r.summary)
		}
	}

	// format sarif writes the log to a file and names it in the outputs.
	r := runAction(t, bin, map[string]string{"folder": "warnings", "format": "sarif"})
	path := r.outputs["sarif-file"]
	if r.code != exitOK || path != filepath.Join(r.runnerTemp, "goproxy-doctor.sarif") || strings.Contains(r.stdout, `"version"`) {
		t.Fatalf("sarif: exit %d, outputs %v, log:\n%s", r.code, r.outputs, r.stdout)
	}
	var log struct {
		Version string
		Runs    []struct{ Results []struct{ RuleID string } }
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 3 {
		t.Errorf("sarif file (%v):\n%s", err, b)
	}
	custom := filepath.Join(t.TempDir(), "out.sarif")
	if r := runAction(t, bin, map[string]string{"folder": "warnings", "format": "sarif", "sarif-file": custom}); r.outputs["sarif-file"] != custom {
		t.Errorf("sarif-file input: outputs %v", r.outputs)
	}

	// Bad inputs are the action's errors, annotated, with exit 2.
	for _, in := range []map[string]string{{"format": "xml"}, {"fail-on": "always"}, {"trust-workspace": "yes"}, {"format": "x\n::warning::100%"}} {
		r := runAction(t, bin, in)
		if r.code != exitUsage || !strings.HasPrefix(r.stdout, "::error title=goproxy-doctor::") || strings.Count(r.stdout, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q; want 2 and one error annotation", in, r.code, r.stdout)
		}
	}
	if r := runAction(t, bin, map[string]string{"format": "x\n::warning::100%"}); !strings.Contains(r.stdout, "x%0A::warning::100%25") {
		t.Errorf("an input in the error annotation is not escaped: %q", r.stdout)
	}
	r = runAction(t, bin, map[string]string{"folder": "no-such-folder"})
	if r.code != exitUsage || !strings.Contains(r.stdout, "goproxy-doctor check failed (exit 2)") {
		t.Errorf("missing folder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// action.yml passes every input the script reads, declares every input it
// passes, and maps every output the script writes.
func TestActionDeclaresTheScriptsInputsAndOutputs(t *testing.T) {
	action, err := os.ReadFile(actionFile)
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(checkScript)
	if err != nil {
		t.Fatal(err)
	}
	a := string(action)
	section := func(name, next string) string {
		start := strings.Index(a, "\n"+name+":\n")
		end := strings.Index(a, "\n"+next+":\n")
		if start < 0 || end < start {
			t.Fatalf("action.yml has no %s section before %s", name, next)
		}
		return a[start:end]
	}
	keys := func(s string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`(?m)^  ([a-z-]+):$`).FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	inputs, outputs := keys(section("inputs", "outputs")), keys(section("outputs", "runs"))

	var passed, read, written []string
	for _, m := range regexp.MustCompile(`INPUT_([A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}`).FindAllStringSubmatch(a, -1) {
		if want := strings.ToUpper(strings.ReplaceAll(m[2], "-", "_")); m[1] != want {
			t.Errorf("action.yml passes inputs.%s as INPUT_%s; the runner's name is INPUT_%s", m[2], m[1], want)
		}
		passed = append(passed, m[2])
	}
	for _, m := range regexp.MustCompile(`\$\{INPUT_([A-Z_]+)`).FindAllStringSubmatch(string(script), -1) {
		read = append(read, strings.ToLower(strings.ReplaceAll(m[1], "_", "-")))
	}
	for _, m := range regexp.MustCompile(`echo "([a-z-]+)=\$`).FindAllStringSubmatch(string(script), -1) {
		written = append(written, m[1])
	}
	for _, l := range [][]string{passed, read, written} {
		slices.Sort(l)
	}
	if !slices.Equal(passed, inputs) || !slices.Equal(read, inputs) {
		t.Errorf("inputs: declared %q, passed %q, read by the script %q", inputs, passed, read)
	}
	if !slices.Equal(written, outputs) {
		t.Errorf("outputs: declared %q, written by the script %q", outputs, written)
	}
	for _, o := range outputs {
		if !strings.Contains(a, "value: ${{ steps.check.outputs."+o+" }}") {
			t.Errorf("output %s is not mapped from the check step", o)
		}
	}
	if !strings.Contains(a, `run: '"$GITHUB_ACTION_PATH/scripts/ci-check.sh"'`) {
		t.Error("action.yml does not run scripts/ci-check.sh from the action's path")
	}
}
