package writepolicy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// layout is a folder, a home with user settings and a GOENV file at cmd/go's
// default location, and a place outside both.
type layout struct {
	folder, home, outside, user, goenv string
	p                                  *Policy
}

func newLayout(t *testing.T) *layout {
	t.Helper()
	root := t.TempDir()
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	l := &layout{folder: filepath.Join(root, "ws"), home: filepath.Join(root, "home"), outside: filepath.Join(root, "outside")}
	l.user = filepath.Join(l.home, ".config", "Code", "User", "settings.json")
	l.goenv = filepath.Join(l.home, ".config", "go", "env")
	for _, d := range []string{filepath.Join(l.folder, ".vscode"), filepath.Dir(l.user), filepath.Dir(l.goenv), l.outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := sources.NewSnapshot(l.folder, nil)
	s.Options.GOOS = "linux"
	s.UserSettingsPath = l.user
	c := &resolve.Consumer{Name: "terminal", GoEnvPath: l.goenv, Env: resolve.Env{
		"HOME": {Value: l.home, Prov: sources.Provenance{Source: sources.ProcessEnv}},
	}}
	l.p = New(s, []*resolve.Consumer{c})
	return l
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func refused(t *testing.T, what string, err error, reason string) {
	t.Helper()
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), reason) {
		t.Errorf("%s: %v; want a refusal saying %q", what, err, reason)
	}
}

func TestClassify(t *testing.T) {
	l := newLayout(t)
	for _, c := range []struct {
		path  string
		kind  sources.Kind
		scope findings.Scope
	}{
		{filepath.Join(l.folder, ".vscode", "settings.json"), sources.VSCodeWorkspace, findings.Workspace},
		{filepath.Join(l.folder, ".vscode", "tasks.json"), sources.Tasks, findings.Workspace},
		{l.user, sources.VSCodeUser, findings.User},
		{l.goenv, sources.GoEnvFile, findings.User},
	} {
		if tg, err := l.p.Classify(c.path, c.kind); err != nil || tg.Scope != c.scope {
			t.Errorf("Classify(%s) = %+v, %v; want scope %s", c.path, tg, err, c.scope)
		}
	}
	for _, c := range []struct {
		path string
		kind sources.Kind
	}{
		{filepath.Join(l.home, ".bashrc"), sources.GoEnvFile},                // a GOENV file nobody's own environment names
		{filepath.Join(l.folder, "team.env"), sources.GoEnvFile},             // inside the folder, but a workspace value named it
		{filepath.Join(l.outside, "settings.json"), sources.VSCodeWorkspace}, // outside everything
		{filepath.Join(l.folder, "..", "outside", "x.json"), sources.VSCodeWorkspace},
	} {
		if _, err := l.p.Classify(c.path, c.kind); !errors.Is(err, ErrRefused) {
			t.Errorf("Classify(%s, %s) = %v; want refused", c.path, c.kind, err)
		}
	}
}

// A GOENV value a workspace layer set does not count as the user's: only
// the value it replaced (or cmd/go's default) does.
func TestGoEnvFromWorkspaceIsNotAllowed(t *testing.T) {
	s := sources.NewSnapshot("/w", nil)
	s.Options.GOOS = "linux"
	ws := sources.Provenance{Source: sources.VSCodeWorkspace}
	own := sources.Provenance{Source: sources.ProcessEnv}
	c := &resolve.Consumer{Name: "gopls", GoEnvPath: "/h/.bashrc", Env: resolve.Env{
		"HOME":  {Value: "/h", Prov: own},
		"GOENV": {Value: "/h/.bashrc", Prov: ws},
	}}
	moved := &resolve.Consumer{Name: "tools", GoEnvPath: "/x/go/env", Env: resolve.Env{
		"HOME":            {Value: "/h", Prov: own},
		"XDG_CONFIG_HOME": {Value: "/x", Prov: ws, Replaced: []resolve.Setting{{Value: "/h/.cfg", Prov: own}}},
	}}
	user := &resolve.Consumer{Name: "terminal", GoEnvPath: "/etc/goenv", Env: resolve.Env{
		"HOME":  {Value: "/h", Prov: own},
		"GOENV": {Value: "/etc/goenv", Prov: sources.Provenance{Source: sources.VSCodeUser}},
	}}
	p := New(s, []*resolve.Consumer{c, moved, user})
	if _, ok := p.GoEnv["/h/.bashrc"]; ok {
		t.Error("a GOENV file named by workspace settings is allowed")
	}
	if _, ok := p.GoEnv["/x/go/env"]; ok {
		t.Error("a GOENV file moved by a workspace XDG_CONFIG_HOME is allowed")
	}
	if tg, ok := p.GoEnv["/etc/goenv"]; !ok || tg.Scope != findings.All {
		t.Errorf("a GOENV file user settings name: %+v, %v; want allowed with scope all", tg, ok)
	}
}

func TestCheckRefusesLinksOut(t *testing.T) {
	l := newLayout(t)
	target := filepath.Join(l.outside, "settings.json")
	write(t, target, "{}\n", 0o644)
	link := filepath.Join(l.folder, ".vscode", "settings.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := l.p.Check(link, false)
	refused(t, "a link out of the folder", err, "link")

	// A link to the user settings file writes user settings.
	write(t, l.user, "{}\n", 0o644)
	tasks := filepath.Join(l.folder, ".vscode", "tasks.json")
	if err := os.Symlink(l.user, tasks); err != nil {
		t.Fatal(err)
	}
	if tg, err := l.p.Check(tasks, false); err != nil || tg.Scope != findings.User {
		t.Errorf("a link to user settings: %+v, %v; want scope user", tg, err)
	}
	// A directory link out of the folder is a link out too.
	if err := os.Symlink(l.outside, filepath.Join(l.folder, "sub")); err != nil {
		t.Fatal(err)
	}
	_, err = l.p.Check(filepath.Join(l.folder, "sub", "settings.json"), false)
	refused(t, "a directory link out of the folder", err, "link")
}

func TestCheckRefusesNonRegularFiles(t *testing.T) {
	l := newLayout(t)
	fifo := filepath.Join(l.folder, ".vscode", "settings.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := l.p.Check(fifo, false)
	refused(t, "a FIFO", err, "named pipe")
	if err := os.Symlink("/dev/null", l.goenv); err != nil {
		t.Fatal(err)
	}
	// The link is the user's own GOENV file, so only the file type stops it.
	_, err = l.p.Check(l.goenv, false)
	refused(t, "a device link", err, "character device")
	_, err = l.p.Check(l.goenv, true)
	refused(t, "creating over a device link", err, "exists")
}

func TestCheckRefusesReadOnlyFiles(t *testing.T) {
	l := newLayout(t)
	write(t, l.goenv, "GOPROXY=https://goproxy.example.com,direct\n", 0o444)
	_, err := l.p.Check(l.goenv, false)
	refused(t, "a read-only GOENV file", err, "read-only")
	write(t, l.user, "{}\n", 0o644)
	if _, err := l.p.Check(l.user, false); err != nil {
		t.Errorf("a writable user settings file: %v", err)
	}
}

func TestCheckNeverCreatesDirectories(t *testing.T) {
	l := newLayout(t)
	_, err := l.p.Check(filepath.Join(l.folder, "new", "dir", "settings.json"), true)
	refused(t, "a file in a missing directory", err, "never creates directories")
	if tg, err := l.p.Check(filepath.Join(l.folder, ".vscode", "settings.json"), true); err != nil || tg.Scope != findings.Workspace {
		t.Errorf("a new settings.json in .vscode/: %+v, %v", tg, err)
	}
	if _, err := l.p.Check(filepath.Join(l.folder, ".vscode", "gone.json"), false); !errors.Is(err, ErrRefused) {
		t.Errorf("editing a file that does not exist: %v", err)
	}
}

func TestGoEnvFileProblem(t *testing.T) {
	for _, ok := range []string{
		"",
		"GOPROXY=https://goproxy.example.com,direct\n# comment\n\nGOSUMDB=off\n",
		"GOPRIVATE = \"corp.example.com\"\r\n",       // slips the goenv-file-syntax fixes repair
		"goinsecure=corp.example.com\nGOPROXY=a;b\n", // lower case, a misused separator
	} {
		if msg := GoEnvFileProblem([]byte(ok)); msg != "" {
			t.Errorf("%q: %s", ok, msg)
		}
	}
	for _, bad := range []string{
		"export GOPROXY=https://goproxy.example.com\n",
		"if [ -f ~/.bash_aliases ]; then\n  . ~/.bash_aliases\nfi\n",
		"GOFLAGS=$(curl example.com)\n",
		"PATH=$HOME/bin:$PATH\n",
		"alias ll='ls -l'\n",
		"X=`id`\n",
	} {
		if GoEnvFileProblem([]byte(bad)) == "" {
			t.Errorf("%q passes as a GOENV file", bad)
		}
	}
	err := CheckContent(Target{GoEnv: true}, "/h/.bashrc", []byte("export A=1\n"))
	refused(t, "a shell rc", err, "not a GOENV file")
	err = CheckContent(Target{}, "/w/.vscode/settings.json", []byte("{ broken"))
	refused(t, "broken JSONC", err, "JSONC")
}
