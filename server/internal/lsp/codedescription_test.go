package lsp_test

import (
	"encoding/json"
	"testing"
)

// Every published diagnostic links to its code's page in docs/rules/.
func TestDiagnosticsLinkToTheirRulePage(t *testing.T) {
	h := start(t)
	mark := h.mark()
	h.open(settingsPath, 4, nullToolsEnvVar)
	p := h.awaitDiagnostics(mark, settingsPath, "toolsenv-null", all(version(4), hasCode("toolsenv-null")))

	var params struct {
		Diagnostics []struct {
			Code            string `json:"code"`
			CodeDescription *struct {
				Href string `json:"href"`
			} `json:"codeDescription"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(p.Raw, &params); err != nil {
		t.Fatal(err)
	}
	if len(params.Diagnostics) == 0 {
		t.Fatalf("no diagnostics in %s", p.Raw)
	}
	const base = "https://github.com/go-proxy-doctor/go-proxy-doctor/blob/main/docs/rules/"
	for _, d := range params.Diagnostics {
		if d.CodeDescription == nil {
			t.Errorf("%s: no codeDescription in %s", d.Code, p.Raw)
			continue
		}
		if want := base + d.Code + ".md"; d.CodeDescription.Href != want {
			t.Errorf("%s: codeDescription.href = %q; want %q", d.Code, d.CodeDescription.Href, want)
		}
	}
}
