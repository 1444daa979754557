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

// Where describes a value's provenance for people.
func Where(folder string, v Var) string {
	switch {
	case v.File != "":
		return fmt.Sprintf("%s:%d %s", Rel(folder, v.File), v.Line, v.Key)
	case v.Source == sources.ProcessEnv:
		return "process environment"
	case v.Source == sources.Derived:
		return "set by vscode-go for tool installation"
	}
	return "built-in default"
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

// Text renders a folder's environment as a terminal table: a row per
// variable, a column per consumer, "≠" before rows whose consumers disagree,
// then where each distinct value comes from.
func (e Env) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Folder %s\n\n", e.Folder)
	divergent := e.divergent()
	header := []string{"", "VARIABLE"}
	for _, c := range e.Consumers {
		header = append(header, c.Name)
	}
	table := [][]string{header}
	names := e.rows()
	for _, name := range names {
		mark := " "
		if divergent[name] {
			mark = "≠"
		}
		row := []string{mark, name}
		for _, c := range e.Consumers {
			v := c.Vars[name]
			cell := v.Value
			if cell == "" {
				cell = "-"
			}
			if v.Uncertain {
				cell += " (?)"
			}
			row = append(row, truncate(cell, 34))
		}
		table = append(table, row)
	}
	writeTable(&b, table)
	if len(divergent) > 0 {
		b.WriteString("\n≠ the consumers disagree.  (?) the client could not observe the value directly.\n")
	}
	b.WriteString("\nWhere the values come from:\n")
	for _, name := range names {
		for _, o := range e.Origins(name) {
			if o.Value == "" {
				continue
			}
			fmt.Fprintf(&b, "  %-12s %s\n      ← %s  [%s]", name, quote(o.Value), clip.Value(o.Where), strings.Join(o.Consumers, ", "))
			if o.Note != "" {
				fmt.Fprintf(&b, " (%s)", clip.Message(o.Note))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func quote(s string) string {
	s = clip.Value(s)
	q := fmt.Sprintf("%q", s)
	if q[1:len(q)-1] == s && !strings.ContainsAny(s, " ,|") {
		return s
	}
	return q
}

func truncate(s string, n int) string {
	s = strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(clip.To(s, n+1))
	return clip.To(s, n)
}

func writeTable(b *strings.Builder, table [][]string) {
	widths := make([]int, len(table[0]))
	for _, row := range table {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range table {
		var line strings.Builder
		for i, cell := range row {
			line.WriteString(cell)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
}

// Markdown renders folders' environments for VS Code: a table per folder with
// divergent variables in bold, then the provenance of each distinct value.
func Markdown(envs []Env) string {
	var b strings.Builder
	b.WriteString("# Effective Go environment\n\n")
	b.WriteString("Each column is a process that runs the go command for the folder; **bold ≠** rows differ between them.\n")
	for _, e := range envs {
		fmt.Fprintf(&b, "\n## %s\n\n", e.Folder)
		divergent := e.divergent()
		b.WriteString("| Variable |")
		for _, c := range e.Consumers {
			fmt.Fprintf(&b, " %s |", c.Name)
		}
		b.WriteString("\n|---|")
		for range e.Consumers {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		names := e.rows()
		for _, name := range names {
			if divergent[name] {
				fmt.Fprintf(&b, "| **%s ≠** |", name)
			} else {
				fmt.Fprintf(&b, "| %s |", name)
			}
			for _, c := range e.Consumers {
				v := c.Vars[name]
				cell := "–"
				if v.Value != "" {
					cell = "`" + mdEscape(clip.Value(v.Value)) + "`"
				}
				if v.Uncertain {
					cell += " (uncertain)"
				}
				fmt.Fprintf(&b, " %s |", cell)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n### Where the values come from\n\n")
		for _, name := range names {
			for _, o := range e.Origins(name) {
				if o.Value == "" {
					continue
				}
				fmt.Fprintf(&b, "- `%s` = `%s` ← %s — %s", name, mdEscape(clip.Value(o.Value)), mdEscape(clip.Value(o.Where)), strings.Join(o.Consumers, ", "))
				if o.Note != "" {
					fmt.Fprintf(&b, " (%s)", mdEscape(clip.Message(o.Note)))
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'", "\r", `\r`, "\n", `\n`).Replace(s)
}
