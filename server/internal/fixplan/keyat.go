package fixplan

import (
	"regexp"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// KeyAt names the setting a fix's first edit in file changes: the key path
// of a JSONC member, or the variable of a GOENV line ("" when unknown, as
// for a file the fix creates).
func KeyAt(snap *sources.Snapshot, file string, fx findings.Fix) string {
	content := snap.Content(file)
	if content == nil {
		return ""
	}
	var edit findings.Edit
	for _, e := range fx.Edits {
		if e.File == file {
			edit = e
			break
		}
	}
	sp := edit.Span
	if root, err := sources.ParseJSONC(content); err == nil && root != nil {
		path := memberPath(root, sp)
		if added := addedKey(edit.NewText); added != "" {
			// A member added: its key, in the object the edit lands in.
			path = containerPath(root, sp)
			if path != "" {
				path += "."
			}
			path += added
		}
		return strings.TrimPrefix(path, "settings.")
	}
	for _, l := range sources.ParseEnvFile(file, sources.GoEnvFile, content).Lines {
		if l.Span.Start <= sp.Start && sp.Start <= l.Span.End {
			if k, _, ok := strings.Cut(strings.TrimSpace(l.Raw), "="); ok {
				return strings.TrimSpace(k)
			}
		}
	}
	return ""
}

var newMemberKey = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"\s*:`)

// addedKey is the key path of the member an insertion adds ("" when it
// adds none): down through objects of one member, so that a new
// "go.toolsEnvVars": {"GOFLAGS": …} is go.toolsEnvVars.GOFLAGS.
func addedKey(text string) string {
	m := newMemberKey.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	i := strings.IndexByte(text, '"')
	v, err := sources.ParseJSONC([]byte("{" + strings.TrimRight(text[i:], " \t\r\n,") + "}"))
	if err != nil || v == nil || len(v.Members) == 0 {
		return m[1]
	}
	var keys []string
	for len(v.Members) == 1 {
		keys = append(keys, v.Members[0].Key)
		v = v.Members[0].Value
	}
	if len(keys) == 0 {
		return m[1]
	}
	return strings.Join(keys, ".")
}

// containerPath is the dotted key path of the innermost object that holds
// an insertion at sp.
func containerPath(v *sources.Value, sp sources.Span) string {
	for _, m := range v.Members {
		if m.Value.Kind == sources.Object && m.Value.Span.Start < sp.Start && sp.End < m.Value.Span.End {
			if inner := containerPath(m.Value, sp); inner != "" {
				return m.Key + "." + inner
			}
			return m.Key
		}
	}
	return ""
}

// memberPath is the dotted key path of the innermost member whose key or
// value holds sp (or that sp removes whole).
func memberPath(v *sources.Value, sp sources.Span) string {
	for _, m := range v.Members {
		whole := sp.Start <= m.KeySpan.Start && m.Value.Span.End <= sp.End
		if whole || m.KeySpan.Start <= sp.Start && sp.End <= m.Value.Span.End && sp.Start < m.Value.Span.End {
			if whole {
				return m.Key
			}
			if inner := memberPath(m.Value, sp); inner != "" {
				return m.Key + "." + inner
			}
			return m.Key
		}
	}
	for _, e := range v.Elems {
		if e.Span.Start <= sp.Start && sp.End <= e.Span.End {
			return memberPath(e, sp)
		}
	}
	return ""
}
