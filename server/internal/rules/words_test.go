package rules

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// A message shows a value as it is, credentials masked (the quoting
// itself is clip.Quote's, tested there).
func TestQuote(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`"off"`, `'"off"'`},
		{"https://user:secret@proxy.example.com", `"https://user:xxxxx@proxy.example.com"`},
	} {
		if got := quote(c.in); got != c.want {
			t.Errorf("quote(%q) = %s, want %s", c.in, got, c.want)
		}
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
