package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

const serverName = "goproxy-doctor"

// codeServerNotInitialized is LSP's ServerNotInitialized error code.
const codeServerNotInitialized jsonrpc2.Code = -32002

// serverState is the lifecycle: created → initializing (initialize answered)
// → initialized (initialized received) → shutDown (shutdown answered); exit
// ends the connection from any state.
type serverState int

const (
	stateCreated serverState = iota
	stateInitializing
	stateInitialized
	stateShutDown
)

func (st serverState) String() string {
	switch st {
	case stateCreated:
		return "created"
	case stateInitializing:
		return "initializing"
	case stateInitialized:
		return "initialized"
	case stateShutDown:
		return "shut down"
	}
	return fmt.Sprintf("serverState(%d)", int(st))
}

// folder is a workspace folder.
type folder = session.Folder

// server is the state of one connection. It embeds UnimplementedServer, so
// every method it does not override answers MethodNotFound (requests) or is
// ignored (notifications).
type server struct {
	protocol.UnimplementedServer

	ctx    context.Context // the connection's lifetime
	client protocol.Client
	log    *slog.Logger
	opts   Options
	// sess is the state: buffers, file cache, folders, client state, the
	// diagnosis loop and the latest result per folder.
	sess    *session.Session
	watcher *watchRegistrar
	// statusSent is the goproxy-doctor/status last sent per folder (owned
	// by the session's loop, which calls publisher.Published).
	statusSent map[string]sentStatus
	bg         sync.WaitGroup // background goroutines Serve waits for
	exit       *signal
	// verifies are the running goproxy-doctor.verify commands.
	verifies *verifications

	stateMu sync.Mutex
	state   serverState

	mu       sync.Mutex       // guards the fields below
	watchDyn bool             // the client registers file watchers dynamically
	watchRel bool             // ... and understands RelativePattern
	editCaps editCapabilities // what WorkspaceEdits the client applies
	intel    *intelligence    // hover and inlay hint capabilities (hover.go)
	snippets bool             // the client takes snippets in completion items
	// lensRefresh: the client supports workspace/codeLens/refresh.
	lensRefresh bool
}

var _ protocol.Server = (*server)(nil)

func newServer(ctx context.Context, conn jsonrpc2.Conn, opts Options) *server {
	s := &server{
		ctx:      ctx,
		client:   protocol.ClientDispatcher(conn),
		log:      opts.Logger,
		opts:     opts,
		exit:     newSignal(),
		verifies: &verifications{running: map[string]context.CancelFunc{}},

		statusSent: map[string]sentStatus{},
	}
	s.watcher = newWatchRegistrar(s)
	s.sess = session.New(ctx, session.Options{
		Logger:    opts.Logger,
		Oracle:    opts.Oracle,
		Debounce:  opts.Debounce,
		Publisher: publisher{s},
		Watcher:   s.watcher,
		Go:        s.background,
	})
	return s
}

func (s *server) lifecycle() serverState {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.state
}

// transition moves from one state to the next, reporting whether the server
// was in from.
func (s *server) transition(from, to serverState) bool {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if s.state != from {
		return false
	}
	s.state = to
	return true
}

func (s *server) exitedWithoutShutdown() bool {
	select {
	case <-s.exit.ch:
		return s.lifecycle() != stateShutDown
	default:
		return false
	}
}

// customMethods are the server's own notifications and requests.
var customMethods = map[string]func(*server, context.Context, json.RawMessage) (any, error){
	methodClientState: (*server).setClientState,
}

// serverMethods are the LSP methods a client may send to a server.
var serverMethods = func() map[string]bool {
	m := map[string]bool{}
	for _, info := range protocol.Methods {
		if info.Direction != protocol.DirectionServerToClient {
			m[info.Method] = true
		}
	}
	return m
}()

// gate enforces the lifecycle and routes custom and unknown methods: before
// initialize only initialize and exit are served; after shutdown only exit.
func (s *server) gate(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		switch {
		case method == protocol.MethodExit:
			return next(ctx, req)
		case method == protocol.MethodInitialize:
			if !s.transition(stateCreated, stateInitializing) {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "initialize: the server is %s", s.lifecycle())
			}
			result, err := next(ctx, req)
			if err != nil {
				// Not initialized (e.g. invalid params): the client may try again.
				s.transition(stateInitializing, stateCreated)
			}
			return result, err
		}
		switch st := s.lifecycle(); st {
		case stateCreated:
			if req.IsCall() {
				return nil, jsonrpc2.Errorf(codeServerNotInitialized, "%s: the server is not initialized", method)
			}
			return nil, nil
		case stateShutDown:
			if req.IsCall() {
				return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "%s: the server is shut down", method)
			}
			return nil, nil
		}
		if h, ok := customMethods[method]; ok {
			return h(s, ctx, json.RawMessage(req.Params()))
		}
		if !serverMethods[method] {
			if req.IsCall() {
				return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "%s: method not found", method)
			}
			s.log.Debug("ignoring notification", "method", method)
			return nil, nil
		}
		return next(ctx, req)
	}
}

// -- Lifecycle

func (s *server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	cs, err := decodeClientState(params.InitializationOptions)
	if err != nil {
		s.log.Warn("initialize: ignoring initializationOptions", "err", err)
	}
	var folders []folder
	if wf, ok := params.WorkspaceFolders.Get(); ok {
		for _, f := range wf {
			folders = appendFolder(folders, f.URI, f.Name)
		}
	} else if params.RootURI != nil && *params.RootURI != "" {
		folders = appendFolder(folders, *params.RootURI, "")
	} else if root, ok := params.RootPath.Get(); ok && root != "" {
		folders = appendFolder(folders, uri.File(root), "")
	}
	var watchDyn, watchRel bool
	if w := params.Capabilities.Workspace; w != nil && w.DidChangeWatchedFiles != nil {
		watchDyn = isTrue(w.DidChangeWatchedFiles.DynamicRegistration)
		watchRel = isTrue(w.DidChangeWatchedFiles.RelativePatternSupport)
	}

	s.sess.Initialize(cs, folders)
	s.mu.Lock()
	s.watchDyn, s.watchRel = watchDyn, watchRel
	s.editCaps = editCapabilitiesOf(params.Capabilities)
	s.intel = newIntelligence(params.Capabilities)
	s.snippets = snippetSupport(params.Capabilities)
	if w := params.Capabilities.Workspace; w != nil && w.CodeLens != nil {
		s.lensRefresh = isTrue(w.CodeLens.RefreshSupport)
	}
	s.mu.Unlock()
	if w := params.Capabilities.Window; w != nil {
		s.verifies.setProgress(isTrue(w.WorkDoneProgress))
	}
	s.probeShell(cs)
	s.log.Info("initialize", "folders", len(folders), "trusted", cs.Trusted, "userSettings", cs.UserSettingsPath)

	openClose := true
	change := protocol.TextDocumentSyncKindIncremental
	supported := true
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync:   &protocol.TextDocumentSyncOptions{OpenClose: &openClose, Change: &change},
			CodeActionProvider: &protocol.CodeActionOptions{CodeActionKinds: codeActionKinds},
			HoverProvider:      protocol.Boolean(true),
			InlayHintProvider:  protocol.Boolean(true),
			CodeLensProvider:   &protocol.CodeLensOptions{},
			ExecuteCommandProvider: protocol.ExecuteCommandOptions{
				Commands: []string{CommandEnvironment, CommandVerify, CommandVerifyResult, CommandHealth, CommandExplainError},
			},
			CompletionProvider:   &protocol.CompletionOptions{TriggerCharacters: completionTriggers},
			DocumentLinkProvider: &protocol.DocumentLinkOptions{},
			Workspace: &protocol.WorkspaceOptions{
				WorkspaceFolders: &protocol.WorkspaceFoldersServerCapabilities{
					Supported:           &supported,
					ChangeNotifications: protocol.Boolean(true),
				},
			},
		},
		ServerInfo: protocol.ServerInfo{Name: serverName},
	}, nil
}

func (s *server) Initialized(ctx context.Context, params *protocol.InitializedParams) error {
	if !s.transition(stateInitializing, stateInitialized) {
		s.log.Warn("initialized: unexpected", "state", s.lifecycle())
	}
	s.sess.Initialized()
	return nil
}

func (s *server) Shutdown(ctx context.Context) error {
	s.stateMu.Lock()
	s.state = stateShutDown
	s.stateMu.Unlock()
	s.sess.Stop()
	return nil
}

func (s *server) Exit(ctx context.Context) error {
	s.exit.fire()
	return nil
}

func (s *server) setClientState(ctx context.Context, params json.RawMessage) (any, error) {
	cs, err := decodeClientState(params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", methodClientState, err)
	}
	s.sess.SetClientState(cs)
	s.probeShell(cs)
	return nil, nil
}

// probeShell resolves the terminal's environment from the user's login shell
// in the background, then re-diagnoses with it. The state it completes must
// still be current: a newer clientState wins.
func (s *server) probeShell(cs clientState) {
	if !cs.WantsShellProbe() {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		env, err := engine.ProbeLoginShell(s.ctx, engine.ShellProbeEnv(cs.ProcessEnv, cs.VSCodeGoActive), shellProbeTimeout)
		if err != nil {
			s.log.Info("terminal environment: keeping the captured one", "err", err)
			return
		}
		if s.sess.SetTerminalEnv(cs, env) {
			s.log.Debug("terminal environment from the login shell", "vars", len(env))
		}
	}()
}

// -- Document sync

func (s *server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	td := &params.TextDocument
	path := uriPath(td.URI)
	if path == "" {
		return fmt.Errorf("didOpen: %s is not a file", td.URI)
	}
	doc := session.NewDocument(string(td.URI), path, td.Version, td.Text)
	if doc.TooLarge() > 0 {
		s.log.Warn("didOpen: document over the size limit: not kept", "uri", td.URI, "bytes", doc.TooLarge())
		td.Text = ""
		releaseMemory()
	}
	s.sess.Open(doc)
	return nil
}

func (s *server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	td := params.TextDocument
	path := uriPath(td.URI)
	changes, err := sessionChanges(params.ContentChanges)
	if err != nil {
		return fmt.Errorf("didChange: %s version %d: %w", td.URI, td.Version, err)
	}
	doc, next, err := s.sess.Change(path, td.Version, changes)
	var notOpen *session.ErrNotOpen
	if errors.As(err, &notOpen) {
		return fmt.Errorf("didChange: %s is not open", td.URI)
	}
	if err != nil {
		return fmt.Errorf("didChange: %s version %d: %w", td.URI, td.Version, err)
	}
	if next.TooLarge() > 0 && (doc.TooLarge() == 0 || carriesText(params.ContentChanges, maxDocument)) {
		// This message dropped a text (not a keystroke to a dropped one).
		s.log.Warn("didChange: document over the size limit: not kept", "uri", td.URI, "bytes", next.TooLarge())
		for i := range params.ContentChanges {
			params.ContentChanges[i] = nil
		}
		clear(changes)
		releaseMemory()
	}
	return nil
}

func (s *server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	path := uriPath(params.TextDocument.URI)
	if !s.sess.Close(path) {
		return fmt.Errorf("didClose: %s is not open", params.TextDocument.URI)
	}
	return nil
}

// carriesText reports whether a whole-document change is over limit bytes.
func carriesText(changes []protocol.TextDocumentContentChangeEvent, limit int) bool {
	for _, ch := range changes {
		if w, ok := ch.(*protocol.TextDocumentContentChangeWholeDocument); ok && len(w.Text) > limit {
			return true
		}
	}
	return false
}

// releaseMemory returns the text of a dropped buffer (its only reference,
// the decoded params, was just cleared) to the OS at once rather than at the
// scavenger's pace: once per oversized message, a few milliseconds.
func releaseMemory() { debug.FreeOSMemory() }

// -- Workspace

func (s *server) DidChangeWorkspaceFolders(ctx context.Context, params *protocol.DidChangeWorkspaceFoldersParams) error {
	s.sess.SetFolders(func(current []folder) []folder {
		removed := map[string]bool{}
		for _, f := range params.Event.Removed {
			removed[uriPath(f.URI)] = true
		}
		var folders []folder
		for _, f := range current {
			if !removed[f.Path] {
				folders = append(folders, f)
			}
		}
		for _, f := range params.Event.Added {
			folders = appendFolder(folders, f.URI, f.Name)
		}
		return folders
	})
	return nil
}

func (s *server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	for _, ch := range params.Changes {
		path := uriPath(ch.URI)
		if path == "" {
			continue
		}
		s.sess.FileChanged(path, ch.Type == protocol.FileChangeTypeCreated, ch.Type == protocol.FileChangeTypeDeleted)
	}
	return nil
}

func (s *server) DidChangeConfiguration(ctx context.Context, params *protocol.DidChangeConfigurationParams) error {
	// The settings files are read directly (and watched); nothing to pull.
	return nil
}

func (s *server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	args := make([]json.RawMessage, len(params.Arguments))
	for i, a := range params.Arguments {
		args[i] = json.RawMessage(a)
	}
	var run CommandFunc
	switch params.Command {
	case CommandEnvironment:
		run = s.environment
	case CommandVerify:
		run = func(ctx context.Context, args []json.RawMessage) (any, error) {
			return s.verify(ctx, params.WorkDoneToken, args)
		}
	case CommandVerifyResult:
		run = s.verifyResult
	case CommandHealth:
		run = s.health
	case CommandExplainError:
		run = s.explainError
	default:
		run = s.opts.Commands[params.Command]
	}
	if run == nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "executeCommand: unknown command %q", params.Command)
	}
	result, err := run(ctx, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", params.Command, err)
	}
	b, err := json.Marshal(result)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding the result: %w", params.Command, err)
	}
	return protocol.LSPAny(b), nil
}

func appendFolder(folders []folder, u uri.URI, name string) []folder {
	path := uriPath(u)
	if path == "" {
		return folders
	}
	for _, f := range folders {
		if f.Path == path {
			return folders
		}
	}
	return append(folders, folder{Path: path, URI: strings.Clone(string(u)), Name: name})
}

func isTrue(b *bool) bool { return b != nil && *b }
