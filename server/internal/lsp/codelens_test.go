package lsp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

type codeLens struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
		End   struct{ Line, Character int } `json:"end"`
	} `json:"range"`
	Command struct {
		Title     string            `json:"title"`
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	} `json:"command"`
}

func (h *harness) codeLenses(rel string) []codeLens {
	h.t.Helper()
	r := h.call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": h.uri(rel)}})
	if r.Error != nil {
		h.t.Fatalf("codeLens %s: %v", rel, r.Error)
	}
	var out []codeLens
	if err := json.Unmarshal(r.Result, &out); err != nil || out == nil {
		h.t.Fatalf("codeLens %s: %s (%v)", rel, r.Result, err)
	}
	return out
}

func titles(lenses []codeLens) []string {
	var out []string
	for _, l := range lenses {
		out = append(out, l.Command.Title)
	}
	return out
}

// lensStatus is what the tree view reads from goproxy-doctor/status.
type lensStatus struct {
	Consumers []struct {
		Name string `json:"name"`
		Vars map[string]struct {
			Value  string `json:"value"`
			Source string `json:"source"`
			File   string `json:"file"`
			Line   int    `json:"line"`
		} `json:"vars"`
	} `json:"consumers"`
	Verify *struct {
		Modules   int `json:"modules"`
		OK        int `json:"ok"`
		Failing   int `json:"failing"`
		Skipped   int `json:"skipped"`
		Consumers map[string]struct {
			OK      int `json:"ok"`
			Failing int `json:"failing"`
		} `json:"consumers"`
	} `json:"verify"`
}

// TestCodeLensOnGoMod: go.mod's module line carries "Verify N modules",
// whose command (as a client runs it) verifies the folder; the client is
// then asked to refresh its lenses, the lens "N ok · M failing" appears
// and its command answers the run's report from the cache; the status
// counts the run and carries each consumer's variables with their sources.
func TestCodeLensOnGoMod(t *testing.T) {
	n := newVerifyNet(t)
	n.p2.Set("pub.example.com/missing", verifytest.Behavior{Status: 404})
	goenv := "GOPROXY=" + n.p1.URL + "," + n.p2.URL + "\nGOSUMDB=off\n"
	// A comment before the module line, with non-ASCII text: the lens is
	// on the module directive's line.
	goMod := "// Modulé für Tests\n" + verifyGoMod
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": goMod}), optIn(n.initWith(nil)))
	h.awaitDiagnostics(0, "go.mod", "the engine's findings", func(publish) bool { return true })

	if got := h.codeLenses(settingsPath); len(got) != 0 {
		t.Errorf("lenses on settings.json: %v", titles(got))
	}
	lenses := h.codeLenses("go.mod")
	if len(lenses) != 1 || lenses[0].Command.Title != "Verify 2 modules" || lenses[0].Command.Command != lsp.CommandVerify {
		t.Fatalf("lenses before Verify: %+v", lenses)
	}
	if l := lenses[0]; l.Range.Start.Line != 1 || l.Range.Start.Character != 0 || l.Range.End != l.Range.Start {
		t.Errorf("lens range %+v, want the start of line 1 (the module directive)", l.Range)
	}
	var arg struct {
		Folder string `json:"folder"`
	}
	if len(lenses[0].Command.Arguments) != 1 || json.Unmarshal(lenses[0].Command.Arguments[0], &arg) != nil || arg.Folder != h.folderURI() {
		t.Errorf("lens arguments %s, want the folder %s", lenses[0].Command.Arguments, h.folderURI())
	}

	// The client runs the lens's command as it came.
	notes, statuses := h.noteMark(), h.statusMark()
	res := decodeVerify(t, h.call("workspace/executeCommand", map[string]any{"command": lenses[0].Command.Command, "arguments": lenses[0].Command.Arguments}))
	h.awaitNote(notes, "workspace/codeLens/refresh", func(n note) bool { return n.Method == "workspace/codeLens/refresh" })

	// The terminal, gopls and tools get lib from the second proxy and
	// missing from none; install reads the default GOPROXY, refused by the
	// forward proxy: a module counts as failing when it fails for anyone.
	lenses = h.codeLenses("go.mod")
	if got := titles(lenses); len(got) != 2 || got[0] != "Verify 2 modules" || got[1] != "0 ok · 2 failing" {
		t.Fatalf("lenses after Verify: %q\n%s", got, res.Text)
	}
	if lenses[1].Command.Command != lsp.CommandVerifyResult {
		t.Errorf("result lens runs %q", lenses[1].Command.Command)
	}
	r := h.call("workspace/executeCommand", map[string]any{"command": lenses[1].Command.Command, "arguments": lenses[1].Command.Arguments})
	cached := decodeVerify(t, r)
	if cached.Text != res.Text || len(cached.Folders[0].Modules) != len(res.Folders[0].Modules) {
		t.Errorf("cached report differs from the run's:\n%s\nvs\n%s", cached.Text, res.Text)
	}

	st := h.awaitStatus(statuses, "the Verify counts", func(s status) bool { return strings.Contains(string(s.Raw), `"verify":{`) })
	var ls lensStatus
	if err := json.Unmarshal(st.Raw, &ls); err != nil {
		t.Fatal(err)
	}
	if ls.Verify.Modules != 2 || ls.Verify.OK != 0 || ls.Verify.Failing != 2 || ls.Verify.Skipped != 0 {
		t.Errorf("status verify %+v", ls.Verify)
	}
	if c := ls.Verify.Consumers["terminal"]; c.OK != 1 || c.Failing != 1 {
		t.Errorf("terminal's counts %+v", c)
	}
	if c := ls.Verify.Consumers["install"]; c.OK != 0 || c.Failing != 2 {
		t.Errorf("install's counts %+v", c)
	}
	for _, c := range ls.Consumers {
		if c.Name != "terminal" {
			continue
		}
		v := c.Vars["GOPROXY"]
		if v.Value != n.p1.URL+","+n.p2.URL || v.Source != "goenv-file" || v.File != h.goenv || v.Line != 1 {
			t.Errorf("terminal's GOPROXY in the status: %+v", v)
		}
		if c.Vars["GOSUMDB"].Value != "off" || len(c.Vars) < 20 {
			t.Errorf("terminal's variables: %+v", c.Vars)
		}
	}
}

// A client without workspace/codeLens/refresh is not sent it; the lenses
// it asks for next still count the run. No folder ran: no cached report.
func TestCodeLensWithoutRefresh(t *testing.T) {
	n := newVerifyNet(t)
	n.p2.Set("pub.example.com/missing", verifytest.Behavior{Status: 404})
	goenv := "GOPROXY=" + n.p2.URL + "\nGOSUMDB=off\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil), withoutLensRefresh())

	r := decodeVerifyResultEmpty(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerifyResult, map[string]any{"folder": h.folderURI()})))
	if r != 0 {
		t.Errorf("a report before any run: %d folders", r)
	}
	notes := h.noteMark()
	decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"folder": h.folderURI()})))
	if got := titles(h.codeLenses("go.mod")); len(got) != 2 || got[1] != "0 ok · 2 failing" {
		t.Errorf("lenses after Verify: %q", got)
	}
	h.mu.Lock()
	for _, nt := range h.notes[notes:] {
		if nt.Method == "workspace/codeLens/refresh" {
			t.Errorf("refresh sent to a client without refreshSupport")
		}
	}
	h.mu.Unlock()
}

func decodeVerifyResultEmpty(t *testing.T, r response) int {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("%s: %v", lsp.CommandVerifyResult, r.Error)
	}
	var v struct {
		Folders []json.RawMessage `json:"folders"`
	}
	if err := json.Unmarshal(r.Result, &v); err != nil || v.Folders == nil {
		t.Fatalf("result %s: %v", r.Result, err)
	}
	return len(v.Folders)
}

// The tree view's variables in the status are redacted like the rest: a
// password in the forward proxy's URL never reaches the notification.
func TestStatusVariablesHideCredentials(t *testing.T) {
	const canary = "tree-canary-51be"
	h := start(t, withEnv(map[string]string{"HTTPS_PROXY": "http://u:" + canary + "@fwd.example.com:3128", "GOFLAGS": "-mod=mod"}), withInitOptions(statusClient))
	st := h.awaitStatus(0, "a status with variables", func(s status) bool { return strings.Contains(string(s.Raw), `"vars":{`) })
	if strings.Contains(string(st.Raw), canary) {
		t.Fatalf("the canary is in a status: %s", st.Raw)
	}
	var ls lensStatus
	if err := json.Unmarshal(st.Raw, &ls); err != nil {
		t.Fatal(err)
	}
	if len(ls.Consumers) == 0 {
		t.Fatalf("no consumers: %s", st.Raw)
	}
	for _, c := range ls.Consumers {
		if v := c.Vars["HTTPS_PROXY"]; v.Value != "http://u:xxxxx@fwd.example.com:3128" || v.Source != "process-env" {
			t.Errorf("%s's HTTPS_PROXY: %+v", c.Name, v)
		}
		if c.Vars["GOFLAGS"].Value == "" && c.Name != "install" {
			t.Errorf("%s's GOFLAGS missing: %+v", c.Name, c.Vars["GOFLAGS"])
		}
		if ls.Verify != nil {
			t.Errorf("verify counts before any run: %+v", ls.Verify)
		}
	}
}
