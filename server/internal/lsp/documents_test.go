package lsp

import (
	"runtime"
	"testing"
)

func TestClientStateDefaults(t *testing.T) {
	cs, err := decodeClientState(nil)
	if err != nil || !cs.Trusted || cs.ProcessEnv == nil || cs.OSFlavour != "" || cs.SupportsReloadWindow {
		t.Errorf("defaults = %+v, %v; want trusted, the server's environment, an OS flavour and no reload command", cs, err)
	}
	if cs, _ := decodeClientState([]byte(`{"supportsReloadWindow": true}`)); !cs.SupportsReloadWindow {
		t.Errorf("supportsReloadWindow not decoded: %+v", cs)
	}
	cs, err = decodeClientState([]byte(`{"processEnv": {"HOME": "/h"}, "trusted": false, "osFlavour": "osx", "workspaceFile": "file:///w/a.code-workspace"}`))
	if err != nil || cs.Trusted || cs.OSFlavour != "osx" || cs.ProcessEnv["HOME"] != "/h" || cs.WorkspaceFile != "/w/a.code-workspace" {
		t.Errorf("decoded = %+v, %v", cs, err)
	}
	if cs.UserSettingsPath == "" {
		t.Errorf("no default user settings path from HOME=/h")
	}
	if _, err := decodeClientState([]byte(`{"processEnv": 3}`)); err == nil {
		t.Errorf("malformed client state: no error")
	}
}

// The login shell runs the user's startup files: only for a client that
// captured its own environment, in a trusted workspace, when the terminal's
// environment is not already known.
func TestWantsShellProbe(t *testing.T) {
	for _, tc := range []struct {
		json string
		want bool
	}{
		{`{"processEnv": {"SHELL": "/bin/bash"}, "trusted": true}`, true},
		{`{"processEnv": {"SHELL": "/bin/bash"}, "trusted": false}`, false},
		{`{"processEnv": {"SHELL": "/bin/bash"}, "trusted": true, "terminalEnv": {"A": "b"}}`, false},
		{`{"processEnv": {"HOME": "/h"}, "trusted": true}`, false},
		{`{"trusted": true}`, false}, // the server's own environment is already a shell's
	} {
		cs, err := decodeClientState([]byte(tc.json))
		if err != nil {
			t.Fatal(err)
		}
		if got := cs.WantsShellProbe(); got != tc.want && runtime.GOOS != "windows" {
			t.Errorf("%s: wantsShellProbe = %v, want %v", tc.json, got, tc.want)
		}
	}
}
