// Package resolve computes, for each consumer of a workspace folder (terminal,
// gopls, tools, install, debug, tasks), the environment its go command sees and
// then the effective value of every modelled variable with cmd/go's precedence:
// a non-empty environment value, else the GOENV file, else $GOROOT/go.env, else
// the built-in default. Every value carries its provenance.
package resolve

import (
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// GoVars are read through cmd/go's cfg.Getenv, so a GOENV file or go.env can set them.
var GoVars = []string{"GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOFLAGS", "GOAUTH", "GOTOOLCHAIN", "GOVCS"}

// NetVars are read by net/http and crypto/tls from the process environment only.
var NetVars = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR"}

// Modelled lists every variable the doctor reports, in display order.
var Modelled = append(append(append([]string{}, GoVars...), "GOENV", "GOROOT"), NetVars...)

// PinnedByVSCodeGo are the variables vscode-go writes into the extension
// host's environment at activation when they were unset (vscode-go-env-flow §0.3).
var PinnedByVSCodeGo = []string{"GOPROXY", "GOPATH", "GOBIN", "GOMODCACHE"}

// Setting is one variable of a process environment.
type Setting struct {
	Value string
	Prov  sources.Provenance
	// Uncertain marks a value the client could not observe directly (e.g. the
	// terminal's copy of a variable vscode-go pinned in the extension host).
	Uncertain bool
	// Replaced lists the values earlier layers gave this variable, latest first.
	Replaced []Setting
	// Note explains a value a build file sets in a way the model can only
	// partly know (an ARG the build supplies, a secret).
	Note string
}

// Env is a process environment with provenance.
type Env map[string]Setting

// Get returns a variable's value ("" when unset).
func (e Env) Get(name string) string { return e[name].Value }

// List returns the environment as KEY=VALUE pairs, sorted.
func (e Env) List() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v.Value)
	}
	sort.Strings(out)
	return out
}

func (e Env) clone() Env {
	c := make(Env, len(e))
	for k, v := range e {
		c[k] = v
	}
	return c
}

func (e Env) set(name, value string, prov sources.Provenance) {
	old, had := e[name]
	s := Setting{Value: value, Prov: prov}
	if had {
		s.Replaced = append([]Setting{{Value: old.Value, Prov: old.Prov, Uncertain: old.Uncertain}}, old.Replaced...)
	}
	e[name] = s
}

// Layer is one step that builds a consumer's environment.
type Layer struct {
	Name    string // e.g. "process env", "go.toolsEnvVars", "http.proxy"
	Entries []sources.EnvEntry
	Unset   []string // variables the layer removes
	// Removed are the entries that became Unset, with their provenance (the
	// trust boundary needs to know who removed a variable).
	Removed []sources.EnvEntry
}

// Candidate is one source cmd/go would consult for a variable.
type Candidate struct {
	Value string
	Prov  sources.Provenance
	// Used is true for the candidate that supplied the effective value.
	Used bool
	// Empty marks a present-but-empty environment value, which cmd/go treats as unset.
	Empty bool
}

// Value is a variable's effective value for one consumer.
type Value struct {
	Name  string
	Value string
	Prov  sources.Provenance
	// Chain lists every source that holds the variable, highest precedence first.
	Chain     []Candidate
	Uncertain bool
	// Note explains a value that is not simply read from a source.
	Note string
}

// Consumer is one process that runs the go command for the folder.
type Consumer struct {
	Name   string
	Layers []Layer
	Env    Env
	Vars   map[string]Value
	// GoEnvPath is the GOENV file this consumer's go reads ("" when off or unknown).
	GoEnvPath string
	GoEnvOff  bool
	GoEnvErr  error
	// GOROOT is the effective GOROOT (what go env prints).
	GOROOT string
	// GoEnvGOROOT is the root whose go.env this consumer's go reads: a
	// GOROOT line in the GOENV file wins over the environment's GOROOT here.
	GoEnvGOROOT string
	// Unconfirmed says why go env did not confirm the values ("" when it
	// did, or was not asked).
	Unconfirmed string
	// Origin is set for a consumer modelled from a build or CI file.
	Origin *Origin
	// truncated: the consumer took MaxBuildSettings settings and left the rest.
	truncated bool
}

// Var returns the effective value of a modelled variable.
func (c *Consumer) Var(name string) Value { return c.Vars[name] }

// Resolve models every consumer of the snapshot's folder.
func Resolve(s *sources.Snapshot) []*Consumer {
	r := resolver{s: s}
	var out []*Consumer
	terminal := r.terminal()
	gopls := r.gopls()
	tools := r.tools()
	install := r.install(tools)
	out = append(out, terminal, gopls, tools, install)
	out = append(out, r.debug()...)
	out = append(out, r.tasks(terminal)...)
	for _, c := range out {
		r.effective(c)
	}
	// The build consumers resolve their own values (buildEffective).
	return append(out, r.build()...)
}

type resolver struct{ s *sources.Snapshot }

// base is the process environment every consumer starts from.
func (r resolver) base(env map[string]string, uncertain func(string) bool) Env {
	e := make(Env, len(env))
	for k, v := range env {
		e[k] = Setting{Value: v, Prov: sources.Provenance{Source: sources.ProcessEnv, Key: k}, Uncertain: uncertain(k)}
	}
	return e
}

func (r resolver) processBase() Env {
	return r.base(r.s.ProcessEnv, func(string) bool { return false })
}

func (r resolver) terminalBase() Env {
	if r.s.TerminalEnv != nil {
		return r.shellOrigins(r.base(r.s.TerminalEnv, func(string) bool { return false }))
	}
	// Without a login-shell probe, the terminal's base is the captured
	// environment, but the variables vscode-go pinned there may be absent in a shell.
	return r.shellOrigins(r.base(r.s.ProcessEnv, func(k string) bool {
		return r.s.Options.VSCodeGoActive && contains(PinnedByVSCodeGo, k)
	}))
}

// shellOrigins traces the terminal's environment values to the shell
// start-up file line that exports them: when the last export of a
// variable in the files a new shell reads holds exactly the value the
// environment has, that line is its provenance (kind shell-rc) instead of
// "process environment". A value the files do not give stays the
// environment's.
func (r resolver) shellOrigins(e Env) Env {
	if r.s.Shell == nil {
		return e
	}
	for k, v := range e {
		if v.Uncertain {
			continue
		}
		if p, ok := r.s.Shell.Origin(k, v.Value); ok {
			v.Prov = p
			e[k] = v
		}
	}
	return e
}

func (r resolver) apply(c *Consumer, l Layer) {
	for _, e := range l.Entries {
		c.Env.set(e.Name, e.Value, e.Prov)
	}
	for _, name := range l.Unset {
		delete(c.Env, name)
	}
	c.Layers = append(c.Layers, l)
}

// merged merges an object setting key by key across user < workspace < folder.
// include filters which settings sources VS Code honours for the setting.
func (r resolver) merged(get func(*sources.Settings) []sources.EnvEntry, include func(*sources.Settings) bool) []sources.EnvEntry {
	byName := map[string]sources.EnvEntry{}
	var order []string
	for _, st := range r.s.SettingsLayers() {
		if !include(st) {
			continue
		}
		for _, e := range get(st) {
			if _, ok := byName[e.Name]; !ok {
				order = append(order, e.Name)
			}
			byName[e.Name] = e
		}
	}
	out := make([]sources.EnvEntry, 0, len(order))
	for _, n := range order {
		out = append(out, byName[n])
	}
	return out
}

func all(*sources.Settings) bool { return true }

// toolsEnvVars is go.toolsEnvVars (resource scope) after vscode-go's substitutions.
func (r resolver) toolsEnvVars() Layer {
	entries := r.merged(func(st *sources.Settings) []sources.EnvEntry { return st.Env("go.toolsEnvVars") }, all)
	for i, e := range entries {
		if e.Kind == sources.String {
			entries[i].Value = r.substitute(e.Value)
		}
	}
	return Layer{Name: "go.toolsEnvVars", Entries: entries}
}

// substitute applies vscode-go's substituteEnv and resolvePath (util.ts):
// one pass of /\${env:([^}]+)}/g with the name trimmed (an unset variable
// gives ""; substituted text is not scanned again), then the workspace folder
// variables, then a leading "~" joined to the home directory with Node's
// path.join, which normalizes.
func (r resolver) substitute(v string) string {
	v = envRef.ReplaceAllStringFunc(v, func(m string) string {
		return r.s.ProcessEnv[strings.TrimSpace(m[len("${env:"):len(m)-1])]
	})
	if strings.TrimSpace(v) == "" {
		return v
	}
	v = strings.ReplaceAll(v, "${workspaceFolder}", r.s.Folder)
	v = strings.ReplaceAll(v, "${workspaceRoot}", r.s.Folder)
	v = strings.ReplaceAll(v, "${workspaceFolderBasename}", filepath.Base(r.s.Folder))
	if strings.HasPrefix(v, "~") {
		if home := r.s.ProcessEnv["HOME"]; home != "" {
			v = nodeJoin(home, v[1:])
		}
	}
	return v
}

var envRef = regexp.MustCompile(`\$\{env:([^}]+)\}`)

// nodeJoin is Node's POSIX path.join(a, b): empty segments are skipped, the
// result is normalized, and a trailing "/" is kept.
func nodeJoin(a, b string) string {
	joined := a
	if b != "" {
		joined = a + "/" + b
	}
	out := path.Clean(joined)
	if strings.HasSuffix(joined, "/") && out != "/" {
		out += "/"
	}
	return out
}

// httpProxy is vscode-go's bridge of http.proxy (application scope: user
// settings only) into the four proxy variables.
func (r resolver) httpProxy() Layer {
	l := Layer{Name: "http.proxy"}
	u := r.s.User
	v, m := u.String("http.proxy")
	if v == "" {
		return l
	}
	prov := u.Prov("http.proxy", m)
	for _, name := range []string{"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"} {
		l.Entries = append(l.Entries, sources.EnvEntry{Name: name, Value: v, Kind: sources.String, Prov: prov})
	}
	return l
}

// terminalEnv is terminal.integrated.env.<os>: window scope (ignored in
// multi-root folder settings) and restricted (ignored from the workspace when
// it is not trusted). null deletes a variable, as does any other non-string
// value (mergeEnvironments keeps strings only).
func (r resolver) terminalEnv() Layer {
	key := "terminal.integrated.env." + r.s.Options.OSFlavour
	entries := r.merged(func(st *sources.Settings) []sources.EnvEntry { return st.Env(key) }, func(st *sources.Settings) bool {
		switch st.Kind {
		case sources.VSCodeFolder:
			return false
		case sources.VSCodeWorkspace:
			return r.s.Options.Trusted
		}
		return true
	})
	return unsetIf(Layer{Name: key, Entries: r.resolveVariables(entries)}, notString)
}

// resolveVariables applies VS Code's own variable resolver, which runs on
// terminal.integrated.env, launch.json and tasks.json before any process
// starts: ${env:NAME} reads VS Code's environment (not the terminal's),
// ${workspaceFolder}, ${workspaceFolderBasename}, ${userHome}, ${pathSeparator}.
func (r resolver) resolveVariables(entries []sources.EnvEntry) []sources.EnvEntry {
	out := make([]sources.EnvEntry, len(entries))
	sep := "/"
	if r.s.Options.GOOS == "windows" {
		sep = `\`
	}
	home := r.s.ProcessEnv["HOME"]
	if r.s.Options.GOOS == "windows" {
		home = r.s.ProcessEnv["USERPROFILE"]
	}
	repl := strings.NewReplacer(
		"${workspaceFolder}", r.s.Folder, "${workspaceRoot}", r.s.Folder,
		"${workspaceFolderBasename}", filepath.Base(r.s.Folder),
		"${userHome}", home, "${pathSeparator}", sep, "${/}", sep,
	)
	for i, e := range entries {
		if e.Kind == sources.String {
			e.Value = repl.Replace(envRef.ReplaceAllStringFunc(e.Value, func(m string) string {
				return r.s.ProcessEnv[strings.TrimSpace(m[len("${env:"):len(m)-1])]
			}))
		}
		out[i] = e
	}
	return out
}

func (r resolver) terminal() *Consumer {
	c := &Consumer{Name: "terminal", Env: r.terminalBase()}
	c.Layers = append(c.Layers, Layer{Name: "process env"})
	r.apply(c, r.terminalEnv())
	return c
}

func (r resolver) gopls() *Consumer {
	c := &Consumer{Name: "gopls", Env: r.processBase()}
	c.Layers = append(c.Layers, Layer{Name: "process env"})
	r.apply(c, r.toolsEnvVars())
	r.apply(c, r.httpProxy())
	r.apply(c, Layer{Name: "gopls.build.env", Entries: r.merged((*sources.Settings).GoplsBuildEnv, all)})
	return c
}

func (r resolver) tools() *Consumer {
	c := &Consumer{Name: "tools", Env: r.processBase()}
	c.Layers = append(c.Layers, Layer{Name: "process env"})
	r.apply(c, r.toolsEnvVars())
	r.apply(c, r.httpProxy())
	return c
}

// install is vscode-go's toolInstallationEnvironment (goEnv.ts).
func (r resolver) install(tools *Consumer) *Consumer {
	c := &Consumer{Name: "install", Env: tools.Env.clone(), Layers: append([]Layer{}, tools.Layers...)}
	r.apply(c, Layer{
		Name:    "tool installation",
		Entries: []sources.EnvEntry{{Name: "GOTOOLCHAIN", Value: "auto", Kind: sources.String, Prov: sources.Provenance{Source: sources.Derived, Key: "GOTOOLCHAIN"}}},
		Unset:   []string{"GOOS", "GOARCH", "GOROOT", "GOFLAGS", "GOENV", "GO111MODULE"},
	})
	return c
}

// debug models dlv-dap launches: toolsEnvVars + http.proxy ← envFile ← env.
func (r resolver) debug() []*Consumer {
	var out []*Consumer
	for _, lc := range r.s.Launch.LaunchConfigs() {
		c := &Consumer{Name: "debug:" + lc.Name, Env: r.processBase()}
		c.Layers = append(c.Layers, Layer{Name: "process env"})
		r.apply(c, unsetIf(r.toolsEnvVars(), isNull))
		r.apply(c, r.httpProxy())
		// Each envFile's ${VAR} sees its own earlier lines, then the tool
		// environment — not the other env files (parseEnvFiles).
		tools := c.Env.clone()
		for _, f := range lc.EnvFile {
			path := r.substitute(f)
			if !filepath.IsAbs(path) {
				path = filepath.Join(r.s.Folder, path)
			}
			content, err := r.s.ReadFile(path)
			if err != nil {
				continue
			}
			r.apply(c, Layer{Name: "envFile", Entries: sources.ParseDotEnv(path, sources.Launch, "envFile", content, tools.Get)})
		}
		r.apply(c, unsetIf(Layer{Name: "launch.json env", Entries: r.resolveVariables(lc.Env)}, isNull))
		out = append(out, c)
	}
	return out
}

// unsetIf turns the entries whose kind matches into removals. The debug env
// (tool env, envFile, launch env) reaches delve as launch arguments, and
// delve unsets a variable whose value is null (os.Unsetenv) before it builds;
// VS Code's terminal (and so every task) deletes a variable whose value is
// not a string.
func unsetIf(l Layer, drop func(sources.ValueKind) bool) Layer {
	out := Layer{Name: l.Name, Unset: l.Unset}
	for _, e := range l.Entries {
		if drop(e.Kind) {
			out.Unset = append(out.Unset, e.Name)
			out.Removed = append(out.Removed, e)
			continue
		}
		out.Entries = append(out.Entries, e)
	}
	return out
}

func isNull(k sources.ValueKind) bool    { return k == sources.Null }
func notString(k sources.ValueKind) bool { return k != sources.String }

// tasks models tasks.json tasks that set options.env. A "go" task adds the
// tool environment to the terminal's; shell and process tasks do not.
func (r resolver) tasks(terminal *Consumer) []*Consumer {
	var out []*Consumer
	for _, t := range r.s.Tasks.Tasks() {
		c := &Consumer{Name: "task:" + t.Label, Env: terminal.Env.clone(), Layers: append([]Layer{}, terminal.Layers...)}
		// The task's env reaches VS Code's terminal as shellLaunchConfig.env,
		// whose non-string values delete the variable (mergeEnvironments).
		if t.Type == "go" {
			r.apply(c, unsetIf(r.toolsEnvVars(), notString))
			r.apply(c, r.httpProxy())
		}
		r.apply(c, unsetIf(Layer{Name: "tasks.json options.env", Entries: r.resolveVariables(t.Env)}, notString))
		out = append(out, c)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
