package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

func init() {
	register(Rule{Code: "dockerfile-env-wrong-stage", Severity: findings.Warning, Check: checkDockerfileEnvWrongStage})
}

// checkDockerfileEnvWrongStage reports Go variables a Dockerfile sets where
// the go command does not run and cannot see them:
//   - ENV, ARG or RUN go env -w in a stage that runs no go command that
//     fetches modules, when no stage that does is built FROM it (ENV and the
//     go env -w file carry over to stages built FROM a stage; ARG never does);
//   - an ARG before the first FROM that a building stage does not declare
//     again (a global ARG is visible to FROM lines only).
//
// The fix sets the variable in each building stage that misses it, on the
// line after its FROM.
func checkDockerfileEnvWrongStage(in *Input) []findings.Finding {
	var out []findings.Finding
	for _, bf := range in.Snap.BuildFiles {
		df, ok := bf.Parsed.(*buildenv.Dockerfile)
		if !ok {
			continue
		}
		var builders []*buildenv.Stage
		for _, st := range df.Stages {
			if st.BuildsGo() {
				builders = append(builders, st)
			}
		}
		if len(builders) == 0 {
			continue
		}
		for _, st := range df.Stages {
			if st.BuildsGo() {
				continue
			}
			for _, s := range st.Env {
				if !contains(resolve.GoVars, s.Key) {
					continue
				}
				var missing []*buildenv.Stage
				used := false
				for _, b := range builders {
					switch {
					case s.How != buildenv.DockerArg && inherits(df, b, st):
						used = true
					case !stageSets(df, b, s.Key):
						missing = append(missing, b)
					}
				}
				if used || len(missing) == 0 {
					continue
				}
				msg := s.Key + " is set in stage " + st.Label() + " of " + in.relPath(bf.Path) + ", but " + stageList(missing) + ", which " + runsGo(missing) + ", " + notBuiltFrom(missing) + ", so the go command there runs without it."
				if s.How == buildenv.DockerArg {
					msg = "ARG " + s.Key + " in stage " + st.Label() + " of " + in.relPath(bf.Path) + " is visible in that stage only (not even in stages built FROM it), and " + stageList(missing) + ", which " + runsGo(missing) + ", " + declares(missing) + " not set it, so the go command there runs without it."
				}
				out = append(out, in.wrongStageFinding(bf, df, s, missing, msg, false))
			}
		}
		for _, s := range df.GlobalArgs {
			if !contains(resolve.GoVars, s.Key) {
				continue
			}
			var missing []*buildenv.Stage
			for _, b := range builders {
				if !stageSets(df, b, s.Key) {
					missing = append(missing, b)
				}
			}
			if len(missing) == 0 {
				continue
			}
			msg := "ARG " + s.Key + " before the first FROM is visible to FROM lines only, and " + stageList(missing) + ", which " + runsGo(missing) + ", " + declares(missing) + " not declare it again, so the go command there runs without it."
			out = append(out, in.wrongStageFinding(bf, df, s, missing, msg, true))
		}
	}
	return out
}

// inherits reports whether stage b is built FROM stage a, directly or not.
func inherits(df *buildenv.Dockerfile, b, a *buildenv.Stage) bool {
	for i, cur := 0, b; cur != nil && i <= len(df.Stages); i++ {
		if cur.BaseStage < 0 || cur.BaseStage >= len(df.Stages) {
			return false
		}
		cur = df.Stages[cur.BaseStage]
		if cur == a {
			return true
		}
	}
	return false
}

// stageSets reports whether a building stage gets the variable some other
// way: its own ENV, ARG or go env -w, what its base stages pass on (ENV and
// go env -w), or inline on each of its go commands.
func stageSets(df *buildenv.Dockerfile, b *buildenv.Stage, key string) bool {
	for _, s := range b.Env {
		if s.Key == key {
			return true
		}
	}
	for i, cur := 0, b; cur.BaseStage >= 0 && cur.BaseStage < len(df.Stages) && i <= len(df.Stages); i++ {
		cur = df.Stages[cur.BaseStage]
		for _, s := range cur.Env {
			if s.Key == key && s.How != buildenv.DockerArg {
				return true
			}
		}
	}
	gos := b.GoCommands()
	inline := 0
	for _, g := range gos {
		for _, e := range g.Env {
			if e.Key == key {
				inline++
				break
			}
		}
	}
	return len(gos) > 0 && inline == len(gos)
}

func stageList(sts []*buildenv.Stage) string {
	var names []string
	for _, st := range sts {
		names = append(names, st.Label())
	}
	if len(names) == 1 {
		return "stage " + names[0]
	}
	return "stages " + findings.AndList(names)
}

// runsGo names the go commands the stages run: "runs go mod download".
func runsGo(sts []*buildenv.Stage) string {
	var subs []string
	for _, st := range sts {
		for _, g := range st.GoCommands() {
			if g.BuildsGo() && !contains(subs, "go "+g.Sub) {
				subs = append(subs, "go "+g.Sub)
			}
		}
	}
	if len(sts) == 1 {
		return "runs " + findings.AndList(subs)
	}
	return "run " + findings.AndList(subs)
}

func notBuiltFrom(sts []*buildenv.Stage) string {
	if len(sts) > 1 {
		return "are not built FROM it"
	}
	return "is not built FROM it"
}

func declares(sts []*buildenv.Stage) string {
	if len(sts) == 1 {
		return "does"
	}
	return "do"
}

// wrongStageFinding places the finding on the setting's key, with related
// information on each building stage's FROM line and the fix that sets the
// variable in each of them.
func (in *Input) wrongStageFinding(bf *sources.BuildFile, df *buildenv.Dockerfile, s buildenv.Setting, missing []*buildenv.Stage, msg string, global bool) findings.Finding {
	var consumers []string
	for _, b := range missing {
		consumers = append(consumers, in.dockerConsumer(bf.Path, b))
	}
	f := findings.At(findings.Place{File: bf.Path, Span: s.KeySpan}, msg, consumers)
	for _, b := range missing {
		f.Related = append(f.Related, findings.Related{File: bf.Path, Span: b.Span, Message: "Stage " + b.Label() + " starts here and runs the go command without " + s.Key + "."})
	}
	line, ok := stageLine(bf.Content, s, global)
	if !ok {
		return f
	}
	fx := in.plan().Fixer()
	nl := newlineOf(bf.Content)
	for _, b := range missing {
		indent, _ := indentBefore(bf.Content, b.Span.Start)
		at := nextLineAt(bf.Content, b.Span.End)
		fx.BuildEdit(bf.Path, sourcesSpan(at, at), terminated(bf.Content, at, nl)+indent+line+nl, s.Value)
	}
	f.AddFix(fx.Build("Set "+s.Key+" in "+stageList(missing)+": "+line, true))
	return f
}

// stageLine is the instruction that sets the variable in a building stage:
// ARG KEY for a global ARG (the stage then sees its default), else ENV (or
// ARG) KEY=value with the value as written. A value that refers to other
// variables, or that the original line writes in the legacy ENV KEY value
// form with blanks, is left to the user.
func stageLine(content []byte, s buildenv.Setting, global bool) (string, bool) {
	if global {
		return "ARG " + s.Key, true
	}
	if s.Unresolved || s.Approx || s.NoValue && s.How != buildenv.DockerArg {
		return "", false
	}
	instr := "ENV "
	if s.How == buildenv.DockerArg {
		instr = "ARG "
		if s.NoValue {
			return "ARG " + s.Key, true
		}
	}
	if !strings.ContainsAny(s.Value, " \t\"'\\$`") {
		return instr + s.Key + "=" + s.Value, true
	}
	// As written: KEY="a b" keeps its quotes.
	end := s.ValueSpan.End
	if end < len(content) && (content[end] == '"' || content[end] == '\'') && s.ValueSpan.Start > 0 && content[s.ValueSpan.Start-1] == content[end] {
		end++
	}
	word := string(content[s.KeySpan.Start:end])
	if !strings.HasPrefix(word, s.Key+"=") || strings.ContainsAny(word, "\n\r") {
		return "", false
	}
	return instr + word, true
}
