package rules

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Messages show values as they are, without escaped quotes, delimited by a
// quote the value does not hold; control characters stay escaped.
func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://proxy.example.com,direct", `"https://proxy.example.com,direct"`},
		{`"off"`, `'"off"'`},
		{`GOPRIVATE = "corp.example.com"`, `'GOPRIVATE = "corp.example.com"'`},
		{`it's "x"`, "`it's \"x\"`"},
		{`C:\Users\me\go`, `"C:\Users\me\go"`},
		{"a\nb\tc\x01", `"a\nb\tc\x01"`},
		{"https://user:secret@proxy.example.com", `"https://user:xxxxx@proxy.example.com"`},
	} {
		if got := quote(c.in); got != c.want {
			t.Errorf("quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	// All three quotes in the value: Go quoting is the last resort.
	if got := quote("\"'`"); !strings.HasPrefix(got, `"`) {
		t.Errorf("quote of all quotes = %s", got)
	}
}

// Sources are named in words a user knows, never by their internal kind.
func TestWhereInWords(t *testing.T) {
	for _, k := range []sources.Kind{"", sources.Default, sources.ProcessEnv, sources.GoEnvFile, sources.GorootGoEnv, sources.Derived} {
		got := where(sources.Provenance{Source: k}, "GOPROXY")
		if got == "" {
			t.Errorf("where(%q) is empty", k)
		}
		for _, kind := range []sources.Kind{sources.ProcessEnv, sources.GoEnvFile, sources.GorootGoEnv, sources.Default, sources.Derived} {
			if got == string(kind) || strings.Contains(got, string(kind)) && strings.Contains(string(kind), "-") {
				t.Errorf("where(%q) = %q names the internal kind %q", k, got, kind)
			}
		}
	}
	if got := where(sources.Provenance{Source: sources.GoEnvFile}, "GOPROXY"); got != "your go env -w file" {
		t.Errorf("GOENV file: %q", got)
	}
}
