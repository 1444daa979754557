package sources

import (
	"strings"
	"testing"
)

func TestParseGoMod(t *testing.T) {
	content := "module git.example.com/team/svc\r\n" + // 1
		"\r\n" + // 2
		"go 1.22\r\n" + // 3
		"toolchain go1.22.4\r\n" + // 4
		"require example.com/single v1.0.0\r\n" + // 5
		"require (\r\n" + // 6
		"\tgit.example.com/team/lib v0.3.1\r\n" + // 7
		"\tgolang.org/x/text v0.14.0 // indirect\r\n" + // 8
		"\t\"example.com/quoted\" v1.2.3\r\n" + // 9
		")\r\n" + // 10
		"replace example.com/x/y => example.com/x v1.5.0\r\n" + // 11
		"replace example.com/local => ../local\r\n" // 12
	m := ParseGoMod("/ws/go.mod", []byte(content))
	if m.Err != nil {
		t.Fatal(m.Err)
	}
	if m.Module != "git.example.com/team/svc" || m.Go != "1.22" || m.Toolchain != "go1.22.4" || m.Path != "/ws/go.mod" {
		t.Errorf("header %q %q %q", m.Module, m.Go, m.Toolchain)
	}
	type want struct {
		path, version string
		line          int
		indirect      bool
	}
	wants := []want{
		{"example.com/single", "v1.0.0", 5, false},
		{"git.example.com/team/lib", "v0.3.1", 7, false},
		{"golang.org/x/text", "v0.14.0", 8, true},
		{"example.com/quoted", "v1.2.3", 9, false},
		{"example.com/x", "v1.5.0", 11, false}, // a replacement by a module version is fetched too
	}
	if len(m.Require) != len(wants) {
		t.Fatalf("requirements %+v", m.Require)
	}
	for i, w := range wants {
		r := m.Require[i]
		if r.Path != w.path || r.Version != w.version || r.Line != w.line || r.Indirect != w.indirect || r.File != "/ws/go.mod" {
			t.Errorf("requirement %d: %+v, want %+v", i, r, w)
		}
		if got := content[r.PathSpan.Start:r.PathSpan.End]; got != w.path {
			t.Errorf("%s: path span holds %q", w.path, got)
		}
		if r.Span.Start > r.PathSpan.Start || r.Span.End < r.PathSpan.End || NewLines([]byte(content)).Line(r.Span.Start) != w.line {
			t.Errorf("%s: span %v, path span %v", w.path, r.Span, r.PathSpan)
		}
	}
}

func TestParseGoModErrors(t *testing.T) {
	m := ParseGoMod("go.mod", []byte("module x\nrequire (\n\tnot a requirement line at all\n"))
	if m.Err == nil {
		t.Errorf("no error for a broken go.mod: %+v", m)
	}
	if got := ParseGoMod("go.mod", nil); got.Err != nil || got.Module != "" || len(got.Require) != 0 {
		t.Errorf("empty go.mod: %+v", got)
	}
	// Lax parsing: unknown directives of newer Go versions are fine.
	if got := ParseGoMod("go.mod", []byte("module x\ngo 1.99\nfuturedirective foo\nrequire example.com/a v1.0.0\n")); got.Err != nil || len(got.Require) != 1 {
		t.Errorf("lax parse: %+v", got)
	}
}

func TestParseGoWork(t *testing.T) {
	content := "go 1.23\ntoolchain go1.23.1\n\nuse (\n\t./a\n\t./b\n)\n\nreplace example.com/old v1.0.0 => example.com/new v1.1.0\nreplace example.com/dir => ./dir\n"
	w := ParseGoWork("/ws/go.work", []byte(content))
	if w.Err != nil {
		t.Fatal(w.Err)
	}
	if w.Go != "1.23" || w.Toolchain != "go1.23.1" || w.Module != "" {
		t.Errorf("header %+v", w)
	}
	if len(w.Require) != 1 || w.Require[0].Path != "example.com/new" || w.Require[0].Version != "v1.1.0" || w.Require[0].Line != 9 {
		t.Fatalf("requirements %+v", w.Require)
	}
	if r := w.Require[0]; content[r.PathSpan.Start:r.PathSpan.End] != "example.com/new" {
		t.Errorf("path span holds %q", content[r.PathSpan.Start:r.PathSpan.End])
	}
	if bad := ParseGoWork("go.work", []byte("use (\n")); bad.Err == nil {
		t.Errorf("no error for a broken go.work")
	}
	if !strings.HasSuffix(w.Path, "go.work") {
		t.Errorf("path %q", w.Path)
	}
}
