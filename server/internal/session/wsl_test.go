package session_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// The language server tells WSL2 apart once, from the kernel of the Host
// it is given (a fixture tree here, never the real /proc), and the
// editor's diagnostics then carry WSL networking advice for a localhost
// proxy in the editor's environment; on a plain kernel they do not.
func TestSessionWSLAdvice(t *testing.T) {
	for _, tt := range []struct {
		kernel string
		want   bool
	}{{"5.15.153.1-microsoft-standard-WSL2\n", true}, {"6.8.0-45-generic\n", false}} {
		t.Run(tt.kernel[:len(tt.kernel)-1], func(t *testing.T) {
			dir := t.TempDir()
			w := &world{t: t, folder: filepath.Join(dir, "ws"), home: filepath.Join(dir, "home"), pubs: make(chan session.Publication, 64)}
			w.write(filepath.Join(w.home, ".config", "go", "telemetry", "mode"), "off")
			gomod := filepath.Join(w.folder, "go.mod")
			w.write(gomod, "module example.com/m\n\ngo 1.22\n")
			w.write(filepath.Join(dir, "proc", "sys", "kernel", "osrelease"), tt.kernel)
			ctx, cancel := context.WithCancel(context.Background())
			var bg sync.WaitGroup
			t.Cleanup(func() { cancel(); bg.Wait() })
			host := &engine.Host{Etc: filepath.Join(dir, "etc"), Proc: filepath.Join(dir, "proc")}
			w.sess = session.New(ctx, session.Options{Oracle: engine.NewOracle(), Publisher: recorder{w.pubs}, Go: func(f func()) { bg.Go(f) }, Host: host})
			w.sess.Initialize(session.ClientState{ProcessEnv: map[string]string{
				"HOME": w.home, "GOENV": "off", "PATH": "/usr/local/go/bin:/usr/bin:/bin",
				"HTTPS_PROXY": "http://127.0.0.1:7890", "NO_PROXY": "example.com",
				// goproxy-no-fallback on the module line in both cases: the
				// publication to look at.
				"GOPROXY": "https://proxy.example.com",
			}, OSFlavour: "linux", Trusted: true, Captured: true, UserSettingsPath: filepath.Join(w.home, "settings.json")},
				[]session.Folder{{Path: w.folder, URI: "file://" + w.folder, Name: "ws"}})
			w.sess.Initialized()
			p := w.await(gomod, "with the diagnosis", has("goproxy-no-fallback", "proxy.example.com"))
			if got := has("wsl-proxy-host", "networkingMode=mirrored")(p); got != tt.want {
				t.Errorf("WSL advice published %v, want %v: %+v", got, tt.want, p.Diagnostics)
			}
		})
	}
}
