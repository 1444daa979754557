package engine_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// TestFidelity generates deterministic scenarios — process environments and
// GOENV files in every shape cmd/go accepts or silently ignores, at every
// location cmd/go looks — and checks that the pure model (no oracle) gives
// the terminal consumer exactly the values `go env -json` prints for the same
// environment, with the right provenance.

// fidelityVars are the variables compared for every scenario.
var fidelityVars = []string{"GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOFLAGS"}

const numScenarios = 300

type goenvMode int

const (
	modeExplicit    goenvMode = iota // GOENV=<absolute file>
	modeOff                          // GOENV=off (a file at the default location exists and must not be read)
	modeHome                         // GOENV unset: $HOME/.config/go/env
	modeXDG                          // GOENV unset: $XDG_CONFIG_HOME/go/env, which beats $HOME
	modeXDGRelative                  // relative XDG_CONFIG_HOME: no file at all, not even $HOME's
	modeRelative                     // relative GOENV: resolved against the working directory (the folder)
	modeMissing                      // GOENV names a file that does not exist
	modeEmptyGOENV                   // GOENV="" counts as unset: $HOME/.config/go/env
	modeDirectory                    // GOENV names a directory: read fails, ignored
	modeGOROOT                       // GOROOT from the environment and/or the GOENV file selects another go.env
	numModes
)

func (m goenvMode) String() string {
	return [...]string{"explicit", "off", "home", "xdg", "xdg-relative", "relative", "missing", "empty-GOENV", "directory", "goroot"}[m]
}

// scenario is one generated case and what the generator knows about it.
type scenario struct {
	n      int
	mode   goenvMode
	root   string
	folder string
	env    map[string]string
	notes  []string

	// file is the GOENV file the go command reads ("" for none), content its
	// bytes, fileLines/fileValues the last line setting each key (1-based)
	// and its value, as written by the generator.
	file       string
	content    []byte
	fileLines  map[string]int
	fileValues map[string]string

	// gorootEnv is the go.env the go command reads ("" for none) and the
	// last line setting each key in it.
	gorootEnv    string
	gorootLines  map[string]int
	gorootValues map[string]string

	compareGOENV bool
}

func (sc *scenario) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %d (mode %s)\n", sc.n, sc.mode)
	for _, n := range sc.notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	keys := make([]string, 0, len(sc.env))
	for k := range sc.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  env %s=%q\n", k, sc.env[k])
	}
	if sc.file != "" {
		fmt.Fprintf(&b, "  GOENV file read: %s\n  content: %q\n", sc.file, sc.content)
	} else {
		b.WriteString("  no GOENV file is read\n")
	}
	fmt.Fprintf(&b, "  go.env read: %q\n", sc.gorootEnv)
	return b.String()
}

// Value pools. Hosts are example.com-style; the default mirror and checksum
// database only ever come from the machine's go.env, read at run time.
var valuePools = map[string][]string{
	"GOPROXY": {
		"https://proxy.example.com", "https://proxy.example.com,direct", "https://a.example.com|https://b.example.org,direct",
		"direct", "off", "https://a.example.com, direct", "http://127.0.0.1:3000,off", "https://user:secret@proxy.example.net/go|direct",
		"file:///srv/goproxy", "DIRECT", ",", " ", "https://a.example.com;https://b.example.com",
	},
	"GOSUMDB": {
		"off", "sum.example.com", "sum.example.com+ce6e7565+AY5qEHUk/qmHc5btzW45JVoENfazw8LielDsaI+lEbq6 https://sum.example.com",
		"sum.example.com https://proxy.example.com/sumdb/sum.example.com", "OFF", " sum.example.com ",
	},
	"pattern": {
		"*.example.com", "example.com/private", "git.example.org/*,*.corp.example.com", "none", "example.com/a/[bc]*", "*",
		"example.com/*/internal", "git.example.com:8443/x", "https://git.example.com/x", "example.com/x,,example.net",
		"Example.COM/Upper", "?.example.com", "git.example.com/team/*.git",
	},
	"GOFLAGS": {
		"-mod=mod", "-modcacherw -trimpath", "-tags=integration", "-bogus", "-mod=vendor", "-buildvcs=false -mod=readonly", "--mod=mod",
		"-insecure", "-tags=a,b -ldflags=-w",
	},
}

func pickValue(r *rand.Rand, key string) string {
	pool := valuePools[key]
	switch key {
	case "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE":
		pool = valuePools["pattern"]
	case "GOPROXY", "GOSUMDB", "GOFLAGS":
	default:
		pool = []string{"http://proxy.example.com:3128", "x", "1"}
	}
	return pool[r.IntN(len(pool))]
}

// fileKeys are the keys GOENV file lines use: the compared variables and some
// noise (a non-Go variable, a misspelling, GOENV itself, which only the OS
// environment can set).
var fileKeys = append(append([]string{}, fidelityVars...), fidelityVars...) // compared keys twice as likely
var noiseKeys = []string{"HTTPS_PROXY", "GOPROXYY", "GOENV", "GO_PROXY"}

type fileGen struct {
	b      bytes.Buffer
	line   int
	lines  map[string]int
	values map[string]string
	notes  []string
	open   bool // the last line has no "\n"
}

func newFileGen() *fileGen { return &fileGen{lines: map[string]int{}, values: map[string]string{}} }

// add appends one line; valid says whether cmd/go reads it as key=value.
func (g *fileGen) add(text, eol string, key, value string, valid bool) {
	if g.open {
		// The previous line had no "\n": terminate it first.
		g.b.WriteString("\n")
		g.open = false
	}
	g.line++
	g.b.WriteString(text)
	g.b.WriteString(eol)
	g.open = !strings.HasSuffix(eol, "\n")
	if valid {
		g.lines[key] = g.line
		g.values[key] = value
	}
}

// genEnvFile writes a GOENV file in the shapes people really produce.
func genEnvFile(r *rand.Rand) *fileGen {
	g := newFileGen()
	crlf := r.IntN(3) == 0
	if crlf {
		g.notes = append(g.notes, "CRLF file")
	}
	n := r.IntN(10) // 0: an empty file
	for i := 0; i < n; i++ {
		eol := "\n"
		if crlf != (r.IntN(10) == 0) { // mostly the file's style, sometimes mixed
			eol = "\r\n"
		}
		if i == n-1 && r.IntN(3) == 0 {
			eol = "" // missing final newline
			g.notes = append(g.notes, "no final newline")
		}
		// A CRLF line's value keeps its "\r": cmd/go splits on "\n" only.
		cr := strings.TrimSuffix(eol, "\n")
		key := fileKeys[r.IntN(len(fileKeys))]
		if r.IntN(8) == 0 {
			key = noiseKeys[r.IntN(len(noiseKeys))]
		}
		v := pickValue(r, key)
		switch k := r.IntN(16); {
		case k < 6:
			g.add(key+"="+v, eol, key, v+cr, true)
		case k == 6:
			g.add(key+"=", eol, key, cr, true) // masks go.env
		case k == 7:
			g.add(key+"='"+v+"'", eol, key, "'"+v+"'"+cr, true)
		case k == 8:
			g.add(key+`="`+v+`"`, eol, key, `"`+v+`"`+cr, true)
		case k == 9:
			g.add("export "+key+"="+v, eol, "", "", false)
		case k == 10:
			// The key is "KEY " (with the space): it never matches KEY.
			sp := []string{" = ", " =", "= "}[r.IntN(3)]
			if sp == "= " {
				g.add(key+sp+v, eol, key, " "+v+cr, true)
			} else {
				g.add(key+sp+v, eol, "", "", false)
			}
		case k == 11:
			g.add([]string{"# ", "#", "// "}[r.IntN(3)]+key+"="+v, eol, "", "", false)
		case k == 12:
			lower := strings.ToLower(key[:1]) + key[1:]
			if r.IntN(2) == 0 {
				lower = strings.ToLower(key)
			}
			g.add(lower+"="+v, eol, "", "", false)
		case k == 13:
			g.add([]string{"", "   ", "\t", key}[r.IntN(4)], eol, "", "", false)
		case k == 14:
			g.add([]string{" ", "\t", "\ufeff"}[r.IntN(3)]+key+"="+v, eol, "", "", false)
		default:
			// A value holding "=": only the first "=" splits.
			g.add(key+"="+v+"=x", eol, key, v+"=x"+cr, true)
		}
	}
	return g
}

// decoy is a file at a location cmd/go must not read in the scenario.
var decoy = []byte("GOPROXY=https://decoy.example.com\nGOSUMDB=decoy.example.com\nGOPRIVATE=decoy.example.com\n" +
	"GONOPROXY=decoy.example.com/np\nGONOSUMDB=decoy.example.com/ns\nGOINSECURE=decoy.example.com\nGOFLAGS=-decoy\n")

// realGoEnv parses $GOROOT/go.env of the machine's go: the last line setting
// each key.
func realGoEnv(t testing.TB) (path string, lines map[string]int, values map[string]string) {
	path = filepath.Join(goRoot(t), "go.env")
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	lines, values = map[string]int{}, map[string]string{}
	for i, l := range strings.Split(string(content), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && l[0] >= 'A' && l[0] <= 'Z' {
			lines[k], values[k] = i+1, v
		}
	}
	return path, lines, values
}

func genScenario(t testing.TB, r *rand.Rand, n int, base string) *scenario {
	sc := &scenario{n: n, mode: goenvMode(n % int(numModes)), compareGOENV: true}
	sc.root = filepath.Join(base, fmt.Sprintf("s%03d", n))
	sc.folder = filepath.Join(sc.root, "folder")
	if err := os.MkdirAll(sc.folder, 0o755); err != nil {
		t.Fatal(err)
	}
	sc.env = baseEnv(t, base) // shared caches
	home := filepath.Join(sc.root, "home")
	sc.env["HOME"] = home
	homeFile := filepath.Join(home, ".config", "go", "env")
	quietTelemetry(t, filepath.Join(home, ".config"))
	sc.gorootEnv, sc.gorootLines, sc.gorootValues = realGoEnv(t)

	for _, name := range fidelityVars {
		switch k := r.IntN(10); {
		case k < 5: // absent
		case k < 7:
			sc.env[name] = "" // empty = unset for cmd/go
		default:
			sc.env[name] = pickValue(r, name)
		}
	}

	g := genEnvFile(r)
	sc.notes = append(sc.notes, g.notes...)
	useFile := func(path string) {
		sc.file = path
		sc.content, sc.fileLines, sc.fileValues = g.b.Bytes(), g.lines, g.values
		writeFile(t, path, sc.content)
	}
	switch sc.mode {
	case modeExplicit:
		useFile(filepath.Join(sc.root, "cfg", []string{"env", "goenv", "my env file"}[r.IntN(3)]))
		sc.env["GOENV"] = sc.file
		writeFile(t, homeFile, decoy)
	case modeOff:
		sc.env["GOENV"] = "off"
		writeFile(t, homeFile, decoy)
	case modeHome:
		switch r.IntN(3) {
		case 0:
			sc.env["XDG_CONFIG_HOME"] = "" // empty = unset
		case 1:
			sc.env["HOME"] = home + "/" // os.UserConfigDir gives ".../home//.config"
			sc.notes = append(sc.notes, "HOME with a trailing slash")
		}
		useFile(homeFile)
	case modeXDG:
		xdg := filepath.Join(sc.root, "xdg")
		sc.env["XDG_CONFIG_HOME"] = xdg
		quietTelemetry(t, xdg)
		useFile(filepath.Join(xdg, "go", "env"))
		writeFile(t, homeFile, decoy)
	case modeXDGRelative:
		sc.env["XDG_CONFIG_HOME"] = "xdgrel"
		writeFile(t, filepath.Join(sc.folder, "xdgrel", "go", "env"), decoy)
		writeFile(t, homeFile, decoy)
	case modeRelative:
		rel := []string{"cfg/env", "./goenv", "sub/../env.txt"}[r.IntN(3)]
		sc.env["GOENV"] = rel
		useFile(filepath.Join(sc.folder, rel))
		if strings.HasPrefix(rel, "sub/") {
			// The OS resolves "sub/.." only when sub exists.
			if r.IntN(2) == 0 {
				sc.notes = append(sc.notes, "sub does not exist: the GOENV file is not found")
				sc.file = ""
			} else if err := os.MkdirAll(filepath.Join(sc.folder, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		writeFile(t, homeFile, decoy)
		// go env prints the relative GOENV verbatim; the model names the file.
		sc.compareGOENV = false
	case modeMissing:
		sc.env["GOENV"] = filepath.Join(sc.root, "nonexistent", "env")
		writeFile(t, homeFile, decoy)
	case modeEmptyGOENV:
		sc.env["GOENV"] = ""
		useFile(homeFile)
	case modeDirectory:
		dir := filepath.Join(sc.root, "envdir")
		writeFile(t, filepath.Join(dir, "env"), decoy)
		sc.env["GOENV"] = dir
		writeFile(t, homeFile, decoy)
	case modeGOROOT:
		genGOROOT(t, r, sc, g, useFile)
	}
	return sc
}

// genGOROOT points GOROOT — from the OS environment, the GOENV file or both —
// at fake roots whose go.env supply other defaults (or none). cmd/go finds
// go.env through the GOENV file's GOROOT first, then the environment's.
func genGOROOT(t testing.TB, r *rand.Rand, sc *scenario, g *fileGen, useFile func(string)) {
	fakeRoot := func(name string) (root string, lines map[string]int, values map[string]string) {
		root = filepath.Join(sc.root, name)
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		if r.IntN(4) == 0 {
			sc.notes = append(sc.notes, name+" has no go.env")
			return root, nil, nil
		}
		fg := newFileGen()
		fg.add("# distro defaults", "\n", "", "", false)
		for _, k := range fidelityVars {
			if r.IntN(2) == 0 {
				v := pickValue(r, k)
				if r.IntN(4) == 0 {
					v = ""
				}
				fg.add(k+"="+v, "\n", k, v, true)
			}
		}
		writeFile(t, filepath.Join(root, "go.env"), fg.b.Bytes())
		return root, fg.lines, fg.values
	}
	envRoot, envLines, envValues := fakeRoot("envroot")
	fileRoot, fileLines, fileValues := fakeRoot("fileroot")
	variant := r.IntN(3)
	if variant != 1 { // GOROOT in the environment
		sc.env["GOROOT"] = envRoot
		sc.gorootEnv, sc.gorootLines, sc.gorootValues = filepath.Join(envRoot, "go.env"), envLines, envValues
		sc.notes = append(sc.notes, "GOROOT in the environment")
	}
	if variant != 0 { // GOROOT in the GOENV file: it wins for go.env
		v := fileRoot
		if r.IntN(2) == 0 {
			v += "/" // cmd/go cleans it
		}
		g.add("GOROOT="+v, "\n", "GOROOT", v, true)
		sc.gorootEnv, sc.gorootLines, sc.gorootValues = filepath.Join(fileRoot, "go.env"), fileLines, fileValues
		sc.notes = append(sc.notes, "GOROOT in the GOENV file")
	}
	useFile(filepath.Join(sc.root, "cfg", "env"))
	sc.env["GOENV"] = sc.file
	if sc.gorootLines == nil {
		sc.gorootEnv = ""
	}
}

// wantProv is the provenance the generator expects for name.
func (sc *scenario) wantProv(name string) (sources.Kind, string, int) {
	kind, file, line, value := sources.Default, "", 0, ""
	if v := sc.env[name]; v != "" {
		kind, value = sources.ProcessEnv, v
	} else if l, ok := sc.fileLines[name]; ok && sc.file != "" {
		kind, file, line, value = sources.GoEnvFile, sc.file, l, sc.fileValues[name]
	} else if l, ok := sc.gorootLines[name]; ok && sc.gorootEnv != "" {
		kind, file, line, value = sources.GorootGoEnv, sc.gorootEnv, l, sc.gorootValues[name]
	}
	if (name == "GONOPROXY" || name == "GONOSUMDB") && value == "" {
		return sources.Default, "", 0 // defaults to GOPRIVATE
	}
	return kind, file, line
}

type fidelityResult struct {
	vars map[string]string
	err  error
}

func TestFidelity(t *testing.T) {
	start := time.Now()
	base := t.TempDir()
	r := rand.New(rand.NewPCG(20260822, 1))
	scenarios := make([]*scenario, numScenarios)
	for i := range scenarios {
		scenarios[i] = genScenario(t, r, i, base)
	}

	// Ask the go command, at most 4 at a time.
	names := append(append([]string{}, fidelityVars...), "GOENV", "GOROOT")
	results := make([]fidelityResult, len(scenarios))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, sc := range scenarios {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			v, err := runGoEnv(t, sc.folder, sc.env, names)
			results[i] = fidelityResult{v, err}
		}()
	}
	wg.Wait()

	agree := 0
	modeCount := map[goenvMode]int{}
	fromFile, fromEnv, fromGoroot, fromDefault := 0, 0, 0, 0
	for i, sc := range scenarios {
		res := results[i]
		if res.err != nil {
			t.Errorf("%s: %v", sc.describe(), res.err)
			continue
		}
		s := engine.Load(engine.Config{
			Folder:     sc.folder,
			ProcessEnv: sc.env,
			Options:    sources.Options{GOOS: runtime.GOOS, Trusted: true},
		}, nil)
		term := consumer(t, engine.Resolve(s), "terminal")
		var problems []string
		check := func(name string) {
			if got, want := term.Var(name).Value, res.vars[name]; got != want {
				problems = append(problems, fmt.Sprintf("%s: model %q, go env %q (model provenance %+v)", name, got, want, term.Var(name).Prov))
			}
		}
		for _, name := range fidelityVars {
			check(name)
			problems = append(problems, checkProv(sc, term.Var(name))...)
			switch term.Var(name).Prov.Source {
			case sources.GoEnvFile:
				fromFile++
			case sources.ProcessEnv:
				fromEnv++
			case sources.GorootGoEnv:
				fromGoroot++
			default:
				fromDefault++
			}
		}
		check("GOROOT")
		if sc.compareGOENV {
			check("GOENV")
		}
		if len(problems) > 0 {
			t.Errorf("%s  mismatches:\n    %s", sc.describe(), strings.Join(problems, "\n    "))
			continue
		}
		agree++
		modeCount[sc.mode]++
	}
	for m := goenvMode(0); m < numModes; m++ {
		if modeCount[m] == 0 && !t.Failed() {
			t.Errorf("no agreeing scenario in mode %s", m)
		}
	}
	// Every kind of provenance must actually be exercised.
	if fromFile == 0 || fromEnv == 0 || fromGoroot == 0 || fromDefault == 0 {
		t.Errorf("provenance not exercised: file %d, env %d, go.env %d, default %d", fromFile, fromEnv, fromGoroot, fromDefault)
	}
	t.Logf("fidelity: %d/%d scenarios agree with go env (values from goenv-file %d, process-env %d, goroot-go.env %d, default %d) in %v",
		agree, len(scenarios), fromFile, fromEnv, fromGoroot, fromDefault, time.Since(start).Round(time.Millisecond))
	if agree < 240 {
		t.Errorf("only %d scenarios agree; want at least 240", agree)
	}
}

// checkProv compares a value's provenance with what the generator wrote.
func checkProv(sc *scenario, v resolve.Value) []string {
	kind, file, line := sc.wantProv(v.Name)
	var p []string
	if v.Prov.Source != kind {
		return []string{fmt.Sprintf("%s: provenance %q, want %q", v.Name, v.Prov.Source, kind)}
	}
	switch kind {
	case sources.ProcessEnv:
		if v.Prov.Key != v.Name || v.Prov.File != "" {
			p = append(p, fmt.Sprintf("%s: process-env provenance %+v", v.Name, v.Prov))
		}
	case sources.GoEnvFile, sources.GorootGoEnv:
		if filepath.Clean(v.Prov.File) != filepath.Clean(file) || v.Prov.Line != line || v.Prov.Key != v.Name {
			p = append(p, fmt.Sprintf("%s: provenance %s:%d key %q, want %s:%d", v.Name, v.Prov.File, v.Prov.Line, v.Prov.Key, file, line))
			break
		}
		content, err := os.ReadFile(v.Prov.File)
		if err != nil {
			p = append(p, err.Error())
			break
		}
		vs, ks := v.Prov.ValueSpan, v.Prov.KeySpan
		if vs.Start < 0 || vs.End > len(content) || vs.Start > vs.End || string(content[vs.Start:vs.End]) != v.Value {
			p = append(p, fmt.Sprintf("%s: value span %v does not hold %q", v.Name, vs, v.Value))
		} else if ks.End > len(content) || ks.Start > ks.End || string(content[ks.Start:ks.End]) != v.Name {
			p = append(p, fmt.Sprintf("%s: key span %v does not hold the key", v.Name, ks))
		} else if got := bytes.Count(content[:ks.Start], []byte("\n")) + 1; got != line {
			p = append(p, fmt.Sprintf("%s: key span on line %d, want %d", v.Name, got, line))
		}
	case sources.Default:
		if v.Prov.File != "" || v.Prov.Line != 0 {
			p = append(p, fmt.Sprintf("%s: default provenance with a file: %+v", v.Name, v.Prov))
		}
	}
	return p
}

func consumer(t testing.TB, cs []*resolve.Consumer, name string) *resolve.Consumer {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no consumer %q", name)
	return nil
}
