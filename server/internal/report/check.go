package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Diagnostic is one finding of `check --format json` (SPEC §8): LSP's
// 0-based line and UTF-16 character.
type Diagnostic struct {
	File      string         `json:"file"`
	Range     position.Range `json:"range"`
	Severity  string         `json:"severity"`
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Consumers []string       `json:"consumers"`
	Related   []RelatedInfo  `json:"related,omitempty"`
	// Fixes lists the fixes the language server offers for it (check --fix
	// applies the preferred ones).
	Fixes []FixInfo `json:"fixes,omitempty"`

	// anchor is the redacted text the finding points at, for Fingerprints.
	anchor string
}

// FixInfo names one fix of a diagnostic.
type FixInfo struct {
	Title     string `json:"title"`
	Preferred bool   `json:"preferred,omitempty"`
}

// RelatedInfo is the other side of a divergence.
type RelatedInfo struct {
	File    string         `json:"file"`
	Range   position.Range `json:"range"`
	Message string         `json:"message"`
}

// Check is `check --format json`.
type Check struct {
	Diagnostics []Diagnostic `json:"diagnostics"`

	// moduleLine is the module directive of the folder's go.mod, where CI
	// formats that need a place put findings without a file (as the
	// language server does); File is "" when there is none.
	moduleLine RelatedInfo
}

// Mappers caches a position mapper per file of a snapshot.
type Mappers struct {
	snap *sources.Snapshot
	m    map[string]*position.Mapper
}

// NewMappers returns mappers over the contents snap used.
func NewMappers(snap *sources.Snapshot) *Mappers {
	return &Mappers{snap: snap, m: map[string]*position.Mapper{}}
}

// Range converts a byte span of file to an LSP range.
func (ms *Mappers) Range(file string, span sources.Span) position.Range {
	if file == "" {
		return position.Range{}
	}
	m, ok := ms.m[file]
	if !ok {
		m = position.NewMapper(ms.snap.Content(file))
		ms.m[file] = m
	}
	return m.Range(span.Start, span.End)
}

// CheckJSON converts findings to the SPEC §8 shape.
func CheckJSON(snap *sources.Snapshot, found []findings.Finding) Check {
	ms := NewMappers(snap)
	out := Check{Diagnostics: []Diagnostic{}}
	if pl, ok := findings.ModuleLine(snap); ok {
		out.moduleLine = RelatedInfo{File: pl.File, Range: ms.Range(pl.File, pl.Span)}
	}
	for _, f := range found {
		d := Diagnostic{
			File: f.File, Range: ms.Range(f.File, f.Span), Severity: f.Severity.String(), Code: f.Code,
			Message: redact.RedactText(f.Message), Consumers: f.Consumers,
			anchor: anchorText(snap.Content(f.File), f.Span),
		}
		if d.Consumers == nil {
			d.Consumers = []string{}
		}
		for _, r := range f.Related {
			d.Related = append(d.Related, RelatedInfo{File: r.File, Range: ms.Range(r.File, r.Span), Message: redact.RedactText(r.Message)})
		}
		for _, fx := range f.Fixes {
			d.Fixes = append(d.Fixes, FixInfo{Title: redact.RedactText(fx.Title), Preferred: fx.Preferred})
		}
		out.Diagnostics = append(out.Diagnostics, d)
	}
	return out
}

// CheckText writes findings for people: "file:line:col: severity code: message".
func CheckText(w io.Writer, folder string, c Check) {
	if len(c.Diagnostics) == 0 {
		fmt.Fprintln(w, "No problems found.")
		return
	}
	counts := map[string]int{}
	for _, d := range c.Diagnostics {
		counts[d.Severity]++
		where := "environment"
		if d.File != "" {
			where = fmt.Sprintf("%s:%d:%d", Rel(folder, d.File), d.Range.Start.Line+1, d.Range.Start.Character+1)
		}
		fmt.Fprintf(w, "%s: %s %s: %s", where, d.Severity, d.Code, clip.Message(d.Message))
		if len(d.Consumers) > 0 {
			fmt.Fprintf(w, " [%s]", strings.Join(d.Consumers, ", "))
		}
		fmt.Fprintln(w)
		for _, r := range d.Related {
			fmt.Fprintf(w, "    see %s:%d:%d: %s\n", Rel(folder, r.File), r.Range.Start.Line+1, r.Range.Start.Character+1, clip.Message(r.Message))
		}
	}
	var parts []string
	for _, s := range []string{"error", "warning", "information"} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], plural(s, counts[s])))
		}
	}
	fmt.Fprintf(w, "\n%s.\n", strings.Join(parts, ", "))
}

func plural(s string, n int) string {
	if n == 1 || s == "information" {
		return s
	}
	return s + "s"
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
