// Package rules holds the diagnostic rules: pure functions from a resolved
// snapshot to findings. One file per rule, registered by its stable code
// (SPEC §6); nothing here does I/O or knows about LSP.
package rules

import (
	"sort"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Input is what every rule sees.
type Input struct {
	Snap      *sources.Snapshot
	Consumers []*resolve.Consumer
	// NoFixes asks for the findings alone: no fix is built, replayed or
	// ranked. The findings are those of a full run without their Fixes;
	// building fixes is most of a run's cost, and a diagnosis that is only
	// published (the language server on a keystroke) does not need them.
	NoFixes bool

	planner   *fixplan.Planner // builds the fixes, made on first use
	places    *findings.Placer // places findings inside values, made on first use
	replaying bool             // a fix is being checked: findings only, no fixes
	builds    *[]buildSetting  // what build files set, made on first use
}

// Planner is the fix planner for a diagnosis of s and its consumers: the
// rules hand it Diagnose, which runs every rule over a fix's replay. Verify
// builds its ranked GOPROXY fix with one.
func Planner(s *sources.Snapshot, consumers []*resolve.Consumer) *fixplan.Planner {
	return &fixplan.Planner{Snap: s, Consumers: consumers, Diagnose: replay}
}

// replay diagnoses a fix's replay: findings only, no fixes.
func replay(s *sources.Snapshot, consumers []*resolve.Consumer) []findings.Finding {
	return Run(&Input{Snap: s, Consumers: consumers, replaying: true})
}

// plan is the run's fix planner.
func (in *Input) plan() *fixplan.Planner {
	if in.planner == nil {
		in.planner = Planner(in.Snap, in.Consumers)
		in.planner.Replaying = in.replaying || in.NoFixes
	}
	return in.planner
}

// placer places the run's findings inside values.
func (in *Input) placer() *findings.Placer {
	if in.places == nil {
		in.places = &findings.Placer{Snap: in.Snap}
	}
	return in.places
}

// Consumer returns the named consumer, or nil.
func (in *Input) Consumer(name string) *resolve.Consumer {
	for _, c := range in.Consumers {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Rule is one registered diagnostic rule.
type Rule struct {
	Code     string
	Severity findings.Severity // the usual severity; a rule may raise or lower it per finding
	Check    func(*Input) []findings.Finding
}

var registry = map[string]Rule{}

// register adds a rule; called from each rule file's init.
func register(r Rule) {
	if _, dup := registry[r.Code]; dup {
		panic("rules: duplicate code " + r.Code)
	}
	registry[r.Code] = r
}

// All returns the registered rules sorted by code.
func All() []Rule {
	out := make([]Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Run runs every rule and returns the findings in a stable order, with
// identical findings (same code, place and message) merged.
func Run(in *Input) []findings.Finding {
	var out []findings.Finding
	seen := map[string]int{}
	secrets := fixplan.Secrets(in.Consumers)
	unknown := unresolvedValues(in.Consumers)
	for _, r := range All() {
		for _, f := range r.Check(in) {
			if unknown.holds(f) {
				continue
			}
			if f.Code == "" {
				f.Code = r.Code
			}
			if f.Severity == 0 {
				f.Severity = r.Severity
			}
			// Rules quote values through quote(), which masks credentials
			// and cuts long values; this is the safety net for any text
			// that did not, and for errors that quote pieces of a credential.
			f.Message = clip.Message(redact.RedactKnown(f.Message, secrets))
			for i := range f.Related {
				f.Related[i].Message = clip.Message(redact.RedactKnown(f.Related[i].Message, secrets))
			}
			if in.NoFixes {
				f.Fixes = nil // a rule that builds fixes without a fixer
			}
			for i := range f.Fixes {
				f.Fixes[i].Title = clip.Message(f.Fixes[i].Title)
			}
			f.Fixes = fixplan.WithoutCredentials(f.Fixes, secrets)
			key := f.Key()
			if i, ok := seen[key]; ok {
				out[i].Consumers = union(out[i].Consumers, f.Consumers)
				continue
			}
			seen[key] = len(out)
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Code < b.Code
	})
	if !in.replaying && !in.NoFixes {
		for i := range out {
			in.plan().Rank(&out[i])
		}
	}
	return out
}

// unresolved are the values of build files the model cannot know — a
// secret, ${{ vars.X }}, $(cmd), ${localEnv:X} — by file, sorted by start
// and without repeats: what the build makes of the text is not the text,
// so no rule judges it.
type unresolved map[string][]sources.Span

func unresolvedValues(cs []*resolve.Consumer) unresolved {
	sets := map[string]map[sources.Span]bool{}
	add := func(file string, sp sources.Span) {
		if sets[file] == nil {
			sets[file] = map[sources.Span]bool{}
		}
		sets[file][sp] = true
	}
	for _, c := range cs {
		if c.Origin == nil {
			continue
		}
		for _, s := range c.Env {
			if s.Uncertain && s.Value != "" && s.Prov.File != "" {
				add(s.Prov.File, s.Prov.ValueSpan)
			}
		}
		// Values from the build's go env -w file are in Vars only.
		for _, v := range c.Vars {
			if v.Uncertain && v.Value != "" && v.Prov.File != "" {
				add(v.Prov.File, v.Prov.ValueSpan)
			}
		}
	}
	out := unresolved{}
	for file, set := range sets {
		spans := make([]sources.Span, 0, len(set))
		for sp := range set {
			spans = append(spans, sp)
		}
		sort.Slice(spans, func(i, j int) bool {
			return spans[i].Start < spans[j].Start || spans[i].Start == spans[j].Start && spans[i].End > spans[j].End
		})
		out[file] = spans
	}
	return out
}

// holds reports whether a finding sits inside such a value. Values do not
// overlap, so the one that starts last at or before the finding decides.
func (u unresolved) holds(f findings.Finding) bool {
	spans := u[f.File]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].Start > f.Span.Start })
	for j := i - 1; j >= 0 && j >= i-2; j-- {
		if spans[j].Start <= f.Span.Start && f.Span.End <= spans[j].End {
			return true
		}
	}
	return false
}

func union(a, b []string) []string {
	for _, s := range b {
		found := false
		for _, t := range a {
			found = found || s == t
		}
		if !found {
			a = append(a, s)
		}
	}
	return a
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
