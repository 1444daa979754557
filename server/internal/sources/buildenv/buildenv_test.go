package buildenv

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// fixtures returns every txtar fixture.
func fixtures(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	return files
}

// TestFixtures parses every file of each fixture by its path and compares
// the rendering (values, how they were set, key and value line:col) with the
// fixture's want section; -update rewrites it.
func TestFixtures(t *testing.T) {
	for _, file := range fixtures(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			wantIdx := -1
			for i, f := range ar.Files {
				if f.Name == "want" {
					wantIdx = i
					continue
				}
				got.WriteString("== " + f.Name + "\n")
				d, err := parseAny(f.Name, f.Data)
				if err != nil {
					got.WriteString("error: " + err.Error() + "\n")
					continue
				}
				got.WriteString(d.b.String())
				checkSpans(t, f.Name, f.Data, d.items)
			}
			if *update {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = got.Bytes()
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if wantIdx < 0 {
				t.Fatal("no want section (run with -update)")
			}
			if want := string(ar.Files[wantIdx].Data); got.String() != want {
				t.Errorf("got:\n%s\nwant:\n%s", got.String(), want)
			}
		})
	}
}

// checkSpans is the span property: every key span slices the file to the
// key (its quotes aside), every value span to Raw, and where the value is
// written plainly (no quotes, escapes, continuations or folding) Raw is the
// value itself.
func checkSpans(t testing.TB, name string, content []byte, items []located) {
	t.Helper()
	in := func(s Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(content) }
	for _, it := range items {
		if !in(it.valueSpan) || !in(it.keySpan) {
			t.Errorf("%s: %s: span out of bounds: key %v value %v (len %d)", name, it.what, it.keySpan, it.valueSpan, len(content))
			continue
		}
		if got := string(content[it.valueSpan.Start:it.valueSpan.End]); got != it.raw {
			t.Errorf("%s: %s: value span slices %q, Raw is %q", name, it.what, got, it.raw)
		}
		if it.key != "" && !it.approx {
			k := string(content[it.keySpan.Start:it.keySpan.End])
			if k != it.key && unquoteKey(k) != it.key && withoutContinuations(k) != it.key {
				t.Errorf("%s: %s: key span slices %q, want %q", name, it.what, k, it.key)
			}
		}
		if !it.approx && !it.noValue && !strings.ContainsAny(it.raw, "\"'\\`\n\r%") && !strings.Contains(it.value, "\n") && utf8.ValidString(it.raw) && it.raw != it.value {
			t.Errorf("%s: %s: plain value %q but the span slices %q", name, it.what, it.value, it.raw)
		}
	}
}

var continuation = regexp.MustCompile("[\\\\`][ \t]*\r?\n([ \t]*(#[^\n]*)?\r?\n)*")

// withoutContinuations removes line continuations (an escape character and
// a line break, then any empty or comment lines buildkit skips), which may
// split a Dockerfile key.
func withoutContinuations(k string) string {
	return continuation.ReplaceAllString(k, "")
}

func unquoteKey(k string) string {
	if len(k) >= 2 && k[0] == '\'' && k[len(k)-1] == '\'' {
		return strings.ReplaceAll(k[1:len(k)-1], "''", "'")
	}
	if u, err := strconv.Unquote(k); err == nil {
		return u
	}
	return k
}

// TestFixturesCoverEverySource guards the fixtures themselves: each kind of
// file is exercised.
func TestFixturesCoverEverySource(t *testing.T) {
	seen := map[string]bool{}
	for _, file := range fixtures(t) {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			switch {
			case f.Name == "want":
			case IsWorkflow(f.Name):
				seen["workflow"] = true
			case IsGitLabCI(f.Name):
				seen["gitlab"] = true
			case IsCompose(f.Name):
				seen["compose"] = true
			case IsDevContainer(f.Name):
				seen["devcontainer"] = true
			case IsDockerfile(f.Name):
				seen["dockerfile"] = true
			default:
				k, _ := ShellKindOf(f.Name)
				seen[string(k)] = true
			}
		}
	}
	for _, k := range []string{"workflow", "gitlab", "compose", "devcontainer", "dockerfile", string(ShellRC), string(EtcEnvironment), string(EnvRC), string(ShellScript)} {
		if !seen[k] {
			t.Errorf("no fixture file of kind %s", k)
		}
	}
}
