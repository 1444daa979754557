package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "unknown-go-variable", Severity: Warning, Check: checkUnknownGoVariable})
}

// checkUnknownGoVariable reports GO*-looking names no Go program reads
// (GO_PROXY, GONOSUMCHECK, GOSSRONLY, goproxy), with a "did you mean", in
// every place that sets environment variables for Go: go.toolsEnvVars, gopls
// build.env, terminal.integrated.env.*, launch and tasks env, and the GOENV
// file — where only the go command's own variables are used at all.
func checkUnknownGoVariable(in *Input) []Finding {
	var out []Finding
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
			msg += forConsumers(consumers)
		}
		f := finding(keyPlace(p), msg+".", consumers)
		if suggestion != "" && suggestion != name {
			fx := in.fixer()
			fx.rename(p, suggestion)
			f.addFix(fx.build("Rename "+keyLabel(p)+" to "+suggestion+" in "+in.label(p.File), true))
		}
		out = append(out, f)
	}
	for _, st := range in.Snap.SettingsLayers() {
		for _, e := range st.Env("go.toolsEnvVars") {
			report(e.Name, "go.toolsEnvVars", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
		for _, e := range st.GoplsBuildEnv() {
			report(e.Name, "gopls build.env", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
		for _, os := range []string{"linux", "osx", "windows"} {
			key := "terminal.integrated.env." + os
			for _, e := range st.Env(key) {
				report(e.Name, key, e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
			}
		}
	}
	for _, lc := range in.Snap.Launch.LaunchConfigs() {
		for _, e := range lc.Env {
			report(e.Name, "launch.json", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
	}
	for _, t := range in.Snap.Tasks.Tasks() {
		for _, e := range t.Env {
			report(e.Name, "tasks.json", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
	}
	for _, f := range in.Snap.EnvFiles() {
		if f.Kind != sources.GoEnvFile || !f.Exists {
			continue
		}
		consumers := in.consumersReading(f.Path)
		for _, l := range f.Lines {
			if l.Valid {
				report(l.Key, "the GOENV file", f.Prov(l), consumers, true)
			}
		}
	}
	return out
}
