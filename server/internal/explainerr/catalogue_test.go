package explainerr

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// TestCatalogue checks every fixture: the message the go command printed
// parses to the fields the case expects, and the explanation for a folder
// whose go.toolsEnvVars hold the environment the go command ran with is
// the golden one. With -update the messages are captured again first (the
// real go command against loopback servers) and the goldens rewritten.
func TestCatalogue(t *testing.T) {
	if *update {
		captureAll(t)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "catalogue", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < len(captureCases()) {
		t.Fatalf("%d fixtures, want one per capture case (%d): run go test -update", len(files), len(captureCases()))
	}
	covered := map[Case]bool{}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := sections(ar)
			p := Parse(sec["stderr"])
			covered[p.Case] = true
			if got := p.fields(); got != sec["want"] {
				t.Errorf("parsed fields:\n%s\nwant:\n%s", got, sec["want"])
			}
			md := Explain(p, checkFolder(t, sec["env"])).Markdown()
			for _, secret := range []string{"s3cret-token", "hunter2"} {
				if strings.Contains(md, secret) {
					t.Errorf("the explanation shows the credential %q:\n%s", secret, md)
				}
			}
			for _, h := range defaultHosts(t) {
				if strings.Contains(md, h) {
					t.Errorf("the explanation names a default host:\n%s", md)
				}
			}
			if *update {
				setSection(ar, "explanation.md", md)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if md != sec["explanation.md"] {
				t.Errorf("explanation:\n%s\nwant:\n%s", md, sec["explanation.md"])
			}
		})
	}
	for c := range meaning {
		if !covered[c] {
			t.Errorf("catalogue case %q has no fixture", c)
		}
	}
}

func sections(ar *txtar.Archive) map[string]string {
	out := map[string]string{}
	for _, f := range ar.Files {
		out[f.Name] = string(f.Data)
	}
	return out
}

func setSection(ar *txtar.Archive, name, data string) {
	for i, f := range ar.Files {
		if f.Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

// checkFolder is the engine's result for a folder whose workspace settings
// give the editor's tools (go.toolsEnvVars) the environment env, and whose
// go.mod requires corp.example.com/lib.
func checkFolder(t *testing.T, env string) *engine.Result {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(env))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			vars[k] = v
			order = append(order, k)
		}
	}
	var b strings.Builder
	b.WriteString("{\n  \"go.toolsEnvVars\": {\n")
	for i, k := range order {
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(vars[k])
		b.WriteString("    " + string(kj) + ": " + string(vj))
		if i < len(order)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  }\n}\n")
	if err := os.MkdirAll(filepath.Join(dir, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A Go installation of its own: its go.env gives the consumers that the
	// settings do not reach (the terminal) defaults on example.com hosts.
	if err := os.MkdirAll(filepath.Join(dir, "goroot"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		".vscode/settings.json": b.String(), "go.mod": "module example.com/app\n\ngo 1.21\n\nrequire corp.example.com/lib v1.0.0\n",
		"goroot/go.env": "GOPROXY=https://mirror.example.com,direct\nGOSUMDB=sum.example.com\nGOTOOLCHAIN=local\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := engine.Config{
		Folder:     dir,
		ProcessEnv: map[string]string{"HOME": dir, "GOENV": "off", "GOROOT": filepath.Join(dir, "goroot")},
		Options:    sources.Options{GOOS: "linux", OSFlavour: "linux", Trusted: true},
		GoBinary:   filepath.Join(dir, "no-go"),
	}
	return engine.Check(context.Background(), cfg, nil, engine.CheckOptions{})
}

// defaultHosts are the hosts of $GOROOT/go.env's defaults, which no
// fixture's explanation may name.
func defaultHosts(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "go.env"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(k, "#") || (k != "GOPROXY" && k != "GOSUMDB") {
			continue
		}
		for _, e := range strings.Split(v, ",") {
			e = strings.TrimPrefix(e, "https://")
			if strings.Contains(e, ".") && !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}
