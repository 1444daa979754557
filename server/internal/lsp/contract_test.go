package lsp

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// Server command ids, the client-state notification and the diagnostic
// source come from shared/contract.json, as the extension's do.
func TestServerMatchesTheContract(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "contract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		ServerCommands []struct {
			ID string `json:"id"`
		} `json:"serverCommands"`
		ClientNotifications []struct {
			Method string `json:"method"`
		} `json:"clientNotifications"`
		ServerNotifications []struct {
			Method string `json:"method"`
		} `json:"serverNotifications"`
		ClientCommands []struct {
			ID string `json:"id"`
		} `json:"clientCommands"`
		InitializationOptions map[string]any `json:"initializationOptions"`
		DiagnosticSource      string         `json:"diagnosticSource"`
		WorkspaceGlobs        struct {
			Inputs     []string `json:"inputs"`
			BuildFiles []string `json:"buildFiles"`
		} `json:"workspaceGlobs"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sc := range c.ServerCommands {
		ids = append(ids, sc.ID)
	}
	slices.Sort(ids)
	served := []string{CommandEnvironment, CommandVerify, CommandVerifyResult, CommandHealth, CommandExplainError}
	slices.Sort(served)
	if !slices.Equal(ids, served) {
		t.Errorf("contract server commands %v, server serves %v", ids, served)
	}
	if len(c.ClientNotifications) != 1 || c.ClientNotifications[0].Method != methodClientState {
		t.Errorf("contract notifications %+v, server handles %s", c.ClientNotifications, methodClientState)
	}
	if len(c.ServerNotifications) != 1 || c.ServerNotifications[0].Method != methodStatus {
		t.Errorf("contract server notifications %+v, server sends %s", c.ServerNotifications, methodStatus)
	}
	if _, ok := c.InitializationOptions["statusNotifications"]; !ok {
		t.Errorf("contract initializationOptions lack statusNotifications, the opt-in for %s", methodStatus)
	}
	if len(c.ClientCommands) != 1 || c.ClientCommands[0].ID != commandReloadWindow {
		t.Errorf("contract client commands %+v, code actions run %s", c.ClientCommands, commandReloadWindow)
	}
	// The server registers the watchers the extension creates.
	if globs := append(slices.Clone(c.WorkspaceGlobs.Inputs), c.WorkspaceGlobs.BuildFiles...); !slices.Equal(globs, session.WorkspaceGlobs) {
		t.Errorf("contract workspace globs %q, server watches %q", globs, session.WorkspaceGlobs)
	}
	// Every build file glob names files the engine finds.
	for _, g := range c.WorkspaceGlobs.BuildFiles {
		example := strings.NewReplacer("**/", "", "*", "app", ".yml", ".yml").Replace(g)
		if !engine.BuildFileIncluded("/ws", path.Join("/ws", example)) {
			t.Errorf("build file glob %q: %s is not a build file to the engine", g, example)
		}
	}
	if c.DiagnosticSource != diagnosticSource {
		t.Errorf("contract source %q, server publishes %q", c.DiagnosticSource, diagnosticSource)
	}
}
