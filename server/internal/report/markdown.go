package report

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

// DiffersMark marks a variable whose value differs between consumers.
const DiffersMark = "≠"

// Markdown renders folders' environments for an editor (Go Proxy: Show
// Effective Environment; any client reads it from the environment
// command's result): per folder, the variables the consumers disagree on
// side by side, then a table per consumer with each value, its source,
// where it is set and what go env said about it. Its tables are padded so
// that the text reads as tables without a Markdown renderer too.
func Markdown(envs []Env) string {
	out := []string{"# Go Proxy Doctor: effective Go environment", ""}
	out = append(out,
		"Each consumer is a process the editor or you start: `terminal` (go in the integrated terminal), `gopls`, "+
			"`tools` (tools vscode-go runs), `install` (tool installation), `debug:<name>`, `task:<label>`, and each "+
			"Docker build stage, dev container and CI job that runs go (`docker:<file>#<stage>`, `devcontainer`, "+
			"`ci:<workflow>/<job>`, `gitlab:<job>`: from their files' settings alone). "+
			DiffersMark+" marks a variable whose value differs between the editor's consumers and the terminal.",
		"")
	if len(envs) == 0 {
		out = append(out, "No workspace folder is open.")
		return strings.Join(out, "\n") + "\n"
	}
	for _, e := range envs {
		divergent := e.divergent()
		out = append(out, "## "+mdText(e.Folder), "")
		if len(e.Divergent) > 0 {
			names := sortVariables(e.Divergent)
			out = append(out, "**"+DiffersMark+" Differs between consumers: "+strings.Join(names, ", ")+"**", "")
			// One row per distinct (value, source) of each divergent
			// variable, naming the consumers that share it.
			var rows [][]string
			for _, name := range names {
				type group struct {
					consumers     []string
					value, source string
				}
				var groups []*group
				index := map[string]*group{}
				for _, c := range e.Consumers {
					value, source := "(unset)", ""
					if v, ok := c.Vars[name]; ok {
						value, source = displayValue(v.Value), string(v.Source)
					}
					k := value + "\x00" + source
					g := index[k]
					if g == nil {
						g = &group{value: value, source: source}
						index[k] = g
						groups = append(groups, g)
					}
					g.consumers = append(g.consumers, c.Name)
				}
				for i, g := range groups {
					first := ""
					if i == 0 {
						first = DiffersMark + " " + name
					}
					rows = append(rows, []string{first, strings.Join(g.consumers, ", "), g.value, g.source})
				}
			}
			out = append(out, markdownTable([]string{"Variable", "Consumers", "Value", "Source"}, rows), "")
		} else {
			out = append(out, "All consumers agree.", "")
		}
		for _, c := range e.Consumers {
			out = append(out, "### "+mdText(c.Name), "")
			names := make([]string, 0, len(c.Vars))
			for name := range c.Vars {
				names = append(names, name)
			}
			var rows [][]string
			var notes []string
			for _, name := range sortVariables(names) {
				v := c.Vars[name]
				loc := v
				if loc.Key == name {
					loc.Key = "" // a GOENV file line: the name is already in the row
				}
				at := describeLocation(loc, e.Folder)
				if what := fileKind(v.Source); what != "" && v.File != "" {
					at += " (" + what + ")"
				}
				mark := ""
				if divergent[name] {
					mark = DiffersMark
				}
				value := displayValue(v.Value)
				if v.Uncertain {
					value += " (uncertain)"
				}
				rows = append(rows, []string{mark, name, value, string(v.Source), at})
				if v.Note != "" {
					notes = append(notes, "- `"+name+"`: "+mdText(clip.Message(v.Note)))
				}
			}
			if len(rows) == 0 {
				out = append(out, "No variables reported.", "")
				continue
			}
			out = append(out, markdownTable([]string{"", "Variable", "Value", "Source", "Set at"}, rows), "")
			if len(notes) > 0 {
				out = append(out, "Notes:", "")
				out = append(out, notes...)
				out = append(out, "")
			}
		}
	}
	return strings.Join(out, "\n")
}

// sortVariables orders names as resolve.Modelled does (the order people
// look for them in); any other name follows alphabetically.
func sortVariables(names []string) []string {
	rank := func(n string) int {
		if i := slices.Index(resolve.Modelled, n); i >= 0 {
			return i
		}
		return len(resolve.Modelled)
	}
	out := slices.Clone(names)
	slices.SortStableFunc(out, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(out)
}

// displayValue shows an empty value as such.
func displayValue(v string) string {
	if v == "" {
		return "(empty)"
	}
	return v
}

// describeLocation says where a value was set, `.vscode/settings.json:3
// go.toolsEnvVars.GOPROXY`, relative to the folder when inside it.
func describeLocation(v Var, folder string) string {
	if v.File == "" {
		return v.Key
	}
	file := v.File
	if folder != "" {
		root := folder
		if !strings.HasSuffix(root, "/") && !strings.HasSuffix(root, `\`) {
			if strings.Contains(root, `\`) && !strings.Contains(root, "/") {
				root += `\`
			} else {
				root += "/"
			}
		}
		file = strings.TrimPrefix(file, root)
	}
	at := file
	if v.Line > 0 {
		at = file + ":" + strconv.Itoa(v.Line)
	}
	if v.Key != "" {
		at += " " + v.Key
	}
	return at
}

// mdText keeps a value on one line and its characters literal in a table
// cell: control characters as escapes, | and \ escaped.
func mdText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "|", `\|`, "\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(s)
}

// markdownTable is a Markdown table padded so that it also reads as a
// table in plain text.
func markdownTable(headers []string, rows [][]string) string {
	head := make([]string, len(headers))
	widths := make([]int, len(headers))
	for i, h := range headers {
		head[i] = mdText(h)
		widths[i] = max(utf8.RuneCountInString(head[i]), 3)
	}
	cells := make([][]string, len(rows))
	for r, row := range rows {
		cells[r] = make([]string, len(headers))
		for i := range headers {
			if i < len(row) {
				cells[r][i] = mdText(row[i])
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cells[r][i]))
		}
	}
	line := func(cs []string) string {
		padded := make([]string, len(cs))
		for i, c := range cs {
			padded[i] = c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
		}
		return "| " + strings.Join(padded, " | ") + " |"
	}
	rule := make([]string, len(widths))
	for i, w := range widths {
		rule[i] = strings.Repeat("-", w)
	}
	lines := []string{line(head), line(rule)}
	for _, c := range cells {
		lines = append(lines, line(c))
	}
	return strings.Join(lines, "\n")
}
