package engine

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// maxModFiles bounds the walk so a huge tree cannot stall a check.
const maxModFiles = 5000

// FindModFiles returns the go.mod files in folder and below, skipping the
// directories the go command ignores (vendor, testdata, and names starting
// with "." or "_") and node_modules.
func FindModFiles(folder string) []string {
	var out []string
	filepath.WalkDir(folder, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() && path != folder {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			name := d.Name()
			if path != folder && (name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == "go.mod" {
			out = append(out, path)
			if len(out) >= maxModFiles {
				return fs.SkipAll
			}
		}
		return nil
	})
	sort.Strings(out)
	return out
}
