package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

func init() {
	register(Rule{Code: "go-variable-not-exported", Severity: findings.Warning, Check: checkGoVariableNotExported})
}

// checkGoVariableNotExported reports NAME=value assignments of a Go or
// proxy variable that nothing exports, in a shell session that runs a go
// command after them: a workflow's run: step, a GitLab job's before_script
// and script (one session), a Dockerfile RUN (each its own shell). The go
// command only sees exported variables — the fourth field report's
// "only reproduces in CI". A go command that passes the variable inline
// (GOPROXY=$GOPROXY go build) is not affected.
func checkGoVariableNotExported(in *Input) []findings.Finding {
	var out []findings.Finding
	report := func(path string, content []byte, where string, sets []buildenv.Setting, gos []buildenv.GoCommand, consumers []string) {
		for _, s := range sets {
			if s.How != buildenv.Assign || s.Exported || !modelledName(s.Key) {
				continue
			}
			g, ok := goAfter(s, gos)
			if !ok {
				continue
			}
			run := "go"
			if g.Sub != "" {
				run += " " + g.Sub
			}
			f := findings.At(findings.Place{File: path, Span: s.KeySpan},
				s.Key+" is assigned without export in "+where+", so "+run+" on line "+itoa(g.Line)+" does not see it.", consumers)
			in.exportFix(&f, path, content, s)
			out = append(out, f)
		}
	}
	for _, bf := range in.Snap.BuildFiles {
		switch v := bf.Parsed.(type) {
		case *buildenv.Workflow:
			for _, j := range v.Jobs {
				for _, st := range j.Steps {
					if st.Run != nil {
						cs := in.jobConsumers(v, j)
						report(bf.Path, bf.Content, "this run step of "+cs[0], st.Run.Settings, st.Run.Go, cs)
					}
				}
			}
		case *buildenv.GitLabCI:
			for _, j := range v.Jobs {
				if j.Hidden {
					continue
				}
				var sets []buildenv.Setting
				var gos []buildenv.GoCommand
				for _, sc := range []*buildenv.Script{j.BeforeScript, j.Script} {
					if sc != nil {
						sets = append(sets, sc.Settings...)
						gos = append(gos, sc.Go...)
					}
				}
				report(bf.Path, bf.Content, "the script of "+gitlabConsumer(j.Name), sets, gos, []string{gitlabConsumer(j.Name)})
			}
		case *buildenv.Dockerfile:
			for _, st := range v.Stages {
				for _, r := range st.Runs {
					c := in.dockerConsumer(bf.Path, st)
					report(bf.Path, bf.Content, "this RUN of "+c+" (each RUN is its own shell)", r.Settings, r.Go, []string{c})
				}
			}
		}
	}
	return out
}

// modelledName reports whether a variable is one the doctor models (a Go
// variable the go command reads, or a network proxy variable).
func modelledName(k string) bool {
	return contains(resolve.GoVars, k) || contains(resolve.NetVars, k)
}

// goAfter finds the first go command after the assignment that does not
// set the variable inline.
func goAfter(s buildenv.Setting, gos []buildenv.GoCommand) (buildenv.GoCommand, bool) {
	for _, g := range gos {
		if g.Span.Start < s.KeySpan.End {
			continue
		}
		inline := false
		for _, e := range g.Env {
			inline = inline || e.Key == s.Key
		}
		if !inline {
			return g, true
		}
	}
	return buildenv.GoCommand{}, false
}

// exportFix writes "export " before an assignment that starts its command
// (after a line start, ;, &&, ||, {, (, then, do or else), where the shell
// then exports it with the same value.
func (in *Input) exportFix(f *findings.Finding, path string, content []byte, s buildenv.Setting) {
	if s.Approx || string(content[s.KeySpan.Start:s.KeySpan.End]) != s.Key {
		return
	}
	before := strings.TrimRight(string(content[lineStartAt(content, s.KeySpan.Start):s.KeySpan.Start]), " \t")
	starts := before == "" || strings.HasSuffix(before, "- ") || strings.HasSuffix(before, "-") || strings.HasSuffix(before, "RUN") || strings.HasSuffix(before, "run:") || strings.HasSuffix(before, "|")
	for _, sep := range []string{";", "&&", "||", "{", "(", " then", " do", " else", "\tthen", "\tdo", "\telse"} {
		starts = starts || strings.HasSuffix(before, sep)
	}
	if !starts {
		return
	}
	fx := in.plan().Fixer()
	fx.BuildEdit(path, sourcesSpan(s.KeySpan.Start, s.KeySpan.Start), "export ", "")
	f.AddFix(fx.Build("Export "+s.Key, true))
}
