package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// CheckGitHub writes one GitHub Actions workflow command per finding
// (::error, ::warning or ::notice), which the runner turns into an
// annotation on the file and lines. File paths are relative to root, the
// repository's checkout ($GITHUB_WORKSPACE); a finding in a file outside it
// (VS Code user settings, the go env -w file) or without a file is
// annotated without a file, its place named in the message. Everything is
// escaped so that no value can end the command or start another one.
func CheckGitHub(w io.Writer, root string, c Check) {
	for _, d := range c.Diagnostics {
		var props []string
		msg := clip.Message(redact.RedactText(d.Message))
		if d.File != "" {
			where := fmt.Sprintf("%d:%d", d.Range.Start.Line+1, d.Range.Start.Character+1)
			if rel := Rel(root, d.File); rel != d.File {
				props = append(props,
					"file="+escapeProperty(filepath.ToSlash(rel)),
					fmt.Sprintf("line=%d", d.Range.Start.Line+1),
					fmt.Sprintf("col=%d", d.Range.Start.Character+1),
					fmt.Sprintf("endLine=%d", d.Range.End.Line+1),
					fmt.Sprintf("endColumn=%d", d.Range.End.Character+1))
			} else {
				msg = redact.RedactText(d.File) + ":" + where + ": " + msg
			}
		}
		props = append(props, "title="+escapeProperty(d.Code))
		if len(d.Consumers) > 0 {
			msg += " [" + strings.Join(d.Consumers, ", ") + "]"
		}
		for _, r := range d.Related {
			rmsg := clip.Message(redact.RedactText(r.Message))
			if r.File == "" {
				msg += "\nsee: " + rmsg
				continue
			}
			msg += fmt.Sprintf("\nsee %s:%d:%d: %s", filepath.ToSlash(Rel(root, r.File)), r.Range.Start.Line+1, r.Range.Start.Character+1, rmsg)
		}
		fmt.Fprintf(w, "::%s %s::%s\n", githubCommand(d.Severity), strings.Join(props, ","), escapeData(msg))
	}
}

func githubCommand(severity string) string {
	switch severity {
	case "error":
		return "error"
	case "warning":
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message (@actions/core's
// escapeData): "%" first, then CR and LF, so a value cannot end the line.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command property's value
// (@actions/core's escapeProperty): as escapeData, and ":" and "," which
// end a value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
