package sources

import (
	"strings"
	"unicode/utf8"
)

// ParseDotEnv reads an env file the way vscode-go reads launch.json envFile
// and go.testEnvFile (envUtils.ts parseEnvFile): a leading BOM is dropped, the
// content is split on "\n", and a line counts when it matches
// /^\s*(export\s+)?([\w\.\-]+)\s*=\s*(.*)?\s*$/ (JavaScript semantics: "."
// stops at "\r", so "A=b\r" gives "b" while "A=b\rc" is no match; trailing
// spaces stay in the value). A value that starts and ends with '"' has its
// `\n` sequences turned into newlines; then one leading and one trailing
// quote (' or ") are removed. ${VAR} is substituted from the file's earlier
// lines, else lookup; a malformed ${...} leaves the value unsubstituted; `\$`
// becomes "$". Later lines win. Spans locate the key and the raw value.
func ParseDotEnv(path string, kind Kind, key string, content []byte, lookup func(string) string) []EnvEntry {
	lines := NewLines(content)
	text := string(content)
	base := 0
	if strings.HasPrefix(text, "\ufeff") {
		text, base = text[3:], 3
	}
	local := map[string]string{}
	var out []EnvEntry
	start := base
	for _, line := range strings.Split(text, "\n") {
		if m, ok := matchDotEnvLine(line); ok {
			name, raw := line[m.keyStart:m.keyEnd], line[m.valStart:m.valEnd]
			val := raw
			if len(val) > 0 && val[0] == '"' && val[len(val)-1] == '"' {
				val = strings.ReplaceAll(val, `\n`, "\n")
			}
			if len(val) > 0 && (val[0] == '"' || val[0] == '\'') {
				val = val[1:]
			}
			if len(val) > 0 && (val[len(val)-1] == '"' || val[len(val)-1] == '\'') {
				val = val[:len(val)-1]
			}
			val = substituteDotEnv(val, local, lookup)
			local[name] = val
			out = append(out, EnvEntry{Name: name, Value: val, Kind: String, Prov: Provenance{
				Source: kind, File: path, Line: lines.Line(start), Key: key + "." + name,
				KeySpan:   Span{start + m.keyStart, start + m.keyEnd},
				ValueSpan: Span{start + m.valStart, start + m.valEnd},
			}})
		}
		start += len(line) + 1
	}
	return out
}

type dotEnvMatch struct{ keyStart, keyEnd, valStart, valEnd int }

// jsSpace is JavaScript's \s.
func jsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// jsLineTerminator reports the characters JavaScript's "." does not match.
func jsLineTerminator(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

func jsWord(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

func skipJSSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !jsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// matchDotEnvLine matches vscode-go's line pattern, backtracking as a
// JavaScript regexp would: first with the optional "export\s+", then without.
func matchDotEnvLine(line string) (dotEnvMatch, bool) {
	i := skipJSSpace(line, 0)
	if strings.HasPrefix(line[i:], "export") {
		if j := skipJSSpace(line, i+6); j > i+6 {
			if m, ok := matchDotEnvRest(line, j); ok {
				return m, true
			}
		}
	}
	return matchDotEnvRest(line, i)
}

// matchDotEnvRest matches ([\w\.\-]+)\s*=\s*(.*)?\s*$ at i.
func matchDotEnvRest(line string, i int) (dotEnvMatch, bool) {
	m := dotEnvMatch{keyStart: i}
	for i < len(line) && (jsWord(line[i]) || line[i] == '.' || line[i] == '-') {
		i++
	}
	if i == m.keyStart {
		return m, false
	}
	m.keyEnd = i
	i = skipJSSpace(line, i)
	if i >= len(line) || line[i] != '=' {
		return m, false
	}
	i = skipJSSpace(line, i+1)
	m.valStart = i
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		if jsLineTerminator(r) {
			break
		}
		i += size
	}
	m.valEnd = i
	if skipJSSpace(line, i) != len(line) {
		return m, false
	}
	return m, true
}

// substituteDotEnv is envUtils.ts substituteEnvVars: /\${([a-zA-Z]\w*)?([^}\w].*)?}/g
// replaced left to right; an escaped "\${" is kept; a match without a name or
// with trailing junk makes the whole value stay as written; then "\$" → "$".
func substituteDotEnv(value string, local map[string]string, global func(string) string) string {
	var b strings.Builder
	invalid := false
	i := 0
	for i < len(value) {
		j := strings.Index(value[i:], "${")
		if j < 0 {
			break
		}
		j += i
		end, name, bogus, ok := matchSubst(value, j)
		if !ok {
			b.WriteString(value[i : j+1])
			i = j + 1
			continue
		}
		b.WriteString(value[i:j])
		switch {
		case j > 0 && value[j-1] == '\\':
			b.WriteString(value[j:end])
		case bogus || name == "":
			invalid = true
			b.WriteString(value[j:end])
		default:
			v := local[name]
			if v == "" && global != nil {
				v = global(name)
			}
			b.WriteString(v)
		}
		i = end
	}
	b.WriteString(value[i:])
	if !invalid {
		value = b.String()
	}
	return strings.ReplaceAll(value, `\$`, "$")
}

// matchSubst matches \${([a-zA-Z]\w*)?([^}\w].*)?} at i (value[i:] starts
// with "${"), returning the end of the match.
func matchSubst(value string, i int) (end int, name string, bogus, ok bool) {
	k := i + 2
	if k < len(value) && (value[k] >= 'a' && value[k] <= 'z' || value[k] >= 'A' && value[k] <= 'Z') {
		for k < len(value) && jsWord(value[k]) {
			k++
		}
		name = value[i+2 : k]
	}
	if k < len(value) && value[k] == '}' {
		return k + 1, name, false, true
	}
	if k >= len(value) || value[k] == '}' || jsWord(value[k]) {
		return 0, "", false, false
	}
	// ([^}\w].*) then "}": the class matches any other character (a newline
	// too), "." stops at a line terminator; the greedy match ends at the last
	// "}" before it.
	_, size := utf8.DecodeRuneInString(value[k:])
	stop := k + size
	for stop < len(value) {
		r, size := utf8.DecodeRuneInString(value[stop:])
		if jsLineTerminator(r) {
			break
		}
		stop += size
	}
	if last := strings.LastIndexByte(value[k+size:stop], '}'); last >= 0 {
		return k + size + last + 1, name, true, true
	}
	return 0, "", false, false
}
