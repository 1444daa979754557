package report

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/ruledoc"
)

// SARIF is a SARIF 2.1.0 log for code scanning: one run, the rules the
// results use with their metadata, and per result its locations, related
// locations and a partial fingerprint that survives lines moving.
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
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

// sarifRule is a reportingDescriptor.
type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name,omitempty"`
	ShortDescription     sarifMessage        `json:"shortDescription"`
	FullDescription      *sarifMessage       `json:"fullDescription,omitempty"`
	HelpURI              string              `json:"helpUri,omitempty"`
	Help                 *sarifMultiformat   `json:"help,omitempty"`
	DefaultConfiguration *sarifConfiguration `json:"defaultConfiguration,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

type sarifLocation struct {
	ID               *int           `json:"id,omitempty"`
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	Message          *sarifMessage  `json:"message,omitempty"`
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

// sarifFingerprintKey names the partial fingerprint's algorithm and version
// (SARIF §3.27.17: a versioned name); see Fingerprint.
const sarifFingerprintKey = "goproxyDoctorFinding/v1"

// CheckSARIF converts check results to SARIF 2.1.0; paths inside folder are
// relative to %SRCROOT%.
func CheckSARIF(folder, version string, c Check) SARIF {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "goproxy-doctor", Version: version,
			InformationURI: informationURI(),
			Rules:          []sarifRule{},
		}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	fingerprints := Fingerprints(folder, c)
	for i, d := range c.Diagnostics {
		ri, ok := index[d.Code]
		if !ok {
			ri = len(run.Tool.Driver.Rules)
			index[d.Code] = ri
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(d.Code))
		}
		r := sarifResult{
			RuleID: d.Code, RuleIndex: ri, Level: sarifLevel(d.Severity), Message: sarifMessage{Text: d.Message},
			PartialFingerprints: map[string]string{sarifFingerprintKey: fingerprints[i]},
		}
		switch {
		case d.File != "":
			r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalFor(folder, d.File, d.Range)}}
		case c.moduleLine.File != "":
			// Code scanning needs a location: a finding about the
			// environment goes on the go.mod module line, as in the editor.
			r.Locations = []sarifLocation{{
				PhysicalLocation: sarifPhysicalFor(folder, c.moduleLine.File, c.moduleLine.Range),
				Message:          &sarifMessage{Text: "set in the environment, not in a file"},
			}}
		}
		for j, rel := range d.Related {
			id := j
			loc := sarifLocation{ID: &id, Message: &sarifMessage{Text: rel.Message}}
			if rel.File != "" {
				loc.PhysicalLocation = sarifPhysicalFor(folder, rel.File, rel.Range)
			}
			r.RelatedLocations = append(r.RelatedLocations, loc)
		}
		run.Results = append(run.Results, r)
	}
	return SARIF{
		Schema:  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
}

// informationURI is the repository's home page: the rule pages' base
// without its docs path.
func informationURI() string {
	const suffix = "/blob/main/docs/rules/"
	if b := ruledoc.Base; len(b) > len(suffix) && b[len(b)-len(suffix):] == suffix {
		return b[:len(b)-len(suffix)]
	}
	return ""
}

// sarifRuleFor is the reportingDescriptor of code: its catalogue entry,
// or the bare id for a code without one.
func sarifRuleFor(code string) sarifRule {
	meta, ok := ruledoc.Lookup(code)
	if !ok {
		return sarifRule{ID: code, ShortDescription: sarifMessage{Text: code}}
	}
	url := ruledoc.URL(code)
	return sarifRule{
		ID: code, Name: meta.Name,
		ShortDescription: sarifMessage{Text: meta.Short},
		FullDescription:  &sarifMessage{Text: meta.Full},
		HelpURI:          url,
		Help: &sarifMultiformat{
			Text:     meta.Full + " How to fix: " + meta.Fix + " More: " + url,
			Markdown: meta.Full + "\n\n**How to fix:** " + meta.Fix + "\n\n[" + code + "](" + url + ")",
		},
		DefaultConfiguration: &sarifConfiguration{Level: sarifLevel(meta.Severity)},
	}
}

func sarifPhysicalFor(folder, file string, rng position.Range) *sarifPhysical {
	art := sarifArtifact{URI: fileURI(file)}
	if rel := Rel(folder, file); rel != file {
		art = sarifArtifact{URI: filepath.ToSlash(rel), URIBaseID: "%SRCROOT%"}
	}
	return &sarifPhysical{
		ArtifactLocation: art,
		Region: sarifRegion{
			StartLine: rng.Start.Line + 1, StartColumn: rng.Start.Character + 1,
			EndLine: rng.End.Line + 1, EndColumn: rng.End.Character + 1,
		},
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

// fileURI is an absolute path as a file: URI (SARIF artifact locations are
// URIs; a Windows path would otherwise read as a scheme).
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
