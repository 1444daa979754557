package explainerr

import (
	"strings"
	"testing"
)

// A pasted terminal output: CRLF line ends, the go command's progress
// lines, the error, the server's quoted response and the next prompt.
func TestParseTerminalOutput(t *testing.T) {
	text := "$ go mod tidy\r\ngo: downloading corp.example.com/lib v1.0.0\r\n" +
		"go: corp.example.com/lib@v1.0.0: reading https://bob:hunter2@proxy.corp.example.com/corp.example.com/lib/@v/v1.0.0.info: 403 Forbidden\r\n" +
		"\tserver response: unrecognized import path\r\n$ \r\n"
	p := Parse(text)
	want := "case: auth\nhop: proxy\nmodule: corp.example.com/lib\nversion: v1.0.0\nurl: https://bob:xxxxx@proxy.corp.example.com/corp.example.com/lib/@v/v1.0.0.info\nstatus: 403\n"
	if got := p.fields(); got != want {
		t.Errorf("fields:\n%s\nwant:\n%s", got, want)
	}
	if p.Detail != "unrecognized import path" {
		t.Errorf("detail %q", p.Detail)
	}
	if strings.Contains(p.Line, "hunter2") {
		t.Errorf("line keeps the password: %q", p.Line)
	}
}

// Only the end of a huge text is read: the error is at the end.
func TestParseBounded(t *testing.T) {
	text := "go: example.com/old@v1.0.0: module lookup disabled by GOPROXY=off\n" + strings.Repeat("noise\n", MaxInput/6+1) +
		"go: example.com/new@v1.0.0: reading http://127.0.0.1:41000/example.com/new/@v/v1.0.0.info: 404 Not Found\n"
	p := Parse(text)
	if p.Case != CaseNotFound || p.Module != "example.com/new" {
		t.Errorf("parsed %+v", p)
	}
	if got := Parse(strings.Repeat("noise\n", 100)); got.Found() {
		t.Errorf("noise parsed as %+v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("go: example.com/m@v1.0.0: reading https://u:p4ss@h.example.com/example.com/m/@v/v1.0.0.info: 401 Unauthorized")
	f.Add("verifying example.com/ok@v1.0.0/go.mod: checksum mismatch")
	f.Add(`go: m.example.com/x@v1.0.0: unrecognized import path "m.example.com/x": https fetch: Get "https://m.example.com/x?go-get=1": proxyconnect tcp: dial tcp 127.0.0.1:1: connect: connection refused`)
	f.Fuzz(func(t *testing.T, text string) {
		p := Parse(text)
		if !p.Found() && (p.Hop != "" || p.Module != "" || p.URL != "") {
			t.Errorf("fields without a case: %+v", p)
		}
		if strings.Contains(text, "p4ss@") && strings.Contains(p.URL+p.Line+p.Detail, "p4ss@") {
			t.Errorf("a password survives: %+v", p)
		}
		_ = Explain(p, nil).Markdown()
	})
}
