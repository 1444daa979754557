package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// fixtureMessage is the message the go command printed in one of the
// explain-error catalogue's fixtures.
func fixtureMessage(t *testing.T, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "internal", "explainerr", "testdata", "catalogue", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == "stderr" {
			return string(f.Data)
		}
	}
	t.Fatalf("%s: no stderr section", name)
	return ""
}

// explainFolder is a trusted folder whose editor tools use a loopback proxy
// with credentials and keep corp.example.com off the checksum database.
func explainFolder(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	settings := `{
  "go.toolsEnvVars": {
    "GOPROXY": "https://alice:s3cret-token@127.0.0.1:41002",
    "GOSUMDB": "off"
  }
}
`
	if err := os.MkdirAll(filepath.Join(dir, ".vscode"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".vscode", "settings.json"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	user := filepath.Join(dir, "user.json")
	if err := os.WriteFile(user, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--folder", dir, "--settings", user, "--trust-workspace"}
}

func TestExplainErrorText(t *testing.T) {
	env := cleanEnv(t, "GOENV=off")
	msg := fixtureMessage(t, "proxy-401-credentials")
	args := append([]string{"explain-error"}, explainFolder(t)...)
	out, errOut, code := runCLI(t, env, append(args, msg)...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		"# Explain error: the module proxy refused the request",
		"| Status | 401 |",
		"- **gopls, tools, install** — goes there:",
		"(.vscode/settings.json:3 go.toolsEnvVars.GOPROXY): entry 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errOut, "s3cret-token") {
		t.Errorf("the credential is printed:\n%s%s", out, errOut)
	}
}

func TestExplainErrorStdinJSON(t *testing.T) {
	env := cleanEnv(t, "GOENV=off")
	// A whole terminal output: the error is found among other lines.
	input := "$ go mod download\ngo: downloading corp.example.com/lib v1.0.0\n" + fixtureMessage(t, "sumdb-410-private") + "$ \n"
	args := append(append([]string{"explain-error", "--json"}, explainFolder(t)...), "-")
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(input), &out, &errb, env)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	var got struct {
		Parsed struct {
			Case, Hop, Module, Version, URL string
			Status                          int
		}
		Routes []struct {
			Consumers []string
			Reaches   bool
			Why       []string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if got.Parsed.Case != "sumdb-not-found" || got.Parsed.Hop != "sumdb" || got.Parsed.Module != "corp.example.com/lib" || got.Parsed.Status != 410 {
		t.Errorf("parsed %+v", got.Parsed)
	}
	// GOSUMDB=off for the editor's tools: they never send the path there.
	for _, r := range got.Routes {
		if strings.Contains(strings.Join(r.Consumers, ","), "gopls") && (r.Reaches || !strings.Contains(strings.Join(r.Why, " "), "GOSUMDB=`off`")) {
			t.Errorf("gopls route: %+v", r)
		}
	}
}

func TestExplainErrorNothingFound(t *testing.T) {
	out, _, code := runCLI(t, cleanEnv(t), "explain-error", "everything is fine")
	if code != exitFinding || !strings.Contains(out, "no go command error recognised") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestExplainErrorUsage(t *testing.T) {
	env := cleanEnv(t)
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"empty stdin", []string{"explain-error", "-"}, "", "no message"},
		{"stdin with text", []string{"explain-error", "go:", "-"}, "", `"-" reads the message from stdin`},
		{"oversize stdin", []string{"explain-error"}, strings.Repeat("x", maxStdin+1), "more than 4 MiB"},
		{"unknown flag", []string{"explain-error", "--nope"}, "", "unknown flag --nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errb, env)
			if code != exitUsage || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, errb.String(), tc.want)
			}
		})
	}
	out, _, code := runCLI(t, env, "explain-error", "--help")
	if code != exitOK || !strings.Contains(out, "Usage: goproxy-doctor explain-error") || !strings.Contains(out, "--json") {
		t.Errorf("help, exit %d:\n%s", code, out)
	}
}
