package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "settings-parse-error", Severity: findings.Error, Check: checkSettingsParseError})
}

// checkSettingsParseError reports a settings, launch or tasks file that does
// not parse as JSONC, at the offset of the error: the doctor cannot model
// what it sets, and VS Code may ignore some or all of it.
//
// No fix: what the file was meant to say is unknown.
func checkSettingsParseError(in *Input) []findings.Finding {
	var out []findings.Finding
	s := in.Snap
	var all []string
	for _, c := range in.Consumers {
		all = append(all, c.Name)
	}
	report := func(file, what string, content []byte, err *sources.ParseError, consumers []string) {
		start := min(max(err.Offset, 0), len(content))
		end := min(start+1, len(content))
		out = append(out, findings.At(findings.Place{File: file, Span: sources.Span{Start: start, End: end}}, "The "+what+" file does not parse ("+err.Msg+
			"), so what it sets"+findings.ForConsumers(consumers)+" cannot be checked and VS Code may ignore it.", consumers))
	}
	for _, st := range []*sources.Settings{s.User, s.Workspace, s.FolderSettings} {
		if st != nil && st.Err != nil {
			what := scopeName(st)
			if st.IsWorkspaceFile {
				what = ".code-workspace"
			}
			report(st.Path, what, st.Content, st.Err, all)
		}
	}
	if s.Launch != nil && s.Launch.Err != nil {
		report(s.Launch.Path, "launch.json", s.Launch.Content, s.Launch.Err, nil)
	}
	if s.Tasks != nil && s.Tasks.Err != nil {
		report(s.Tasks.Path, "tasks.json", s.Tasks.Content, s.Tasks.Err, nil)
	}
	return out
}
