package resolve_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// TestConsumers runs the txtar fixtures of testdata/consumers. Each fixture is
// a small world written to a temporary directory:
//
//   - the comment holds options, one per line: "multiroot", "untrusted",
//     "os linux|osx|windows", "vscode-go-active", "goroot real" (use the
//     machine's go and its go.env instead of the fixture's goroot/), and
//     "confirm CONSUMER..." (also run the real go env with those consumers'
//     environments and require it to agree with the model);
//   - "env" is the captured process environment (KEY=VALUE lines), to which
//     PATH, HOME, GOPATH, GOMODCACHE and GOCACHE are added when absent;
//     "terminalenv" is a login-shell probe result;
//   - user/settings.json is the user settings, folder/ the workspace folder,
//     ws.code-workspace the multi-root workspace file, goroot/go.env the
//     go.env of the fixture's GOROOT; any other file is just written;
//   - "want" lists expectations, one per line:
//     consumers NAME...                      the consumers, in order
//     CONSUMER VAR "value" [SOURCE [FILE:LINE [KEY]]] [uncertain]
//     CONSUMER env VAR "value"              the process environment holds VAR
//     CONSUMER env-absent VAR               it does not
//     CONSUMER layers NAME,NAME,...         the layer names, in order
//     CONSUMER note VAR "text"              the value's note contains text
//     CONSUMER origin KIND [BUILDSGO]       a build consumer of that kind
//
// The folder's Dockerfiles, compose files, dev containers, workflows and
// GitLab CI file are parsed into the snapshot's BuildFiles.
// "$ROOT" in any file or expectation is the temporary directory; FILE is
// relative to it.
func TestConsumers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "consumers", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runFixture(t, file)
		})
	}
}

type fixture struct {
	root        string
	multiRoot   bool
	trusted     bool
	osFlavour   string
	vscodeGo    bool
	realGoroot  bool
	confirm     []string
	env         map[string]string
	terminalEnv map[string]string
	want        []string
}

func runFixture(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{root: t.TempDir(), trusted: true, osFlavour: "linux"}
	expand := func(s string) string { return strings.ReplaceAll(s, "$ROOT", fx.root) }
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch f[0] {
		case "multiroot":
			fx.multiRoot = true
		case "untrusted":
			fx.trusted = false
		case "os":
			fx.osFlavour = f[1]
		case "vscode-go-active":
			fx.vscodeGo = true
		case "goroot":
			fx.realGoroot = f[1] == "real"
		case "confirm":
			fx.confirm = f[1:]
		default:
			t.Fatalf("unknown option %q", line)
		}
	}
	for _, f := range ar.Files {
		data := expand(string(f.Data))
		switch f.Name {
		case "env":
			fx.env = parseEnv(data)
		case "terminalenv":
			fx.terminalEnv = parseEnv(data)
		case "want":
			fx.want = strings.Split(data, "\n")
		default:
			writeFile(t, filepath.Join(fx.root, f.Name), []byte(data))
		}
	}
	if fx.env == nil {
		fx.env = map[string]string{}
	}
	for k, v := range baseEnv(t, fx.root) {
		if _, ok := fx.env[k]; !ok {
			fx.env[k] = v
		}
	}
	quietTelemetry(t, filepath.Join(fx.root, "home", ".config"))
	folder := filepath.Join(fx.root, "folder")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}

	s := fx.snapshot(t, folder)
	consumers := resolve.Resolve(s)
	byName := map[string]*resolve.Consumer{}
	var names []string
	for _, c := range consumers {
		byName[c.Name] = c
		names = append(names, c.Name)
	}
	for _, line := range fx.want {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f, err := tokens(line)
		if err != nil || len(f) < 2 {
			t.Fatalf("bad want line %q: %v", line, err)
		}
		if f[0] == "consumers" {
			if got := strings.Join(names, " "); got != strings.Join(f[1:], " ") {
				t.Errorf("consumers = %s, want %s", got, strings.Join(f[1:], " "))
			}
			continue
		}
		c := byName[f[0]]
		if c == nil {
			t.Errorf("%s: no consumer %q (have %v)", line, f[0], names)
			continue
		}
		checkWant(t, fx, c, line, f[1:])
	}
	if len(fx.confirm) > 0 && !fx.realGoroot {
		t.Fatalf("confirm needs \"goroot real\": go reads the machine's go.env")
	}
	for _, name := range fx.confirm {
		c := byName[name]
		if c == nil {
			t.Fatalf("confirm: no consumer %q", name)
		}
		confirm(t, folder, c)
	}
}

func (fx *fixture) snapshot(t *testing.T, folder string) *sources.Snapshot {
	s := sources.NewSnapshot(folder, os.ReadFile)
	s.Options = sources.Options{OSFlavour: fx.osFlavour, GOOS: "linux", Trusted: fx.trusted, MultiRoot: fx.multiRoot, VSCodeGoActive: fx.vscodeGo}
	s.ProcessEnv = fx.env
	s.TerminalEnv = fx.terminalEnv
	settings := func(rel string, kind sources.Kind, ws bool) *sources.Settings {
		content, err := os.ReadFile(filepath.Join(fx.root, rel))
		if err != nil {
			return nil
		}
		st := sources.ParseSettings(filepath.Join(fx.root, rel), kind, content, ws)
		if st.Err != nil {
			t.Fatalf("%s: %v", rel, st.Err)
		}
		return st
	}
	s.User = settings("user/settings.json", sources.VSCodeUser, false)
	if fx.multiRoot {
		s.Workspace = settings("ws.code-workspace", sources.VSCodeWorkspace, true)
		s.FolderSettings = settings("folder/.vscode/settings.json", sources.VSCodeFolder, false)
	} else {
		s.Workspace = settings("folder/.vscode/settings.json", sources.VSCodeWorkspace, false)
	}
	for _, f := range []struct {
		name string
		kind sources.Kind
		dst  **sources.JSONCFile
	}{{"launch.json", sources.Launch, &s.Launch}, {"tasks.json", sources.Tasks, &s.Tasks}} {
		p := filepath.Join(folder, ".vscode", f.name)
		if content, err := os.ReadFile(p); err == nil {
			*f.dst = sources.ParseJSONCFile(p, f.kind, content)
		}
	}
	// The build files of the folder, found by name as engine.Load does
	// (a fixture names compose-built Dockerfiles *.Dockerfile).
	filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(folder, p)
		kind, ok := buildenv.KindOf(filepath.ToSlash(rel))
		if !ok {
			return nil
		}
		content, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		v, err := buildenv.Parse(kind, p, content)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		s.BuildFiles = append(s.BuildFiles, &sources.BuildFile{Path: p, Kind: kind, Content: content, Parsed: v})
		return nil
	})
	if fx.realGoroot {
		s.GoBinary = goBinary(t)
		s.DefaultGOROOT = filepath.Dir(filepath.Dir(s.GoBinary))
	} else {
		s.DefaultGOROOT = filepath.Join(fx.root, "goroot")
	}
	return s
}

func checkWant(t *testing.T, fx *fixture, c *resolve.Consumer, line string, f []string) {
	t.Helper()
	switch f[0] {
	case "env":
		if len(f) != 3 {
			t.Fatalf("bad want line %q", line)
		}
		s, ok := c.Env[f[1]]
		if !ok || s.Value != f[2] {
			t.Errorf("%s: env has %q (present %v)", line, s.Value, ok)
		}
		return
	case "env-absent":
		if s, ok := c.Env[f[1]]; ok {
			t.Errorf("%s: env has %q from %+v", line, s.Value, s.Prov)
		}
		return
	case "note":
		if len(f) != 3 {
			t.Fatalf("bad want line %q", line)
		}
		if v := c.Vars[f[1]]; !strings.Contains(v.Note, f[2]) {
			t.Errorf("%s: note %q", line, v.Note)
		}
		return
	case "origin":
		if c.Origin == nil || string(c.Origin.Kind) != f[1] || len(f) > 2 && strconv.FormatBool(c.Origin.BuildsGo) != f[2] {
			t.Errorf("%s: origin %+v", line, c.Origin)
		}
		return
	case "layers":
		var got []string
		for _, l := range c.Layers {
			got = append(got, l.Name)
		}
		if strings.Join(got, ",") != strings.Join(f[1:], " ") {
			t.Errorf("%s: layers %s", line, strings.Join(got, ","))
		}
		return
	}
	if len(f) < 2 {
		t.Fatalf("bad want line %q", line)
	}
	v, ok := c.Vars[f[0]]
	if !ok {
		t.Errorf("%s: %s is not modelled", line, f[0])
		return
	}
	if v.Value != f[1] {
		t.Errorf("%s: value %q (provenance %+v)", line, v.Value, v.Prov)
	}
	rest := f[2:]
	if n := len(rest); n > 0 && rest[n-1] == "uncertain" {
		if !v.Uncertain {
			t.Errorf("%s: not marked uncertain", line)
		}
		rest = rest[:n-1]
	} else if v.Uncertain {
		t.Errorf("%s: unexpectedly uncertain", line)
	}
	if len(rest) > 0 && string(v.Prov.Source) != rest[0] {
		t.Errorf("%s: source %q (provenance %+v)", line, v.Prov.Source, v.Prov)
	}
	if len(rest) > 1 {
		file, lineNo, _ := strings.Cut(rest[1], ":")
		rel, _ := filepath.Rel(fx.root, v.Prov.File)
		if v.Prov.File == "" || filepath.ToSlash(rel) != file || strconv.Itoa(v.Prov.Line) != lineNo {
			t.Errorf("%s: at %s:%d", line, v.Prov.File, v.Prov.Line)
		}
		// The spans point at the key and the value in the file.
		if content, err := os.ReadFile(v.Prov.File); err != nil {
			t.Errorf("%s: %v", line, err)
		} else if ks, vs := v.Prov.KeySpan, v.Prov.ValueSpan; ks.End > len(content) || vs.End > len(content) || ks.Start > ks.End || vs.Start >= vs.End && v.Prov.Source != sources.GoEnvFile {
			t.Errorf("%s: bad spans %+v", line, v.Prov)
		} else if got := bytes.Count(content[:ks.Start], []byte("\n")) + 1; got != v.Prov.Line {
			t.Errorf("%s: key span on line %d", line, got)
		}
	}
	if len(rest) > 2 && v.Prov.Key != rest[2] {
		t.Errorf("%s: key %q", line, v.Prov.Key)
	}
}

// confirm runs go env -json with the consumer's environment, as the oracle
// does, and requires the model's go variables to agree.
func confirm(t *testing.T, folder string, c *resolve.Consumer) {
	t.Helper()
	names := append(append([]string{}, resolve.GoVars...), "GOENV", "GOROOT")
	cmd := exec.Command(goBinary(t), append([]string{"env", "-json"}, names...)...)
	cmd.Env = c.Env.List()
	cmd.Dir = folder
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: go env: %v: %s", c.Name, err, stderr.String())
	}
	var got map[string]string
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if c.Vars[n].Value != got[n] {
			t.Errorf("%s %s: model %q, go env %q (env %q)", c.Name, n, c.Vars[n].Value, got[n], c.Env.List())
		}
	}
}

func parseEnv(data string) map[string]string {
	env := map[string]string{}
	for _, l := range strings.Split(data, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			env[k] = v
		}
	}
	return env
}

// tokens splits a want line on spaces; Go-quoted strings are one token.
func tokens(line string) ([]string, error) {
	var out []string
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" {
			return out, nil
		}
		if line[0] == '"' {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				return nil, err
			}
			s, _ := strconv.Unquote(q)
			out = append(out, s)
			line = line[len(q):]
			continue
		}
		i := strings.IndexAny(line, " \t")
		if i < 0 {
			i = len(line)
		}
		out = append(out, line[:i])
		line = line[i:]
	}
}

func writeFile(t testing.TB, path string, content []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goBinary is the go command running the tests, symlinks resolved.
func goBinary(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		p = "/usr/local/go/bin/go"
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	if p, err = filepath.Abs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// baseEnv is a controlled environment under dir: nothing from the machine.
func baseEnv(t testing.TB, dir string) map[string]string {
	sep := string(os.PathListSeparator)
	return map[string]string{
		"PATH":       filepath.Dir(goBinary(t)) + sep + "/usr/bin" + sep + "/bin",
		"HOME":       filepath.Join(dir, "home"),
		"GOPATH":     filepath.Join(dir, "gopath"),
		"GOMODCACHE": filepath.Join(dir, "gopath", "pkg", "mod"),
		"GOCACHE":    filepath.Join(dir, "gocache"),
	}
}

// quietTelemetry turns Go telemetry off in a user config dir: otherwise go
// env writes counters there and starts a detached child that keeps writing
// after it exits.
func quietTelemetry(t testing.TB, configDir string) {
	writeFile(t, filepath.Join(configDir, "go", "telemetry", "mode"), []byte("off"))
}

// VS Code resolves ${env:...}, ${workspaceFolder} and ${userHome} in
// terminal.integrated.env, launch.json env and tasks.json env itself.
func TestVSCodeVariablesResolved(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".vscode/settings.json", `{"terminal.integrated.env.linux": {"GOPROXY": "${env:CORP_PROXY},direct", "GOFLAGS": "-modfile=${workspaceFolder}/alt.mod"}}`)
	write(".vscode/launch.json", `{"configurations": [{"name": "app", "type": "go", "request": "launch", "env": {"GOPROXY": "${env:CORP_PROXY}", "GOENV": "${userHome}/goenv"}}]}`)
	write(".vscode/tasks.json", `{"tasks": [{"label": "build", "type": "shell", "options": {"env": {"GOPRIVATE": "${workspaceFolderBasename}.example.com"}}}]}`)
	snap := sources.NewSnapshot(dir, os.ReadFile)
	snap.Options = sources.Options{GOOS: "linux", OSFlavour: "linux", Trusted: true}
	snap.ProcessEnv = map[string]string{"CORP_PROXY": "https://goproxy.example.com", "HOME": "/home/dev", "GOENV": "off"}
	snap.Workspace = sources.ParseSettings(filepath.Join(dir, ".vscode/settings.json"), sources.VSCodeWorkspace, mustRead(t, dir, ".vscode/settings.json"), false)
	snap.Launch = sources.ParseJSONCFile(filepath.Join(dir, ".vscode/launch.json"), sources.Launch, mustRead(t, dir, ".vscode/launch.json"))
	snap.Tasks = sources.ParseJSONCFile(filepath.Join(dir, ".vscode/tasks.json"), sources.Tasks, mustRead(t, dir, ".vscode/tasks.json"))
	byName := map[string]*resolve.Consumer{}
	for _, c := range resolve.Resolve(snap) {
		byName[c.Name] = c
	}
	for _, tc := range []struct{ consumer, name, want string }{
		{"terminal", "GOPROXY", "https://goproxy.example.com,direct"},
		{"terminal", "GOFLAGS", "-modfile=" + dir + "/alt.mod"},
		{"debug:app", "GOPROXY", "https://goproxy.example.com"},
		{"debug:app", "GOENV", "/home/dev/goenv"},
		{"task:build", "GOPRIVATE", filepath.Base(dir) + ".example.com"},
	} {
		c := byName[tc.consumer]
		if c == nil {
			t.Fatalf("no consumer %s", tc.consumer)
		}
		if got := c.Env.Get(tc.name); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.consumer, tc.name, got, tc.want)
		}
	}
}

func mustRead(t *testing.T, dir, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
