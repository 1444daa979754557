package complete

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// at splits a text marked with "§" into the text and the cursor's offset.
func at(t *testing.T, marked string) ([]byte, int) {
	t.Helper()
	i := strings.Index(marked, "§")
	if i < 0 {
		t.Fatalf("no cursor in %q", marked)
	}
	return []byte(marked[:i] + marked[i+len("§"):]), i
}

// apply applies an item's edits.
func apply(content []byte, it Item) string {
	edits := append([]Edit{it.Edit}, it.Extra...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Start > edits[j].Start })
	s := string(content)
	for _, e := range edits {
		s = s[:e.Start] + e.Text + s[e.End:]
	}
	return s
}

func find(items []Item, label string) (Item, bool) {
	for _, it := range items {
		if it.Label == label {
			return it, true
		}
	}
	return Item{}, false
}

func TestCompleteNamesInEnvObjects(t *testing.T) {
	for _, tc := range []struct {
		kind         Kind
		marked, want string
	}{
		{Settings, `{"go.toolsEnvVars": {"GOP§"}}`, `{"go.toolsEnvVars": {"GOPROXY": ""}}`},
		{Settings, `{"go.toolsEnvVars": {"GOP§": "x"}}`, `{"go.toolsEnvVars": {"GOPROXY": "x"}}`},
		{Settings, `{"go.toolsEnvVars": {GOP§}}`, `{"go.toolsEnvVars": {"GOPROXY": ""}}`},
		{Settings, `{"go.toolsEnvVars": {§}}`, `{"go.toolsEnvVars": {"GOPROXY": ""}}`},
		{Settings, "{\"go.toolsEnvVars\": {\"A\": \"b\"\n  GOP§\n}}", "{\"go.toolsEnvVars\": {\"A\": \"b\",\n  \"GOPROXY\": \"\"\n}}"},
		{Settings, "{\"go.toolsEnvVars\": {\"A\": \"b\"\n  \"GOP§\"\n}}", "{\"go.toolsEnvVars\": {\"A\": \"b\",\n  \"GOPROXY\": \"\"\n}}"},
		{Settings, `{"go.toolsEnvVars": {"A": "b"§}}`, `{"go.toolsEnvVars": {"A": "b","GOPROXY": ""}}`},
		{Settings, "{\"go.toolsEnvVars\": {§\n \"A\": \"b\"}}", "{\"go.toolsEnvVars\": {\"GOPROXY\": \"\",\n \"A\": \"b\"}}"},
		{Settings, "{\"go.toolsEnvVars\": {\"GOP§\n \"A\": \"b\"}}", "{\"go.toolsEnvVars\": {\"GOPROXY\": \"\",\n \"A\": \"b\"}}"},
		{Settings, `{"gopls": {"build.env": {"§"}}}`, `{"gopls": {"build.env": {"GOPROXY": ""}}}`},
		{Settings, `{"gopls": {"env": {"§"}}}`, `{"gopls": {"env": {"GOPROXY": ""}}}`},
		{Settings, "// c\n{\"terminal.integrated.env.linux\": {/* x */ \"§\"}}", "// c\n{\"terminal.integrated.env.linux\": {/* x */ \"GOPROXY\": \"\"}}"},
		{Settings, "\ufeff{\r\n  \"go.toolsEnvVars\": {\r\n    \"GOP§\"\r\n  }\r\n}", "\ufeff{\r\n  \"go.toolsEnvVars\": {\r\n    \"GOPROXY\": \"\"\r\n  }\r\n}"},
		{Workspace, `{"settings": {"go.toolsEnvVars": {"§"}}}`, `{"settings": {"go.toolsEnvVars": {"GOPROXY": ""}}}`},
		{Workspace, `{"launch": {"configurations": [{"env": {"§"}}]}}`, `{"launch": {"configurations": [{"env": {"GOPROXY": ""}}]}}`},
		{Launch, `{"configurations": [{"name": "x"}, {"type": "go", "env": {"§"}}]}`, `{"configurations": [{"name": "x"}, {"type": "go", "env": {"GOPROXY": ""}}]}`},
		{Tasks, `{"tasks": [{"options": {"env": {"§"}}}]}`, `{"tasks": [{"options": {"env": {"GOPROXY": ""}}}]}`},
		{Tasks, `{"options": {"env": {"§"}}}`, `{"options": {"env": {"GOPROXY": ""}}}`},
	} {
		content, off := at(t, tc.marked)
		items := Complete(Doc{Kind: tc.kind, Content: content}, off, nil)
		it, ok := find(items, "GOPROXY")
		if !ok {
			t.Errorf("%q: no GOPROXY among %d items", tc.marked, len(items))
			continue
		}
		if it.Kind != VariableItem || it.Doc == "" {
			t.Errorf("%q: item %+v: want a documented variable", tc.marked, it)
		}
		got := apply(content, it)
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.marked, got, tc.want)
		}
		if _, err := sources.ParseJSONC([]byte(got)); err != nil {
			t.Errorf("%q: the result %q is not JSON: %v", tc.marked, got, err)
		}
		if it.Edit.Start > off || it.Edit.End < off {
			t.Errorf("%q: the edit [%d,%d) does not hold the cursor %d", tc.marked, it.Edit.Start, it.Edit.End, off)
		}
	}
}

func TestCompleteNothingOutsideEnvObjects(t *testing.T) {
	for _, tc := range []struct {
		kind   Kind
		marked string
	}{
		{Settings, `{"go.toolsEnvVarsX": {"§"}}`},
		{Settings, `{"§"}`},
		{Settings, `{"editor.fontSize": §}`},
		{Settings, `{"go.toolsEnvVars": {"A": "§"}}`},
		{Settings, `{"go.toolsEnvVars": {"GOFLAGS": "-mod=§"}}`},
		{Settings, `{"go.toolsEnvVars": {// GOP§
		}}`},
		{Launch, `{"configurations": [{"env2": {"§"}}]}`},
		{Settings, `{"go.toolsEnvVars": ["§"]}`},
		{Workspace, `{"go.toolsEnvVars": {"§"}}`},
		{Other, `{"go.toolsEnvVars": {"§"}}`},
		{GoEnv, "# GOP§"},
	} {
		content, off := at(t, tc.marked)
		if items := Complete(Doc{Kind: tc.kind, Content: content}, off, nil); len(items) != 0 {
			t.Errorf("%q: %d items, want none (first %q)", tc.marked, len(items), items[0].Label)
		}
	}
}

func TestCompleteGoEnvFile(t *testing.T) {
	for _, tc := range []struct{ marked, label, want string }{
		{"GOP§", "GOPROXY", "GOPROXY="},
		{"GOFLAGS=-x\r\nGOS§\r\n", "GOSUMDB", "GOFLAGS=-x\r\nGOSUMDB=\r\n"},
		{"GOPR§=https://a.example.com\n", "GOPROXY", "GOPROXY=https://a.example.com\n"},
		{"GOPROXY=https://a.example.com,d§\r\n", "direct", "GOPROXY=https://a.example.com,direct\r\n"},
		{"GOPROXY=§", "off", "GOPROXY=off"},
		{"GOPROXY=https://a.example.com§ ,direct", "https://b.example.com/m", "GOPROXY=https://b.example.com/m ,direct"},
	} {
		content, off := at(t, tc.marked)
		facts := &Facts{ProxyURLs: []ProxyURL{{URL: "https://b.example.com/m", Where: []string{"the process environment"}}}}
		items := Complete(Doc{Kind: GoEnv, Content: content}, off, facts)
		it, ok := find(items, tc.label)
		if !ok {
			t.Errorf("%q: no %s", tc.marked, tc.label)
			continue
		}
		if got := apply(content, it); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.marked, got, tc.want)
		}
	}
	content, off := at(t, "GOE§")
	if _, ok := find(Complete(Doc{Kind: GoEnv, Content: content}, off, nil), "GOENV"); ok {
		t.Error("GOENV offered in the GOENV file, which the go command ignores there")
	}
	content, off = at(t, "GOPROXY=off\nGOP§\nGOFLAGS=-x\n")
	items := Complete(Doc{Kind: GoEnv, Content: content}, off, nil)
	if _, ok := find(items, "GOPROXY"); ok {
		t.Error("GOPROXY offered, but another line sets it")
	}
	if _, ok := find(items, "GOPRIVATE"); !ok {
		t.Error("no GOPRIVATE")
	}
	content, off = at(t, "GOPROXY§=off\n")
	if _, ok := find(Complete(Doc{Kind: GoEnv, Content: content}, off, nil), "GOPROXY"); !ok {
		t.Error("the line's own key is not offered")
	}
}

func TestCompleteGOPROXYValues(t *testing.T) {
	facts := &Facts{ProxyURLs: []ProxyURL{
		{URL: "https://proxy.corp.example.com", Where: []string{"go.toolsEnvVars.GOPROXY in user settings"}},
		{URL: "https://mirror.example.org/go", Where: []string{"your go env -w file"}},
	}}
	content, off := at(t, `{"go.toolsEnvVars": {"GOPROXY": "https://proxy.corp.example.com§|d|off"}}`)
	// The cursor is in the first entry.
	items := Complete(Doc{Kind: Settings, Content: content}, off, facts)
	var labels []string
	for _, it := range items {
		labels = append(labels, it.Label)
	}
	// The entry under the cursor is the first; "off" is already in the list.
	if want := []string{"direct", "https://proxy.corp.example.com", "https://mirror.example.org/go"}; !slices.Equal(labels, want) {
		t.Fatalf("labels %q, want %q", labels, want)
	}
	it, _ := find(items, "https://mirror.example.org/go")
	if got, want := apply(content, it), `{"go.toolsEnvVars": {"GOPROXY": "https://mirror.example.org/go|d|off"}}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}

	content, off = at(t, `{"go.toolsEnvVars": {"GOPROXY": §}}`)
	it, ok := find(Complete(Doc{Kind: Settings, Content: content}, off, facts), "direct")
	if !ok {
		t.Fatal("no direct for a new value")
	}
	if got, want := apply(content, it), `{"go.toolsEnvVars": {"GOPROXY": "direct"}}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	content, off = at(t, "{\"go.toolsEnvVars\": {\"GOPROXY\": di§\n\"GOFLAGS\": \"\"}}")
	it, _ = find(Complete(Doc{Kind: Settings, Content: content}, off, facts), "direct")
	if got, want := apply(content, it), "{\"go.toolsEnvVars\": {\"GOPROXY\": \"direct\",\n\"GOFLAGS\": \"\"}}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFactsDropCredentials(t *testing.T) {
	st := sources.ParseSettings("/w/.vscode/settings.json", sources.VSCodeWorkspace,
		[]byte(`{"go.toolsEnvVars": {"GOPROXY": "https://alice:s3cret-token@proxy.corp.example.com/go,direct", "HTTPS_PROXY": "http://bob:pw@127.0.0.1:3128"}}`), false)
	snap := sources.NewSnapshot("/w", func(string) ([]byte, error) { return nil, nil })
	snap.Workspace = st
	snap.User = sources.ParseSettings("/h/settings.json", sources.VSCodeUser,
		[]byte(`{"terminal.integrated.env.osx": {"GOPROXY": "https://proxy.corp.example.com/go"}}`), false)
	f := FactsOf(snap, nil)
	want := []string{"terminal.integrated.env.osx.GOPROXY in user settings", "go.toolsEnvVars.GOPROXY in workspace settings"}
	if len(f.ProxyURLs) != 1 || f.ProxyURLs[0].URL != "https://proxy.corp.example.com/go" || !slices.Equal(f.ProxyURLs[0].Where, want) {
		t.Fatalf("proxy URLs %+v, want the URL without its userinfo, set in %q", f.ProxyURLs, want)
	}
	content, off := at(t, `{"go.toolsEnvVars": {"GOPROXY": "§"}}`)
	for _, it := range Complete(Doc{Kind: Settings, Content: content}, off, f) {
		if strings.Contains(it.Edit.Text+it.Label+it.Doc, "s3cret") || strings.Contains(it.Edit.Text, "alice") {
			t.Errorf("item %+v carries the credential", it)
		}
	}
}

func TestPrivateCandidates(t *testing.T) {
	pats := func(v, list, where string) []SetPattern {
		var out []SetPattern
		for _, p := range goenv.SplitPatterns(list) {
			out = append(out, SetPattern{Pattern: p, Var: v, Where: where})
		}
		return out
	}
	f := &Facts{
		Modules: []Module{
			{Path: "git.corp.example.com/team/a"}, {Path: "git.corp.example.com/team/b"},
			{Path: "github.com/acme/private-x"}, {Path: "github.com/acme/other"},
			{Path: "github.com/public/lib"}, {Path: "golang.org/x/text"},
			{Path: "vcs.internal.example.net/one/lib"},
		},
		// "*" and all of github.com say nothing about which modules are the user's.
		Patterns: append(append(pats("GOPRIVATE", "github.com/acme/private-x", "go.toolsEnvVars.GOPRIVATE in user settings"),
			pats("GONOPROXY", "*", "the process environment")...), pats("GONOSUMDB", "github.com", "your go env -w file")...),
	}
	got := map[string]PrivateCandidate{}
	var order []string
	for _, c := range f.PrivateCandidates() {
		got[c.Pattern] = c
		order = append(order, c.Pattern)
	}
	want := []string{
		"git.corp.example.com/team", "git.corp.example.com", // narrowest first, then the host
		"github.com/acme", // shares its owner with a covered module
		"vcs.internal.example.net/one/lib", "vcs.internal.example.net",
		"git.corp.example.com/team,github.com/acme,vcs.internal.example.net/one/lib",
		"github.com/acme/private-x", // the existing pattern
	}
	if !slices.Equal(order, want) {
		t.Fatalf("patterns\n %q\nwant\n %q", order, want)
	}
	if c := got["github.com/acme"]; !slices.Equal(c.Covers, []string{"github.com/acme/private-x", "github.com/acme/other"}) {
		t.Errorf("github.com/acme covers %q", c.Covers)
	}
	for _, c := range f.PrivateCandidates() {
		for _, m := range c.Covers {
			if m == "github.com/public/lib" || m == "golang.org/x/text" {
				t.Errorf("%s counted as private by %q", m, c.Pattern)
			}
		}
		for _, p := range goenv.SplitPatterns(c.Pattern) {
			if p.Matches("github.com/public/lib") || p.Matches("golang.org/x/text") {
				t.Errorf("pattern %q covers a public module", c.Pattern)
			}
		}
	}

	content, off := at(t, `{"go.toolsEnvVars": {"GONOSUMDB": "git.corp.example.com/team,§"}}`)
	items := Complete(Doc{Kind: Settings, Content: content}, off, f)
	if _, ok := find(items, "git.corp.example.com/team"); ok {
		t.Error("a pattern already in the list is offered again")
	}
	it, ok := find(items, "github.com/acme")
	if !ok {
		t.Fatal("no github.com/acme")
	}
	if got, want := apply(content, it), `{"go.toolsEnvVars": {"GONOSUMDB": "git.corp.example.com/team,github.com/acme"}}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.Contains(it.Doc, "github.com/acme/other") {
		t.Errorf("doc %q does not say what it covers", it.Doc)
	}
}

func TestSettableVarsAreDocumented(t *testing.T) {
	vars := goenv.SettableVars()
	for _, v := range vars {
		if goenv.Doc(v) == "" {
			t.Errorf("%s has no doc", v)
		}
	}
	for _, v := range []string{"GOVERSION", "GOMOD", "GOEXE", "GOTELEMETRY"} {
		if slices.Contains(vars, v) {
			t.Errorf("%s is offered but nobody sets it", v)
		}
	}
	if vars[0] != "GOPROXY" {
		t.Errorf("first %s, want the download variables first", vars[0])
	}
}

// A variable the object already sets is not offered again; the key being
// edited, keys in comments and keys of nested objects do not count.
func TestCompleteSkipsSetNames(t *testing.T) {
	for _, tc := range []struct {
		marked        string
		offered, gone []string
	}{
		{`{"go.toolsEnvVars": {"GOPROXY": "x", "GO§", /* "GOFLAGS": */ "GOSUMDB": "y"}}`, []string{"GOFLAGS", "GOPRIVATE"}, []string{"GOPROXY", "GOSUMDB"}},
		{`{"go.toolsEnvVars": {"GOPROXY§": "x"}}`, []string{"GOPROXY"}, nil},
		{"{\"go.toolsEnvVars\": {\"X\": {\"GOFLAGS\": 1}, \"GONOSUMDB\": [\"GOAUTH\"],\n §\n}}", []string{"GOFLAGS", "GOAUTH"}, []string{"GONOSUMDB"}},
	} {
		content, off := at(t, tc.marked)
		items := Complete(Doc{Kind: Settings, Content: content}, off, nil)
		for _, n := range tc.offered {
			if _, ok := find(items, n); !ok {
				t.Errorf("%q: %s not offered", tc.marked, n)
			}
		}
		for _, n := range tc.gone {
			if _, ok := find(items, n); ok {
				t.Errorf("%q: %s offered, but the object sets it", tc.marked, n)
			}
		}
	}
}

// After a comma between members nothing comes up (Enter must insert a
// newline); after a GOPROXY separator or a GOENV file's "=", entries do.
func TestCompleteTriggered(t *testing.T) {
	for _, tc := range []struct {
		kind    Kind
		marked  string
		trigger string
		want    string // a label, or "" for none
	}{
		{Settings, `{"go.toolsEnvVars": {"GOFLAGS": "",§}}`, ",", ""},
		{Settings, `{"go.toolsEnvVars": {"GOFLAGS": "",§}}`, "", "GOPROXY"},
		{Settings, `{"go.toolsEnvVars": {"GOFLAGS": "", "§"}}`, `"`, "GOPROXY"},
		{Settings, `{"go.toolsEnvVars": {"GOPROXY": "https://a.example.com,§"}}`, ",", "direct"},
		{Settings, `{"go.toolsEnvVars": {"GOPROXY": "https://a.example.com|§"}}`, "|", "off"},
		{GoEnv, "GOPROXY=§", "=", "direct"},
		{GoEnv, "GOFLAGS=§", "=", ""},
	} {
		content, off := at(t, tc.marked)
		items, _ := CompleteTriggered(Doc{Kind: tc.kind, Content: content}, off, nil, tc.trigger)
		if tc.want == "" {
			if len(items) > 0 {
				t.Errorf("%q after %q: %d items, want none", tc.marked, tc.trigger, len(items))
			}
			continue
		}
		if _, ok := find(items, tc.want); !ok {
			t.Errorf("%q after %q: no %s", tc.marked, tc.trigger, tc.want)
		}
	}
}

// The items are narrowed to what was typed; the list says it is
// incomplete then, so that the client asks again.
func TestCompleteTriggeredNarrows(t *testing.T) {
	content, off := at(t, `{"go.toolsEnvVars": {"gpx§"}}`)
	items, incomplete := CompleteTriggered(Doc{Kind: Settings, Content: content}, off, nil, "")
	if _, ok := find(items, "GOPROXY"); !ok || !incomplete {
		t.Errorf("typed gpx: GOPROXY kept %v, incomplete %v", ok, incomplete)
	}
	if _, ok := find(items, "GOFLAGS"); ok {
		t.Error("typed gpx: GOFLAGS kept")
	}
	content, off = at(t, `{"go.toolsEnvVars": {"§"}}`)
	items, incomplete = CompleteTriggered(Doc{Kind: Settings, Content: content}, off, nil, `"`)
	if len(items) != len(settable) || incomplete {
		t.Errorf("nothing typed: %d items of %d, incomplete %v", len(items), len(settable), incomplete)
	}
	content, off = at(t, `{"go.toolsEnvVars": {"GOPROXY": "https://a.example.com,DIR§"}}`)
	items, _ = CompleteTriggered(Doc{Kind: Settings, Content: content}, off, nil, "")
	if len(items) != 1 || items[0].Label != "direct" {
		t.Errorf("typed DIR in GOPROXY: %+v", items)
	}
}
