package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// rows returns the variables worth showing: set for at least one consumer.
func (e Env) rows() []string {
	var out []string
	for _, name := range resolve.Modelled {
		for _, c := range e.Consumers {
			if c.Vars[name].Value != "" {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

func (e Env) divergent() map[string]bool {
	m := map[string]bool{}
	for _, d := range e.Divergent {
		m[d] = true
	}
	return m
}

// Origin is one distinct value of a variable and the consumers holding it.
type Origin struct {
	Value     string
	Where     string // e.g. ".vscode/settings.json:4 go.toolsEnvVars.GOPROXY"
	Consumers []string
	Note      string
}

// Origins groups a variable's values across consumers by value, provenance
// and note (a value go env confirmed for one consumer and not another is two
// origins).
func (e Env) Origins(name string) []Origin {
	var out []Origin
	index := map[string]int{}
	for _, c := range e.Consumers {
		v := c.Vars[name]
		where := Where(e.Folder, v)
		k := v.Value + "\x00" + where + "\x00" + v.Note
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Origin{Value: v.Value, Where: where, Note: v.Note})
		}
		out[i].Consumers = append(out[i].Consumers, c.Name)
	}
	return out
}

// Where describes a value's provenance for people: the file, line and key,
// and for files whose name says little, what the file is.
func Where(folder string, v Var) string {
	switch {
	case v.File != "":
		w := fmt.Sprintf("%s:%d %s", Rel(folder, v.File), v.Line, v.Key)
		if what := fileKind(v.Source); what != "" {
			w += " (" + what + ")"
		}
		return w
	case v.Source == sources.ProcessEnv:
		return "process environment"
	case v.Source == sources.Derived:
		return "set by vscode-go for tool installation"
	}
	return "built-in default"
}

// fileKind names a source file in the words its owner knows it by, where
// its path alone does not say.
func fileKind(k sources.Kind) string {
	switch k {
	case sources.GoEnvFile:
		return "your go env -w file"
	case sources.GorootGoEnv:
		return "the Go installation's go.env"
	case sources.VSCodeUser:
		return "VS Code user settings"
	case sources.ShellRC:
		return "shell start-up file, exported into the environment"
	}
	return ""
}

// Rel shortens paths inside folder; others stay absolute.
func Rel(folder, path string) string {
	if folder != "" {
		if r, err := filepath.Rel(folder, path); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return path
}

// DefaultWidth is the width of the env table when the terminal's is unknown.
const DefaultWidth = 120

// TextOptions shape the env table.
type TextOptions struct {
	// Width is the terminal's width in columns (<= 0: DefaultWidth). Values
	// are cut to fit it, never in the part that differs between consumers.
	Width int
	// Wide prints values whole (up to clip.MaxValue characters).
	Wide bool
	// ShellTerminal says the terminal column is the environment of the shell
	// that ran the command (the CLI), explained under the table.
	ShellTerminal bool
}

// hasBuildConsumers reports whether a consumer is an image or CI job.
func (e Env) hasBuildConsumers() bool {
	for _, c := range e.Consumers {
		for _, p := range []string{"docker:", "ci:", "gitlab:"} {
			if strings.HasPrefix(c.Name, p) {
				return true
			}
		}
		if c.Name == "devcontainer" || strings.HasPrefix(c.Name, "devcontainer:") {
			return true
		}
	}
	return false
}

// Text is TextWith the default options.
func (e Env) Text() string { return e.TextWith(TextOptions{}) }

// TextWith renders a folder's environment as a terminal table: a row per
// variable, a column per consumer, "≠" before every row whose consumers'
// values differ, then where each distinct value comes from.
func (e Env) TextWith(o TextOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Folder %s\n\n", e.Folder)
	names := e.rows()
	header := []string{"", "VARIABLE"}
	for _, c := range e.Consumers {
		header = append(header, c.Name)
	}
	cells := make([][]cell, len(names))
	anyDiffer, anyUncertain, installOnly := false, false, false
	divergent := e.divergent()
	marks := make([]string, len(names))
	for r, name := range names {
		cells[r] = make([]cell, len(e.Consumers))
		for i, c := range e.Consumers {
			v := c.Vars[name]
			cells[r][i] = cell{text: []rune(printable(v.Value)), unset: v.Value == "", uncertain: v.Uncertain}
			anyUncertain = anyUncertain || v.Uncertain
		}
		if differ(cells[r]) {
			marks[r] = "≠"
			anyDiffer = true
			installOnly = installOnly || !divergent[name]
		}
	}
	width := o.Width
	if width <= 0 {
		width = DefaultWidth
	}
	nameW := len("VARIABLE")
	for _, n := range names {
		nameW = max(nameW, utf8.RuneCountInString(n))
	}
	// Mark, name and the gaps between columns take their room first.
	avail := width - (1 + 2) - (nameW + 2) - 2*max(len(e.Consumers)-1, 0)
	colW := columnWidths(header[2:], cells, avail, o.Wide)

	table := [][][]string{toLines(header)}
	for r, name := range names {
		row := [][]string{{marks[r]}, {name}}
		for i := range e.Consumers {
			row = append(row, cells[r][i].render(colW[i], cells[r]))
		}
		table = append(table, row)
	}
	writeLines(&b, table)
	switch {
	case anyDiffer && installOnly && e.hasBuildConsumers():
		b.WriteString("\n≠ the consumers' values differ (images and CI jobs start from their own files' settings; vscode-go changes GOFLAGS, GOENV, GOROOT and GOTOOLCHAIN for install on purpose).\n")
	case anyDiffer && installOnly:
		b.WriteString("\n≠ the consumers' values differ (vscode-go changes GOFLAGS, GOENV, GOROOT and GOTOOLCHAIN for install on purpose).\n")
	case anyDiffer:
		b.WriteString("\n≠ the consumers' values differ.\n")
	}
	if anyUncertain {
		if e.hasBuildConsumers() {
			b.WriteString("(?) the client could not observe the value directly, or an image or CI job gets it only when it runs.\n")
		} else {
			b.WriteString("(?) the client could not observe the value directly.\n")
		}
	}
	if o.ShellTerminal {
		b.WriteString("The terminal column is this shell's environment; a VS Code terminal may differ (its settings, or a window opened before a change).\n")
	}
	b.WriteString("\nWhere the values come from:\n")
	for _, name := range names {
		for _, or := range e.Origins(name) {
			if or.Value == "" {
				continue
			}
			fmt.Fprintf(&b, "  %-12s %s\n      ← %s  [%s]", name, printable(clip.Value(or.Value)), printable(clip.Value(or.Where)), strings.Join(or.Consumers, ", "))
			if or.Note != "" {
				fmt.Fprintf(&b, " (%s)", printable(clip.Message(or.Note)))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// printable shows control characters as escapes, so that a value cannot
// break the table's lines; quotes stay as they are in the value.
func printable(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(s)
}

// A cell is one consumer's value of one variable.
type cell struct {
	text             []rune
	unset, uncertain bool
}

// differ reports whether a row's cells hold different values.
func differ(row []cell) bool {
	for _, c := range row[1:] {
		if c.unset != row[0].unset || string(c.text) != string(row[0].text) {
			return true
		}
	}
	return false
}

// common returns the lengths of the prefix and the suffix that all the set
// values of a row share (not overlapping): what lies between is the part
// that differs. An unset cell shows "-", which differs from any value
// however the value is cut, so it does not count.
func common(row []cell) (p, s int) {
	first := true
	var ref []rune
	for _, c := range row {
		if c.unset {
			continue
		}
		if first {
			ref, p, s, first = c.text, len(c.text), len(c.text), false
			continue
		}
		p = min(p, len(c.text))
		for i := 0; i < p; i++ {
			if c.text[i] != ref[i] {
				p = i
				break
			}
		}
		s = min(s, len(c.text))
		for i := 0; i < s; i++ {
			if c.text[len(c.text)-1-i] != ref[len(ref)-1-i] {
				s = i
				break
			}
		}
	}
	if first {
		return 0, 0
	}
	// The suffix must not overlap the prefix in the shortest value.
	shortest := -1
	for _, c := range row {
		if !c.unset && (shortest < 0 || len(c.text) < shortest) {
			shortest = len(c.text)
		}
	}
	return p, min(s, shortest-p)
}

// display is the cell as the table shows it, whole.
func (c cell) display() []rune {
	t := c.text
	if c.unset {
		t = []rune("-")
	}
	if c.uncertain {
		t = append(append([]rune{}, t...), []rune(" (?)")...)
	}
	return t
}

// render returns the cell in lines of at most w characters: cut with
// ellipses around the part that differs from the row's other values, or,
// when that part alone is wider than w, wrapped so that nothing is lost.
func (c cell) render(w int, row []cell) []string {
	suffix := ""
	if c.uncertain {
		suffix = " (?)"
	}
	if c.unset {
		return []string{"-" + suffix}
	}
	p, s := common(row)
	// Values longer than clip.MaxValue are cut there first, keeping the
	// part that differs when it fits.
	text := c.text
	if len(text) > clip.MaxValue {
		if cut, ok := fit(text, clip.MaxValue, p, s); ok {
			text = []rune(cut)
		} else {
			text = []rune(clip.Value(string(text)))
		}
		p, s = 0, 0
	}
	if len(text)+len(suffix) <= w {
		return []string{string(text) + suffix}
	}
	if cut, ok := fit(text, w-len(suffix), p, s); ok {
		return []string{cut + suffix}
	}
	whole := append(append([]rune{}, text...), []rune(suffix)...)
	var lines []string
	for len(whole) > 0 {
		n := min(max(w, 1), len(whole))
		lines = append(lines, string(whole[:n]))
		whole = whole[n:]
	}
	return lines
}

// fit cuts v to at most w characters keeping v[p:len(v)-s], the part that
// differs, whole, with an ellipsis on each side that lost characters. It
// keeps as much of the value's start as it can. ok is false when the part
// that differs (and its ellipses) is wider than w.
func fit(v []rune, w, p, s int) (string, bool) {
	n := len(v)
	if n <= w {
		return string(v), true
	}
	prefix, mid, suffix := v[:p], v[p:n-s], v[n-s:]
	rem := w - len(mid)
	const e = clip.Ellipsis
	switch {
	case len(mid) == 0:
		// Nothing here differs: keep the start, as clip does.
		return clip.To(string(v), w), w >= 1
	case rem < 0:
		return "", false
	case s > 0 && rem-p-1 >= 0:
		// The whole prefix, the suffix cut (n > w: it cannot be whole too).
		return string(prefix) + string(mid) + string(suffix[:rem-p-1]) + e, true
	case p > 0 && rem-s-1 >= 0:
		// The whole suffix, the prefix cut to its end.
		return e + string(prefix[p-(rem-s-1):]) + string(mid) + string(suffix), true
	case p > 0 && s > 0 && rem >= 2:
		l := min(p-1, (rem-1)/2)
		r := min(s-1, rem-2-l)
		l = rem - 2 - r
		return e + string(prefix[p-l:]) + string(mid) + string(suffix[:r]) + e, true
	}
	return "", false
}

// columnWidths chooses the consumers' column widths: whole values when they
// fit in avail (or wide), else the widest columns narrowed first, none
// below its header or 8 characters.
func columnWidths(header []string, cells [][]cell, avail int, wide bool) []int {
	w := make([]int, len(header))
	floor := make([]int, len(header))
	for i, h := range header {
		w[i] = utf8.RuneCountInString(h)
		floor[i] = max(w[i], 8)
		for _, row := range cells {
			w[i] = max(w[i], min(len(row[i].display()), clip.MaxValue))
		}
		floor[i] = min(floor[i], w[i])
	}
	if wide {
		return w
	}
	total := 0
	for _, x := range w {
		total += x
	}
	for total > avail {
		widest := -1
		for i := range w {
			if w[i] > floor[i] && (widest < 0 || w[i] > w[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		w[widest]--
		total--
	}
	return w
}

func toLines(row []string) [][]string {
	out := make([][]string, len(row))
	for i, c := range row {
		out[i] = []string{c}
	}
	return out
}

func truncate(s string, n int) string {
	return clip.To(printable(clip.To(s, n+1)), n)
}

// writeTable writes rows of one-line cells in columns two spaces apart.
func writeTable(b *strings.Builder, table [][]string) {
	lines := make([][][]string, len(table))
	for i, row := range table {
		lines[i] = toLines(row)
	}
	writeLines(b, lines)
}

// writeLines writes rows of cells, each cell one or more lines, in columns
// two spaces apart.
func writeLines(b *strings.Builder, table [][][]string) {
	widths := make([]int, len(table[0]))
	for _, row := range table {
		for i, cell := range row {
			for _, l := range cell {
				widths[i] = max(widths[i], utf8.RuneCountInString(l))
			}
		}
	}
	for _, row := range table {
		height := 1
		for _, cell := range row {
			height = max(height, len(cell))
		}
		for k := 0; k < height; k++ {
			var line strings.Builder
			for i, cell := range row {
				l := ""
				if k < len(cell) {
					l = cell[k]
				}
				line.WriteString(l)
				if i < len(row)-1 {
					line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(l)+2))
				}
			}
			b.WriteString(strings.TrimRight(line.String(), " "))
			b.WriteString("\n")
		}
	}
}
