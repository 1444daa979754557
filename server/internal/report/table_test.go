package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func TestFit(t *testing.T) {
	for _, c := range []struct {
		v    string
		w    int
		p, s int    // common prefix and suffix with the row's other values
		want string // "": the difference cannot fit
	}{
		{"short", 10, 0, 0, "short"},
		// The difference at the end: the start is cut.
		{"https://proxy.example.com,direct", 12, 26, 0, "….com,direct"},
		// The difference in the middle: the whole prefix when it fits, else
		// ellipses on both sides.
		{"https://aaaa.example.com/some/long/path/v1", 22, 8, 22, "https://aaaa.example.…"},
		{"https://aaaa.example.com/some/long/path/v1", 10, 8, 30, "…//aaaa.e…"},
		// The difference at the start: its end is cut.
		{"zzzz.example.com,direct", 10, 0, 19, "zzzz.exam…"},
		// Nothing differs (all values equal): cut at the end as clip does.
		{"https://proxy.example.com", 10, 25, 0, "https://p…"},
		// The difference alone is wider than w.
		{"https://abcdefghijklmnop.example.com", 10, 8, 12, ""},
		{"https://proxy.example.com,direct", 5, 26, 0, ""},
	} {
		got, ok := fit([]rune(c.v), c.w, c.p, c.s)
		if c.want == "" {
			if ok {
				t.Errorf("fit(%q, %d, %d, %d) = %q; its difference is wider than %d", c.v, c.w, c.p, c.s, got, c.w)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("fit(%q, %d, %d, %d) = %q, %v; want %q", c.v, c.w, c.p, c.s, got, ok, c.want)
		}
		if utf8.RuneCountInString(got) > c.w {
			t.Errorf("fit(%q, %d) = %q: %d characters", c.v, c.w, got, utf8.RuneCountInString(got))
		}
		if mid := c.v[c.p : len(c.v)-c.s]; !strings.Contains(got, mid) {
			t.Errorf("fit(%q, %d, %d, %d) = %q lost the difference %q", c.v, c.w, c.p, c.s, got, mid)
		}
	}
}

func TestCommon(t *testing.T) {
	row := []cell{{text: []rune("https://a.example.com,direct")}, {unset: true}, {text: []rune("https://bb.example.com,direct")}}
	if p, s := common(row); p != 8 || s != 19 {
		t.Errorf("common = %d, %d; want 8, 19", p, s)
	}
	// A suffix never overlaps the prefix of the shortest value.
	if p, s := common([]cell{{text: []rune("ab")}, {text: []rune("abab")}}); p != 2 || s != 0 {
		t.Errorf("common(ab, abab) = %d, %d; want 2, 0", p, s)
	}
}

// testEnv is a folder whose consumers differ in the middle of a long GOPROXY
// and (install only) in GOFLAGS.
func testEnv() Env {
	mk := func(name, proxy, flags string, src sources.Kind, file string) Consumer {
		return Consumer{Name: name, Vars: map[string]Var{
			"GOPROXY": {Value: proxy, Source: src, File: file, Line: 1, Key: "GOPROXY"},
			"GOFLAGS": {Value: flags, Source: sources.ProcessEnv},
			"GOSUMDB": {Value: `"off"`, Source: sources.GoEnvFile, File: "/home/u/.config/go/env", Line: 2, Key: "GOSUMDB"},
		}}
	}
	long := "https://goproxy.corp.example.com/artifactory/api/go/"
	return Env{
		Folder: "/w",
		Consumers: []Consumer{
			mk("terminal", long+"go-remote-one,direct", "-mod=mod", sources.GoEnvFile, "/home/u/.config/go/env"),
			mk("gopls", long+"go-remote-two,direct", "-mod=mod", sources.VSCodeUser, "/home/u/.config/Code/User/settings.json"),
			mk("tools", long+"go-remote-two,direct", "-mod=mod", sources.VSCodeUser, "/home/u/.config/Code/User/settings.json"),
			mk("install", long+"go-remote-two,direct", "", sources.VSCodeUser, "/home/u/.config/Code/User/settings.json"),
		},
		Divergent: []string{"GOPROXY"},
	}
}

// tableLines returns the table's lines (between the header and the legend).
func tableLines(text string) []string {
	_, rest, _ := strings.Cut(text, "VARIABLE")
	table, _, _ := strings.Cut(rest, "\n\n")
	return strings.Split(table, "\n")[1:]
}

func TestEnvTableFitsWidth(t *testing.T) {
	e := testEnv()
	out := e.TextWith(TextOptions{Width: 100, ShellTerminal: true})
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Folder ") || strings.HasPrefix(l, "      ← ") || strings.HasPrefix(l, "  GO") || strings.HasPrefix(l, "≠ ") || strings.HasPrefix(l, "The terminal column") {
			continue // the header and legend are prose
		}
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("line of %d characters in a 100-column table: %q", n, l)
		}
	}
	lines := tableLines(out)
	var proxy, flags string
	for _, l := range lines {
		if strings.Contains(l, "GOPROXY") {
			proxy = l
		}
		if strings.Contains(l, "GOFLAGS") {
			flags = l
		}
	}
	// Cut, with the differing part kept whole in every column.
	if !strings.HasPrefix(proxy, "≠") || !strings.Contains(proxy, "…") {
		t.Errorf("GOPROXY row not marked or not cut: %q", proxy)
	}
	if strings.Count(proxy, "one") != 1 || strings.Count(proxy, "two") != 3 {
		t.Errorf("GOPROXY row cut the part that differs: %q", proxy)
	}
	// A difference only install has (vscode-go drops GOFLAGS) is marked too.
	if !strings.HasPrefix(flags, "≠") {
		t.Errorf("GOFLAGS row not marked: %q", flags)
	}
	for _, want := range []string{"on purpose", "The terminal column is this shell's environment"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Sources in words, quotes as in the value.
	for _, want := range []string{"(your go env -w file)", "(VS Code user settings)", `GOSUMDB      "off"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{`\"`, "goenv-file", "vscode-user", "process-env"} {
		if strings.Contains(out, bad) {
			t.Errorf("output shows %q:\n%s", bad, out)
		}
	}
}

func TestEnvTableWide(t *testing.T) {
	e := testEnv()
	out := e.TextWith(TextOptions{Width: 60, Wide: true})
	lines := tableLines(out)
	whole := e.Consumers[0].Vars["GOPROXY"].Value
	found := false
	for _, l := range lines {
		found = found || strings.Contains(l, whole)
	}
	if !found {
		t.Errorf("--wide did not print %q whole on one line:\n%s", whole, out)
	}
	if strings.Contains(strings.Join(lines, "\n"), "…") {
		t.Errorf("--wide cut a value:\n%s", out)
	}
}

// When the part that differs is wider than the column, the cell wraps:
// every character of the value is still printed.
func TestEnvTableWrapsWideDifference(t *testing.T) {
	a := "https://" + strings.Repeat("a", 40) + ".example.com"
	b := "https://" + strings.Repeat("b", 40) + ".example.com"
	e := Env{Folder: "/w", Consumers: []Consumer{
		{Name: "terminal", Vars: map[string]Var{"GOPROXY": {Value: a}}},
		{Name: "gopls", Vars: map[string]Var{"GOPROXY": {Value: b}}},
	}}
	out := e.TextWith(TextOptions{Width: 60})
	lines := tableLines(out)
	var col1, col2 strings.Builder
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 60 {
			t.Errorf("line of %d characters: %q", n, l)
		}
		f := strings.Fields(strings.TrimPrefix(strings.TrimPrefix(l, "≠"), " "))
		if len(f) > 0 && f[0] == "GOPROXY" {
			f = f[1:]
		}
		if len(f) == 2 {
			col1.WriteString(f[0])
			col2.WriteString(f[1])
		}
	}
	if col1.String() != a || col2.String() != b {
		t.Errorf("wrapped cells do not hold the values:\n%q\n%q\n%s", col1.String(), col2.String(), out)
	}
}
