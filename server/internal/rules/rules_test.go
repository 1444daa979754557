package rules_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

var update = flag.Bool("update", false, "rewrite the @diagnostics sections of testdata/*/*.txtar")

// goldenSection holds the expected findings of a fixture.
const goldenSection = "@diagnostics"

// Fixture files with a meaning beyond "write me into the folder":
//
//	proc.env            the modelled process environment, KEY=VALUE lines ("unset KEY"
//	                    removes a harness default; $WORK is the folder, and
//	                    $DEFAULT_GOPROXY and $DEFAULT_GOSUMDB are go.env's values)
//	terminal.env        the login shell's environment (the terminal's base), as
//	                    changes to the process environment
//	goenv               the GOENV file, written to $HOME/.config/go/env with GOENV
//	                    pointing at it (GOENV=off when absent)
//	user/settings.json  the user settings
//	options             trusted=false, os=osx|windows, vscode-go-active=true,
//	                    user-settings=missing, host=true (read the shell
//	                    start-up files and the WSL facts: ~ is $WORK, /etc
//	                    is $WORK/etc, /proc is $WORK/proc), scripts=true
//	                    (read the repository's shell scripts)
//	*.code-workspace    makes the window multi-root
//
// The harness's process environment is HOME=$WORK, PATH=<the real go's bin>,
// GOENV and GOTOOLCHAIN=local (so goldens do not depend on the machine's go.env
// GOTOOLCHAIN), plus proc.env.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures under testdata")
	}
	m := newMachine(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.ToSlash(file)[len("testdata/"):], ".txtar")
		t.Run(name, func(t *testing.T) { runFixture(t, m, file) })
	}
}

// machine holds the real go's GOROOT and go.env defaults, which rendered
// goldens replace with placeholders so that no default host is written down.
type machine struct {
	goBin, goroot string
	replacer      *strings.Replacer // real default values -> placeholders, for goldens
	expand        *strings.Replacer // placeholders -> real values, for proc.env
	defaultHosts  []string
}

func newMachine(t testing.TB) *machine {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the fixtures need the real go command: %v", err)
	}
	out, err := exec.Command(goBin, "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	content, err := os.ReadFile(filepath.Join(goroot, "go.env"))
	if err != nil {
		t.Fatalf("reading $GOROOT/go.env: %v", err)
	}
	env := sources.ParseEnvFile("go.env", sources.GorootGoEnv, content)
	var pairs []string
	m := &machine{goBin: goBin, goroot: goroot}
	if l, ok := env.Lookup("GOPROXY"); ok && l.Value != "" {
		pairs = append(pairs, l.Value, "$DEFAULT_GOPROXY")
		entries, _ := goenv.ParseGOPROXY(l.Value)
		for _, e := range entries {
			if e.URL != nil && e.URL.Host != "" {
				m.defaultHosts = append(m.defaultHosts, e.URL.Host)
				pairs = append(pairs, e.Text, "$DEFAULT_PROXY_URL", e.URL.Host, "$DEFAULT_PROXY_HOST")
			}
		}
	}
	if l, ok := env.Lookup("GOSUMDB"); ok && l.Value != "" {
		pairs = append(pairs, l.Value, "$DEFAULT_GOSUMDB")
		if n := goenv.DefaultSumDBName(l.Value); n != "" && n != l.Value {
			pairs = append(pairs, n, "$DEFAULT_GOSUMDB")
		}
		m.defaultHosts = append(m.defaultHosts, goenv.DefaultSumDBName(l.Value))
	}
	m.replacer = strings.NewReplacer(pairs...)
	var back []string
	for i := 0; i+1 < len(pairs); i += 2 {
		back = append(back, pairs[i+1], pairs[i])
	}
	m.expand = strings.NewReplacer(back...)
	return m
}

func runFixture(t *testing.T, m *machine, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(ar.Comment)) == "" {
		t.Fatalf("%s: a fixture starts with a comment saying what it checks", file)
	}
	w := m.setup(t, ar)
	got := w.render(t, w.diagnose())
	if section(ar, fixSection) != nil {
		checkFixGolden(t, w, ar, file)
	}
	if hasBuildFile(ar) && !*update {
		// Every fix of a build file is applied, reparsed and diagnosed again.
		checkEveryFix(t, m, ar)
	}
	var golden *txtar.File
	for i := range ar.Files {
		if ar.Files[i].Name == goldenSection {
			golden = &ar.Files[i]
		}
	}
	if *update {
		if golden == nil {
			ar.Files = append(ar.Files, txtar.File{Name: goldenSection})
			golden = &ar.Files[len(ar.Files)-1]
		}
		golden.Data = []byte(got)
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if golden == nil {
		t.Fatalf("%s has no -- %s -- section (run go test -update)", file, goldenSection)
	}
	if want := string(golden.Data); got != want {
		t.Errorf("findings differ from %s (run go test ./server/internal/rules -run TestFixtures -update to accept)\n--- got\n%s--- want\n%s", file, got, want)
	}
}

// check loads the archive's files as a workspace folder, runs the engine
// and renders its findings.
func (m *machine) check(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	w := m.setup(t, ar)
	return w.render(t, w.diagnose())
}

// workspace is a fixture archive written to a temporary folder.
type workspace struct {
	m               *machine
	work, goenvPath string
	cfg             engine.Config
	secrets         []string // the credentials the fixture's files hold
}

// diagnose runs the engine over the workspace as it is on disk.
func (w *workspace) diagnose() []findings.Finding {
	snap := engine.Load(w.cfg, nil)
	return engine.Diagnose(snap, engine.Resolve(snap))
}

// render renders findings and checks that no credential or default host leaks.
func (w *workspace) render(t *testing.T, findings []findings.Finding) string {
	t.Helper()
	got := w.m.render(t, w.work, w.goenvPath, findings)
	for _, secret := range w.secrets {
		// Short secrets could be in any word; they are looked for before their '@'.
		if len(secret) >= 4 && strings.Contains(got, secret) || strings.Contains(got, secret+"@") {
			t.Fatalf("findings hold the credential %q of the fixture:\n%s", secret, got)
		}
	}
	for _, h := range w.m.defaultHosts {
		if h != "" && strings.Contains(got, h) {
			t.Fatalf("rendered findings still name a default host; extend the placeholders:\n%s", got)
		}
	}
	return got
}

// setup writes the archive's files into a fresh folder and configures the
// engine for it.
func (m *machine) setup(t *testing.T, ar *txtar.Archive) *workspace {
	t.Helper()
	work := t.TempDir()
	// macOS's /var is a symlink; resolved paths keep the rendering stable.
	if w, err := filepath.EvalSymlinks(work); err == nil {
		work = w
	}
	cfg := engine.Config{
		Folder:  work,
		Options: sources.Options{OSFlavour: "linux", GOOS: "linux", Trusted: true},
	}
	env := map[string]string{
		"HOME":        work,
		"PATH":        filepath.Dir(m.goBin),
		"GOENV":       "off",
		"GOTOOLCHAIN": "local",
	}
	goenvPath := filepath.Join(work, ".config", "go", "env")
	var procEnv, termEnv []byte
	var secrets []string
	for i := range ar.Files {
		f := &ar.Files[i]
		secrets = append(secrets, redact.Secrets(string(f.Data))...)
		switch {
		case strings.HasPrefix(f.Name, "@"):
			continue
		case f.Name == "proc.env":
			procEnv = f.Data
			continue
		case f.Name == "terminal.env":
			termEnv = f.Data
			continue
		case f.Name == "options":
			for _, line := range strings.Fields(string(f.Data)) {
				k, v, _ := strings.Cut(line, "=")
				switch k {
				case "trusted":
					cfg.Options.Trusted = v == "true"
				case "os":
					cfg.Options.OSFlavour = v
					cfg.Options.GOOS = map[string]string{"osx": "darwin", "windows": "windows", "linux": "linux"}[v]
				case "vscode-go-active":
					cfg.Options.VSCodeGoActive = v == "true"
				case "scripts":
					cfg.Scripts = v == "true"
				case "host":
					if v == "true" {
						cfg.Host = &engine.Host{Etc: filepath.Join(work, "etc"), Proc: filepath.Join(work, "proc")}
					}
				case "user-settings":
					// "missing": the user settings path is known but the
					// file does not exist (fixes may create it).
					if v == "missing" {
						cfg.UserSettings = filepath.Join(work, "user", "settings.json")
					}
				default:
					t.Fatalf("unknown option %q", line)
				}
			}
			continue
		}
		path := filepath.Join(work, filepath.FromSlash(f.Name))
		switch {
		case f.Name == "goenv":
			path = goenvPath
			env["GOENV"] = goenvPath
		case f.Name == "user/settings.json":
			cfg.UserSettings = path
		case strings.HasSuffix(f.Name, ".code-workspace") && !strings.Contains(f.Name, "/"):
			cfg.WorkspaceFile = path
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg.ProcessEnv = m.envLines(t, env, procEnv, work)
	if termEnv != nil {
		// The login shell's environment starts from the same base.
		base := map[string]string{}
		for k, v := range env {
			base[k] = v
		}
		cfg.TerminalEnv = m.envLines(t, base, termEnv, work)
	}

	return &workspace{m: m, work: work, goenvPath: goenvPath, cfg: cfg, secrets: secrets}
}

// TestHealthyWorkspace is a corporate setup done right — one GOPRIVATE for
// every consumer, a private proxy with a direct fallback listed in NO_PROXY,
// the same values for the editor and the terminal — and must give no
// finding at all.
func TestHealthyWorkspace(t *testing.T) {
	m := newMachine(t)
	ar := txtar.Parse([]byte(`-- proc.env --
GOPROXY=https://goproxy.corp.example.com,direct
GOPRIVATE=corp.example.com,*.corp.example.com,github.com/acme
HTTPS_PROXY=http://proxy.example.net:3128
NO_PROXY=localhost,corp.example.com
-- goenv --
GOFLAGS=-modcacherw
-- user/settings.json --
{
  // Same proxy for the editor's tools as for the terminal.
  "go.toolsEnvVars": { "GOPROXY": "https://goproxy.corp.example.com,direct" },
}
-- .vscode/settings.json --
{
  "gopls": { "build.env": { "GOFLAGS": "-modcacherw" } }
}
-- go.mod --
module corp.example.com/app

go 1.22

require (
	corp.example.com/lib v1.0.0
	git.corp.example.com/team/util v1.2.0
	github.com/acme/widget v1.0.0
	rsc.io/quote v1.5.2
)
`))
	if got := m.check(t, ar); got != "" {
		t.Errorf("a healthy workspace gave findings:\n%s", got)
	}
}

// envLines applies KEY=VALUE lines ("unset KEY" removes one) to env, with
// $WORK and the $DEFAULT_* placeholders expanded.
func (m *machine) envLines(t *testing.T, env map[string]string, data []byte, work string) map[string]string {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(line, "unset "); ok {
			delete(env, strings.TrimSpace(name))
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("environment line %q is not KEY=VALUE", line)
		}
		env[k] = m.expand.Replace(strings.ReplaceAll(v, "$WORK", work))
	}
	return env
}

// render prints findings one per line as
// file:line:col-line:col severity code: message [consumers]
// with 1-based lines and UTF-16 columns; related information follows on
// lines starting with "    related ".
func (m *machine) render(t *testing.T, work, goenvPath string, findings []findings.Finding) string {
	contents := map[string][]byte{}
	loc := func(file string, span sources.Span) string {
		if file == "" {
			return "environment"
		}
		content, ok := contents[file]
		if !ok {
			var err error
			// A skipped file (file-skipped) has findings at its start only.
			if content, err = os.ReadFile(file); err != nil && span != (sources.Span{}) {
				t.Fatalf("finding in unreadable file %s: %v", file, err)
			}
			contents[file] = content
		}
		if span.Start < 0 || span.End > len(content) || span.Start > span.End {
			t.Fatalf("span %v outside %s (%d bytes)", span, file, len(content))
		}
		rel := m.relPath(work, goenvPath, file)
		if strings.HasPrefix(rel, "$GOROOT/") {
			// The machine's own go.env: its layout is not the fixture's to pin.
			return rel
		}
		r := position.NewMapper(content).Range(span.Start, span.End)
		return fmt.Sprintf("%s:%d:%d-%d:%d", rel, r.Start.Line+1, r.Start.Character+1, r.End.Line+1, r.End.Character+1)
	}
	// Findings come sorted by absolute path; the golden orders them by the
	// rendered name instead, so that where GOROOT and the temporary
	// directory live does not change the order.
	type block struct{ file, text string }
	var blocks []block
	for _, f := range findings {
		if strings.Contains(f.Message, "\n") {
			t.Errorf("multi-line message: %q", f.Message)
		}
		var fb strings.Builder
		l := loc(f.File, f.Span)
		fmt.Fprintf(&fb, "%s %s %s: %s [%s]\n", l, f.Severity, f.Code, f.Message, strings.Join(f.Consumers, " "))
		for _, r := range f.Related {
			fmt.Fprintf(&fb, "    related %s: %s\n", loc(r.File, r.Span), r.Message)
		}
		for _, fx := range f.Fixes {
			mark := "fix "
			if fx.Preferred {
				mark = "fix*"
			}
			fmt.Fprintf(&fb, "    %s %s\n", mark, fx.Title)
		}
		file, _, _ := strings.Cut(l, ":")
		blocks = append(blocks, block{file, fb.String()})
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].file < blocks[j].file })
	var b strings.Builder
	for _, bl := range blocks {
		b.WriteString(bl.text)
	}
	out := strings.ReplaceAll(b.String(), work, "$WORK")
	out = strings.ReplaceAll(out, m.goroot, "$GOROOT")
	return m.replacer.Replace(out)
}

func (m *machine) relPath(work, goenvPath, file string) string {
	if file == goenvPath {
		return "goenv"
	}
	if rel, err := filepath.Rel(work, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	if rel, err := filepath.Rel(m.goroot, file); err == nil && !strings.HasPrefix(rel, "..") {
		return "$GOROOT/" + filepath.ToSlash(rel)
	}
	return file
}

// TestEveryRuleHasFixtures checks that each registered code has a testdata
// directory whose goldens show it firing.
func TestEveryRuleHasFixtures(t *testing.T) {
	for _, r := range rules.All() {
		files, _ := filepath.Glob(filepath.Join("testdata", r.Code, "*.txtar"))
		if len(files) == 0 {
			t.Errorf("rule %s has no fixtures in testdata/%s", r.Code, r.Code)
			continue
		}
		fires := false
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				if f.Name == goldenSection && bytes.Contains(f.Data, []byte(" "+r.Code+": ")) {
					fires = true
				}
			}
		}
		if !fires {
			t.Errorf("no fixture in testdata/%s shows %s firing", r.Code, r.Code)
		}
	}
	registered := map[string]bool{}
	for _, r := range rules.All() {
		registered[r.Code] = true
	}
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() && !registered[filepath.Base(d)] {
			t.Errorf("testdata/%s names no registered rule", filepath.Base(d))
		}
	}
}

// hasBuildFile reports whether a fixture holds a Dockerfile, workflow,
// GitLab CI, compose or dev container file.
func hasBuildFile(ar *txtar.Archive) bool {
	for _, f := range ar.Files {
		if _, ok := buildenv.KindOf(f.Name); ok && !strings.HasPrefix(f.Name, "@") {
			return true
		}
	}
	return false
}
