package engine

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Result is everything the doctor knows about one folder.
type Result struct {
	Snapshot  *sources.Snapshot
	Consumers []*resolve.Consumer
	Findings  []rules.Finding
	// Disagreements lists values the go command corrected (empty when the
	// model and go env agree, or when the oracle did not run).
	Disagreements []Disagreement
}

// Resolve models the snapshot's consumers without running anything.
func Resolve(s *sources.Snapshot) []*resolve.Consumer { return resolve.Resolve(s) }

// Diagnose runs the rules over resolved consumers.
func Diagnose(s *sources.Snapshot, consumers []*resolve.Consumer) []rules.Finding {
	return rules.Run(&rules.Input{Snap: s, Consumers: consumers})
}

// DiagnoseWithoutFixes is Diagnose without building the findings' fixes
// (rules.Input.NoFixes): the same findings, at a fraction of the cost.
func DiagnoseWithoutFixes(s *sources.Snapshot, consumers []*resolve.Consumer) []rules.Finding {
	return rules.Run(&rules.Input{Snap: s, Consumers: consumers, NoFixes: true})
}
