package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// methodClientState is the custom notification by which the client replaces
// its state (trust, captured environment, ...); its params have the shape of
// initializationOptions.
const methodClientState = "goproxy-doctor/clientState"

// clientStateParams is the wire shape of initializationOptions and of the
// goproxy-doctor/clientState params (shared/contract.json).
type clientStateParams struct {
	ProcessEnv       map[string]string `json:"processEnv"`
	VSCodeGoActive   bool              `json:"vscodeGoActive"`
	TerminalEnv      map[string]string `json:"terminalEnv"`
	UserSettingsPath string            `json:"userSettingsPath"`
	WorkspaceFile    string            `json:"workspaceFile"`
	OSFlavour        string            `json:"osFlavour"`
	RemoteName       string            `json:"remoteName"`
	Trusted          *bool             `json:"trusted"`
	// SupportsReloadWindow: the client runs commandReloadWindow.
	SupportsReloadWindow bool `json:"supportsReloadWindow"`
	// StatusNotifications: the client wants goproxy-doctor/status.
	StatusNotifications bool `json:"statusNotifications"`
}

// clientState is what the client knows that the files cannot tell.
type clientState = session.ClientState

// decodeClientState decodes raw (absent or null means all defaults). A
// malformed value yields the defaults and an error to log.
func decodeClientState(raw []byte) (clientState, error) {
	var p clientStateParams
	var err error
	if len(raw) > 0 && string(raw) != "null" {
		if err = json.Unmarshal(raw, &p); err != nil {
			err = fmt.Errorf("client state: %w", err)
			p = clientStateParams{}
		}
	}
	return p.withDefaults(), err
}

func (p clientStateParams) withDefaults() clientState {
	st := clientState{
		ProcessEnv:     p.ProcessEnv,
		VSCodeGoActive: p.VSCodeGoActive,
		TerminalEnv:    p.TerminalEnv,
		OSFlavour:      p.OSFlavour,
		RemoteName:     p.RemoteName,
		Trusted:        p.Trusted == nil || *p.Trusted,
		Captured:       p.ProcessEnv != nil,

		SupportsReloadWindow: p.SupportsReloadWindow,
		StatusNotifications:  p.StatusNotifications,
	}
	if st.ProcessEnv == nil {
		st.ProcessEnv = engine.EnvMap(os.Environ())
	}
	switch st.OSFlavour {
	case "linux", "osx", "windows":
	default:
		st.OSFlavour = "" // engine.Load derives it from GOOS
	}
	st.UserSettingsPath = pathOrURI(p.UserSettingsPath)
	if st.UserSettingsPath == "" {
		env := st.ProcessEnv
		st.UserSettingsPath = normPath(engine.DefaultUserSettings(runtime.GOOS, func(k string) string { return env[k] }))
	}
	st.WorkspaceFile = pathOrURI(p.WorkspaceFile)
	return st
}

// pathOrURI accepts a file path or a file URI and returns a normalised path.
func pathOrURI(s string) string {
	if s == "" {
		return ""
	}
	if strings.HasPrefix(s, "file:") {
		u, err := uri.Parse(s)
		if err != nil || !u.IsFile() {
			return ""
		}
		return normPath(u.FsPath())
	}
	return normPath(s)
}

// normPath is the one spelling of a path (session.NormPath).
func normPath(p string) string { return session.NormPath(p) }

// uriPath returns the normalised path of a file URI ("" for other schemes).
func uriPath(u uri.URI) string {
	if !u.IsFile() {
		return ""
	}
	// A copy: the URI may share the memory of the message it came in (a
	// dropped 50 MB didOpen), and paths are kept as map keys.
	return strings.Clone(normPath(u.FsPath()))
}

// shellProbeTimeout bounds the login-shell probe; VS Code waits about as long
// for its own shell environment resolution.
const shellProbeTimeout = 10 * time.Second
