package rules

import (
	"net"
	"sort"
	"strings"
	"unsafe"

	"golang.org/x/net/publicsuffix"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// place is where a finding goes: a span of a file, or the environment (File "").
type place struct {
	File string
	Span sources.Span
}

// valuePlace is the value a provenance points at; an empty value (a GOENV
// file's "GOPROXY=") is shown on its key so that it stays visible.
func valuePlace(p sources.Provenance) place {
	if p.File == "" || p.ValueSpan.End == 0 && p.KeySpan.End == 0 {
		return place{}
	}
	if p.ValueSpan.Start == p.ValueSpan.End {
		return place{p.File, p.KeySpan}
	}
	return place{p.File, p.ValueSpan}
}

// keyPlace is the key a provenance points at (its value when it has no key).
func keyPlace(p sources.Provenance) place {
	if p.File == "" {
		return place{}
	}
	if p.KeySpan.End > p.KeySpan.Start {
		return place{p.File, p.KeySpan}
	}
	return valuePlace(p)
}

// subPlace is the part [start, end) of value where value is what the
// provenance's value span holds: the raw bytes of a GOENV file line, or a JSON
// string without escapes. When the file's text is not the value verbatim
// (escapes, ${env:} substitution) the whole value span is used.
func (in *Input) subPlace(p sources.Provenance, value string, start, end int) place {
	pl := valuePlace(p)
	if pl.File == "" || p.ValueSpan.End <= p.ValueSpan.Start {
		return pl
	}
	content := in.content(p.File)
	vs := p.ValueSpan
	if content == nil || vs.End > len(content) {
		return pl
	}
	switch in.verbatim(p.File, vs, content, value) {
	case verbatimRaw:
		return place{p.File, sources.Span{Start: vs.Start + start, End: vs.Start + end}}
	case verbatimQuoted:
		return place{p.File, sources.Span{Start: vs.Start + 1 + start, End: vs.Start + 1 + end}}
	}
	return pl
}

// How a value span holds a value: as its raw bytes, as a JSON string
// without escapes, or neither.
const (
	verbatimNo byte = iota + 1
	verbatimRaw
	verbatimQuoted
)

type verbatimKey struct {
	file  string
	span  sources.Span
	value *byte // the value's memory: every consumer shares one string
	n     int
}

// verbatim compares the span's bytes with value once per span and value:
// rules ask for every entry of a list, and comparing a 1 MB value once per
// entry would be quadratic.
func (in *Input) verbatim(file string, vs sources.Span, content []byte, value string) byte {
	k := verbatimKey{file, vs, unsafe.StringData(value), len(value)}
	if v, ok := in.verbatims[k]; ok {
		return v
	}
	raw := content[vs.Start:vs.End]
	v := verbatimNo
	switch {
	case string(raw) == value:
		v = verbatimRaw
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && string(raw[1:len(raw)-1]) == value:
		v = verbatimQuoted
	}
	if in.verbatims == nil {
		in.verbatims = map[verbatimKey]byte{}
	}
	in.verbatims[k] = v
	return v
}

// content returns the text of a file the snapshot has read.
func (in *Input) content(file string) []byte {
	s := in.Snap
	for _, st := range s.SettingsLayers() {
		if st.Path == file {
			return st.Content
		}
	}
	for _, f := range []*sources.JSONCFile{s.Launch, s.Tasks} {
		if f != nil && f.Path == file {
			return f.Content
		}
	}
	for _, m := range []*sources.ModFile{s.GoMod, s.GoWork} {
		if m != nil && m.Path == file {
			return m.Content
		}
	}
	for _, f := range s.EnvFiles() {
		if f.Path == file && f.Exists {
			return f.Content
		}
	}
	return nil
}

// finding builds a finding at a place.
func finding(pl place, msg string, consumers []string) Finding {
	return Finding{File: pl.File, Span: pl.Span, Message: msg, Consumers: consumers}
}

// related points at the other side of a finding, when it is in a file.
func related(p sources.Provenance, msg string) []Related {
	pl := valuePlace(p)
	if pl.File == "" {
		return nil
	}
	return []Related{{File: pl.File, Span: pl.Span, Message: msg}}
}

// where names the source of a value for a message: the setting's key path for
// settings, launch and tasks files, else the source in words a user knows
// (never an internal kind such as goenv-file).
func where(p sources.Provenance, name string) string {
	switch p.Source {
	case "", sources.Default:
		return "the default"
	case sources.ProcessEnv:
		return "the process environment"
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
	key := strings.TrimSuffix(p.Key, "."+name)
	switch p.Source {
	case sources.Launch:
		return "launch.json " + key
	case sources.Tasks:
		return "tasks.json " + key
	}
	return key
}

// overlay reports whether a source applies to some consumers only (settings,
// launch and tasks files, values derived by vscode-go), as opposed to the
// base every consumer shares (environment, GOENV file, go.env, defaults).
func overlay(k sources.Kind) bool {
	switch k {
	case sources.ProcessEnv, sources.GoEnvFile, sources.GorootGoEnv, sources.Default, "":
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

// andList joins names as "a", "a and b", "a, b and c".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// forConsumers is " for a and b", or "" when no consumer is affected.
func forConsumers(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " for " + andList(names)
}

// groups collects consumers under keys, keeping first-seen order, so that a
// rule emits one finding per place and lists every consumer it affects.
type groups[T any] struct {
	order    []string
	m        map[string]*group[T]
	perValue map[string]int // places added per value (addEntry)
}

type group[T any] struct {
	val       T
	consumers []string
}

// Bounds on the places one rule reports in one run. A value with 100,000
// entries must not cost 100,000 findings, each with a fix that rewrites the
// whole value: quadratic time and memory from a 200 KB settings file. Rules
// that report entries of a list (addEntry) stop at maxEntryPlaces per
// value; maxPlaces is the safety net for everything else.
const (
	maxPlaces      = 1000
	maxEntryPlaces = 20
)

// accepts reports whether addEntry would keep key for the value valueKey:
// a place already held, or room for a new one. Rules check it before
// building anything costly for an entry.
func (g *groups[T]) accepts(valueKey, key string) bool {
	_, ok := g.m[key]
	return ok || len(g.order) < maxPlaces && g.perValue[valueKey] < maxEntryPlaces
}

// addEntry is add for a place inside a list value (valueKey: provKey of
// the value), at most maxEntryPlaces places per value.
func (g *groups[T]) addEntry(valueKey, key string, val T, consumer string) {
	if !g.accepts(valueKey, key) {
		return
	}
	if _, ok := g.m[key]; !ok {
		if g.perValue == nil {
			g.perValue = map[string]int{}
		}
		g.perValue[valueKey]++
	}
	g.add(key, val, consumer)
}

func (g *groups[T]) add(key string, val T, consumer string) {
	if g.m == nil {
		g.m = map[string]*group[T]{}
	}
	gr, ok := g.m[key]
	if !ok {
		if len(g.order) >= maxPlaces {
			return
		}
		gr = &group[T]{val: val}
		g.m[key] = gr
		g.order = append(g.order, key)
	}
	for _, c := range gr.consumers {
		if c == consumer {
			return
		}
	}
	gr.consumers = append(gr.consumers, consumer)
}

func (g *groups[T]) each(fn func(val T, consumers []string)) {
	for _, k := range g.order {
		gr := g.m[k]
		fn(gr.val, gr.consumers)
	}
}

// placeKey identifies a place in a map key.
func placeKey(pl place) string {
	return pl.File + "\x00" + itoa(pl.Span.Start) + "\x00" + itoa(pl.Span.End)
}

// provKey identifies where a value was set: its place in a file, or its
// source kind and key for values without a file.
func provKey(p sources.Provenance) string {
	if pl := valuePlace(p); pl.File != "" {
		return placeKey(pl)
	}
	return string(p.Source) + "\x00" + p.Key
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

// publicCodeHosts are hosts where anyone has repositories: a module there is
// never "own" because the main module is there too.
var publicCodeHosts = []string{
	"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "git.sr.ht", "sr.ht",
	"launchpad.net", "gopkg.in", "dev.azure.com", "visualstudio.com", "huggingface.co", "golang.org",
	"go.googlesource.com", "googlesource.com", "k8s.io", "sigs.k8s.io", "go.uber.org", "google.golang.org",
	"cloud.google.com", "go.opentelemetry.io", "go.etcd.io", "honnef.co", "mvdan.cc", "rsc.io",
}

func isPublicCodeHost(host string) bool {
	host = strings.ToLower(host)
	if contains(publicCodeHosts, host) {
		return true
	}
	// Per-organisation subdomains of shared hosting (<org>.visualstudio.com, <x>.googlesource.com).
	return strings.HasSuffix(host, ".visualstudio.com") || strings.HasSuffix(host, ".googlesource.com")
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
		if strings.Contains(host, ".") && !isPublicCodeHost(host) {
			own[registrable(host)] = "the main module's domain"
		}
	}
	for _, c := range in.Consumers {
		for _, name := range []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB"} {
			for _, p := range goenv.SplitPatterns(c.Vars[name].Value) {
				h := p.SampleHost()
				if h == "" || isPublicCodeHost(h) {
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
			if s, ok := c.Env[name]; ok && s.Prov.Source == sources.ProcessEnv && s.Value == value {
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
