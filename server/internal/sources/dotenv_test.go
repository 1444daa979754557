package sources

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// The expectations below are what vscode-go's parseEnvFile (envUtils.ts, a
// JavaScript regexp and string replacements) produces for the same bytes.
func TestParseDotEnv(t *testing.T) {
	global := map[string]string{"HOME": "/home/u", "CORP": "corp.example.com", "EMPTY": ""}
	lookup := func(k string) string { return global[k] }
	for _, c := range []struct {
		name    string
		content string
		want    string // NAME=value pairs in order, "|"-separated
	}{
		{"plain", "GOPROXY=https://a.example.com,direct\nGOSUMDB=off", "GOPROXY=https://a.example.com,direct|GOSUMDB=off"},
		{"spaces around =", "  GOPROXY  =  direct  \n", "GOPROXY=direct  "},
		{"export", "export GOPRIVATE=*.example.com\nexport\tGOFLAGS=-mod=mod", "GOPRIVATE=*.example.com|GOFLAGS=-mod=mod"},
		{"export as a key", "export=1\nexport =2", "export=1|export=2"},
		{"comments are not keys", "# GOPROXY=off\n#GOSUMDB=off\n// GOFLAGS=x", ""},
		{"inline # stays", "GOPROXY=direct # not a comment", "GOPROXY=direct # not a comment"},
		{"CRLF", "GOPROXY=direct\r\nGOSUMDB=off\r\n", "GOPROXY=direct|GOSUMDB=off"},
		{"a lone CR inside a value drops the line", "GOPROXY=a\rb\nGOSUMDB=off", "GOSUMDB=off"},
		{"double quotes", `GOPRIVATE="*.example.com"`, "GOPRIVATE=*.example.com"},
		{"single quotes", `GOPRIVATE='*.example.com'`, "GOPRIVATE=*.example.com"},
		{"unbalanced quotes are stripped too", "A=\"x\nB=y'\nC='z\"", "A=x|B=y|C=z"},
		{`\n in double quotes`, `A="l1\nl2"` + "\n" + `B='l1\nl2'`, "A=l1\nl2|B=l1\\nl2"},
		{"keys with dots and dashes", "a.b-c_1=v", "a.b-c_1=v"},
		{"bad keys", "A B=1\n=2\nA$=3\n", ""},
		{"empty value", "A=\nB=   ", "A=|B="},
		{"BOM", "\ufeffA=1", "A=1"},
		{"later lines win", "A=1\nA=2", "A=1|A=2"},
		{"substitution from global", "A=${HOME}/go", "A=/home/u/go"},
		{"substitution from earlier lines first", "CORP=local.example.com\nA=*.${CORP}", "CORP=local.example.com|A=*.local.example.com"},
		{"an empty earlier line falls back to global", "HOME=\nA=${HOME}", "HOME=|A=/home/u"},
		{"unset gives empty", "A=x${NOPE}y", "A=xy"},
		{"escaped", `A=\${HOME}`, "A=${HOME}"},
		{"a bad reference keeps the value", "A=${HOME} ${BAD-x}", "A=${HOME} ${BAD-x}"},
		{"empty reference keeps the value", "A=${}${HOME}", "A=${}${HOME}"},
		{"not a reference", "A=${1X} $HOME ${_X}", "A=${1X} $HOME ${_X}"},
		{"unterminated", "A=${HOME", "A=${HOME"},
		{`\$ becomes $`, `A=\$5`, "A=$5"},
		{"two references", "A=${CORP}:${HOME}", "A=corp.example.com:/home/u"},
	} {
		var got []string
		for _, e := range ParseDotEnv("/ws/.env", Launch, "envFile", []byte(c.content), lookup) {
			got = append(got, e.Name+"="+e.Value)
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%s: %q\n got  %q\n want %q", c.name, c.content, g, c.want)
		}
	}
}

func TestParseDotEnvProvenance(t *testing.T) {
	content := "\ufeff# settings\r\nGOPROXY = \"https://a.example.com\"\r\n\r\nexport GOPRIVATE=x\n"
	es := ParseDotEnv("/ws/.env", Launch, "envFile", []byte(content), nil)
	if len(es) != 2 {
		t.Fatalf("entries %+v", es)
	}
	for i, want := range []struct {
		line       int
		key, value string
	}{{2, "GOPROXY", `"https://a.example.com"`}, {4, "GOPRIVATE", "x"}} {
		p := es[i].Prov
		if p.Source != Launch || p.File != "/ws/.env" || p.Line != want.line || p.Key != "envFile."+want.key {
			t.Errorf("entry %d: %+v", i, p)
		}
		if content[p.KeySpan.Start:p.KeySpan.End] != want.key || content[p.ValueSpan.Start:p.ValueSpan.End] != want.value {
			t.Errorf("entry %d: spans hold %q %q", i, content[p.KeySpan.Start:p.KeySpan.End], content[p.ValueSpan.Start:p.ValueSpan.End])
		}
		if es[i].Kind != String {
			t.Errorf("entry %d: kind %v", i, es[i].Kind)
		}
	}
}

var dotenvName = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

func FuzzParseDotEnv(f *testing.F) {
	for _, s := range []string{
		"", "A=1", "export A='1'\n", "A=\"x\\ny\"\r\nB=${A}\n", "# c\n A = b \n", "\ufeffA=${HOME}", "A=\\${X}\\$", "A=${B-x}",
		"A=${}", "a.b-c=\u2028", "A=\rB", "\xff=\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		lookup := func(string) string { return "G" }
		es := ParseDotEnv("f", Launch, "envFile", content, lookup)
		if again := ParseDotEnv("f", Launch, "envFile", content, lookup); len(again) != len(es) {
			t.Fatalf("not deterministic")
		}
		prevLine, prevEnd := 0, 0
		for _, e := range es {
			p := e.Prov
			if p.Line <= prevLine {
				t.Fatalf("line %d after %d", p.Line, prevLine)
			}
			prevLine = p.Line
			if p.KeySpan.Start < prevEnd || p.KeySpan.End > p.ValueSpan.Start || p.ValueSpan.Start > p.ValueSpan.End || p.ValueSpan.End > len(content) {
				t.Fatalf("spans %v %v (previous end %d, %d bytes)", p.KeySpan, p.ValueSpan, prevEnd, len(content))
			}
			prevEnd = p.ValueSpan.End
			if string(content[p.KeySpan.Start:p.KeySpan.End]) != e.Name || !dotenvName.MatchString(e.Name) || p.Key != "envFile."+e.Name {
				t.Fatalf("name %q, key span holds %q", e.Name, content[p.KeySpan.Start:p.KeySpan.End])
			}
			if bytes.IndexByte(content[p.KeySpan.Start:p.ValueSpan.End], '\n') >= 0 {
				t.Fatalf("an entry spans lines: %q", content[p.KeySpan.Start:p.ValueSpan.End])
			}
			if got := bytes.Count(content[:p.KeySpan.Start], []byte("\n")) + 1; got != p.Line {
				t.Fatalf("key on line %d, Line %d", got, p.Line)
			}
			raw := string(content[p.ValueSpan.Start:p.ValueSpan.End])
			if strings.ContainsAny(raw, "\r\u2028\u2029") {
				t.Fatalf("raw value %q holds a line terminator", raw)
			}
			// Values without quotes, "$" or "\" are taken as written.
			if !strings.ContainsAny(raw, "\"'$\\") && e.Value != raw {
				t.Fatalf("value %q, raw %q", e.Value, raw)
			}
		}
	})
}
