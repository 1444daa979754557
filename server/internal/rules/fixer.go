package rules

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

// A fixer collects the changes of one fix, possibly across files, as
// operations on the snapshot's contents. It renders them as minimal edits
// and can replay them in memory, so that a fix is checked against the
// engine before it is offered. The first operation that cannot be done
// safely spoils the fix: it is then not offered at all.
type fixer struct {
	in    *Input
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

var (
	errNotEditable = errors.New("the value is not written in a file the doctor edits")
	errCredential  = errors.New("the fix would copy a credential into a file of the workspace")
	errReplaying   = errors.New("no fixes are built while a fix is replayed")
	errNoFixes     = errors.New("no fixes were asked for")
	errHugeValue   = errors.New("a value is too long to replay fixes for")
)

func (in *Input) fixer() *fixer {
	switch {
	case in.replaying:
		return &fixer{in: in, err: errReplaying}
	case in.NoFixes:
		return &fixer{in: in, err: errNoFixes}
	case in.hugeValue():
		return &fixer{in: in, err: errHugeValue}
	}
	return &fixer{in: in}
}

// maxFixedValue bounds the values fixes are built for. Every fix is replayed
// through all the rules, whose cost grows with the values' length, so a
// generated value of thousands of entries would cost a full diagnosis per
// fix (and put megabytes into each code action). No real GOPROXY or
// GOPRIVATE comes near it; findings are still reported, without fixes.
const maxFixedValue = 64 << 10

// hugeValue reports whether any consumer has a value over maxFixedValue.
func (in *Input) hugeValue() bool {
	if in.fixes.huge == 0 {
		in.fixes.huge = -1
		for _, c := range in.Consumers {
			for _, v := range c.Vars {
				if len(v.Value) > maxFixedValue {
					in.fixes.huge = 1
				}
			}
		}
	}
	return in.fixes.huge > 0
}

// carry records where a value the fix writes came from.
func (fx *fixer) carry(p sources.Provenance) {
	if writepolicy.WorkspaceKind(p.Source) {
		fx.carries = true
	}
}

// writePolicy is the folder's write policy, derived once per run.
func (in *Input) writePolicy() *writepolicy.Policy {
	if in.fixes.policy == nil {
		in.fixes.policy = writepolicy.New(in.Snap, in.Consumers)
	}
	return in.fixes.policy
}

func (fx *fixer) fail(err error) {
	if err != nil && fx.err == nil {
		fx.err = err
	}
}

// file returns the change of path, creating it from the snapshot's view.
func (fx *fixer) file(path string) *fileChange {
	for _, f := range fx.files {
		if f.path == path {
			return f
		}
	}
	f := &fileChange{path: path}
	s := fx.in.Snap
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
			for _, c := range fx.in.Consumers {
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
		fx.fail(fmt.Errorf("%s: %w", path, errNotEditable))
	} else if t, err := fx.in.writePolicy().Classify(path, f.kind); err != nil {
		// Only the places SPEC §5a allows: never a file a workspace value named.
		fx.fail(err)
	} else {
		f.target = t
		if f.kind == sources.GoEnvFile && f.content != nil {
			fx.fail(writepolicy.CheckContent(t, path, f.content))
		}
	}
	if f.kind != sources.GoEnvFile && f.content != nil && f.root == nil {
		fx.fail(fmt.Errorf("%s does not parse", path))
	}
	if f.root != nil && f.content != nil {
		f.doc = fx.in.doc(path, f.content, f.root)
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
func (fx *fixer) guardCredentials(f *fileChange, old, value string) {
	if f.inWorkspace() && newCredentials(old, value) {
		fx.fail(errCredential)
	}
}

var userinfo = regexp.MustCompile(`[^\s/@,|;"'=]+@`)

// newCredentials reports whether value holds URL userinfo (user:password@,
// token@) that old does not.
func newCredentials(old, value string) bool {
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

// set writes a string at keys of the settings file path (created if needed).
func (fx *fixer) set(path string, value string, keys ...string) {
	f := fx.file(path)
	fx.guardCredentials(f, "", value)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: f.settingsPath(keys...), Value: fix.String(value)})
}

// setRaw writes a JSON value at keys of the settings file path.
func (fx *fixer) setRaw(path string, raw string, keys ...string) {
	f := fx.file(path)
	fx.guardCredentials(f, "", raw)
	f.ops = append(f.ops, fix.Op{Kind: fix.Set, Path: f.settingsPath(keys...), Value: raw})
}

// member locates the member a provenance points at.
func (fx *fixer) member(p sources.Provenance) (*fileChange, *sources.Member, fix.Path) {
	switch p.Source {
	case sources.VSCodeUser, sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
	default:
		fx.fail(errNotEditable)
		return nil, nil, nil
	}
	f := fx.file(p.File)
	if f.root == nil {
		fx.fail(errNotEditable)
		return nil, nil, nil
	}
	m := memberAt(f.root, p.KeySpan)
	if m == nil {
		fx.fail(fmt.Errorf("%s: no member at %v", p.File, p.KeySpan))
		return nil, nil, nil
	}
	path, ok := fix.PathTo(f.root, m)
	if !ok {
		fx.fail(fmt.Errorf("%s: the member at %v is shadowed by a duplicate", p.File, p.KeySpan))
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

// move deletes the setting a provenance points at, which the fix writes
// elsewhere with its comments.
func (fx *fixer) move(p sources.Provenance) {
	f, _, path := fx.member(p)
	if f != nil {
		f.ops = append(f.ops, fix.Op{Kind: fix.Remove, Path: path, Moved: true})
	}
}

// remove deletes the setting (or GOENV file line) a provenance points at.
func (fx *fixer) remove(p sources.Provenance) {
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

// rename gives the member (or GOENV line) a provenance points at a new key,
// unless the new key is already set next to it (two members, or two lines,
// would then compete).
func (fx *fixer) rename(p sources.Provenance, key string) {
	if p.Source == sources.GoEnvFile {
		f := fx.file(p.File)
		if _, taken := sources.ParseEnvFile(p.File, sources.GoEnvFile, f.content).Lookup(key); taken {
			fx.fail(errors.New("the new key is already set"))
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
		fx.fail(errors.New("the new key is already set"))
		return
	}
	f.ops = append(f.ops, fix.Op{Kind: fix.Rename, Path: path, NewKey: key})
}

// replace sets the value a provenance points at to a string.
func (fx *fixer) replace(p sources.Provenance, value string) {
	if p.Source == sources.GoEnvFile {
		fx.envSet(p.File, p.Key, value)
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

// rewrite changes a value from what the engine saw (value) to newValue where
// it is written. It refuses when the file's text is not the value itself
// (a ${env:} substitution, a non-string), so that nothing the user wrote
// indirectly is flattened.
func (fx *fixer) rewrite(p sources.Provenance, value, newValue string) {
	if p.Source == sources.GoEnvFile {
		f := fx.file(p.File)
		ef := sources.ParseEnvFile(p.File, sources.GoEnvFile, f.content)
		l, ok := ef.Lookup(p.Key)
		if !ok || l.KeySpan != p.KeySpan || l.Value != value {
			fx.fail(errNotEditable)
			return
		}
		fx.envSet(p.File, p.Key, newValue)
		return
	}
	_, m, _ := fx.member(p)
	if m == nil {
		return
	}
	if m.Value.Kind != sources.String || m.Value.Str != value {
		fx.fail(errNotEditable)
		return
	}
	fx.replace(p, newValue)
}

// editable reports whether rewrite can change a value set at p.
func (in *Input) editable(p sources.Provenance, value string) bool {
	fx := in.fixer()
	fx.rewrite(p, value, value)
	return fx.err == nil
}

// envSet makes a GOENV file set key=value (go env -w).
func (fx *fixer) envSet(path, key, value string) {
	f := fx.file(path)
	if f.kind != sources.GoEnvFile {
		fx.fail(errNotEditable)
		return
	}
	f.env = append(f.env, func(c []byte) ([]fix.TextEdit, error) { return fix.EnvSet(c, key, value) })
}

// envEdit adds a GOENV file edit computed on its current text.
func (fx *fixer) envEdit(path string, edit func([]byte) ([]fix.TextEdit, error)) {
	f := fx.file(path)
	if f.kind != sources.GoEnvFile {
		fx.fail(errNotEditable)
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

// fixCache is what building fixes reuses across the findings of one run.
type fixCache struct {
	docs     map[string]*fix.Doc       // each JSONC file, its style detected once
	pruned   map[string]*sources.Value // each settings file reduced to what resolve reads
	policy   *writepolicy.Policy       // where fixes may write
	baseline map[string]findingCount   // the findings without any fix, for replays
	huge     int                       // hugeValue: 0 unknown, 1 yes, -1 no
}

// doc is the fixes' shared view of a JSONC file of the snapshot.
func (in *Input) doc(path string, content []byte, root *sources.Value) *fix.Doc {
	if d, ok := in.fixes.docs[path]; ok {
		return d
	}
	if in.fixes.docs == nil {
		in.fixes.docs = map[string]*fix.Doc{}
	}
	d := fix.NewDoc(content, root)
	in.fixes.docs[path] = d
	return d
}

// prunedFor is a settings file reduced to what resolve reads and what the
// change's operations touch.
func (in *Input) prunedFor(f *fileChange, root *sources.Value) *sources.Value {
	depth := 0
	if f.wsFile {
		depth = 1
	}
	for _, op := range f.ops {
		if len(op.Path) > depth && !resolveReads(op.Path[depth].Key) {
			return pruneSettings(root, f.wsFile, f.ops)
		}
	}
	for _, st := range in.Snap.SettingsLayers() {
		if st.Path == f.path && st.Root == root {
			return in.pruned(st)
		}
	}
	return pruneSettings(root, f.wsFile, nil)
}

// resolveReads reports whether resolve reads a top-level setting.
func resolveReads(key string) bool {
	return key == "go.toolsEnvVars" || key == "gopls" || key == "http.proxy" || strings.HasPrefix(key, "terminal.integrated.env.")
}

// pruned is a settings file of the snapshot reduced to what resolve reads.
func (in *Input) pruned(st *sources.Settings) *sources.Value {
	if r, ok := in.fixes.pruned[st.Path]; ok {
		return r
	}
	if in.fixes.pruned == nil {
		in.fixes.pruned = map[string]*sources.Value{}
	}
	r := pruneSettings(st.Root, st.IsWorkspaceFile, nil)
	in.fixes.pruned[st.Path] = r
	return r
}

// edits renders the fix as edits of the snapshot's contents.
func (fx *fixer) edits() ([]Edit, error) {
	if fx.err != nil {
		return nil, fx.err
	}
	var out []Edit
	for _, f := range fx.files {
		if len(f.ops) == 0 && len(f.env) == 0 {
			continue
		}
		if f.content == nil {
			text, err := f.result()
			if err != nil {
				return nil, err
			}
			out = append(out, Edit{File: f.path, NewText: string(text), Create: true})
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
			out = append(out, Edit{File: f.path, Span: e.Span, NewText: e.NewText})
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the fix changes nothing")
	}
	return out, nil
}

// overlay replays the fix in memory.
func (fx *fixer) overlay() (sources.Overlay, error) {
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
				root = fx.in.prunedFor(f, root)
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
	for _, st := range fx.in.Snap.SettingsLayers() {
		if _, ok := o.JSON[st.Path]; !ok && st.Root != nil {
			o.JSON[st.Path] = fx.in.pruned(st)
		}
	}
	return o, nil
}

// after resolves the consumers as they would be with the fix applied.
func (fx *fixer) after() ([]*resolve.Consumer, bool) {
	_, cs, ok := fx.replay()
	return cs, ok
}

// replay is the snapshot and its consumers with the fix applied. A fix
// checked (agree, holds) and then built is replayed once.
func (fx *fixer) replay() (*sources.Snapshot, []*resolve.Consumer, bool) {
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
	s := fx.in.Snap.With(o)
	fx.replayedAt, fx.replayed, fx.replayedCs = n, s, resolve.Resolve(s)
	return s, fx.replayedCs, true
}

// build turns the collected changes into a fix, or reports that none is
// safe. The fix is replayed through the engine: one that widens a privacy
// list to "*" or a whole public code host is never offered, and the most
// severe finding it would raise is kept for rank, which weighs it against
// the finding it fixes.
func (fx *fixer) build(title string, preferred bool) (Fix, bool) {
	edits, err := fx.edits()
	if err != nil {
		return Fix{}, false
	}
	out := Fix{Title: title, Edits: edits, Preferred: preferred, carries: fx.carries}
	for _, f := range fx.files {
		if (len(f.ops) > 0 || len(f.env) > 0) && f.target.Scope > out.Scope {
			out.Scope, out.where = f.target.Scope, f.target.Where
		}
		if len(f.ops) > 0 && f.content != nil && f.root != nil {
			if out.targets == nil {
				out.targets = map[string][]fix.Target{}
			}
			for _, op := range f.ops {
				out.targets[f.path] = append(out.targets[f.path], fix.TargetsOf(f.root, op)...)
			}
		}
	}
	s, cs, ok := fx.replay()
	if !ok || widensPrivacy(fx.in.Consumers, cs) {
		return Fix{}, false
	}
	out.raises = fx.in.raises(s, cs)
	return out, true
}

// label names a file for a fix title: "user settings", the path relative to
// the folder, "the GOENV file", or the file's name.
func (in *Input) label(path string) string {
	s := in.Snap
	switch {
	case path == s.UserSettingsPath:
		return "user settings"
	case s.Workspace != nil && s.Workspace.IsWorkspaceFile && path == s.Workspace.Path:
		return filepath.Base(path)
	}
	for _, c := range in.Consumers {
		if c.GoEnvPath == path {
			return "the GOENV file"
		}
	}
	if rel, err := filepath.Rel(s.Folder, path); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(path)
}

// keyLabel is how a title names the setting at p: its key path, or
// "KEY" for a GOENV file line.
func keyLabel(p sources.Provenance) string {
	if p.Key == "" {
		return "the value"
	}
	return p.Key
}

// settingsFor is the settings file a fix writes a window-level value into
// when the value's own place will not do: the file of p when it is user or
// workspace settings VS Code honours there, else user settings.
func (in *Input) settingsFor(p sources.Provenance) string {
	s := in.Snap
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

// addFix attaches a fix that could be built.
func (f *Finding) addFix(fx Fix, ok bool) {
	if ok {
		f.Fixes = append(f.Fixes, fx)
	}
}

// holds reports whether, with the fix applied, check holds for each named
// consumer (all of them must still exist).
func (fx *fixer) holds(names []string, check func(c *resolve.Consumer) bool) bool {
	cs, ok := fx.after()
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

// removeToFallBack is the fix of an empty value that masks a default: the
// line or setting goes, and the consumers fall back to $GOROOT/go.env — when
// that gives them a value check accepts.
func (in *Input) removeToFallBack(f *Finding, p sources.Provenance, check func(c *resolve.Consumer) bool) {
	switch p.Source {
	case sources.GoEnvFile, sources.VSCodeUser, sources.VSCodeWorkspace, sources.VSCodeFolder, sources.Launch, sources.Tasks:
	default:
		return
	}
	fx := in.fixer()
	fx.remove(p)
	if !fx.holds(f.Consumers, check) {
		return
	}
	title := "Remove " + keyLabel(p) + " from " + in.label(p.File)
	if p.Source == sources.GoEnvFile {
		title += " (go env -u " + p.Key + ")"
	}
	f.addFix(fx.build(title, true))
}

// cover changes the fix step by step until no named consumer is exposed:
// step extends one exposed consumer (as the engine sees it with the changes
// so far). It reports whether everyone ends up covered.
func (fx *fixer) cover(names []string, exposed func(*resolve.Consumer) bool, step func(*resolve.Consumer) bool) bool {
	cs := fx.in.Consumers
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
		if cs, ok = fx.after(); !ok {
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

// fixKey identifies a fix by its edits.
func fixKey(f Fix) string {
	var b strings.Builder
	for _, e := range f.Edits {
		fmt.Fprintf(&b, "%s\x00%d\x00%d\x00%t\x00%s\x00", e.File, e.Span.Start, e.Span.End, e.Create, e.NewText)
	}
	return b.String()
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
