package engine

import (
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// maxModFiles bounds the walk so a huge tree cannot stall a check.
const maxModFiles = 5000

// FindModFiles returns the go.mod files in folder and below that
// sources.ModFileIncluded counts, in path order. It prunes the directories
// that rule ignores and, like it, does not follow symbolic links to
// directories.
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
			if path != folder && sources.ModDirIgnored(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == "go.mod" && sources.ModFileIncluded(folder, path) {
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
