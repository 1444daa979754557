package buildenv

import (
	"bytes"
	"strings"
)

// ParseComposeEnvFile reads a compose env_file: KEY=VALUE lines, blank
// lines and # comments skipped, an optional leading "export ", a value in
// single or double quotes taken inside them, an unquoted value trimmed and
// cut at " #". A line naming a key without "=" takes the host's value when
// compose runs (NoValue). A value with $NAME or ${NAME} outside single
// quotes is interpolated by compose (Unresolved). Lines that are not a
// setting are skipped; content over MaxInput yields nothing.
func ParseComposeEnvFile(content []byte) []Setting {
	if checkSize(content) != nil {
		return nil
	}
	pos := newPositions(content)
	var out []Setting
	off := 0
	for off < len(content) {
		end := bytes.IndexByte(content[off:], '\n')
		if end < 0 {
			end = len(content)
		} else {
			end += off
		}
		line := string(content[off:end])
		start := off
		off = end + 1
		line = strings.TrimSuffix(line, "\r")
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if strings.HasPrefix(line[i:], "export ") {
			i += len("export ")
			for i < len(line) && line[i] == ' ' {
				i++
			}
		}
		if i >= len(line) || line[i] == '#' {
			continue
		}
		key, rest, hasEq := strings.Cut(line[i:], "=")
		key = strings.TrimRight(key, " \t")
		if !validName(key) {
			continue
		}
		s := Setting{Key: key, How: EnvFile, KeySpan: Span{Start: start + i, End: start + i + len(key)}}
		if !hasEq {
			s.NoValue = true
			s.ValueSpan = Span{Start: s.KeySpan.End, End: s.KeySpan.End}
			out = append(out, pos.setting(content, s))
			continue
		}
		vs := start + i + strings.IndexByte(line[i:], '=') + 1
		v := rest
		lead := len(v) - len(strings.TrimLeft(v, " \t"))
		v, vs = v[lead:], vs+lead
		switch {
		case len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && strings.IndexByte(v[1:], v[0]) >= 0:
			q := v[0]
			inner := v[1 : 1+strings.IndexByte(v[1:], q)]
			s.Value, s.ValueSpan = inner, Span{Start: vs + 1, End: vs + 1 + len(inner)}
			s.Unresolved = q == '"' && isExpression(inner)
		default:
			if c := strings.Index(v, " #"); c >= 0 {
				v = v[:c]
			}
			v = strings.TrimRight(v, " \t")
			s.Value, s.ValueSpan = v, Span{Start: vs, End: vs + len(v)}
			s.Unresolved = isExpression(v)
		}
		out = append(out, pos.setting(content, s))
	}
	return out
}
