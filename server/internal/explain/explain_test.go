package explain_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explain"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

var goEnvLine = regexp.MustCompile(`go(\\?\.)env(:|#L)\d+`)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*.txtar")

// cursor marks a hover position in a fixture file; the harness removes it.
const cursor = "‸"

// fixture is a workspace written from a txtar archive:
//
//	proc.env            the process environment, KEY=VALUE lines
//	goenv               the GOENV file
//	user/settings.json  the user settings
//	verify.json         a Verify result (verify.Result JSON) the session holds
//	options             trusted=false, os=windows|osx|linux
//	anything else       a file of the folder
//
// Each ‸ in a file is a hover position: its golden is the section
// "@hover <file> #<n>". Each file with inlay hints has an "@hints <file>"
// section.
type fixture struct {
	work    string
	res     *engine.Result
	ver     *verify.Result
	cursors []cursorAt
	files   []string // the folder's files, archive order
	secrets []string
	replace *strings.Replacer
	hosts   []string
}

type cursorAt struct {
	file   string // archive name
	n      int
	offset int
}

func load(t *testing.T, ar *txtar.Archive) *fixture {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the fixtures need the go command: %v", err)
	}
	out, err := exec.Command(goBin, "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(string(out))
	work := t.TempDir()
	if w, err := filepath.EvalSymlinks(work); err == nil {
		work = w
	}
	fx := &fixture{work: work}
	pairs := []string{work, "$WORK", goroot, "$GOROOT"}
	goEnv, err := os.ReadFile(filepath.Join(goroot, "go.env"))
	if err != nil {
		t.Fatal(err)
	}
	ef := sources.ParseEnvFile("go.env", sources.GorootGoEnv, goEnv)
	if l, ok := ef.Lookup("GOPROXY"); ok && l.Value != "" {
		entries, _ := goenv.ParseGOPROXY(l.Value)
		for _, e := range entries {
			if e.URL != nil && e.URL.Host != "" {
				pairs = append(pairs, e.Text, "$DEFAULT_PROXY_URL")
				fx.hosts = append(fx.hosts, e.URL.Host)
			}
		}
	}
	if l, ok := ef.Lookup("GOSUMDB"); ok && l.Value != "" {
		pairs = append(pairs, l.Value, "$DEFAULT_GOSUMDB")
		fx.hosts = append(fx.hosts, goenv.DefaultSumDBName(l.Value))
	}
	fx.replace = strings.NewReplacer(pairs...)

	cfg := engine.Config{Folder: work, Options: sources.Options{OSFlavour: "linux", GOOS: "linux", Trusted: true}}
	env := map[string]string{"HOME": work, "PATH": filepath.Dir(goBin), "GOENV": "off", "GOTOOLCHAIN": "local"}
	for _, f := range ar.Files {
		fx.secrets = append(fx.secrets, redact.Secrets(string(f.Data))...)
		switch {
		case strings.HasPrefix(f.Name, "@"):
			continue
		case f.Name == "proc.env":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if k, v, ok := strings.Cut(line, "="); ok {
					env[k] = strings.ReplaceAll(v, "$WORK", work)
				}
			}
			continue
		case f.Name == "verify.json":
			fx.ver = new(verify.Result)
			if err := json.Unmarshal(f.Data, fx.ver); err != nil {
				t.Fatalf("verify.json: %v", err)
			}
			continue
		case f.Name == "options":
			for _, o := range strings.Fields(string(f.Data)) {
				k, v, _ := strings.Cut(o, "=")
				switch k {
				case "trusted":
					cfg.Options.Trusted = v == "true"
				case "os":
					cfg.Options.OSFlavour = v
				default:
					t.Fatalf("unknown option %q", o)
				}
			}
			continue
		}
		path := filepath.Join(work, filepath.FromSlash(f.Name))
		switch {
		case f.Name == "goenv":
			path = filepath.Join(work, ".config", "go", "env")
			env["GOENV"] = path
		case f.Name == "user/settings.json":
			cfg.UserSettings = path
		case strings.HasSuffix(f.Name, ".code-workspace"):
			cfg.WorkspaceFile = path
			cfg.Options.MultiRoot = true
		}
		data := f.Data
		for n := 1; ; n++ {
			i := bytes.Index(data, []byte(cursor))
			if i < 0 {
				break
			}
			data = append(data[:i:i], data[i+len(cursor):]...)
			fx.cursors = append(fx.cursors, cursorAt{file: f.Name, n: n, offset: i})
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fx.files = append(fx.files, f.Name)
	}
	cfg.ProcessEnv = env
	fx.res = engine.Check(context.Background(), cfg, nil, engine.CheckOptions{})
	return fx
}

func (fx *fixture) path(name string) string {
	if name == "goenv" {
		return filepath.Join(fx.work, ".config", "go", "env")
	}
	return filepath.Join(fx.work, filepath.FromSlash(name))
}

func (fx *fixture) opts() explain.Options {
	return explain.Options{Folder: fx.work, Link: func(file string, line int) string {
		return fmt.Sprintf("file://%s#L%d", file, line)
	}}
}

// clean replaces machine paths and default values with placeholders and
// fails on a leaked credential or default host.
func (fx *fixture) clean(t *testing.T, s string) string {
	t.Helper()
	s = fx.replace.Replace(s)
	// go.env's line numbers change with the Go release.
	s = goEnvLine.ReplaceAllString(s, "go${1}env${2}N")
	for _, secret := range fx.secrets {
		if len(secret) >= 4 && strings.Contains(s, secret) || strings.Contains(s, secret+"@") {
			t.Fatalf("the explanation holds the credential %q:\n%s", secret, s)
		}
	}
	for _, h := range fx.hosts {
		if h != "" && strings.Contains(s, h) {
			t.Fatalf("the explanation names a default host; extend the placeholders:\n%s", s)
		}
	}
	return s
}

// TestGolden renders the hover text at every cursor of every fixture and
// the inlay hints of its files, and compares them with the fixture's
// golden sections (go test -update rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fx := load(t, ar)
			if len(fx.cursors) == 0 {
				t.Fatal("the fixture has no ‸ cursor")
			}
			got := map[string]string{}
			var names []string
			for _, c := range fx.cursors {
				a := explain.At(explain.Query{Res: fx.res, Verified: fx.ver, File: fx.path(c.file), Offset: c.offset})
				name := fmt.Sprintf("@hover %s #%d", c.file, c.n)
				names = append(names, name)
				if a == nil {
					got[name] = "(nothing)\n"
					continue
				}
				got[name] = fx.clean(t, a.Markdown(fx.opts()))
			}
			for _, f := range fx.files {
				hints := explain.Hints(fx.res, fx.path(f), 0, 1<<30, nil)
				if len(hints) == 0 {
					continue
				}
				content, err := os.ReadFile(fx.path(f))
				if err != nil {
					t.Fatal(err)
				}
				lines := sources.NewLines(content)
				var b strings.Builder
				for _, h := range hints {
					fmt.Fprintf(&b, "line %d: %s\n", lines.Line(h.Offset), h.Label)
				}
				name := "@hints " + f
				names = append(names, name)
				got[name] = fx.clean(t, b.String())
			}
			check(t, file, ar, names, got)
		})
	}
}

// check compares the golden sections, or rewrites them with -update.
func check(t *testing.T, file string, ar *txtar.Archive, names []string, got map[string]string) {
	t.Helper()
	if *update {
		var kept []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "@") {
				kept = append(kept, f)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			kept = append(kept, txtar.File{Name: n, Data: []byte(got[n])})
		}
		ar.Files = kept
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := map[string]string{}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "@") {
			want[f.Name] = string(f.Data)
		}
	}
	for _, n := range names {
		w, ok := want[n]
		if !ok {
			t.Errorf("no golden section %q; got:\n%s", n, got[n])
			continue
		}
		if w != got[n] {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", n, got[n], w)
		}
		delete(want, n)
	}
	for n := range want {
		t.Errorf("golden section %q matches nothing", n)
	}
}

// TestEveryOffset asks At for every byte offset of every fixture file (and
// past its end): it must never panic, every answer's span must lie in the
// file and hold the offset, and both renderings must be non-empty.
func TestEveryOffset(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fx := load(t, ar)
		answered := 0
		for _, name := range fx.files {
			path := fx.path(name)
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for off := -1; off <= len(content)+1; off++ {
				a := explain.At(explain.Query{Res: fx.res, Verified: fx.ver, File: path, Offset: off})
				if a == nil {
					continue
				}
				answered++
				if a.Span.Start < 0 || a.Span.End > len(content) || off < a.Span.Start || off > a.Span.End {
					t.Fatalf("%s %s@%d: span %v", file, name, off, a.Span)
				}
				if a.Markdown(fx.opts()) == "\n" || a.Text(explain.Options{}) == "\n" {
					t.Fatalf("%s %s@%d: empty rendering", file, name, off)
				}
			}
			explain.Hints(fx.res, path, -5, len(content)+5, nil)
		}
		if answered == 0 {
			t.Errorf("%s: no offset answered", file)
		}
	}
}
