package buildenv

import "testing"

// An export in script: of a variable before_script assigned marks that
// assignment exported; it once indexed the wrong list and panicked.
func TestGitLabExportAcrossScripts(t *testing.T) {
	g, err := ParseGitLabCI(".gitlab-ci.yml", []byte("job:\n  before_script:\n    - A=1\n    - GOPROXY=x\n  script:\n    - export GOPROXY\n    - go build\n"))
	if err != nil {
		t.Fatal(err)
	}
	j := g.Jobs[0]
	if len(j.BeforeScript.Settings) != 2 || len(j.Script.Settings) != 0 || len(j.Script.Go) != 1 {
		t.Fatalf("before_script %+v, script %+v", j.BeforeScript, j.Script)
	}
	if a, p := j.BeforeScript.Settings[0], j.BeforeScript.Settings[1]; a.Exported || !p.Exported {
		t.Errorf("A exported %v (want false), GOPROXY exported %v (want true)", a.Exported, p.Exported)
	}
}
