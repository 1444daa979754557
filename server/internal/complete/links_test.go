package complete

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func TestLinks(t *testing.T) {
	snap := sources.NewSnapshot("/w", func(string) ([]byte, error) { return nil, nil })
	snap.ProcessEnv = map[string]string{"HOME": "/home/u", "CFG": "/etc/cfg"}
	facts := &Facts{snap: snap}
	type want struct{ text, target string }
	for _, tc := range []struct {
		kind    Kind
		content string
		want    []want
	}{
		{Settings, `{"go.toolsEnvVars": {"GOENV": "${workspaceFolder}/go.env", "GOPROXY": "https://u:p4ss@proxy.example.com/go|direct,file:///tmp/x,http://m.example.org"}}`, []want{
			{"${workspaceFolder}/go.env", "/w/go.env"},
			{"https://u:p4ss@proxy.example.com/go", "https://proxy.example.com/go"},
			{"http://m.example.org", "http://m.example.org"},
		}},
		{Settings, `{"http.proxy": "http://bob:pw@127.0.0.1:3128", "terminal.integrated.env.linux": {"GOENV": "off", "HTTPS_PROXY": " https://127.0.0.1:8443 ", "NO_PROXY": "x"}, "go.testEnvFile": "${workspaceFolder}/test.env"}`, []want{
			{"http://bob:pw@127.0.0.1:3128", "http://127.0.0.1:3128"},
			{"https://127.0.0.1:8443", "https://127.0.0.1:8443"},
			{"${workspaceFolder}/test.env", "/w/test.env"},
		}},
		{Workspace, `{"settings": {"gopls": {"build.env": {"GOENV": "~/goenv"}}}, "launch": {"configurations": [{"envFile": ["${env:CFG}/a.env", "rel.env"]}]}}`, []want{
			{"~/goenv", "/home/u/goenv"},
			{"${env:CFG}/a.env", "/etc/cfg/a.env"},
			{"rel.env", "/w/rel.env"},
		}},
		{Launch, `{"configurations": [{"type": "go", "envFile": "${workspaceFolder}/.env", "env": {"GOPROXY": "socks5://x"}}]}`, []want{
			{"${workspaceFolder}/.env", "/w/.env"},
		}},
		{Tasks, `{"tasks": [{"options": {"env": {"GOPROXY": "https://a.example.com"}}}]}`, []want{{"https://a.example.com", "https://a.example.com"}}},
		{GoEnv, "GOFLAGS=-mod=mod\r\nGOPROXY=https://tok@proxy.example.com,direct\r\n", []want{{"https://tok@proxy.example.com", "https://proxy.example.com"}}},
		{Settings, `{"go.toolsEnvVars": {"GOPROXY": "https://a.example.com"`, nil}, // does not parse
		{Settings, `{"other": {"GOPROXY": "https://a.example.com"}}`, nil},
	} {
		links := Links(Doc{Kind: tc.kind, Content: []byte(tc.content)}, facts)
		if len(links) != len(tc.want) {
			t.Errorf("%s: %d links %+v, want %d", tc.content, len(links), links, len(tc.want))
			continue
		}
		for i, l := range links {
			w := tc.want[i]
			if got := tc.content[l.Start:l.End]; got != w.text {
				t.Errorf("%s: link %d on %q, want %q", tc.content, i, got, w.text)
			}
			target := w.target
			if l.File {
				target = filepath.FromSlash(w.target)
			}
			if l.Target != target {
				t.Errorf("%s: link %d to %q, want %q", tc.content, i, l.Target, target)
			}
			for _, secret := range []string{"p4ss", "pw", "tok@", "bob"} {
				if strings.Contains(l.Target, secret) || strings.Contains(l.Tooltip, secret) {
					t.Errorf("%s: link %+v carries a credential", tc.content, l)
				}
			}
		}
	}
}
