package sources

import (
	"fmt"
	"sync"
	"testing"
)

func TestParseCacheSameContentNoReparse(t *testing.T) {
	c := NewParseCache()
	content := []byte(`{"go.toolsEnvVars": {"GOPROXY": "https://proxy.example.com"}}`)
	l := c.Load("/ws")
	a := l.Settings("/ws/.vscode/settings.json", VSCodeWorkspace, content, false)
	l.Done()
	// The same bytes in a new slice (a fresh read from disk) are the same content.
	l = c.Load("/ws")
	b := l.Settings("/ws/.vscode/settings.json", VSCodeWorkspace, append([]byte(nil), content...), false)
	l.Done()
	if a != b || c.Parses() != 1 {
		t.Errorf("same content parsed again: %d parses, same value %v", c.Parses(), a == b)
	}
}

func TestParseCacheDifferentContentReparses(t *testing.T) {
	c := NewParseCache()
	path := "/ws/go.mod"
	var prev *ModFile
	for i, text := range []string{"module example.com/a\n", "module example.com/b\n", "module example.com/a\n"} {
		l := c.Load("/ws")
		m := l.GoMod(path, []byte(text))
		l.Done()
		if m == prev || m.Module != text[len("module "):len(text)-1] {
			t.Fatalf("load %d: %q parsed as %q (reused %v)", i, text, m.Module, m == prev)
		}
		prev = m
	}
	if c.Parses() != 3 || c.Len() != 1 {
		t.Errorf("%d parses, %d entries; want 3 and 1", c.Parses(), c.Len())
	}
}

// A cached parse whose bytes were changed in place by their owner is not
// returned for the changed bytes.
func TestParseCacheContentChangedInPlace(t *testing.T) {
	c := NewParseCache()
	buf := []byte("module example.com/a\n")
	l := c.Load("/ws")
	l.GoMod("/ws/go.mod", buf)
	buf[len(buf)-2] = 'b'
	m := l.GoMod("/ws/go.mod", buf)
	l.Done()
	if m.Module != "example.com/b" {
		t.Errorf("parse of other content returned: %q", m.Module)
	}
}

// The parser, kind and path are all part of the key.
func TestParseCacheKey(t *testing.T) {
	c := NewParseCache()
	content := []byte(`{"settings": {"a": 1}, "a": 2}`)
	l := c.Load("/ws")
	s := l.Settings("/x.json", VSCodeWorkspace, content, false)
	w := l.Settings("/x.json", VSCodeWorkspace, content, true)
	u := l.Settings("/x.json", VSCodeUser, content, false)
	j := l.JSONCFile("/x.json", Launch, content)
	o := l.Settings("/y.json", VSCodeWorkspace, content, false)
	l.Done()
	if s == w || s == u || s == o || w.Object.Get("a").Value.Str != "1" || s.Object.Get("a").Value.Str != "2" || u.Kind != VSCodeUser || o.Path != "/y.json" || j.Kind != Launch {
		t.Errorf("entries mixed up: %+v %+v %+v", s, w, u)
	}
	if c.Parses() != 5 {
		t.Errorf("%d parses; want 5", c.Parses())
	}
}

// The cache holds what the latest load of each folder used: a file a load no
// longer reads is forgotten, a file another folder still reads is kept.
func TestParseCacheEviction(t *testing.T) {
	c := NewParseCache()
	user := []byte(`{}`)
	load := func(folder string, files ...string) {
		l := c.Load(folder)
		l.Settings("/home/settings.json", VSCodeUser, user, false)
		for _, f := range files {
			l.GoMod(f, []byte("module example.com/m\n"))
		}
		l.Done()
	}
	load("/a", "/a/go.mod", "/a/sub/go.mod")
	load("/b", "/b/go.mod")
	if c.Len() != 4 || c.Parses() != 4 {
		t.Fatalf("%d entries, %d parses; want 4 and 4 (user settings shared)", c.Len(), c.Parses())
	}
	load("/a", "/a/go.mod") // sub/go.mod deleted
	if c.Len() != 3 {
		t.Errorf("%d entries after a nested module went; want 3", c.Len())
	}
	load("/a")
	load("/b")
	if c.Len() != 1 || c.Parses() != 4 {
		t.Errorf("%d entries, %d parses; want 1 (user settings) and 4", c.Len(), c.Parses())
	}
	for i := range maxCacheFolders + 5 {
		load(fmt.Sprintf("/f%d", i), fmt.Sprintf("/f%d/go.mod", i))
	}
	if got := c.Len(); got > maxCacheFolders+1 {
		t.Errorf("%d entries for at most %d folders", got, maxCacheFolders)
	}
}

// Concurrent loads of changing content (run with -race) each get the parse
// of the bytes they passed.
func TestParseCacheConcurrent(t *testing.T) {
	c := NewParseCache()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				folder := fmt.Sprintf("/ws%d", g%3)
				want := fmt.Sprintf("example.com/m%d", (g+i)%5)
				l := c.Load(folder)
				m := l.GoMod(folder+"/go.mod", []byte("module "+want+"\n"))
				s := l.Settings("/home/settings.json", VSCodeUser, []byte(fmt.Sprintf(`{"n": %d}`, i%3)), false)
				l.Done()
				if m.Module != want {
					t.Errorf("got %q; want %q", m.Module, want)
					return
				}
				if got := s.Object.Get("n").Value.Str; got != fmt.Sprint(i%3) {
					t.Errorf("settings n=%s; want %d", got, i%3)
					return
				}
			}
		}()
	}
	wg.Wait()
	if c.Len() > 4 {
		t.Errorf("%d entries for 3 folders' go.mod and one user settings", c.Len())
	}
}

func TestParseCacheNil(t *testing.T) {
	var c *ParseCache
	l := c.Load("/ws")
	a := l.GoMod("/ws/go.mod", []byte("module x\n"))
	b := l.GoMod("/ws/go.mod", []byte("module x\n"))
	l.Done()
	if a == b || a.Module != "x" {
		t.Errorf("a nil cache memoized: %v", a == b)
	}
}
