package explain

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Options shape a rendering.
type Options struct {
	// Folder is the workspace folder: files inside it are named relative to it.
	Folder string
	// Link is the target of a link to a file's line (Markdown only; nil: no links).
	Link func(file string, line int) string
}

// style is Markdown or plain text.
type style struct {
	md   bool
	opts Options
}

func (s style) code(v string) string {
	v = clip.Value(v)
	if !s.md {
		return v
	}
	if v == "" {
		return "`\"\"`"
	}
	fence := "`"
	for strings.Contains(v, fence) {
		fence += "`"
	}
	if strings.HasPrefix(v, "`") || strings.HasSuffix(v, "`") {
		return fence + " " + v + " " + fence
	}
	return fence + v + fence
}

// sep shows a GOPROXY separator after an entry.
func (s style) sep(sep string) string {
	switch {
	case sep == "":
		return ""
	case s.md:
		return " " + s.code(sep)
	}
	return " '" + sep + "'"
}

func (s style) bold(v string) string {
	if s.md {
		return "**" + escape(v) + "**"
	}
	return v
}

// escape backslash-escapes Markdown's punctuation in text shown as is.
func escape(v string) string {
	var b strings.Builder
	for _, r := range v {
		if strings.ContainsRune("\\`*_[]<>|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s style) text(v string) string {
	if s.md {
		return escape(v)
	}
	return v
}

// place names a file's line, linked in Markdown.
func (s style) place(file string, line int) string {
	name := file
	if s.opts.Folder != "" {
		if rel, err := filepath.Rel(s.opts.Folder, file); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			name = rel
		}
	}
	label := name
	if line > 0 {
		label = fmt.Sprintf("%s:%d", name, line)
	}
	if !s.md {
		return label
	}
	if s.opts.Link == nil {
		return escape(label)
	}
	return "[" + escape(label) + "](" + s.opts.Link(file, line) + ")"
}

// source says where an entry is set.
func (s style) source(e Entry) string {
	switch e.Source {
	case sources.ProcessEnv:
		return "the process environment"
	case sources.Default:
		return "the go command's default"
	case sources.Derived:
		return s.text("derived by the editor (" + e.Key + ")")
	case sources.GoEnvFile:
		return "the GOENV file " + s.place(e.File, e.Line)
	case sources.GorootGoEnv:
		if e.standIn {
			return s.place(e.File, e.Line) + s.text(" (this machine's, standing in for the image's or runner's)")
		}
		return s.place(e.File, e.Line)
	}
	if e.File == "" {
		return s.text(string(e.Source))
	}
	if stage, rest, ok := strings.Cut(e.Key, " "); ok && e.Source == sources.DockerfileKind && strings.Contains(rest, " ") {
		// A stage's key is "<stage> ENV NAME": the stage is named, or
		// numbered from 0 when it has no name; a global ARG's is "ARG NAME".
		return s.code(rest) + s.text(" of stage "+stage) + " in " + s.place(e.File, e.Line)
	}
	return s.code(e.Key) + " in " + s.place(e.File, e.Line)
}

// entry is an entry's value and where it is set.
func (s style) entry(e Entry) string {
	if e.Removed {
		return "null (removes it) at " + s.source(e)
	}
	return s.code(e.Value) + " from " + s.source(e)
}

// Markdown renders a for a hover.
func (a *Answer) Markdown(o Options) string { return a.render(style{md: true, opts: o}) }

// Text renders a for a terminal.
func (a *Answer) Text(o Options) string { return a.render(style{opts: o}) }

func (a *Answer) render(s style) string {
	var b strings.Builder
	if a.Var != nil {
		a.Var.render(&b, s)
	}
	if a.Module != nil {
		a.Module.render(&b, s)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

var roleText = map[string]string{
	RoleWins:     "this entry wins",
	RoleShadowed: "this entry is shadowed",
	RoleRemoves:  "this entry removes the variable",
	RoleEmpty:    "this entry is empty, which the go command treats as unset",
	RoleDeclares: "this ARG has no default: it lets in the value the build supplies",
}

func (va *VarAnswer) render(b *strings.Builder, s style) {
	bullet := "- "
	if !s.md {
		bullet = "  "
	}
	if va.Entry != nil && va.Entry.declares {
		fmt.Fprintf(b, "%s declared by %s\n\n", s.bold(va.Name), s.source(*va.Entry))
	} else if va.Entry != nil {
		fmt.Fprintf(b, "%s set by %s\n\n", s.bold(va.Name), s.source(*va.Entry))
	} else {
		fmt.Fprintf(b, "%s\n\n", s.bold(va.Name))
	}
	if va.NotRead != "" {
		fmt.Fprintf(b, "Not read: %s.\n\n", s.text(va.NotRead))
	}
	// Consumers that see the same thing share a line.
	for _, line := range s.grouped(va.Consumers) {
		b.WriteString(bullet + line + "\n")
	}
	others := make([]ConsumerVar, len(va.Others))
	for i, cv := range va.Others {
		cv.Role, cv.Shadowed = "", nil
		others[i] = cv
	}
	for _, line := range s.grouped(others) {
		b.WriteString(bullet + line + s.text(" (not reached by this entry)") + "\n")
	}
	for _, l := range va.GOPROXY {
		b.WriteString("\n")
		l.render(b, s)
	}
	for _, l := range va.Patterns {
		b.WriteString("\n")
		l.render(b, s, va.Name)
	}
	b.WriteString("\n")
}

// grouped renders one line per distinct view, naming every consumer that has it.
func (s style) grouped(cvs []ConsumerVar) []string {
	var order []string
	who := map[string][]string{}
	for _, cv := range cvs {
		line := s.consumerLine(cv)
		if _, ok := who[line]; !ok {
			order = append(order, line)
		}
		who[line] = append(who[line], cv.Consumer)
	}
	out := make([]string, len(order))
	for i, line := range order {
		out[i] = s.bold(strings.Join(who[line], ", ")) + ": " + line
	}
	return out
}

// consumerLine is what one consumer sees, without its name.
func (s style) consumerLine(cv ConsumerVar) string {
	var parts []string
	head := ""
	if cv.Winner.Source == sources.Default && cv.Value == "" {
		head += "unset"
	} else {
		head += s.entry(Entry{Value: cv.Value, Source: cv.Winner.Source, File: cv.Winner.File, Line: cv.Winner.Line, Key: cv.Winner.Key})
	}
	parts = append(parts, head)
	if r := roleText[cv.Role]; r != "" {
		parts = append(parts, r)
	}
	if len(cv.Shadowed) > 0 {
		var sh []string
		for _, e := range cv.Shadowed {
			sh = append(sh, s.entry(e))
		}
		parts = append(parts, "shadows "+strings.Join(sh, ", "))
	}
	if cv.Note != "" {
		parts = append(parts, s.text(cv.Note))
	}
	if cv.Uncertain {
		parts = append(parts, "uncertain: the editor cannot observe this process's copy")
	}
	if cv.Unconfirmed != "" && !strings.Contains(cv.Note, cv.Unconfirmed) {
		parts = append(parts, s.text("unconfirmed: "+cv.Unconfirmed))
	}
	return strings.Join(parts, "; ")
}

func (l ProxyList) render(b *strings.Builder, s style) {
	head := "GOPROXY " + s.code(l.Value)
	if len(l.Consumers) > 0 {
		head += s.text(" (" + strings.Join(l.Consumers, ", ") + ")")
	}
	fmt.Fprintf(b, "%s, in the order the go command tries it:\n\n", head)
	if l.Error != "" {
		fmt.Fprintf(b, "The go command rejects it: %s\n\n", s.text(l.Error))
	}
	for _, st := range l.Steps {
		line := fmt.Sprintf("%d. %s", st.Index, s.code(st.Entry))
		if !s.md {
			line = "  " + line
		}
		line += s.sep(st.Sep) + ": " + s.text(st.Then)
		if st.Error != "" {
			line += s.text("; rejected: " + st.Error)
		}
		if v := st.Verify; v != nil {
			line += s.text(fmt.Sprintf("; last Verify: %s, %.0f ms", v.Status, v.LatencyMs))
			if v.Error != "" {
				line += s.text(" (" + v.Error + ")")
			}
		}
		b.WriteString(line + "\n")
	}
}

func (l PatternList) render(b *strings.Builder, s style, name string) {
	head := name + " " + s.code(l.Value)
	if len(l.Consumers) > 0 {
		head += s.text(" (" + strings.Join(l.Consumers, ", ") + ")")
	}
	fmt.Fprintf(b, "%s against the module paths this folder requires:\n\n", head)
	for i, p := range l.Patterns {
		line := fmt.Sprintf("%d. %s: ", i+1, s.code(p.Glob))
		if !s.md {
			line = "  " + line
		}
		switch {
		case p.Problem != "":
			line += s.text("never matches a module path: " + p.Problem)
		case len(p.Modules) == 0:
			line += "matches none of them"
		default:
			var mods []string
			for _, m := range p.Modules {
				mods = append(mods, s.code(m))
			}
			if len(mods) > 5 {
				mods = append(mods[:5], s.text(fmt.Sprintf("and %d more", len(p.Modules)-5)))
			}
			line += "matches " + strings.Join(mods, ", ")
		}
		b.WriteString(line + "\n")
	}
}

func (ma *ModuleAnswer) render(b *strings.Builder, s style) {
	head := s.bold(ma.Path)
	if ma.Version != "" {
		head += " " + s.code(ma.Version)
	}
	fmt.Fprintf(b, "%s: how each consumer fetches it\n\n", head)
	for _, rt := range ma.Routes {
		fmt.Fprintf(b, "%s%s:", map[bool]string{true: "- ", false: "  "}[s.md], s.bold(strings.Join(rt.Consumers, ", ")))
		if rt.Private != "" {
			fmt.Fprintf(b, " private (GONOPROXY pattern %s) → direct", s.code(rt.Private))
		}
		if rt.Error != "" {
			fmt.Fprintf(b, " %s", s.text("the go command rejects its GOPROXY: "+rt.Error))
		}
		b.WriteString("\n")
		indent := "    "
		if s.md {
			indent = "  "
		}
		for i, st := range rt.Steps {
			line := fmt.Sprintf("%s%d. %s", indent, i+1, s.code(st.Entry)) + s.sep(st.Sep)
			b.WriteString(line + ": " + s.text(st.Action) + "\n")
		}
		bullet := indent + "- "
		if !s.md {
			bullet = indent
		}
		fmt.Fprintf(b, "%schecksum database: %s\n", bullet, s.text(rt.SumDB))
		if v := rt.Verify; v != nil {
			line := "last Verify (" + v.Version + "): " + v.Outcome
			if v.ServedBy != "" {
				line += ", served by " + v.ServedBy
			}
			if v.SumDB != "" {
				line += ", checksum database " + v.SumDB
			}
			if v.Error != "" {
				line += ": " + v.Error
			}
			fmt.Fprintf(b, "%s%s\n", bullet, s.text(line))
		}
	}
	b.WriteString("\n")
}
