package lsp_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine/enginetest"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// The go command is the authority on effective values. The go command of
// these tests (first on the client's PATH) reports a GOPROXY that differs
// from the one the model reads: diagnostics and commands show go's.

const modelGoproxy = "https://model.example.com,direct"

// The diagnosis applies go env's answers once the background has them
// (after the quiet period), and every later keystroke that leaves the
// environment alike applies them in the same pass: the published
// diagnostics never flip back to the model's value.
func TestGoEnvCorrectionPublishedAndKept(t *testing.T) {
	const corrected = "http://corrected.example.com"
	settings := "{\n  \"go.toolsEnvVars\": {\"GOPROXY\": \"" + modelGoproxy + "\"}\n}\n"
	h := start(t,
		withGoEnv("GOPROXY="+modelGoproxy+"\n"),
		withFiles(map[string]string{settingsPath: settings}),
		withDebounce(10*time.Millisecond),
		withEnv(map[string]string{"PATH": enginetest.FakeGo(t, map[string]string{"GOPROXY": corrected})}))
	judged := func(p publish) bool {
		d := p.find("goproxy-insecure")
		return d != nil && strings.Contains(d.Message, corrected)
	}
	m := h.mark()
	h.open(settingsPath, 1, settings)
	h.awaitDiagnostics(m, settingsPath, "go env's GOPROXY judged after the quiet period", all(version(1), judged))

	for v := 2; v <= 4; v++ {
		m = h.mark()
		h.change(settingsPath, v, edit(0, 1, 0, 1, " "))
		p := h.awaitDiagnostics(m, settingsPath, "the keystroke's diagnostics", version(v))
		if !judged(p) {
			t.Fatalf("version %d: the model's GOPROXY is back (want go env's %q): %v\n%s", v, corrected, p.codes(), h.history(m))
		}
	}
}

// The environment command answers with go env's values, running go env
// itself when the background has not yet (its quiet period is long here).
func TestEnvironmentCommandConfirmsWithGoEnv(t *testing.T) {
	const corrected = "http://corrected.example.com"
	h := start(t,
		withGoEnv("GO_PROXY=https://typo.example.com\n"),
		withDebounce(10*time.Minute),
		withEnv(map[string]string{"GOPROXY": modelGoproxy, "PATH": enginetest.FakeGo(t, map[string]string{"GOPROXY": corrected})}))
	// The first diagnosis is out (the GOENV file's misspelled name): the
	// command reads its result.
	h.awaitDiagnostics(0, h.goenv, "the first diagnosis", hasCode("unknown-go-variable"))
	res := h.environment()
	if len(res.Folders) != 1 || len(res.Folders[0].Consumers) == 0 {
		t.Fatalf("environment: %+v", res)
	}
	for _, c := range res.Folders[0].Consumers {
		v := c.Vars["GOPROXY"]
		if v.Value != corrected || !strings.Contains(v.Note, "go env reports") {
			t.Errorf("%s: GOPROXY %q (note %q), want go env's %q with its note", c.Name, v.Value, v.Note, corrected)
		}
	}
	// The confirmed result is the folder's: the diagnostics judge it too
	// (on go.mod's module line: the value comes from the process environment).
	h.awaitDiagnostics(0, "go.mod", "go env's GOPROXY judged after the command", func(p publish) bool {
		d := p.find("goproxy-insecure")
		return d != nil && strings.Contains(d.Message, corrected)
	})
}

// Verify routes every module by the values go env reports: the model's
// GOPROXY names a closed port, go's a proxy that serves the modules.
func TestVerifyCommandRoutesByGoEnv(t *testing.T) {
	n := newVerifyNet(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	h := start(t,
		withFiles(map[string]string{"go.mod": "module example.com/m\n\nrequire pub.example.com/lib v1.0.0\n"}),
		withGoEnv(""),
		withDebounce(10*time.Minute),
		withEnv(map[string]string{"PATH": enginetest.FakeGo(t, map[string]string{"GOPROXY": n.p2.URL})}),
		n.initWith(map[string]string{"GOPROXY": dead, "GOSUMDB": n.db.Key}))
	v := decodeVerify(t, h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify)))
	mods := v.Folders[0].Modules
	if len(mods) == 0 {
		t.Fatalf("nothing verified: %s", v.Text)
	}
	for _, m := range mods {
		if m.Outcome != verify.OutcomeOK || m.ServedBy != n.p2.URL {
			t.Errorf("%s@%s for %v: %s served by %q, want ok from go env's %s\n%s", m.Path, m.Version, m.Consumers, m.Outcome, m.ServedBy, n.p2.URL, v.Text)
		}
	}
	for _, p := range v.Folders[0].Proxies {
		if p.URL == dead {
			t.Errorf("probed %s, which only the model's GOPROXY names", dead)
		}
	}
}
