package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
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
}

// clientState is what the client knows that the files cannot tell, with
// defaults filled in for clients that send nothing (e.g. Neovim).
type clientState struct {
	ProcessEnv       map[string]string
	VSCodeGoActive   bool
	TerminalEnv      map[string]string
	UserSettingsPath string // normalised path; "" for none
	WorkspaceFile    string // normalised path; "" for a single-folder window
	OSFlavour        string // linux, osx, windows; "" when the client did not say
	RemoteName       string
	Trusted          bool
	// SupportsReloadWindow: the client can run commandReloadWindow (VS
	// Code); other clients get no code action they could not run.
	SupportsReloadWindow bool
	// Captured is true when the client sent its own environment: then the
	// terminal's may differ from it, and a login-shell probe tells how.
	Captured bool
}

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

// normPath is the one spelling of a path used for map keys and the engine:
// cleaned, with a lower-case Windows drive letter as VS Code's URIs have it.
func normPath(p string) string {
	if p == "" {
		return ""
	}
	p = filepath.Clean(p)
	if runtime.GOOS == "windows" && len(p) >= 2 && p[1] == ':' {
		p = strings.ToLower(p[:1]) + p[1:]
	}
	return p
}

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

// wantsShellProbe says whether the terminal's environment should come from a
// login-shell probe (SPEC §4): only when the client captured its own
// environment, did not send the terminal's, trusts the workspace (the shell
// runs the user's startup files) and runs on a system with login shells.
func (cs clientState) wantsShellProbe() bool {
	return cs.Captured && cs.TerminalEnv == nil && cs.Trusted && runtime.GOOS != "windows" && cs.ProcessEnv["SHELL"] != ""
}
