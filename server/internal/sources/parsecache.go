package sources

import (
	"bytes"
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// ParseCache memoizes parsed files by content, so that a load after a
// keystroke in one file parses that file only: the settings.json of a
// keystroke in go.mod is the previous load's *Settings, not a new parse.
//
// An entry is keyed by path and parser (kind included) and holds the content
// it parsed and a hash of it taken at parse time; a lookup returns it only
// for the same bytes, never a parse of different content. Parsed values are
// shared by every snapshot that loads the same bytes, so they must not be
// modified (fix.Virtual and the rules' fix planning copy the nodes they change).
//
// The cache is bounded by what the latest loads read: each entry records
// the folders whose load used it, and a load forgets, when it is done, the
// entries its folder's previous load used and this one did not. At most
// maxCacheFolders folders are remembered. It is safe for concurrent loads.
type ParseCache struct {
	mu      sync.Mutex
	entries map[parseKey]*parseEntry
	folders map[string]uint64 // folder → sequence number of its latest load
	seq     uint64
	parses  atomic.Int64
	// reparses counts the parses done incrementally from the entry's
	// previous value (ReparseSettings).
	reparses atomic.Int64
	seed     maphash.Seed
}

// maxCacheFolders bounds the folders whose files a ParseCache keeps: the
// least recently loaded one is forgotten beyond it.
const maxCacheFolders = 64

type parseKey struct {
	parser string // "settings", "workspace-file", "jsonc", "go.mod", "go.work"
	kind   Kind
	path   string
}

type parseEntry struct {
	content []byte
	hash    uint64
	value   any
	users   map[string]bool // folders whose latest load used the entry
}

// NewParseCache returns an empty cache.
func NewParseCache() *ParseCache {
	return &ParseCache{entries: map[parseKey]*parseEntry{}, folders: map[string]uint64{}, seed: maphash.MakeSeed()}
}

// Parses is how many files the cache has parsed (not found) so far.
func (c *ParseCache) Parses() int64 { return c.parses.Load() }

// Reparses is how many of the Parses were incremental: a change inside one
// value of a settings file, parsed from the previous parse of the file.
func (c *ParseCache) Reparses() int64 { return c.reparses.Load() }

// Len is how many parsed files the cache holds.
func (c *ParseCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// ParseLoad is one load of a folder through a ParseCache; Done ends it.
// The parse methods of a nil *ParseLoad, or of one from a nil cache, parse
// every time.
type ParseLoad struct {
	c      *ParseCache
	folder string
	mu     sync.Mutex
	used   map[parseKey]bool
}

// Load starts a load of folder.
func (c *ParseCache) Load(folder string) *ParseLoad {
	return &ParseLoad{c: c, folder: folder, used: map[parseKey]bool{}}
}

// Settings is ParseSettings, memoized.
func (l *ParseLoad) Settings(path string, kind Kind, content []byte, isWorkspaceFile bool) *Settings {
	parser := "settings"
	if isWorkspaceFile {
		parser = "workspace-file"
	}
	return memoFrom(l, parseKey{parser, kind, path}, content, func() *Settings {
		return ParseSettings(path, kind, content, isWorkspaceFile)
	}, func(prev *Settings) *Settings {
		if prev.Path != path || prev.Kind != kind || prev.IsWorkspaceFile != isWorkspaceFile {
			return nil
		}
		return ReparseSettings(prev, content)
	})
}

// JSONCFile is ParseJSONCFile, memoized.
func (l *ParseLoad) JSONCFile(path string, kind Kind, content []byte) *JSONCFile {
	return memo(l, parseKey{"jsonc", kind, path}, content, func() *JSONCFile { return ParseJSONCFile(path, kind, content) })
}

// GoMod is ParseGoMod, memoized.
func (l *ParseLoad) GoMod(path string, content []byte) *ModFile {
	return memo(l, parseKey{"go.mod", "", path}, content, func() *ModFile { return ParseGoMod(path, content) })
}

// GoWork is ParseGoWork, memoized.
func (l *ParseLoad) GoWork(path string, content []byte) *ModFile {
	return memo(l, parseKey{"go.work", "", path}, content, func() *ModFile { return ParseGoWork(path, content) })
}

func memo[T comparable](l *ParseLoad, k parseKey, content []byte, parse func() T) T {
	return memoFrom(l, k, content, parse, nil)
}

// memoFrom is memo with an incremental parse: on a miss, reparse is given
// the value the entry held for its previous content (when that content is
// unchanged since it was parsed) and returns the parse of content computed
// from it, or nil to parse in full.
func memoFrom[T comparable](l *ParseLoad, k parseKey, content []byte, parse func() T, reparse func(prev T) T) T {
	if l == nil || l.c == nil {
		return parse()
	}
	c := l.c
	l.mu.Lock()
	l.used[k] = true
	l.mu.Unlock()
	h := maphash.Bytes(c.seed, content)
	c.mu.Lock()
	e := c.entries[k]
	c.mu.Unlock()
	// The stored content is compared byte for byte, and its hash from parse
	// time guards against a caller having changed those bytes since. When
	// content is the very slice stored (an open buffer read again), its
	// hash, just taken, is the hash of the stored bytes.
	if e != nil && e.hash == h && (sameSlice(e.content, content) || bytes.Equal(e.content, content) && maphash.Bytes(c.seed, e.content) == h) {
		if v, ok := e.value.(T); ok {
			c.mu.Lock()
			if c.entries[k] == e {
				e.users[l.folder] = true
			}
			c.mu.Unlock()
			return v
		}
	}
	// Parse outside the lock: a large file takes milliseconds.
	var v, zero T
	if reparse != nil && e != nil && maphash.Bytes(c.seed, e.content) == e.hash {
		if prev, ok := e.value.(T); ok && prev != zero {
			if v = reparse(prev); v != zero {
				c.reparses.Add(1)
			}
		}
	}
	if v == zero {
		v = parse()
	}
	c.parses.Add(1)
	c.mu.Lock()
	users := map[string]bool{l.folder: true}
	if old := c.entries[k]; old != nil {
		for f := range old.users {
			users[f] = true
		}
	}
	c.entries[k] = &parseEntry{content: content, hash: h, value: v, users: users}
	c.mu.Unlock()
	return v
}

// sameSlice reports whether a and b are the same bytes in memory.
func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Done ends the load: the entries the folder's previous loads used and this
// one did not are forgotten, unless another folder's latest load used them.
func (l *ParseLoad) Done() {
	if l == nil || l.c == nil {
		return
	}
	c := l.c
	l.mu.Lock()
	used := l.used
	l.used = map[parseKey]bool{}
	l.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.folders[l.folder] = c.seq
	for k, e := range c.entries {
		if e.users[l.folder] && !used[k] {
			c.drop(k, e, l.folder)
		}
	}
	for len(c.folders) > maxCacheFolders {
		oldest, seq := "", uint64(0)
		for f, s := range c.folders {
			if oldest == "" || s < seq {
				oldest, seq = f, s
			}
		}
		delete(c.folders, oldest)
		for k, e := range c.entries {
			if e.users[oldest] {
				c.drop(k, e, oldest)
			}
		}
	}
}

// drop removes folder from the entry's users, and the entry once unused.
// Called with c.mu held.
func (c *ParseCache) drop(k parseKey, e *parseEntry, folder string) {
	delete(e.users, folder)
	if len(e.users) == 0 {
		delete(c.entries, k)
	}
}
