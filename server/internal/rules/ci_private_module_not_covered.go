package rules

import (
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "ci-private-module-not-covered", Severity: findings.Warning, Check: checkCIPrivateModuleNotCovered})
}

// checkCIPrivateModuleNotCovered reports, once per CI job or Docker build
// stage, the modules go.mod/go.work requires that the developer's own
// environment covers with a private pattern (GOPRIVATE, GONOPROXY,
// GONOSUMDB) but that job or stage sends to the checksum database or to a
// proxy outside the module's organisation: it works locally and fails
// there. The finding sits where the job's or stage's list is set, else on
// the job's key or the stage's FROM; related information points at the
// developer's value. private-module-not-covered leaves build consumers to
// this rule.
func checkCIPrivateModuleNotCovered(in *Input) []findings.Finding {
	dev := in.developer()
	if dev == nil {
		return nil
	}
	covered := in.devCovered(dev)
	if len(covered) == 0 {
		return nil
	}
	type group struct {
		pl        findings.Place
		consumers []*resolve.Consumer
		mods      []ciHit
		sumdb     bool
		proxyHost string
		fallback  string
	}
	var order []string
	groups := map[string]*group{}
	for _, c := range in.buildConsumers() {
		var exposed []ciHit
		sumdbAll, proxyHost, fallback := false, "", ""
		for _, h := range covered {
			sumdb, ph := exposure(c, h.path)
			if !sumdb && ph == "" {
				continue
			}
			exposed = append(exposed, h)
			sumdbAll = sumdbAll || sumdb
			if ph != "" && proxyHost == "" {
				proxyHost, fallback = ph, fallbackAfterFirst(c)
			}
		}
		if len(exposed) == 0 {
			continue
		}
		pl := ciPlace(c, in.Snap.BuildFile(c.Origin.File))
		key := pl.Key()
		g, ok := groups[key]
		if !ok {
			g = &group{pl: pl, sumdb: sumdbAll, proxyHost: proxyHost, fallback: fallback}
			groups[key] = g
			order = append(order, key)
		}
		g.consumers = append(g.consumers, c)
		for _, h := range exposed {
			if !hasHit(g.mods, h.path) {
				g.mods = append(g.mods, h)
			}
		}
	}
	var out []findings.Finding
	for _, key := range order {
		g := groups[key]
		names := consumerNames(g.consumers)
		var paths []string
		for _, h := range g.mods {
			paths = append(paths, h.path)
		}
		first := g.mods[0]
		subject := "Module " + paths[0] + " is"
		if len(paths) > 1 {
			shown := paths
			if len(shown) > 3 {
				shown = append(append([]string{}, paths[:2]...), itoa(len(paths)-2)+" more")
			}
			subject = "Modules " + findings.AndList(shown) + " are"
		}
		them, their := "it", "its path leaks"
		if len(paths) > 1 {
			them, their = "them", "their paths leak"
		}
		var consequence string
		switch {
		case g.sumdb && g.proxyHost != "":
			consequence = "the checksum database answers 404/410 Not Found for " + them + " and " + their + " to " + g.proxyHost
		case g.sumdb:
			consequence = "the checksum database answers 404/410 Not Found for " + them
		case g.fallback != "":
			consequence = their + " to " + g.proxyHost + " before the download falls back to " + g.fallback
		default:
			consequence = their + " to " + g.proxyHost + ", which cannot serve " + them + " (404/410 Not Found)"
		}
		msg := subject + " private on your machine (" + first.devVar + " " + quote(first.devVal.Value) + " in " + where(first.devVal.Prov, first.devVar) +
			") but not for " + findings.AndList(names) + ", where " + consequence + ": it works locally and fails there."
		f := findings.At(g.pl, msg, names)
		f.Related = findings.RelatedAt(first.devVal.Prov, "Your "+dev.Name+" covers "+them+" with "+first.devVar+" "+quote(first.devVal.Value)+" here.")
		in.ciCoverFix(&f, g.consumers, g.mods[0].pattern, func(c *resolve.Consumer) bool {
			for _, h := range g.mods {
				if s, p := exposure(c, h.path); s || p != "" {
					return true
				}
			}
			return false
		})
		out = append(out, f)
	}
	return out
}

// developer is the consumer that stands for the developer's machine: the
// terminal, else the first of the editor's. There is none when the doctor
// itself runs in CI (check in a workflow or a GitLab job): the process
// environment is then a runner's, not a developer's, and comparing the
// builds with it would say nothing about "your machine".
func (in *Input) developer() *resolve.Consumer {
	if in.Snap.TerminalEnv == nil && ciRunner(in.Snap.ProcessEnv) {
		return nil
	}
	if c := in.Consumer("terminal"); c != nil {
		return c
	}
	for _, c := range in.Consumers {
		if c.Origin == nil && c.Name != "install" {
			return c
		}
	}
	return nil
}

// coveringPattern finds the developer's list that keeps a module private
// (GONOSUMDB, GONOPROXY, or GOPRIVATE where they follow it) and the
// pattern in it that matches.
func coveringPattern(c *resolve.Consumer, path string) (resolve.Value, string, string, bool) {
	for _, name := range []string{"GONOSUMDB", "GONOPROXY"} {
		v := c.Vars[name]
		if v.Prov.Source == sources.Default {
			name, v = "GOPRIVATE", c.Vars["GOPRIVATE"]
		}
		if v.Value == "" || v.Prov.Source == sources.Default {
			continue
		}
		for _, p := range goenv.SplitPatterns(v.Value) {
			if p.Problem() == "" && broadScope(p) == "" && p.Matches(path) {
				return v, name, p.Raw, true
			}
		}
	}
	return resolve.Value{}, "", "", false
}

// devCovered lists the required modules the developer's environment keeps
// private.
func (in *Input) devCovered(dev *resolve.Consumer) []ciHit {
	var covered []ciHit
	for _, req := range in.requirements() {
		if v, name, p, ok := coveringPattern(dev, req.Path); ok && !hasHit(covered, req.Path) {
			covered = append(covered, ciHit{req.Path, p, v, name})
		}
	}
	return covered
}

// ciHit is a required module the developer's environment keeps private,
// with the pattern and the value that do.
type ciHit struct {
	path    string
	pattern string
	devVal  resolve.Value
	devVar  string
}

func hasHit(hs []ciHit, path string) bool {
	for _, h := range hs {
		if h.path == path {
			return true
		}
	}
	return false
}

// ciPlace is where a finding about a build consumer goes: the private
// list it sets in its own file, else the job's key or the stage's FROM.
func ciPlace(c *resolve.Consumer, bf *sources.BuildFile) findings.Place {
	for _, name := range []string{"GOPRIVATE", "GONOSUMDB", "GONOPROXY"} {
		if s, ok := c.Env[name]; ok && s.Prov.File == c.Origin.File && s.Prov.ValueSpan.End > 0 {
			return findings.ValuePlace(s.Prov)
		}
	}
	return originPlace(c.Origin, bf)
}

// originPlace is what a build consumer is in its file: the job's key, the
// stage's FROM, a dev container file's first line.
func originPlace(o *resolve.Origin, bf *sources.BuildFile) findings.Place {
	sp := o.Span
	if sp.End == 0 && bf != nil {
		sp = sources.Span{Start: 0, End: lineEndAt(bf.Content, 0)}
	}
	return findings.Place{File: o.File, Span: sp}
}

func consumerNames(cs []*resolve.Consumer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// ciCoverFix adds the pattern to the list each exposed build consumer
// reads (GOPRIVATE, or the explicit GONOPROXY/GONOSUMDB it has), in the
// consumer's own file, until none is exposed.
func (in *Input) ciCoverFix(f *findings.Finding, cs []*resolve.Consumer, pattern string, exposed func(*resolve.Consumer) bool) {
	fx := in.plan().Fixer()
	fx.CarryWorkspace()
	var places []string
	ok := fx.Cover(f.Consumers, exposed, func(c *resolve.Consumer) bool {
		lists := []string{listFor(c, "GONOSUMDB")}
		if n := listFor(c, "GONOPROXY"); n != lists[0] {
			lists = append(lists, n)
		}
		var names, values []string
		for _, name := range lists {
			v := c.Vars[name]
			if goenv.Match(v.Value, pattern) && v.Value != "" {
				continue
			}
			value := pattern
			if v.Value != "" {
				value = strings.TrimRight(v.Value, ",") + "," + pattern
			}
			names, values = append(names, name), append(values, value)
		}
		ws := in.setForConsumer(fx, c, names, values)
		if ws == nil {
			return false
		}
		for _, w := range ws {
			if !contains(places, w) {
				places = append(places, w)
			}
		}
		return true
	})
	if !ok || len(places) == 0 {
		return
	}
	f.AddFix(fx.Build("Add "+quote(pattern)+" to "+findings.AndList(places), true))
}

// ciRunner reports whether an environment is a CI runner's: the CI
// variable GitHub Actions, GitLab CI and most others set, or their own.
func ciRunner(env map[string]string) bool {
	return env["CI"] == "true" || env["GITHUB_ACTIONS"] == "true" || env["GITLAB_CI"] == "true"
}
