package engine_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// recordingGo is a go command that records, per run, its working directory
// and environment in a file of its own under records, then runs the real go
// with the same arguments.
func recordingGo(t *testing.T) (bin, records string) {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin, records = filepath.Join(dir, "go"), filepath.Join(dir, "records")
	if err := os.Mkdir(records, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n{ echo \"PWD=$(pwd -P)\"; env; } > \"$(mktemp " + records + "/run.XXXXXX)\"\nexec " + real + " \"$@\"\n"
	writeFile(t, bin, []byte(script))
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, records
}

// runs returns one environment (KEY=VALUE lines) per recorded run.
func runs(t *testing.T, records string) [][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(records, "run.*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Split(strings.TrimSpace(string(b)), "\n"))
	}
	return out
}

func lookup(run []string, key string) (string, bool) {
	for _, kv := range run {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// hostileFolder is a folder whose workspace layers choose a toolchain and a
// PATH holding a program by that toolchain's name, and whose go.mod asks for
// that toolchain: each is a way to make go env run another program.
func hostileFolder(t *testing.T, folder string) (marker string) {
	marker = filepath.Join(filepath.Dir(folder), "marker")
	planted := "#!/bin/sh\necho \"$0 $*\" >> " + marker + "\nexit 1\n"
	writeFile(t, filepath.Join(folder, "bin", "go1.99.0"), []byte(planted))
	if err := os.Chmod(filepath.Join(folder, "bin", "go1.99.0"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(folder, ".vscode", "settings.json"), []byte(`{
  "go.toolsEnvVars": {
    "GOTOOLCHAIN": "go1.99.0",
    "PATH": "${workspaceFolder}/bin:/usr/bin:/bin",
    "GOPROXY": "file://${workspaceFolder}/proxy",
    "GOPRIVATE": "corp.example.com"
  },
  "terminal.integrated.env.linux": {"GOTOOLCHAIN": "go1.99.0", "PATH": "${workspaceFolder}/bin"}
}`))
	writeFile(t, filepath.Join(folder, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n\ntoolchain go1.99.0\n"))
	return marker
}

// In an untrusted workspace go env never sees an environment a workspace
// layer shaped: those consumers keep the model's values, noted as not
// confirmed, and every run that does happen has only the user's own
// environment, GOTOOLCHAIN=local, and a directory outside the folder.
func TestOracleUntrustedWorkspaceLayersNeverReachGoEnv(t *testing.T) {
	folder, _, env := oracleWorld(t)
	marker := hostileFolder(t, folder)
	bin, record := recordingGo(t)
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: env, GoBinary: bin, Options: sources.Options{GOOS: runtime.GOOS, OSFlavour: "linux"}}, nil)
	consumers := engine.Resolve(s)
	if _, err := engine.NewOracle().Confirm(context.Background(), s, consumers); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	for _, c := range consumers {
		shaped := c.Name != "terminal" // untrusted: VS Code ignores the workspace's terminal.integrated.env
		if got := c.Unconfirmed != ""; got != shaped {
			t.Errorf("%s: Unconfirmed = %q, want set: %v", c.Name, c.Unconfirmed, shaped)
		}
		if !shaped {
			continue
		}
		if v := c.Var("GOPROXY"); v.Value != "file://"+folder+"/proxy" || !strings.Contains(v.Note, engine.NotConfirmedUntrusted) {
			t.Errorf("%s: GOPROXY %+v, want the model's value noted %q", c.Name, v, engine.NotConfirmedUntrusted)
		}
		if v := c.Var("GOTOOLCHAIN"); c.Name != "install" && v.Value != "go1.99.0" {
			t.Errorf("%s: GOTOOLCHAIN %q, want the model's go1.99.0", c.Name, v.Value)
		}
	}
	rs := runs(t, record)
	if len(rs) == 0 {
		t.Fatal("go env never ran, not even for the terminal")
	}
	for _, run := range rs {
		for _, kv := range run {
			if strings.Contains(kv, folder) {
				t.Errorf("go env ran with %s", kv)
			}
		}
		if v, _ := lookup(run, "GOTOOLCHAIN"); v != "local" {
			t.Errorf("go env ran with GOTOOLCHAIN=%q", v)
		}
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Errorf("a program the workspace chose ran: %s", b)
	}
}

// Plain data from a workspace layer (GOPRIVATE and friends) does not choose
// a program: go env still confirms such a consumer in an untrusted workspace.
func TestOracleUntrustedConfirmsWorkspaceData(t *testing.T) {
	folder, _, env := oracleWorld(t)
	writeFile(t, filepath.Join(folder, ".vscode", "settings.json"), []byte(`{"go.toolsEnvVars": {"GOPRIVATE": "corp.example.com", "GOSUMDB": "sum.tools.example.com"}}`))
	bin, record := recordingGo(t)
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: env, GoBinary: bin, Options: sources.Options{GOOS: runtime.GOOS}}, nil)
	consumers := engine.Resolve(s)
	if _, err := engine.NewOracle().Confirm(context.Background(), s, consumers); err != nil {
		t.Fatal(err)
	}
	for _, c := range consumers {
		if c.Unconfirmed != "" {
			t.Errorf("%s not confirmed: %s", c.Name, c.Unconfirmed)
		}
	}
	found := false
	for _, run := range runs(t, record) {
		if v, _ := lookup(run, "GOPRIVATE"); v == "corp.example.com" {
			found = true
		}
	}
	if !found {
		t.Error("no go env run saw the workspace's GOPRIVATE")
	}
}

// Trusted, the workspace's environment reaches go env, but go env still
// never switches toolchains (GOTOOLCHAIN=local) and never runs in the
// folder, whose go.mod names a toolchain; the GOTOOLCHAIN shown is the
// consumer's, not "local".
func TestOracleTrustedNeverSwitchesToolchain(t *testing.T) {
	folder, _, env := oracleWorld(t)
	marker := hostileFolder(t, folder)
	bin, record := recordingGo(t)
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: env, GoBinary: bin, Options: sources.Options{GOOS: runtime.GOOS, OSFlavour: "linux", Trusted: true}}, nil)
	consumers := engine.Resolve(s)
	dis, err := engine.NewOracle().Confirm(context.Background(), s, consumers)
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	for _, d := range dis {
		// (GOROOT and go.env's defaults differ: the recording go has no GOROOT of its own.)
		if d.Name == "GOTOOLCHAIN" || d.Name == "GOPROXY" {
			t.Errorf("go env contradicted the model: %+v", d)
		}
	}
	for _, name := range []string{"terminal", "gopls", "tools"} {
		c := consumer(t, consumers, name)
		if c.Unconfirmed != "" {
			t.Errorf("%s: not confirmed in a trusted workspace: %s", name, c.Unconfirmed)
		}
		if v := c.Var("GOTOOLCHAIN"); v.Value != "go1.99.0" {
			t.Errorf("%s: GOTOOLCHAIN %q, want the consumer's go1.99.0", name, v.Value)
		}
	}
	rs := runs(t, record)
	if len(rs) == 0 {
		t.Fatal("go env never ran")
	}
	sawPath := false
	for _, run := range rs {
		if v, _ := lookup(run, "GOTOOLCHAIN"); v != "local" {
			t.Errorf("go env ran with GOTOOLCHAIN=%q", v)
		}
		pwd, _ := lookup(run, "PWD")
		if rel, err := filepath.Rel(folder, pwd); pwd == "" || err == nil && filepath.IsLocal(rel) || pwd == folder {
			t.Errorf("go env ran in %q, inside the folder", pwd)
		}
		if v, _ := lookup(run, "PATH"); strings.HasPrefix(v, folder) {
			sawPath = true
		}
	}
	if !sawPath {
		t.Error("trusted: the workspace's PATH never reached go env (the test proves nothing)")
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Errorf("a program the workspace chose ran: %s", b)
	}
}

// The go binary: workspace go.alternateTools and go.goroot count only in a
// trusted workspace; a relative PATH entry never names it.
func TestGoBinaryTrust(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "ws")
	planted := filepath.Join(folder, "tools", "go")
	writeFile(t, planted, []byte("#!/bin/sh\nexit 1\n"))
	if err := os.Chmod(planted, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(folder, ".vscode", "settings.json"), []byte(`{"go.alternateTools": {"go": "`+planted+`"}, "go.goroot": "`+folder+`"}`))
	env := baseEnv(t, dir)
	load := func(trusted bool, env map[string]string) string {
		return engine.Load(engine.Config{Folder: folder, ProcessEnv: env, ModFiles: []string{}, Options: sources.Options{GOOS: "linux", Trusted: trusted}}, nil).GoBinary
	}
	if got := load(true, env); got != planted {
		t.Errorf("trusted: GoBinary %q, want the workspace's %q", got, planted)
	}
	if got := load(false, env); got == "" || strings.HasPrefix(got, folder) {
		t.Errorf("untrusted: GoBinary %q, want the user's go", got)
	}
	// "tools" relative to wherever the doctor was started (here: the folder).
	wd, _ := os.Getwd()
	if err := os.Chdir(folder); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	rel := map[string]string{"PATH": "tools:" + env["PATH"], "HOME": env["HOME"]}
	if got := load(false, rel); got == "" || !filepath.IsAbs(got) || strings.HasPrefix(got, folder) {
		t.Errorf("relative PATH entry: GoBinary %q", got)
	}
}
