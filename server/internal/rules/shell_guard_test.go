package rules_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestShellFilesAreNeverEdited is the write guard for start-up files:
// they are read-only sources (SPEC §3 shell-rc). When the terminal's bad
// values are traced to ~/.bashrc, findings land on its lines, but no fix
// edits it or any other start-up file; the fixes go to the files the
// write policy allows (VS Code user settings here). No credential of the
// files shows in any message or fix title.
func TestShellFilesAreNeverEdited(t *testing.T) {
	m := newMachine(t)
	ar := txtar.Parse([]byte(`-- options --
host=true
user-settings=missing
-- proc.env --
SHELL=/bin/bash
GOPROXY=https://carol:pw-9f8e7d@proxy.example.com;direct
GOSUMDB=off
GOPRIVATE=https://corp.example.com
HTTPS_PROXY=http://carol:pw-9f8e7d@proxy.example.com:3128
-- etc/environment --
GOSUMDB=off
-- .bashrc --
export GOPROXY='https://carol:pw-9f8e7d@proxy.example.com;direct'
export GOPRIVATE=https://corp.example.com
export HTTPS_PROXY=http://carol:pw-9f8e7d@proxy.example.com:3128
-- go.mod --
module corp.example.com/app

go 1.22

require corp.example.com/lib v1.0.0
`))
	w := m.setup(t, ar)
	snap := w.load()
	if snap.Shell == nil || len(snap.Shell.Files) != 2 {
		t.Fatalf("start-up files read: %+v", snap.Shell)
	}
	shellFiles := map[string]bool{}
	for _, f := range snap.Shell.Files {
		shellFiles[f.Path] = true
	}
	got := w.diagnose()
	inShellFile, fixes := 0, 0
	for _, f := range got {
		if shellFiles[f.File] {
			inShellFile++
		}
		for _, fx := range f.Fixes {
			fixes++
			for _, e := range fx.Edits {
				if shellFiles[e.File] || strings.HasPrefix(e.File, w.work+"/.") && !strings.HasPrefix(e.File, w.work+"/.vscode/") {
					t.Errorf("%s: fix %q edits the start-up file %s", f.Code, fx.Title, e.File)
				}
			}
			if strings.Contains(fx.Title, "pw-9f8e7d") {
				t.Errorf("fix title holds the credential: %q", fx.Title)
			}
		}
	}
	if inShellFile == 0 || fixes == 0 {
		t.Fatalf("%d findings on start-up files, %d fixes: the guard checked nothing\n%s", inShellFile, fixes, w.render(t, got))
	}
	// render fails the test on any credential of the fixture in a message.
	// render fails the test on any credential of the fixture in a message.
	w.render(t, got)
}
