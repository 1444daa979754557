package findings

import (
	"fmt"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func span(a, b int) sources.Span { return sources.Span{Start: a, End: b} }

// A finding's key is its code, file, range and message: consumers,
// severity, related locations and fixes do not make two findings
// different (the same finding for two consumers is one).
func TestFindingKey(t *testing.T) {
	base := Finding{Code: "goproxy-empty", Severity: Warning, Message: "GOPROXY is empty.", File: "/w/.vscode/settings.json", Span: span(10, 20), Consumers: []string{"gopls"}}
	same := base
	same.Consumers = []string{"terminal", "tools"}
	same.Severity = Error
	same.Related = []Related{{File: "/w/x", Message: "there"}}
	same.Fixes = []Fix{{Title: "Remove it"}}
	if base.Key() != same.Key() {
		t.Errorf("equal findings have different keys:\n%q\n%q", base.Key(), same.Key())
	}
	for name, change := range map[string]func(*Finding){
		"code":          func(f *Finding) { f.Code = "goproxy-no-fallback" },
		"file":          func(f *Finding) { f.File = "/w/.vscode/launch.json" },
		"file to none":  func(f *Finding) { f.File = "" },
		"range start":   func(f *Finding) { f.Span = span(11, 20) },
		"range end":     func(f *Finding) { f.Span = span(10, 21) },
		"message":       func(f *Finding) { f.Message = "GOPROXY is empty for gopls." },
		"range swapped": func(f *Finding) { f.Span = span(20, 10) },
	} {
		other := base
		change(&other)
		if other.Key() == base.Key() {
			t.Errorf("%s differs but the key is the same: %q", name, base.Key())
		}
	}
	// The parts do not run into each other.
	a := Finding{Code: "a", File: "b", Message: "1", Span: span(2, 3)}
	b := Finding{Code: "a", File: "b\x001", Message: "", Span: span(2, 3)}
	if a.Key() == b.Key() {
		t.Errorf("%+v and %+v share the key %q", a, b, a.Key())
	}
}

// A fix's key is its edits, in order: the title, preference and scope do
// not count (two findings offering the same edits offer one fix).
func TestFixKey(t *testing.T) {
	e1 := Edit{File: "/w/s.json", Span: span(3, 9), NewText: `"direct"`}
	e2 := Edit{File: "/home/u/goenv", NewText: "GOPROXY=direct\n", Create: true}
	base := Fix{Title: "Set GOPROXY", Edits: []Edit{e1, e2}, Preferred: true, Scope: Workspace}
	same := Fix{Title: "Another title", Edits: []Edit{e1, e2}, Scope: User, PreferredWider: true}
	if base.Key() != same.Key() {
		t.Errorf("fixes with the same edits have different keys")
	}
	for name, other := range map[string]Fix{
		"order":     {Edits: []Edit{e2, e1}},
		"one edit":  {Edits: []Edit{e1}},
		"no edits":  {},
		"text":      {Edits: []Edit{{File: e1.File, Span: e1.Span, NewText: `"off"`}, e2}},
		"range":     {Edits: []Edit{{File: e1.File, Span: span(3, 10), NewText: e1.NewText}, e2}},
		"file":      {Edits: []Edit{{File: "/w/t.json", Span: e1.Span, NewText: e1.NewText}, e2}},
		"no create": {Edits: []Edit{e1, {File: e2.File, NewText: e2.NewText}}},
	} {
		if other.Key() == base.Key() {
			t.Errorf("%s differs but the fix key is the same", name)
		}
	}
}

func TestEditRelatedPlaceKeys(t *testing.T) {
	e := Edit{File: "/w/s.json", Span: span(3, 9), NewText: "x"}
	if e.Key() != (Edit{File: "/w/s.json", Span: span(3, 9), NewText: "x"}).Key() {
		t.Error("equal edits have different keys")
	}
	for _, other := range []Edit{
		{File: "/w/s.json", Span: span(3, 9), NewText: "y"},
		{File: "/w/s.json", Span: span(3, 8), NewText: "x"},
		{File: "/w/s.json", Span: span(3, 9), NewText: "x", Create: true},
	} {
		if other.Key() == e.Key() {
			t.Errorf("%+v and %+v share a key", other, e)
		}
	}
	r := Related{File: "/w/a", Span: span(1, 2), Message: "set here"}
	if r.Key() != (Related{File: "/w/a", Span: span(1, 2), Message: "set here"}).Key() {
		t.Error("equal related locations have different keys")
	}
	if r.Key() == (Related{File: "/w/a", Span: span(1, 2), Message: "and here"}).Key() || r.Key() == (Related{File: "/w/a", Span: span(1, 3), Message: "set here"}).Key() {
		t.Error("differing related locations share a key")
	}
	pl := Place{File: "/w/a", Span: span(1, 2)}
	if pl.Key() != (Place{File: "/w/a", Span: span(1, 2)}).Key() || pl.Key() == (Place{File: "/w/a", Span: span(1, 3)}).Key() || pl.Key() == (Place{}).Key() {
		t.Error("place keys do not follow the places")
	}
}

// Groups keep first-seen order, one value per key, each consumer once,
// and stop at MaxEntryPlaces places per value.
func TestGroups(t *testing.T) {
	var g Groups[int]
	g.Add("b", 1, "gopls")
	g.Add("a", 2, "tools")
	g.Add("b", 3, "terminal")
	g.Add("b", 4, "gopls")
	var got []string
	g.Each(func(v int, consumers []string) { got = append(got, fmt.Sprint(v, consumers)) })
	if want := "[1 [gopls terminal] 2 [tools]]"; fmt.Sprint(got) != want {
		t.Errorf("groups: %v, want %v", got, want)
	}
	var e Groups[int]
	for i := range MaxEntryPlaces + 5 {
		e.AddEntry("v", fmt.Sprint(i), i, "gopls")
	}
	e.AddEntry("w", "other value", -1, "gopls")
	n := 0
	e.Each(func(int, []string) { n++ })
	if n != MaxEntryPlaces+1 || !e.Accepts("v", "0") || e.Accepts("v", "new") {
		t.Errorf("%d places kept, want %d for the value plus one for the other", n, MaxEntryPlaces+1)
	}
}

// Sub places a part of a value inside the file when the file holds the
// value verbatim, raw (a GOENV line) or as a JSON string, else on the
// whole value.
func TestPlacerSub(t *testing.T) {
	content := []byte(`{"go.toolsEnvVars": {"GOPROXY": "https://a.example,direct"}}`)
	s := sources.NewSnapshot("/w", nil)
	s.User = sources.ParseSettings("/u/settings.json", sources.VSCodeUser, content, false)
	vs := span(32, 58) // the quoted value
	if got := string(content[vs.Start:vs.End]); got != `"https://a.example,direct"` {
		t.Fatalf("fixture: value span holds %s", got)
	}
	p := sources.Provenance{Source: sources.VSCodeUser, File: "/u/settings.json", KeySpan: span(21, 30), ValueSpan: vs}
	pr := &Placer{Snap: s}
	got := pr.Sub(p, "https://a.example,direct", 18, 24)
	if string(content[got.Span.Start:got.Span.End]) != "direct" {
		t.Errorf("Sub = %+v (%q), want the entry direct", got, content[got.Span.Start:got.Span.End])
	}
	if got := pr.Sub(p, "https://b.example,direct", 18, 24); got != (Place{File: p.File, Span: vs}) {
		t.Errorf("Sub of a value the file does not hold verbatim = %+v, want the whole value", got)
	}
}

func TestAndList(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"terminal"}, "terminal"},
		{[]string{"gopls", "tools"}, "gopls and tools"},
		{[]string{"gopls", "tools", "install"}, "gopls, tools and install"},
	} {
		if got := AndList(tc.in); got != tc.want {
			t.Errorf("AndList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := ForConsumers([]string{"gopls", "tools"}); got != " for gopls and tools" {
		t.Errorf("ForConsumers = %q", got)
	}
	if got := ForConsumers(nil); got != "" {
		t.Errorf("ForConsumers(nil) = %q, want nothing", got)
	}
}

// Findings about the process environment are shown on the module
// directive of the folder's go.mod, when it has one.
func TestModuleLine(t *testing.T) {
	s := sources.NewSnapshot("/w", nil)
	if _, ok := ModuleLine(s); ok {
		t.Error("a folder without go.mod has a module line")
	}
	content := []byte("// the service\nmodule example.com/svc\n\ngo 1.22\n")
	s.GoMod = sources.ParseGoMod("/w/go.mod", content)
	pl, ok := ModuleLine(s)
	if !ok || pl.File != "/w/go.mod" || string(content[pl.Span.Start:pl.Span.End]) != "module example.com/svc" {
		t.Errorf("ModuleLine = %+v, %v; want the module directive of /w/go.mod", pl, ok)
	}
	s.GoMod = sources.ParseGoMod("/w/go.mod", []byte("go 1.22\n"))
	if _, ok := ModuleLine(s); ok {
		t.Error("a go.mod without a module directive has a module line")
	}
}
