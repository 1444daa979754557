package engine

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Result is everything the doctor knows about one folder.
type Result struct {
	Snapshot  *sources.Snapshot
	Consumers []*resolve.Consumer
	Findings  []findings.Finding
	// Disagreements lists values the go command corrected (empty when the
	// model and go env agree, or when the oracle did not run).
	Disagreements []Disagreement
}

// Resolve models the snapshot's consumers without running anything.
func Resolve(s *sources.Snapshot) []*resolve.Consumer { return resolve.Resolve(s) }

// Diagnose runs the rules over resolved consumers.
func Diagnose(s *sources.Snapshot, consumers []*resolve.Consumer) []findings.Finding {
	return rules.Run(&rules.Input{Snap: s, Consumers: consumers})
}
