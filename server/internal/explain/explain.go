// Package explain answers "which value does each process use here, and
// why" from an engine.Result: for a variable entry in a settings file, a
// .code-workspace, launch/tasks env or the GOENV file, the effective value
// for each consumer the entry reaches, which layer wins and which it
// shadows; for a GOPROXY value its parsed list with the separators'
// meaning; for a go.mod requirement its route per consumer, computed by the
// routing Verify uses; and, when a Verify run is at hand, its outcome. It
// runs nothing and reads nothing beyond the result: the language server's
// hover and inlay hints and the CLI's explain command share it. Every
// value it returns is redacted.
package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// Entry is one place that sets a variable.
type Entry struct {
	// Value is redacted.
	Value  string       `json:"value"`
	Source sources.Kind `json:"source"`
	File   string       `json:"file,omitempty"`
	Line   int          `json:"line,omitempty"`
	Key    string       `json:"key,omitempty"`
	// Empty is a present-but-empty environment value, which cmd/go treats
	// as unset.
	Empty bool `json:"empty,omitempty"`
	// Removed is a null (or non-string) value: the layer removes the
	// variable from the process environment.
	Removed bool `json:"removed,omitempty"`

	prov sources.Provenance
	raw  string // unredacted, for parsing only
	// standIn marks this machine's $GOROOT/go.env read for a build or CI
	// consumer, standing in for the image's or runner's.
	standIn bool
	// declares marks a Dockerfile ARG without a default, which admits into
	// its stage (of index stage) the value the build supplies.
	declares bool
	stage    int
}

// Roles of an explained entry for one consumer.
const (
	RoleWins     = "wins"
	RoleShadowed = "shadowed"
	RoleRemoves  = "removes"
	RoleEmpty    = "empty"
	// RoleDeclares: a Dockerfile ARG without a default, which lets the
	// value the build supplies into its stage.
	RoleDeclares = "declares"
)

// ConsumerVar is one consumer's view of a variable.
type ConsumerVar struct {
	Consumer string `json:"consumer"`
	// Value is the effective value (redacted).
	Value     string `json:"value"`
	Uncertain bool   `json:"uncertain,omitempty"`
	Note      string `json:"note,omitempty"`
	// Unconfirmed says why go env did not confirm the consumer's values.
	Unconfirmed string `json:"unconfirmed,omitempty"`
	// Winner is where the effective value comes from.
	Winner Entry `json:"winner"`
	// Role is what the explained entry does for this consumer (RoleWins,
	// RoleShadowed, RoleRemoves, RoleEmpty); "" when no entry is explained.
	Role string `json:"role,omitempty"`
	// Shadowed are the entries the winner masks, highest precedence first.
	Shadowed []Entry `json:"shadowed,omitempty"`
}

// ProxyStep is one entry of a parsed GOPROXY list.
type ProxyStep struct {
	Index int    `json:"index"` // 1-based
	Entry string `json:"entry"` // redacted
	Kind  string `json:"kind"`  // url, direct or off
	// Sep is the separator after the entry: ",", "|" or "" at the end.
	Sep string `json:"sep,omitempty"`
	// Then says what cmd/go does after this entry.
	Then    string `json:"then"`
	Ignored bool   `json:"ignored,omitempty"`
	Error   string `json:"error,omitempty"`
	// Verify is the last Verify run's answer for the entry (nil: none).
	Verify *ProxyVerify `json:"verify,omitempty"`
}

// ProxyVerify is a Verify run's status of one proxy entry.
type ProxyVerify struct {
	Status    string  `json:"status"`
	LatencyMs float64 `json:"latencyMs"`
	Error     string  `json:"error,omitempty"`
}

// ProxyList is one GOPROXY value, parsed.
type ProxyList struct {
	Value     string      `json:"value"` // redacted
	Consumers []string    `json:"consumers,omitempty"`
	Steps     []ProxyStep `json:"steps"`
	Error     string      `json:"error,omitempty"`
}

// VarAnswer explains a variable.
type VarAnswer struct {
	Name string `json:"name"`
	// Entry is the explained entry (nil: the variable as a whole).
	Entry *Entry `json:"entry,omitempty"`
	// Consumers are the consumers the entry reaches (all, without an entry).
	Consumers []ConsumerVar `json:"consumers"`
	// Others are the consumers the entry does not reach whose value
	// differs from it.
	Others []ConsumerVar `json:"others,omitempty"`
	// NotRead says why no consumer reads the entry.
	NotRead string `json:"notRead,omitempty"`
	// GOPROXY lists the parsed GOPROXY values (GOPROXY only).
	GOPROXY []ProxyList `json:"goproxy,omitempty"`
	// Patterns are the pattern list values with what each pattern matches
	// (GOPRIVATE, GONOPROXY, GONOSUMDB, GOINSECURE).
	Patterns []PatternList `json:"patterns,omitempty"`
}

// Answer is what explain knows about one place or name.
type Answer struct {
	Var    *VarAnswer    `json:"var,omitempty"`
	Module *ModuleAnswer `json:"module,omitempty"`
	// File and Span locate the explained token (hover's range).
	File string       `json:"-"`
	Span sources.Span `json:"-"`
}

// Query locates a position in a folder's result.
type Query struct {
	Res *engine.Result
	// Verified is the folder's last Verify result (nil: none).
	Verified *verify.Result
	// File is the path, spelled as Norm spells it; Offset a byte offset
	// into the content the result's snapshot read.
	File   string
	Offset int
	// Norm normalises a path for comparison (nil: as is).
	Norm func(string) string
}

func (q Query) norm(p string) string {
	if q.Norm == nil {
		return p
	}
	return q.Norm(p)
}

// explained reports whether a variable name is one explain answers for:
// the variables the doctor models and the go command's own.
func explained(name string) bool {
	return slices.Contains(resolve.Modelled, name) || goenv.IsGoCommandVar(name)
}

// hit is the entry found at a position.
type hit struct {
	name  string
	entry Entry
	span  sources.Span
}

// At explains what is at q's position: a variable entry, or a requirement
// of a go.mod or go.work. It returns nil when there is nothing to explain.
func At(q Query) *Answer {
	if q.Res == nil || q.Res.Snapshot == nil {
		return nil
	}
	if a := moduleAt(q); a != nil {
		return a
	}
	h, ok := q.entryAt()
	if !ok {
		return nil
	}
	va := explainEntry(q.Res, q.Verified, h.name, &h.entry)
	return &Answer{Var: va, File: q.File, Span: h.span}
}

func contains(s sources.Span, off int) bool {
	return s.End > s.Start && s.Start <= off && off <= s.End
}

// entryAt finds the variable entry whose key or value holds q.Offset.
func (q Query) entryAt() (hit, bool) {
	var found hit
	ok := false
	try := func(name, value string, removed bool, p sources.Provenance) {
		if ok || !explained(name) || q.norm(p.File) != q.File {
			return
		}
		var span sources.Span
		switch {
		case contains(p.KeySpan, q.Offset):
			span = p.KeySpan
		case contains(p.ValueSpan, q.Offset):
			span = p.ValueSpan
		default:
			return
		}
		found = hit{name: name, entry: entryOf(value, removed, p), span: span}
		ok = true
	}
	for _, c := range q.Res.Consumers {
		for _, l := range c.Layers {
			for _, e := range l.Entries {
				try(e.Name, e.Value, false, e.Prov)
			}
			for _, e := range l.Removed {
				try(e.Name, e.Value, true, e.Prov)
			}
		}
		for name, v := range c.Vars {
			for _, cand := range v.Chain {
				try(name, cand.Value, false, cand.Prov)
			}
		}
	}
	if ok {
		return found, true
	}
	// Entries no consumer reads: another OS's terminal env, a restricted
	// or folder-scoped setting.
	s := q.Res.Snapshot
	for _, st := range s.SettingsLayers() {
		var lists [][]sources.EnvEntry
		for _, key := range []string{"go.toolsEnvVars", "terminal.integrated.env.linux", "terminal.integrated.env.osx", "terminal.integrated.env.windows"} {
			lists = append(lists, st.Env(key))
		}
		lists = append(lists, st.GoplsBuildEnv())
		for _, list := range lists {
			for _, e := range list {
				try(e.Name, e.Value, e.Kind == sources.Null, e.Prov)
			}
		}
	}
	for _, f := range s.EnvFiles() {
		for _, l := range f.Lines {
			try(l.Key, l.Value, false, f.Prov(l))
		}
	}
	// A Dockerfile's ENV and ARG lines no modelled stage reads: a stage
	// that runs no go command, a line after the go command.
	bf := buildenv.Of(s)
	yamlEntry := func(kind sources.Kind, file, key string, e buildenv.Setting) {
		try(e.Key, e.Value, false, sources.Provenance{Source: kind, File: file, Line: e.Line, Key: key + "." + e.Key, KeySpan: e.KeySpan, ValueSpan: e.ValueSpan})
	}
	// A workflow's env no job's go step reads: a job that runs no go
	// command, another step's env.
	for _, wf := range bf.Workflows {
		for _, e := range wf.Env {
			yamlEntry(sources.GitHubActions, wf.Path, "env", e)
		}
		for _, j := range wf.Jobs {
			for _, e := range j.Env {
				yamlEntry(sources.GitHubActions, wf.Path, "jobs."+j.ID+".env", e)
			}
			if j.Container != nil {
				for _, e := range j.Container.Env {
					yamlEntry(sources.GitHubActions, wf.Path, "jobs."+j.ID+".container.env", e)
				}
			}
			for _, st := range j.Steps {
				for _, e := range st.Env {
					yamlEntry(sources.GitHubActions, wf.Path, fmt.Sprintf("jobs.%s.steps[%d].env", j.ID, st.Index), e)
				}
			}
		}
	}
	// GitLab CI variables no job that runs go reads.
	for _, g := range bf.GitLab {
		for _, e := range g.Variables {
			yamlEntry(sources.GitLabCI, g.Path, "variables", e)
		}
		for _, j := range g.Jobs {
			for _, e := range j.Variables {
				yamlEntry(sources.GitLabCI, g.Path, j.Name+".variables", e)
			}
		}
	}
	for _, df := range bf.Dockerfiles {
		for _, e := range df.GlobalArgs {
			try(e.Key, e.Value, false, sources.Provenance{Source: sources.DockerfileKind, File: df.Path, Line: e.Line, Key: "ARG " + e.Key, KeySpan: e.KeySpan, ValueSpan: e.ValueSpan})
		}
		for _, st := range df.Stages {
			for _, e := range st.Env {
				if e.How == buildenv.DockerEnv || e.How == buildenv.DockerArg {
					p := sources.Provenance{Source: sources.DockerfileKind, File: df.Path, Line: e.Line, Key: st.Label() + " " + string(e.How) + " " + e.Key, KeySpan: e.KeySpan, ValueSpan: e.ValueSpan}
					try(e.Key, e.Value, false, p)
					if ok && e.How == buildenv.DockerArg && e.NoValue && sameProv(found.entry.prov, p) {
						found.entry.declares, found.entry.stage = true, st.Index
					}
				}
			}
		}
	}
	return found, ok
}

// entryOf is the entry of a value set at p; removed marks one that
// removes the variable (its value as written is kept).
func entryOf(value string, removed bool, p sources.Provenance) Entry {
	return Entry{Value: redact.RedactText(value), Source: p.Source, File: p.File, Line: p.Line, Key: p.Key, prov: p, raw: value, Removed: removed}
}

func sameProv(a, b sources.Provenance) bool {
	return a.Source == b.Source && a.File == b.File && a.KeySpan == b.KeySpan && a.Key == b.Key && a.Line == b.Line
}

// stack is every entry that holds name for c, highest precedence first,
// and the index of the one that supplies the effective value (-1: a default).
func stack(c *resolve.Consumer, name string) ([]Entry, int) {
	var out []Entry
	if s, ok := c.Env[name]; ok {
		for _, st := range append([]resolve.Setting{{Value: s.Value, Prov: s.Prov}}, s.Replaced...) {
			e := entryOf(st.Value, false, st.Prov)
			e.Empty = st.Value == ""
			out = append(out, e)
		}
	} else {
		// Removed by a layer (null): the latest removal.
		for i := len(c.Layers) - 1; i >= 0; i-- {
			if j := slices.IndexFunc(c.Layers[i].Removed, func(e sources.EnvEntry) bool { return e.Name == name }); j >= 0 {
				e := c.Layers[i].Removed[j]
				out = append(out, entryOf(e.Value, true, e.Prov))
				break
			}
		}
	}
	v, modelled := c.Vars[name]
	if modelled {
		for _, cand := range v.Chain {
			if cand.Prov.Source == sources.GoEnvFile || cand.Prov.Source == sources.GorootGoEnv {
				out = append(out, entryOf(cand.Value, false, cand.Prov))
			}
		}
	}
	used := -1
	for i, e := range out {
		if e.Removed {
			continue
		}
		if modelled && sameProv(e.prov, v.Prov) && v.Prov.Source != sources.Default {
			used = i
			break
		}
		if !modelled && !e.Empty {
			used = i
			break
		}
	}
	return out, used
}

// consumerVar is c's view of name, with the role of the explained entry (nil: none).
func consumerVar(c *resolve.Consumer, name string, at *Entry) ConsumerVar {
	st, used := stack(c, name)
	cv := ConsumerVar{Consumer: c.Name, Unconfirmed: c.Unconfirmed}
	if v, ok := c.Vars[name]; ok {
		// A note may quote what go env reported: a piece of a value.
		var values []string
		for _, cand := range v.Chain {
			values = append(values, cand.Value)
		}
		secrets := redact.Secrets(append(values, v.Value)...)
		cv.Value, cv.Uncertain, cv.Note = redact.RedactText(v.Value), v.Uncertain, redact.RedactKnown(v.Note, secrets)
	} else if used >= 0 {
		cv.Value = st[used].Value
	}
	if c.Origin != nil {
		for i := range st {
			st[i].standIn = st[i].Source == sources.GorootGoEnv
		}
	}
	if used >= 0 {
		cv.Winner = st[used]
		cv.Shadowed = st[used+1:]
	} else {
		v := c.Vars[name]
		cv.Winner = Entry{Value: cv.Value, Source: sources.Default, Key: name, prov: v.Prov}
		if v.Prov.Source != "" && v.Prov.Source != sources.Default {
			cv.Winner = entryOf(v.Value, false, v.Prov)
		}
		cv.Shadowed = st
	}
	if at != nil {
		switch {
		case at.declares:
			cv.Role = RoleDeclares
		case at.Removed:
			cv.Role = RoleRemoves
		case used >= 0 && sameProv(st[used].prov, at.prov):
			cv.Role = RoleWins
		case at.raw == "" && at.prov.Source != sources.GoEnvFile && at.prov.Source != sources.GorootGoEnv:
			cv.Role = RoleEmpty
		default:
			cv.Role = RoleShadowed
		}
	}
	return cv
}

// reaches reports whether the entry at p is one of c's inputs.
func reaches(c *resolve.Consumer, name string, p sources.Provenance) bool {
	for _, l := range c.Layers {
		for _, e := range l.Entries {
			if e.Name == name && sameProv(e.Prov, p) {
				return true
			}
		}
		for _, e := range l.Removed {
			if e.Name == name && sameProv(e.Prov, p) {
				return true
			}
		}
	}
	for _, cand := range c.Vars[name].Chain {
		if sameProv(cand.Prov, p) {
			return true
		}
	}
	return false
}

// isSettings reports whether a source is a VS Code settings layer.
func isSettings(k sources.Kind) bool {
	return k == sources.VSCodeUser || k == sources.VSCodeWorkspace || k == sources.VSCodeFolder
}

// mergedAway reports whether a settings entry at p would reach c but a
// more specific settings layer sets the same key: VS Code merges these
// object settings key by key, so the other entry replaced this one.
func mergedAway(c *resolve.Consumer, name string, p sources.Provenance) bool {
	if !isSettings(p.Source) {
		return false
	}
	for _, l := range c.Layers {
		for _, e := range append(slices.Clone(l.Entries), l.Removed...) {
			if e.Name == name && e.Prov.Key == p.Key && isSettings(e.Prov.Source) && e.Prov.File != p.File {
				return true
			}
		}
	}
	return false
}

func explainEntry(res *engine.Result, ver *verify.Result, name string, at *Entry) *VarAnswer {
	va := &VarAnswer{Name: name, Entry: at, Consumers: []ConsumerVar{}}
	for _, c := range res.Consumers {
		if reaches(c, name, at.prov) || mergedAway(c, name, at.prov) || declaredIn(c, at) {
			va.Consumers = append(va.Consumers, consumerVar(c, name, at))
			continue
		}
		if !comparable(c, at) {
			continue
		}
		if cv := consumerVar(c, name, nil); cv.Value != at.Value || at.Removed {
			va.Others = append(va.Others, cv)
		}
	}
	if len(va.Consumers) == 0 {
		va.NotRead = notRead(res.Snapshot, at)
	}
	if name == "GOPROXY" && !at.Removed && !at.declares {
		va.GOPROXY = []ProxyList{proxyList(at.raw, consumerNames(va.Consumers), ver)}
	}
	if slices.Contains(patternVars, name) && !at.Removed && !at.declares && at.raw != "" {
		va.Patterns = []PatternList{patternList(at.raw, consumerNames(va.Consumers), res.Snapshot)}
	}
	return va
}

// comparable reports whether c is worth comparing with an entry it does
// not read: a build or CI consumer (a stage, a job, a dev container) runs
// in its own image or runner and reads none of the developer's files, so an
// entry of a build file is compared with the other consumers of that file
// only, and an entry of the developer's files with the developer's
// consumers only.
func comparable(c *resolve.Consumer, at *Entry) bool {
	if buildKind(at.prov.Source) {
		return c.Origin != nil && c.Origin.File == at.File
	}
	return c.Origin == nil
}

// declaredIn reports whether at is a Dockerfile ARG without a default in
// the stage c models: the ARG lets in the value the build supplies.
func declaredIn(c *resolve.Consumer, at *Entry) bool {
	return at.declares && c.Origin != nil && c.Origin.Kind == sources.DockerfileKind && c.Origin.File == at.File &&
		c.Origin.Stage != nil && c.Origin.Stage.Index == at.stage
}

// buildKind reports whether a source is a build or CI file.
func buildKind(k sources.Kind) bool {
	switch k {
	case sources.DockerfileKind, sources.ComposeKind, sources.DevContainer, sources.GitHubActions, sources.GitLabCI:
		return true
	}
	return false
}

// notRead says why no consumer reads an entry.
func notRead(s *sources.Snapshot, at *Entry) string {
	key := at.Key
	switch {
	case strings.HasPrefix(key, "terminal.integrated.env."):
		flavour, _, _ := strings.Cut(strings.TrimPrefix(key, "terminal.integrated.env."), ".")
		switch {
		case flavour != s.Options.OSFlavour:
			return "the terminal on this system reads terminal.integrated.env." + s.Options.OSFlavour + ", not ." + flavour
		case at.Source == sources.VSCodeFolder:
			return "terminal.integrated.env is window-scoped: VS Code ignores it in folder settings of a multi-root workspace"
		case at.Source == sources.VSCodeWorkspace && !s.Options.Trusted:
			return "terminal.integrated.env is restricted: VS Code ignores the workspace's value until the workspace is trusted"
		}
	case at.Source == sources.GoEnvFile:
		return "no consumer's go command reads this GOENV file (their GOENV points elsewhere or is off)"
	case at.Source == sources.GorootGoEnv:
		return "no consumer's GOROOT is this one"
	case at.Source == sources.GitHubActions:
		return "no job's go step reads it: its job runs no go command, or it is the env of another step (a step's env applies to that step only)"
	case at.Source == sources.GitLabCI:
		return "no job that runs a go command reads it"
	case at.Source == sources.DockerfileKind && strings.HasPrefix(at.Key, "ARG ") && !strings.Contains(strings.TrimPrefix(at.Key, "ARG "), " "):
		return "an ARG before the first FROM reaches only the FROM lines and the stages that declare the same ARG without a default; no stage that runs a go command does"
	case at.Source == sources.DockerfileKind:
		return "no stage that runs a go command reads it: the stages that inherit it run none, or it comes after their go command (an ARG is not inherited by the stages built FROM its stage)"
	}
	return "no consumer of this folder reads this entry"
}

func consumerNames(cvs []ConsumerVar) []string {
	out := make([]string, len(cvs))
	for i, cv := range cvs {
		out[i] = cv.Consumer
	}
	return out
}

// Variable explains a variable for every consumer, or those named.
func Variable(res *engine.Result, ver *verify.Result, name string, only []string) *Answer {
	va := &VarAnswer{Name: name, Consumers: []ConsumerVar{}}
	lists := map[string]int{}
	patterns := map[string]int{}
	for _, c := range res.Consumers {
		if len(only) > 0 && !slices.Contains(only, c.Name) {
			continue
		}
		cv := consumerVar(c, name, nil)
		va.Consumers = append(va.Consumers, cv)
		if raw := c.Vars[name].Value; slices.Contains(patternVars, name) && raw != "" {
			if i, ok := patterns[raw]; ok {
				va.Patterns[i].Consumers = append(va.Patterns[i].Consumers, c.Name)
			} else {
				patterns[raw] = len(va.Patterns)
				va.Patterns = append(va.Patterns, patternList(raw, []string{c.Name}, res.Snapshot))
			}
		}
		if name != "GOPROXY" {
			continue
		}
		raw := c.Vars[name].Value
		if i, ok := lists[raw]; ok {
			va.GOPROXY[i].Consumers = append(va.GOPROXY[i].Consumers, c.Name)
			continue
		}
		lists[raw] = len(va.GOPROXY)
		va.GOPROXY = append(va.GOPROXY, proxyList(raw, []string{c.Name}, ver))
	}
	if name == "GOPROXY" {
		// Verify results are per consumer: attach each list's own.
		for i := range va.GOPROXY {
			l := &va.GOPROXY[i]
			for j := range l.Steps {
				l.Steps[j].Verify = proxyVerify(ver, l.Steps[j], l.Consumers)
			}
		}
	}
	return &Answer{Var: va}
}

// Separator meanings (cmd/go modfetch proxyList / TryProxies).
const (
	thenComma = "on 404 or 410 only, the next entry is tried; any other error is final"
	thenPipe  = "on any error, the next entry is tried"
	thenLast  = "last entry: its error is the go command's"
)

func proxyList(raw string, consumers []string, ver *verify.Result) ProxyList {
	l := ProxyList{Value: redact.RedactText(raw), Consumers: consumers, Steps: []ProxyStep{}}
	entries, err := goenv.ParseGOPROXY(raw)
	if err != nil {
		l.Error = redact.RedactKnown(err.Error(), redact.Secrets(raw))
	}
	for i, e := range entries {
		st := ProxyStep{Index: i + 1, Entry: redact.RedactText(e.Text), Kind: e.Kind.String(), Ignored: e.Ignored}
		if e.Sep != 0 {
			st.Sep = string(e.Sep)
		}
		if e.Err != nil {
			st.Error = redact.RedactKnown(e.Err.Error(), redact.Secrets(raw))
		}
		switch {
		case e.Ignored:
			st.Then = "never read: the go command stops at the direct or off before it"
		case e.Kind == goenv.ProxyOff:
			st.Then = "module lookup is disabled here: the go command stops"
		case e.Kind == goenv.ProxyDirect:
			st.Then = "fetches from the origin (version control); the go command stops here"
		case e.Sep == '|':
			st.Then = thenPipe
		case e.Sep == ',' && !lastLive(entries, i):
			st.Then = thenComma
		default:
			st.Then = thenLast
		}
		if e.Kind == goenv.ProxyURL && !e.Ignored {
			st.Verify = proxyVerify(ver, st, consumers)
		}
		l.Steps = append(l.Steps, st)
	}
	return l
}

// lastLive reports whether no entry the go command reads follows entry i.
func lastLive(entries []goenv.ProxyEntry, i int) bool {
	for _, e := range entries[i+1:] {
		if !e.Ignored {
			return false
		}
	}
	return true
}

// proxyVerify finds a Verify run's status for a proxy entry, preferring
// one probed for the given consumers.
func proxyVerify(ver *verify.Result, st ProxyStep, consumers []string) *ProxyVerify {
	if ver == nil || st.Kind != "url" {
		return nil
	}
	var best *verify.ProxyResult
	for i := range ver.Proxies {
		p := &ver.Proxies[i]
		if p.URL != st.Entry {
			continue
		}
		if best == nil || overlap(p.Consumers, consumers) && !overlap(best.Consumers, consumers) {
			best = p
		}
	}
	if best == nil {
		return nil
	}
	return &ProxyVerify{Status: string(best.Status), LatencyMs: best.LatencyMs, Error: redact.RedactText(best.Error)}
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// Known reports whether explain answers for a variable name.
func Known(name string) bool { return explained(name) }
