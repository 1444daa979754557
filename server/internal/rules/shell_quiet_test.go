package rules_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// TestShellQuietCorpus holds the shell rules to a stricter bar than the
// quiet corpus's "nothing above information": on every quiet workspace
// whose start-up files are read (options host=true) — variables exported
// from a profile, /etc/environment, /etc/profile.d, .zshenv, .envrc — the
// shell notes stay silent too, and at least one such workspace traces a
// value to its start-up file.
func TestShellQuietCorpus(t *testing.T) {
	m := newMachine(t)
	ar, err := txtar.ParseFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	workspaces := map[string][]txtar.File{}
	var names []string
	for _, f := range ar.Files {
		rest, ok := strings.CutPrefix(f.Name, quietPrefix)
		if !ok {
			continue
		}
		name, file, _ := strings.Cut(rest, "/")
		if workspaces[name] == nil {
			names = append(names, name)
		}
		workspaces[name] = append(workspaces[name], txtar.File{Name: file, Data: f.Data})
	}
	checked, traced := 0, 0
	for _, name := range names {
		host := false
		for _, f := range workspaces[name] {
			host = host || f.Name == "options" && strings.Contains(string(f.Data), "host=true")
		}
		if !host {
			continue
		}
		checked++
		t.Run(name, func(t *testing.T) {
			w := m.setup(t, &txtar.Archive{Files: workspaces[name]})
			snap := w.load()
			if snap.Shell == nil || len(snap.Shell.Files) == 0 {
				t.Fatal("host=true read no start-up file")
			}
			var loud []findings.Finding
			for _, f := range w.diagnose() {
				if f.Code == rules.CodeShellEnvStale || f.Code == rules.CodeProxyEnvSessionOnly || f.Code == rules.CodeShellVarNotExported {
					loud = append(loud, f)
				}
			}
			if len(loud) > 0 {
				t.Errorf("variables exported from start-up files gave shell notes:\n%s", w.render(t, loud))
			}
			if w.tracedToShellFile() {
				traced++
			}
		})
	}
	if checked < 5 {
		t.Fatalf("the quiet corpus has %d workspaces with start-up files, want at least 5", checked)
	}
	if traced != checked {
		t.Errorf("%d of %d workspaces traced a terminal value to its start-up file", traced, checked)
	}
}

// load reads the workspace into a snapshot.
func (w *workspace) load() *sources.Snapshot { return engine.Load(w.cfg, nil) }

// tracedToShellFile reports whether the terminal's value of some modelled
// variable has a start-up file line as its provenance.
func (w *workspace) tracedToShellFile() bool {
	snap := w.load()
	for _, c := range engine.Resolve(snap) {
		if c.Name != "terminal" {
			continue
		}
		for _, v := range c.Vars {
			if v.Prov.Source == sources.ShellRC && v.Prov.File != "" && v.Prov.Line > 0 {
				return true
			}
		}
	}
	return false
}
