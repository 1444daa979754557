package fixplan

import (
	"errors"
	"fmt"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

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
	// build is set for a build file (a Dockerfile, workflow, GitLab CI,
	// compose or dev container file): its changes are the text edits in
	// text, checked by parsing the result again.
	build bool
	text  []fix.TextEdit
}

// ErrNotEditable spoils a fix that would edit a value not written in a
// file the doctor edits.
var ErrNotEditable = errors.New("the value is not written in a file the doctor edits")

var (
	errCredential = errors.New("the fix would copy a credential into a file of the workspace")
	errReplaying  = errors.New("no fixes are built while a fix is replayed")
	errHugeValue  = errors.New("a value is too long to replay fixes for")
)

// Carry records where a value the fix writes came from.
func (fx *Fixer) Carry(p sources.Provenance) {
	if writepolicy.WorkspaceKind(p.Source) {
		fx.carries = true
	}
}

// CarryWorkspace records that the fix writes a value from the workspace
// (a module path go.mod requires, say) that no provenance names.
func (fx *Fixer) CarryWorkspace() { fx.carries = true }

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
	if bf := s.BuildFile(path); !found && bf != nil && bf.Err == nil && bf.Parsed != nil {
		f.kind, f.content, f.build, found = bf.Kind, bf.Content, true, true
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
	if f.kind != sources.GoEnvFile && !f.build && f.content != nil && f.root == nil {
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
	return f.build
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
	if f.build {
		return fix.Apply(f.content, f.text)
	}
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

// edits renders the fix as edits of the snapshot's contents.
func (fx *Fixer) edits() ([]findings.Edit, error) {
	if fx.err != nil {
		return nil, fx.err
	}
	var out []findings.Edit
	for _, f := range fx.files {
		if len(f.ops) == 0 && len(f.env) == 0 && len(f.text) == 0 {
			continue
		}
		if f.build {
			for _, e := range f.text {
				out = append(out, findings.Edit{File: f.path, Span: e.Span, NewText: e.NewText})
			}
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
	o := sources.Overlay{JSON: map[string]*sources.Value{}, Env: map[string][]byte{}, Build: map[string]*sources.BuildFile{}}
	if fx.err != nil {
		return o, fx.err
	}
	for _, f := range fx.files {
		switch {
		case f.build:
			if len(f.text) == 0 {
				continue
			}
			bf, err := reparse(f)
			if err != nil {
				return o, err
			}
			o.Build[f.path] = bf
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
		n += len(f.ops) + len(f.env) + len(f.text)
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
		if (len(f.ops) > 0 || len(f.env) > 0 || len(f.text) > 0) && f.target.Scope > out.Scope {
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
