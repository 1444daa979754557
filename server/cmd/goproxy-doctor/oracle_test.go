package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine/enginetest"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// The go command is the authority on effective values: every command shows
// what go env reports, not the model's reading, when the two disagree. The
// go command of these tests (first on PATH) reports GOPROXY=corrected where
// the environment the model reads says otherwise.

// oracleFolder is a folder with goMod, the environment extra (GOENV=off)
// and a go command reporting GOPROXY=corrected.
func oracleFolder(t *testing.T, corrected, goMod string, extra ...string) (env, args []string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := enginetest.FakeGo(t, map[string]string{"GOPROXY": corrected})
	env = cleanEnv(t, append([]string{"GOENV=off", "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}, extra...)...)
	// No user settings: the folder and the environment are the whole input.
	settings := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(settings, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return env, []string{"--folder", dir, "--settings", settings}
}

const (
	modelGoproxy     = "https://model.example.com,direct"
	correctedGoproxy = "http://corrected.example.com"
)

func TestEnvJSONShowsGoEnvsValue(t *testing.T) {
	env, args := oracleFolder(t, correctedGoproxy, "module example.com/m\n", "GOPROXY="+modelGoproxy)
	stdout, stderr, code := runCLI(t, env, append([]string{"env", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var got report.Env
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding env --json: %v\n%s", err, stdout)
	}
	if len(got.Consumers) == 0 {
		t.Fatalf("no consumers:\n%s", stdout)
	}
	for _, c := range got.Consumers {
		v := c.Vars["GOPROXY"]
		if v.Value != correctedGoproxy || !strings.Contains(v.Note, "go env reports") {
			t.Errorf("%s: GOPROXY %q (note %q), want go env's %q with its note", c.Name, v.Value, v.Note, correctedGoproxy)
		}
	}
}

func TestCheckJudgesGoEnvsValue(t *testing.T) {
	env, args := oracleFolder(t, correctedGoproxy, "module example.com/m\n", "GOPROXY="+modelGoproxy)
	stdout, stderr, _ := runCLI(t, env, append([]string{"check", "--format", "json"}, args...)...)
	var got report.Check
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding check --format json: %v\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	found := false
	for _, d := range got.Diagnostics {
		found = found || d.Code == "goproxy-insecure" && strings.Contains(d.Message, correctedGoproxy)
	}
	if !found {
		t.Errorf("check does not judge go env's GOPROXY %q (plain http):\n%s", correctedGoproxy, stdout)
	}
}

// Verify routes each module by the values go env reports: the model's
// GOPROXY names a closed port, go's a proxy that serves the module.
func TestVerifyRoutesByGoEnvsValue(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	tree := verifytest.NewTree(t, "golang.org/x/text@v0.14.0")
	served := (&verifytest.Proxy{Name: "served", Tree: tree, Log: &verifytest.Log{}}).Start(t)

	env, args := oracleFolder(t, served.URL, "module example.com/m\n\nrequire golang.org/x/text v0.14.0\n", "GOPROXY="+dead, "GOSUMDB=off")
	stdout, stderr, code := runCLI(t, env, append([]string{"verify", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, stderr, stdout)
	}
	var got verify.Result
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("decoding verify --json: %v\n%s", err, stdout)
	}
	if len(got.Modules) == 0 {
		t.Fatalf("no module verified:\n%s", stdout)
	}
	for _, m := range got.Modules {
		if m.Outcome != verify.OutcomeOK || m.ServedBy != served.URL {
			t.Errorf("%s@%s for %v: %s served by %q, want ok from go env's %s", m.Path, m.Version, m.Consumers, m.Outcome, m.ServedBy, served.URL)
		}
	}
	for _, p := range got.Proxies {
		if p.URL != served.URL {
			t.Errorf("probed %s, which only the model's GOPROXY names", p.URL)
		}
	}
}
