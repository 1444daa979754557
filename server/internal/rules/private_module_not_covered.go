package rules

import (
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "private-module-not-covered", Severity: Warning, Check: checkPrivateModuleNotCovered})
}

// checkPrivateModuleNotCovered reports go.mod/go.work requirements that look
// private — on the main module's registrable domain, on a domain some
// consumer's GOPRIVATE/GONOPROXY/GONOSUMDB names, or matched by any
// consumer's patterns — which a consumer still sends to the checksum
// database (not in its GONOSUMDB, GOSUMDB not off: the lookup fails with
// 404/410) or to a proxy outside the module's organisation (not in its
// GONOPROXY: the path leaks and the fetch fails with 404/410). Public code
// hosts (github.com, ...) are never private by host alone, only by pattern.
func checkPrivateModuleNotCovered(in *Input) []Finding {
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
		vars      string
	}
	var g groups[key]
	for _, req := range in.requirements() {
		host, _, _ := strings.Cut(req.Path, "/")
		if !strings.Contains(host, ".") {
			continue
		}
		why := ""
		if !isPublicCodeHost(host) {
			why = own[registrable(host)]
		}
		for _, p := range patterns {
			if why == "" && goenv.Match(p, req.Path) {
				why = "another consumer's private patterns"
			}
		}
		if why == "" {
			continue
		}
		for _, c := range in.Consumers {
			sumdb := c.Vars["GOSUMDB"].Value != "off" && !goenv.Match(c.Vars["GONOSUMDB"].Value, req.Path)
			proxyHost := ""
			if !goenv.Match(c.Vars["GONOPROXY"].Value, req.Path) {
				entries, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
				if live := goenv.Live(entries); err == nil && len(live) > 0 && live[0].URL != nil && live[0].URL.Scheme != "file" {
					if h := live[0].URL.Hostname(); registrable(h) != registrable(host) {
						proxyHost = h
					}
				}
			}
			if !sumdb && proxyHost == "" {
				continue
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
			k := key{req, why, sumdb, proxyHost, vars}
			g.add(req.File+"\x00"+itoa(req.PathSpan.Start)+"\x00"+vars+"\x00"+proxyHost+"\x00"+itoa(boolInt(sumdb)), k, c.Name)
		}
	}
	var out []Finding
	g.each(func(k key, consumers []string) {
		var consequence string
		switch {
		case k.sumdb && k.proxyHost != "":
			consequence = "its path leaks to " + k.proxyHost + " and to the checksum database, and fetching it fails with 404/410 Not Found"
		case k.sumdb:
			consequence = "its checksum lookup in the checksum database fails with 404/410 Not Found"
		default:
			consequence = "its path leaks to " + k.proxyHost + " and fetching it fails with 404/410 Not Found"
		}
		pl := place{k.req.File, k.req.PathSpan}
		out = append(out, finding(pl, "Module "+k.req.Path+" looks private ("+k.why+") but no "+k.vars+" pattern covers it"+
			forConsumers(consumers)+", so "+consequence+".", consumers))
	})
	return out
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
// (whose new module sources.ModFile may list as a requirement). The replace
// directives are read again here, strictly: sources.ModFile keeps none, and
// modfile.ParseLax drops them.
func replacedModules(mf *sources.ModFile) (map[string]bool, map[int]bool) {
	out, lines := map[string]bool{}, map[int]bool{}
	var reps []*modfile.Replace
	if mf.Module != "" {
		f, err := modfile.Parse(mf.Path, mf.Content, nil)
		if err != nil {
			return out, lines
		}
		reps = f.Replace
	} else {
		f, err := modfile.ParseWork(mf.Path, mf.Content, nil)
		if err != nil {
			return out, lines
		}
		reps = f.Replace
	}
	for _, r := range reps {
		out[r.Old.Path+"@"+r.Old.Version] = true
		if r.Syntax != nil {
			lines[r.Syntax.Start.Byte] = true
		}
	}
	return out, lines
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
