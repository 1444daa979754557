// Package report renders the engine's results for people and programs: the
// SPEC §8 JSON shapes, the terminal tables of the CLI and the Markdown shown
// in VS Code. Every value passes through redaction here.
package report

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Var is one variable of `env --json`.
type Var struct {
	Value  string       `json:"value"`
	Source sources.Kind `json:"source"`
	File   string       `json:"file,omitempty"`
	Line   int          `json:"line,omitempty"`
	Key    string       `json:"key,omitempty"`
	// Uncertain marks a value the client could not observe directly.
	Uncertain bool `json:"uncertain,omitempty"`
	// Note explains a derived or corrected value.
	Note string `json:"note,omitempty"`
}

// Consumer is one consumer of `env --json`.
type Consumer struct {
	Name string         `json:"name"`
	Vars map[string]Var `json:"vars"`
}

// Env is `env --json` for one folder.
type Env struct {
	Folder    string     `json:"folder"`
	Consumers []Consumer `json:"consumers"`
	// Divergent lists the variables whose values differ between consumers.
	Divergent []string `json:"divergent"`
}

// EnvJSON builds the SPEC §8 env object for a folder.
func EnvJSON(folder string, consumers []*resolve.Consumer) Env {
	out := Env{Folder: folder, Consumers: []Consumer{}, Divergent: Divergent(consumers)}
	var values []string
	for _, c := range consumers {
		for _, v := range c.Vars {
			values = append(values, v.Value)
		}
	}
	// A note quotes what go env reported, which may be a piece of a value.
	secrets := redact.Secrets(values...)
	for _, c := range consumers {
		jc := Consumer{Name: c.Name, Vars: map[string]Var{}}
		for _, name := range resolve.Modelled {
			v := c.Vars[name]
			jc.Vars[name] = Var{
				Value: redact.RedactText(v.Value), Source: v.Prov.Source, File: v.Prov.File, Line: v.Prov.Line,
				Key: v.Prov.Key, Uncertain: v.Uncertain, Note: redact.RedactKnown(v.Note, secrets),
			}
		}
		out.Consumers = append(out.Consumers, jc)
	}
	return out
}

// Clipped is a copy of e for display (the language server's environment
// command): values and notes cut at clip.MaxValue characters. `env --json`
// keeps whole values; it is for programs.
func (e Env) Clipped() Env {
	out := e
	out.Consumers = make([]Consumer, len(e.Consumers))
	for i, c := range e.Consumers {
		vars := make(map[string]Var, len(c.Vars))
		for name, v := range c.Vars {
			v.Value, v.Note, v.Key = clip.Value(v.Value), clip.Value(v.Note), clip.Value(v.Key)
			vars[name] = v
		}
		out.Consumers[i] = Consumer{Name: c.Name, Vars: vars}
	}
	return out
}

// installChanges are the variables vscode-go deliberately changes for tool
// installation; a difference there alone is not a divergence.
var installChanges = map[string]bool{"GOFLAGS": true, "GOENV": true, "GOROOT": true, "GOTOOLCHAIN": true}

// compared reports whether consumer c's value of name counts for divergence.
// An image or CI job (docker:, devcontainer, ci:, gitlab:) starts from its
// own environment by design: its differences are not the editor's.
func compared(c *resolve.Consumer, name string) bool {
	return !(c.Name == "install" && installChanges[name]) && c.Origin == nil
}

// Divergent lists the modelled variables whose effective values differ
// between the folder's editor and terminal consumers, in display order.
func Divergent(consumers []*resolve.Consumer) []string {
	out := []string{}
	for _, name := range resolve.Modelled {
		seen := map[string]bool{}
		for _, c := range consumers {
			if compared(c, name) {
				seen[c.Vars[name].Value] = true
			}
		}
		if len(seen) > 1 {
			out = append(out, name)
		}
	}
	return out
}
