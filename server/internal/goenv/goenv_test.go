package goenv

import (
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// goEnvDefaults reads the real $GOROOT/go.env, so that the default proxy and
// checksum database are never written into a test.
func goEnvDefaults(t testing.TB) map[string]string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	out, err := exec.Command(goBin, "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	content, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "go.env"))
	if err != nil {
		t.Fatalf("reading go.env: %v", err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(content), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && len(k) > 0 && k[0] >= 'A' && k[0] <= 'Z' {
			m[k] = v
		}
	}
	return m
}

type entry struct {
	text    string
	kind    ProxyKind
	sep     byte
	ignored bool
	err     string
}

func TestParseGOPROXY(t *testing.T) {
	for _, tc := range []struct {
		value   string
		entries []entry
		err     string
	}{
		{"https://goproxy.example.com,direct", []entry{
			{"https://goproxy.example.com", ProxyURL, ',', false, ""},
			{"direct", ProxyDirect, 0, false, ""},
		}, ""},
		{"https://a.example.com|https://b.example.com,off", []entry{
			{"https://a.example.com", ProxyURL, '|', false, ""},
			{"https://b.example.com", ProxyURL, ',', false, ""},
			{"off", ProxyOff, 0, false, ""},
		}, ""},
		// Whitespace around entries is trimmed; empty entries are skipped.
		{" https://a.example.com , ,direct ", []entry{
			{"https://a.example.com", ProxyURL, ',', false, ""},
			{"direct", ProxyDirect, 0, false, ""},
		}, ""},
		// Entries after direct/off are never read, so a bad one there is no error.
		{"http://127.0.0.1:18404,direct,https://127.0.0.1:1,DIRECT", []entry{
			{"http://127.0.0.1:18404", ProxyURL, ',', false, ""},
			{"direct", ProxyDirect, ',', false, ""},
			{"https://127.0.0.1:1", ProxyURL, ',', true, ""},
			{"DIRECT", ProxyURL, 0, true, "invalid proxy URL missing scheme: DIRECT"},
		}, ""},
		{"off,direct", []entry{{"off", ProxyOff, ',', false, ""}, {"direct", ProxyDirect, 0, true, ""}}, ""},
		// go-proxy-semantics §2.2, confirmed error texts.
		{"DIRECT", []entry{{"DIRECT", ProxyURL, 0, false, "invalid proxy URL missing scheme: DIRECT"}}, "invalid proxy URL missing scheme: DIRECT"},
		{"Direct", []entry{{"Direct", ProxyURL, 0, false, "invalid proxy URL missing scheme: Direct"}}, "invalid proxy URL missing scheme: Direct"},
		{"noproxy", []entry{{"noproxy", ProxyURL, 0, false, "invalid proxy URL missing scheme: noproxy"}}, "invalid proxy URL missing scheme: noproxy"},
		{"/srv/nonexist", []entry{{"/srv/nonexist", ProxyURL, 0, false, "invalid proxy URL missing scheme: /srv/nonexist"}}, "invalid proxy URL missing scheme: /srv/nonexist"},
		{"ftp://127.0.0.1:1", []entry{{"ftp://127.0.0.1:1", ProxyURL, 0, false, "invalid proxy URL scheme (must be https, http, file): ftp://127.0.0.1:1"}}, "invalid proxy URL scheme (must be https, http, file): ftp://127.0.0.1:1"},
		{"socks5://127.0.0.1:1", []entry{{"socks5://127.0.0.1:1", ProxyURL, 0, false, "invalid proxy URL scheme (must be https, http, file): socks5://127.0.0.1:1"}}, "invalid proxy URL scheme (must be https, http, file): socks5://127.0.0.1:1"},
		{"file://127.0.0.1/srv/p", []entry{{"file://127.0.0.1/srv/p", ProxyURL, 0, false, "invalid file:// proxy URL with non-path elements: file://127.0.0.1/srv/p"}}, "invalid file:// proxy URL with non-path elements: file://127.0.0.1/srv/p"},
		{"file:///srv/mods", []entry{{"file:///srv/mods", ProxyURL, 0, false, ""}}, ""},
		{"https://[::1", []entry{{"https://[::1", ProxyURL, 0, false, `parse "https://[::1": missing ']' in host`}}, `parse "https://[::1": missing ']' in host`},
		{"http://127.0.0.1:18404;direct", []entry{{"http://127.0.0.1:18404;direct", ProxyURL, 0, false, `parse "http://127.0.0.1:18404;direct": invalid port ":18404;direct" after host`}}, `parse "http://127.0.0.1:18404;direct": invalid port ":18404;direct" after host`},
		{"http://127.0.0.1:18404 direct", []entry{{"http://127.0.0.1:18404 direct", ProxyURL, 0, false, `parse "http://127.0.0.1:18404 direct": invalid port ":18404 direct" after host`}}, `parse "http://127.0.0.1:18404 direct": invalid port ":18404 direct" after host`},
		// The url.Parse error keeps the password, exactly as cmd/go prints it.
		{"https://user:secret@127.0.0.1:x", []entry{{"https://user:secret@127.0.0.1:x", ProxyURL, 0, false, `parse "https://user:secret@127.0.0.1:x": invalid port ":x" after host`}}, `parse "https://user:secret@127.0.0.1:x": invalid port ":x" after host`},
		// Scheme inference: accepted here, broken only at fetch time.
		{"localhost:8080", []entry{{"localhost:8080", ProxyURL, 0, false, ""}}, ""},
		{"http//127.0.0.1:1", []entry{{"http//127.0.0.1:1", ProxyURL, 0, false, ""}}, ""},
		{"https:/127.0.0.1:1", []entry{{"https:/127.0.0.1:1", ProxyURL, 0, false, ""}}, ""},
		// No entries at all.
		{"", nil, ErrNoEntries.Error()},
		{",", nil, ErrNoEntries.Error()},
		{" , ", nil, ErrNoEntries.Error()},
	} {
		got, err := ParseGOPROXY(tc.value)
		var gotEntries []entry
		for _, e := range got {
			if tc.value[e.Start:e.End] != e.Text {
				t.Errorf("ParseGOPROXY(%q): entry %q has offsets [%d,%d) holding %q", tc.value, e.Text, e.Start, e.End, tc.value[e.Start:e.End])
			}
			es := ""
			if e.Err != nil {
				es = e.Err.Error()
			}
			gotEntries = append(gotEntries, entry{e.Text, e.Kind, e.Sep, e.Ignored, es})
		}
		if !reflect.DeepEqual(gotEntries, tc.entries) {
			t.Errorf("ParseGOPROXY(%q) entries:\n got %+v\nwant %+v", tc.value, gotEntries, tc.entries)
		}
		es := ""
		if err != nil {
			es = err.Error()
		}
		if es != tc.err {
			t.Errorf("ParseGOPROXY(%q) error = %q, want %q", tc.value, es, tc.err)
		}
	}
}

func TestParseGOPROXYInference(t *testing.T) {
	got, err := ParseGOPROXY("goproxy.example.com/prefix/,direct")
	if err != nil {
		t.Fatal(err)
	}
	if u := got[0].URL.String(); u != "https://goproxy.example.com/prefix/" {
		t.Errorf("scheme inference gave %q", u)
	}
	if got[0].FallBackOnError() {
		t.Error("a comma must not fall back on errors")
	}
}

// TestParseGOPROXYDefault parses the machine's own go.env default.
func TestParseGOPROXYDefault(t *testing.T) {
	def := goEnvDefaults(t)["GOPROXY"]
	entries, err := ParseGOPROXY(def)
	if def == "" {
		// A repackaged Go without a default: cmd/go has no proxy list either.
		if !errors.Is(err, ErrNoEntries) {
			t.Fatalf("empty default GOPROXY: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("the go.env default %q does not parse: %v", def, err)
	}
	if len(Live(entries)) == 0 {
		t.Fatalf("no live entries in %q", def)
	}
}

func TestParseGOSUMDB(t *testing.T) {
	defaults := goEnvDefaults(t)
	def := DefaultSumDBName(defaults["GOSUMDB"])
	if def == "" {
		t.Fatalf("go.env names no checksum database: %q", defaults["GOSUMDB"])
	}
	known := []string{def}
	_, vkey, err := note.GenerateKey(nil, "sumdb.example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		value, name, url, err string
		off, known, alias     bool
		field                 int
	}{
		{value: "off", off: true},
		{value: def, name: def, known: true},
		{value: def + " https://sumdb-mirror.example.com", name: def, known: true, url: "https://sumdb-mirror.example.com"},
		{value: vkey, name: "sumdb.example.com"},
		{value: vkey + " https://sumdb.example.com/tiles", name: "sumdb.example.com", url: "https://sumdb.example.com/tiles"},
		// go-proxy-semantics §4.2, confirmed.
		{value: "bogus", err: "invalid GOSUMDB: malformed verifier id", field: 0},
		{value: "OFF", err: "invalid GOSUMDB: malformed verifier id", field: 0},
		{value: "https://" + def, err: "invalid GOSUMDB: malformed verifier id", field: 0},
		{value: def + "+bogus", err: "invalid GOSUMDB: malformed verifier id", field: 0},
		{value: def + "/", err: "invalid GOSUMDB: malformed verifier id", field: 0},
		{value: `"off"`, err: "invalid GOSUMDB: malformed verifier id", field: 0},
		{value: "a b c", err: "invalid GOSUMDB: too many fields", field: 2},
		{value: def + " 127.0.0.1:18500", err: `invalid GOSUMDB URL: parse "127.0.0.1:18500": first path segment in URL cannot contain colon`, field: 1},
		{value: "", err: "missing GOSUMDB", field: -1},
		{value: " \t", err: "missing GOSUMDB", field: -1},
		// CRLF from a Notepad-edited env file: Fields drops the "\r".
		{value: def + "\r", name: def, known: true},
	} {
		db, err := ParseGOSUMDB(tc.value, known)
		if tc.err != "" {
			var se *SumDBError
			if !errors.As(err, &se) || err.Error() != tc.err || se.Field != tc.field {
				t.Errorf("ParseGOSUMDB(%q) error = %v (%#v), want %q at field %d", tc.value, err, se, tc.err, tc.field)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseGOSUMDB(%q): %v", tc.value, err)
			continue
		}
		if db.Off != tc.off || db.Name != tc.name || db.Known != tc.known || db.URL != tc.url || db.Alias != tc.alias {
			t.Errorf("ParseGOSUMDB(%q) = %+v", tc.value, db)
		}
	}
	// cmd/go's one alias for the default database (derived at run time from
	// the default name, so no host is written here) has a built-in URL.
	if alias := chinaAlias(def); alias != "" {
		db, err := ParseGOSUMDB(alias, known)
		if err != nil || !db.Alias || db.Name != def || db.URL != "https://"+alias {
			t.Errorf("ParseGOSUMDB(alias %q) = %+v, %v", alias, db, err)
		}
		if _, err := ParseGOSUMDB(alias, nil); err == nil {
			t.Errorf("without the default name the alias cannot be recognised")
		}
	}
	// With no known names (go.env missing), the bare default name is not a key.
	if _, err := ParseGOSUMDB(def, nil); err == nil || err.Error() != "invalid GOSUMDB: malformed verifier id" {
		t.Errorf("ParseGOSUMDB(default, nil) = %v", err)
	}
}

func TestSplitPatterns(t *testing.T) {
	list := "corp.example.com, github.com/org/,,/,*.internal.example.com"
	var got []string
	for _, p := range SplitPatterns(list) {
		if list[p.Start:p.End] != p.Raw {
			t.Errorf("pattern %q has offsets holding %q", p.Raw, list[p.Start:p.End])
		}
		got = append(got, p.Glob)
	}
	want := []string{"corp.example.com", " github.com/org", "*.internal.example.com"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SplitPatterns = %q, want %q", got, want)
	}
}

// TestMatchTruthTable is go-proxy-semantics §3.2's table, run through Match.
func TestMatchTruthTable(t *testing.T) {
	for _, tc := range []struct {
		glob, target string
		want         bool
	}{
		{"github.com/org", "github.com/org/repo", true},
		{"github.com/org", "github.com/org", true},
		{"github.com/org", "github.com/organization/repo", false},
		{"github.com/org/", "github.com/org/repo", true},
		{"https://github.com/org", "github.com/org/repo", false},
		{"github.com/org/*", "github.com/org/repo", true},
		{"github.com/org/*", "github.com/org", false},
		{"*.corp.example.com", "git.corp.example.com/x/y", true},
		{"*.corp.example.com", "corp.example.com/x", false},
		{"*.example.com", "a.b.example.com/x", true},
		{"corp.example.com", "git.corp.example.com/x", false},
		{"github.com/*/private", "github.com/acme/private/sub", true},
		{"foo.com, github.com/org", "github.com/org/repo", false},
		{" github.com/org", "github.com/org/repo", false},
		{"GitHub.com/Org", "github.com/org/repo", false},
		{"github.com", "github.com/org/repo", true},
		{"*", "github.com/org/repo", true},
		{"none", "github.com/org/repo", false},
		{"off", "github.com/org/repo", false},
		{"", "github.com/org/repo", false},
		{",,", "github.com/org/repo", false},
		{"github.com/org/repo.git", "github.com/org/repo", false},
		{"github.com/[org", "github.com/org/repo", false},
		{"github.com:443/org", "github.com/org/repo", false},
		{"git@github.com:org", "github.com/org/repo", false},
		{"a.example.com;github.com/org", "github.com/org/repo", false},
		{"a.example.com github.com/org", "github.com/org/repo", false},
		{"example.com\r", "example.com/fake", false},
	} {
		if got := Match(tc.glob, tc.target); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.glob, tc.target, got, tc.want)
		}
	}
}

func TestPatternProblem(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		meant   string // a module the user plausibly meant the pattern to cover
		bad     bool
	}{
		{"corp.example.com", "corp.example.com/x", false},
		{"github.com/org", "github.com/org/x", false},
		{"github.com/MyOrg", "github.com/MyOrg/x", false}, // later elements may have upper case
		{"*.corp.example.com", "git.corp.example.com/x", false},
		{"*", "corp.example.com/x", false},
		{"none", "", false},
		{"off", "", false},
		{" corp.example.com", "corp.example.com/x", true},
		{"corp.example.com ", "corp.example.com/x", true},
		{"corp.example.com\r", "corp.example.com/x", true},
		{"https://github.com/org", "github.com/org/x", true},
		{"git@github.com:org", "github.com/org/x", true},
		{"github.com:443/org", "github.com/org/x", true},
		{"a.example.com;b.example.com", "b.example.com/x", true},
		{"a.example.com b.example.com", "a.example.com/x", true},
		{"GitHub.com/org", "github.com/org/x", true},
		// A module path may end in ".git" (a VCS qualifier): no report.
		{"example.com/repo.git", "example.com/repo.git", false},
		// Character classes and escapes are read as path.Match reads them.
		{"[a-z].example.com", "a.example.com/x", false},
		{"[A-Za-z].example.com", "a.example.com/x", false},
		{"example.com/x[^:]", "example.com/xy", false},
		{"example.com/[^@]", "example.com/y", false},
		{"example.com/x[^ ]", "example.com/xy", false},
		{"example[.]com", "example.com/x", false},
		{`\E.example.com`, "", true},    // an escaped upper-case letter is one
		{"example.com/x[:]", "", false}, // a class counts as a glob, even one of invalid characters
		{"corp", "corp.example.com/x", true},
		{"localhost/mods", "localhost/mods/x", true},
	} {
		ps := SplitPatterns(tc.pattern)
		if len(ps) != 1 {
			t.Fatalf("SplitPatterns(%q) = %v", tc.pattern, ps)
		}
		if got := ps[0].Problem(); (got != "") != tc.bad {
			t.Errorf("Problem(%q) = %q, want bad=%v", tc.pattern, got, tc.bad)
		}
		if tc.meant == "" {
			continue
		}
		// The report is right exactly when cmd/go would miss the meant module
		// (a module path without a dot in its first element is no module).
		meantIsModule := strings.Contains(strings.Split(tc.meant, "/")[0], ".")
		if got := ps[0].Matches(tc.meant) && meantIsModule; got == tc.bad {
			t.Errorf("pattern %q: matches %q = %v, but bad = %v", tc.pattern, tc.meant, got, tc.bad)
		}
	}
}

func TestParseGOFLAGS(t *testing.T) {
	for _, tc := range []struct {
		value string
		words []string
		errs  []string
		err   string
	}{
		{"-mod=mod -modcacherw", []string{"-mod=mod", "-modcacherw"}, []string{"", ""}, ""},
		{"--mod=vendor", []string{"--mod=vendor"}, []string{""}, ""},
		{"-modcacherw -bogus", []string{"-modcacherw", "-bogus"}, []string{"", "unknown flag -bogus"}, ""},
		{"mod=mod", []string{"mod=mod"}, []string{`non-flag "mod=mod"`}, ""},
		{"-insecure", []string{"-insecure"}, []string{""}, ""},
		{`-ldflags="-s -w"`, []string{`-ldflags="-s`, `-w"`}, []string{"", `unknown flag -w"`}, ""},
		{`'-ldflags=-s -w' -x`, []string{"-ldflags=-s -w", "-x"}, []string{"", ""}, ""},
		{"-test.v -test.bogus", []string{"-test.v", "-test.bogus"}, []string{"", "unknown flag -test.bogus"}, ""},
		{"- -- --- -=x", []string{"-", "--", "---", "-=x"}, []string{`non-flag "-"`, `non-flag "--"`, `non-flag "---"`, `non-flag "-=x"`}, ""},
		{"-mod='x", []string{"-mod='x"}, []string{""}, ""},
		{"'-mod=mod", nil, nil, "unterminated ' string"},
		{"", nil, nil, ""},
	} {
		flags, err := ParseGOFLAGS(tc.value)
		var words, errs []string
		for _, f := range flags {
			words = append(words, f.Word)
			es := ""
			if f.Err != nil {
				es = f.Err.Error()
			}
			errs = append(errs, es)
			if f.Start < 0 || f.End > len(tc.value) || f.Start > f.End {
				t.Errorf("ParseGOFLAGS(%q): bad offsets %d..%d", tc.value, f.Start, f.End)
			}
		}
		es := ""
		if err != nil {
			es = err.Error()
		}
		if !reflect.DeepEqual(words, tc.words) || !reflect.DeepEqual(errs, tc.errs) || es != tc.err {
			t.Errorf("ParseGOFLAGS(%q) = %q %q %q, want %q %q %q", tc.value, words, errs, es, tc.words, tc.errs, tc.err)
		}
	}
}

// TestKnownFlagsAgreeWithGo asks the real go command about every flag in the
// table and a few it must reject.
func TestKnownFlagsAgreeWithGo(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: %v", err)
	}
	check := func(name string, want bool) {
		cmd := exec.Command(goBin, "version")
		cmd.Env = append(os.Environ(), "GOFLAGS=-"+name, "GOENV=off", "GOTOOLCHAIN=local")
		out, _ := cmd.CombinedOutput()
		unknown := strings.Contains(string(out), "unknown flag")
		if unknown == want {
			t.Errorf("go says flag -%s known=%v, table says %v: %s", name, !unknown, want, out)
		}
		if KnownFlag(name) != want {
			t.Errorf("KnownFlag(%q) = %v, want %v", name, !want, want)
		}
	}
	for name := range goFlags {
		check(name, true)
	}
	for name := range testFlags {
		check("test."+name, true)
	}
	for _, name := range []string{"bogus", "printf", "host", "zipsum", "args", "test.bogus"} {
		check(name, false)
	}
}

func TestVariables(t *testing.T) {
	for _, tc := range []struct{ name, suggest string }{
		{"GO_PROXY", "GOPROXY"},
		{"GONOSUMCHECK", "GONOSUMDB"},
		{"GOPROXYS", "GOPROXY"},
		{"GOPRIAVTE", "GOPRIVATE"},
		{"goproxy", "GOPROXY"},
		{"GOSSRONLY", ""},
	} {
		if IsKnownGoVar(tc.name) {
			t.Errorf("%s must be unknown", tc.name)
		}
		if !LooksLikeGoVar(tc.name) {
			t.Errorf("%s must look like a Go variable", tc.name)
		}
		if got := Suggest(tc.name); got != tc.suggest {
			t.Errorf("Suggest(%q) = %q, want %q", tc.name, got, tc.suggest)
		}
	}
	for _, name := range []string{"GOOGLE_APPLICATION_CREDENTIALS", "GOLANGCI_LINT_CACHE", "HTTPS_PROXY", "GO"} {
		if LooksLikeGoVar(name) {
			t.Errorf("%s must not look like a Go variable", name)
		}
	}
	for _, name := range []string{"GOPROXY", "GOGC", "GOMEMLIMIT", "GOPACKAGESDRIVER", "GOTELEMETRY"} {
		if !IsKnownGoVar(name) {
			t.Errorf("%s must be known", name)
		}
	}
	if IsGoCommandVar("GOGC") || !IsGoCommandVar("GOINSECURE") {
		t.Error("GOGC is the runtime's, GOINSECURE the go command's")
	}
}

// TestGoCommandVarsAgreeWithGo checks the table against `go help environment`.
func TestGoCommandVarsAgreeWithGo(t *testing.T) {
	out, err := exec.Command("go", "help", "environment").Output()
	if err != nil {
		t.Fatalf("go help environment: %v", err)
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		w := strings.TrimSpace(line)
		if w == "" || w != line[len(line)-len(w):] || strings.ToUpper(w) != w || strings.ContainsAny(w, " ,.") || !strings.HasPrefix(line, "\t") {
			continue
		}
		n++
		if !IsGoCommandVar(w) {
			t.Errorf("go help environment documents %s, missing from goCommandVars", w)
		}
	}
	if n < 30 {
		t.Fatalf("found only %d variables in go help environment", n)
	}
}

func TestNetProxy(t *testing.T) {
	env := map[string]string{
		"HTTPS_PROXY": "http://up.example.com:1", "https_proxy": "http://low.example.com:1",
		"NO_PROXY": " Corp.Example.COM ,10.0.0.0/8",
	}
	p := NetProxyFrom(func(k string) string { return env[k] })
	if p.HTTPSProxyVar != "HTTPS_PROXY" {
		t.Errorf("upper case must win: %+v", p)
	}
	for _, tc := range []struct{ target, want string }{
		{"https://goproxy.corp.example.com", ""},
		{"https://corp.example.com", ""},
		{"https://goproxy.example.com", "http://up.example.com:1"},
		{"https://10.1.2.3", ""},
		{"https://127.0.0.1:8080", ""},
		{"http://goproxy.example.com", ""}, // no HTTP_PROXY
	} {
		u, _ := url.Parse(tc.target)
		if got := p.ProxyFor(u); got != tc.want {
			t.Errorf("ProxyFor(%s) = %q, want %q", tc.target, got, tc.want)
		}
	}
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"http://proxy.example.com:3128", true},
		{"proxy.example.com:3128", true},
		{"http://us%er:pa@ss@proxy.example.com:3128", false},
		{" proxy.example.com:3128", false},
	} {
		u, err := ParseNetProxy(tc.value)
		if (err == nil && u != nil && u.Host != "") != tc.ok {
			t.Errorf("ParseNetProxy(%q) = %v, %v; want ok=%v", tc.value, u, err, tc.ok)
		}
	}
}

func TestSuggestInEnv(t *testing.T) {
	for name, want := range map[string]string{
		"GOPROXI": "GOPROXY", "GOPRIVTE": "GOPRIVATE", "GONOSUMBD": "GONOSUMDB", "GOSUMBD": "GOSUMDB",
		"GO_PROXY": "GOPROXY", "GOTOOLCHIAN": "GOTOOLCHAIN",
		// Other programs' names, runtime variables and added words stay quiet.
		"GOLANG_VERSION": "", "GO_VERSION": "", "GOOGLE_APPLICATION_CREDENTIALS": "", "GOTESTSUM_FORMAT": "",
		"GOPLS_LOG": "", "GOROOT_BOOTSTRAP": "", "GOVERSION": "", "GOMAXPROCS": "", "GOGC": "", "GODEBUG": "",
		"GOTRACEBACK": "", "GOCOVERDIR": "", "GORACE": "", "GOFIPS140": "", "GO111MODULE": "", "GOPROXY_URL": "",
		"GOHOME": "", "GOPS": "", "GO_OS": "", "GO_ARCH": "", "goproxi": "", "GOFLAGS": "",
	} {
		if got := SuggestInEnv(name); got != want {
			t.Errorf("SuggestInEnv(%q) = %q, want %q", name, got, want)
		}
	}
}
