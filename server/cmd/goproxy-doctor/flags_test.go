package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// helpFlags returns the flags a --help text lists, in order.
func helpFlags(help string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  --([a-z-]+)`).FindAllStringSubmatch(help, -1) {
		out = append(out, m[1])
	}
	return out
}

// Each subcommand's --help (and -h, -help, `help CMD`) prints to stdout,
// exits 0 and lists exactly that command's flags. Every flag given before
// --help is parsed first, so each row also shows that all of a command's
// flags are still accepted.
func TestSubcommandHelp(t *testing.T) {
	envFlags := []string{"consumer", "folder", "json", "settings", "trust-workspace", "wide"}
	checkFlags := []string{"dry-run", "fail-on", "fix", "fix-scope", "folder", "format", "settings", "trust-workspace"}
	verifyFlags := []string{"candidates", "concurrency", "folder", "json", "module", "settings", "timeout", "trust-workspace"}
	for _, tc := range []struct {
		args  []string
		usage string
		flags []string
	}{
		{[]string{"env", "--help"}, "Usage: goproxy-doctor env [--json] [--wide]", envFlags},
		{[]string{"env", "-h"}, "Usage: goproxy-doctor env ", envFlags},
		{[]string{"env", "--json", "--wide", "--folder", ".", "--settings", "s.json", "--settings", "t.json", "--trust-workspace", "--help"}, "Usage: goproxy-doctor env ", envFlags},
		{[]string{"help", "env"}, "Usage: goproxy-doctor env ", envFlags},
		{[]string{"check", "--help"}, "Usage: goproxy-doctor check [--format text|json|sarif|github|codequality] [--fail-on error|warning|never]", checkFlags},
		{[]string{"check", "-help"}, "Usage: goproxy-doctor check ", checkFlags},
		{[]string{"check", "--format", "sarif", "--fix", "--fix-scope", "user", "--dry-run", "--folder", ".", "--settings", "s.json", "--trust-workspace", "--help"}, "Usage: goproxy-doctor check ", checkFlags},
		{[]string{"help", "check"}, "Usage: goproxy-doctor check ", checkFlags},
		{[]string{"verify", "--help"}, "Usage: goproxy-doctor verify [--json]", verifyFlags},
		{[]string{"verify", "--json", "--folder", ".", "--timeout", "2s", "--concurrency", "3", "--module", "example.com/m@v1.0.0", "--settings", "s.json", "--trust-workspace", "-h"}, "Usage: goproxy-doctor verify ", verifyFlags},
		{[]string{"help", "verify"}, "Usage: goproxy-doctor verify ", verifyFlags},
		// serve prints its help instead of serving (stdin would end the
		// session at once, but it would print no help).
		{[]string{"serve", "--help"}, "Usage: goproxy-doctor serve [--stdio]", []string{"stdio"}},
		{[]string{"--stdio", "--help"}, "Usage: goproxy-doctor serve ", []string{"stdio"}},
		{[]string{"help", "serve"}, "Usage: goproxy-doctor serve ", []string{"stdio"}},
		{[]string{"version", "--help"}, "Usage: goproxy-doctor version\n", nil},
	} {
		stdout, stderr, code := runCLI(t, nil, tc.args...)
		if code != exitOK || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q; want 0 and nothing", tc.args, code, stderr)
		}
		if !strings.HasPrefix(stdout, tc.usage) {
			t.Errorf("%q: stdout does not start with %q:\n%s", tc.args, tc.usage, stdout)
		}
		if got := helpFlags(stdout); !slices.Equal(got, tc.flags) {
			t.Errorf("%q: lists flags %q, want %q", tc.args, got, tc.flags)
		}
		// The synopsis names exactly the flags the command defines.
		usage, _, _ := strings.Cut(stdout, "\n")
		var named []string
		for _, m := range regexp.MustCompile(`--([a-z-]+)`).FindAllStringSubmatch(usage, -1) {
			named = append(named, m[1])
		}
		slices.Sort(named)
		if !slices.Equal(named, tc.flags) {
			t.Errorf("%q: synopsis %q names %q, want %q", tc.args, usage, named, tc.flags)
		}
	}
}

func TestHelpOverview(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		stdout, stderr, code := runCLI(t, nil, args...)
		if code != exitOK || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		for _, want := range []string{"goproxy-doctor env ", "goproxy-doctor check ", "goproxy-doctor verify ", "goproxy-doctor serve ", "goproxy-doctor help   [COMMAND]", "COMMAND --help"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%q: overview lacks %q:\n%s", args, want, stdout)
			}
		}
	}
}

// A flag of another command, an unknown flag, a bad value or a stray
// argument is a usage error (2) that says what was wrong, on stderr.
func TestFlagUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"check", "--json"}, "goproxy-doctor check: unknown flag --json (a flag of env and verify, not of check)"},
		{[]string{"env", "--format", "sarif"}, "goproxy-doctor env: unknown flag --format (a flag of check, not of env)"},
		{[]string{"env", "--bogus"}, "goproxy-doctor env: unknown flag --bogus\n"},
		{[]string{"env", "--fix"}, "unknown flag --fix"},
		{[]string{"env", "--dry-run"}, "unknown flag --dry-run"},
		{[]string{"env", "--timeout", "2s"}, "unknown flag --timeout"},
		{[]string{"env", "--module", "example.com/m@v1.0.0"}, "unknown flag --module"},
		{[]string{"check", "--timeout", "2s"}, "unknown flag --timeout"},
		{[]string{"check", "--concurrency", "2"}, "unknown flag --concurrency"},
		{[]string{"verify", "--format", "json"}, "unknown flag --format"},
		{[]string{"verify", "--fix"}, "unknown flag --fix"},
		{[]string{"check", "--wide"}, "unknown flag --wide (a flag of env, not of check)"},
		{[]string{"verify", "--wide"}, "unknown flag --wide (a flag of env, not of verify)"},
		{[]string{"env", "--wide=maybe"}, "invalid boolean value"},
		{[]string{"serve", "--json"}, "goproxy-doctor serve: unknown flag --json"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"version", "--json"}, "unknown flag --json"},
		{[]string{"env", "extra"}, `unexpected argument "extra"`},
		{[]string{"env", "extra", "--json"}, `unexpected argument "extra"`},
		{[]string{"check", "--folder"}, "flag --folder needs a value"},
		{[]string{"verify", "--timeout", "2"}, "write 2s"},
		{[]string{"verify", "--timeout", "1.5"}, "write 1.5s"},
		{[]string{"verify", "--timeout", "soon"}, "not a duration such as 2s"},
		{[]string{"verify", "--concurrency", "many"}, "invalid value \"many\" for --concurrency"},
		{[]string{"--json", "env"}, "--json before the command: flags go after it"},
		{[]string{"help", "bogus"}, `unknown command "bogus"`},
		{[]string{"help", "env", "check"}, "takes one command"},
	} {
		stdout, stderr, code := runCLI(t, nil, tc.args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d", tc.args, code, exitUsage)
		}
		if stdout != "" {
			t.Errorf("%q: wrote to stdout: %q", tc.args, stdout)
		}
		if !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: stderr %q lacks %q", tc.args, stderr, tc.want)
		}
	}
}

// The README's command-line section shows the synopses the commands print.
func TestReadmeSynopses(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range strings.Split(usage, "\n") {
		if l, ok := strings.CutPrefix(l, "  goproxy-doctor "); ok {
			n++
			if !strings.Contains(string(readme), "\ngoproxy-doctor "+l+"\n") {
				t.Errorf("README.md lacks the line %q", "goproxy-doctor "+l)
			}
		}
	}
	if n != 8 {
		t.Errorf("usage has %d command lines, want 8:\n%s", n, usage)
	}
}
