package rules_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

// The planner never proposes an edit of a GOENV file a workspace value
// named, not even one inside the folder: the terminal's GOENV comes from
// terminal.integrated.env.linux with ${userHome} (HOME is the folder here),
// and the file has lines the GOENV syntax rule would rewrite. A shell file
// the user's own environment names is refused too (it is not KEY=VALUE).
func TestFixesNeverWriteFilesAWorkspaceValueNamed(t *testing.T) {
	m := newMachine(t)
	for _, c := range []struct{ name, archive, file string }{
		{"workspace-named", `-- .vscode/settings.json --
{
  "terminal.integrated.env.linux": {"GOENV": "${userHome}/dot-bashrc"},
  "go.toolsEnvVars": {"GOFLAGS": "-mod=mod"}
}
-- dot-bashrc --
GOPROXY=https://goproxy.example.com,DIRECT
GOPRIVATE = corp.example.com
`, "dot-bashrc"},
		{"user-named shell file", `-- proc.env --
GOENV=$WORK/dot-profile
-- dot-profile --
export GOPRIVATE=corp.example.com
GOPROXY=https://goproxy.example.com,DIRECT
`, "dot-profile"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := m.setup(t, txtar.Parse([]byte(c.archive)))
			target := filepath.Join(w.work, c.file)
			findings := 0
			for _, f := range w.diagnose() {
				if f.File == target {
					findings++
				}
				for _, fx := range f.Fixes {
					for _, e := range fx.Edits {
						if e.File == target {
							t.Errorf("%s: %q edits %s", f.Code, fx.Title, c.file)
						}
					}
				}
			}
			if findings == 0 {
				t.Fatalf("no finding in %s: the test checks nothing", c.file)
			}
		})
	}
}
