package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "unknown-go-variable", Severity: findings.Warning, Check: checkUnknownGoVariable})
}

// checkUnknownGoVariable reports GO*-looking names no Go program reads
// (GO_PROXY, GONOSUMCHECK, GOSSRONLY, goproxy), with a "did you mean", in
// every place that sets environment variables for Go: go.toolsEnvVars, gopls
// build.env, terminal.integrated.env.*, launch and tasks env, and the GOENV
// file — where only the go command's own variables are used at all. In the
// process environment and the login shell's, which hold every program's
// variables (GOLANG_VERSION, GOOGLE_APPLICATION_CREDENTIALS, GO_VERSION,
// GOPROXY_URL), only sure misspellings are reported (goenv.SuggestInEnv:
// GOPROXI, GOPRIVTE, GONOSUMBD, GO_PROXY), without a fix: no file to edit.
func checkUnknownGoVariable(in *Input) []findings.Finding {
	var out []findings.Finding
	windows := in.Snap.Options.GOOS == "windows"
	report := func(name, setting string, p sources.Provenance, consumers []string, goenvFile bool) {
		known := goenv.IsKnownGoVar(name)
		if goenvFile {
			known = goenv.IsGoCommandVar(name)
		}
		if windows && !goenvFile {
			// Windows environment names are case-insensitive.
			known = goenv.IsKnownGoVar(strings.ToUpper(name))
		}
		// A GOENV key with white space ("GOPRIVATE = x") is goenv-file-syntax's.
		if known || !goenv.LooksLikeGoVar(name) || goenvFile && strings.ContainsAny(name, " \t") {
			return
		}
		msg := name + " is not a variable the go command knows"
		if goenvFile && goenv.IsKnownGoVar(name) {
			msg = name + " is not a go command variable, and the GOENV file sets only those"
		}
		suggestion := goenv.Suggest(name)
		if suggestion != "" && suggestion != name {
			msg += " (did you mean " + suggestion + "?)"
		}
		msg += ", so setting it in " + setting + " has no effect"
		if len(consumers) > 0 {
			msg += findings.ForConsumers(consumers)
		}
		f := findings.At(findings.KeyPlace(p), msg+".", consumers)
		if suggestion != "" && suggestion != name && !buildFile(p.Source) {
			fx := in.plan().Fixer()
			fx.Rename(p, suggestion)
			f.AddFix(fx.Build("Rename "+fixplan.KeyLabel(p)+" to "+suggestion+" in "+in.plan().Label(p.File), true))
		}
		out = append(out, f)
	}
	in.eachEnvSetting(report)
	in.eachOSEnvName(func(name, where string, consumers []string) {
		n := name
		if windows {
			n = strings.ToUpper(name)
		}
		suggestion := goenv.SuggestInEnv(n)
		if suggestion == "" {
			return
		}
		out = append(out, findings.At(findings.Place{}, name+" in "+where+" is not a variable the go command knows (did you mean "+suggestion+"?), so it has no effect"+
			findings.ForConsumers(consumers)+".", consumers))
	})
	return out
}
