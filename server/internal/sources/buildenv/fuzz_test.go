package buildenv

import (
	"testing"

	"golang.org/x/tools/txtar"
)

// seed adds the fixture files of one kind to a fuzz corpus.
func seed(f *testing.F, kind func(string) bool) {
	for _, file := range fixtures(f) {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if af.Name != "want" && kind(af.Name) {
				f.Add(af.Data)
			}
		}
	}
}

// fuzzParse parses content as path and checks the span property on
// whatever parses; an error is fine, a panic or a bad span is not.
func fuzzParse(t *testing.T, path string, content []byte) {
	d, err := parseAny(path, content)
	if err != nil {
		return
	}
	checkSpans(t, path, content, d.items)
}

func FuzzParseDockerfile(f *testing.F) {
	seed(f, IsDockerfile)
	f.Add([]byte("# escape=`\nFROM x\nENV A=`\n  1 B=\"`\"\"\nRUN <<-EOF\n\tA=1\n\tEOF\n"))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, "Dockerfile", b) })
}

func FuzzParseWorkflow(f *testing.F) {
	seed(f, IsWorkflow)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, ".github/workflows/ci.yml", b) })
}

func FuzzParseGitLabCI(f *testing.F) {
	seed(f, IsGitLabCI)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, ".gitlab-ci.yml", b) })
}

func FuzzParseCompose(f *testing.F) {
	seed(f, IsCompose)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, "compose.yaml", b) })
}

func FuzzParseDevContainer(f *testing.F) {
	seed(f, IsDevContainer)
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, ".devcontainer/devcontainer.json", b) })
}

func FuzzParseShellFile(f *testing.F) {
	seed(f, func(p string) bool {
		k, ok := ShellKindOf(p)
		return ok && k != EtcEnvironment
	})
	f.Add([]byte("A=$'x\\ty' B=\"$(echo \")\")\" C=`d` ; export A B\n{ echo X=1; } >> $GITHUB_ENV\ncat <<-E\n\tE\n"))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, "script.sh", b) })
}

func FuzzParseEtcEnvironment(f *testing.F) {
	seed(f, func(p string) bool { k, _ := ShellKindOf(p); return k == EtcEnvironment })
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, "/etc/environment", b) })
}
