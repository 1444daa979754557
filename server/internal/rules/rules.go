// Package rules holds the diagnostic rules: pure functions from a resolved
// snapshot to findings. One file per rule, registered by its stable code
// (SPEC §6); nothing here does I/O or knows about LSP.
package rules

import (
	"sort"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Severity uses LSP's numbering.
type Severity int

// Severities.
const (
	Error       Severity = 1
	Warning     Severity = 2
	Information Severity = 3
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "information"
}

// Related points at the other side of a divergence or a contributing value.
type Related struct {
	File    string
	Span    sources.Span
	Message string
}

// Edit replaces Span of File with NewText. With Create, File does not exist
// yet: the fix creates it with NewText as its content (Span is empty).
type Edit struct {
	File    string
	Span    sources.Span
	NewText string
	Create  bool
}

// Fix is a set of edits that resolves a finding. Fixes are checked against
// the engine when they are made; Preferred marks the one obvious fix that
// "fix all" applies.
type Fix struct {
	Title     string
	Edits     []Edit
	Preferred bool
}

// Finding is one diagnostic. File and Span locate it; File is "" for a
// finding about the process environment, which has no file.
type Finding struct {
	Code      string
	Severity  Severity
	Message   string
	File      string
	Span      sources.Span
	Consumers []string
	Related   []Related
	Fixes     []Fix
}

// Input is what every rule sees.
type Input struct {
	Snap      *sources.Snapshot
	Consumers []*resolve.Consumer

	fixes     fixCache // what building fixes reuses across findings
	verbatims map[verbatimKey]byte
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
	Severity Severity // the usual severity; a rule may raise or lower it per finding
	Check    func(*Input) []Finding
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
func Run(in *Input) []Finding {
	var out []Finding
	seen := map[string]int{}
	for _, r := range All() {
		for _, f := range r.Check(in) {
			if f.Code == "" {
				f.Code = r.Code
			}
			if f.Severity == 0 {
				f.Severity = r.Severity
			}
			// Rules quote values through quote(), which masks credentials
			// and cuts long values; this is the safety net for any text
			// that did not.
			f.Message = clip.Message(redact.RedactText(f.Message))
			for i := range f.Related {
				f.Related[i].Message = clip.Message(redact.RedactText(f.Related[i].Message))
			}
			for i := range f.Fixes {
				f.Fixes[i].Title = clip.Message(f.Fixes[i].Title)
			}
			key := f.Code + "\x00" + f.File + "\x00" + f.Message + "\x00" + itoa(f.Span.Start) + "\x00" + itoa(f.Span.End)
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
	return out
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
