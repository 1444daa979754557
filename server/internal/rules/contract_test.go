package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// contract is the part of shared/contract.json the rules answer for.
type contract struct {
	DiagnosticSource string `json:"diagnosticSource"`
	Diagnostics      []struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
	} `json:"diagnostics"`
}

func readContract(t *testing.T) contract {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "contract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c contract
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// The diagnostic codes and their usual severities come from one source,
// shared/contract.json, which the extension's package.json is generated from:
// a rule added, removed or re-graded without it fails here.
func TestRulesMatchTheContract(t *testing.T) {
	c := readContract(t)
	verifyCodes := map[string]bool{
		verify.CodeProxyUnreachable: true, verify.CodeProxyTLSError: true, verify.CodeProxyAuthRequired: true,
		verify.CodeProxyTimeout: true, verify.CodeModuleNotFound: true, verify.CodeSumDBUnreachable: true,
	}
	registered := map[string]Rule{}
	for _, r := range All() {
		registered[r.Code] = r
	}
	inContract := map[string]bool{}
	for _, d := range c.Diagnostics {
		inContract[d.Code] = true
		if verifyCodes[d.Code] {
			continue
		}
		r, ok := registered[d.Code]
		if !ok {
			t.Errorf("contract code %s has no registered rule", d.Code)
			continue
		}
		if r.Severity.String() != d.Severity {
			t.Errorf("%s: rule severity %s, contract says %s", d.Code, r.Severity, d.Severity)
		}
	}
	for code := range registered {
		if !inContract[code] {
			t.Errorf("rule %s is not in shared/contract.json", code)
		}
	}
	for code := range verifyCodes {
		if !inContract[code] {
			t.Errorf("verify code %s is not in shared/contract.json", code)
		}
	}
}
