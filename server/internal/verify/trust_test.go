package verify

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// untrustedFolder is a folder whose .vscode/settings.json sets, for the
// editor's consumers, a GOPROXY, a checksum database and a forward proxy of
// the workspace's choosing; the user's own environment names the lab's
// mirror. It returns the targets of an untrusted snapshot.
func untrustedFolder(t *testing.T, l *lab, trusted bool) []Target {
	t.Helper()
	folder := t.TempDir()
	settings := `{"go.toolsEnvVars": {
  "GOPROXY": "https://ws.example.com/mod,direct",
  "GOSUMDB": "` + l.db.Key + `",
  "HTTPS_PROXY": "` + l.fwd.URL + `"
}}`
	files := map[string]string{
		filepath.Join(folder, ".vscode", "settings.json"): settings,
		filepath.Join(folder, "go.mod"):                   "module example.com/app\n\ngo 1.22\n\nrequire " + privMod + " " + privVer + "\n",
	}
	snap := sources.NewSnapshot(folder, func(p string) ([]byte, error) {
		if c, ok := files[p]; ok {
			return []byte(c), nil
		}
		return nil, os.ErrNotExist
	})
	snap.Options = sources.Options{GOOS: runtime.GOOS, OSFlavour: "linux", Trusted: trusted}
	snap.ProcessEnv = map[string]string{
		"HOME": l.home, "GOENV": "off", "GOPROXY": l.mirror(0, 0), "GOSUMDB": "off",
		"SSL_CERT_FILE": l.ca.CertFile,
	}
	p := filepath.Join(folder, ".vscode", "settings.json")
	snap.Workspace = sources.ParseSettings(p, sources.VSCodeWorkspace, []byte(settings), false)
	gm := filepath.Join(folder, "go.mod")
	snap.GoMod = sources.ParseGoMod(gm, []byte(files[gm]))
	return Targets(snap, resolve.Resolve(snap), nil)
}

// In an untrusted workspace, Verify contacts only what the user's own
// configuration names: the workspace's GOPROXY entry, its checksum database,
// its forward proxy and the go.mod module's origin are withheld, listed with
// where they were set, and never reached; the user's mirror is probed.
// Allowed, they are contacted.
func TestVerifyWithholdsWhatAnUntrustedWorkspaceChose(t *testing.T) {
	l := newLab(t)
	l.hosts.Handle("ws.example.com", &verifytest.Proxy{Name: "ws", Tree: l.tree, Log: l.log})
	targets := untrustedFolder(t, l, false)
	res, err := Run(context.Background(), targets, Options{Dial: l.hosts.Dial})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]Withheld{}
	for _, w := range res.Withheld {
		kinds[w.Kind+" "+w.URL] = w
	}
	for _, want := range []string{
		WithheldProxy + " https://ws.example.com/mod",
		WithheldSumDB + " https://sum.example.com",
		WithheldForwardProxy + " " + l.fwd.URL,
		WithheldOrigin + " https://git.example.com",
	} {
		w, ok := kinds[want]
		if !ok {
			t.Errorf("not withheld: %s (withheld: %+v)", want, res.Withheld)
			continue
		}
		if !strings.HasPrefix(w.Source, ".vscode/settings.json:") && !strings.HasPrefix(w.Source, "go.mod:") {
			t.Errorf("%s: source %q", want, w.Source)
		}
	}
	for _, h := range l.log.Hits() {
		if h.Server != "mirror" {
			t.Errorf("contacted what the workspace chose: %+v", h)
		}
	}
	mirror := false
	for _, h := range l.log.Hits() {
		mirror = mirror || h.Server == "mirror"
	}
	if !mirror {
		t.Error("the user's own mirror was not probed")
	}
	for _, m := range res.Modules {
		if m.Consumer != "terminal" && m.Outcome != OutcomeSkipped {
			t.Errorf("%s for %v: outcome %s, want skipped", m.Path, m.Consumers, m.Outcome)
		}
	}
	for _, p := range res.Proxies {
		if strings.Contains(p.URL, "ws.example.com") && p.Status != ClassWithheld {
			t.Errorf("proxy %+v: want status withheld", p)
		}
	}
	for _, a := range res.Advice {
		if strings.Contains(a.Message, "ws.example.com") {
			t.Errorf("advice about a proxy that was never asked: %s", a.Message)
		}
	}

	// The user allowed it: everything is contacted.
	res, err = Run(context.Background(), targets, Options{Dial: l.hosts.Dial, AllowWorkspaceURLs: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Withheld) != 0 {
		t.Errorf("allowed, yet withheld: %+v", res.Withheld)
	}
	ws := false
	for _, h := range l.log.Hits() {
		ws = ws || h.Server == "ws"
	}
	if !ws {
		t.Error("allowed: the workspace's proxy was not contacted")
	}
}

// Trusted, nothing is withheld.
func TestVerifyTrustedWithholdsNothing(t *testing.T) {
	l := newLab(t)
	for _, tg := range untrustedFolder(t, l, true) {
		if len(tg.Withheld) != 0 {
			t.Errorf("%v: withheld %+v in a trusted workspace", tg.Consumers, tg.Withheld)
		}
	}
}
