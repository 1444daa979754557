// Package e2eapt tests extension/scripts/e2e-apt.sh, which installs the
// Debian packages of the end-to-end suites for `make test` and chooses the
// suites that can run, with fake dpkg-query, id, apt-get and sudo on PATH.
package e2eapt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var script = filepath.Join("..", "..", "extension", "scripts", "e2e-apt.sh")

const (
	codeServerApt = "chromium build-essential"
	neovimApt     = "neovim"
)

// machine is a fake Debian system.
type machine struct {
	uid       string
	installed []string // packages dpkg lists as installed
	sudo      bool     // a sudo on PATH
	noApt     bool     // no apt-get on PATH
	aptFails  bool
}

type result struct {
	stdout, stderr string
	code           int
	calls          []string // "sudo ARGS", "apt-get ARGS" in order
}

func (m machine) run(t *testing.T, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	calls := filepath.Join(dir, "calls")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"sh", "grep", "mkdir", "dirname", "cat", "env"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is required: %v", tool, err)
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// dpkg-query -W -f=${Status} PKG: $3 is the package
	write("dpkg-query", `for p in `+strings.Join(m.installed, " ")+`; do [ "$p" = "$3" ] && { printf 'install ok installed'; exit 0; }; done; exit 1
`)
	write("id", "echo "+m.uid+"\n")
	rc := "0"
	if m.aptFails {
		rc = "100"
	}
	if !m.noApt {
		write("apt-get", `echo "apt-get $*" >> '`+calls+`'; echo "apt-get output"; exit `+rc+"\n")
	}
	if m.sudo {
		write("sudo", `echo "sudo $*" >> '`+calls+`'; exec "$@"`+"\n")
	}
	cmd := exec.Command("/bin/sh", append([]string{script}, args...)...)
	cmd.Env = []string{"PATH=" + bin, "E2E_DIR=" + filepath.Join(dir, "e2e"), "CODE_SERVER_APT=" + codeServerApt, "NEOVIM_APT=" + neovimApt}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(calls); err == nil {
		r.calls = strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	return r
}

var all = []string{"chromium", "build-essential", "neovim"}

func TestInstall(t *testing.T) {
	install := append([]string{"install"}, all...)
	const aptInstall = "apt-get install -y -q --no-install-recommends build-essential neovim"
	for _, tc := range []struct {
		name      string
		m         machine
		code      int
		calls     []string
		stdoutHas string
	}{
		{"root installs what is missing", machine{uid: "0", installed: []string{"chromium"}}, 0,
			[]string{"apt-get update -q", aptInstall}, "apt-get install build-essential neovim"},
		{"a user installs through sudo", machine{uid: "1000", installed: []string{"chromium"}, sudo: true}, 0,
			[]string{"sudo apt-get update -q", "apt-get update -q", "sudo env DEBIAN_FRONTEND=noninteractive " + aptInstall, aptInstall},
			"sudo apt-get install build-essential neovim"},
		{"a user without sudo is told what to install", machine{uid: "1000", installed: []string{"chromium"}}, 0,
			nil, "apt-get install build-essential neovim"},
		{"no apt-get: what to install", machine{uid: "0", noApt: true}, 0, nil, "install the equivalents of: chromium build-essential neovim"},
		{"nothing missing, nothing run", machine{uid: "1000", installed: all, sudo: true}, 0, nil, ""},
		{"a failing apt-get fails, with its output", machine{uid: "0", aptFails: true}, 1, []string{"apt-get update -q"}, "apt-get output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.m.run(t, install...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			if strings.Join(r.calls, "\n") != strings.Join(tc.calls, "\n") {
				t.Errorf("ran:\n%s\nwant:\n%s", strings.Join(r.calls, "\n"), strings.Join(tc.calls, "\n"))
			}
			if tc.stdoutHas == "" && r.stdout != "" || !strings.Contains(r.stdout, tc.stdoutHas) {
				t.Errorf("stdout %q, want it to hold %q", r.stdout, tc.stdoutHas)
			}
			if !tc.m.sudo && tc.m.uid != "0" && !tc.m.noApt && !strings.Contains(r.stdout, "skipped") {
				t.Errorf("stdout does not say the suites are skipped: %q", r.stdout)
			}
		})
	}
}

func TestSuites(t *testing.T) {
	suites := []string{"test/e2e/vscode.test.mjs", "test/e2e/vscode-restricted.test.mjs", "test/e2e/neovim.test.mjs"}
	for _, tc := range []struct {
		name      string
		installed []string
		run       []string
		skipped   []string // in stderr
	}{
		{"everything installed", all, suites, nil},
		{"no neovim: the code-server suites still run", []string{"chromium", "build-essential"}, suites[:2], []string{"SKIPPED test/e2e/neovim.test.mjs: it needs neovim"}},
		{"no compiler: the Neovim suite still runs", []string{"chromium", "neovim"}, suites[2:], []string{
			"SKIPPED test/e2e/vscode.test.mjs: it needs build-essential (apt-get install build-essential)",
			"SKIPPED test/e2e/vscode-restricted.test.mjs: it needs build-essential"}},
		{"nothing installed", nil, nil, []string{"SKIPPED test/e2e/vscode.test.mjs", "SKIPPED test/e2e/neovim.test.mjs: it needs neovim"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := machine{uid: "1000", installed: tc.installed}.run(t, append([]string{"suites"}, suites...)...)
			if r.code != 0 || len(r.calls) != 0 {
				t.Fatalf("exit %d, ran %q; stderr:\n%s", r.code, r.calls, r.stderr)
			}
			if got := strings.Fields(r.stdout); strings.Join(got, " ") != strings.Join(tc.run, " ") {
				t.Errorf("runs %q, want %q", got, tc.run)
			}
			for _, want := range tc.skipped {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if len(tc.skipped) == 0 && r.stderr != "" {
				t.Errorf("stderr: %q", r.stderr)
			}
		})
	}
}
