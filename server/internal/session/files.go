package session

import (
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// NormPath is the one spelling of a path used for map keys and the engine:
// cleaned, with a lower-case Windows drive letter as VS Code's URIs have it.
func NormPath(p string) string {
	if p == "" {
		return ""
	}
	p = filepath.Clean(p)
	if runtime.GOOS == "windows" && len(p) >= 2 && p[1] == ':' {
		p = strings.ToLower(p[:1]) + p[1:]
	}
	return p
}

// modFiles is a folder's go.mod files as the reader sees them: those on
// disk (disk: the walk, kept current from file events) and the open buffers
// of go.mod files that count (sources.ModFileIncluded). The reader serves an
// open buffer before the disk, for a nested go.mod as for the folder's own:
// one that exists only in the editor, or no longer on disk, is a module too.
func (v View) modFiles(folder string, disk []string) []string {
	out := disk
	for path := range v.Docs {
		if filepath.Base(path) != "go.mod" {
			continue
		}
		if i, found := slices.BinarySearch(out, path); !found && sources.ModFileIncluded(folder, path) {
			out = slices.Insert(slices.Clone(out), i, path)
		}
	}
	return out
}

// buildFiles is a folder's build files as the reader sees them: those on
// disk and the open buffers of files that count (engine.BuildFileIncluded),
// like modFiles.
func (v View) buildFiles(folder string, disk []string) []string {
	out := disk
	for path := range v.Docs {
		if i, found := slices.BinarySearch(out, path); !found && engine.BuildFileIncluded(folder, path) {
			out = slices.Insert(slices.Clone(out), i, path)
		}
	}
	return out
}

// readCache is the engine's reader for one diagnosis: open buffers first,
// then disk, each path read once so that every folder, and the conversion of
// byte spans to positions, sees the same bytes.
type readCache struct {
	docs  map[string]*Document
	disk  *diskCache
	mu    sync.Mutex
	files map[string]readResult
}

type readResult struct {
	content []byte
	err     error
}

func (s *Session) newReadCache(v View) *readCache {
	return &readCache{docs: v.Docs, disk: s.disk, files: map[string]readResult{}}
}

func (c *readCache) read(path string) ([]byte, error) {
	if doc, ok := c.docs[path]; ok {
		return doc.Read()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.files[path]; ok {
		return r.content, r.err
	}
	content, err := c.disk.read(path)
	c.files[path] = readResult{content, err}
	return content, err
}

// diskCache keeps file contents across diagnoses, so that a keystroke in one
// file reads no other file from disk: one stat per file and diagnosis
// revalidates an entry. Watched-file events and didClose invalidate entries
// too, but are not relied upon: editors do not reliably report changes to
// files outside the workspace, such as the GOENV file.
type diskCache struct {
	mu      sync.Mutex
	entries map[string]diskEntry
}

type diskEntry struct {
	content []byte
	err     error
	exists  bool
	modTime time.Time
	size    int64
}

func newDiskCache() *diskCache { return &diskCache{entries: map[string]diskEntry{}} }

func (c *diskCache) read(path string) ([]byte, error) {
	c.mu.Lock()
	e, cached := c.entries[path]
	c.mu.Unlock()
	st, statErr := os.Stat(path)
	if cached && (statErr != nil && !e.exists || statErr == nil && e.exists && st.ModTime().Equal(e.modTime) && st.Size() == e.size) {
		return e.content, e.err
	}
	e = diskEntry{exists: statErr == nil}
	if e.exists {
		e.modTime, e.size = st.ModTime(), st.Size()
	}
	e.content, e.err = engine.DiskReader(path)
	c.mu.Lock()
	c.entries[path] = e
	c.mu.Unlock()
	return e.content, e.err
}

// invalidate forgets path; the next diagnosis reads it again.
func (c *diskCache) invalidate(path string) {
	c.mu.Lock()
	delete(c.entries, path)
	c.mu.Unlock()
}

// fileSet records every path one folder's snapshot tried to read (present or
// not): a change to any of them invalidates the folder, and the ones outside
// the workspace globs are watched by absolute path.
type fileSet struct {
	cache *readCache
	mu    sync.Mutex
	paths map[string]bool
}

func (c *readCache) fileSet() *fileSet {
	return &fileSet{cache: c, paths: map[string]bool{}}
}

func (f *fileSet) read(path string) ([]byte, error) {
	path = NormPath(path)
	f.mu.Lock()
	f.paths[path] = true
	f.mu.Unlock()
	return f.cache.read(path)
}

// content is the file's content as the snapshot saw it (empty when unreadable).
func (f *fileSet) content(path string) []byte {
	b, _ := f.read(path)
	return b
}

func (f *fileSet) readAny(paths map[string]bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for p := range paths {
		if f.paths[p] {
			return true
		}
	}
	return false
}

func (f *fileSet) list() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.paths))
}

// docVersion is the version of an open document whose buffer the snapshot
// read (false when it read the disk or did not read the path).
func (f *fileSet) docVersion(path string) (int32, bool) {
	f.mu.Lock()
	read := f.paths[path]
	f.mu.Unlock()
	if !read {
		return 0, false
	}
	doc, ok := f.cache.docs[path]
	if !ok {
		return 0, false
	}
	return doc.version, true
}
