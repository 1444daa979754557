package sources

import (
	"strings"
)

// Settings is one VS Code settings source: a settings.json file, or the
// "settings" object of a .code-workspace file.
type Settings struct {
	Path    string
	Kind    Kind // VSCodeUser, VSCodeWorkspace or VSCodeFolder
	Content []byte
	Lines   Lines
	Root    *Value // the whole document; nil when it does not parse
	Object  *Value // the settings object (Root, or Root.settings of a .code-workspace)
	Err     *ParseError
	// IsWorkspaceFile marks a .code-workspace file (settings live under "settings").
	IsWorkspaceFile bool
}

// ParseSettings parses a settings.json or (isWorkspaceFile) a .code-workspace file.
func ParseSettings(path string, kind Kind, content []byte, isWorkspaceFile bool) *Settings {
	s := &Settings{Path: path, Kind: kind, Content: content, Lines: NewLines(content), IsWorkspaceFile: isWorkspaceFile}
	root, err := ParseJSONC(content)
	if err != nil {
		s.Err = err
		return s
	}
	return s.withRoot(root)
}

// withRoot completes s with its parsed document.
func (s *Settings) withRoot(root *Value) *Settings {
	s.Root = root
	if root.Kind != Object {
		s.Err = &ParseError{Offset: root.Span.Start, Msg: "settings must be a JSON object"}
		return s
	}
	s.Object = root
	if s.IsWorkspaceFile {
		s.Object = nil
		if m := root.Get("settings"); m != nil && m.Value.Kind == Object {
			s.Object = m.Value
		}
	}
	return s
}

// ReparseSettings is ParseSettings of content for the file prev parsed,
// computed from prev when content differs from prev.Content only inside one
// scalar value (ReparseJSONC); nil when it must be parsed in full. prev is
// not modified.
func ReparseSettings(prev *Settings, content []byte) *Settings {
	if prev == nil || prev.Root == nil || prev.Err != nil {
		return nil
	}
	r, ok := reparse(prev.Root, prev.Content, content)
	if !ok {
		return nil
	}
	s := &Settings{Path: prev.Path, Kind: prev.Kind, Content: content, Lines: movedLines(prev.Lines, r, prev.Content, content), IsWorkspaceFile: prev.IsWorkspaceFile}
	return s.withRoot(r.root)
}

// Get returns a top-level setting.
func (s *Settings) Get(name string) *Member {
	if s == nil {
		return nil
	}
	return s.Object.Get(name)
}

// Prov builds the provenance of a member found under key path.
func (s *Settings) Prov(key string, m *Member) Provenance {
	return Provenance{
		Source: s.Kind, File: s.Path, Line: s.Lines.Line(m.KeySpan.Start), Key: key,
		KeySpan: m.KeySpan, ValueSpan: m.Value.Span,
	}
}

// EnvEntry is one variable set by an environment-like object setting.
type EnvEntry struct {
	Name string
	// Value is what the child process sees: strings as written (after the
	// substitutions the setting supports), other JSON values as Node would
	// stringify them ("null", "0", "true").
	Value string
	Kind  ValueKind
	Prov  Provenance
}

// Env returns the entries of the object-valued setting at path (e.g.
// "go.toolsEnvVars", or "gopls", "build.env"). Nested objects are looked up
// member by member; nil when absent or not an object.
func (s *Settings) Env(path ...string) []EnvEntry {
	if s == nil || s.Object == nil || len(path) == 0 {
		return nil
	}
	m := s.Get(path[0])
	key := path[0]
	for _, p := range path[1:] {
		if m == nil {
			return nil
		}
		m = m.Value.Get(p)
		key += "." + p
	}
	if m == nil || m.Value.Kind != Object {
		return nil
	}
	var out []EnvEntry
	for _, e := range m.Value.Members {
		out = append(out, EnvEntry{Name: e.Key, Value: stringify(e.Value), Kind: e.Value.Kind, Prov: s.Prov(key+"."+e.Key, e)})
	}
	return out
}

// GoplsBuildEnv returns gopls's build.env: gopls keeps only the last dotted
// segment of a setting name, so both "build.env" and "env" are honoured (the
// later member wins).
func (s *Settings) GoplsBuildEnv() []EnvEntry {
	if s == nil {
		return nil
	}
	g := s.Get("gopls")
	if g == nil || g.Value.Kind != Object {
		return nil
	}
	var name string
	for _, m := range g.Value.Members {
		if m.Key == "build.env" || m.Key == "env" {
			name = m.Key
		}
	}
	if name == "" {
		return nil
	}
	return s.Env("gopls", name)
}

// String returns a string-valued top-level setting and its member.
func (s *Settings) String(name string) (string, *Member) {
	m := s.Get(name)
	if m == nil || m.Value.Kind != String {
		return "", m
	}
	return m.Value.Str, m
}

func stringify(v *Value) string {
	switch v.Kind {
	case String, Number, Bool, Null:
		return v.Str
	case Object:
		return "[object Object]" // what Node's String({}) yields for an env value
	case Array:
		parts := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			if e.Kind != Null {
				parts[i] = stringify(e)
			}
		}
		return strings.Join(parts, ",")
	}
	return ""
}
