package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// workspaceGlobs watch the inputs that live in workspace folders.
var workspaceGlobs = []string{"**/.vscode/*.json", "**/*.code-workspace", "**/go.mod", "**/go.work"}

// inWorkspaceGlobs reports whether a workspace glob already watches path.
func inWorkspaceGlobs(path string, folders []folder) bool {
	inside := false
	for _, f := range folders {
		if strings.HasPrefix(path, f.path+string(filepath.Separator)) {
			inside = true
			break
		}
	}
	if !inside {
		return false
	}
	base := filepath.Base(path)
	return base == "go.mod" || base == "go.work" || filepath.Ext(base) == ".code-workspace" ||
		filepath.Ext(base) == ".json" && filepath.Base(filepath.Dir(path)) == ".vscode"
}

// updateWatchers asks the client to watch the workspace globs plus, by
// absolute path, every other file the snapshots read: the user settings, the
// GOENV file (the only way to see `go env -w`), go.env, env files.
func (d *diagnoser) updateWatchers(v view, results map[string]*folderResult) {
	if !v.watchDyn || d.s.lifecycle() != stateInitialized {
		return
	}
	var abs []string
	for _, r := range results {
		for _, p := range r.files.list() {
			if !inWorkspaceGlobs(p, v.folders) && !slices.Contains(abs, p) {
				abs = append(abs, p)
			}
		}
	}
	slices.Sort(abs)
	key := "\x00" + strings.Join(abs, "\x00") // non-empty even with no files
	if key == d.watching {
		return
	}
	d.watching = key
	var watchers []protocol.FileSystemWatcher
	for _, g := range workspaceGlobs {
		watchers = append(watchers, protocol.FileSystemWatcher{GlobPattern: protocol.Pattern(g)})
	}
	for _, p := range abs {
		var g protocol.GlobPattern = protocol.Pattern(filepath.ToSlash(p))
		if v.watchRel {
			g = &protocol.RelativePattern{BaseURI: protocol.URI(uri.File(filepath.Dir(p))), Pattern: protocol.Pattern(filepath.Base(p))}
		}
		watchers = append(watchers, protocol.FileSystemWatcher{GlobPattern: g})
	}
	d.watcher.want(watchers)
}

// watchRegistrar registers file watchers with the client from its own
// goroutine (client/registerCapability is a request the client answers), so
// neither handlers nor diagnosis wait for the client.
type watchRegistrar struct {
	s       *server
	pending chan []protocol.FileSystemWatcher // capacity 1: only the latest set matters
}

func newWatchRegistrar(s *server) *watchRegistrar {
	w := &watchRegistrar{s: s, pending: make(chan []protocol.FileSystemWatcher, 1)}
	s.background(w.loop)
	return w
}

// want replaces any set not yet registered. Only the run loop calls it.
func (w *watchRegistrar) want(watchers []protocol.FileSystemWatcher) {
	select {
	case <-w.pending:
	default:
	}
	w.pending <- watchers
}

func (w *watchRegistrar) loop() {
	var current string
	for n := 1; ; n++ {
		var watchers []protocol.FileSystemWatcher
		select {
		case <-w.s.ctx.Done():
			return
		case watchers = <-w.pending:
		}
		id := fmt.Sprintf("goproxy-doctor/watch/%d", n)
		if err := w.register(id, watchers); err != nil {
			w.s.log.Warn("registering file watchers", "err", err)
			continue
		}
		if current != "" {
			w.unregister(current)
		}
		current = id
	}
}

const clientCallTimeout = 30 * time.Second

func (w *watchRegistrar) register(id string, watchers []protocol.FileSystemWatcher) error {
	opts, err := protocol.Marshal(&protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: watchers})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(w.s.ctx, clientCallTimeout)
	defer cancel()
	return w.s.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: id, Method: protocol.MethodWorkspaceDidChangeWatchedFiles, RegisterOptions: protocol.LSPAny(opts),
	}}})
}

func (w *watchRegistrar) unregister(id string) {
	ctx, cancel := context.WithTimeout(w.s.ctx, clientCallTimeout)
	defer cancel()
	err := w.s.client.UnregisterCapability(ctx, &protocol.UnregistrationParams{Unregisterations: []protocol.Unregistration{{
		ID: id, Method: protocol.MethodWorkspaceDidChangeWatchedFiles,
	}}})
	if err != nil {
		w.s.log.Warn("unregistering file watchers", "id", id, "err", err)
	}
}
