// Package lens computes the code lenses shown on a folder's go.mod: "Verify
// N modules", and after a Verify run its outcome ("N ok · M failing"),
// which opens the run's report. It is pure: the language server places the
// lenses and names the commands they run.
package lens

import (
	"fmt"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// Kind is what a lens does when clicked.
type Kind int

const (
	// RunVerify runs Verify for the folder.
	RunVerify Kind = iota
	// ShowVerifyResult opens the folder's last Verify report.
	ShowVerifyResult
)

// Lens is one code lens, placed on a span of a file.
type Lens struct {
	File  string
	Span  sources.Span
	Title string
	Kind  Kind
}

// GoMod returns the lenses of the folder's own go.mod, on its module
// directive: none when the snapshot has no go.mod or it does not parse.
// modules is how many distinct modules a Verify run would probe; last is
// the folder's latest Verify run (nil: none yet).
func GoMod(snap *sources.Snapshot, modules int, last *verify.Result) []Lens {
	pl, ok := findings.ModuleLine(snap)
	if !ok {
		return nil
	}
	n := modules
	out := []Lens{{File: pl.File, Span: pl.Span, Title: "Verify " + plural(n, "module"), Kind: RunVerify}}
	if last != nil {
		out = append(out, Lens{File: pl.File, Span: pl.Span, Title: Outcome(report.SummarizeVerify(last)), Kind: ShowVerifyResult})
	}
	return out
}

// Outcome is the title of the result lens: "3 ok · 1 failing", with the
// skipped modules when there are any.
func Outcome(s report.VerifySummary) string {
	parts := []string{fmt.Sprintf("%d ok", s.OK), fmt.Sprintf("%d failing", s.Failing)}
	if s.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", s.Skipped))
	}
	return strings.Join(parts, " · ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
