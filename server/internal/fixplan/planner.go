// Package fixplan is the fix planner: it turns the changes a rule wants
// (set, remove, rename, rewrite a value, across settings, launch, tasks and
// GOENV files) into minimal edits, replays them in memory through resolve
// and every rule, and ranks the fixes a finding offers. The rules decide
// what to change; the planner decides whether and how the change can be
// made safely. It does no I/O: the snapshot holds every file's content.
package fixplan

import (
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
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

// writePolicy is the folder's write policy, derived once per run.
func (plan *Planner) writePolicy() *writepolicy.Policy {
	if plan.policy == nil {
		plan.policy = writepolicy.New(plan.Snap, plan.Consumers)
	}
	return plan.policy
}

// Editable reports whether Rewrite can change a value set at p.
func (plan *Planner) Editable(p sources.Provenance, value string) bool {
	fx := plan.Fixer()
	fx.Rewrite(p, value, value)
	return fx.err == nil
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
