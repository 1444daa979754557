package session_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine/enginetest"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// The session runs without JSON-RPC: a Publisher that records what it is
// given stands for the client.

type recorder struct{ ch chan session.Publication }

// Published: these tests look at the publications alone.
func (recorder) Published(context.Context, session.View, []*session.FolderResult) {}

func (r recorder) Publish(ctx context.Context, p session.Publication) error {
	select {
	case r.ch <- p:
	case <-ctx.Done():
	}
	return nil
}

type world struct {
	t      testing.TB
	folder string
	home   string
	sess   *session.Session
	pubs   chan session.Publication
}

// newWorld starts a session on a folder with a go.mod and a GOENV file
// holding goenv; env adds to the process environment (PATH goes first).
func newWorld(t testing.TB, goenv string, debounce time.Duration, env map[string]string) *world {
	t.Helper()
	dir := t.TempDir()
	w := &world{t: t, folder: filepath.Join(dir, "ws"), home: filepath.Join(dir, "home"), pubs: make(chan session.Publication, 64)}
	w.write(filepath.Join(w.home, ".config", "go", "telemetry", "mode"), "off")
	w.write(filepath.Join(w.home, "goenv"), goenv)
	w.write(filepath.Join(w.folder, "go.mod"), "module example.com/m\n\ngo 1.22\n")
	process := map[string]string{"HOME": w.home, "GOENV": filepath.Join(w.home, "goenv"), "PATH": "/usr/local/go/bin:/usr/bin:/bin"}
	for k, v := range env {
		if k == "PATH" {
			v += string(os.PathListSeparator) + process["PATH"]
		}
		process[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	// The background work (the loop, go env) ends before the temporary
	// directories are removed.
	var bg sync.WaitGroup
	t.Cleanup(func() { cancel(); bg.Wait() })
	w.sess = session.New(ctx, session.Options{Oracle: engine.NewOracle(), Debounce: debounce, Publisher: recorder{w.pubs}, Go: func(f func()) { bg.Go(f) }})
	w.sess.Initialize(session.ClientState{ProcessEnv: process, OSFlavour: "linux", Trusted: true, Captured: true,
		UserSettingsPath: filepath.Join(w.home, "settings.json")},
		[]session.Folder{{Path: w.folder, URI: "file://" + w.folder, Name: "ws"}})
	w.sess.Initialized()
	return w
}

func (w *world) write(path, content string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// await returns the first publication for path that satisfies pred.
func (w *world) await(path, what string, pred func(session.Publication) bool) session.Publication {
	w.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case p := <-w.pubs:
			if p.Path == path && pred(p) {
				return p
			}
		case <-timeout:
			w.t.Fatalf("no publication %s for %s", what, path)
		}
	}
}

func has(code, text string) func(session.Publication) bool {
	return func(p session.Publication) bool {
		for _, d := range p.Diagnostics {
			if d.Finding.Code == code && strings.Contains(d.Finding.Message, text) {
				return true
			}
		}
		return false
	}
}

func version(v int32) func(session.Publication) bool {
	return func(p session.Publication) bool { return p.Version != nil && *p.Version == v }
}

func TestSessionPublishesPlacedDiagnostics(t *testing.T) {
	w := newWorld(t, "GO_PROXY=https://typo.example.com\n", 0, nil)
	goenv := filepath.Join(w.home, "goenv")
	p := w.await(goenv, "with the misspelled name", has("unknown-go-variable", "GO_PROXY"))
	if p.Version != nil || p.URI != "" {
		t.Errorf("a file that is not open: version %v, URI %q", p.Version, p.URI)
	}
	if d := p.Diagnostics[0]; d.Range.Start.Line != 0 || d.Path != goenv {
		t.Errorf("placed at %+v in %s", d.Range, d.Path)
	}
	// An open buffer is read instead of the disk, and its version goes
	// with its diagnostics; fixing it clears them.
	w.sess.Open(session.NewDocument("file://"+goenv, goenv, 1, "GO_PROXY=x\nGOPROXY=https://a.example.com\n"))
	w.await(goenv, "for the buffer", func(p session.Publication) bool { return version(1)(p) && has("unknown-go-variable", "GO_PROXY")(p) })
	if _, _, err := w.sess.Change(goenv, 2, []session.Change{{Range: position.Range{End: position.Position{Line: 1}}}}); err != nil {
		t.Fatal(err)
	}
	w.await(goenv, "without the misspelled name", func(p session.Publication) bool {
		return version(2)(p) && !has("unknown-go-variable", "GO_PROXY")(p)
	})
	if _, _, err := w.sess.Change(filepath.Join(w.folder, "nowhere"), 3, nil); err == nil {
		t.Error("a change to a buffer that is not open: no error")
	}
}

// The session confirms with go env in the background after the quiet
// period and keeps the correction on later changes.
func TestSessionKeepsGoEnvCorrections(t *testing.T) {
	const corrected = "http://corrected.example.com"
	bin := enginetest.FakeGo(t, map[string]string{"GOPROXY": corrected})
	w := newWorld(t, "GOPROXY=https://model.example.com,direct\n", 5*time.Millisecond, map[string]string{"PATH": bin})
	goenv := filepath.Join(w.home, "goenv")
	w.await(goenv, "judging go env's GOPROXY", has("goproxy-insecure", corrected))
	// Keystrokes in a settings buffer with a diagnostic of its own (it does
	// not parse, so no consumer's environment changes): each version's
	// publication ends a pass, after every file of the pass before.
	settings := filepath.Join(w.folder, ".vscode", "settings.json")
	text := func(v int32) string { return "{" + strings.Repeat(" ", int(v)) + "," }
	w.sess.Open(session.NewDocument("file://"+settings, settings, 1, text(1)))
	for v := int32(2); v <= 4; v++ {
		if _, _, err := w.sess.Change(settings, v, []session.Change{{Whole: true, Text: text(v)}}); err != nil {
			t.Fatal(err)
		}
	}
	for done := false; !done; {
		select {
		case p := <-w.pubs:
			if p.Path == goenv && !has("goproxy-insecure", corrected)(p) {
				t.Fatalf("the GOENV file's diagnostics flipped back to the model's value: %+v", p.Diagnostics)
			}
			done = p.Path == settings && version(4)(p)
		case <-time.After(30 * time.Second):
			t.Fatal("no publication for the last keystroke")
		}
	}
	r := w.sess.FreshResult(w.sess.View().Folders[0], w.sess.View())
	if r.Res.Pending || r.Res.Consumers[0].Vars["GOPROXY"].Value != corrected {
		t.Fatalf("after the keystrokes: pending %v, GOPROXY %q", r.Res.Pending, r.Res.Consumers[0].Vars["GOPROXY"].Value)
	}
}
