package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
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
	if c.DiagnosticSource != diagnosticSource {
		t.Errorf("contract source %q, server publishes %q", c.DiagnosticSource, diagnosticSource)
	}
}
