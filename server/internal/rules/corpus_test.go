package rules_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
)

// corpusFile holds settings files of every style a user may have, each with
// mistakes that have fixes, and the context they are checked in.
const corpusFile = "testdata/corpus.txtar"

// minCorpus is the bar for the property test.
const minCorpus = 30

// quietPrefix marks the quiet corpus in corpusFile: quiet/<name>/<file> is
// a file of workspace <name>, a correct and common configuration (in the
// fixture file conventions of rules_test.go) on which no rule may report
// anything above information.
const quietPrefix = "quiet/"

// minQuiet is the bar for the quiet corpus.
const minQuiet = 25

// TestQuietCorpus checks every quiet workspace of the corpus: a finding
// above information there is a false alarm on a setup people rightly use.
func TestQuietCorpus(t *testing.T) {
	m := newMachine(t)
	ar, err := txtar.ParseFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	workspaces := map[string][]txtar.File{}
	for _, f := range ar.Files {
		rest, ok := strings.CutPrefix(f.Name, quietPrefix)
		if !ok {
			continue
		}
		name, file, ok := strings.Cut(rest, "/")
		if !ok || file == "" {
			t.Fatalf("%s: a quiet corpus file is named quiet/<workspace>/<file>", f.Name)
		}
		if workspaces[name] == nil {
			names = append(names, name)
		}
		workspaces[name] = append(workspaces[name], txtar.File{Name: file, Data: f.Data})
	}
	if len(names) < minQuiet {
		t.Fatalf("the quiet corpus has %d workspaces, want at least %d", len(names), minQuiet)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			w := m.setup(t, &txtar.Archive{Files: workspaces[name]})
			var loud []findings.Finding
			for _, f := range w.diagnose() {
				if f.Severity < findings.Information {
					loud = append(loud, f)
				}
			}
			if len(loud) > 0 {
				t.Errorf("a correct configuration gave findings above information:\n%s", w.render(t, loud))
			}
		})
	}
}

// TestFixProperties applies every fix offered for every settings file of
// the corpus — placed as workspace settings and as user settings — and
// checks what a fix must never break: the edited files parse, each edit
// stays within the member it targets (or the line of the GOENV key), every
// comment is kept, and so are their BOM, line endings,
// indentation and trailing-comma style; the finding the fix was for is gone
// when the engine runs again; and no new error appears.
func TestFixProperties(t *testing.T) {
	m := newMachine(t)
	ar, err := txtar.ParseFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	var context []txtar.File
	var corpus []txtar.File
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "settings/"); ok {
			corpus = append(corpus, txtar.File{Name: name, Data: corpusBytes(name, f.Data)})
		} else if !strings.HasPrefix(f.Name, quietPrefix) {
			context = append(context, f)
		}
	}
	if len(corpus) < minCorpus {
		t.Fatalf("the corpus has %d settings files, want at least %d", len(corpus), minCorpus)
	}
	fixes := 0
	for _, c := range corpus {
		for _, placement := range []string{".vscode/settings.json", "user/settings.json"} {
			t.Run(c.Name+"@"+strings.Split(placement, "/")[0], func(t *testing.T) {
				files := []txtar.File{{Name: placement, Data: c.Data}}
				for _, f := range context {
					if f.Name != placement {
						files = append(files, f)
					}
				}
				fixes += checkEveryFix(t, m, &txtar.Archive{Files: files})
			})
		}
	}
	t.Logf("%d settings files, %d fixes checked", len(corpus), fixes)
	if fixes == 0 {
		t.Error("the corpus offered no fix")
	}
}

// checkEveryFix applies each fix of each finding in turn to a fresh copy of
// the workspace and checks it. It returns how many fixes it checked.
func checkEveryFix(t *testing.T, m *machine, ar *txtar.Archive) int {
	w := m.setup(t, ar)
	before := w.diagnose()
	errs := map[string]bool{}
	for _, f := range before {
		if f.Severity == findings.Error {
			errs[f.Code+"\x00"+f.File] = true
		}
	}
	n := 0
	for _, f := range before {
		for _, fx := range f.Fixes {
			n++
			restore := w.snapshotFiles(t, fx)
			what := f.Code + ": " + fx.Title
			written := map[string][]byte{}
			var oldComments, newComments []byte // of every JSONC file the fix writes: a move takes comments along
			for file, edits := range byFile(fx) {
				old, err := os.ReadFile(file)
				if err != nil && !errors.Is(err, os.ErrNotExist) {
					t.Fatal(err)
				}
				next, err := applyEdits(old, edits)
				if err != nil {
					t.Errorf("%s: %v", what, err)
					continue
				}
				if err := withinTargets(old, next, fx, file, edits, isJSONC(file)); err != nil {
					t.Errorf("%s: %s: %v", what, w.archiveName(file), err)
				}
				if isJSONC(file) {
					if err := checkStyle(old, next); err != nil {
						t.Errorf("%s: %s: %v\n%s", what, w.archiveName(file), err, next)
					}
					oldComments = append(append(oldComments, old...), '\n')
					newComments = append(append(newComments, next...), '\n')
				}
				written[file] = next
			}
			if lost := fix.LostComments(oldComments, newComments); len(lost) > 0 {
				t.Errorf("%s: comments lost: %q", what, lost)
			}
			for file, content := range written {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			after := w.diagnose()
			if still := findTarget(f, fx, after); still != nil {
				t.Errorf("%s: the finding is still there: %s", what, still.Message)
			}
			for _, a := range after {
				if a.Code == "settings-parse-error" {
					t.Errorf("%s: %s no longer parses: %s", what, w.archiveName(a.File), a.Message)
				} else if a.Severity == findings.Error && !errs[a.Code+"\x00"+a.File] {
					t.Errorf("%s: a new error appeared: %s", what, a.Message)
				}
			}
			restore()
		}
	}
	return n
}

func isJSONC(file string) bool {
	return strings.HasSuffix(file, ".json") || strings.HasSuffix(file, ".code-workspace")
}

// snapshotFiles saves the files a fix touches and returns a function that
// puts them back (removing the ones it creates).
func (w *workspace) snapshotFiles(t *testing.T, fx findings.Fix) func() {
	saved := map[string][]byte{}
	for file := range byFile(fx) {
		if content, err := os.ReadFile(file); err == nil {
			saved[file] = content
		} else {
			saved[file] = nil
		}
	}
	return func() {
		for file, content := range saved {
			var err error
			if content == nil {
				err = os.Remove(file)
			} else {
				err = os.WriteFile(file, content, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// corpusBytes applies the corpus's naming conventions, for what a txtar
// archive cannot hold: "crlf" in the name turns line endings into CRLF,
// "bom" prepends a UTF-8 BOM, "noeol" drops the final line ending.
func corpusBytes(name string, data []byte) []byte {
	s := string(data)
	if strings.Contains(name, "noeol") {
		s = strings.TrimSuffix(s, "\n")
	}
	if strings.Contains(name, "crlf") {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	if strings.Contains(name, "bom") {
		s = "\xEF\xBB\xBF" + s
	}
	return []byte(s)
}
