// Package fixplan is the fix planner: it turns the changes a rule wants
// (set, remove, rename, rewrite a value, across settings, launch, tasks and
// GOENV files) into minimal edits, replays them in memory through resolve
// and every rule, and ranks the fixes a finding offers. The rules decide
// what to change; the planner decides whether and how the change can be
// made safely. It does no I/O: the snapshot holds every file's content.
package fixplan

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

// A Planner builds the fixes of one diagnosis of a snapshot, and holds what
// building them reuses across findings. Snap, Consumers and Diagnose are
// set by its maker; the rest is filled as fixes are built.
type Planner struct {
	Snap      *sources.Snapshot
	Consumers []*resolve.Consumer
	// Diagnose runs every rule over a snapshot and its consumers without
	// building fixes: a fix's replay, to see what it would raise. The
	// rules provide it (rules.Planner), so that the planner does not
	// depend on them.
	Diagnose func(*sources.Snapshot, []*resolve.Consumer) []findings.Finding
	// Replaying marks the diagnosis of a replay: no fixes are built.
	Replaying bool

	docs        map[string]*fix.Doc       // each JSONC file, its style detected once
	prunedFiles map[string]*sources.Value // each settings file reduced to what resolve reads
	policy      *writepolicy.Policy       // where fixes may write
	baseline    map[string]findingCount   // the findings without any fix, for replays
	huge        int                       // hugeValue: 0 unknown, 1 yes, -1 no
}

// Consumer returns the named consumer, or nil.
func (plan *Planner) Consumer(name string) *resolve.Consumer {
	return consumerNamed(plan.Consumers, name)
}

// A Fixer collects the changes of one fix, possibly across files, as
// operations on the snapshot's contents. It renders them as minimal edits
// and can replay them in memory, so that a fix is checked against the
// engine before it is offered. The first operation that cannot be done
// safely spoils the fix: it is then not offered at all.
type Fixer struct {
	plan  *Planner
	files []*fileChange
	err   error
	// carries marks a fix that writes a value a workspace layer (or
	// go.mod) set: it spreads when it writes a user-level file.
	carries bool
	// The last replay, reused while no operation was added since.
	replayedAt int
	replayed   *sources.Snapshot
	replayedCs []*resolve.Consumer
}

// plan is what the planner records on a fix it builds (findings.Fix.Plan).
type plan struct {
	where   string            // the widest file, in the user's words
	carries bool              // writes a value a workspace layer set
	raises  findings.Severity // the most severe finding the fix would raise (0: none)
	// targets are what the operations may edit in each JSONC file that
	// exists, for the tests' minimality check (fix.CheckWithin).
	targets map[string][]fix.Target
}

// planOf is what the planner recorded on a fix (zero for a fix it did not build).
func planOf(fx findings.Fix) plan {
	if p, ok := fx.Plan.(*plan); ok {
		return *p
	}
	return plan{}
}

// Targets returns what a fix's operations may edit in a JSONC file that
// exists (false for a file it creates or a GOENV file), for the tests'
// minimality check.
func Targets(fx findings.Fix, file string) ([]fix.Target, bool) {
	t, ok := planOf(fx).targets[file]
	return t, ok
}

// fileChange is what a fix does to one file.
type fileChange struct {
	path    string
	kind    sources.Kind // the settings kind, Launch, Tasks or GoEnvFile
	content []byte       // nil for a file that does not exist yet
	root    *sources.Value
	wsFile  bool     // a .code-workspace: settings live under "settings"
	doc     *fix.Doc // JSONC files that exist
	ops     []fix.Op // JSONC files
	env     []func([]byte) ([]fix.TextEdit, error)
	target  writepolicy.Target // what writing the file reaches
}

// ErrNotEditable spoils a fix that would edit a value not written in a
// file the doctor edits.
var ErrNotEditable = errors.New("the value is not written in a file the doctor edits")

var (
	errCredential = errors.New("the fix would copy a credential into a file of the workspace")
	errReplaying  = errors.New("no fixes are built while a fix is replayed")
	errHugeValue  = errors.New("a value is too long to replay fixes for")
)

// Fixer starts a fix.
func (plan *Planner) Fixer() *Fixer {
	switch {
	case plan.Replaying:
		return &Fixer{plan: plan, err: errReplaying}
	case plan.hugeValue():
		return &Fixer{plan: plan, err: errHugeValue}
	}
	return &Fixer{plan: plan}
}

// maxFixedValue bounds the values fixes are built for. Every fix is replayed
// through all the rules, whose cost grows with the values' length, so a
// generated value of thousands of entries would cost a full diagnosis per
// fix (and put megabytes into each code action). No real GOPROXY or
// GOPRIVATE comes near it; findings are still reported, without fixes.
const maxFixedValue = 64 << 10

// hugeValue reports whether any consumer has a value over maxFixedValue.
func (plan *Planner) hugeValue() bool {
	if plan.huge == 0 {
		plan.huge = -1
		for _, c := range plan.Consumers {
			for _, v := range c.Vars {
				if len(v.Value) > maxFixedValue {
					plan.huge = 1
				}
			}
		}
	}
	return plan.huge > 0
}

// Carry records where a value the fix writes came from.
func (fx *Fixer) Carry(p sources.Provenance) {
	if writepolicy.WorkspaceKind(p.Source) {
		fx.carries = true
	}
}

// CarryWorkspace records that the fix writes a value from the workspace
// (a module path go.mod requires, say) that no provenance names.
func (fx *Fixer) CarryWorkspace() { fx.carries = true }

// writePolicy is the folder's write policy, derived once per run.
func (plan *Planner) writePolicy() *writepolicy.Policy {
	if plan.policy == nil {
		plan.policy = writepolicy.New(plan.Snap, plan.Consumers)
	}
	return plan.policy
}

// Fail spoils the fix with err (the first error is kept).
func (fx *Fixer) Fail(err error) {
	if err != nil && fx.err == nil {
		fx.err = err
	}
}

// Err is what spoiled the fix so far, or nil.
func (fx *Fixer) Err() error { return fx.err }

// file returns the change of path, creating it from the snapshot's view.
func (fx *Fixer) file(path string) *fileChange {
	for _, f := range fx.files {
		if f.path == path {
			return f
		}
	}
	f := &fileChange{path: path}
	s := fx.plan.Snap
	found := false
	for _, st := range s.SettingsLayers() {
		if st.Path == path {
			f.kind, f.content, f.root, f.wsFile, found = st.Kind, st.Content, st.Root, st.IsWorkspaceFile, true
		}
	}
	for _, jf := range []*sources.JSONCFile{s.Launch, s.Tasks} {
		if !found && jf != nil && jf.Path == path {
			f.kind, f.content, f.root, found = jf.Kind, jf.Content, jf.Root, true
		}
	}
	if !found {
		switch path {
		case s.UserSettingsPath:
			f.kind = sources.VSCodeUser
		case s.FolderSettingsPath():
			f.kind = sources.VSCodeWorkspace
			if s.Options.MultiRoot {
				f.kind = sources.VSCodeFolder
			}
		default:
			// A GOENV file some consumer reads (resolve has read it already).
			for _, c := range fx.plan.Consumers {
				if c.GoEnvPath != path || path == "" {
					continue
				}
				if ef := s.EnvFile(path, sources.GoEnvFile); ef != nil {
					f.kind, f.content = sources.GoEnvFile, ef.Content
					if !ef.Exists {
						f.content = nil
					}
				}
				break
			}
		}
	}
	if f.kind == "" {
		fx.Fail(fmt.Errorf("%s: %w", path, ErrNotEditable))
	} else if t, err := fx.plan.writePolicy().Classify(path, f.kind); err != nil {
		// Only the places SPEC §5a allows: never a file a workspace value named.
		fx.Fail(err)
	} else {
		f.target = t
		if f.kind == sources.GoEnvFile && f.content != nil {
			fx.Fail(writepolicy.CheckContent(t, path, f.content))
		}
	}
	if f.kind != sources.GoEnvFile && f.content != nil && f.root == nil {
		fx.Fail(fmt.Errorf("%s does not parse", path))
	}
	if f.root != nil && f.content != nil {
		f.doc = fx.plan.doc(path, f.content, f.root)
	}
	fx.files = append(fx.files, f)
	return f
}

// inWorkspace reports whether a file is shared with the team (committed):
// credentials never go there.
func (f *fileChange) inWorkspace() bool {
	switch f.kind {
	case sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
		return true
	}
	return false
}

// guardCredentials refuses to put a credential that old does not already
// hold into a workspace file.
func (fx *Fixer) guardCredentials(f *fileChange, old, value string) {
	if f.inWorkspace() && NewCredentials(old, value) {
		fx.Fail(errCredential)
	}
}

var userinfo = regexp.MustCompile(`[^\s/@,|;"'=]+@`)

// NewCredentials reports whether value holds URL userinfo (user:password@,
// token@) that old does not.
func NewCredentials(old, value string) bool {
	if strings.IndexByte(value, '@') < 0 {
		return false // the common case, without a regexp pass over a long value
	}
	for _, u := range userinfo.FindAllString(value, -1) {
		if !strings.Contains(old, u) {
			return true
		}
	}
	return false
}

// settingsPath turns keys of a settings object into a document path.
func (f *fileChange) settingsPath(keys ...string) fix.Path {
	if f.wsFile {
		return fix.Keys(append([]string{"settings"}, keys...)...)
	}
	return fix.Keys(keys...)
}

// Set writes a string at keys of the settings file path (created if needed).
func (fx *Fixer) Set(path string, value string, keys ...string) {
	f := fx.file(path)
	fx.guardCredentials(f, "", value)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: f.settingsPath(keys...), Value: fix.String(value)})
}

// SetRaw writes a JSON value at keys of the settings file path.
func (fx *Fixer) SetRaw(path string, raw string, keys ...string) {
	f := fx.file(path)
	fx.guardCredentials(f, "", raw)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: f.settingsPath(keys...), Value: raw})
}

// member locates the member a provenance points at.
func (fx *Fixer) member(p sources.Provenance) (*fileChange, *sources.Member, fix.Path) {
	switch p.Source {
	case sources.VSCodeUser, sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
	default:
		fx.Fail(ErrNotEditable)
		return nil, nil, nil
	}
	f := fx.file(p.File)
	if f.root == nil {
		fx.Fail(ErrNotEditable)
		return nil, nil, nil
	}
	m := memberAt(f.root, p.KeySpan)
	if m == nil {
		fx.Fail(fmt.Errorf("%s: no member at %v", p.File, p.KeySpan))
		return nil, nil, nil
	}
	path, ok := fix.PathTo(f.root, m)
	if !ok {
		fx.Fail(fmt.Errorf("%s: the member at %v is shadowed by a duplicate", p.File, p.KeySpan))
		return nil, nil, nil
	}
	return f, m, path
}

// memberAt finds the member whose key is at span.
func memberAt(v *sources.Value, span sources.Span) *sources.Member {
	if v == nil || span.End <= span.Start || span.Start < v.Span.Start || span.End > v.Span.End {
		return nil
	}
	for _, m := range v.Members {
		if m.KeySpan == span {
			return m
		}
		if r := memberAt(m.Value, span); r != nil {
			return r
		}
	}
	for _, e := range v.Elems {
		if r := memberAt(e, span); r != nil {
			return r
		}
	}
	return nil
}

// Move deletes the setting a provenance points at, which the fix writes
// elsewhere with its comments.
func (fx *Fixer) Move(p sources.Provenance) {
	f, _, path := fx.member(p)
	if f != nil {
		f.ops = append(f.ops, fix.Op{Kind: fix.Remove, Path: path, Moved: true})
	}
}

// Remove deletes the setting (or GOENV file line) a provenance points at.
func (fx *Fixer) Remove(p sources.Provenance) {
	if p.Source == sources.GoEnvFile {
		f := fx.file(p.File)
		key := p.Key
		f.env = append(f.env, func(c []byte) ([]fix.TextEdit, error) { return fix.EnvUnset(c, key), nil })
		return
	}
	f, _, path := fx.member(p)
	if f != nil {
		f.ops = append(f.ops, fix.Op{Kind: fix.Remove, Path: path})
	}
}

// Rename gives the member (or GOENV line) a provenance points at a new key,
// unless the new key is already set next to it (two members, or two lines,
// would then compete).
func (fx *Fixer) Rename(p sources.Provenance, key string) {
	if p.Source == sources.GoEnvFile {
		f := fx.file(p.File)
		if _, taken := sources.ParseEnvFile(p.File, sources.GoEnvFile, f.content).Lookup(key); taken {
			fx.Fail(errors.New("the new key is already set"))
			return
		}
		span := p.KeySpan
		f.env = append(f.env, func(c []byte) ([]fix.TextEdit, error) {
			return []fix.TextEdit{{Span: span, NewText: key}}, nil
		})
		return
	}
	f, _, path := fx.member(p)
	if f == nil {
		return
	}
	if parent := fix.ValueAt(f.root, path[:len(path)-1]); parent == nil || parent.Get(key) != nil {
		fx.Fail(errors.New("the new key is already set"))
		return
	}
	f.ops = append(f.ops, fix.Op{Kind: fix.Rename, Path: path, NewKey: key})
}

// Replace sets the value a provenance points at to a string.
func (fx *Fixer) Replace(p sources.Provenance, value string) {
	if p.Source == sources.GoEnvFile {
		fx.EnvSet(p.File, p.Key, value)
		return
	}
	f, m, path := fx.member(p)
	if f == nil {
		return
	}
	old := ""
	if m.Value.Kind == sources.String {
		old = m.Value.Str
	}
	fx.guardCredentials(f, old, value)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: path, Value: fix.String(value)})
}

// Rewrite changes a value from what the engine saw (value) to newValue where
// it is written. It refuses when the file's text is not the value itself
// (a ${env:} substitution, a non-string), so that nothing the user wrote
// indirectly is flattened.
func (fx *Fixer) Rewrite(p sources.Provenance, value, newValue string) {
	if p.Source == sources.GoEnvFile {
		f := fx.file(p.File)
		ef := sources.ParseEnvFile(p.File, sources.GoEnvFile, f.content)
		l, ok := ef.Lookup(p.Key)
		if !ok || l.KeySpan != p.KeySpan || l.Value != value {
			fx.Fail(ErrNotEditable)
			return
		}
		fx.EnvSet(p.File, p.Key, newValue)
		return
	}
	_, m, _ := fx.member(p)
	if m == nil {
		return
	}
	if m.Value.Kind != sources.String || m.Value.Str != value {
		fx.Fail(ErrNotEditable)
		return
	}
	fx.Replace(p, newValue)
}

// Editable reports whether Rewrite can change a value set at p.
func (plan *Planner) Editable(p sources.Provenance, value string) bool {
	fx := plan.Fixer()
	fx.Rewrite(p, value, value)
	return fx.err == nil
}

// EnvSet makes a GOENV file set key=value (go env -w).
func (fx *Fixer) EnvSet(path, key, value string) {
	f := fx.file(path)
	if f.kind != sources.GoEnvFile {
		fx.Fail(ErrNotEditable)
		return
	}
	f.env = append(f.env, func(c []byte) ([]fix.TextEdit, error) { return fix.EnvSet(c, key, value) })
}

// EnvEdit adds a GOENV file edit computed on its current text.
func (fx *Fixer) EnvEdit(path string, edit func([]byte) ([]fix.TextEdit, error)) {
	f := fx.file(path)
	if f.kind != sources.GoEnvFile {
		fx.Fail(ErrNotEditable)
		return
	}
	f.env = append(f.env, edit)
}

// result renders every file's final text.
func (f *fileChange) result() ([]byte, error) {
	if f.kind == sources.GoEnvFile {
		cur := f.content
		for _, e := range f.env {
			edits, err := e(cur)
			if err != nil {
				return nil, err
			}
			if cur, err = fix.Apply(cur, edits); err != nil {
				return nil, err
			}
		}
		return cur, nil
	}
	if f.content == nil {
		s, err := fix.NewFile(fix.DefaultStyle, f.ops...)
		return []byte(s), err
	}
	_, out, err := f.doc.Edit(f.ops...)
	return out, err
}

// doc is the fixes' shared view of a JSONC file of the snapshot.
func (plan *Planner) doc(path string, content []byte, root *sources.Value) *fix.Doc {
	if d, ok := plan.docs[path]; ok {
		return d
	}
	if plan.docs == nil {
		plan.docs = map[string]*fix.Doc{}
	}
	d := fix.NewDoc(content, root)
	plan.docs[path] = d
	return d
}

// prunedFor is a settings file reduced to what resolve reads and what the
// change's operations touch.
func (plan *Planner) prunedFor(f *fileChange, root *sources.Value) *sources.Value {
	depth := 0
	if f.wsFile {
		depth = 1
	}
	for _, op := range f.ops {
		if len(op.Path) > depth && !resolveReads(op.Path[depth].Key) {
			return pruneSettings(root, f.wsFile, f.ops)
		}
	}
	for _, st := range plan.Snap.SettingsLayers() {
		if st.Path == f.path && st.Root == root {
			return plan.pruned(st)
		}
	}
	return pruneSettings(root, f.wsFile, nil)
}

// resolveReads reports whether resolve reads a top-level setting.
func resolveReads(key string) bool {
	return key == "go.toolsEnvVars" || key == "gopls" || key == "http.proxy" || strings.HasPrefix(key, "terminal.integrated.env.")
}

// pruned is a settings file of the snapshot reduced to what resolve reads.
func (plan *Planner) pruned(st *sources.Settings) *sources.Value {
	if r, ok := plan.prunedFiles[st.Path]; ok {
		return r
	}
	if plan.prunedFiles == nil {
		plan.prunedFiles = map[string]*sources.Value{}
	}
	r := pruneSettings(st.Root, st.IsWorkspaceFile, nil)
	plan.prunedFiles[st.Path] = r
	return r
}

// edits renders the fix as edits of the snapshot's contents.
func (fx *Fixer) edits() ([]findings.Edit, error) {
	if fx.err != nil {
		return nil, fx.err
	}
	var out []findings.Edit
	for _, f := range fx.files {
		if len(f.ops) == 0 && len(f.env) == 0 {
			continue
		}
		if f.content == nil {
			text, err := f.result()
			if err != nil {
				return nil, err
			}
			out = append(out, findings.Edit{File: f.path, NewText: string(text), Create: true})
			continue
		}
		var edits []fix.TextEdit
		switch {
		case f.kind == sources.GoEnvFile:
			text, err := f.result()
			if err != nil {
				return nil, err
			}
			edits = fix.Diff(f.content, text)
		case len(f.ops) == 1:
			var err error
			if edits, err = f.doc.Edits(f.ops[0]); err != nil {
				return nil, err
			}
		default:
			var err error
			if edits, _, err = f.doc.Edit(f.ops...); err != nil {
				return nil, err
			}
		}
		for _, e := range edits {
			out = append(out, findings.Edit{File: f.path, Span: e.Span, NewText: e.NewText})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the fix changes nothing")
	}
	return out, nil
}

// overlay replays the fix in memory.
func (fx *Fixer) overlay() (sources.Overlay, error) {
	o := sources.Overlay{JSON: map[string]*sources.Value{}, Env: map[string][]byte{}}
	if fx.err != nil {
		return o, fx.err
	}
	for _, f := range fx.files {
		switch {
		case f.kind == sources.GoEnvFile:
			if len(f.env) == 0 {
				continue
			}
			text, err := f.result()
			if err != nil {
				return o, err
			}
			o.Env[f.path] = text
		case len(f.ops) > 0:
			root := f.root
			if root == nil {
				root = &sources.Value{Kind: sources.Object}
			}
			if f.kind != sources.Launch && f.kind != sources.Tasks {
				root = fx.plan.prunedFor(f, root)
			}
			v, err := fix.Virtual(root, f.ops...)
			if err != nil {
				return o, err
			}
			o.JSON[f.path] = v
		}
	}
	// The settings the fix leaves alone are replayed pruned too: resolve
	// then never scans a huge file's unrelated settings.
	for _, st := range fx.plan.Snap.SettingsLayers() {
		if _, ok := o.JSON[st.Path]; !ok && st.Root != nil {
			o.JSON[st.Path] = fx.plan.pruned(st)
		}
	}
	return o, nil
}

// After resolves the consumers as they would be with the fix applied.
func (fx *Fixer) After() ([]*resolve.Consumer, bool) {
	_, cs, ok := fx.replay()
	return cs, ok
}

// replay is the snapshot and its consumers with the fix applied. A fix
// checked (agree, holds) and then built is replayed once.
func (fx *Fixer) replay() (*sources.Snapshot, []*resolve.Consumer, bool) {
	n := len(fx.files) + 1
	for _, f := range fx.files {
		n += len(f.ops) + len(f.env)
	}
	if fx.replayed != nil && fx.replayedAt == n && fx.err == nil {
		return fx.replayed, fx.replayedCs, true
	}
	o, err := fx.overlay()
	if err != nil {
		return nil, nil, false
	}
	s := fx.plan.Snap.With(o)
	fx.replayedAt, fx.replayed, fx.replayedCs = n, s, resolve.Resolve(s)
	return s, fx.replayedCs, true
}

// Build turns the collected changes into a fix, or reports that none is
// safe. The fix is replayed through the engine: one that widens a privacy
// list to "*" or a whole public code host is never offered, and the most
// severe finding it would raise is kept for rank, which weighs it against
// the finding it fixes.
func (fx *Fixer) Build(title string, preferred bool) (findings.Fix, bool) {
	edits, err := fx.edits()
	if err != nil {
		return findings.Fix{}, false
	}
	pl := &plan{carries: fx.carries}
	out := findings.Fix{Title: title, Edits: edits, Preferred: preferred, Plan: pl}
	for _, f := range fx.files {
		if (len(f.ops) > 0 || len(f.env) > 0) && f.target.Scope > out.Scope {
			out.Scope, pl.where = f.target.Scope, f.target.Where
		}
		if len(f.ops) > 0 && f.content != nil && f.root != nil {
			if pl.targets == nil {
				pl.targets = map[string][]fix.Target{}
			}
			for _, op := range f.ops {
				pl.targets[f.path] = append(pl.targets[f.path], fix.TargetsOf(f.root, op)...)
			}
		}
	}
	s, cs, ok := fx.replay()
	if !ok || widensPrivacy(fx.plan.Consumers, cs) {
		return findings.Fix{}, false
	}
	pl.raises = fx.plan.raises(s, cs)
	return out, true
}

// Label names a file for a fix title: "user settings", the path relative to
// the folder, "the GOENV file", or the file's name.
func (plan *Planner) Label(path string) string {
	s := plan.Snap
	switch {
	case path == s.UserSettingsPath:
		return "user settings"
	case s.Workspace != nil && s.Workspace.IsWorkspaceFile && path == s.Workspace.Path:
		return filepath.Base(path)
	}
	for _, c := range plan.Consumers {
		if c.GoEnvPath == path {
			return "the GOENV file"
		}
	}
	if rel, err := filepath.Rel(s.Folder, path); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(path)
}

// KeyLabel is how a title names the setting at p: its key path, or
// "KEY" for a GOENV file line.
func KeyLabel(p sources.Provenance) string {
	if p.Key == "" {
		return "the value"
	}
	return p.Key
}

// SettingsFor is the settings file a fix writes a window-level value into
// when the value's own place will not do: the file of p when it is user or
// workspace settings VS Code honours there, else user settings.
func (plan *Planner) SettingsFor(p sources.Provenance) string {
	s := plan.Snap
	switch p.Source {
	case sources.VSCodeUser:
		return p.File
	case sources.VSCodeWorkspace:
		if s.Options.Trusted {
			return p.File
		}
	case sources.VSCodeFolder:
		if s.Workspace != nil && s.Options.Trusted {
			return s.Workspace.Path
		}
	}
	return s.UserSettingsPath
}

// Holds reports whether, with the fix applied, check holds for each named
// consumer (all of them must still exist).
func (fx *Fixer) Holds(names []string, check func(c *resolve.Consumer) bool) bool {
	cs, ok := fx.After()
	if !ok {
		return false
	}
	for _, n := range names {
		var c *resolve.Consumer
		for _, x := range cs {
			if x.Name == n {
				c = x
			}
		}
		if c == nil || !check(c) {
			return false
		}
	}
	return true
}

// RemoveToFallBack is the fix of an empty value that masks a default: the
// line or setting goes, and the consumers fall back to $GOROOT/go.env — when
// that gives them a value check accepts.
func (plan *Planner) RemoveToFallBack(f *findings.Finding, p sources.Provenance, check func(c *resolve.Consumer) bool) {
	switch p.Source {
	case sources.GoEnvFile, sources.VSCodeUser, sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
	default:
		return
	}
	fx := plan.Fixer()
	fx.Remove(p)
	if !fx.Holds(f.Consumers, check) {
		return
	}
	title := "Remove " + KeyLabel(p) + " from " + plan.Label(p.File)
	if p.Source == sources.GoEnvFile {
		title += " (go env -u " + p.Key + ")"
	}
	f.AddFix(fx.Build(title, true))
}

// Cover changes the fix step by step until no named consumer is exposed:
// step extends one exposed consumer (as the engine sees it with the changes
// so far). It reports whether everyone ends up covered.
func (fx *Fixer) Cover(names []string, exposed func(*resolve.Consumer) bool, step func(*resolve.Consumer) bool) bool {
	cs := fx.plan.Consumers
	for round := 0; round < 2*len(names)+2; round++ {
		var next *resolve.Consumer
		for _, n := range names {
			c := consumerNamed(cs, n)
			if c == nil {
				return false
			}
			if exposed(c) {
				next = c
				break
			}
		}
		if next == nil {
			return true
		}
		if !step(next) || fx.err != nil {
			return false
		}
		var ok bool
		if cs, ok = fx.After(); !ok {
			return false
		}
	}
	return false
}

func consumerNamed(cs []*resolve.Consumer, name string) *resolve.Consumer {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// pruneSettings keeps, of a settings document, the settings the consumers
// are resolved from (and those the ops touch): replaying a fix on a copy of
// a 5,000-line file would cost more than the diagnosis.
func pruneSettings(root *sources.Value, wsFile bool, ops []fix.Op) *sources.Value {
	depth := 0
	if wsFile {
		depth = 1
	}
	touched := map[string]bool{}
	for _, op := range ops {
		if len(op.Path) > depth {
			touched[op.Path[depth].Key] = true
		}
	}
	keep := func(obj *sources.Value) *sources.Value {
		if obj.Kind != sources.Object {
			return obj
		}
		out := *obj
		out.Members = nil
		for _, m := range obj.Members {
			if resolveReads(m.Key) || touched[m.Key] {
				out.Members = append(out.Members, m)
			}
		}
		return &out
	}
	if !wsFile {
		return keep(root)
	}
	if root.Kind != sources.Object {
		return root
	}
	out := *root
	out.Members = make([]*sources.Member, len(root.Members))
	for i, m := range root.Members {
		if m.Key == "settings" {
			c := *m
			c.Value = keep(m.Value)
			m = &c
		}
		out.Members[i] = m
	}
	return &out
}

// Member locates the member a provenance points at in a JSONC file the fix
// may edit, and returns it with its path in the document; nil (and the fix
// spoiled) when it cannot.
func (fx *Fixer) Member(p sources.Provenance) (*sources.Member, fix.Path) {
	_, m, path := fx.member(p)
	return m, path
}

// SetAt writes a string at a document path of the JSONC file path.
func (fx *Fixer) SetAt(path string, at fix.Path, value string) {
	f := fx.file(path)
	fx.guardCredentials(f, "", value)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: at, Value: fix.String(value)})
}

// SetSibling writes key = value into the object that holds the setting at
// p (a settings env map, launch or tasks env), unless key is set there.
func (fx *Fixer) SetSibling(p sources.Provenance, key, value string) {
	f, _, path := fx.member(p)
	if f == nil {
		return
	}
	parent := fix.ValueAt(f.root, path[:len(path)-1])
	if parent == nil || parent.Get(key) != nil {
		fx.Fail(errors.New("the new key is already set"))
		return
	}
	sib := append(append(fix.Path{}, path[:len(path)-1]...), fix.Keys(key)...)
	fx.guardCredentials(f, "", value)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: sib, Value: fix.String(value)})
}

// WithoutCredentials drops every fix that would write URL userinfo into a
// file (SPEC §5a: a credential never moves into any file, not even one that
// holds it already — the edit would also show it to the client), and masks
// credentials in the titles of the others. It is the one guard for every
// fix, the rules' and Verify's.
func WithoutCredentials(fixes []findings.Fix, secrets []string) []findings.Fix {
	var out []findings.Fix
	for _, fx := range fixes {
		safe := true
		for _, e := range fx.Edits {
			inText := func(secret string) bool { return strings.Contains(e.NewText, secret) }
			safe = safe && !redact.HasCredential(e.NewText) && !slices.ContainsFunc(secrets, inText)
		}
		if safe {
			fx.Title = redact.RedactKnown(fx.Title, secrets)
			out = append(out, fx)
		}
	}
	return out
}

// Secrets are the credentials in the consumers' modelled variables (the
// values rules quote and parse), which findings mask wherever a message
// quotes a piece of one.
func Secrets(consumers []*resolve.Consumer) []string {
	var values []string
	for _, c := range consumers {
		for _, v := range c.Vars {
			values = append(values, v.Value)
		}
	}
	return redact.Secrets(values...)
}
