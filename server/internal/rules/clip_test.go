package rules_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// A 5 MB value (one GOPROXY entry, and a GOFLAGS that diverges between
// consumers) must not make 5 MB messages: every value a message echoes is
// cut, and so is every message, related message and fix title.
func TestMessagesClipLongValues(t *testing.T) {
	dir := t.TempDir()
	long := "https://proxy.example.com/" + strings.Repeat("a", 5<<20)
	settings := `{"go.toolsEnvVars": {"GOPROXY": "` + long + `", "GOFLAGS": "-tags=` + strings.Repeat("b", 1<<20) + `", "GOSSRONLY": "` + strings.Repeat("c", 1<<20) + `"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".vscode", "settings.json"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": dir, "PATH": "/usr/bin:/bin", "GOENV": "off", "GOTOOLCHAIN": "local"}
	s := engine.Load(engine.Config{Folder: dir, ProcessEnv: env, ModFiles: []string{}, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}, nil)
	findings := engine.Diagnose(s, engine.Resolve(s))
	if len(findings) == 0 {
		t.Fatal("no findings for a workspace with a divergent 1 MB GOFLAGS and an unknown variable")
	}
	total := 0
	check := func(what, text string) {
		n := utf8.RuneCountInString(text)
		total += len(text)
		if n > clip.MaxMessage {
			t.Errorf("%s: %d characters", what, n)
		}
	}
	for _, f := range findings {
		check(f.Code+" message", f.Message)
		for _, r := range f.Related {
			check(f.Code+" related", r.Message)
		}
		for _, fx := range f.Fixes {
			check(f.Code+" fix title", fx.Title)
		}
		if strings.Contains(f.Message, strings.Repeat("a", clip.MaxValue+1)) || strings.Contains(f.Message, strings.Repeat("b", clip.MaxValue+1)) {
			t.Errorf("%s: a value longer than %d characters is echoed whole", f.Code, clip.MaxValue)
		}
	}
	t.Logf("%d findings, %d bytes of text", len(findings), total)
}

// A list value with thousands of bad entries: each list rule reports at
// most findings.MaxEntryPlaces (20) of them per value, so neither the findings nor
// their fixes (each rewrites the whole value) grow with the list.
func TestListRulesBoundTheirPlaces(t *testing.T) {
	dir := t.TempDir()
	var proxies, patterns []string
	for i := 0; i < 10000; i++ {
		proxies = append(proxies, "https://mirror"+strconv.Itoa(i%3)+".example.com")
		patterns = append(patterns, "Corp"+strconv.Itoa(i)+".example.com")
	}
	settings := `{"go.toolsEnvVars": {"GOPROXY": "` + strings.Join(proxies, ",") + `", "GOPRIVATE": "` + strings.Join(patterns, ",") + `"}}`
	if err := os.MkdirAll(filepath.Join(dir, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".vscode", "settings.json"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": dir, "PATH": "/usr/bin:/bin", "GOENV": "off", "GOTOOLCHAIN": "local"}
	s := engine.Load(engine.Config{Folder: dir, ProcessEnv: env, ModFiles: []string{}, Options: sources.Options{GOOS: runtime.GOOS, Trusted: true}}, nil)
	count := map[string]int{}
	for _, f := range engine.Diagnose(s, engine.Resolve(s)) {
		count[f.Code]++
	}
	for _, code := range []string{"goproxy-dead-entries", "private-pattern-never-matches"} {
		if count[code] == 0 || count[code] > 20 {
			t.Errorf("%s: %d findings for thousands of bad entries, want 1 to 20", code, count[code])
		}
	}
	t.Logf("findings per code: %v", count)
}
