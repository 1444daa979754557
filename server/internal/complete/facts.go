package complete

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Facts are what completion and links take from the engine's latest
// result of a folder. They hold no credential: proxy URLs lose their
// userinfo here.
type Facts struct {
	// ProxyURLs are the proxy URLs GOPROXY is set to anywhere in the
	// snapshot (any consumer's value or a value it shadows, and every
	// settings environment object, whatever the OS), without userinfo.
	ProxyURLs []ProxyURL
	// Modules are the module paths go.mod and go.work files require.
	Modules []Module
	// Patterns are the GOPRIVATE, GONOPROXY and GONOSUMDB patterns set
	// anywhere in the snapshot, with where.
	Patterns []SetPattern
	// GoEnvFiles are the GOENV files the consumers' go commands read.
	GoEnvFiles []string

	snap *sources.Snapshot
}

// ProxyURL is one configured proxy URL, without userinfo.
type ProxyURL struct {
	URL   string
	Where []string // "go.toolsEnvVars.GOPROXY in user settings", ...
}

// Module is one required module.
type Module struct {
	Path  string
	Where string // "go.mod:12"
}

// SetPattern is one private pattern as set somewhere.
type SetPattern struct {
	Pattern goenv.Pattern
	Var     string // GOPRIVATE, GONOPROXY or GONOSUMDB
	Where   string
}

var privateVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB"}

// FactsOf gathers the facts of a result. Either argument may be nil.
func FactsOf(snap *sources.Snapshot, consumers []*resolve.Consumer) *Facts {
	f := &Facts{snap: snap}
	proxies := map[string]int{} // URL → index in f.ProxyURLs
	patterns := map[string]bool{}
	add := func(name, value string, p sources.Provenance) {
		where := describe(p)
		switch {
		case name == "GOPROXY":
			entries, _ := goenv.ParseGOPROXY(value)
			for _, e := range entries {
				u := credentialFree(e.URL)
				if u == "" {
					continue
				}
				i, ok := proxies[u]
				if !ok {
					i = len(f.ProxyURLs)
					proxies[u] = i
					f.ProxyURLs = append(f.ProxyURLs, ProxyURL{URL: u})
				}
				if pu := &f.ProxyURLs[i]; !slices.Contains(pu.Where, where) {
					pu.Where = append(pu.Where, where)
				}
			}
		case slices.Contains(privateVars, name):
			for _, pat := range goenv.SplitPatterns(value) {
				k := name + "\x00" + pat.Raw + "\x00" + where
				if !patterns[k] {
					patterns[k] = true
					f.Patterns = append(f.Patterns, SetPattern{Pattern: pat, Var: name, Where: where})
				}
			}
		}
	}
	for _, c := range consumers {
		for _, name := range append([]string{"GOPROXY"}, privateVars...) {
			for _, cand := range c.Vars[name].Chain {
				if cand.Prov.Source == sources.Default || cand.Prov.Source == sources.GorootGoEnv {
					continue // the go command's defaults, not the user's configuration
				}
				add(name, cand.Value, cand.Prov)
			}
		}
		if c.GoEnvPath != "" && !c.GoEnvOff && !slices.Contains(f.GoEnvFiles, c.GoEnvPath) {
			f.GoEnvFiles = append(f.GoEnvFiles, c.GoEnvPath)
		}
	}
	if snap != nil {
		for _, st := range snap.SettingsLayers() {
			for _, env := range [][]sources.EnvEntry{
				st.Env("go.toolsEnvVars"), st.GoplsBuildEnv(),
				st.Env("terminal.integrated.env.linux"), st.Env("terminal.integrated.env.osx"), st.Env("terminal.integrated.env.windows"),
			} {
				for _, e := range env {
					add(e.Name, e.Value, e.Prov)
				}
			}
		}
		for _, lc := range snap.Launch.LaunchConfigs() {
			for _, e := range lc.Env {
				add(e.Name, e.Value, e.Prov)
			}
		}
		for _, t := range snap.Tasks.Tasks() {
			for _, e := range t.Env {
				add(e.Name, e.Value, e.Prov)
			}
		}
		for _, ef := range snap.EnvFiles() {
			if ef.Kind != sources.GoEnvFile {
				continue
			}
			for _, l := range ef.Lines {
				if l.Valid {
					add(l.Key, strings.TrimSuffix(l.Value, "\r"), ef.Prov(l))
				}
			}
		}
		seen := map[string]bool{}
		for _, m := range snap.ModFiles() {
			for _, r := range m.Require {
				if !seen[r.Path] {
					seen[r.Path] = true
					f.Modules = append(f.Modules, Module{Path: r.Path, Where: r.File + ":" + strconv.Itoa(r.Line)})
				}
			}
		}
	}
	return f
}

// describe names a provenance for people: the setting's key and the file
// in words, or the source a user knows.
func describe(p sources.Provenance) string {
	switch p.Source {
	case sources.ProcessEnv:
		return "the process environment"
	case sources.GoEnvFile:
		return "your go env -w file"
	case sources.Derived:
		return "set by vscode-go"
	case sources.VSCodeUser:
		return p.Key + " in user settings"
	case sources.VSCodeWorkspace:
		return p.Key + " in workspace settings"
	case sources.VSCodeFolder:
		return p.Key + " in folder settings"
	case sources.Launch:
		return "launch.json " + p.Key
	case sources.Tasks:
		return "tasks.json " + p.Key
	}
	return p.Key + " (" + string(p.Source) + ")"
}

// credentialFree is an http or https proxy URL without userinfo, for
// offering and linking ("" for other entries). A URL whose text still
// looks like it holds a credential afterwards is not offered at all.
func credentialFree(u *url.URL) string {
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	c := *u
	c.User = nil
	s := c.String()
	if redact.HasCredential(s) {
		return ""
	}
	return s
}

// PrivateCandidate is a pattern completion offers for GOPRIVATE,
// GONOPROXY or GONOSUMDB.
type PrivateCandidate struct {
	Pattern string
	Covers  []string // the private module paths it covers
	Why     string   // why those modules count as private
}

// PrivateCandidates derives patterns from the required modules that look
// private. Without the network, a module counts as private when
//
//   - a pattern set anywhere already covers it (a pattern covering every
//     module, or every module of a public code host, says nothing), or
//   - it shares its owner with a module such a pattern covers: the host on
//     a company's own server, host/owner on a public code host, or
//   - it is on a host that is not one of the well-known public code hosts
//     (goenv.PublicCodeHosts): a company's own server, whose modules the
//     public proxy and checksum database cannot serve.
//
// Modules on a public code host that no pattern points at are public. The
// private modules are grouped by owner (the host, or host/owner on a public
// code host); for each group the narrowest pattern is the longest path
// prefix its modules share, and the owner is offered too when it differs.
// Every existing pattern that covers a private module is offered as well
// (to make the other lists consistent), and, when there are several
// groups, one item with all their narrowest patterns.
func (f *Facts) PrivateCandidates() []PrivateCandidate {
	var meaningful []SetPattern
	for _, p := range f.Patterns {
		if p.Pattern.Problem() == "" && !tooBroad(p.Pattern) {
			meaningful = append(meaningful, p)
		}
	}
	type group struct {
		owner string
		paths []string
		why   string
	}
	groups := map[string]*group{}
	var order []string
	existing := map[string]*PrivateCandidate{}
	var existingOrder []string
	ownersMarked := map[string]string{}
	for _, p := range meaningful {
		for _, m := range f.Modules {
			if p.Pattern.Matches(m.Path) {
				ownersMarked[owner(m.Path)] = p.Pattern.Raw
			}
		}
	}
	for _, m := range f.Modules {
		host, _, _ := strings.Cut(m.Path, "/")
		if !strings.Contains(host, ".") {
			continue
		}
		why := ""
		for _, p := range meaningful {
			if p.Pattern.Matches(m.Path) {
				why = "covered by " + p.Var + " pattern " + p.Pattern.Raw
				c := existing[p.Pattern.Raw]
				if c == nil {
					c = &PrivateCandidate{Pattern: p.Pattern.Raw, Why: "already in " + p.Var + ", " + p.Where}
					existing[p.Pattern.Raw] = c
					existingOrder = append(existingOrder, p.Pattern.Raw)
				}
				if !slices.Contains(c.Covers, m.Path) {
					c.Covers = append(c.Covers, m.Path)
				}
				break
			}
		}
		o := owner(m.Path)
		if why == "" {
			if pat, ok := ownersMarked[o]; ok {
				why = "same owner as modules pattern " + pat + " covers"
			} else if !goenv.IsPublicCodeHost(host) {
				why = "not on a public code host"
			}
		}
		if why == "" {
			continue
		}
		g := groups[o]
		if g == nil {
			g = &group{owner: o, why: why}
			groups[o] = g
			order = append(order, o)
		}
		g.paths = append(g.paths, m.Path)
	}
	sort.Strings(order)
	var out []PrivateCandidate
	var narrowest []string
	var all []string
	for _, o := range order {
		g := groups[o]
		n := commonPrefix(g.paths)
		narrowest = append(narrowest, n)
		all = append(all, g.paths...)
		out = append(out, PrivateCandidate{Pattern: n, Covers: g.paths, Why: g.why})
		if n != o {
			out = append(out, PrivateCandidate{Pattern: o, Covers: g.paths, Why: g.why + "; every module of " + o})
		}
	}
	if len(narrowest) > 1 {
		out = append(out, PrivateCandidate{Pattern: strings.Join(narrowest, ","), Covers: all, Why: "every private module"})
	}
	for _, p := range existingOrder {
		if !slices.ContainsFunc(out, func(c PrivateCandidate) bool { return c.Pattern == p }) {
			out = append(out, *existing[p])
		}
	}
	return out
}

// owner is where a module's owner keeps modules: the host, or host/owner on
// a public code host, where the host is everyone's.
func owner(path string) string {
	parts := strings.SplitN(path, "/", 3)
	if goenv.IsPublicCodeHost(parts[0]) && len(parts) > 1 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// commonPrefix is the longest prefix of whole path elements the paths share.
func commonPrefix(paths []string) string {
	prefix := strings.Split(paths[0], "/")
	for _, p := range paths[1:] {
		el := strings.Split(p, "/")
		n := 0
		for n < len(prefix) && n < len(el) && prefix[n] == el[n] {
			n++
		}
		prefix = prefix[:n]
	}
	return strings.Join(prefix, "/")
}

// tooBroad reports whether a pattern covers every module, or every module
// of a public code host: such a pattern says nothing about which modules
// are the user's.
func tooBroad(p goenv.Pattern) bool {
	if p.Matches("any-host-zq.example.org/any-org-zq/any-repo-zq") {
		return true
	}
	for _, h := range goenv.PublicCodeHosts {
		if p.Matches(h+"/any-org-zq/any-repo-zq") && p.Matches(h+"/other-zq/x") {
			return true
		}
	}
	return false
}
