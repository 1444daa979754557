package rules

import (
	"path/filepath"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
)

func init() {
	register(Rule{Code: "file-skipped", Severity: findings.Warning, Check: checkFileSkipped})
}

// checkFileSkipped reports every input the snapshot refused to read — a
// FIFO, a device or a directory where a file belongs, a file over the size
// limit (an open editor buffer too) — on the file itself: what it would set
// is unknown, so nothing it sets is checked. Where a value named the file
// (GOENV), related information points at it.
//
// A build file that exceeds the bounds on stages, jobs or settings is
// reported too, as information: it was read, but only in part modelled.
//
// No fix: the file is not the doctor's to replace.
func checkFileSkipped(in *Input) []findings.Finding {
	var out []findings.Finding
	for _, sk := range in.Snap.Skipped() {
		what, consumers := in.skippedFileRole(sk.Path)
		f := findings.At(findings.Place{File: sk.Path}, "The "+what+" "+quote(sk.Path)+" was skipped ("+sk.Reason+
			"), so what it sets"+findings.ForConsumers(consumers)+" is not checked.", consumers)
		for _, c := range in.Consumers {
			if c.GoEnvPath != sk.Path {
				continue
			}
			if v := c.Vars["GOENV"]; v.Prov.InFile() {
				f.Related = findings.RelatedAt(v.Prov, "GOENV names the skipped file here")
				break
			}
		}
		out = append(out, f)
	}
	// Build files the bounds on hostile input cut short: read, but only
	// their first stages, jobs or settings are modelled.
	for _, l := range in.Snap.Limited() {
		f := findings.At(findings.Place{File: l.Path}, "The file "+quote(l.Path)+" is modelled only in part ("+l.Reason+
			"), so what the rest sets is not checked.", nil)
		f.Severity = findings.Information
		out = append(out, f)
	}
	return out
}

// skippedFileRole names what a skipped path is to the folder, and the
// consumers that read it when that is known.
func (in *Input) skippedFileRole(path string) (string, []string) {
	s := in.Snap
	switch {
	case s.UserSettingsPath == path:
		return "user settings file", nil
	case filepath.Clean(path) == filepath.Clean(s.FolderSettingsPath()):
		if s.Options.MultiRoot {
			return "folder settings file", nil
		}
		return "workspace settings file", nil
	case s.Workspace != nil && s.Workspace.IsWorkspaceFile && s.Workspace.Path == path:
		return ".code-workspace file", nil
	case filepath.Base(path) == "go.mod" || filepath.Base(path) == "go.work":
		return filepath.Base(path), nil
	case path == filepath.Join(s.Folder, ".vscode", "launch.json"):
		return "launch.json", nil
	case path == filepath.Join(s.Folder, ".vscode", "tasks.json"):
		return "tasks.json", nil
	}
	if c := in.consumersReading(path); len(c) > 0 {
		return "GOENV file", c
	}
	for _, c := range in.Consumers {
		if c.GoEnvGOROOT != "" && filepath.Join(c.GoEnvGOROOT, "go.env") == path {
			return "go.env", nil
		}
	}
	return "file", nil
}
