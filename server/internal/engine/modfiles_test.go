package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// The walk and the event predicate agree on every go.mod of a tree: the
// language server's list kept from file events is the list a walk finds.
func TestFindModFilesAgreesWithPredicate(t *testing.T) {
	root := t.TempDir()
	ws := filepath.Join(root, "ws")
	mods := []string{
		"go.mod", "a/go.mod", "a/b/go.mod", "vendor/v/go.mod", "a/testdata/go.mod",
		"node_modules/n/go.mod", ".hidden/go.mod", "_tmp/go.mod", "a/_x/go.mod", "vendored/go.mod",
	}
	for _, m := range mods {
		p := filepath.Join(ws, m)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("module example.com/m\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(ws, "dir", "go.mod"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(ws, "a"), filepath.Join(ws, "link")); err != nil {
		t.Fatal(err)
	}
	candidates := []string{filepath.Join(ws, "dir", "go.mod"), filepath.Join(ws, "link", "go.mod"), filepath.Join(ws, "link", "b", "go.mod")}
	for _, m := range mods {
		candidates = append(candidates, filepath.Join(ws, m))
	}
	found := FindModFiles(ws)
	want := []string{filepath.Join(ws, "a", "b", "go.mod"), filepath.Join(ws, "a", "go.mod"), filepath.Join(ws, "go.mod"), filepath.Join(ws, "vendored", "go.mod")}
	if !slices.Equal(found, want) {
		t.Errorf("FindModFiles = %q; want %q", found, want)
	}
	for _, c := range candidates {
		if walked, included := slices.Contains(found, c), sources.ModFileIncluded(ws, c); walked != included {
			t.Errorf("%s: walk %v, predicate %v", c, walked, included)
		}
	}
}
