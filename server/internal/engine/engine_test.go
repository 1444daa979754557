package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func TestDiskReader(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "settings.json")
	writeFile(t, small, []byte(`{"a": 1}`))
	if got, err := engine.DiskReader(small); err != nil || string(got) != `{"a": 1}` {
		t.Errorf("DiskReader(file) = %q, %v", got, err)
	}

	_, err := engine.DiskReader(dir)
	var pe *safeio.SkipError
	if err == nil || !errors.As(err, &pe) || pe.Path != dir || pe.Reason != safeio.IsDir || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("DiskReader(directory) = %v, want a skip error saying it is a directory", err)
	}

	// A sparse file just over the limit: refused without being read.
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(8<<20 + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := engine.DiskReader(huge); err == nil || !errors.As(err, &pe) || pe.Path != huge || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("DiskReader(8 MiB + 1) = %v, want a clear size error", err)
	}
	// Exactly 8 MiB is still read.
	if err := os.Truncate(huge, 8<<20); err != nil {
		t.Fatal(err)
	}
	if got, err := engine.DiskReader(huge); err != nil || len(got) != 8<<20 {
		t.Errorf("DiskReader(8 MiB) = %d bytes, %v", len(got), err)
	}

	if _, err := engine.DiskReader(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("DiskReader(missing) = %v", err)
	}
}

func TestLoadBinarySettings(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	// An ELF header and random bytes where settings.json should be.
	binary := []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00\xff\xfe\x00{\"go.toolsEnvVars\"")
	writeFile(t, filepath.Join(folder, ".vscode", "settings.json"), binary)
	writeFile(t, filepath.Join(folder, ".vscode", "launch.json"), []byte("\x00\x01\x02"))
	writeFile(t, filepath.Join(folder, ".vscode", "tasks.json"), []byte("{\"tasks\": [ \xff"))
	writeFile(t, filepath.Join(folder, "go.mod"), []byte("\x00\x00module"))
	writeFile(t, filepath.Join(dir, "user.json"), []byte("{\"http.proxy\": \"\xff\xfe\"}"))
	env := baseEnv(t, dir)
	env["GOENV"] = "off"
	s := engine.Load(engine.Config{Folder: folder, UserSettings: filepath.Join(dir, "user.json"), ProcessEnv: env, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}, nil)
	if s.Workspace == nil || s.Workspace.Err == nil || s.Workspace.Object != nil {
		t.Fatalf("binary settings.json: %+v", s.Workspace)
	}
	if off := s.Workspace.Err.Offset; off < 0 || off > len(binary) || s.Workspace.Err.Msg == "" {
		t.Errorf("parse error %+v", s.Workspace.Err)
	}
	if s.Launch == nil || s.Launch.Err == nil || s.Tasks == nil || s.Tasks.Err == nil {
		t.Errorf("binary launch/tasks: %+v %+v", s.Launch, s.Tasks)
	}
	if s.GoMod == nil || s.GoMod.Err == nil {
		t.Errorf("binary go.mod: %+v", s.GoMod)
	}
	// Invalid UTF-8 inside a string is not a syntax error; it decodes to U+FFFD.
	if v, _ := s.User.String("http.proxy"); s.User.Err != nil || v != "\ufffd\ufffd" {
		t.Errorf("user settings %q, %v", v, s.User.Err)
	}
	// Resolving still works: the broken files contribute nothing.
	term := consumer(t, engine.Resolve(s), "tools")
	if v := term.Var("GOPROXY"); v.Prov.Source == sources.VSCodeWorkspace {
		t.Errorf("value from a broken file: %+v", v)
	}
}

func TestLoadMultiRoot(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "svc")
	ws := filepath.Join(dir, "team.code-workspace")
	writeFile(t, ws, []byte(`{
  "folders": [{ "path": "svc" }],
  "settings": { "go.toolsEnvVars": { "GOPROXY": "https://workspace.example.com" } }
}`))
	writeFile(t, filepath.Join(folder, ".vscode", "settings.json"), []byte(`{ "go.toolsEnvVars": { "GOSUMDB": "sum.folder.example.com" } }`))
	writeFile(t, filepath.Join(dir, "user.json"), []byte(`{ "go.toolsEnvVars": { "GOPRIVATE": "user.example.com" } }`))
	env := baseEnv(t, dir)
	env["GOENV"] = "off"
	cfg := engine.Config{Folder: folder, WorkspaceFile: ws, UserSettings: filepath.Join(dir, "user.json"), ProcessEnv: env, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}
	s := engine.Load(cfg, nil)
	if !s.Options.MultiRoot {
		t.Errorf("MultiRoot not set")
	}
	if s.Workspace == nil || s.Workspace.Path != ws || !s.Workspace.IsWorkspaceFile || s.Workspace.Kind != sources.VSCodeWorkspace {
		t.Fatalf("workspace settings %+v", s.Workspace)
	}
	if s.FolderSettings == nil || s.FolderSettings.Kind != sources.VSCodeFolder {
		t.Fatalf("folder settings %+v", s.FolderSettings)
	}
	if s.User == nil || s.User.Kind != sources.VSCodeUser {
		t.Fatalf("user settings %+v", s.User)
	}
	tools := consumer(t, engine.Resolve(s), "tools")
	for name, want := range map[string]sources.Kind{"GOPROXY": sources.VSCodeWorkspace, "GOSUMDB": sources.VSCodeFolder, "GOPRIVATE": sources.VSCodeUser} {
		if got := tools.Var(name).Prov.Source; got != want {
			t.Errorf("%s from %s, want %s", name, got, want)
		}
	}

	// Without a workspace file the folder's settings are the workspace level.
	cfg.WorkspaceFile = ""
	s = engine.Load(cfg, nil)
	if s.Options.MultiRoot || s.FolderSettings != nil || s.Workspace == nil || s.Workspace.Kind != sources.VSCodeWorkspace || s.Workspace.IsWorkspaceFile {
		t.Errorf("single folder: workspace %+v, folder %+v", s.Workspace, s.FolderSettings)
	}
}

func TestLoadReader(t *testing.T) {
	// Load reads through the given reader (open editor buffers), not the disk.
	folder := "/virtual/folder"
	files := map[string]string{
		folder + "/.vscode/settings.json": `{"go.toolsEnvVars": {"GOPROXY": "https://buffer.example.com"}}`,
		folder + "/go.mod":                "module example.com/m\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n",
	}
	var mu sync.Mutex
	var reads []string
	read := func(p string) ([]byte, error) {
		mu.Lock()
		reads = append(reads, p)
		mu.Unlock()
		if c, ok := files[p]; ok {
			return []byte(c), nil
		}
		return nil, os.ErrNotExist
	}
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: map[string]string{"GOENV": "off"}, ModFiles: []string{}, GoBinary: "/nonexistent/go"}, read)
	if s.Options.GOOS != runtime.GOOS {
		t.Errorf("GOOS defaults to %q", s.Options.GOOS)
	}
	if s.GoMod == nil || s.GoMod.Module != "example.com/m" || len(s.GoMod.Require) != 1 {
		t.Errorf("go.mod %+v", s.GoMod)
	}
	if s.GoBinary != "/nonexistent/go" || s.DefaultGOROOT != "" {
		t.Errorf("go binary %q, GOROOT %q", s.GoBinary, s.DefaultGOROOT)
	}
	if v := consumer(t, engine.Resolve(s), "gopls").Var("GOPROXY"); v.Value != "https://buffer.example.com" {
		t.Errorf("GOPROXY %+v", v)
	}
	if len(reads) == 0 {
		t.Errorf("reader not used")
	}
}

func TestEnvMap(t *testing.T) {
	m := engine.EnvMap([]string{"A=1", "B=x=y", "A=2", "NOEQUALS", "=hidden", "C="})
	if len(m) != 3 || m["A"] != "2" || m["B"] != "x=y" || m["C"] != "" {
		t.Errorf("EnvMap = %v", m)
	}
}

// oracleWorld is a folder with a GOENV file and a controlled environment.
func oracleWorld(t *testing.T) (folder, goenv string, env map[string]string) {
	dir := t.TempDir()
	folder = filepath.Join(dir, "folder")
	goenv = filepath.Join(dir, "cfg", "env")
	writeFile(t, goenv, []byte("GOPROXY=https://file.example.com\n"))
	writeFile(t, filepath.Join(folder, ".keep"), nil)
	quietTelemetry(t, filepath.Join(dir, "home", ".config"))
	env = baseEnv(t, dir)
	env["GOENV"] = goenv
	return folder, goenv, env
}

func TestOracleCachesByContent(t *testing.T) {
	folder, goenv, env := oracleWorld(t)
	cfg := engine.Config{Folder: folder, ProcessEnv: env, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}
	o := engine.NewOracle()
	ctx := context.Background()
	names := []string{"GOPROXY", "GOSUMDB"}

	goEnv := func(s *sources.Snapshot) map[string]string {
		t.Helper()
		vars, err := o.GoEnv(ctx, s, consumer(t, engine.Resolve(s), "terminal"), names)
		if err != nil {
			t.Fatal(err)
		}
		return vars
	}
	s1 := engine.Load(cfg, nil)
	if v := goEnv(s1); v["GOPROXY"] != "https://file.example.com" || o.Runs != 1 {
		t.Fatalf("first run: %v, runs %d", v, o.Runs)
	}
	if goEnv(s1); o.Runs != 1 {
		t.Errorf("same snapshot, same env: ran go again (runs %d)", o.Runs)
	}
	// A new snapshot of unchanged files: still cached (keyed by content).
	if goEnv(engine.Load(cfg, nil)); o.Runs != 1 {
		t.Errorf("unchanged content: ran go again (runs %d)", o.Runs)
	}
	// Other names are another question.
	if _, err := o.GoEnv(ctx, s1, consumer(t, engine.Resolve(s1), "terminal"), []string{"GOPROXY"}); err != nil || o.Runs != 2 {
		t.Errorf("other names: runs %d, %v", o.Runs, err)
	}
	// The GOENV file changes: the next snapshot sees it and go runs again.
	writeFile(t, goenv, []byte("GOPROXY=https://changed.example.com\n"))
	if v := goEnv(engine.Load(cfg, nil)); v["GOPROXY"] != "https://changed.example.com" || o.Runs != 3 {
		t.Errorf("changed GOENV file: %v, runs %d", v, o.Runs)
	}
	// The environment changes: go runs again.
	env2 := map[string]string{}
	for k, v := range env {
		env2[k] = v
	}
	env2["GOSUMDB"] = "off"
	cfg.ProcessEnv = env2
	if v := goEnv(engine.Load(cfg, nil)); v["GOSUMDB"] != "off" || o.Runs != 4 {
		t.Errorf("changed environment: %v, runs %d", v, o.Runs)
	}
}

func TestOracleConfirm(t *testing.T) {
	folder, _, env := oracleWorld(t)
	writeFile(t, filepath.Join(folder, ".vscode", "settings.json"), []byte(`{"go.toolsEnvVars": {"GOSUMDB": "sum.tools.example.com"}}`))
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: env, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}, nil)
	consumers := engine.Resolve(s)
	o := engine.NewOracle()
	dis, err := o.Confirm(context.Background(), s, consumers)
	if err != nil || len(dis) != 0 {
		t.Fatalf("Confirm: %v, disagreements %+v", err, dis)
	}
	// terminal (no settings), gopls and tools (the same environment) and
	// install (GOENV removed): three distinct environments, three runs.
	if o.Runs != 3 {
		t.Errorf("runs %d, want 3: one per distinct environment (terminal, gopls = tools, install)", o.Runs)
	}
	// A wrong model value is corrected and reported.
	tools := consumer(t, consumers, "tools")
	v := tools.Vars["GOSUMDB"]
	v.Value = "wrong"
	tools.Vars["GOSUMDB"] = v
	dis, err = o.Confirm(context.Background(), s, consumers)
	if err != nil || len(dis) != 1 || dis[0] != (engine.Disagreement{Consumer: "tools", Name: "GOSUMDB", Model: "wrong", GoEnv: "sum.tools.example.com"}) {
		t.Fatalf("Confirm after tampering: %v, %+v", err, dis)
	}
	if got := tools.Var("GOSUMDB"); got.Value != "sum.tools.example.com" || !strings.Contains(got.Note, "go env reports") {
		t.Errorf("corrected value %+v", got)
	}
	if o.Runs != 3 {
		t.Errorf("second Confirm ran go again: runs %d", o.Runs)
	}
}

func TestOracleErrors(t *testing.T) {
	folder, _, env := oracleWorld(t)
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: env, GoBinary: "", Options: sources.Options{GOOS: runtime.GOOS}}, nil)
	c := consumer(t, engine.Resolve(s), "terminal")
	s.GoBinary = ""
	if _, err := engine.NewOracle().GoEnv(context.Background(), s, c, []string{"GOPROXY"}); err == nil || !strings.Contains(err.Error(), "no go command") {
		t.Errorf("no go binary: %v", err)
	}
	// A go binary that fails: the error carries its stderr, and is cached.
	fake := filepath.Join(t.TempDir(), "go")
	writeFile(t, fake, []byte("#!/bin/sh\necho 'go: broken toolchain' >&2\nexit 3\n"))
	if err := os.Chmod(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	s.GoBinary = fake
	o := engine.NewOracle()
	_, err := o.GoEnv(context.Background(), s, c, []string{"GOPROXY"})
	if err == nil || !strings.Contains(err.Error(), "broken toolchain") {
		t.Errorf("failing go: %v", err)
	}
	if _, err2 := o.GoEnv(context.Background(), s, c, []string{"GOPROXY"}); err2 == nil || o.Runs != 1 {
		t.Errorf("failure not cached: runs %d, %v", o.Runs, err2)
	}
	dis, err := o.Confirm(context.Background(), s, []*resolve.Consumer{c})
	if err == nil || len(dis) != 0 || !strings.HasPrefix(err.Error(), "terminal: ") {
		t.Errorf("Confirm with a failing go: %v, %+v", err, dis)
	}
	// Output that is not JSON.
	writeFile(t, fake, []byte("#!/bin/sh\necho not json\n"))
	s.GoBinary = fake
	if _, err := engine.NewOracle().GoEnv(context.Background(), s, c, []string{"GOSUMDB"}); err == nil || !strings.Contains(err.Error(), "decoding") {
		t.Errorf("non-JSON output: %v", err)
	}
}

func TestOracleRelativeGOENV(t *testing.T) {
	// go env runs outside the folder, so a relative GOENV is passed as the
	// file the model read (the folder joined with it).
	folder, _, env := oracleWorld(t)
	writeFile(t, filepath.Join(folder, "cfg", "env"), []byte("GOSUMDB=sum.relative.example.com\n"))
	env["GOENV"] = "cfg/env"
	s := engine.Load(engine.Config{Folder: folder, ProcessEnv: env, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}, nil)
	c := consumer(t, engine.Resolve(s), "terminal")
	if v := c.Var("GOSUMDB"); v.Value != "sum.relative.example.com" {
		t.Fatalf("model %+v", v)
	}
	vars, err := engine.NewOracle().GoEnv(context.Background(), s, c, []string{"GOSUMDB"})
	if err != nil || vars["GOSUMDB"] != "sum.relative.example.com" {
		t.Errorf("go env: %v, %v", vars, err)
	}
}
