package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine/enginetest"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// fakeGoConfig is a folder whose go command (first on PATH) reports
// GOPROXY=corrected where the GOENV file, which the model reads, says
// https://model.example.com,direct.
func fakeGoConfig(t *testing.T, corrected string) engine.Config {
	t.Helper()
	dir := t.TempDir()
	home, folder := filepath.Join(dir, "home"), filepath.Join(dir, "ws")
	writeFile(t, filepath.Join(home, ".config", "go", "telemetry", "mode"), []byte("off"))
	writeFile(t, filepath.Join(home, "goenv"), []byte("GOPROXY=https://model.example.com,direct\n"))
	writeFile(t, filepath.Join(folder, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"))
	bin := enginetest.FakeGo(t, map[string]string{"GOPROXY": corrected})
	env := map[string]string{
		"HOME": home, "GOENV": filepath.Join(home, "goenv"),
		"PATH": bin + string(os.PathListSeparator) + "/usr/bin" + string(os.PathListSeparator) + "/bin",
	}
	return engine.Config{Folder: folder, ProcessEnv: env, Options: sources.Options{Trusted: true}, ModFiles: []string{}}
}

func TestCheckConfirmModes(t *testing.T) {
	const corrected = "http://corrected.example.com"
	cfg := fakeGoConfig(t, corrected)
	ctx := context.Background()
	o := engine.NewOracle()
	goproxy := func(r *engine.Result) (value, note string) {
		v := consumer(t, r.Consumers, "terminal").Var("GOPROXY")
		return v.Value, v.Note
	}
	insecure := func(r *engine.Result) bool {
		for _, f := range r.Findings {
			if f.Code == "goproxy-insecure" && strings.Contains(f.Message, corrected) {
				return true
			}
		}
		return false
	}

	// Nothing known yet: the keystroke path runs nothing and keeps the model.
	r := engine.Check(ctx, cfg, nil, engine.CheckOptions{Oracle: o, Confirm: engine.ConfirmCached})
	if v, _ := goproxy(r); !r.Pending || o.Runs != 0 || v != "https://model.example.com,direct" || insecure(r) {
		t.Fatalf("ConfirmCached on an empty oracle: pending %v, runs %d, GOPROXY %q", r.Pending, o.Runs, v)
	}
	// Confirm runs go env and judges go's value.
	c := r.Confirm(ctx, o)
	if v, note := goproxy(c); c == r || c.Pending || v != corrected || !strings.Contains(note, "go env reports") || !insecure(c) || len(c.Disagreements) == 0 {
		t.Fatalf("Confirm: pending %v, GOPROXY %q (%s), findings %v", c.Pending, v, note, c.Findings)
	}
	if c.Confirm(ctx, o) != c {
		t.Error("Confirm of a confirmed result checked again")
	}
	runs := o.Runs
	// The next check finds the answers in the cache, runs nothing, and
	// keeps the correction.
	r = engine.Check(ctx, cfg, nil, engine.CheckOptions{Oracle: o, Confirm: engine.ConfirmCached})
	if v, note := goproxy(r); r.Pending || o.Runs != runs || v != corrected || !strings.Contains(note, "go env reports") || !insecure(r) {
		t.Fatalf("ConfirmCached after a run: pending %v, runs %d→%d, GOPROXY %q (%s)", r.Pending, runs, o.Runs, v, note)
	}
	// The CLI's mode on a fresh oracle confirms at once.
	r = engine.Check(ctx, cfg, nil, engine.CheckOptions{Oracle: engine.NewOracle(), Confirm: engine.ConfirmRun})
	if v, _ := goproxy(r); r.Pending || r.ConfirmErr != nil || v != corrected || !insecure(r) {
		t.Fatalf("ConfirmRun: pending %v, err %v, GOPROXY %q", r.Pending, r.ConfirmErr, v)
	}
	// Without confirmation (check --fix --dry-run's overlay) the model stands.
	r = engine.Check(ctx, cfg, nil, engine.CheckOptions{Oracle: o, Confirm: engine.ConfirmNone})
	if v, _ := goproxy(r); r.Pending || v != "https://model.example.com,direct" || insecure(r) {
		t.Fatalf("ConfirmNone: GOPROXY %q", v)
	}
}

// A consumer the trust boundary keeps from go env is known at once: the
// keystroke path notes it without waiting for the background.
func TestCheckCachedUntrusted(t *testing.T) {
	cfg := fakeGoConfig(t, "http://corrected.example.com")
	cfg.Options.Trusted = false
	writeFile(t, filepath.Join(cfg.Folder, ".vscode", "settings.json"), []byte(`{"go.toolsEnvVars": {"GOFLAGS": "-mod=mod"}}`))
	o := engine.NewOracle()
	r := engine.Check(context.Background(), cfg, nil, engine.CheckOptions{Oracle: o, Confirm: engine.ConfirmCached})
	tools := consumer(t, r.Consumers, "tools")
	if tools.Unconfirmed != engine.NotConfirmedUntrusted || o.Runs != 0 {
		t.Errorf("tools: unconfirmed %q, runs %d", tools.Unconfirmed, o.Runs)
	}
	if got := r.Unconfirmed(); len(got) == 0 || !strings.Contains(strings.Join(got, ","), "tools") {
		t.Errorf("Unconfirmed() = %v", got)
	}
}
