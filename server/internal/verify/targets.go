package verify

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// routingVars are the go variables routing depends on; netVars the process
// variables the HTTP client reads.
var (
	routingVars = []string{"GOPROXY", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOAUTH", "GOTOOLCHAIN", "GOPRIVATE", "GOVCS"}
	netVars     = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD", "SSL_CERT_FILE", "SSL_CERT_DIR", "NETRC", "HOME", "USERPROFILE"}
)

// Targets groups a folder's consumers (their values confirmed by go env) by
// everything Verify's answers depend on, and lists for each group the
// modules to verify: the go.mod and go.work requirements at their exact
// versions, the toolchain when GOTOOLCHAIN would download one, and extra
// (the CLI's --module list).
func Targets(snap *sources.Snapshot, consumers []*resolve.Consumer, extra []module.Version) []Target {
	mods := FolderModules(snap)
	for _, m := range extra {
		mods = addModule(mods, Module{Path: m.Path, Version: m.Version})
	}
	var out []Target
	index := map[string]int{}
	for _, c := range consumers {
		// An image or CI job runs elsewhere, on another network, and its
		// values may be known only when it runs (a GOPRIVATE from a
		// secret): probing for it from here proves nothing and could send
		// a private module path to a public proxy.
		if c.Origin != nil {
			continue
		}
		t := Target{
			Consumers: []string{c.Name}, Vars: map[string]string{}, Env: map[string]string{}, EnvFrom: map[string]string{},
			KnownSumDBs: knownSumDBs(snap, c), GOOS: snap.Options.GOOS, Platform: snap.Platform,
		}
		if t.GOOS == "" {
			t.GOOS = runtime.GOOS
		}
		for _, v := range routingVars {
			t.Vars[v] = c.Vars[v].Value
		}
		for _, v := range netVars {
			if s, ok := c.Env[v]; ok {
				t.Env[v] = s.Value
				if w := whereSet(snap, s.Prov); w != "" {
					t.EnvFrom[v] = w
				}
			}
		}
		t.Modules = mods
		if tc, ok := toolchainModule(snap, c); ok {
			t.Modules = append(append([]Module{}, mods...), tc)
		}
		if !snap.Options.Trusted {
			t.Withheld = withheldFor(snap, c, t)
		}
		key := targetKey(t)
		if i, ok := index[key]; ok {
			out[i].Consumers = append(out[i].Consumers, c.Name)
			for j := range out[i].Withheld {
				out[i].Withheld[j].Consumers = append(out[i].Withheld[j].Consumers, c.Name)
			}
			continue
		}
		index[key] = len(out)
		out = append(out, t)
	}
	return out
}

// whereSet names where a process variable was set, for advice: the file
// and key, or the kind of source ("" when unknown).
func whereSet(snap *sources.Snapshot, p sources.Provenance) string {
	switch {
	case p.File != "":
		return place(snap, p)
	case p.Source == sources.ProcessEnv:
		return "the environment the consumer was started with"
	}
	return strings.TrimSpace(string(p.Source) + " " + p.Key)
}

func targetKey(t Target) string {
	h := sha256.New()
	w := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	for _, v := range routingVars {
		w(t.Vars[v])
	}
	for _, v := range netVars {
		w(t.Env[v])
	}
	w(strings.Join(t.KnownSumDBs, ","))
	for _, m := range t.Modules {
		w(m.String())
	}
	for _, x := range t.Withheld {
		w(x.Kind + " " + x.match.String() + " " + x.Source)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// knownSumDBs is the default checksum database name of the consumer's
// $GOROOT/go.env (cmd/go's one built-in key), read at run time.
func knownSumDBs(snap *sources.Snapshot, c *resolve.Consumer) []string {
	if c.GoEnvGOROOT == "" {
		return nil
	}
	f := snap.EnvFile(filepath.Join(c.GoEnvGOROOT, "go.env"), sources.GorootGoEnv)
	if l, ok := f.Lookup("GOSUMDB"); ok {
		if n := goenv.DefaultSumDBName(l.Value); n != "" {
			return []string{n}
		}
	}
	return nil
}

// FolderModules lists the modules a folder's go.mod files (the folder's own
// and nested ones) and go.work require, at their exact versions, without
// the ones replaced by a local directory or provided by the workspace, and
// notes which go.sum already covers.
func FolderModules(snap *sources.Snapshot) []Module {
	var files []*sources.ModFile
	for _, f := range append([]*sources.ModFile{snap.GoMod, snap.GoWork}, snap.NestedMods...) {
		if f != nil && f.Err == nil {
			files = append(files, f)
		}
	}
	local := map[string]bool{} // path or path@version replaced by a directory
	workspace := map[string]bool{}
	for _, f := range files {
		for _, r := range localReplacements(f) {
			local[r] = true
		}
		if snap.GoWork != nil && f.Module != "" {
			workspace[f.Module] = true
		}
	}
	var out []Module
	for _, f := range files {
		sums := goSum(snap, f.Path)
		for _, r := range f.Require {
			if local[r.Path] || local[r.Path+"@"+r.Version] || workspace[r.Path] || r.Version == "" {
				continue
			}
			m := Module{Path: r.Path, Version: r.Version, Places: []sources.Requirement{r}}
			m.InGoSum = sums[r.Path+" "+r.Version] && sums[r.Path+" "+r.Version+"/go.mod"]
			out = addModule(out, m)
		}
	}
	return out
}

// addModule adds m, merging the places of a module already listed.
func addModule(mods []Module, m Module) []Module {
	for i := range mods {
		if mods[i].Path == m.Path && mods[i].Version == m.Version {
			mods[i].Places = append(mods[i].Places, m.Places...)
			mods[i].InGoSum = mods[i].InGoSum && m.InGoSum
			return mods
		}
	}
	return append(mods, m)
}

// localReplacements are the modules a go.mod or go.work replaces with a
// directory: the go command never fetches them.
func localReplacements(f *sources.ModFile) []string {
	var out []string
	for _, r := range f.Replace {
		if r.NewVersion != "" {
			continue
		}
		if r.OldVersion == "" {
			out = append(out, r.OldPath)
		} else {
			out = append(out, r.OldPath+"@"+r.OldVersion)
		}
	}
	return out
}

// goSum reads the go.sum next to a go.mod (go.work.sum next to a go.work):
// the "path version[/go.mod]" pairs it has hashes for.
func goSum(snap *sources.Snapshot, modPath string) map[string]bool {
	name := "go.sum"
	if filepath.Base(modPath) == "go.work" {
		name = "go.work.sum"
	}
	data, err := snap.ReadFile(filepath.Join(filepath.Dir(modPath), name))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 {
			out[f[0]+" "+f[1]] = true
		}
	}
	return out
}

// toolchainModule is the golang.org/toolchain version the consumer's go
// command would download (cmd/go toolchain.Select): GOTOOLCHAIN's minimum
// (a version, or the local go) raised, in auto mode, by the go.work or
// go.mod toolchain and go lines; a download when that is not the local go.
func toolchainModule(snap *sources.Snapshot, c *resolve.Consumer) (Module, bool) {
	gotoolchain := c.Vars["GOTOOLCHAIN"].Value
	if gotoolchain == "" || c.GOROOT == "" {
		return Module{}, false
	}
	data, err := snap.ReadFile(filepath.Join(c.GOROOT, "VERSION"))
	if err != nil {
		return Module{}, false
	}
	first, _, _ := strings.Cut(string(data), "\n")
	localTC := strings.TrimSpace(first)
	local := strings.TrimPrefix(localTC, "go")
	if _, ok := parseGover(local); !ok {
		return Module{}, false
	}
	tc, minVers, mode := localTC, local, ""
	switch gotoolchain {
	case "auto", "path":
		mode = gotoolchain
	default:
		min, suffix, plus := strings.Cut(gotoolchain, "+")
		if min != "local" {
			v := strings.TrimPrefix(min, "go")
			if _, ok := parseGover(v); !ok || !strings.HasPrefix(min, "go") {
				return Module{}, false
			}
			tc, minVers = min, v
		}
		if plus {
			mode = suffix
		}
	}
	if mode == "auto" {
		f := snap.GoWork
		if f == nil {
			f = snap.GoMod
		}
		if f != nil && f.Err == nil {
			if f.Toolchain != "" && f.Toolchain != "default" {
				if v := strings.TrimPrefix(f.Toolchain, "go"); compareGover(v, minVers) > 0 {
					tc, minVers = f.Toolchain, v
				}
			}
			if f.Go != "" && compareGover(f.Go, minVers) > 0 {
				tc = "go" + f.Go
				if g, _ := parseGover(f.Go); g.lang && compareGover(f.Go, "1.21") >= 0 {
					tc += ".0"
				}
			}
		}
	}
	if tc == localTC || mode == "path" {
		// path mode looks the toolchain up in PATH instead of downloading it.
		return Module{}, false
	}
	v := "v0.0.1-" + tc + "." + runtime.GOOS + "-" + runtime.GOARCH
	return Module{Path: ToolchainModule, Version: v, Toolchain: true}, true
}

// gover is a Go version: 1.21 (a language version), 1.21rc1, 1.21.0.
type gover struct {
	major, minor, patch int
	lang                bool   // no patch and no prerelease: "1.21"
	kind                string // "", "alpha", "beta", "rc"
	pre                 int
}

func parseGover(s string) (gover, bool) {
	var g gover
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		if n, err := strconv.Atoi(s); err == nil && n >= 1 {
			return gover{major: n, lang: true}, true
		}
		return g, false
	}
	var err error
	if g.major, err = strconv.Atoi(parts[0]); err != nil {
		return g, false
	}
	minor := parts[1]
	for _, k := range []string{"alpha", "beta", "rc"} {
		if m, pre, ok := strings.Cut(minor, k); ok && len(parts) == 2 {
			minor, g.kind = m, k
			if g.pre, err = strconv.Atoi(pre); err != nil {
				return g, false
			}
		}
	}
	if g.minor, err = strconv.Atoi(minor); err != nil {
		return g, false
	}
	if len(parts) == 3 {
		if g.patch, err = strconv.Atoi(parts[2]); err != nil {
			return g, false
		}
		return g, true
	}
	g.lang = g.kind == ""
	g.patch = -1 // before any release or prerelease of the line
	return g, true
}

// compareGover is cmd/go's gover.Compare: 1.21 < 1.21rc1 < 1.21.0 < 1.21.1.
func compareGover(a, b string) int {
	x, _ := parseGover(a)
	y, _ := parseGover(b)
	key := func(g gover) []int {
		k := []int{g.major, g.minor, g.patch, 0, g.pre}
		switch {
		case g.lang:
			k[3] = 0
		case g.kind != "":
			k[3] = map[string]int{"alpha": 1, "beta": 2, "rc": 3}[g.kind]
		default:
			k[3] = 4
		}
		return k
	}
	kx, ky := key(x), key(y)
	for i := range kx {
		if kx[i] != ky[i] {
			if kx[i] < ky[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ParseModules parses PATH@VERSION arguments.
func ParseModules(args []string) ([]module.Version, error) {
	var out []module.Version
	for _, a := range args {
		p, v, ok := strings.Cut(a, "@")
		if !ok || p == "" || v == "" {
			return nil, fmt.Errorf("%q: want PATH@VERSION", a)
		}
		if err := module.Check(p, v); err != nil {
			return nil, fmt.Errorf("%q: %v", a, err)
		}
		out = append(out, module.Version{Path: p, Version: v})
	}
	return out, nil
}
