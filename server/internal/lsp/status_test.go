package lsp_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// status is one goproxy-doctor/status notification as received.
type status struct {
	Raw     json.RawMessage `json:"-"`
	URI     string          `json:"uri"`
	Folder  string          `json:"folder"`
	GOPROXY struct {
		Value  string `json:"value"`
		Source string `json:"source"`
		File   string `json:"file"`
		Line   int    `json:"line"`
		Key    string `json:"key"`
	} `json:"goproxy"`
	Consumers []struct {
		Name  string `json:"name"`
		Value struct {
			Value  string `json:"value"`
			Source string `json:"source"`
		} `json:"value"`
	} `json:"consumers"`
	Divergent []struct {
		Name   string `json:"name"`
		Values []struct {
			Value     string   `json:"value"`
			Source    string   `json:"source"`
			Consumers []string `json:"consumers"`
		} `json:"values"`
	} `json:"divergent"`
	StaleEditor []string `json:"staleEditor"`
	Errors      int      `json:"errors"`
	// publishes is how many publishDiagnostics had arrived before it.
	publishes int
}

// statusMark is the current position in the status notifications.
func (c *client) statusMark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.statuses)
}

// awaitStatus waits for a status notification, after mark, that satisfies pred.
func (c *client) awaitStatus(mark int, what string, pred func(status) bool) status {
	c.t.Helper()
	return await(c, func() []status { return c.statuses }, mark, pred, func() string {
		c.mu.Lock()
		defer c.mu.Unlock()
		got := ""
		for _, s := range c.statuses[mark:] {
			got += "  " + string(s.Raw) + "\n"
		}
		return fmt.Sprintf("no goproxy-doctor/status with %s within %s; got:\n%s", what, waitTimeout, got)
	})
}

func (c *client) statusList() []status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.statuses)
}

// statusClient is the harness's default client state plus the opt-in.
func statusClient(h *harness) any {
	return map[string]any{
		"processEnv":          h.env,
		"vscodeGoActive":      false,
		"userSettingsPath":    filepath.Join(h.home, "settings.json"),
		"osFlavour":           "linux",
		"trusted":             true,
		"statusNotifications": true,
	}
}

func editorProxy(value string) string {
	return "{\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"" + value + "\"\n  }\n}\n"
}

func (s status) divergent(name string) []string {
	for _, d := range s.Divergent {
		if d.Name != name {
			continue
		}
		var out []string
		for _, v := range d.Values {
			out = append(out, fmt.Sprintf("%s=%s", slices.Sorted(slices.Values(v.Consumers)), v.Value))
		}
		return out
	}
	return nil
}

// The status goes out after the diagnostics it goes with, once per change
// of what it says: a publish that changes nothing in it sends nothing, a
// settings edit that moves gopls' GOPROXY sends it again.
func TestStatusNotificationFollowsThePublish(t *testing.T) {
	const editor = "https://editor.example.com,direct"
	h := start(t, withInitOptions(statusClient), withFiles(map[string]string{settingsPath: editorProxy(editor)}))
	settings := h.path(settingsPath)

	first := h.awaitStatus(0, "gopls' GOPROXY from settings.json", func(s status) bool { return s.GOPROXY.Value == editor })
	if first.publishes == 0 {
		t.Errorf("the status came before any publishDiagnostics")
	}
	h.awaitDiagnostics(0, settingsPath, "env-divergence", hasCode("env-divergence"))
	if first.URI != h.folderURI() || first.Folder != h.folder {
		t.Errorf("status for %s (%s), want %s (%s)", first.URI, first.Folder, h.folderURI(), h.folder)
	}
	if g := first.GOPROXY; g.Source != "vscode-workspace" || g.File != settings || g.Line != 3 || g.Key != "go.toolsEnvVars.GOPROXY" {
		t.Errorf("gopls' GOPROXY provenance %+v, want vscode-workspace at %s:3 go.toolsEnvVars.GOPROXY", g, settings)
	}
	got := first.divergent("GOPROXY")
	if len(got) != 2 || !slices.Contains(got, "[terminal]=https://proxy.example.com,direct") {
		t.Errorf("divergent GOPROXY %q, want the terminal's GOENV value and the editor's", got)
	}
	names := map[string]string{}
	for _, c := range first.Consumers {
		names[c.Name] = c.Value.Value + " " + c.Value.Source
	}
	if names["terminal"] != "https://proxy.example.com,direct goenv-file" || names["gopls"] != editor+" vscode-workspace" {
		t.Errorf("consumers' GOPROXY %q", names)
	}
	if first.Errors != 0 || len(first.StaleEditor) != 0 {
		t.Errorf("errors %d, stale %q; want none", first.Errors, first.StaleEditor)
	}

	// Opening the file republishes (versioned) and changes nothing the status says.
	mark := h.mark()
	h.open(settingsPath, 1, editorProxy(editor))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))

	// An edit that makes the editor agree with the GOENV file flips it, after
	// the publish of that version.
	before, mark := len(h.statusList()), h.mark()
	h.change(settingsPath, 2, whole(editorProxy("https://proxy.example.com,direct")))
	flipped := h.awaitStatus(before, "the GOENV file's GOPROXY for gopls", func(s status) bool {
		return s.GOPROXY.Value == "https://proxy.example.com,direct"
	})
	if flipped.divergent("GOPROXY") != nil {
		t.Errorf("GOPROXY divergent after the consumers agree: %s", flipped.Raw)
	}
	h.mu.Lock()
	published := slices.ContainsFunc(h.publishes[mark:flipped.publishes], func(p publish) bool {
		return p.URI == h.uri(settingsPath) && p.Version != nil && *p.Version == 2
	})
	h.mu.Unlock()
	if !published {
		t.Errorf("the status of version 2 came before its publishDiagnostics")
	}
	// Every status differs from the one before it: the publish of version 1
	// changed nothing in it and sent none.
	all := h.statusList()
	for i := 1; i < len(all); i++ {
		if string(all[i].Raw) == string(all[i-1].Raw) {
			t.Errorf("status %d resent unchanged: %s", i, all[i].Raw)
		}
	}
	if len(all) != before+1 {
		t.Errorf("%d statuses for one flip", len(all)-before)
	}

	// Error findings are counted (toolsenv-null is one).
	before = len(h.statusList())
	h.change(settingsPath, 3, whole(nullToolsEnvVar))
	h.awaitStatus(before, "errors", func(s status) bool { return s.Errors > 0 })
}

// A client that did not ask for the notification never gets it.
func TestStatusNotificationIsOptIn(t *testing.T) {
	h := start(t, withFiles(map[string]string{settingsPath: editorProxy("https://editor.example.com,direct")}))
	h.awaitDiagnostics(0, settingsPath, "env-divergence", hasCode("env-divergence"))
	// The status would have followed that publish; a later publish proves the
	// connection has carried everything the first run sent.
	mark := h.mark()
	h.open(settingsPath, 1, editorProxy("https://proxy.example.com,direct"))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	if got := h.statusList(); len(got) != 0 {
		t.Errorf("a client that did not opt in got %d status notifications: %s", len(got), got[0].Raw)
	}

	// Opting in through goproxy-doctor/clientState sends the folder's status.
	opt := statusClient(h)
	h.notify("goproxy-doctor/clientState", opt)
	h.awaitStatus(0, "the status after opting in", func(s status) bool { return s.GOPROXY.Value == "https://proxy.example.com,direct" })
}

// optIn adds the status opt-in to the client state o sends.
func optIn(o option) option {
	return func(s *setup) {
		o(s)
		inner := s.initOptions
		s.initOptions = func(h *harness) any {
			m := inner(h).(map[string]any)
			m["statusNotifications"] = true
			return m
		}
	}
}

// Verify's error findings count in the status it is followed by, and a
// password in GOPROXY never reaches the notification.
func TestStatusCountsVerifyAndHidesCredentials(t *testing.T) {
	const canary = "status-canary-7c2f"
	n := newVerifyNet(t)
	n.hosts.Handle("mirror.example.com", &verifytest.Proxy{Name: "mirror", Tree: n.tree, Log: n.log, Modules: map[string]verifytest.Behavior{"*": {Status: 500}}})
	h := start(t, withGoEnv("GOPROXY=https://ci:"+canary+"@mirror.example.com\nGOSUMDB=off\n"), withFiles(map[string]string{"go.mod": verifyGoMod}), optIn(n.initWith(nil)))
	before := h.awaitStatus(0, "the first status", func(status) bool { return true })
	if !strings.Contains(before.GOPROXY.Value, "ci:xxxxx@mirror.example.com") {
		t.Errorf("gopls' GOPROXY shown as %q", before.GOPROXY.Value)
	}
	mark := h.statusMark()
	h.call("workspace/executeCommand", executeCommand(lsp.CommandVerify))
	h.awaitStatus(mark, "more errors after Verify", func(s status) bool { return s.Errors > before.Errors })
	for _, s := range h.statusList() {
		if strings.Contains(string(s.Raw), canary) {
			t.Errorf("the canary is in a status: %s", s.Raw)
		}
	}
}

// A GOPROXY vscode-go pinned into the editor that the GOENV file no longer
// gives: the status carries the editor-env-stale message, which the status
// bar shows first with its Reload Window link.
func TestStatusCarriesTheStaleEditor(t *testing.T) {
	h := start(t, optIn(withInitOptions(staleEditorState(true))))
	p := h.awaitDiagnostics(0, h.goenv, "editor-env-stale", hasCode("editor-env-stale"))
	want := p.find("editor-env-stale").Message
	h.awaitStatus(0, "the stale editor's message", func(s status) bool { return slices.Contains(s.StaleEditor, want) })
}

// BenchmarkKeystrokeWithStatus is BenchmarkKeystroke for a client that
// opted in to goproxy-doctor/status: each run computes the folder's status
// after the publish (and sends it when it changed).
func BenchmarkKeystrokeWithStatus(b *testing.B) {
	h := start(b, withInitOptions(statusClient))
	mark := h.mark()
	h.open(settingsPath, 1, benchdata.Settings(5000))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change(settingsPath, v, edit(3, 40, 3, 41, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, settingsPath, "the edit", version(v))
	}
}
