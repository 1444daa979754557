package sources

import (
	"os"
	"path/filepath"
	"strings"
)

// ModFileIncluded decides which go.mod files count as the modules of a
// folder: a file named go.mod at or below folder, not under a directory the
// go command ignores (vendor, testdata, names starting with "." or "_") or
// node_modules, and not under a symbolic link to a directory (a walk of the
// folder does not follow those). It is the one rule for both the walk that
// lists a folder's modules (engine.FindModFiles) and the language server's
// go.mod created/deleted events, so both arrive at the same list.
//
// path need not exist (a deleted go.mod): only the parts of it that exist
// are looked at on disk.
func ModFileIncluded(folder, path string) bool {
	folder, path = filepath.Clean(folder), filepath.Clean(path)
	rel, err := filepath.Rel(folder, path)
	if err != nil || filepath.Base(path) != "go.mod" || !filepath.IsLocal(rel) {
		return false
	}
	dir := filepath.Dir(rel)
	if dir != "." {
		for _, name := range strings.Split(dir, string(filepath.Separator)) {
			if ModDirIgnored(name) {
				return false
			}
		}
	}
	if st, err := os.Lstat(path); err == nil && st.IsDir() {
		return false // a directory named go.mod
	}
	for d := filepath.Dir(path); d != folder && len(d) > len(folder); d = filepath.Dir(d) {
		if st, err := os.Lstat(d); err == nil && st.Mode()&os.ModeSymlink != 0 {
			return false
		}
	}
	return true
}

// ModDirIgnored reports whether a directory of this name below a folder is
// skipped when looking for its go.mod files.
func ModDirIgnored(name string) bool {
	return name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}
