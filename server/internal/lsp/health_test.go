package lsp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

type healthResponse struct {
	verify.HealthResult
	Folder string      `json:"folder"`
	Fix    *codeAction `json:"fix"` // {title, edit}, as a code action carries them
}

// TestHealthCommand: goproxy-doctor.health asks the gopls consumer's proxy
// entries only /sumdb/<name>/supported and the named module's @v/list
// (never a go.mod module), reports the first entry down with Verify's
// failover fix as an edit, and refuses a module GOPRIVATE matches.
func TestHealthCommand(t *testing.T) {
	n := newVerifyNet(t)
	n.p1.Set("*", verifytest.Behavior{Status: 502})
	n.p1.SumDB, n.p1.SumDBStatus = n.db, 502
	goenv := "GOPROXY=" + n.p1.URL + "," + n.p2.URL + ",direct\nGOSUMDB=" + n.db.Key + "\nGOPRIVATE=git.example.com\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil))
	h.awaitDiagnostics(0, h.goenv, "the first diagnosis", func(publish) bool { return true })

	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandHealth, map[string]any{"module": "pub.example.com/named", "timeout": "20s"}))
	if r.Error != nil {
		t.Fatalf("health: %v", r.Error)
	}
	var res healthResponse
	if err := json.Unmarshal(r.Result, &res); err != nil {
		t.Fatalf("health result %s: %v", r.Result, err)
	}
	for _, hit := range n.log.Hits() {
		if hit.Path != "/sumdb/sum.example.com/supported" && hit.Path != "/pub.example.com/named/@v/list" {
			t.Errorf("%s was asked %s", hit.Server, hit.Path)
		}
	}
	if len(n.log.Hits()) != 4 {
		t.Errorf("hits %+v, want /supported and @v/list of each of 2 proxies", n.log.Hits())
	}
	if res.Consumer != "gopls" || len(res.Entries) != 2 || !res.Down || res.Entries[0].Status != verify.ClassServerError || res.Entries[1].Status != verify.ClassOK {
		t.Fatalf("result: %s", r.Result)
	}
	want := n.p2.URL + "," + n.p1.URL + "|direct"
	if res.Recommendation == nil || res.Recommendation.Recommended != want {
		t.Errorf("recommendation %+v, want %s", res.Recommendation, want)
	}
	if res.Fix == nil || !strings.Contains(res.Fix.Title, want) {
		t.Fatalf("fix %s, want one writing %s", r.Result, want)
	}
	edits, _ := res.Fix.editsFor(t, h.uri(h.goenv))
	if got, fixed := applyTextEdits(t, goenv, edits), strings.Replace(goenv, n.p1.URL+","+n.p2.URL+",direct", want, 1); got != fixed {
		t.Errorf("fixed GOENV file:\n%s\nwant:\n%s", got, fixed)
	}

	before := len(n.log.Hits())
	r = h.call("workspace/executeCommand", executeCommand(lsp.CommandHealth, map[string]any{"module": "git.example.com/team/private"}))
	if r.Error == nil || !strings.Contains(r.Error.Message, "never sent to a proxy") {
		t.Errorf("a GOPRIVATE module: %+v, want refused", r)
	}
	if len(n.log.Hits()) != before {
		t.Errorf("the refused module made requests: %+v", n.log.Hits()[before:])
	}
}

// TestHealthCommandKeepsCredentials: a proxy URL's password is in neither
// the result nor a fix (a fix that would write it back is not offered).
func TestHealthCommandKeepsCredentials(t *testing.T) {
	n := newVerifyNet(t)
	n.p1.Set("*", verifytest.Behavior{Status: 503})
	n.p1.SumDB, n.p1.SumDBStatus = n.db, 503
	withCreds := "http://ci:hunter2@" + strings.TrimPrefix(n.p1.URL, "http://")
	goenv := "GOPROXY=" + withCreds + "," + n.p2.URL + ",direct\nGOSUMDB=" + n.db.Key + "\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil))
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandHealth, map[string]any{"timeout": "20s"}))
	if r.Error != nil {
		t.Fatalf("health: %v", r.Error)
	}
	if strings.Contains(string(r.Result), "hunter2") {
		t.Errorf("the password is in the health result:\n%s", r.Result)
	}
	var res healthResponse
	if err := json.Unmarshal(r.Result, &res); err != nil {
		t.Fatal(err)
	}
	if !res.Down || res.Recommendation == nil {
		t.Errorf("want down with a (redacted) recommendation: %s", r.Result)
	}
	if res.Fix != nil {
		t.Errorf("a fix that writes the credential back was offered: %s", r.Result)
	}
}

// TestHealthCommandUntrusted: in an untrusted workspace the GOPROXY the
// workspace chose (go.toolsEnvVars, which gopls gets) is not contacted.
func TestHealthCommandUntrusted(t *testing.T) {
	n := newVerifyNet(t)
	settings := `{"go.toolsEnvVars": {"GOPROXY": "` + n.p2.URL + `,direct", "GOSUMDB": "` + n.db.Key + `"}}`
	untrusted := withInitOptions(func(h *harness) any {
		env := map[string]string{"HTTPS_PROXY": n.fwd.URL, "SSL_CERT_FILE": n.ca.CertFile}
		for k, v := range h.env {
			env[k] = v
		}
		return map[string]any{"processEnv": env, "vscodeGoActive": false, "osFlavour": "linux", "trusted": false, "userSettingsPath": h.home + "/settings.json"}
	})
	h := start(t, withFiles(map[string]string{"go.mod": verifyGoMod, ".vscode/settings.json": settings}), untrusted)
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandHealth, map[string]any{"module": "pub.example.com/named", "timeout": "20s"}))
	if r.Error != nil {
		t.Fatalf("health: %v", r.Error)
	}
	var res healthResponse
	if err := json.Unmarshal(r.Result, &res); err != nil {
		t.Fatal(err)
	}
	if hits := n.log.Hits(); len(hits) != 0 {
		t.Errorf("an untrusted workspace's proxy was contacted: %+v", hits)
	}
	if len(res.Entries) != 1 || res.Entries[0].Status != verify.ClassWithheld || len(res.Withheld) == 0 || res.Down {
		t.Errorf("want the entry withheld, not down: %s", r.Result)
	}
}
