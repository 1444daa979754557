package report

import (
	"path/filepath"
)

// SARIF is a minimal SARIF 2.1.0 log for code scanning.
type SARIF struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name    string      `json:"name"`
	Version string      `json:"version,omitempty"`
	Rules   []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion uses 1-based lines and UTF-16 columns (SARIF's default columnKind).
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// CheckSARIF converts check results to SARIF 2.1.0; paths inside folder are
// relative to %SRCROOT%.
func CheckSARIF(folder, version string, c Check) SARIF {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "goproxy-doctor", Version: version, Rules: []sarifRule{}}},
		Results: []sarifResult{},
	}
	seen := map[string]bool{}
	for _, d := range c.Diagnostics {
		if !seen[d.Code] {
			seen[d.Code] = true
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: d.Code, ShortDescription: sarifMessage{Text: d.Code}})
		}
		r := sarifResult{RuleID: d.Code, Level: sarifLevel(d.Severity), Message: sarifMessage{Text: d.Message}}
		if d.File != "" {
			art := sarifArtifact{URI: filepath.ToSlash(d.File)}
			if rel := Rel(folder, d.File); rel != d.File {
				art = sarifArtifact{URI: filepath.ToSlash(rel), URIBaseID: "%SRCROOT%"}
			}
			r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: art,
				Region: sarifRegion{
					StartLine: d.Range.Start.Line + 1, StartColumn: d.Range.Start.Character + 1,
					EndLine: d.Range.End.Line + 1, EndColumn: d.Range.End.Character + 1,
				},
			}}}
		}
		run.Results = append(run.Results, r)
	}
	return SARIF{
		Schema:  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
}

func sarifLevel(severity string) string {
	switch severity {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "note"
}
