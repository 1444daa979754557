package sources

import (
	"regexp"
	"strings"
)

var dotenvLine = regexp.MustCompile(`^\s*([\w.\-]+)\s*=\s*(.*?)\s*$`)

// ParseDotEnv reads an env file the way vscode-go reads launch.json envFile
// and go.testEnvFile (envUtils.ts parseEnvFile): KEY=VALUE lines, "#" comments,
// surrounding quotes removed, ${VAR} substituted from lookup.
func ParseDotEnv(path string, kind Kind, key string, content []byte, lookup func(string) string) []EnvEntry {
	lines := NewLines(content)
	var out []EnvEntry
	start := 0
	for _, raw := range strings.SplitAfter(string(content), "\n") {
		line := strings.TrimRight(raw, "\r\n")
		m := dotenvLine.FindStringSubmatchIndex(line)
		if m != nil && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			name, val := line[m[2]:m[3]], line[m[4]:m[5]]
			if len(val) >= 2 && (val[0] == '"' && val[len(val)-1] == '"' || val[0] == '\'' && val[len(val)-1] == '\'') {
				val = val[1 : len(val)-1]
				val = strings.ReplaceAll(val, `\n`, "\n")
			}
			val = substVars.ReplaceAllStringFunc(val, func(s string) string { return lookup(s[2 : len(s)-1]) })
			out = append(out, EnvEntry{Name: name, Value: val, Kind: String, Prov: Provenance{
				Source: kind, File: path, Line: lines.Line(start), Key: key + "." + name,
				KeySpan: Span{start + m[2], start + m[3]}, ValueSpan: Span{start + m[4], start + m[5]},
			}})
		}
		start += len(raw)
	}
	return out
}

var substVars = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)
