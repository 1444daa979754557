package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// explainWorkspace writes a folder whose tools read GOPROXY from the
// workspace settings and whose terminal reads the GOENV file.
func explainWorkspace(t *testing.T) (env, args []string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                "module example.com/m\n\ngo 1.22\n\nrequire (\n\tcorp.example.com/lib v1.0.0\n\texample.org/pub v1.2.3\n)\n",
		".vscode/settings.json": `{"go.toolsEnvVars": {"GOPROXY": "https://ci:hunter22@tools.example.com|direct"}}`,
		"goenv":                 "GOPROXY=https://goenv.example.com,direct\nGOPRIVATE=corp.example.com\n",
		"user-settings.json":    "{}\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return cleanEnv(t, "GOENV="+filepath.Join(dir, "goenv")),
		[]string{"--folder", dir, "--settings", filepath.Join(dir, "user-settings.json"), "--trust-workspace"}
}

func TestExplainVariable(t *testing.T) {
	env, args := explainWorkspace(t)
	// The variable may come after the flags, and --consumer narrows.
	out, errOut, code := runCLI(t, env, append(append([]string{"explain"}, args...), "--consumer", "terminal", "--consumer", "tools", "GOPROXY")...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"GOPROXY\n",
		"  terminal: https://goenv.example.com,direct from the GOENV file goenv:1",
		"  tools: https://ci:xxxxx@tools.example.com|direct from go.toolsEnvVars.GOPROXY in .vscode/settings.json:1; shadows https://goenv.example.com,direct from the GOENV file goenv:1",
		"  1. https://goenv.example.com ',': on 404 or 410 only, the next entry is tried; any other error is final",
		"  1. https://ci:xxxxx@tools.example.com '|': on any error, the next entry is tried",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "gopls:") || strings.Contains(out, "hunter22") {
		t.Errorf("explain shows gopls (not asked for) or the password:\n%s", out)
	}
}

func TestExplainModuleJSON(t *testing.T) {
	env, args := explainWorkspace(t)
	out, errOut, code := runCLI(t, env, append([]string{"explain", "--module", "corp.example.com/lib", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	var got struct {
		Folder string
		Module struct {
			Path, Version string
			Routes        []struct {
				Consumers []string
				Private   string
				Steps     []struct{ Entry, Action string }
				SumDB     string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if got.Module.Path != "corp.example.com/lib" || got.Module.Version != "v1.0.0" || len(got.Module.Routes) == 0 {
		t.Fatalf("module %+v", got.Module)
	}
	for _, r := range got.Module.Routes {
		if slices.Contains(r.Consumers, "install") {
			// Tool installs run with GOENV unset: the GOENV file that
			// makes the module private is not theirs.
			if r.Private != "" || r.Steps[0].Entry == "GONOPROXY" {
				t.Errorf("install's route %+v; want the proxy list (its go reads no GOPRIVATE)", r)
			}
			continue
		}
		if r.Private != "corp.example.com" || len(r.Steps) == 0 || r.Steps[0].Entry != "GONOPROXY" || !strings.Contains(r.SumDB, "GONOSUMDB pattern corp.example.com") {
			t.Errorf("route of %v: %+v; want private, direct first, no checksum database", r.Consumers, r)
		}
	}
	if strings.Contains(out, "hunter22") {
		t.Errorf("JSON holds the password:\n%s", out)
	}
}

func TestExplainUsage(t *testing.T) {
	env, args := explainWorkspace(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"explain"}, "name a variable"},
		{[]string{"explain", "GOPROXI"}, "did you mean GOPROXY?"},
		{append([]string{"explain", "GOPROXY", "--consumer", "nobody"}, args...), "--consumer nobody: this folder has terminal, gopls, tools, install"},
		{[]string{"explain", "GOPROXY", "GOSUMDB"}, "unexpected argument"},
		{append([]string{"explain", "--module", "not a path"}, args...), "--module"},
	} {
		_, errOut, code := runCLI(t, env, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, exitUsage, tc.want)
		}
	}
}
