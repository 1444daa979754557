// Package session is the language server's state, apart from the protocol:
// the open buffers and the file cache, the client's state and workspace
// folders, the diagnosis loop (scheduling and debounce, the go env oracle's
// background confirmation), the latest engine.Result per folder and the
// Verify results. It talks to the transport (package lsp) through small
// interfaces: a Publisher receives each file's placed diagnostics, a Watcher
// the files to watch. It is testable without JSON-RPC.
package session

import (
	"context"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// ClientState is what the client knows that the files cannot tell, with
// defaults filled in for clients that send nothing (e.g. Neovim).
type ClientState struct {
	ProcessEnv       map[string]string
	VSCodeGoActive   bool
	TerminalEnv      map[string]string
	UserSettingsPath string // normalised path; "" for none
	WorkspaceFile    string // normalised path; "" for a single-folder window
	OSFlavour        string // linux, osx, windows; "" when the client did not say
	RemoteName       string
	Trusted          bool
	// SupportsReloadWindow: the client can run its reload-window command
	// (VS Code); other clients get no code action they could not run.
	SupportsReloadWindow bool
	// StatusNotifications: the client asked for goproxy-doctor/status;
	// plain LSP clients are not sent it.
	StatusNotifications bool
	// Captured is true when the client sent its own environment: then the
	// terminal's may differ from it, and a login-shell probe tells how.
	Captured bool
}

// WantsShellProbe says whether the terminal's environment should come from a
// login-shell probe (SPEC §4): only when the client captured its own
// environment, did not send the terminal's, trusts the workspace (the shell
// runs the user's startup files) and runs on a system with login shells.
func (cs ClientState) WantsShellProbe() bool {
	return cs.Captured && cs.TerminalEnv == nil && cs.Trusted && runtime.GOOS != "windows" && cs.ProcessEnv["SHELL"] != ""
}

// Folder is a workspace folder.
type Folder struct {
	Path string // normalised
	URI  string // as the client sent it
	Name string
}

// View is a consistent copy of the state, taken at the start of a
// diagnosis or a request. Documents are immutable, so sharing them is safe.
type View struct {
	Modified uint64
	CS       ClientState
	Folders  []Folder
	Docs     map[string]*Document
}

// Publication is one file's diagnostics.
type Publication struct {
	Path string
	// URI is the spelling the client uses for the file (its open buffer's,
	// or the one published before); "" for the file URI of Path.
	URI string
	// Version is the open buffer's version the diagnostics go with (nil:
	// not open).
	Version     *int32
	Diagnostics []Diagnostic
	// Docs are the open buffers (the spelling of related locations' URIs).
	Docs map[string]*Document
}

// Publisher sends publications to the client.
type Publisher interface {
	Publish(ctx context.Context, p Publication) error
	// Published is called after each pass of publications with the
	// results it published, sorted by folder (the status the client shows
	// follows them).
	Published(ctx context.Context, v View, results []*FolderResult)
}

// Watcher asks the client to watch files outside the workspace globs (by
// absolute path) besides the globs; it reports false when it cannot (yet),
// and is asked again after the next diagnosis.
type Watcher interface {
	Watch(files []string) bool
}

// Options configure a session.
type Options struct {
	Logger *slog.Logger
	// Oracle confirms modelled values with go env.
	Oracle *engine.Oracle
	// Debounce is how long changes that arrive while a diagnosis runs settle
	// before the next one, and, times four, how long inputs stay unchanged
	// before go env confirms them in the background; 0: no delay at all.
	Debounce  time.Duration
	Publisher Publisher
	Watcher   Watcher // nil: no file watching
	// Go runs background work the caller waits for when the session ends
	// (default: a goroutine).
	Go func(func())
	// Host is where the machine's /proc and /etc are, for telling WSL2
	// apart once at start (nil: the real ones, engine.RealHost). The
	// session reads no shell start-up file: the editor's terminal
	// environment comes from the client.
	Host *engine.Host
}

// Session is one connection's state.
type Session struct {
	opts   Options
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	disk   *diskCache // file contents across diagnoses
	runs   verifyRuns // the latest Verify run per folder

	mu sync.Mutex // guards the fields below
	// modified counts every change a diagnosis must see (buffers, client
	// state, folders, watched files): a result computed at the current count
	// is up to date.
	modified uint64
	cs       ClientState
	folders  []Folder
	docs     map[string]*Document // open buffers by normalised path

	d *diagnoser

	platform sources.Platform // detected once, at start
}

// New starts a session; it ends with ctx or Stop.
func New(ctx context.Context, opts Options) *Session {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Go == nil {
		opts.Go = func(f func()) { go f() }
	}
	if opts.Oracle == nil {
		opts.Oracle = engine.NewOracle()
	}
	if opts.Host == nil {
		opts.Host = engine.RealHost()
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &Session{opts: opts, log: opts.Logger, ctx: ctx, cancel: cancel, disk: newDiskCache(), docs: map[string]*Document{}}
	// The kernel says whether this is WSL2; it does not change while the server runs.
	s.platform = engine.DetectPlatform(opts.Host, nil)
	s.d = newDiagnoser(s)
	return s
}

// Stop ends diagnosis (shutdown): nothing is published afterwards.
func (s *Session) Stop() { s.cancel() }

// touch advances the modification count; called after each change is applied.
func (s *Session) touch() {
	s.mu.Lock()
	s.modified++
	s.mu.Unlock()
}

// View returns a consistent copy of the state.
func (s *Session) View() View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return View{
		Modified: s.modified,
		CS:       s.cs,
		Folders:  slices.Clone(s.folders),
		Docs:     maps.Clone(s.docs),
	}
}

// ClientState is the client's current state.
func (s *Session) ClientState() ClientState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cs
}

// Initialize sets the state the client starts with; the diagnosis starts
// with Initialized.
func (s *Session) Initialize(cs ClientState, folders []Folder) {
	s.mu.Lock()
	s.cs, s.folders = cs, folders
	s.mu.Unlock()
}

// Initialized diagnoses every folder.
func (s *Session) Initialized() { s.d.changedAll() }

// SetClientState replaces the client's state and diagnoses again.
func (s *Session) SetClientState(cs ClientState) {
	s.mu.Lock()
	s.cs = cs
	s.mu.Unlock()
	s.d.changedAll()
}

// SetTerminalEnv completes cs, the state a login-shell probe started from,
// with the terminal's environment, if it is still current (a newer client
// state wins), and diagnoses again. It reports whether it was.
func (s *Session) SetTerminalEnv(cs ClientState, env map[string]string) bool {
	s.mu.Lock()
	current := s.cs.Captured && s.cs.TerminalEnv == nil && sameEnv(s.cs.ProcessEnv, cs.ProcessEnv)
	if current {
		s.cs.TerminalEnv = env
	}
	s.mu.Unlock()
	if current {
		s.d.changedAll()
	}
	return current
}

func sameEnv(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// SetFolders replaces the workspace folders (update gets the current ones)
// and diagnoses again.
func (s *Session) SetFolders(update func([]Folder) []Folder) {
	s.mu.Lock()
	s.folders = update(s.folders)
	s.mu.Unlock()
	s.d.changedAll()
}

// Open keeps an opened buffer and diagnoses what reads it.
func (s *Session) Open(doc *Document) {
	s.mu.Lock()
	s.docs[doc.path] = doc
	s.mu.Unlock()
	s.d.changed(doc.path)
}

// ErrNotOpen is a change or close of a document that is not open.
type ErrNotOpen struct{ Path string }

func (e *ErrNotOpen) Error() string { return "not open" }

// Change applies changes to an open buffer and diagnoses what reads it. It
// returns the buffer before and after.
func (s *Session) Change(path string, version int32, changes []Change) (before, after *Document, err error) {
	s.mu.Lock()
	doc, ok := s.docs[path]
	if !ok {
		s.mu.Unlock()
		return nil, nil, &ErrNotOpen{path}
	}
	next, err := doc.Changed(version, changes)
	if err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	s.docs[path] = next
	s.mu.Unlock()
	s.d.changed(path)
	return doc, next, nil
}

// Close forgets a buffer: the file on disk takes over. It reports whether
// the buffer was open.
func (s *Session) Close(path string) bool {
	s.mu.Lock()
	_, ok := s.docs[path]
	delete(s.docs, path)
	s.mu.Unlock()
	if !ok {
		return false
	}
	s.disk.invalidate(path) // the editor may have saved it
	s.d.changed(path)
	return true
}

// FileChanged records a watched file's event: the disk cache forgets it and
// what reads it is diagnosed again. A go.mod created or deleted changes the
// list of nested modules of the folder holding it.
func (s *Session) FileChanged(path string, created, deleted bool) {
	s.disk.invalidate(path)
	if (created || deleted) && isGoMod(path) {
		s.d.modFileEvent(path, created)
		return
	}
	if _, build := buildenv.KindOf(path); (created || deleted) && build {
		s.d.buildFileEvent(path, created)
		return
	}
	s.d.changed(path)
}
