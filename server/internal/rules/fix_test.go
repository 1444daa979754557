package rules_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// A fixture with a fix golden names one fix and shows the files after it:
//
//	-- @fix --              "code: title" of the fix to apply
//	-- @after/<file> --     each file the fix writes, as it is afterwards
//	                        (<file> is the archive name; created files too)
//	-- @after-diagnostics --the findings when the engine runs again
//
// go test -update rewrites the @after sections.
const (
	fixSection   = "@fix"
	afterPrefix  = "@after/"
	afterSection = "@after-diagnostics"
)

func section(ar *txtar.Archive, name string) *txtar.File {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			return &ar.Files[i]
		}
	}
	return nil
}

// checkFixGolden applies the fix the archive names and compares the files
// and findings afterwards with its @after sections.
func checkFixGolden(t *testing.T, w *workspace, ar *txtar.Archive, file string) {
	t.Helper()
	want := strings.TrimSpace(string(section(ar, fixSection).Data))
	code, title, ok := strings.Cut(want, ": ")
	if !ok {
		t.Fatalf("%s: the @fix section is \"code: title\", not %q", file, want)
	}
	before := w.diagnose()
	var target *findings.Finding
	var chosen *findings.Fix
	var offered []string
	for i := range before {
		f := &before[i]
		for j := range f.Fixes {
			offered = append(offered, f.Code+": "+f.Fixes[j].Title)
			if f.Code == code && f.Fixes[j].Title == title && chosen == nil {
				target, chosen = f, &f.Fixes[j]
			}
		}
	}
	if chosen == nil {
		t.Fatalf("%s: no fix %q; offered:\n  %s", file, want, strings.Join(offered, "\n  "))
	}
	written := w.apply(t, *chosen)
	after := w.diagnose()
	if still := findTarget(*target, *chosen, after); still != nil {
		t.Errorf("%s: after %q the finding is still there: %s", file, want, still.Message)
	}

	got := map[string]string{afterSection: w.render(t, after)}
	for path, content := range written {
		got[afterPrefix+w.archiveName(path)] = w.m.replacer.Replace(strings.ReplaceAll(string(content), w.work, "$WORK"))
	}
	if *update {
		var keep []txtar.File
		for _, f := range ar.Files {
			if f.Name != afterSection && !strings.HasPrefix(f.Name, afterPrefix) {
				keep = append(keep, f)
			}
		}
		if section(ar, goldenSection) == nil {
			keep = append(keep, txtar.File{Name: goldenSection}) // filled in by runFixture
		}
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			keep = append(keep, txtar.File{Name: n, Data: []byte(got[n])})
		}
		ar.Files = keep
		return
	}
	for _, f := range ar.Files {
		if f.Name == afterSection || strings.HasPrefix(f.Name, afterPrefix) {
			if _, ok := got[f.Name]; !ok {
				t.Errorf("%s: %s is not written by the fix", file, f.Name)
			}
		}
	}
	for name, content := range got {
		f := section(ar, name)
		switch {
		case f == nil:
			t.Errorf("%s: no -- %s -- section (run go test -update)", file, name)
		case string(f.Data) != content:
			t.Errorf("%s: %s differs (run go test ./server/internal/rules -run TestFixtures -update to accept)\n--- got\n%s--- want\n%s", file, name, content, f.Data)
		}
	}
}

// archiveName is the name a fixture gives a file of the workspace.
func (w *workspace) archiveName(path string) string {
	switch path {
	case w.goenvPath:
		return "goenv"
	}
	rel, err := filepath.Rel(w.work, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// apply writes a fix's edits to disk and returns the new contents, checking
// that each edit stays within what the fix targets.
func (w *workspace) apply(t *testing.T, fx findings.Fix) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for file, edits := range byFile(fx) {
		var content []byte
		if !edits[0].Create {
			var err error
			if content, err = os.ReadFile(file); err != nil {
				t.Fatalf("fix %q edits %s: %v", fx.Title, file, err)
			}
		} else if _, err := os.Stat(file); err == nil {
			t.Fatalf("fix %q creates %s, which exists", fx.Title, file)
		}
		next, err := applyEdits(content, edits)
		if err != nil {
			t.Fatalf("fix %q: %v", fx.Title, err)
		}
		if err := withinTargets(content, next, fx, file, edits, isJSONC(file)); err != nil {
			t.Errorf("fix %q: %s: %v", fx.Title, w.archiveName(file), err)
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, next, 0o644); err != nil {
			t.Fatal(err)
		}
		out[file] = next
	}
	return out
}

func byFile(fx findings.Fix) map[string][]findings.Edit {
	m := map[string][]findings.Edit{}
	for _, e := range fx.Edits {
		m[e.File] = append(m[e.File], e)
	}
	return m
}

func applyEdits(content []byte, edits []findings.Edit) ([]byte, error) {
	var te []fix.TextEdit
	for _, e := range edits {
		if e.Create {
			if len(edits) != 1 {
				return nil, fmt.Errorf("a created file has %d edits", len(edits))
			}
			return []byte(e.NewText), nil
		}
		te = append(te, fix.TextEdit{Span: e.Span, NewText: e.NewText})
	}
	return fix.Apply(content, te)
}

// findTarget returns the finding the fix was for when it is still reported
// after the fix: the same code at the place the fix moved its span to, for
// one of the same consumers (a rule may report one place several times, for
// different consumers).
func findTarget(target findings.Finding, fx findings.Fix, after []findings.Finding) *findings.Finding {
	start := target.Span.Start
	if target.File != "" {
		start = mapOffset(start, editsIn(fx, target.File))
	}
	for i := range after {
		f := &after[i]
		if f.Code != target.Code || f.File != target.File {
			continue
		}
		if target.File == "" && f.Message != target.Message || target.File != "" && f.Span.Start != start {
			continue
		}
		if len(target.Consumers) == 0 && f.Message == target.Message || shareOne(f.Consumers, target.Consumers) {
			return f
		}
	}
	return nil
}

func shareOne(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func editsIn(fx findings.Fix, file string) []findings.Edit {
	var out []findings.Edit
	for _, e := range fx.Edits {
		if e.File == file {
			out = append(out, e)
		}
	}
	return out
}

// mapOffset moves an offset of the old text to the new one: past an edit by
// its change in length, into an edit to its start.
func mapOffset(off int, edits []findings.Edit) int {
	edits = append([]findings.Edit(nil), edits...)
	sort.Slice(edits, func(i, j int) bool { return edits[i].Span.Start < edits[j].Span.Start })
	delta := 0
	for _, e := range edits {
		switch {
		case e.Create:
			return 0
		case e.Span.End <= off && e.Span.Start < off:
			delta += len(e.NewText) - (e.Span.End - e.Span.Start)
		case e.Span.Start <= off && off < e.Span.End:
			return e.Span.Start + delta
		}
	}
	return off + delta
}

// withinTargets checks that each edit of a file stays within what the fix
// targets (fix.CheckWithin, fix.CheckEnvWithin): in a JSONC file, the
// members its operations set, remove or rename and the objects they insert
// into — and also, as the trees before and after show, the members whose
// value changes and the objects that gain or lose a member; in a GOENV file
// the lines of the keys whose value changes. A created file has nothing to
// stay within.
func withinTargets(old, new []byte, fx findings.Fix, file string, edits []findings.Edit, jsonc bool) error {
	var te []fix.TextEdit
	for _, e := range edits {
		if e.Create {
			return nil
		}
		te = append(te, fix.TextEdit{Span: e.Span, NewText: e.NewText})
	}
	if kind, ok := buildenv.KindOf(file); ok {
		return checkBuildEdit(kind, file, old, new, te)
	}
	if !jsonc {
		return fix.CheckEnvWithin(old, new, te, nil)
	}
	before, perr := sources.ParseJSONC(old)
	if perr != nil {
		return fmt.Errorf("the file did not parse before the fix: %v", perr)
	}
	after, perr := sources.ParseJSONC(new)
	if perr != nil {
		return fmt.Errorf("does not parse after the fix: %v", perr)
	}
	targets, ok := fixplan.Targets(fx, file)
	if !ok {
		return fmt.Errorf("the fix records no targets for a JSONC file it edits")
	}
	if err := fix.CheckWithin(old, before, te, targets); err != nil {
		return fmt.Errorf("targets of the operations: %w", err)
	}
	if err := fix.CheckWithin(old, before, te, fix.ChangedTargets(before, after)); err != nil {
		return fmt.Errorf("targets from the trees: %w", err)
	}
	return nil
}

// checkStyle checks that a JSONC file kept its formatting: BOM, line
// endings, no trailing comma where it had none, its indentation unit.
func checkStyle(old, new []byte) error {
	if bytes.HasPrefix(old, []byte("\xEF\xBB\xBF")) != bytes.HasPrefix(new, []byte("\xEF\xBB\xBF")) {
		return fmt.Errorf("the BOM changed")
	}
	if bytes.Contains(old, []byte("\r\n")) && bytes.Count(old, []byte("\n"))-bytes.Count(old, []byte("\r\n")) != bytes.Count(new, []byte("\n"))-bytes.Count(new, []byte("\r\n")) {
		return fmt.Errorf("LF line endings added to a CRLF file")
	}
	oldRoot, err := sources.ParseJSONC(old)
	if err != nil {
		return nil
	}
	newRoot, perr := sources.ParseJSONC(new)
	if perr != nil {
		return fmt.Errorf("does not parse: %v", perr)
	}
	st, nst := fix.DetectStyle(old, oldRoot), fix.DetectStyle(new, newRoot)
	if !st.Trailing && nst.Trailing {
		return fmt.Errorf("a trailing comma was added to a file without any")
	}
	for _, line := range added(old, new) {
		lead := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		switch {
		case st.Indent == "\t" && strings.Contains(lead, " ") && bytes.Contains(old, []byte("\n\t")):
			return fmt.Errorf("space indentation %q added to a tab-indented file", line)
		case st.Indent != "\t" && strings.Contains(lead, "\t") && !bytes.Contains(old, []byte("\t")):
			return fmt.Errorf("tab indentation %q added to a space-indented file", line)
		case st.Indent != "\t" && len(lead)%len(st.Indent) != 0 && bytes.Contains(old, []byte("\n"+st.Indent)):
			return fmt.Errorf("line %q is not indented in units of %d spaces", line, len(st.Indent))
		}
	}
	return nil
}

// added lists the lines of new that old does not have.
func added(old, new []byte) []string {
	have := map[string]int{}
	for _, l := range strings.Split(string(old), "\n") {
		have[l]++
	}
	var out []string
	for _, l := range strings.Split(string(new), "\n") {
		if have[l] > 0 {
			have[l]--
			continue
		}
		out = append(out, strings.TrimRight(l, "\r"))
	}
	return out
}

// TestFixesNeverWriteCredentials: no fix writes a credential into any file
// (SPEC §5a) — not the workspace's, not user settings, not the GOENV file —
// and no fix shows one in its edits or title. A fix that would is not
// offered at all: the terminal does not get the editor's proxy (with bob's
// password) in user settings, nor the editor the terminal's (erin's).
func TestFixesNeverWriteCredentials(t *testing.T) {
	m := newMachine(t)
	ar := txtar.Parse([]byte(`-- proc.env --
GOPROXY=https://goproxy.corp.example.com,direct
HTTPS_PROXY=http://erin:s3cret@proxy.example.net:3128
-- go.mod --
module corp.example.com/app

go 1.22
-- user/settings.json --
{
}
-- .vscode/settings.json --
{
  "go.toolsEnvVars": {
    "HTTPS_PROXY": "http://bob:hunter2@proxy.example.net:3128",
    "GOPROXY": "https://ci:t0ken@goproxy.corp.example.com,DIRECT"
  },
  "http.proxy": "http://carol:pa55@proxy.example.net:3128"
}
-- .vscode/tasks.json --
{
  "version": "2.0.0",
  "tasks": [
    { "type": "shell", "label": "get", "command": "go get", "options": { "env": { "HTTPS_PROXY": "http://dave:pw@proxy.example.net:3128" } } }
  ]
}
`))
	secrets := []string{"s3cret", "hunter2", "t0ken", "pa55", "dave:pw@"}
	w := m.setup(t, ar)
	n := 0
	for _, f := range w.diagnose() {
		for _, fx := range f.Fixes {
			n++
			for _, e := range fx.Edits {
				for _, secret := range secrets {
					if strings.Contains(e.NewText, secret) || strings.Contains(fx.Title, secret) {
						t.Errorf("%s: %q writes %q into %s: %q", f.Code, fx.Title, secret, w.archiveName(e.File), e.NewText)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no fix offered: the test checks nothing")
	}
	got := w.render(t, w.diagnose())
	for _, unsafe := range []string{
		"Set HTTPS_PROXY in terminal.integrated.env.linux (user settings)",
		"Set go.toolsEnvVars.HTTPS_PROXY in .vscode/settings.json",
		"Move http.proxy",
	} {
		if strings.Contains(got, unsafe) {
			t.Errorf("a fix that copies a credential is offered (%s):\n%s", unsafe, got)
		}
	}
	// Fixes without a credential in their edits stay.
	if !strings.Contains(got, `Replace "DIRECT" with "direct" in go.toolsEnvVars.GOPROXY`) &&
		!strings.Contains(got, "Remove go.toolsEnvVars.GOPROXY from .vscode/settings.json") {
		t.Errorf("the fixes that write no credential are gone too:\n%s", got)
	}
}

// TestNoFixesForHugeValues: with a value over maxFixedValue (a generated
// list), findings come without fixes — each fix would be replayed through
// every rule at the value's length — and the same finding on a normal value
// keeps its fix.
func TestNoFixesForHugeValues(t *testing.T) {
	m := newMachine(t)
	settings := func(goproxy string) *txtar.Archive {
		return txtar.Parse([]byte("-- go.mod --\nmodule example.com/app\n\ngo 1.22\n-- user/settings.json --\n{}\n" +
			"-- .vscode/settings.json --\n{\"go.toolsEnvVars\": {\"GOPROXY\": \"" + goproxy + "\"}}\n"))
	}
	fixesOf := func(goproxy string) (findings, fixes int) {
		for _, f := range m.setup(t, settings(goproxy)).diagnose() {
			if f.Code == "goproxy-dead-entries" {
				findings++
				fixes += len(f.Fixes)
			}
		}
		return findings, fixes
	}
	if n, fixes := fixesOf("https://a.example.com,https://a.example.com,direct"); n == 0 || fixes == 0 {
		t.Fatalf("a normal duplicate entry: %d findings, %d fixes; want both", n, fixes)
	}
	long := strings.Repeat("https://a.example.com,", 4000) + "direct" // ~88 KB
	if n, fixes := fixesOf(long); n == 0 || fixes != 0 {
		t.Errorf("a %d-byte value: %d findings, %d fixes; want findings without fixes", len(long), n, fixes)
	}
}

// checkBuildEdit checks a fix of a build file (Dockerfile, workflow, GitLab
// CI): the file parsed before and parses after with the same parser; every
// comment and every line the edits do not touch is kept, with its
// indentation; inserted lines use the file's line ending; and an edit
// changes whole lines or a span within one line.
func checkBuildEdit(kind sources.Kind, file string, old, new []byte, edits []fix.TextEdit) error {
	if p, err := buildenv.Parse(kind, file, old); err != nil || p == nil {
		return fmt.Errorf("the file did not parse before the fix: %v", err)
	}
	if p, err := buildenv.Parse(kind, file, new); err != nil || p == nil {
		return fmt.Errorf("does not parse after the fix: %v", err)
	}
	crlf := bytes.Contains(old, []byte("\r\n"))
	for _, e := range edits {
		if crlf && strings.Count(e.NewText, "\n") != strings.Count(e.NewText, "\r\n") {
			return fmt.Errorf("an edit writes LF line endings into a CRLF file: %q", e.NewText)
		}
		removed := string(old[e.Span.Start:e.Span.End])
		for _, l := range strings.Split(removed, "\n") {
			if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") && !strings.Contains(e.NewText, t) {
				return fmt.Errorf("the edit removes the comment %q", t)
			}
		}
		if strings.Contains(removed, "\n") && (e.Span.Start > 0 && old[e.Span.Start-1] != '\n' || e.Span.End > 0 && old[e.Span.End-1] != '\n') {
			return fmt.Errorf("an edit of several lines does not replace whole lines: %q", removed)
		}
	}
	// Every line of the old file outside the edits is in the new one, in order.
	var kept []string
	at := 0
	sorted := append([]fix.TextEdit(nil), edits...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Span.Start < sorted[j].Span.Start })
	for _, e := range sorted {
		kept = append(kept, wholeLines(old, at, e.Span.Start)...)
		at = e.Span.End
	}
	kept = append(kept, wholeLines(old, at, len(old))...)
	rest := string(new)
	for _, l := range kept {
		i := strings.Index(rest, l)
		if i < 0 {
			return fmt.Errorf("the line %q is lost or changed", l)
		}
		rest = rest[i+len(l):]
	}
	return nil
}

// wholeLines lists the complete lines of c[from:to].
func wholeLines(c []byte, from, to int) []string {
	var out []string
	for from < to {
		if from > 0 && c[from-1] != '\n' {
			i := bytes.IndexByte(c[from:to], '\n')
			if i < 0 {
				break
			}
			from += i + 1
			continue
		}
		i := bytes.IndexByte(c[from:to], '\n')
		if i < 0 {
			if to == len(c) {
				out = append(out, string(c[from:to]))
			}
			break
		}
		out = append(out, string(c[from:from+i+1]))
		from += i + 1
	}
	return out
}
