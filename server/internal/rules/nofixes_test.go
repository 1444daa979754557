package rules_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
)

// TestNoFixesSameFindings: on every fixture, a run without fixes finds
// exactly what a full run finds, fixes aside.
func TestNoFixesSameFindings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	m := newMachine(t)
	withFixes := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.ToSlash(file)[len("testdata/"):], ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			w := m.setup(t, ar)
			snap := engine.Load(w.cfg, nil)
			consumers := engine.Resolve(snap)
			full := engine.Diagnose(snap, consumers)
			bare := engine.DiagnoseWithoutFixes(snap, consumers)
			for i := range full {
				if len(full[i].Fixes) > 0 {
					withFixes++
				}
				full[i].Fixes = nil
			}
			for _, f := range bare {
				if f.Fixes != nil {
					t.Errorf("%s: a finding without fixes has %d", f.Code, len(f.Fixes))
				}
			}
			if !reflect.DeepEqual(full, bare) {
				t.Errorf("findings differ without fixes\n--- full\n%v\n--- without fixes\n%v", codes(full), codes(bare))
			}
		})
	}
	if withFixes == 0 {
		t.Error("no fixture has a finding with fixes: the comparison shows nothing")
	}
}

func codes(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+" "+f.File+" "+f.Message)
	}
	return out
}
