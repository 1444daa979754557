package sources

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModFileIncludedLexical(t *testing.T) {
	for path, want := range map[string]bool{
		"/ws/go.mod":                true,
		"/ws/sub/go.mod":            true,
		"/ws/a/b/c/go.mod":          true,
		"/ws/vendor/x/go.mod":       false,
		"/ws/a/vendor/go.mod":       false,
		"/ws/a/testdata/go.mod":     false,
		"/ws/.hidden/go.mod":        false,
		"/ws/a/.git/go.mod":         false,
		"/ws/_tmp/go.mod":           false,
		"/ws/a/_b/c/go.mod":         false,
		"/ws/node_modules/go.mod":   false,
		"/ws/a/node_modules/go.mod": false,
		"/ws/vendored/go.mod":       true,
		"/ws/a.b/go.mod":            true,
		"/ws/a_b/go.mod":            true,
		"/elsewhere/go.mod":         false,
		"/ws2/go.mod":               false,
		"/ws/../go.mod":             false,
		"/go.mod":                   false,
		"/ws/sub/go.sum":            false,
		"/ws/sub/go.mod.bak":        false,
		"/ws/sub/go.work":           false,
	} {
		if got := ModFileIncluded("/ws", path); got != want {
			t.Errorf("ModFileIncluded(/ws, %s) = %v; want %v", path, got, want)
		}
	}
	// The folder itself may have any name.
	for _, folder := range []string{"/w/.hidden", "/w/_x", "/w/vendor", "/w/testdata/"} {
		if !ModFileIncluded(folder, filepath.Join(folder, "m", "go.mod")) {
			t.Errorf("%s: its own nested module is excluded", folder)
		}
	}
}

func TestModFileIncludedOnDisk(t *testing.T) {
	root := t.TempDir()
	ws := filepath.Join(root, "ws")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{filepath.Join(ws, "real"), filepath.Join(outside, "mod"), filepath.Join(ws, "dirmod", "go.mod")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(ws, "real", "go.mod"), filepath.Join(outside, "mod", "go.mod")} {
		if err := os.WriteFile(f, []byte("module example.com/m\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A link to a directory outside; a link to a directory inside; a go.mod
	// that is itself a link.
	links := map[string]string{
		filepath.Join(ws, "linked"):             filepath.Join(outside, "mod"),
		filepath.Join(ws, "alias"):              filepath.Join(ws, "real"),
		filepath.Join(ws, "filelink", "go.mod"): filepath.Join(outside, "mod", "go.mod"),
	}
	for link, target := range links {
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	for path, want := range map[string]bool{
		filepath.Join(ws, "real", "go.mod"):         true,
		filepath.Join(ws, "linked", "go.mod"):       false, // through a link to a directory
		filepath.Join(ws, "alias", "go.mod"):        false,
		filepath.Join(ws, "filelink", "go.mod"):     true,  // a link named go.mod is a go.mod
		filepath.Join(ws, "dirmod", "go.mod"):       false, // a directory
		filepath.Join(ws, "deleted", "x", "go.mod"): true,  // gone: a deletion must still be applied
	} {
		if got := ModFileIncluded(ws, path); got != want {
			t.Errorf("ModFileIncluded(%s) = %v; want %v", path, got, want)
		}
	}
}
