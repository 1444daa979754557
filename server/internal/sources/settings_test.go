package sources

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestParseSettings(t *testing.T) {
	content := []byte(`{
  "http.proxy": "http://proxy.example.com:3128",
  "go.goroot": 5,
  "go.toolsEnvVars": {
    "GOPROXY": "https://a.example.com",
    "GOSUMDB": null,
    "GONOSUMDB": 0,
    "GOINSECURE": true,
    "GOPRIVATE": ["a.example.com", null, 2, "b"],
    "GOFLAGS": {"x": 1},
  },
  "gopls": {
    "build.env": { "GOFLAGS": "-tags=a" },
    "env": { "GOPRIVATE": "p.example.com" },
    "ui.completion.usePlaceholders": true
  },
  "terminal.integrated.env.linux": "not an object"
}`)
	s := ParseSettings("/u/settings.json", VSCodeUser, content, false)
	if s.Err != nil || s.Object == nil || s.Root != s.Object {
		t.Fatalf("ParseSettings: %+v", s.Err)
	}
	got := map[string]string{}
	for _, e := range s.Env("go.toolsEnvVars") {
		got[e.Name] = e.Kind.String() + ":" + e.Value
		if e.Prov.Source != VSCodeUser || e.Prov.File != "/u/settings.json" || e.Prov.Key != "go.toolsEnvVars."+e.Name {
			t.Errorf("%s: provenance %+v", e.Name, e.Prov)
		}
		if string(content[e.Prov.KeySpan.Start:e.Prov.KeySpan.End]) != `"`+e.Name+`"` {
			t.Errorf("%s: key span", e.Name)
		}
	}
	// Node's String(v) of each JSON value.
	want := map[string]string{
		"GOPROXY":    "string:https://a.example.com",
		"GOSUMDB":    "null:null",
		"GONOSUMDB":  "number:0",
		"GOINSECURE": "boolean:true",
		"GOPRIVATE":  "array:a.example.com,,2,b",
		"GOFLAGS":    "object:[object Object]",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if e := s.Env("go.toolsEnvVars"); e[0].Prov.Line != 5 || e[5].Prov.Line != 10 {
		t.Errorf("lines %d %d", e[0].Prov.Line, e[5].Prov.Line)
	}
	// gopls keeps the last dotted segment: "env" after "build.env" wins.
	b := s.GoplsBuildEnv()
	if len(b) != 1 || b[0].Name != "GOPRIVATE" || b[0].Prov.Key != "gopls.env.GOPRIVATE" || b[0].Prov.Line != 14 {
		t.Errorf("GoplsBuildEnv = %+v", b)
	}
	if v, m := s.String("http.proxy"); v != "http://proxy.example.com:3128" || m == nil || s.Prov("http.proxy", m).Line != 2 {
		t.Errorf("String(http.proxy) = %q", v)
	}
	if v, m := s.String("go.goroot"); v != "" || m == nil {
		t.Errorf("String of a number = %q, %v", v, m)
	}
	if v, m := s.String("missing"); v != "" || m != nil {
		t.Errorf("String of a missing setting = %q, %v", v, m)
	}
	for _, path := range [][]string{{"terminal.integrated.env.linux"}, {"missing"}, {"gopls", "missing"}, {"http.proxy", "x"}, {}} {
		if e := s.Env(path...); e != nil {
			t.Errorf("Env(%v) = %+v, want nil", path, e)
		}
	}
	if e := s.Env("gopls", "build.env"); len(e) != 1 || e[0].Value != "-tags=a" {
		t.Errorf("Env(gopls, build.env) = %+v", e)
	}
}

func TestParseSettingsBuildEnvOnly(t *testing.T) {
	s := ParseSettings("s", VSCodeWorkspace, []byte(`{"gopls": {"build.env": {"GOFLAGS": "-mod=mod"}}}`), false)
	if b := s.GoplsBuildEnv(); len(b) != 1 || b[0].Prov.Key != "gopls.build.env.GOFLAGS" {
		t.Errorf("GoplsBuildEnv = %+v", b)
	}
	for _, src := range []string{`{}`, `{"gopls": 1}`, `{"gopls": {"ui.x": 1}}`, `{"gopls": {"env": 3}}`} {
		if b := ParseSettings("s", VSCodeWorkspace, []byte(src), false).GoplsBuildEnv(); b != nil {
			t.Errorf("%s: GoplsBuildEnv = %+v", src, b)
		}
	}
	var none *Settings
	if none.GoplsBuildEnv() != nil || none.Env("x") != nil || none.Get("x") != nil {
		t.Errorf("nil settings")
	}
}

func TestParseSettingsWorkspaceFile(t *testing.T) {
	content := []byte("{\n  \"folders\": [{\"path\": \"a\"}],\n  \"settings\": {\n    \"go.toolsEnvVars\": {\"GOPROXY\": \"direct\"}\n  }\n}")
	s := ParseSettings("/w/team.code-workspace", VSCodeWorkspace, content, true)
	if s.Err != nil || !s.IsWorkspaceFile || s.Object == nil || s.Object == s.Root {
		t.Fatalf("workspace file: %+v", s)
	}
	e := s.Env("go.toolsEnvVars")
	if len(e) != 1 || e[0].Value != "direct" || e[0].Prov.Line != 4 {
		t.Errorf("Env = %+v", e)
	}
	// Top-level keys of a .code-workspace are not settings.
	if s.Get("folders") != nil {
		t.Errorf("folders read as a setting")
	}
	noSettings := ParseSettings("w", VSCodeWorkspace, []byte(`{"folders": [], "settings": 1}`), true)
	if noSettings.Err != nil || noSettings.Object != nil || noSettings.Env("go.toolsEnvVars") != nil || noSettings.Get("x") != nil {
		t.Errorf("workspace file without a settings object: %+v", noSettings)
	}
}

func TestParseSettingsErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		content []byte
		offset  int
	}{
		{"not an object", []byte(`["a"]`), 0},
		{"syntax", []byte("{\n  \"a\": 1\n  \"b\": 2\n}"), 13},
		{"binary", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00"), 0},
		{"truncated", []byte(`{"go.toolsEnvVars": {"GOPROXY": "dir`), 0},
	} {
		s := ParseSettings("s", VSCodeUser, c.content, false)
		if s.Err == nil || s.Object != nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if s.Err.Offset < 0 || s.Err.Offset > len(c.content) || s.Err.Msg == "" {
			t.Errorf("%s: error %+v", c.name, s.Err)
		}
		if c.offset > 0 && s.Err.Offset != c.offset {
			t.Errorf("%s: offset %d, want %d", c.name, s.Err.Offset, c.offset)
		}
		// A settings file that does not parse contributes nothing.
		if s.Env("go.toolsEnvVars") != nil || s.GoplsBuildEnv() != nil {
			t.Errorf("%s: entries from a broken file", c.name)
		}
		if v, _ := s.String("http.proxy"); v != "" {
			t.Errorf("%s: http.proxy %q", c.name, v)
		}
	}
}

func TestLaunchConfigs(t *testing.T) {
	content := []byte(`{
  "version": "0.2.0",
  "configurations": [
    { "name": "Launch", "type": "go", "request": "launch", "env": { "GOPROXY": "direct", "GOFLAGS": null }, "envFile": "${workspaceFolder}/.env" },
    { "name": "Node", "type": "node", "env": { "GOPROXY": "off" } },
    { "name": "Plain", "type": "go" },
    { "type": "go", "envFile": ["a.env", 3, "b.env"] },
    "not an object",
    { "name": 7, "type": "go", "env": { "GOSUMDB": "off" } },
    { "name": "Bad env", "type": "go", "env": "x" }
  ]
}`)
	f := ParseJSONCFile("/ws/.vscode/launch.json", Launch, content)
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	cs := f.LaunchConfigs()
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, "|"); got != "Launch|configuration 4|configuration 6" {
		t.Fatalf("configurations %s", got)
	}
	if e := cs[0].Env; len(e) != 2 || e[0].Name != "GOPROXY" || e[0].Prov.Line != 4 || e[0].Prov.Key != "configurations[Launch].env.GOPROXY" || e[1].Kind != Null {
		t.Errorf("env %+v", e)
	}
	if strings.Join(cs[0].EnvFile, ",") != "${workspaceFolder}/.env" || strings.Join(cs[1].EnvFile, ",") != "a.env,b.env" {
		t.Errorf("envFile %v %v", cs[0].EnvFile, cs[1].EnvFile)
	}
	for _, src := range []string{`{}`, `{"configurations": {}}`, `[1]`} {
		if got := ParseJSONCFile("l", Launch, []byte(src)).LaunchConfigs(); got != nil {
			t.Errorf("%s: %+v", src, got)
		}
	}
	var none *JSONCFile
	if none.LaunchConfigs() != nil || none.Tasks() != nil {
		t.Errorf("nil file")
	}
	broken := ParseJSONCFile("l", Launch, []byte(`{"configurations": [`))
	if broken.Err == nil || broken.LaunchConfigs() != nil {
		t.Errorf("broken launch.json: %+v", broken.Err)
	}
}

func TestTasks(t *testing.T) {
	content := []byte(`{
  "version": "2.0.0",
  "tasks": [
    { "type": "go", "label": "go: build", "options": { "env": { "GOFLAGS": "-mod=mod" } } },
    { "type": "shell", "label": "make", "options": { "cwd": "x" } },
    { "type": "shell", "label": "empty", "options": { "env": {} } },
    { "label": "untyped", "options": { "env": { "A": "1" } } },
    1,
    { "type": "process", "options": { "env": { "B": "2" } } }, {}, {}, {}, {}, {}, {},
    { "type": "shell", "options": { "env": { "C": 3 } } }
  ]
}`)
	ts := ParseJSONCFile("/ws/.vscode/tasks.json", Tasks, content).Tasks()
	var got []string
	for _, task := range ts {
		got = append(got, task.Type+"/"+task.Label+"/"+task.Env[0].Name+"="+task.Env[0].Value)
	}
	if s := strings.Join(got, " | "); s != "go/go: build/GOFLAGS=-mod=mod | /untyped/A=1 | process/task 6/B=2 | shell/task 13/C=3" {
		t.Errorf("tasks: %s", s)
	}
	if ts[0].Env[0].Prov.Line != 4 || ts[0].Env[0].Prov.Key != "tasks[go: build].options.env.GOFLAGS" || ts[0].Env[0].Prov.Source != Tasks {
		t.Errorf("provenance %+v", ts[0].Env[0].Prov)
	}
	for _, n := range []int{0, 7, 10, 99, 123} {
		if got := itoa(n); got != strconv.Itoa(n) {
			t.Errorf("itoa(%d) = %q", n, got)
		}
	}
}

func TestSnapshotEnvFile(t *testing.T) {
	reads := map[string]int{}
	files := map[string]string{"/cfg/env": "GOPROXY=direct\n", "/root/go.env": "GOSUMDB=sum.example.com\n"}
	s := NewSnapshot("/ws", func(p string) ([]byte, error) {
		reads[p]++
		if c, ok := files[p]; ok {
			return []byte(c), nil
		}
		return nil, os.ErrNotExist
	})
	for i := 0; i < 3; i++ {
		f := s.EnvFile("/cfg/env", GoEnvFile)
		if !f.Exists || f.Kind != GoEnvFile {
			t.Fatalf("EnvFile = %+v", f)
		}
	}
	if reads["/cfg/env"] != 1 {
		t.Errorf("read %d times, want once", reads["/cfg/env"])
	}
	// The same path as another kind is another file.
	if f := s.EnvFile("/cfg/env", GorootGoEnv); f.Kind != GorootGoEnv || reads["/cfg/env"] != 2 {
		t.Errorf("kind not part of the key: %+v", f)
	}
	missing := s.EnvFile("/nope", GoEnvFile)
	if missing.Exists || missing.Path != "/nope" || len(missing.Lines) != 0 {
		t.Errorf("missing file %+v", missing)
	}
	if _, ok := missing.Lookup("GOPROXY"); ok {
		t.Errorf("lookup in a missing file")
	}
	if s.EnvFile("", GoEnvFile) != nil {
		t.Errorf("empty path gave a file")
	}
	s.EnvFile("/root/go.env", GorootGoEnv)
	var got []string
	for _, f := range s.EnvFiles() {
		got = append(got, f.Path+":"+string(f.Kind))
	}
	if strings.Join(got, " ") != "/cfg/env:goenv-file /cfg/env:goroot-go.env /nope:goenv-file /root/go.env:goroot-go.env" {
		t.Errorf("EnvFiles = %v", got)
	}
	if c, err := s.ReadFile("/cfg/env"); err != nil || string(c) != files["/cfg/env"] {
		t.Errorf("ReadFile = %q, %v", c, err)
	}
	if _, err := s.ReadFile("/nope"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v", err)
	}
}

func TestSnapshotSettingsLayers(t *testing.T) {
	s := NewSnapshot("/ws", nil)
	if len(s.SettingsLayers()) != 0 {
		t.Errorf("layers of an empty snapshot")
	}
	u := ParseSettings("u", VSCodeUser, []byte(`{}`), false)
	f := ParseSettings("f", VSCodeFolder, []byte(`{}`), false)
	s.User, s.FolderSettings = u, f
	if l := s.SettingsLayers(); len(l) != 2 || l[0] != u || l[1] != f {
		t.Errorf("layers %v", l)
	}
	w := ParseSettings("w", VSCodeWorkspace, []byte(`{}`), false)
	s.Workspace = w
	if l := s.SettingsLayers(); len(l) != 3 || l[1] != w {
		t.Errorf("layers %v", l)
	}
}

func TestProvenanceInFile(t *testing.T) {
	for _, c := range []struct {
		p    Provenance
		want bool
	}{
		{Provenance{Source: ProcessEnv, Key: "GOPROXY"}, false},
		{Provenance{Source: GoEnvFile, File: "/f", ValueSpan: Span{3, 5}}, true},
		{Provenance{Source: GoEnvFile, File: "/f"}, false},
		{Provenance{Source: Derived, ValueSpan: Span{1, 2}}, false},
	} {
		if c.p.InFile() != c.want {
			t.Errorf("%+v.InFile() = %v", c.p, !c.want)
		}
	}
}
