package report_test

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// One workflow command per finding: the severity's command, the file
// relative to the checkout with 1-based lines and columns, the code as the
// title; a finding outside the checkout or without a file has no file.
func TestGitHubAnnotations(t *testing.T) {
	c := checkOf(t, ciFiles(ciSettings))
	var out bytes.Buffer
	report.CheckGitHub(&out, ciFolder, c)
	text := out.String()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != len(c.Diagnostics) {
		t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(c.Diagnostics), text)
	}
	if strings.Contains(text, "hunter2secret") {
		t.Errorf("a credential is printed:\n%s", text)
	}
	for i, d := range c.Diagnostics {
		line := lines[i]
		cmd, rest, ok := strings.Cut(line, " ")
		props, msg, ok2 := strings.Cut(rest, "::")
		if !ok || !ok2 {
			t.Errorf("not a workflow command: %q", line)
			continue
		}
		want := map[string]string{"error": "::error", "warning": "::warning", "information": "::notice"}[d.Severity]
		if cmd != want {
			t.Errorf("%s: command %q; want %q", d.Code, cmd, want)
		}
		if !strings.HasSuffix(props, "title="+d.Code) {
			t.Errorf("%s: properties %q do not end with its title", d.Code, props)
		}
		inside := d.File != "" && strings.HasPrefix(d.File, ciFolder+string(filepath.Separator))
		switch {
		case inside:
			rel := filepath.ToSlash(strings.TrimPrefix(d.File, ciFolder+string(filepath.Separator)))
			wantProps := "file=" + rel + ",line=" + itoa(d.Range.Start.Line+1) + ",col=" + itoa(d.Range.Start.Character+1) +
				",endLine=" + itoa(d.Range.End.Line+1) + ",endColumn=" + itoa(d.Range.End.Character+1) + ",title=" + d.Code
			if props != wantProps {
				t.Errorf("%s: properties %q; want %q", d.Code, props, wantProps)
			}
		case d.File != "":
			if strings.Contains(props, "file=") || !strings.HasPrefix(msg, d.File+":"+itoa(d.Range.Start.Line+1)+":") {
				t.Errorf("%s outside the checkout: %q; want no file property and the path in the message", d.Code, line)
			}
		default:
			if props != "title="+d.Code {
				t.Errorf("%s without a file: properties %q; want the title only", d.Code, props)
			}
		}
		if len(d.Related) > 0 && !strings.Contains(msg, "%0Asee ") {
			t.Errorf("%s: related information missing from %q", d.Code, msg)
		}
	}
	if !strings.Contains(text, "%0Asee goenv:1:") {
		t.Errorf("the divergence does not point at the go env -w file line:\n%s", text)
	}
}

// No value can end a workflow command early or start another one: %, CR
// and LF are escaped everywhere, ":" and "," in properties too.
func TestGitHubEscaping(t *testing.T) {
	root := filepath.FromSlash("/r")
	c := report.Check{Diagnostics: []report.Diagnostic{{
		File:     filepath.FromSlash("/r/odd:name,1.json"),
		Range:    position.Range{Start: position.Position{Line: 2, Character: 4}, End: position.Position{Line: 3, Character: 1}},
		Severity: "information", Code: "env-shadowed",
		Message:   "100% sure\r\n::error::injected, see https://u:pa55word@h.example.com",
		Consumers: []string{"terminal"},
		Related:   []report.RelatedInfo{{Message: "from the environment"}},
	}}}
	var out bytes.Buffer
	report.CheckGitHub(&out, root, c)
	want := "::notice file=odd%3Aname%2C1.json,line=3,col=5,endLine=4,endColumn=2,title=env-shadowed::" +
		"100%25 sure%0D%0A::error::injected, see https://u:xxxxx@h.example.com [terminal]%0Asee: from the environment\n"
	if got := out.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Nothing found prints nothing: the log shows no annotation.
func TestGitHubNothingFound(t *testing.T) {
	var out bytes.Buffer
	report.CheckGitHub(&out, "/r", report.Check{Diagnostics: []report.Diagnostic{}})
	if out.Len() != 0 {
		t.Errorf("printed %q for no findings", out.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// unescapeWorkflow undoes the escaping of workflow command data and
// properties (as the runner does).
func unescapeWorkflow(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

// Whatever a file name, code or message holds, each finding is one command
// line whose properties split cleanly and whose message reads back as the
// redacted message.
func FuzzGitHubAnnotation(f *testing.F) {
	f.Add("/r/a.json", "env-shadowed", "plain")
	f.Add("/r/x:y,z%0A.json", "a,b:c", "100%\r\n::error::x")
	f.Add("/elsewhere/s.json", "code", "%25%0A::")
	f.Fuzz(func(t *testing.T, file, code, message string) {
		c := report.Check{Diagnostics: []report.Diagnostic{{
			File: file, Severity: "warning", Code: code, Message: message,
			Range: position.Range{End: position.Position{Line: 1, Character: 2}},
		}}}
		var out bytes.Buffer
		report.CheckGitHub(&out, "/r", c)
		line, ok := strings.CutSuffix(out.String(), "\n")
		if !ok || strings.ContainsAny(line, "\r\n") {
			t.Fatalf("not one line: %q", out.String())
		}
		rest, ok := strings.CutPrefix(line, "::warning ")
		if !ok {
			t.Fatalf("not a warning command: %q", line)
		}
		props, msg, ok := strings.Cut(rest, "::")
		if !ok {
			t.Fatalf("no message separator: %q", line)
		}
		title := ""
		for _, p := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(p, "=")
			if !ok || strings.Contains(v, ":") {
				t.Fatalf("property %q of %q does not parse", p, line)
			}
			if k == "title" {
				title = unescapeWorkflow(v)
			}
		}
		if title != code {
			t.Errorf("title %q; want %q", title, code)
		}
		if got := unescapeWorkflow(msg); !strings.Contains(got, clip.Message(redact.RedactText(message))) {
			t.Errorf("message reads back as %q; want it to hold %q", got, clip.Message(redact.RedactText(message)))
		}
	})
}
