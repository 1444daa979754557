package rules

import (
	"net"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// where names the source of a value for a message: the setting's key path for
// settings, launch and tasks files, else the source in words a user knows
// (never an internal kind such as goenv-file).
func where(p sources.Provenance, name string) string {
	switch p.Source {
	case "", sources.Default:
		return "the default"
	case sources.ProcessEnv:
		return "the process environment"
	case sources.ShellRC:
		return "the process environment, exported by " + shellLine(p)
	case sources.GoEnvFile:
		return "your go env -w file"
	case sources.GorootGoEnv:
		return "the Go installation's go.env"
	case sources.Derived:
		if p.Key == "GOTOOLCHAIN" {
			return "tool installation"
		}
		return "set by vscode-go"
	}
	switch p.Source {
	case sources.DockerfileKind:
		// "builder ENV GOPROXY": the builder stage of Dockerfile (ENV).
		if stage, rest, ok := strings.Cut(p.Key, " "); ok {
			return "the " + stage + " stage of " + filepath.Base(p.File) + " (" + strings.TrimSuffix(rest, " "+name) + ")"
		}
		return filepath.Base(p.File)
	case sources.ComposeKind, sources.DevContainer, sources.GitHubActions, sources.GitLabCI:
		return filepath.Base(p.File) + " " + strings.TrimSuffix(p.Key, "."+name)
	}
	key := strings.TrimSuffix(p.Key, "."+name)
	switch p.Source {
	case sources.Launch:
		return "launch.json " + key
	case sources.Tasks:
		return "tasks.json " + key
	}
	return key
}

// buildSetting is a setting of a build file with the consumers whose
// environment holds it.
type buildSetting struct {
	sources.EnvEntry
	consumers []string
}

// buildSettings lists what Dockerfiles, dev containers and CI files set,
// once per place, in the consumers' layer order, each with the consumers
// holding it (in the consumers' order, as consumersWithEntry gives them):
// one pass over the build consumers' environments, made once per run.
func (in *Input) buildSettings() []buildSetting {
	if in.builds != nil {
		return *in.builds
	}
	type place struct {
		name, file string
		key        sources.Span
	}
	holders := map[place][]string{}
	for _, c := range in.Consumers {
		if c.Origin == nil {
			continue
		}
		for name, st := range c.Env {
			if st.Prov.File != "" {
				k := place{name, st.Prov.File, st.Prov.KeySpan}
				holders[k] = append(holders[k], c.Name)
			}
		}
	}
	out := []buildSetting{}
	seen := map[place]bool{}
	for _, c := range in.Consumers {
		if c.Origin == nil {
			continue
		}
		for _, l := range c.Layers {
			for _, e := range l.Entries {
				k := place{e.Name, e.Prov.File, e.Prov.KeySpan}
				if e.Prov.File == "" || seen[k] {
					continue
				}
				seen[k] = true
				out = append(out, buildSetting{e, holders[k]})
			}
		}
	}
	in.builds = &out
	return out
}

// buildFile reports whether values of this kind come from a Dockerfile,
// compose file, dev container or CI file: no fix edits those yet.
func buildFile(k sources.Kind) bool {
	switch k {
	case sources.DockerfileKind, sources.ComposeKind, sources.DevContainer, sources.GitHubActions, sources.GitLabCI:
		return true
	}
	return false
}

// overlay reports whether a source applies to some consumers only (settings,
// launch and tasks files, values derived by vscode-go), as opposed to the
// base every consumer shares (environment, GOENV file, go.env, defaults).
func overlay(k sources.Kind) bool {
	switch k {
	case sources.ProcessEnv, sources.ShellRC, sources.GoEnvFile, sources.GorootGoEnv, sources.Default, "":
		return false
	}
	return true
}

// quote quotes a value for a message, credentials masked, cut to
// clip.MaxValue characters (a 5 MB value must not make a 5 MB message) and
// shown as it is, without escaped quotes (clip.Quote).
func quote(v string) string { return clip.Quote(redact.RedactText(v)) }

// shown is a value for a message: quoted, or "unset" for a default empty value.
func shown(v string, p sources.Provenance) string {
	if v == "" && (p.Source == sources.Default || p.Source == "") {
		return "unset"
	}
	return quote(v)
}

// consumersWithEntry lists the consumers whose final environment holds the
// variable as set at p (same file and key span): a later layer that
// overrides or removes it takes the consumer off the list.
func (in *Input) consumersWithEntry(name string, p sources.Provenance) []string {
	var out []string
	for _, c := range in.Consumers {
		if s, ok := c.Env[name]; ok && s.Prov.File == p.File && s.Prov.KeySpan == p.KeySpan {
			out = append(out, c.Name)
		}
	}
	return out
}

// consumersWithLayer lists the consumers built with a layer of that name.
func (in *Input) consumersWithLayer(name string) []string {
	var out []string
	for _, c := range in.Consumers {
		for _, l := range c.Layers {
			if l.Name == name {
				out = append(out, c.Name)
				break
			}
		}
	}
	return out
}

// consumersReading lists the consumers whose go reads the GOENV file at path.
func (in *Input) consumersReading(path string) []string {
	var out []string
	for _, c := range in.Consumers {
		if c.GoEnvPath == path && !c.GoEnvOff {
			out = append(out, c.Name)
		}
	}
	return out
}

// knownSumDBs are the checksum database names cmd/go has built-in keys for:
// the default named by each $GOROOT/go.env the snapshot read.
func (in *Input) knownSumDBs() []string {
	var out []string
	for _, f := range in.Snap.EnvFiles() {
		if f.Kind != sources.GorootGoEnv {
			continue
		}
		if l, ok := f.Lookup("GOSUMDB"); ok {
			if n := goenv.DefaultSumDBName(l.Value); n != "" && !contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// effectiveVar returns the value net/http or git would use for a network
// variable with an upper- and lower-case form (upper case wins when non-empty).
func effectiveVar(c *resolve.Consumer, upper, lower string) resolve.Value {
	if v := c.Vars[upper]; v.Value != "" {
		return v
	}
	if v := c.Vars[lower]; v.Value != "" {
		return v
	}
	return c.Vars[upper]
}

// registrable is a host's registrable domain (eTLD+1, golang.org/x/net/publicsuffix),
// or the host itself when it has none (IP addresses, single labels).
func registrable(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// internalHost reports whether a host can only be an internal one: a private
// or link-local IP address, or a name under a top-level domain no public
// registry serves (".corp", ".internal", ".lan", single labels).
func internalHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return ip.IsPrivate() || ip.IsLinkLocalUnicast()
	}
	suffix, icann := publicsuffix.PublicSuffix(host)
	return !icann && !strings.Contains(suffix, ".")
}

// ownDomains are the registrable domains the user's own modules live under:
// the main module's host (unless it is a public code host) and the hosts named
// by any consumer's GOPRIVATE, GONOPROXY or GONOSUMDB patterns.
func (in *Input) ownDomains() map[string]string {
	own := map[string]string{} // registrable domain -> why
	if m := in.Snap.GoMod; m != nil && m.Module != "" {
		host, _, _ := strings.Cut(m.Module, "/")
		if strings.Contains(host, ".") && !goenv.IsPublicCodeHost(host) {
			own[registrable(host)] = "the main module's domain"
		}
	}
	for _, c := range in.Consumers {
		for _, name := range []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB"} {
			for _, p := range goenv.SplitPatterns(c.Vars[name].Value) {
				h := p.SampleHost()
				if h == "" || goenv.IsPublicCodeHost(h) {
					continue
				}
				d := registrable(h)
				if _, ok := own[d]; !ok {
					own[d] = "a domain marked private in " + name
				}
			}
		}
	}
	return own
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// eachEnvSetting calls fn for every variable a file sets in an environment
// layer: go.toolsEnvVars, gopls build.env and terminal.integrated.env.* in
// each settings file, launch.json and tasks.json env, and the lines of the
// GOENV file (goenvFile true) — the places a variable name is typed by hand.
func (in *Input) eachEnvSetting(fn func(name, setting string, p sources.Provenance, consumers []string, goenvFile bool)) {
	for _, st := range in.Snap.SettingsLayers() {
		for _, e := range st.Env("go.toolsEnvVars") {
			fn(e.Name, "go.toolsEnvVars", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
		for _, e := range st.GoplsBuildEnv() {
			fn(e.Name, "gopls build.env", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
		for _, os := range []string{"linux", "osx", "windows"} {
			key := "terminal.integrated.env." + os
			for _, e := range st.Env(key) {
				fn(e.Name, key, e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
			}
		}
	}
	for _, lc := range in.Snap.Launch.LaunchConfigs() {
		for _, e := range lc.Env {
			fn(e.Name, "launch.json", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
	}
	for _, t := range in.Snap.Tasks.Tasks() {
		for _, e := range t.Env {
			fn(e.Name, "tasks.json", e.Prov, in.consumersWithEntry(e.Name, e.Prov), false)
		}
	}
	// What Dockerfiles, dev containers and CI files set, once per place.
	for _, e := range in.buildSettings() {
		// A copy: findings merge their consumer lists by appending.
		fn(e.Name, where(e.Prov, e.Name), e.Prov, append([]string(nil), e.consumers...), false)
	}
	for _, f := range in.Snap.EnvFiles() {
		if f.Kind != sources.GoEnvFile || !f.Exists {
			continue
		}
		consumers := in.consumersReading(f.Path)
		for _, l := range f.Lines {
			if l.Valid {
				fn(l.Key, "the GOENV file", f.Prov(l), consumers, true)
			}
		}
	}
}

// eachOSEnvName calls fn for every variable name in the modelled process
// environment and the login shell's (when probed), sorted, with where it is
// ("your environment", "your login shell's environment", or both when they
// hold the same value) and the consumers that inherit it from there.
func (in *Input) eachOSEnvName(fn func(name, where string, consumers []string)) {
	names := map[string]bool{}
	for k := range in.Snap.ProcessEnv {
		names[k] = true
	}
	for k := range in.Snap.TerminalEnv {
		names[k] = true
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	inherit := func(name, value string) []string {
		var out []string
		for _, c := range in.Consumers {
			if s, ok := c.Env[name]; ok && s.Prov.Source.FromEnvironment() && s.Value == value {
				out = append(out, c.Name)
			}
		}
		return out
	}
	for _, name := range sorted {
		pv, inP := in.Snap.ProcessEnv[name]
		tv, inT := in.Snap.TerminalEnv[name]
		switch {
		case inP && inT && pv == tv:
			fn(name, "your environment and your login shell's environment", inherit(name, pv))
		default:
			if inP {
				fn(name, "your environment", inherit(name, pv))
			}
			if inT {
				fn(name, "your login shell's environment", inherit(name, tv))
			}
		}
	}
}

// eachSetPattern calls fn for every pattern in each consumer's value of the
// list variables names (i is the name's index), where that value was set
// somewhere: GONOPROXY and GONOSUMDB defaulting to GOPRIVATE are GOPRIVATE's
// patterns, reported there.
func (in *Input) eachSetPattern(names []string, fn func(c *resolve.Consumer, i int, v resolve.Value, p goenv.Pattern)) {
	for _, c := range in.Consumers {
		for i, name := range names {
			v := c.Vars[name]
			if v.Prov.Source == sources.Default {
				continue
			}
			for _, p := range goenv.SplitPatterns(v.Value) {
				fn(c, i, v, p)
			}
		}
	}
}

// shellLine names a shell start-up file line for a message.
func shellLine(p sources.Provenance) string {
	return p.File + ":" + itoa(p.Line)
}
