package report

import (
	"path/filepath"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// CodeQualityIssue is one entry of a GitLab Code Quality report (the
// subset of the Code Climate issue format GitLab reads).
type CodeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    CodeQualityLocation `json:"location"`
}

// CodeQualityLocation is where an issue is: a path relative to the
// repository and a 1-based line.
type CodeQualityLocation struct {
	Path  string           `json:"path"`
	Lines CodeQualityLines `json:"lines"`
}

// CodeQualityLines holds the first line of an issue.
type CodeQualityLines struct {
	Begin int `json:"begin"`
}

// CheckCodeQuality converts check results to a GitLab Code Quality report
// (artifacts:reports:codequality). Paths are relative to root, the
// repository's checkout ($CI_PROJECT_DIR). GitLab needs a path on every
// issue: a finding without a file, or in a file outside root, is placed on
// the folder itself (line 1) and names its place in the description. The
// fingerprint is the SARIF one (see Fingerprints).
func CheckCodeQuality(root, folder string, c Check) []CodeQualityIssue {
	out := []CodeQualityIssue{}
	fingerprints := Fingerprints(folder, c)
	folderPath := filepath.ToSlash(Rel(root, folder))
	if folderPath == folder {
		folderPath = "."
	}
	// Without a file of its own, an issue goes on the go.mod module line (as
	// in the editor), else on the folder.
	home := CodeQualityLocation{Path: folderPath, Lines: CodeQualityLines{Begin: 1}}
	if ml := c.moduleLine; ml.File != "" && Rel(root, ml.File) != ml.File {
		home = CodeQualityLocation{Path: filepath.ToSlash(Rel(root, ml.File)), Lines: CodeQualityLines{Begin: ml.Range.Start.Line + 1}}
	}
	for i, d := range c.Diagnostics {
		desc := clip.Message(redact.RedactText(d.Message))
		loc := home
		switch rel := Rel(root, d.File); {
		case d.File == "":
			desc = "environment: " + desc
		case rel == d.File:
			desc = redact.RedactText(d.File) + ": " + desc
		default:
			loc = CodeQualityLocation{Path: filepath.ToSlash(rel), Lines: CodeQualityLines{Begin: d.Range.Start.Line + 1}}
		}
		out = append(out, CodeQualityIssue{
			Description: desc, CheckName: d.Code, Fingerprint: fingerprints[i],
			Severity: codeQualitySeverity(d.Severity), Location: loc,
		})
	}
	return out
}

// codeQualitySeverity maps a severity to GitLab's scale (info, minor,
// major, critical, blocker): an error breaks builds, a warning is likely
// wrong.
func codeQualitySeverity(severity string) string {
	switch severity {
	case "error":
		return "critical"
	case "warning":
		return "major"
	}
	return "info"
}
