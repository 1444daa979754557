package lsp_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// verifyNet is the loopback network the verify command runs against.
type verifyNet struct {
	log    *verifytest.Log
	tree   *verifytest.Tree
	db     *verifytest.SumDB
	ca     *verifytest.CA
	hosts  *verifytest.Hosts
	fwd    *verifytest.ForwardProxy
	p1, p2 *verifytest.Proxy
}

func newVerifyNet(t *testing.T) *verifyNet {
	n := &verifyNet{log: &verifytest.Log{}}
	n.tree = verifytest.NewTree(t, "pub.example.com/lib@v1.0.0", "pub.example.com/missing@v1.0.0")
	n.db = verifytest.NewSumDB(t, "sum.example.com", n.tree)
	n.ca = verifytest.NewCA(t)
	n.hosts = verifytest.NewHosts(t, n.ca, n.log)
	n.fwd = verifytest.NewForwardProxy(t, n.hosts, n.log, "", "")
	n.p1 = (&verifytest.Proxy{Name: "p1", Tree: n.tree, Log: n.log, Modules: map[string]verifytest.Behavior{"*": {Status: 404}}}).Start(t)
	n.p2 = (&verifytest.Proxy{Name: "p2", Tree: n.tree, Log: n.log, SumDB: n.db}).Start(t)
	return n
}

// initWith is the default client state with more process variables: the
// network goes through the lab's forward proxy and trusts its CA.
func (n *verifyNet) initWith(extra map[string]string) option {
	return withInitOptions(func(h *harness) any {
		// Every consumer's traffic to a non-loopback host goes through the
		// lab's forward proxy, which reaches only example.com hosts (the
		// install consumer drops GOENV and reads $GOROOT/go.env's defaults).
		env := map[string]string{"HTTPS_PROXY": n.fwd.URL, "HTTP_PROXY": n.fwd.URL, "SSL_CERT_FILE": n.ca.CertFile}
		for k, v := range h.env {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return map[string]any{
			"processEnv": env, "vscodeGoActive": false, "osFlavour": "linux", "trusted": true,
			"userSettingsPath": h.home + "/settings.json",
		}
	})
}

const verifyGoMod = "module example.com/m\n\ngo 1.22\n\nrequire (\n\tpub.example.com/lib v1.0.0\n\tpub.example.com/missing v1.0.0\n)\n"

type verifyResult struct {
	Folders []struct {
		verify.Result
		Folder string `json:"folder"`
	} `json:"folders"`
	Text string `json:"text"`
}

func decodeVerify(t *testing.T, r response) verifyResult {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("verify: %v", r.Error)
	}
	var v verifyResult
	if err := json.Unmarshal(r.Result, &v); err != nil {
		t.Fatalf("verify result %s: %v", r.Result, err)
	}
	if len(v.Folders) != 1 {
		t.Fatalf("folders: %s", r.Result)
	}
	return v
}

func progressKind(n note) (token json.RawMessage, kind string, pct int) {
	var p struct {
		Token json.RawMessage `json:"token"`
		Value struct {
			Kind       string `json:"kind"`
			Percentage int    `json:"percentage"`
		} `json:"value"`
	}
	json.Unmarshal(n.Params, &p)
	return p.Token, p.Value.Kind, p.Value.Percentage
}

// TestVerifyCommand: goproxy-doctor.verify reports work-done progress on a
// token it creates, returns the structured result, and publishes its
// findings merged with the engine's per file, replacing them on the next
// verify and dropping them once their file changes.
func TestVerifyCommand(t *testing.T) {
	n := newVerifyNet(t)
	n.p2.Set("pub.example.com/missing", verifytest.Behavior{Status: 404})
	// p1 has no module but answers 500 for the checksum database.
	n.p1.SumDB, n.p1.SumDBStatus = n.db, 500
	goenv := "GOPROXY=" + n.p1.URL + "," + n.p2.URL + "\nGOSUMDB=" + n.db.Key + "\nGONOSUMCHECK=example.com\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil))
	h.awaitDiagnostics(0, h.goenv, "the engine's findings", hasCode("unknown-go-variable"))

	mark, notes := h.mark(), h.noteMark()
	res := decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"})))
	mods := map[string]verify.ModuleResult{}
	for _, m := range res.Folders[0].Modules {
		if m.Consumer == "terminal" {
			mods[m.Path] = m
		}
	}
	lib, missing := mods["pub.example.com/lib"], mods["pub.example.com/missing"]
	if lib.Outcome != verify.OutcomeOK || lib.ServedBy != n.p2.URL || len(lib.Attempts) != 2 || lib.SumDB == nil || lib.SumDB.Outcome != verify.OutcomeError {
		t.Errorf("lib: %+v", lib)
	}
	if missing.Outcome != verify.OutcomeNotFound || len(missing.Attempts) != 2 {
		t.Errorf("missing: %+v", missing)
	}
	if !strings.Contains(res.Text, "1 404 → 2 200") {
		t.Errorf("text:\n%s", res.Text)
	}

	// Progress: a created token, then begin, reports, end on it.
	created := h.awaitNote(notes, "window/workDoneProgress/create", func(n note) bool { return n.Method == "window/workDoneProgress/create" })
	var create struct {
		Token json.RawMessage `json:"token"`
	}
	json.Unmarshal(created.Params, &create)
	var kinds []string
	for _, kind := range []string{"begin", "report", "end"} {
		n := h.awaitNote(notes, "$/progress "+kind, func(n note) bool {
			tok, k, _ := progressKind(n)
			return n.Method == "$/progress" && k == kind && string(tok) == string(create.Token)
		})
		_, k, pct := progressKind(n)
		if k == "report" && (pct < 0 || pct > 100) {
			t.Errorf("percentage %d", pct)
		}
		kinds = append(kinds, k)
	}

	// Diagnostics: the failing entry in the GOENV file next to the engine's
	// finding there, the missing module on its require line.
	p := h.awaitDiagnostics(mark, h.goenv, "verify's findings with the engine's", all(hasCode("proxy-unreachable"), hasCode("sumdb-unreachable"), hasCode("unknown-go-variable")))
	d := p.find("proxy-unreachable")
	if d.Range.Start.Line != 0 || d.Range.Start.Character != len("GOPROXY=") || d.Range.End.Character != len("GOPROXY=")+len(n.p1.URL) || d.Severity != 1 || d.Source != "go-proxy" {
		t.Errorf("proxy-unreachable: %+v", d)
	}
	if d := p.find("sumdb-unreachable"); d.Range.Start.Line != 1 || !strings.Contains(d.Message, "500") {
		t.Errorf("sumdb-unreachable: %+v", d)
	}
	gm := h.awaitDiagnostics(mark, "go.mod", "module-not-found", hasCode("module-not-found"))
	if d := gm.find("module-not-found"); d.Range.Start.Line != 6 || !strings.Contains(d.Message, "pub.example.com/missing@v1.0.0") || len(d.Data.Consumers) == 0 {
		t.Errorf("module-not-found: %+v", d)
	}

	// The next verify replaces the results: the module is served now.
	n.p2.Set("pub.example.com/missing", verifytest.Behavior{})
	mark = h.mark()
	decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify)))
	h.awaitDiagnostics(mark, "go.mod", "module-not-found cleared", func(p publish) bool { return p.find("module-not-found") == nil })

	// Editing the GOENV file drops the verify finding placed in its old text.
	mark = h.mark()
	h.open(h.goenv, 1, "# edited\n"+goenv)
	h.awaitDiagnostics(mark, h.goenv, "the engine's finding without the stale verify one", all(version(1), hasCode("unknown-go-variable"), func(p publish) bool { return p.find("proxy-unreachable") == nil }))
}

// TestVerifyCancel: a run against hanging servers stops promptly when the
// client cancels it — by $/cancelRequest, or by window/workDoneProgress/cancel
// on the token the server created or on the client's own workDoneToken —
// and every hanging request is abandoned.
func TestVerifyCancel(t *testing.T) {
	for _, how := range []string{"cancelRequest", "progress cancel, server token", "progress cancel, client token"} {
		t.Run(how, func(t *testing.T) {
			n := newVerifyNet(t)
			hung, done := make(chan string, 16), make(chan string, 16)
			hang := (&verifytest.Proxy{Name: "hang", Tree: n.tree, Log: n.log, Modules: map[string]verifytest.Behavior{"*": {Hang: true}}, Hung: hung, HungDone: done}).Start(t)
			h := start(t, withGoEnv("GOPROXY="+hang.URL+"\nGOSUMDB=off\n"), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil))
			notes := h.noteMark()
			params := executeCommand(lsp.CommandVerify, map[string]any{"timeout": "1h"})
			if how == "progress cancel, client token" {
				params["workDoneToken"] = "client-token"
			}
			resp := h.send("verify-1", "workspace/executeCommand", params)
			for range 2 { // both modules' requests are held
				select {
				case <-hung:
				case <-deadline():
					t.Fatal("the hanging proxy got no request")
				}
			}
			switch how {
			case "cancelRequest":
				h.notify("$/cancelRequest", map[string]any{"id": "verify-1"})
			case "progress cancel, server token":
				c := h.awaitNote(notes, "create", func(n note) bool { return n.Method == "window/workDoneProgress/create" })
				var p struct {
					Token json.RawMessage `json:"token"`
				}
				json.Unmarshal(c.Params, &p)
				h.notify("window/workDoneProgress/cancel", map[string]any{"token": p.Token})
			default:
				h.awaitNote(notes, "begin on the client token", func(n note) bool {
					tok, kind, _ := progressKind(n)
					return kind == "begin" && string(tok) == `"client-token"`
				})
				h.notify("window/workDoneProgress/cancel", map[string]any{"token": "client-token"})
			}
			r := h.await(resp, "the cancelled verify")
			if r.Error == nil || r.Error.Code != codeRequestCancelled {
				t.Errorf("reply: result %s error %v; want code %d", r.Result, r.Error, codeRequestCancelled)
			}
			for range 2 {
				select {
				case <-done:
				case <-deadline():
					t.Fatal("a hanging request was not abandoned")
				}
			}
			h.awaitNote(notes, "progress end", func(n note) bool { _, kind, _ := progressKind(n); return kind == "end" })
		})
	}
}

// TestVerifyCanary: a password in a GOPROXY URL is in no result,
// diagnostic, progress message or log line.
func TestVerifyCanary(t *testing.T) {
	const canary = "lsp-canary-5d1e"
	n := newVerifyNet(t)
	n.hosts.Handle("mirror.example.com", &verifytest.Proxy{Name: "mirror", Tree: n.tree, Log: n.log, Modules: map[string]verifytest.Behavior{"*": {Status: 500}}})
	h := start(t, withGoEnv("GOPROXY=https://ci:"+canary+"@mirror.example.com\nGOSUMDB=off\n"), withFiles(map[string]string{"go.mod": verifyGoMod}), n.initWith(nil))
	mark := h.mark()
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify))
	res := decodeVerify(t, r)
	if res.Folders[0].Proxies[0].Status != verify.ClassServerError {
		t.Errorf("proxies: %+v", res.Folders[0].Proxies)
	}
	p := h.awaitDiagnostics(mark, h.goenv, "proxy-unreachable", hasCode("proxy-unreachable"))
	if d := p.find("proxy-unreachable"); !strings.Contains(d.Message, "https://ci:xxxxx@mirror.example.com") {
		t.Errorf("message: %s", d.Message)
	}
	sent := false
	for _, hit := range n.log.Hits() {
		sent = sent || hit.Server == "mirror" && hit.Auth != ""
	}
	if !sent {
		t.Error("positive control: the mirror never received the credentials")
	}
	h.mu.Lock()
	var wire strings.Builder
	for _, p := range h.publishes {
		wire.Write(p.Raw)
	}
	for _, n := range h.notes {
		wire.Write(n.Params)
	}
	h.mu.Unlock()
	for what, text := range map[string]string{"result": string(r.Result), "diagnostics and progress": wire.String(), "logs": h.logs.String()} {
		if strings.Contains(text, canary) {
			t.Errorf("the canary is in the %s", what)
		}
	}
}

// TestVerifyRecommendationFix: after a Verify run, the failing GOPROXY
// entry's diagnostic offers, not preferred, the value Verify ranks: the
// healthy entry first, the failing one after it.
func TestVerifyRecommendationFix(t *testing.T) {
	n := newVerifyNet(t)
	n.p1.Set("*", verifytest.Behavior{Status: 500})
	n.p1.SumDB, n.p1.SumDBStatus = n.db, 500
	goenv := "GOPROXY=" + n.p1.URL + "," + n.p2.URL + "\nGOSUMDB=" + n.db.Key + "\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire pub.example.com/lib v1.0.0\n"}), n.initWith(nil))
	mark := h.mark()
	res := decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"})))
	want := n.p2.URL + "," + n.p1.URL
	found := false
	for _, r := range res.Folders[0].Recommendations {
		found = found || r.Recommended == want
	}
	if !found || !strings.Contains(res.Text, "recommended GOPROXY for ") {
		t.Errorf("recommendations %+v, want %q; text:\n%s", res.Folders[0].Recommendations, want, res.Text)
	}

	p := h.awaitDiagnostics(mark, h.goenv, "proxy-unreachable", hasCode("proxy-unreachable"))
	d := *p.find("proxy-unreachable")
	var fix *codeAction
	actions := h.codeActions(h.goenv, d.Range, []diagnostic{d})
	for i := range actions {
		if strings.Contains(actions[i].Title, "ranked by Verify") {
			fix = &actions[i]
		}
	}
	if fix == nil {
		t.Fatalf("no ranking fix among %+v", actions)
	}
	if fix.IsPreferred {
		t.Errorf("the ranking fix is preferred: %+v", fix)
	}
	edits, _ := fix.editsFor(t, h.uri(h.goenv))
	if got := applyTextEdits(t, goenv, edits); got != "GOPROXY="+want+"\nGOSUMDB="+n.db.Key+"\n" {
		t.Errorf("fixed GOENV file:\n%s", got)
	}
}

// TestVerifyCandidatesArgument: the command's candidates (the
// goProxy.verify.candidates setting) are probed and returned; one that is
// not a proxy URL is an invalid argument.
func TestVerifyCandidatesArgument(t *testing.T) {
	n := newVerifyNet(t)
	goenv := "GOPROXY=" + n.p1.URL + ",direct\nGOSUMDB=off\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire pub.example.com/lib v1.0.0\n"}), n.initWith(nil))
	res := decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s", "candidates": []string{n.p2.URL}})))
	cands := res.Folders[0].Candidates
	if len(cands) == 0 || cands[0].URL != n.p2.URL || cands[0].Status != verify.ClassOK || cands[0].Served != 1 {
		t.Errorf("candidates %+v", cands)
	}
	if !strings.Contains(res.Text, "CANDIDATE") {
		t.Errorf("text lacks the candidates:\n%s", res.Text)
	}
	for _, p := range res.Folders[0].Proxies {
		if p.URL == n.p2.URL {
			t.Errorf("the candidate became a configured proxy: %+v", p)
		}
	}
	if r := h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"candidates": []string{"direct"}})); r.Error == nil {
		t.Errorf("candidates [direct]: no error")
	}
}

// TestVerifyRankedOffer: a slow but healthy first entry is no problem, so no
// diagnostic goes on it; after a Verify run the GOPROXY value offers the
// faster order as a quick fix without a diagnostic, until the file changes.
func TestVerifyRankedOffer(t *testing.T) {
	n := newVerifyNet(t)
	const delay = 300 * time.Millisecond
	slow := (&verifytest.Proxy{Name: "slow", Tree: n.tree, Log: n.log, SumDB: n.db, Latency: delay}).Start(t)
	value := slow.URL + "," + n.p2.URL + ",direct"
	goenv := "GOPROXY=" + value + "\nGOSUMDB=" + n.db.Key + "\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire pub.example.com/lib v1.0.0\n"}), n.initWith(nil))
	rng := lspRange{Start: lspPosition{Line: 0, Character: len("GOPROXY=")}, End: lspPosition{Line: 0, Character: len("GOPROXY=") + 3}}
	for _, a := range h.codeActions(h.goenv, rng, nil) {
		if strings.Contains(a.Title, "ranked by Verify") {
			t.Fatalf("a ranking is offered before any Verify run: %+v", a)
		}
	}
	res := decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"})))
	want := n.p2.URL + "," + slow.URL + ",direct"
	for _, p := range res.Folders[0].Proxies {
		t.Logf("%s: %s %.1f ms", p.URL, p.Status, p.LatencyMs)
	}
	var fix *codeAction
	actions := h.codeActions(h.goenv, rng, nil)
	for i := range actions {
		if strings.Contains(actions[i].Title, "ranked by Verify") {
			fix = &actions[i]
		}
	}
	if fix == nil {
		t.Fatalf("no ranking offered among %+v; recommendations %+v", actions, res.Folders[0].Recommendations)
	}
	if fix.IsPreferred || len(fix.Diagnostics) != 0 || fix.Kind != "quickfix" {
		t.Errorf("offer: %+v", fix)
	}
	edits, _ := fix.editsFor(t, h.uri(h.goenv))
	if got := applyTextEdits(t, goenv, edits); got != "GOPROXY="+want+"\nGOSUMDB="+n.db.Key+"\n" {
		t.Errorf("fixed GOENV file:\n%s", got)
	}
	// Not on another line.
	other := lspRange{Start: lspPosition{Line: 1, Character: 0}, End: lspPosition{Line: 1, Character: 3}}
	for _, a := range h.codeActions(h.goenv, other, nil) {
		if strings.Contains(a.Title, "ranked by Verify") {
			t.Errorf("offered on GOSUMDB's line: %+v", a)
		}
	}
	// Once the file changes, the measurement no longer applies to it.
	mark := h.mark()
	h.open(h.goenv, 1, "# edited\n"+goenv)
	h.awaitDiagnostics(mark, h.goenv, "the edited file diagnosed", version(1))
	moved := lspRange{Start: lspPosition{Line: 0, Character: 0}, End: lspPosition{Line: 3, Character: 0}} // the whole file
	for _, a := range h.codeActions(h.goenv, moved, nil) {
		if strings.Contains(a.Title, "ranked by Verify") {
			t.Errorf("offered on a changed file: %+v", a)
		}
	}
}

// TestVerifyRankedFixKeepsCredentials: a ranked GOPROXY that would write a
// credential back into a file is not offered (SPEC §5a), though the
// recommendation itself is reported, redacted.
func TestVerifyRankedFixKeepsCredentials(t *testing.T) {
	n := newVerifyNet(t)
	withCreds := "http://ci:hunter2@" + strings.TrimPrefix(n.p1.URL, "http://")
	goenv := "GOPROXY=" + withCreds + "," + n.p2.URL + "\nGOSUMDB=off\n"
	h := start(t, withGoEnv(goenv), withFiles(map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire pub.example.com/lib v1.0.0\n"}), n.initWith(nil))
	mark := h.mark()
	r := h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"}))
	if strings.Contains(string(r.Result), "hunter2") {
		t.Errorf("the password is in the verify result:\n%s", r.Result)
	}
	res := decodeVerify(t, r)
	if len(res.Folders[0].Recommendations) == 0 {
		t.Errorf("no recommendation for a failing first entry: %+v", res.Folders[0].Proxies)
	}
	p := h.awaitDiagnostics(mark, h.goenv, "proxy-unreachable", hasCode("proxy-unreachable"))
	d := *p.find("proxy-unreachable")
	whole := lspRange{Start: lspPosition{Line: 0, Character: 0}, End: lspPosition{Line: 2, Character: 0}}
	for _, a := range append(h.codeActions(h.goenv, d.Range, []diagnostic{d}), h.codeActions(h.goenv, whole, nil)...) {
		if strings.Contains(a.Title, "ranked by Verify") || strings.Contains(a.Title, "hunter2") {
			t.Errorf("action %q offered", a.Title)
		}
	}
}

// A nested go.mod open in the editor counts like the folder's own go.mod:
// the content the server reads for a path is the open buffer, also when the
// file is not (or no longer) on disk, so its requirements are verified; once
// closed, the disk decides again.
func TestVerifyNestedModuleInABuffer(t *testing.T) {
	n := newVerifyNet(t)
	goenv := "GOPROXY=" + n.p2.URL + "\nGOSUMDB=" + n.db.Key + "\nGONOSUMCHECK=example.com\n"
	h := start(t, withGoEnv(goenv), n.initWith(nil))
	h.awaitDiagnostics(0, h.goenv, "the engine's findings", hasCode("unknown-go-variable"))
	verified := func() map[string]bool {
		res := decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify, map[string]any{"timeout": "20s"})))
		out := map[string]bool{}
		for _, m := range res.Folders[0].Modules {
			out[m.Path+"@"+m.Version] = true
		}
		return out
	}
	if mods := verified(); mods["pub.example.com/lib@v1.0.0"] {
		t.Fatalf("verified before the nested module exists: %v", mods)
	}
	h.open("sub/go.mod", 1, "module example.com/m/sub\n\ngo 1.22\n\nrequire pub.example.com/lib v1.0.0\n")
	if mods := verified(); !mods["pub.example.com/lib@v1.0.0"] {
		t.Errorf("the open nested go.mod's requirement is not verified: %v", mods)
	}
	h.closeDoc("sub/go.mod")
	if mods := verified(); mods["pub.example.com/lib@v1.0.0"] {
		t.Errorf("verified after the buffer of a go.mod not on disk was closed: %v", mods)
	}
}
