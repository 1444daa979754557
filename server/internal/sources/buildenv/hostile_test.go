package buildenv

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// billionLaughs is a workflow whose env: is an alias standing for 10^9
// scalars.
func billionLaughs() []byte {
	var b strings.Builder
	b.WriteString("x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		fmt.Fprintf(&b, "%s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", "))
		prev = name
	}
	b.WriteString("env: *i\njobs:\n  j:\n    env:\n      <<: *i\n")
	return []byte(b.String())
}

func TestYAMLAliasBomb(t *testing.T) {
	in := billionLaughs()
	for name, parse := range map[string]func() error{
		"workflow": func() error { _, err := ParseWorkflow(".github/workflows/ci.yml", in); return err },
		"gitlab":   func() error { _, err := ParseGitLabCI(".gitlab-ci.yml", in); return err },
		"compose":  func() error { _, err := ParseCompose("compose.yaml", in); return err },
	} {
		if err := parse(); !errors.Is(err, errAliasing) {
			t.Errorf("%s: got %v, want the aliasing error", name, err)
		}
	}
}

// Aliases within the budget are followed: a workflow may share env blocks.
func TestYAMLAliasesFollowed(t *testing.T) {
	in := []byte("env: &e\n  GOPRIVATE: corp.example.com\njobs:\n  a:\n    env: *e\n  b:\n    env:\n      <<: *e\n      GONOSUMDB: corp.example.com\n")
	w, err := ParseWorkflow(".github/workflows/ci.yml", in)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Jobs) != 2 || len(w.Jobs[0].Env) != 1 || len(w.Jobs[1].Env) != 2 {
		t.Fatalf("jobs: %+v", w.Jobs)
	}
	// The aliased key's span is the anchor's text, where the value is written.
	s := w.Jobs[0].Env[0]
	if s.Key != "GOPRIVATE" || s.Line != 2 || string(in[s.ValueSpan.Start:s.ValueSpan.End]) != "corp.example.com" {
		t.Errorf("aliased setting: %+v", s)
	}
}

func TestYAMLDeepNesting(t *testing.T) {
	in := []byte("env: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n")
	if _, err := ParseWorkflow(".github/workflows/ci.yml", in); err == nil {
		t.Error("100000 nested flow sequences parsed")
	}
	in = []byte("env:\n" + strings.Repeat("  - ", 20_000) + "x\n")
	if _, err := ParseWorkflow(".github/workflows/ci.yml", in); err == nil {
		t.Error("20000 nested block sequences parsed")
	}
}

func TestTooLarge(t *testing.T) {
	big := bytes.Repeat([]byte("# padding\n"), MaxInput/10+1)
	for name, parse := range map[string]func() error{
		"dockerfile":   func() error { _, err := ParseDockerfile("Dockerfile", big); return err },
		"workflow":     func() error { _, err := ParseWorkflow(".github/workflows/ci.yml", big); return err },
		"gitlab":       func() error { _, err := ParseGitLabCI(".gitlab-ci.yml", big); return err },
		"compose":      func() error { _, err := ParseCompose("compose.yaml", big); return err },
		"devcontainer": func() error { _, err := ParseDevContainer(".devcontainer.json", big); return err },
		"shell":        func() error { _, err := ParseShellFile("a.sh", big); return err },
	} {
		if err := parse(); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: got %v, want ErrTooLarge", name, err)
		}
	}
}

// Hostile shapes that are not errors parse in one pass: a long flow line
// full of commas, deeply nested shell groups and substitutions, many
// here-documents on one line.
func TestHostileShapesParse(t *testing.T) {
	flow := []byte("env: {A: [" + strings.Repeat("x,", 200_000) + "x]}\n")
	if _, err := ParseWorkflow(".github/workflows/ci.yml", flow); err != nil {
		t.Fatal(err)
	}
	sh := strings.Repeat("{ ", 10_000) + "export GOPRIVATE=x" + strings.Repeat("; }", 10_000) + "\n" +
		"A=\"" + strings.Repeat("$(", 10_000) + strings.Repeat(")", 10_000) + "\"\n" +
		"cat" + strings.Repeat(" <<E", 5_000) + "\n" + strings.Repeat("E\n", 5_000) + "export GONOSUMDB=y\n"
	f, err := ParseShellFile("a.sh", []byte(sh))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, s := range f.Settings {
		keys = append(keys, s.Key)
	}
	if got := strings.Join(keys, ","); got != "GOPRIVATE,A,GONOSUMDB" {
		t.Errorf("settings %s", got)
	}
}

func TestDockerfileErrors(t *testing.T) {
	for _, in := range []string{"", "# only a comment\n", "FROM x\nRUN <<EOF\nunterminated\n"} {
		if _, err := ParseDockerfile("Dockerfile", []byte(in)); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}
