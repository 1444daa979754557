package rules

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// The fixes of the cross-consumer rules give a CI job or a build stage a
// variable in the file that models it: a key in the job's env: (GitHub
// Actions) or variables: (GitLab CI), an ENV line after the stage's FROM
// (Dockerfile), or a longer list where the file already sets it. Each is
// one text edit at the indentation the file uses.

// plainYAML is a value that needs no quotes in YAML.
var plainYAML = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:,|=+-]*$`)

// yamlScalar writes a value for a YAML mapping.
func yamlScalar(v string) string {
	if plainYAML.MatchString(v) && !strings.Contains(v, ": ") {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// setForConsumer makes the build consumer c set each name to its value:
// where the file already sets it (the value's text rewritten when it is
// written plainly), else in the job's env or variables, else with ENV in
// the stage. It says where, in words, or nil when no edit is safe.
func (in *Input) setForConsumer(fx *fixplan.Fixer, c *resolve.Consumer, names, values []string) []string {
	o := c.Origin
	if o == nil {
		return nil
	}
	bf := in.Snap.BuildFile(o.File)
	if bf == nil {
		return nil
	}
	content := bf.Content
	var places []string
	var newNames, newValues []string
	for i, name := range names {
		value := values[i]
		s, ok := c.Env[name]
		if !ok || s.Prov.File != o.File {
			newNames, newValues = append(newNames, name), append(newValues, value)
			continue
		}
		vs := s.Prov.ValueSpan
		if s.Uncertain || vs.End <= vs.Start || vs.End > len(content) || string(content[vs.Start:vs.End]) != s.Value || !sameLine(content, vs) {
			return nil
		}
		fx.BuildEdit(o.File, vs, value, value)
		places = append(places, name+" in "+in.relPath(o.File)+" (line "+itoa(s.Prov.Line)+")")
	}
	if len(newNames) == 0 {
		return places
	}
	nl := newlineOf(content)
	switch o.Kind {
	case sources.GitHubActions:
		if o.Job == nil || !in.yamlMapEntries(fx, o.File, content, o.Job.IDSpan, o.Job.Env, "env", newNames, newValues, nl) {
			return nil
		}
		return append(places, findings.AndList(newNames)+" in the env of job "+o.Job.ID)
	case sources.GitLabCI:
		if o.GitLabJob == nil || !in.yamlMapEntries(fx, o.File, content, o.GitLabJob.NameSpan, o.GitLabJob.Variables, "variables", newNames, newValues, nl) {
			return nil
		}
		return append(places, findings.AndList(newNames)+" in the variables of job "+o.GitLabJob.Name)
	case sources.DevContainer:
		if o.DevContainer == nil || !jsonMapEntries(fx, o.File, content, o.DevContainer.ContainerEnv, newNames, newValues, nl) {
			return nil
		}
		return append(places, findings.AndList(newNames)+" in the containerEnv of "+in.relPath(o.File))
	case sources.DockerfileKind:
		if o.Stage == nil {
			return nil
		}
		indent, _ := indentBefore(content, o.Stage.Span.Start)
		at := nextLineAt(content, o.Stage.Span.End)
		text := terminated(content, at, nl)
		for i, name := range newNames {
			if strings.ContainsAny(newValues[i], " \t\"'\\$`") || newValues[i] == "" {
				return nil
			}
			text += indent + "ENV " + name + "=" + newValues[i] + nl
		}
		fx.BuildEdit(o.File, sourcesSpan(at, at), text, strings.Join(newValues, " "))
		return append(places, findings.AndList(newNames)+" in stage "+o.Stage.Label()+" of "+in.relPath(o.File)+" (ENV)")
	}
	return nil
}

// yamlMapEntries adds "name: value" lines to the block mapping under key (env or
// variables) of the mapping whose key is at keySpan: after its last entry
// when it has entries (with their indentation), else as a new key on the
// line after keySpan's, at the indentation of that mapping's first child.
func (in *Input) yamlMapEntries(fx *fixplan.Fixer, file string, content []byte, keySpan sources.Span, entries []buildenv.Setting, key string, names, values []string, nl string) bool {
	for _, e := range entries {
		if contains(names, e.Key) {
			return false
		}
	}
	lines := func(indent string) string {
		var b strings.Builder
		for i, name := range names {
			b.WriteString(indent + name + ": " + yamlScalar(values[i]) + nl)
		}
		return b.String()
	}
	if len(entries) > 0 {
		first, last := entries[0], entries[0]
		for _, e := range entries {
			if e.KeySpan.Start > last.KeySpan.Start {
				last = e
			}
		}
		indent, ok := indentBefore(content, first.KeySpan.Start)
		if !ok || !sameLine(content, sourcesSpan(last.KeySpan.Start, max(last.ValueSpan.End, last.KeySpan.End))) {
			return false
		}
		at := nextLineAt(content, max(last.ValueSpan.End, last.KeySpan.End))
		fx.BuildEdit(file, sourcesSpan(at, at), terminated(content, at, nl)+lines(indent), strings.Join(values, " "))
		return true
	}
	parentIndent, ok := indentBefore(content, keySpan.Start)
	if !ok {
		return false
	}
	// The key's line must end after "job:" (a block mapping follows).
	if t := strings.TrimSpace(string(content[keySpan.End:lineEndAt(content, keySpan.Start)])); t != ":" && !strings.HasPrefix(t, ": #") && !strings.HasPrefix(t, ":\t#") {
		return false
	}
	childIndent := ""
	for ls := nextLineAt(content, keySpan.Start); ls < len(content); ls = nextLineAt(content, ls) {
		if blankOrComment(content, ls) {
			continue
		}
		ind, _ := indentBefore(content, firstNonBlank(content, ls))
		childIndent = ind
		break
	}
	if len(childIndent) <= len(parentIndent) || !strings.HasPrefix(childIndent, parentIndent) {
		return false
	}
	unit := childIndent[len(parentIndent):]
	at := nextLineAt(content, keySpan.Start)
	fx.BuildEdit(file, sourcesSpan(at, at), terminated(content, at, nl)+childIndent+key+":"+nl+lines(childIndent+unit), strings.Join(values, " "))
	return true
}

// jsonMapEntries adds "name": "value" members after the last member of a
// dev container's containerEnv, one per line at the members' indentation:
// a comma goes after the last value (kept where it is when it has one) and
// the new members follow the file's trailing-comma style. Only an object
// written one member per line, ending in a string, is edited.
func jsonMapEntries(fx *fixplan.Fixer, file string, content []byte, entries []buildenv.Setting, names, values []string, nl string) bool {
	if len(entries) == 0 {
		return false
	}
	first, last := entries[0], entries[0]
	for _, e := range entries {
		if contains(names, e.Key) {
			return false
		}
		if e.KeySpan.Start > last.KeySpan.Start {
			last = e
		}
	}
	indent, ok := indentBefore(content, first.KeySpan.Start)
	end := last.ValueSpan.End
	if !ok || last.NoValue || end >= len(content) || content[end] != '"' || !sameLine(content, sourcesSpan(last.KeySpan.Start, end)) {
		return false
	}
	rest := strings.TrimSpace(string(content[end+1 : lineEndAt(content, end)]))
	if rest != "" && rest != "," {
		return false
	}
	var b strings.Builder
	for i, name := range names {
		k, _ := json.Marshal(name)
		v, _ := json.Marshal(values[i])
		b.WriteString(nl + indent + string(k) + ": " + string(v))
		if rest == "," || i < len(names)-1 {
			b.WriteString(",")
		}
	}
	at := end + 1
	if rest == "," {
		at = lineEndAt(content, end)
	} else {
		b2 := "," + b.String()
		fx.BuildEdit(file, sourcesSpan(at, at), b2, strings.Join(values, " "))
		return true
	}
	fx.BuildEdit(file, sourcesSpan(at, at), b.String(), strings.Join(values, " "))
	return true
}
