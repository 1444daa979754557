package main

import (
	"slices"
	"strings"
	"testing"
)

// --trust-workspace is a flag of env, check and verify, documented in each
// one's flag help and in the usage text, which says what untrusted means.
func TestTrustWorkspaceFlagDocumented(t *testing.T) {
	for _, cmd := range []string{"env", "check", "verify"} {
		stdout, _, _ := runCLI(t, nil, cmd, "--help")
		if !slices.Contains(helpFlags(stdout), "trust-workspace") || !strings.Contains(stdout, "trust the folder: honour") {
			t.Errorf("%s --help: no --trust-workspace:\n%s", cmd, stdout)
		}
	}
	stdout, _, code := runCLI(t, nil, "help")
	if code != exitOK {
		t.Fatalf("help: exit %d", code)
	}
	for _, want := range []string{"env    [--json] [--wide] [--consumer C]... [--folder DIR] [--settings FILE]... [--trust-workspace]", "untrusted unless --trust-workspace", "go.alternateTools", "withheld"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("usage lacks %q:\n%s", want, stdout)
		}
	}
}
