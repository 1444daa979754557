package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "private-module-not-covered", Severity: findings.Warning, Check: checkPrivateModuleNotCovered})
}

// checkPrivateModuleNotCovered reports go.mod/go.work requirements that look
// private — on the main module's registrable domain, on a domain some
// consumer's GOPRIVATE/GONOPROXY/GONOSUMDB names, or matched by any
// consumer's patterns — which a consumer still sends to the checksum
// database (not in its GONOSUMDB, GOSUMDB not off: the lookup fails with
// 404/410) or to a proxy outside the module's organisation (not in its
// GONOPROXY: the path leaks, and the fetch fails with 404/410 unless the list
// falls back to direct or another proxy). Public code hosts (github.com, ...) are never
// private by host alone, only by pattern. The install consumer is left out:
// go install tool@version never fetches the project's requirements.
func checkPrivateModuleNotCovered(in *Input) []findings.Finding {
	own := in.ownDomains()
	var patterns []string
	for _, c := range in.Consumers {
		for _, name := range []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB"} {
			if v := c.Vars[name].Value; v != "" && !contains(patterns, v) {
				patterns = append(patterns, v)
			}
		}
	}
	type key struct {
		req       sources.Requirement
		why       string
		sumdb     bool
		proxyHost string
		fallback  string // where the fetch goes after the proxy's 404/410: "direct", a proxy's host, or ""
		vars      string
	}
	var g findings.Groups[key]
	for _, req := range in.requirements() {
		host, _, _ := strings.Cut(req.Path, "/")
		if !strings.Contains(host, ".") {
			continue
		}
		why := ""
		if !goenv.IsPublicCodeHost(host) {
			why = own[registrable(host)]
		}
		for _, list := range patterns {
			for _, p := range goenv.SplitPatterns(list) {
				// "*" or "github.com" says nothing about this module.
				if why == "" && broadScope(p) == "" && p.Matches(req.Path) {
					why = "another consumer's private patterns"
				}
			}
		}
		if why == "" {
			continue
		}
		for _, c := range in.Consumers {
			if c.Name == "install" {
				// go install tool@version builds outside this module: it
				// never fetches what go.mod or go.work require.
				continue
			}
			if c.Origin != nil {
				// A CI job or build stage: ci-private-module-not-covered
				// reports it on its own file, where the fix goes.
				continue
			}
			sumdb, proxyHost := exposure(c, req.Path)
			if !sumdb && proxyHost == "" {
				continue
			}
			fallback := ""
			if proxyHost != "" {
				fallback = fallbackAfterFirst(c)
			}
			vars := "GONOSUMDB"
			switch {
			case sumdb && proxyHost != "" && c.Vars["GONOPROXY"].Prov.Source == sources.Default && c.Vars["GONOSUMDB"].Prov.Source == sources.Default:
				vars = "GOPRIVATE"
			case sumdb && proxyHost != "":
				vars = "GONOPROXY or GONOSUMDB"
			case proxyHost != "":
				vars = "GONOPROXY"
			}
			k := key{req, why, sumdb, proxyHost, fallback, vars}
			g.Add(req.File+"\x00"+itoa(req.PathSpan.Start)+"\x00"+vars+"\x00"+proxyHost+"\x00"+itoa(boolInt(sumdb))+"\x00"+fallback, k, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		var consequence string
		switch {
		case k.sumdb && k.fallback != "":
			consequence = "its path leaks to " + k.proxyHost + " and to the checksum database: the download falls back to " + k.fallback + ", " +
				"but its checksum lookup fails with 404/410 Not Found"
		case k.sumdb && k.proxyHost != "":
			consequence = "its path leaks to " + k.proxyHost + " and to the checksum database, and fetching it fails with 404/410 Not Found"
		case k.fallback != "":
			consequence = "its path leaks to " + k.proxyHost + " before the download falls back to " + k.fallback
		case k.sumdb:
			consequence = "its checksum lookup in the checksum database fails with 404/410 Not Found"
		default:
			consequence = "its path leaks to " + k.proxyHost + " and fetching it fails with 404/410 Not Found"
		}
		pl := findings.Place{File: k.req.File, Span: k.req.PathSpan}
		f := findings.At(pl, "Module "+k.req.Path+" looks private ("+k.why+") but no "+k.vars+" pattern covers it"+
			findings.ForConsumers(consumers)+", so "+consequence+".", consumers)
		in.coverFixes(&f, k.req.Path)
		out = append(out, f)
	})
	return out
}

// exposure says where a consumer sends a module it should keep private:
// to the checksum database (not in GONOSUMDB, GOSUMDB not off), and to the
// first proxy when that proxy is outside the module's organisation (not in
// GONOPROXY).
func exposure(c *resolve.Consumer, path string) (sumdb bool, proxyHost string) {
	host, _, _ := strings.Cut(path, "/")
	sumdb = c.Vars["GOSUMDB"].Value != "off" && !goenv.Match(c.Vars["GONOSUMDB"].Value, path)
	if !goenv.Match(c.Vars["GONOPROXY"].Value, path) {
		entries, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
		if live := goenv.Live(entries); err == nil && len(live) > 0 && live[0].URL != nil && live[0].URL.Scheme != "file" {
			if h := live[0].URL.Hostname(); registrable(h) != registrable(host) {
				proxyHost = h
			}
		}
	}
	return sumdb, proxyHost
}

// fallbackAfterFirst is where a consumer's GOPROXY list goes after its
// first proxy answers 404/410 for a module it does not have (both separators
// fall through on "not found"): "direct", the next proxy's host, or "" when
// the list ends there or turns lookups off.
func fallbackAfterFirst(c *resolve.Consumer) string {
	entries, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
	live := goenv.Live(entries)
	if err != nil || len(live) < 2 {
		return ""
	}
	switch e := live[1]; {
	case e.Kind == goenv.ProxyDirect:
		return "direct"
	case e.Kind == goenv.ProxyURL && e.URL != nil && e.URL.Scheme == "file":
		return "a file:// cache"
	case e.Kind == goenv.ProxyURL && e.URL != nil:
		return e.URL.Hostname()
	}
	return ""
}

// coverFixes adds the narrowest pattern that covers the module to the lists
// the exposed consumers read: the list where each consumer's value is
// written, else the GOENV file for the terminal (go env -w) and
// go.toolsEnvVars for the editor's processes — in workspace settings (the
// preferred fix: the module is the project's) or in user settings.
func (in *Input) coverFixes(f *findings.Finding, path string) {
	pattern := in.coverPattern(path)
	workspace := in.Snap.FolderSettingsPath()
	if ws := in.Snap.Workspace; in.Snap.Options.MultiRoot && ws != nil {
		workspace = ws.Path
	}
	seen := map[string]bool{}
	for i, settings := range unique(workspace, in.Snap.UserSettingsPath) {
		fx := in.plan().Fixer()
		fx.CarryWorkspace() // the pattern comes from go.mod
		var places []string
		ok := fx.Cover(f.Consumers, func(c *resolve.Consumer) bool {
			sumdb, proxyHost := exposure(c, path)
			return sumdb || proxyHost != ""
		}, func(c *resolve.Consumer) bool {
			sumdb, proxyHost := exposure(c, path)
			var names []string
			if sumdb {
				names = append(names, listFor(c, "GONOSUMDB"))
			}
			if proxyHost != "" && !contains(names, listFor(c, "GONOPROXY")) {
				names = append(names, listFor(c, "GONOPROXY"))
			}
			for _, name := range names {
				where, ok := in.extendList(fx, c, name, pattern, settings)
				if !ok {
					return false
				}
				if !contains(places, where) {
					places = append(places, where)
				}
			}
			return true
		})
		if !ok {
			continue
		}
		fix, ok := fx.Build("Add "+quote(pattern)+" to "+findings.AndList(places), i == 0)
		if !ok {
			continue
		}
		key := fix.Key()
		if seen[key] {
			continue
		}
		seen[key] = true
		f.Fixes = append(f.Fixes, fix)
	}
}

// listFor is the variable to extend so that a consumer's GONOPROXY or
// GONOSUMDB covers a module: the list itself when it is set, else GOPRIVATE,
// which it follows.
func listFor(c *resolve.Consumer, name string) string {
	if c.Vars[name].Prov.Source == sources.Default {
		return "GOPRIVATE"
	}
	return name
}

// coverPattern is the narrowest pattern that is right for a private
// module: one another consumer already uses for it (the lists then agree),
// else its host — everything on a private host is private.
func (in *Input) coverPattern(path string) string {
	for _, name := range []string{"GOPRIVATE", "GONOSUMDB", "GONOPROXY"} {
		for _, c := range in.Consumers {
			for _, p := range goenv.SplitPatterns(c.Vars[name].Value) {
				if p.Problem() == "" && p.Matches(path) {
					return p.Raw
				}
			}
		}
	}
	host, _, _ := strings.Cut(path, "/")
	if goenv.IsPublicCodeHost(host) {
		return path
	}
	return host
}

// extendList adds an item to a comma-separated list variable of one
// consumer: where its value is written, else (for the terminal) in the
// GOENV file, else as an override in the settings file — the list the
// consumer inherits included. It returns a description of the place.
func (in *Input) extendList(fx *fixplan.Fixer, c *resolve.Consumer, name, item, settings string) (string, bool) {
	v := c.Vars[name]
	newValue := item
	if v.Value != "" {
		newValue = strings.TrimRight(v.Value, ",") + "," + item
	}
	if v.Value != "" && in.plan().Editable(v.Prov, v.Value) {
		fx.Rewrite(v.Prov, v.Value, newValue)
		return fixplan.KeyLabel(v.Prov) + " in " + in.plan().Label(v.Prov.File), fx.Err() == nil
	}
	terminal := c.Name == "terminal" || strings.HasPrefix(c.Name, "task:")
	if terminal && c.GoEnvPath != "" && !c.GoEnvOff && c.Env.Get(name) == "" {
		fx.EnvSet(c.GoEnvPath, name, newValue)
		return name + " in the GOENV file (go env -w)", fx.Err() == nil
	}
	if settings == "" {
		return "", false
	}
	layer := "go.toolsEnvVars"
	if terminal {
		layer = "terminal.integrated.env." + in.Snap.Options.OSFlavour
	}
	fx.Set(settings, newValue, layer, name)
	return layer + "." + name + " in " + in.plan().Label(settings), fx.Err() == nil
}

// requirements are the modules go.mod and go.work make the go command fetch:
// requirements and module replacements, without the main module and without
// modules replaced by a directory or by another module.
func (in *Input) requirements() []sources.Requirement {
	var out []sources.Requirement
	for _, mf := range []*sources.ModFile{in.Snap.GoMod, in.Snap.GoWork} {
		if mf == nil || mf.Err != nil {
			continue
		}
		replaced, replaceLines := replacedModules(mf)
		for _, r := range mf.Require {
			if r.Path == mf.Module {
				continue
			}
			if !replaceLines[r.Span.Start] && (replaced[r.Path+"@"+r.Version] || replaced[r.Path+"@"]) {
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

// replacedModules lists path@version (or path@ for every version) of the
// modules a go.mod or go.work replaces, and the offsets of the replace lines
// (whose new module sources.ModFile may list as a requirement).
func replacedModules(mf *sources.ModFile) (map[string]bool, map[int]bool) {
	out, lines := map[string]bool{}, map[int]bool{}
	for _, r := range mf.Replace {
		out[r.OldPath+"@"+r.OldVersion] = true
		lines[r.Span.Start] = true
	}
	return out, lines
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
