package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// Watch asks the client to watch the workspace globs plus, by absolute
// path, files (the session's Watcher). It reports false while the client
// cannot be asked (no dynamic registration, or not initialized yet).
func (w *watchRegistrar) Watch(files []string) bool {
	s := w.s
	s.mu.Lock()
	dyn, rel := s.watchDyn, s.watchRel
	s.mu.Unlock()
	if !dyn || s.lifecycle() != stateInitialized {
		return false
	}
	var watchers []protocol.FileSystemWatcher
	for _, g := range session.WorkspaceGlobs {
		watchers = append(watchers, protocol.FileSystemWatcher{GlobPattern: protocol.Pattern(g)})
	}
	for _, p := range files {
		var g protocol.GlobPattern = protocol.Pattern(filepath.ToSlash(p))
		if rel {
			g = &protocol.RelativePattern{BaseURI: protocol.URI(uri.File(filepath.Dir(p))), Pattern: protocol.Pattern(filepath.Base(p))}
		}
		watchers = append(watchers, protocol.FileSystemWatcher{GlobPattern: g})
	}
	w.want(watchers)
	return true
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

// want replaces any set not yet registered. Only the session's run loop
// calls it (through Watch).
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
