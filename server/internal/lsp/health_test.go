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
	Folder string `json:"folder"`
	Fix    *struct {
		Title string          `json:"title"`
		Edit  json.RawMessage `json:"edit"`
	} `json:"fix"`
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
	// The edit is minimal: it rewrites the middle of the GOENV file's value.
	if res.Fix == nil || !strings.Contains(res.Fix.Title, want) || !strings.Contains(string(res.Fix.Edit), `"newText":"`) || !strings.Contains(string(res.Fix.Edit), "/goenv") {
		t.Errorf("fix %s, want an edit of the GOENV file writing %s", r.Result, want)
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
