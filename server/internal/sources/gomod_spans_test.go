package sources

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

func TestParseGoModReplaceSpans(t *testing.T) {
	content := "// a comment\n" +
		"module \"git.example.com/team/svc\" // quoted\n" + // 2
		"\n" +
		"go 1.22\n" +
		"replace example.com/x/y => example.com/x v1.5.0 // by a module\n" + // 5
		"replace (\n" +
		"\texample.com/old v1.0.0 => ../old\n" + // 7
		"\t\"example.com/q\" v1.2.3 => \"example.com/r\" v1.3.0\n" + // 8
		")\n"
	m := ParseGoMod("/ws/go.mod", []byte(content))
	if m.Err != nil {
		t.Fatal(m.Err)
	}
	text := func(s Span) string { return content[s.Start:s.End] }
	if got := text(m.ModuleSpan); got != `module "git.example.com/team/svc"` {
		t.Errorf("module span holds %q", got)
	}
	if got := text(m.ModulePathSpan); got != `"git.example.com/team/svc"` {
		t.Errorf("module path span holds %q", got)
	}
	type want struct {
		line                         int
		line0                        string // the directive's text
		oldPath, oldVer, newPath, nv string // token texts ("" for none)
	}
	wants := []want{
		{5, "replace example.com/x/y => example.com/x v1.5.0", "example.com/x/y", "", "example.com/x", "v1.5.0"},
		{7, "example.com/old v1.0.0 => ../old", "example.com/old", "v1.0.0", "../old", ""},
		{8, `"example.com/q" v1.2.3 => "example.com/r" v1.3.0`, `"example.com/q"`, "v1.2.3", `"example.com/r"`, "v1.3.0"},
	}
	if len(m.Replace) != 3 {
		t.Fatalf("replaces %+v", m.Replace)
	}
	for i, w := range wants {
		r := m.Replace[i]
		if r.Line != w.line || text(r.Span) != w.line0 {
			t.Errorf("replace %d: line %d span %q; want %d %q", i, r.Line, text(r.Span), w.line, w.line0)
		}
		for _, c := range []struct {
			name string
			span Span
			want string
		}{{"old path", r.OldPathSpan, w.oldPath}, {"old version", r.OldVersionSpan, w.oldVer}, {"new path", r.NewPathSpan, w.newPath}, {"new version", r.NewVersionSpan, w.nv}} {
			if got := text(c.span); got != c.want || c.want == "" && c.span != (Span{}) {
				t.Errorf("replace %d %s: span %v holds %q; want %q", i, c.name, c.span, got, c.want)
			}
		}
	}
	if r := m.Replace[1]; r.OldPath != "example.com/old" || r.OldVersion != "v1.0.0" || r.NewPath != "../old" || r.NewVersion != "" {
		t.Errorf("directory replacement %+v", r)
	}
	if r := m.Replace[2]; r.OldPath != "example.com/q" || r.NewPath != "example.com/r" || r.NewVersion != "v1.3.0" {
		t.Errorf("quoted replacement %+v", r)
	}
}

func TestParseGoWorkReplace(t *testing.T) {
	content := "go 1.23\n\nuse ./a\n\nreplace example.com/old v1.0.0 => example.com/new v1.1.0\nreplace example.com/dir => ./dir\n"
	w := ParseGoWork("/ws/go.work", []byte(content))
	if w.Err != nil || len(w.Replace) != 2 {
		t.Fatalf("%+v", w)
	}
	if w.ModuleSpan != (Span{}) || w.ModulePathSpan != (Span{}) {
		t.Errorf("go.work has a module span: %+v", w)
	}
	r := w.Replace[0]
	if content[r.OldVersionSpan.Start:r.OldVersionSpan.End] != "v1.0.0" || content[r.NewPathSpan.Start:r.NewPathSpan.End] != "example.com/new" {
		t.Errorf("%+v", r)
	}
	if d := w.Replace[1]; d.NewVersion != "" || content[d.NewPathSpan.Start:d.NewPathSpan.End] != "./dir" {
		t.Errorf("%+v", d)
	}
}

// A go.mod the strict parser rejects is read laxly, which ignores replace
// directives (as the go command does for a dependency's go.mod): none are
// reported, exactly as if the consumers of Replace parsed it themselves.
func TestParseGoModLaxHasNoReplace(t *testing.T) {
	m := ParseGoMod("go.mod", []byte("module x\ngo 1.99\nfuturedirective foo\nreplace example.com/a => ../a\n"))
	if m.Err != nil || m.Module != "x" || len(m.Replace) != 0 {
		t.Errorf("lax parse: %+v", m)
	}
	if m.ModuleSpan != (Span{0, len("module x")}) {
		t.Errorf("module span %v", m.ModuleSpan)
	}
}

// unquoteToken is a token's value: a quoted one unquoted, else itself.
func unquoteToken(s string) string {
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// Every span of every go.mod and go.work in the repository's fixtures holds
// what it claims: the module path, each replace token, each requirement's path.
func TestModFileSpansOverFixtures(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../rules/testdata/*.txtar", "../rules/testdata/*/*.txtar", "../../../test/hostile/testdata/*.txtar", "../../../examples/*/*.txtar", "../../../examples/*/go.mod"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	checked := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var members []txtar.File
		if strings.HasSuffix(file, ".txtar") {
			members = txtar.Parse(data).Files
		} else {
			members = []txtar.File{{Name: filepath.Base(file), Data: data}}
		}
		for _, f := range members {
			var m *ModFile
			switch filepath.Base(f.Name) {
			case "go.mod":
				m = ParseGoMod(f.Name, f.Data)
			case "go.work":
				m = ParseGoWork(f.Name, f.Data)
			default:
				continue
			}
			if m.Err != nil {
				continue
			}
			checked++
			checkModFileSpans(t, file+":"+f.Name, f.Data, m)
		}
	}
	if checked < 20 {
		t.Fatalf("only %d go.mod/go.work fixtures found", checked)
	}
}

func checkModFileSpans(t *testing.T, name string, content []byte, m *ModFile) {
	t.Helper()
	text := func(s Span) string {
		if s.Start < 0 || s.End > len(content) || s.Start > s.End {
			t.Fatalf("%s: span %v out of range", name, s)
		}
		return string(content[s.Start:s.End])
	}
	if m.Module != "" {
		if got := unquoteToken(text(m.ModulePathSpan)); got != m.Module {
			t.Errorf("%s: module path span holds %q, module is %q", name, got, m.Module)
		}
		if !strings.HasPrefix(text(m.ModuleSpan), "module") && !strings.Contains(text(m.ModuleSpan), m.Module) {
			t.Errorf("%s: module span holds %q", name, text(m.ModuleSpan))
		}
	}
	for _, r := range m.Replace {
		line := text(r.Span)
		if !strings.Contains(line, "=>") {
			t.Errorf("%s: replace span holds %q", name, line)
		}
		if r.OldPathSpan == (Span{}) {
			continue // not lexed (e.g. "a=>b"): no token spans
		}
		for _, c := range []struct {
			span  Span
			value string
		}{{r.OldPathSpan, r.OldPath}, {r.OldVersionSpan, r.OldVersion}, {r.NewPathSpan, r.NewPath}, {r.NewVersionSpan, r.NewVersion}} {
			if c.value == "" {
				if c.span != (Span{}) {
					t.Errorf("%s: span %v for an absent token", name, c.span)
				}
				continue
			}
			if got := unquoteToken(text(c.span)); got != c.value {
				t.Errorf("%s: span holds %q, want %q", name, got, c.value)
			}
			if c.span.Start < r.Span.Start || c.span.End > r.Span.End {
				t.Errorf("%s: token span %v outside the directive %v", name, c.span, r.Span)
			}
		}
	}
	for _, r := range m.Require {
		if got := unquoteToken(text(r.PathSpan)); got != r.Path && text(r.PathSpan) != text(r.Span) {
			t.Errorf("%s: requirement span holds %q, want %q", name, got, r.Path)
		}
	}
}

// The spans of generated directives hold their tokens, whatever the spacing,
// quoting and comments around them.
func TestModFileSpansGenerated(t *testing.T) {
	paths := []string{"example.com/a", `"example.com/q"`, `"example.com/esc\u0061"`, "example.com/a/v2"}
	versions := []string{"", "v1.0.0", `"v1.2.3"`}
	news := []string{"../dir", "./d", `"./q d"`, "example.com/n v1.4.0", `"example.com/n" "v2.0.0+incompatible"`}
	spaces := []string{" ", "\t", "  \t "}
	comments := []string{"", " // note", "\t//x"}
	n := 0
	for _, p := range paths {
		for _, v := range versions {
			for _, nw := range news {
				for _, sp := range spaces {
					for _, c := range comments {
						n++
						old := p
						if v != "" {
							old += sp + v
						}
						content := "module example.com/m\n\nreplace" + sp + old + sp + "=>" + sp + nw + c + "\nreplace (\n" + sp + old + " => " + nw + c + "\n)\n"
						if strings.Contains(p, "/v2") && v != "" {
							continue // v1 versions are not the /v2 module's
						}
						m := ParseGoMod("go.mod", []byte(content))
						if m.Err != nil {
							t.Fatalf("%q: %v", content, m.Err)
						}
						if len(m.Replace) != 2 || m.Replace[0].OldPathSpan == (Span{}) || m.Replace[1].OldPathSpan == (Span{}) {
							t.Fatalf("%q: %+v", content, m.Replace)
						}
						checkModFileSpans(t, content, []byte(content), m)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no cases")
	}
}
