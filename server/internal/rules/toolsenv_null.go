package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "toolsenv-null", Severity: findings.Error, Check: checkToolsEnvNull})
}

// checkToolsEnvNull reports null values in go.toolsEnvVars: vscode-go copies
// non-string values raw and Node stringifies them, so the child process sees
// the literal string "null" instead of the variable being removed (use ""
// to fall back to the GOENV file).
func checkToolsEnvNull(in *Input) []findings.Finding {
	type key struct {
		pl   findings.Place
		name string
		prov sources.Provenance
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		for _, l := range c.Layers {
			if l.Name != "go.toolsEnvVars" {
				continue
			}
			for _, e := range l.Entries {
				// Only where the null survives: install removes some
				// variables, and debug and tasks unset null values.
				if final, ok := c.Env[e.Name]; e.Kind != sources.Null || !ok || final.Prov.KeySpan != e.Prov.KeySpan || final.Prov.File != e.Prov.File {
					continue
				}
				pl := findings.ValuePlace(e.Prov)
				g.Add(pl.Key(), key{pl, e.Name, e.Prov}, c.Name)
			}
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, k.name+` is null in go.toolsEnvVars, which vscode-go passes to `+orNone(consumers)+
			` as the literal string "null" instead of removing it, so the go command uses `+k.name+`="null" rather than the GOENV file or its default.`, consumers)
		// Removing the key is what null was meant to do: fall back.
		fx := in.plan().Fixer()
		fx.Remove(k.prov)
		f.AddFix(fx.Build("Remove "+fixplan.KeyLabel(k.prov)+" from "+in.plan().Label(k.prov.File), true))
		out = append(out, f)
	})
	return out
}
