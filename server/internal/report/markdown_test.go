package report

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// envs is two folders: one whose consumers disagree on GOPROXY, one whose
// only consumer has an empty GOPROXY.
var envs = []Env{
	{
		Folder:    "/w/app",
		Divergent: []string{"GOPROXY"},
		Consumers: []Consumer{
			{Name: "terminal", Vars: map[string]Var{
				"GOSUMDB": {Value: "sum.example.com", Source: sources.Default},
				"GOPROXY": {Value: "https://team.example.com|direct", Source: sources.GoEnvFile, File: "/home/u/.config/go/env", Line: 1, Key: "GOPROXY",
					Note: "go env reports https://team.example.com|direct"},
			}},
			{Name: "gopls", Vars: map[string]Var{
				"GOSUMDB": {Value: "sum.example.com", Source: sources.Default},
				"GOPROXY": {Value: "http://127.0.0.1:3000,off", Source: sources.VSCodeWorkspace, File: "/w/app/.vscode/settings.json", Line: 3, Key: "go.toolsEnvVars.GOPROXY"},
			}},
		},
	},
	{Folder: "/w/lib", Divergent: []string{}, Consumers: []Consumer{{Name: "gopls", Vars: map[string]Var{
		"GOPROXY": {Value: "", Source: sources.GoEnvFile, File: "/e", Line: 2},
		"GOFLAGS": {Value: "-mod=mod", Source: sources.ProcessEnv, Uncertain: true},
	}}}},
}

func TestMarkdownDifferencesSideBySide(t *testing.T) {
	text := Markdown(envs)
	if !strings.HasPrefix(text, "# Go Proxy Doctor: effective Go environment\n") {
		t.Errorf("heading:\n%s", text)
	}
	for _, want := range []string{
		"## /w/app\n\n**≠ Differs between consumers: GOPROXY**\n",
		strings.Join([]string{
			"| Variable  | Consumers | Value                            | Source           |",
			"| --------- | --------- | -------------------------------- | ---------------- |",
			"| ≠ GOPROXY | terminal  | https://team.example.com\\|direct | goenv-file       |",
			"|           | gopls     | http://127.0.0.1:3000,off        | vscode-workspace |",
		}, "\n"),
		"## /w/lib\n\nAll consumers agree.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks\n%s\nin\n%s", want, text)
		}
	}
}

func TestMarkdownTablePerConsumer(t *testing.T) {
	text := Markdown(envs)
	for _, want := range []string{
		strings.Join([]string{
			"### gopls",
			"",
			"|     | Variable | Value                     | Source           | Set at                                          |",
			"| --- | -------- | ------------------------- | ---------------- | ----------------------------------------------- |",
			"| ≠   | GOPROXY  | http://127.0.0.1:3000,off | vscode-workspace | .vscode/settings.json:3 go.toolsEnvVars.GOPROXY |",
			"|     | GOSUMDB  | sum.example.com           | default          |                                                 |",
		}, "\n"),
		// A GOENV file line is keyed by the variable: the name is not repeated; the file says what it is.
		"| ≠   | GOPROXY  | https://team.example.com\\|direct | goenv-file | /home/u/.config/go/env:1 (your go env -w file) |",
		"|     | GOPROXY  | (empty)              | goenv-file  | /e:2 (your go env -w file) |",
		// What the client could not observe, and what go env said.
		"|     | GOFLAGS  | -mod=mod (uncertain) | process-env |",
		"Notes:\n\n- `GOPROXY`: go env reports https://team.example.com\\|direct\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks\n%s\nin\n%s", want, text)
		}
	}
}

func TestMarkdownNoFolder(t *testing.T) {
	if text := Markdown(nil); !strings.HasSuffix(text, "No workspace folder is open.\n") {
		t.Errorf("no folders:\n%s", text)
	}
}

// A value cannot break out of its table cell or line.
func TestMarkdownValueStaysInItsCell(t *testing.T) {
	text := Markdown([]Env{{Folder: "/w", Consumers: []Consumer{{Name: "terminal", Vars: map[string]Var{
		"GOPROXY": {Value: "https://a.example.com\n| x | y |", Source: sources.ProcessEnv},
	}}}}})
	if !strings.Contains(text, `https://a.example.com\n\| x \| y \|`) {
		t.Errorf("value not escaped:\n%s", text)
	}
}
