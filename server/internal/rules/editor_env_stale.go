package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// CodeEditorEnvStale is the code of a value vscode-go pinned into the
// extension host at activation that the user's own sources no longer give.
// The LSP layer attaches a "Reload Window" action to it.
const CodeEditorEnvStale = "editor-env-stale"

func init() {
	register(Rule{Code: CodeEditorEnvStale, Severity: findings.Warning, Check: checkEditorEnvStale})
}

// staleness is one pinned variable whose pinned value is out of date.
type staleness struct {
	name      string
	pinned    string
	fresh     string
	freshProv sources.Provenance
	shell     bool     // the login shell is the source of the fresh value
	consumers []string // the editor's consumers that still use the pinned value
}

// staleEditorEnv finds the variables vscode-go pinned into the extension
// host's environment at activation (vscode-go-env-flow §0.3: GOPROXY from
// `go env`, only when unset) whose pinned value differs from what a fresh
// process would resolve now: the login shell's value, else the GOENV file,
// else go.env. It needs the login shell's environment: without it a
// GOPROXY in the captured environment may be the user's own export, which
// is not stale (env-shadowed covers that). Only values an editor consumer
// still uses count: a go.toolsEnvVars or build.env value hides the pin.
func (in *Input) staleEditorEnv() []staleness {
	s := in.Snap
	if !s.Options.VSCodeGoActive || s.TerminalEnv == nil {
		return nil
	}
	var out []staleness
	for _, name := range resolve.PinnedByVSCodeGo {
		if !contains(resolve.GoVars, name) {
			continue // GOPATH, GOBIN, GOMODCACHE are not modelled
		}
		pinned := s.ProcessEnv[name]
		if pinned == "" {
			continue
		}
		st := staleness{name: name, pinned: pinned}
		var anchor *resolve.Consumer
		for _, c := range in.Consumers {
			if !editorConsumer(c) {
				continue
			}
			v := c.Vars[name]
			if !v.Prov.Source.FromEnvironment() || v.Value != pinned {
				continue
			}
			st.consumers = append(st.consumers, c.Name)
			if anchor == nil {
				anchor = c
			}
		}
		if anchor == nil {
			continue
		}
		if v := s.TerminalEnv[name]; v != "" {
			st.fresh, st.shell = v, true
			st.freshProv = sources.Provenance{Source: sources.ProcessEnv, Key: name}
		} else {
			st.fresh, st.freshProv = fallbackValue(anchor.Vars[name])
		}
		if st.fresh == st.pinned {
			continue
		}
		out = append(out, st)
	}
	return out
}

// editorConsumer reports whether a consumer's base is the extension host's
// environment (gopls, tools, install, debug), not the terminal's.
func editorConsumer(c *resolve.Consumer) bool {
	return c.Name != "terminal" && !strings.HasPrefix(c.Name, "task:")
}

// fallbackValue is what cmd/go resolves when the environment does not set
// the variable: the GOENV file, else go.env, else the default.
func fallbackValue(v resolve.Value) (string, sources.Provenance) {
	for _, kind := range []sources.Kind{sources.GoEnvFile, sources.GorootGoEnv} {
		for _, c := range v.Chain {
			if c.Prov.Source == kind {
				return c.Value, c.Prov
			}
		}
	}
	return "", sources.Provenance{Source: sources.Default, Key: v.Name}
}

// isStalePin reports whether a value of name for a consumer is the stale pin
// editor-env-stale reports: env-divergence and env-shadowed leave it to it.
func isStalePin(stale []staleness, name, value string, consumer string) bool {
	for _, st := range stale {
		if st.name == name && st.pinned == value && contains(st.consumers, consumer) {
			return true
		}
	}
	return false
}

// checkEditorEnvStale reports the stale pin on the line that now gives the
// value (the GOENV file's), or on the environment when the login shell or
// go.env does. A terminal opened before a shell profile changed still has
// the old export; a GOENV file change reaches every terminal at once.
func checkEditorEnvStale(in *Input) []findings.Finding {
	var out []findings.Finding
	for _, st := range in.staleEditorEnv() {
		from := "your login shell"
		if !st.shell {
			from = where(st.freshProv, st.name)
		}
		msg := st.name + findings.ForConsumers(st.consumers) + " is still " + quote(st.pinned) +
			", pinned by vscode-go into the editor's environment when it activated, but the go command now resolves " +
			shown(st.fresh, st.freshProv) + " from " + from +
			": the editor's processes (gopls, tools and this server) keep the old value until you reload the window (Developer: Reload Window)"
		if st.shell {
			msg += ", and a terminal opened before the change is stale too"
		}
		msg += "."
		pl := findings.Place{}
		if !st.shell && st.freshProv.Source == sources.GoEnvFile {
			pl = findings.ValuePlace(st.freshProv)
		}
		out = append(out, findings.At(pl, msg, st.consumers))
	}
	return out
}
