package resolve_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// world builds a snapshot over files in memory.
func world(files map[string]string, env map[string]string) *sources.Snapshot {
	s := sources.NewSnapshot("/ws/folder", func(p string) ([]byte, error) {
		if c, ok := files[p]; ok {
			return []byte(c), nil
		}
		return nil, os.ErrNotExist
	})
	s.Options = sources.Options{GOOS: "linux", Trusted: true}
	s.ProcessEnv = env
	s.DefaultGOROOT = "/goroot"
	if c, ok := files["/ws/folder/.vscode/settings.json"]; ok {
		s.Workspace = sources.ParseSettings("/ws/folder/.vscode/settings.json", sources.VSCodeWorkspace, []byte(c), false)
	}
	return s
}

func find(t *testing.T, cs []*resolve.Consumer, name string) *resolve.Consumer {
	t.Helper()
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no consumer %s", name)
	return nil
}

func TestChain(t *testing.T) {
	s := world(map[string]string{
		"/home/u/.config/go/env":           "GOPROXY=https://file.example.com\nGOSUMDB=\n",
		"/goroot/go.env":                   "GOPROXY=https://distro.example.com,direct\nGOSUMDB=sum.example.com\nGOTOOLCHAIN=auto\n",
		"/ws/folder/.vscode/settings.json": `{"go.toolsEnvVars": {"GOPROXY": "https://tools.example.com"}}`,
	}, map[string]string{"HOME": "/home/u", "GOPROXY": "", "GOPRIVATE": "corp.example.com"})
	cs := resolve.Resolve(s)
	term := find(t, cs, "terminal")

	// GOPROXY: an empty env value (unused), the file (used), go.env.
	v := term.Var("GOPROXY")
	if v.Value != "https://file.example.com" || len(v.Chain) != 3 {
		t.Fatalf("GOPROXY %+v", v)
	}
	c := v.Chain
	if c[0].Prov.Source != sources.ProcessEnv || !c[0].Empty || c[0].Used ||
		c[1].Prov.Source != sources.GoEnvFile || !c[1].Used || c[1].Prov.Line != 1 ||
		c[2].Prov.Source != sources.GorootGoEnv || c[2].Used || c[2].Value != "https://distro.example.com,direct" {
		t.Errorf("chain %+v", c)
	}
	// GOSUMDB= in the file masks go.env.
	if v := term.Var("GOSUMDB"); v.Value != "" || v.Prov.Source != sources.GoEnvFile || v.Prov.Line != 2 || len(v.Chain) != 2 || !v.Chain[0].Used {
		t.Errorf("GOSUMDB %+v", v)
	}
	// GONOPROXY defaults to GOPRIVATE.
	if v := term.Var("GONOPROXY"); v.Value != "corp.example.com" || v.Prov.Source != sources.Default || v.Note == "" || !v.Chain[len(v.Chain)-1].Used {
		t.Errorf("GONOPROXY %+v", v)
	}
	if v := term.Var("GOAUTH"); v.Value != "netrc" || v.Prov.Source != sources.Default {
		t.Errorf("GOAUTH %+v", v)
	}
	if v := term.Var("GOTOOLCHAIN"); v.Value != "auto" || v.Prov.Source != sources.GorootGoEnv || v.Prov.File != "/goroot/go.env" || v.Prov.Line != 3 {
		t.Errorf("GOTOOLCHAIN %+v", v)
	}
	if v := term.Var("GOROOT"); v.Value != "/goroot" || v.Prov.Source != sources.Default {
		t.Errorf("GOROOT %+v", v)
	}
	if v := term.Var("GOENV"); v.Value != "/home/u/.config/go/env" || v.Prov.Source != sources.Default || term.GoEnvPath != v.Value || term.GoEnvOff {
		t.Errorf("GOENV %+v", v)
	}
	if v := term.Var("HTTPS_PROXY"); v.Value != "" || v.Prov.Source != sources.Default || len(v.Chain) != 0 {
		t.Errorf("HTTPS_PROXY %+v", v)
	}

	// tools: go.toolsEnvVars replaced the (empty) process value.
	tools := find(t, cs, "tools")
	set := tools.Env["GOPROXY"]
	if set.Value != "https://tools.example.com" || len(set.Replaced) != 1 || set.Replaced[0].Prov.Source != sources.ProcessEnv || set.Replaced[0].Value != "" {
		t.Errorf("tools env GOPROXY %+v", set)
	}
	if v := tools.Var("GOPROXY"); v.Prov.Source != sources.VSCodeWorkspace || v.Chain[0].Used != true {
		t.Errorf("tools GOPROXY %+v", v)
	}
	if got := strings.Join(tools.Env.List(), " "); !strings.Contains(got, "GOPROXY=https://tools.example.com") || !strings.HasPrefix(got, "GOPRIVATE=") {
		t.Errorf("List = %s", got)
	}
	if tools.Env.Get("NOPE") != "" {
		t.Errorf("Get of an unset variable")
	}
}

func TestGoEnvOffAndErrors(t *testing.T) {
	s := world(map[string]string{"/home/u/.config/go/env": "GOPROXY=https://file.example.com\n"}, map[string]string{"HOME": "/home/u", "GOENV": "off"})
	term := find(t, resolve.Resolve(s), "terminal")
	if !term.GoEnvOff || term.GoEnvPath != "" || term.Var("GOPROXY").Value != "" || term.Var("GOENV").Note == "" {
		t.Errorf("GOENV=off: %+v %+v", term.Var("GOENV"), term.Var("GOPROXY"))
	}
	s = world(map[string]string{"/home/u/.config/go/env": "GOPROXY=https://file.example.com\n"}, map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "relative"})
	term = find(t, resolve.Resolve(s), "terminal")
	if term.GoEnvErr == nil || term.GoEnvPath != "" || term.Var("GOPROXY").Value != "" {
		t.Errorf("relative XDG_CONFIG_HOME: %v %+v", term.GoEnvErr, term.Var("GOPROXY"))
	}
}

func TestGorootFromGoEnvFile(t *testing.T) {
	// A GOROOT line in the GOENV file picks the go.env to read even when the
	// environment sets another GOROOT (cmd/go findGOROOT), and is cleaned.
	files := map[string]string{
		"/cfg/env":          "GOROOT=/file-root/\n",
		"/file-root/go.env": "GOPROXY=https://file-root.example.com\n",
		"/env-root/go.env":  "GOPROXY=https://env-root.example.com\n",
	}
	s := world(files, map[string]string{"GOENV": "/cfg/env", "GOROOT": "/env-root"})
	term := find(t, resolve.Resolve(s), "terminal")
	if v := term.Var("GOPROXY"); v.Value != "https://file-root.example.com" || v.Prov.File != filepath.Join("/file-root", "go.env") {
		t.Errorf("GOPROXY %+v", v)
	}
	if term.GOROOT != "/env-root" || term.GoEnvGOROOT != "/file-root" {
		t.Errorf("GOROOT %q, go.env root %q", term.GOROOT, term.GoEnvGOROOT)
	}
	s = world(files, map[string]string{"GOENV": "/cfg/env"})
	term = find(t, resolve.Resolve(s), "terminal")
	if v := term.Var("GOROOT"); v.Value != "/file-root" || v.Prov.Source != sources.GoEnvFile {
		t.Errorf("GOROOT from the file %+v", v)
	}
	s = world(files, map[string]string{"GOENV": "off", "GOROOT": "/env-root/"})
	term = find(t, resolve.Resolve(s), "terminal")
	if v := term.Var("GOPROXY"); v.Value != "https://env-root.example.com" || term.Var("GOROOT").Value != "/env-root/" {
		t.Errorf("GOROOT from the environment: %+v, GOROOT %q", v, term.Var("GOROOT").Value)
	}
}
