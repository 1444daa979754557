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
	register(Rule{Code: "ci-divergence", Severity: findings.Warning, Check: checkCIDivergence})
}

// ciVars are the variables a CI job or build stage is compared on. The
// toolchain, GOROOT and the network proxy variables are left out: a runner
// legitimately has its own.
var ciVars = []string{"GOPROXY", "GOSUMDB", "GOFLAGS", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOAUTH", "GOVCS"}

// ciPrivateVars are compared by coverage, and left to
// ci-private-module-not-covered for a consumer it reports.
var ciPrivateVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"}

// checkCIDivergence reports, once per CI or Dockerfile, the Go variables
// its jobs or building stages resolve differently from the developer's
// terminal, where the developer set the variable (not a default): a
// different value, or for the private lists one that does not cover every
// pattern of the developer's. Related information points at the
// developer's values. The fix adds the developer's value to each job or
// stage whose file does not set the variable at all.
func checkCIDivergence(in *Input) []findings.Finding {
	dev := in.developer()
	if dev == nil {
		return nil
	}
	type file struct {
		path  string
		items []*ciItem
		first *resolve.Consumer
	}
	var files []*file
	byPath := map[string]*file{}
	covered := in.devCovered(dev)
	for _, c := range in.buildConsumers() {
		privateReported := ciPrivateExposed(covered, c)
		for _, name := range ciVars {
			dv, cv := dev.Vars[name], c.Vars[name]
			if !deliberate(dv) || cv.Uncertain || privateReported && contains(ciPrivateVars, name) {
				continue
			}
			if !ciDiffers(name, dv.Value, cv.Value) || setInOtherStage(c.Origin, name) {
				continue
			}
			if defaultRoute(name, cv) || contains(ciPrivateVars, name) && !in.requiredDiffer(dv.Value, cv.Value) {
				continue
			}
			f := byPath[c.Origin.File]
			if f == nil {
				f = &file{path: c.Origin.File, first: c}
				byPath[f.path] = f
				files = append(files, f)
			}
			var it *ciItem
			for _, x := range f.items {
				if x.name == name && x.ci.Value == cv.Value && x.ci.Prov.File == cv.Prov.File && x.ci.Prov.ValueSpan == cv.Prov.ValueSpan {
					it = x
				}
			}
			if it == nil {
				it = &ciItem{name: name, ci: cv}
				f.items = append(f.items, it)
			}
			it.consumers = append(it.consumers, c)
		}
	}
	var out []findings.Finding
	for _, f := range files {
		var parts, names []string
		var related []findings.Related
		pl := originPlace(f.first.Origin, in.Snap.BuildFile(f.path))
		placed := false
		sort.SliceStable(f.items, func(i, j int) bool { return f.items[i].ci.Prov.ValueSpan.Start < f.items[j].ci.Prov.ValueSpan.Start })
		for _, it := range f.items {
			cs := consumerNames(it.consumers)
			for _, n := range cs {
				if !contains(names, n) {
					names = append(names, n)
				}
			}
			dv := dev.Vars[it.name]
			ciShown := shown(it.ci.Value, it.ci.Prov)
			if it.ci.Prov.File == f.path {
				ciShown += " (" + where(it.ci.Prov, it.name) + ")"
				if !placed {
					pl, placed = findings.ValuePlace(it.ci.Prov), true
				}
			}
			parts = append(parts, it.name+" is "+ciShown+" for "+findings.AndList(cs)+" but "+quote(dv.Value)+" on your machine ("+where(dv.Prov, it.name)+")")
			related = append(related, findings.RelatedAt(dv.Prov, "Your "+dev.Name+" has "+it.name+" "+quote(dv.Value)+" here.")...)
		}
		sort.Strings(names)
		msg := in.relPath(f.path) + " builds with other Go settings than your " + dev.Name + ": " + strings.Join(parts, "; ") + ". Modules resolve differently there than on your machine."
		fd := findings.At(pl, msg, names)
		if onlyRoute(f.items) {
			// Another proxy or checksum database the file chose: both may
			// serve every module the folder needs (two mirrors), so this is
			// worth knowing, not a warning.
			fd.Severity = findings.Information
		}
		fd.Related = dedupRelated(related)
		in.ciDivergenceFix(&fd, dev, f.items)
		out = append(out, fd)
	}
	return out
}

// deliberate reports whether the developer set a value (not cmd/go's
// default nor the installation's go.env) that the model knows.
func deliberate(v resolve.Value) bool {
	switch v.Prov.Source {
	case "", sources.Default, sources.GorootGoEnv:
		return false
	}
	return !v.Uncertain
}

// defaultRoute reports a GOPROXY or GOSUMDB the job or stage leaves at
// cmd/go's default while the developer uses another (a nearby mirror, a
// company proxy): the default reaches every public module and checksum, so
// a module that only the developer's route serves is a private one, which
// ci-private-module-not-covered reports. A mirror on the developer's
// machine and the default on a runner is the common, correct setup.
func defaultRoute(name string, ci resolve.Value) bool {
	return (name == "GOPROXY" || name == "GOSUMDB") && !deliberate(ci) && !ci.Uncertain
}

// onlyRoute reports whether every difference is a GOPROXY or GOSUMDB the
// file sets to another proxy or database that still fetches and verifies
// (not off): which modules build is unchanged.
func onlyRoute(items []*ciItem) bool {
	for _, it := range items {
		if it.name != "GOPROXY" && it.name != "GOSUMDB" {
			return false
		}
		if v := strings.TrimSpace(it.ci.Value); v == "off" || it.name == "GOPROXY" && goproxyEndsOff(v) {
			return false
		}
	}
	return true
}

// goproxyEndsOff reports a GOPROXY list whose last entry is off: a module
// none of the proxies serves fails there.
func goproxyEndsOff(v string) bool {
	entries := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' })
	return len(entries) > 0 && strings.TrimSpace(entries[len(entries)-1]) == "off"
}

// requiredDiffer reports whether a private list of the developer's matches
// a module the folder requires that the build's list does not: patterns for
// the developer's other work (a company-wide GOPRIVATE in go env -w) change
// nothing for this repository's build.
func (in *Input) requiredDiffer(dev, ci string) bool {
	for _, req := range in.requirements() {
		if goenv.Match(dev, req.Path) && !goenv.Match(ci, req.Path) {
			return true
		}
	}
	return false
}

// ciDiffers compares the developer's value with a build consumer's: the
// private lists by coverage (the build may list more), GOFLAGS by its
// words, the others as written.
func ciDiffers(name, dev, ci string) bool {
	switch {
	case contains(ciPrivateVars, name):
		for _, p := range goenv.SplitPatterns(dev) {
			if p.Problem() == "" && !goenv.Match(ci, p.Raw) {
				return true
			}
		}
		return false
	case name == "GOFLAGS":
		return strings.Join(strings.Fields(dev), " ") != strings.Join(strings.Fields(ci), " ")
	}
	return dev != ci
}

// ciPrivateExposed reports whether ci-private-module-not-covered reports
// the consumer: a module the developer keeps private is exposed there.
func ciPrivateExposed(covered []ciHit, c *resolve.Consumer) bool {
	for _, h := range covered {
		if s, p := exposure(c, h.path); s || p != "" {
			return true
		}
	}
	return false
}

func dedupRelated(rs []findings.Related) []findings.Related {
	var out []findings.Related
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Key()] {
			seen[r.Key()] = true
			out = append(out, r)
		}
	}
	return out
}

// ciItem is one variable a file's jobs or stages resolve differently from
// the developer: its value there and who has it.
type ciItem struct {
	name      string
	ci        resolve.Value
	consumers []*resolve.Consumer
}

// ciDivergenceFix gives each job or stage the developer's values, in its
// own file, when the file sets none of the variables that differ: a value
// the file sets is a choice left to the user, and GOAUTH (commands and
// paths of this machine) is never copied. Not preferred: a difference may
// be deliberate.
func (in *Input) ciDivergenceFix(f *findings.Finding, dev *resolve.Consumer, items []*ciItem) {
	fx := in.plan().Fixer()
	var places, fixed []string
	type set struct{ names, values []string }
	per := map[*resolve.Consumer]*set{}
	var order []*resolve.Consumer
	for _, it := range items {
		if it.name == "GOAUTH" || it.ci.Prov.File != "" && it.ci.Prov.Source != sources.GorootGoEnv {
			return // a value the file chose, or GOAUTH: the finding stays the user's call
		}
		for _, c := range it.consumers {
			if per[c] == nil {
				per[c] = &set{}
				order = append(order, c)
			}
			per[c].names = append(per[c].names, it.name)
			per[c].values = append(per[c].values, dev.Vars[it.name].Value)
		}
		fixed = append(fixed, it.name)
	}
	if len(fixed) == 0 {
		return
	}
	for _, c := range order {
		ws := in.setForConsumer(fx, c, per[c].names, per[c].values)
		if ws == nil {
			return
		}
		for _, w := range ws {
			if !contains(places, w) {
				places = append(places, w)
			}
		}
	}
	ok := fx.Holds(f.Consumers, func(c *resolve.Consumer) bool {
		for _, name := range fixed {
			if ciDiffers(name, dev.Vars[name].Value, c.Vars[name].Value) && !c.Vars[name].Uncertain {
				for _, it := range items {
					if it.name == name && containsConsumer(it.consumers, c.Name) {
						return false
					}
				}
			}
		}
		return true
	})
	if !ok {
		return
	}
	f.AddFix(fx.Build("Set "+findings.AndList(places)+" to your values", false))
}

func containsConsumer(cs []*resolve.Consumer, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

// setInOtherStage reports whether a Dockerfile sets the variable for a
// building stage in a place that stage does not see (another stage, a
// global ARG): dockerfile-env-wrong-stage reports that, with its fix.
func setInOtherStage(o *resolve.Origin, name string) bool {
	if o.Dockerfile == nil || o.Stage == nil || stageSets(o.Dockerfile, o.Stage, name) {
		return false
	}
	for _, g := range o.Dockerfile.GlobalArgs {
		if g.Key == name {
			return true
		}
	}
	for _, st := range o.Dockerfile.Stages {
		if st == o.Stage || st.BuildsGo() {
			continue
		}
		for _, s := range st.Env {
			if s.Key == name {
				return true
			}
		}
	}
	return false
}
