// Package rules holds the diagnostic rules: pure functions from a resolved
// snapshot to findings. One file per rule, registered by its stable code
// (SPEC §6); nothing here does I/O or knows about LSP.
package rules

import (
	"slices"
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
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
// "fix all" applies (at most one per finding).
type Fix struct {
	Title     string
	Edits     []Edit
	Preferred bool
	// Scope is how far the fix's widest edit reaches: the workspace, or a
	// user-level file (VS Code user settings, the GOENV file).
	Scope writepolicy.Scope
	// PreferredWider marks the fix the rule prefers but that carries a
	// workspace value into a user-level file: the editor offers it as not
	// preferred, and check --fix applies it only with --fix-scope user or all.
	PreferredWider bool

	where   string   // the widest file, in the user's words
	carries bool     // writes a value a workspace layer set
	raises  Severity // the most severe finding the fix would raise (0: none)
	// targets are what the operations may edit in each JSONC file that
	// exists, for the tests' minimality check (fix.CheckWithin).
	targets map[string][]fix.Target
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
	// NoFixes asks for the findings alone: no fix is built, replayed or
	// ranked. The findings are those of a full run without their Fixes;
	// building fixes is most of a run's cost, and a diagnosis that is only
	// published (the language server on a keystroke) does not need them.
	NoFixes bool

	fixes     fixCache // what building fixes reuses across findings
	replaying bool     // a fix is being checked: findings only, no fixes
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
	secrets := in.secrets()
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
			f.Fixes = withoutCredentials(f.Fixes, secrets)
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
	if !in.replaying && !in.NoFixes {
		for i := range out {
			in.rank(&out[i])
		}
	}
	return out
}

// withoutCredentials drops every fix that would write URL userinfo into a
// file (SPEC §5a: a credential never moves into any file, not even one that
// holds it already — the edit would also show it to the client), and masks
// credentials in the titles of the others. It is the one guard for every
// rule's fixes.
func withoutCredentials(fixes []Fix, secrets []string) []Fix {
	var out []Fix
	for _, fx := range fixes {
		safe := true
		for _, e := range fx.Edits {
			inText := func(secret string) bool { return strings.Contains(e.NewText, secret) }
			safe = safe && !redact.HasCredential(e.NewText) && !slices.ContainsFunc(secrets, inText)
		}
		if safe {
			fx.Title = redact.RedactKnown(fx.Title, secrets)
			out = append(out, fx)
		}
	}
	return out
}

// secrets are the credentials in the consumers' modelled variables (the
// values rules quote and parse), which Run masks wherever a message quotes a
// piece of one.
func (in *Input) secrets() []string {
	var values []string
	for _, c := range in.Consumers {
		for _, v := range c.Vars {
			values = append(values, v.Value)
		}
	}
	return redact.Secrets(values...)
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
