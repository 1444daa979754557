package ruledoc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var root = filepath.Join("..", "..", "..")

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// The catalogue documents exactly the codes of shared/contract.json, with
// their severities: a code added there without a summary here fails.
func TestCatalogueMatchesTheContract(t *testing.T) {
	var c struct {
		Diagnostics []struct{ Code, Severity string } `json:"diagnostics"`
	}
	readJSON(t, "shared/contract.json", &c)
	var codes []string
	for _, d := range c.Diagnostics {
		codes = append(codes, d.Code)
		r, ok := Lookup(d.Code)
		if !ok {
			t.Errorf("contract code %s has no catalogue entry: add its summary, why and fix to server/internal/ruledoc/catalogue.go and its page docs/rules/%[1]s.md", d.Code)
			continue
		}
		if r.Severity != d.Severity {
			t.Errorf("%s: catalogue severity %q, contract %q", d.Code, r.Severity, d.Severity)
		}
		for field, text := range map[string]string{"Short": r.Short, "Full": r.Full, "Fix": r.Fix} {
			if !strings.HasSuffix(text, ".") || strings.Contains(text, "\n") {
				t.Errorf("%s: %s is not one line of sentences: %q", d.Code, field, text)
			}
		}
	}
	slices.Sort(codes)
	if got := Codes(); !slices.Equal(got, codes) {
		t.Errorf("catalogue codes %q; contract codes %q", got, codes)
	}
}

// The pages are published in the repository package.json names.
func TestBaseIsTheRepository(t *testing.T) {
	var p struct {
		Repository struct {
			URL string `json:"url"`
		} `json:"repository"`
	}
	readJSON(t, "package.json", &p)
	if want := strings.TrimSuffix(p.Repository.URL, ".git") + "/blob/main/docs/rules/"; Base != want {
		t.Errorf("Base = %q; want %q (package.json repository)", Base, want)
	}
	if got, want := URL("gosumdb-off"), Base+"gosumdb-off.md"; got != want {
		t.Errorf("URL(gosumdb-off) = %q; want %q", got, want)
	}
	if got := URL("no-such-code"); got != "" {
		t.Errorf("URL of an unknown code = %q; want none", got)
	}
}

func TestName(t *testing.T) {
	for code, want := range map[string]string{
		"env-divergence": "EnvDivergence", "toolsenv-null": "ToolsenvNull", "no-proxy-missing-host": "NoProxyMissingHost",
	} {
		r, ok := Lookup(code)
		if !ok || r.Name != want || r.Code != code {
			t.Errorf("Lookup(%s) = %+v, %v; want name %s", code, r, ok, want)
		}
	}
}
