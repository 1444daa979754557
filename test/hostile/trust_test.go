package hostile

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// The trust boundary (issue 8): one workspace per attack, each run through
// the CLI (untrusted by default) and the language server (trusted:false over
// the wire), and where it matters trusted too.

// environment runs the goproxy-doctor.environment command, which confirms
// every consumer with go env, and returns its result as JSON text.
func environment(t *testing.T, s *Server) string {
	t.Helper()
	resp := s.Call("workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}})
	if resp["error"] != nil {
		t.Fatalf("environment command: %v", resp["error"])
	}
	b, err := json.Marshal(resp["result"])
	must(t, err)
	return string(b)
}

// envValues decodes `env --json`: consumer → variable → value.
func envValues(t *testing.T, out string) map[string]map[string]string {
	t.Helper()
	var env struct {
		Consumers []struct {
			Name string
			Vars map[string]struct{ Value string }
		}
	}
	if err := json.Unmarshal([]byte(out), &env); err != nil || len(env.Consumers) == 0 {
		t.Fatalf("env --json: %v\n%s", err, out)
	}
	m := map[string]map[string]string{}
	for _, c := range env.Consumers {
		m[c.Name] = map[string]string{}
		for k, v := range c.Vars {
			m[c.Name][k] = v.Value
		}
	}
	return m
}

// removeMarker forgets a marker a control run made on purpose.
func (w *WS) removeMarker() {
	w.t.Helper()
	if err := os.Remove(w.Marker); err != nil && !os.IsNotExist(err) {
		w.t.Fatal(err)
	}
}

// attackWorks runs the real go command the way a naive oracle would (go env
// -json in dir, with the environment the workspace asks for on top of the
// suite's), and fails unless the planted program ran: the attack is real, so
// its absence later means something. The marker is removed again.
func (w *WS) attackWorks(dir string, env ...string) {
	w.t.Helper()
	for i := range env {
		env[i] = w.Subst(env[i])
	}
	cmd := exec.Command("go", "env", "-json", "GOPROXY")
	cmd.Dir = w.Subst(dir)
	cmd.Env = append(w.Env(), env...)
	out, _ := cmd.CombinedOutput()
	if _, err := os.Stat(w.Marker); err != nil {
		w.t.Fatalf("control: go env with %v did not run the planted program, so this test proves nothing:\n%s", env, out)
	}
	w.removeMarker()
}

// TestTrustAlternateTools is attack (a): go.alternateTools and go.goroot in
// the workspace's settings name planted programs.
func TestTrustAlternateTools(t *testing.T) {
	w := Load(t, "alternate-tools")
	w.MarkerProgram("$FOLDER/tools/go")
	w.MarkerProgram("$FOLDER/goroot/bin/go")
	before := w.Tree()

	for _, cmd := range [][]string{
		{"env", "--json", "--settings", w.UserSettings},
		{"check", "--settings", w.UserSettings},
	} {
		r := w.CLI(cmd...)
		if r.Code == 2 {
			t.Fatalf("%v: exit 2\n%s", cmd, r.Output())
		}
		w.AssertNothingRan()
	}
	s := w.Serve(false)
	if out := environment(t, s); !strings.Contains(out, "https://goproxy.example.com,direct") {
		t.Errorf("environment: %s", out)
	}
	s.Shutdown()
	w.AssertNothingRan()
	w.AssertOnlyChanged(before)

	// Control: trusted, the workspace chooses its go, and the doctor runs it.
	w.CLI("env", "--settings", w.UserSettings, "--trust-workspace")
	if _, err := os.Stat(w.Marker); err != nil {
		t.Fatal("env --trust-workspace did not run the workspace's go.alternateTools: the test cannot see a run")
	}
}

// TestTrustToolchainOnWorkspacePATH is attack (b): GOTOOLCHAIN=go1.99.0 and
// a PATH starting with the repository's bin/ (holding go1.99.0 and go) in
// go.toolsEnvVars, gopls build.env, terminal.integrated.env, launch.json and
// tasks.json. Untrusted, that environment never reaches go env; trusted it
// does, but go env runs with GOTOOLCHAIN=local and never looks go1.99.0 up.
func TestTrustToolchainOnWorkspacePATH(t *testing.T) {
	w := Load(t, "toolchain-path")
	w.MarkerProgram("$FOLDER/bin/go1.99.0")
	w.MarkerProgram("$FOLDER/bin/go")
	w.attackWorks(os.TempDir(), "GOTOOLCHAIN=go1.99.0", "PATH=$FOLDER/bin:"+filepath.Join(runtime.GOROOT(), "bin")+":/usr/bin:/bin")
	before := w.Tree()

	r := w.CLI("env", "--json", "--settings", w.UserSettings)
	if r.Code != 0 {
		t.Fatalf("env: exit %d\n%s", r.Code, r.Output())
	}
	w.AssertNothingRan()
	// The workspace-shaped consumers show the model's values, marked.
	if !strings.Contains(r.Stdout, "not confirmed with go env: the workspace is not trusted") || !strings.Contains(r.Stdout, `"go1.99.0"`) {
		t.Errorf("env --json does not show the unconfirmed model values:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "--trust-workspace") {
		t.Errorf("env: no note on the unconfirmed consumers:\n%s", r.Stderr)
	}
	w.CLI("check", "--settings", w.UserSettings)
	w.AssertNothingRan()

	s := w.Serve(false)
	if out := environment(t, s); !strings.Contains(out, "not confirmed with go env: the workspace is not trusted") {
		t.Errorf("environment (untrusted) does not mark the unconfirmed values: %s", out)
	}
	s.Shutdown()
	w.AssertNothingRan()

	// Trusted: go env sees the workspace's PATH and GOTOOLCHAIN, and still
	// runs nothing of the repository's; GOTOOLCHAIN shows the consumers' value.
	r = w.CLI("env", "--json", "--settings", w.UserSettings, "--trust-workspace")
	if r.Code != 0 || strings.Contains(r.Stdout, "not confirmed") {
		t.Fatalf("env --trust-workspace: exit %d\n%s", r.Code, r.Output())
	}
	for name, vars := range envValues(t, r.Stdout) {
		if got := vars["GOTOOLCHAIN"]; name != "install" && got != "go1.99.0" {
			t.Errorf("trusted %s: GOTOOLCHAIN %q, want the consumer's go1.99.0", name, got)
		}
	}
	w.AssertNothingRan()
	s = w.Serve(true)
	environment(t, s)
	s.Shutdown()
	w.AssertNothingRan()
	w.AssertOnlyChanged(before)
}

// buildToolchainProxy writes a file:// module proxy at dir serving
// golang.org/toolchain@v0.0.1-go1.99.0.<GOOS>-<GOARCH>, whose bin/go (and
// pkg/tool, which cmd/go also looks for) run the marker program.
func (w *WS) buildToolchainProxy(dir string) {
	w.t.Helper()
	v := module.Version{Path: "golang.org/toolchain", Version: "v0.0.1-go1.99.0." + runtime.GOOS + "-" + runtime.GOARCH}
	src := filepath.Join(w.Root, "toolchain-src")
	w.MarkerProgram(filepath.Join(src, "bin", "go"))
	must(w.t, os.WriteFile(filepath.Join(src, "bin", "gofmt"), []byte("#!/bin/sh\nexit 1\n"), 0o755))
	for _, d := range []string{"lib", "pkg/tool"} {
		must(w.t, os.MkdirAll(filepath.Join(src, d), 0o755))
		must(w.t, os.WriteFile(filepath.Join(src, d, "README"), []byte("toolchain"), 0o644))
	}
	must(w.t, os.WriteFile(filepath.Join(src, "go.mod"), []byte("module golang.org/toolchain\n"), 0o644))
	at := filepath.Join(w.Subst(dir), "golang.org", "toolchain", "@v")
	must(w.t, os.MkdirAll(at, 0o755))
	f, err := os.Create(filepath.Join(at, v.Version+".zip"))
	must(w.t, err)
	must(w.t, modzip.CreateFromDir(f, v, src))
	must(w.t, f.Close())
	must(w.t, os.WriteFile(filepath.Join(at, v.Version+".mod"), []byte("module golang.org/toolchain\n"), 0o644))
	must(w.t, os.WriteFile(filepath.Join(at, v.Version+".info"), []byte(`{"Version":"`+v.Version+`"}`), 0o644))
	must(w.t, os.WriteFile(filepath.Join(at, "list"), []byte(v.Version+"\n"), 0o644))
	must(w.t, os.RemoveAll(src))
}

// TestTrustToolchainFromWorkspaceProxy is attack (c): GOTOOLCHAIN=go1.99.0
// from the workspace's own file:// proxy, checksums off. go env never
// downloads a toolchain, trusted or not.
func TestTrustToolchainFromWorkspaceProxy(t *testing.T) {
	w := Load(t, "toolchain-file-proxy")
	w.Setenv("GOFLAGS=-modcacherw") // so that the test can remove a module cache
	w.buildToolchainProxy("$FOLDER/proxy")
	w.attackWorks(os.TempDir(), "GOTOOLCHAIN=go1.99.0", "GOPROXY=file://$FOLDER/proxy", "GOSUMDB=off")
	// The control filled the module cache; a fresh one for the doctor.
	w.Setenv("GOMODCACHE=" + filepath.Join(w.Root, "gopath", "fresh"))
	before := w.Tree()

	for _, trust := range [][]string{nil, {"--trust-workspace"}} {
		r := w.CLI(append([]string{"env", "--json", "--settings", w.UserSettings}, trust...)...)
		if r.Code != 0 {
			t.Fatalf("env %v: exit %d\n%s", trust, r.Code, r.Output())
		}
		w.AssertNothingRan()
		w.CLI(append([]string{"check", "--settings", w.UserSettings}, trust...)...)
		w.AssertNothingRan()
	}
	for _, trusted := range []bool{false, true} {
		s := w.Serve(trusted)
		environment(t, s)
		s.Shutdown()
		w.AssertNothingRan()
	}
	if _, err := os.Stat(filepath.Join(w.Root, "gopath", "fresh", "golang.org")); err == nil {
		t.Error("the toolchain module was downloaded into the module cache")
	}
	w.AssertOnlyChanged(before)
}

// recorder is a loopback HTTP server that records every request path and
// answers 404, or what serve returns.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newRecorder(t *testing.T, serve func(path string) (int, string)) *recorder {
	r := &recorder{}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.paths = append(r.paths, req.Method+" "+req.Host+req.URL.RequestURI())
		r.mu.Unlock()
		code, body := http.StatusNotFound, "not found"
		if serve != nil {
			code, body = serve(req.URL.Path)
		}
		rw.WriteHeader(code)
		fmt.Fprint(rw, body)
	}))
	r.Start()
	t.Cleanup(r.Close)
	return r
}

// newTLSRecorder is a recorder over https; the returned file holds its
// certificate, for SSL_CERT_FILE.
func newTLSRecorder(t *testing.T, serve func(path string) (int, string)) (*recorder, string) {
	r := newRecorder(t, serve)
	r.Close()
	r.Server = httptest.NewUnstartedServer(r.Config.Handler)
	r.StartTLS()
	t.Cleanup(r.Close)
	cert := filepath.Join(t.TempDir(), "cert.pem")
	must(t, os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate().Raw}), 0o644))
	return r, cert
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.paths...)
}

// TestTrustGoModToolchain is attack (d): go.mod's toolchain line with the
// user's GOTOOLCHAIN=auto and GOPROXY a loopback recorder. No toolchain
// request arrives, the values are confirmed, in both modes.
func TestTrustGoModToolchain(t *testing.T) {
	w := Load(t, "gomod-toolchain")
	proxy := newRecorder(t, nil)
	w.Setenv("GOTOOLCHAIN=auto", "GOPROXY="+proxy.URL, "GOSUMDB=off")
	// Control: go env in the folder asks the proxy for the toolchain.
	cmd := exec.Command("go", "env", "GOPROXY")
	cmd.Dir, cmd.Env = w.Folder, w.Env()
	cmd.CombinedOutput()
	if reqs := proxy.requests(); len(reqs) == 0 || !strings.Contains(strings.Join(reqs, "\n"), "golang.org/toolchain") {
		t.Fatalf("control: go env in the folder made no toolchain request (%v): the test proves nothing", reqs)
	}
	proxy.mu.Lock()
	proxy.paths = nil
	proxy.mu.Unlock()

	for _, trust := range [][]string{nil, {"--trust-workspace"}} {
		r := w.CLI(append([]string{"env", "--json", "--settings", w.UserSettings}, trust...)...)
		if r.Code != 0 || strings.Contains(r.Output(), "not confirmed") || strings.Contains(r.Stderr, "could not confirm") {
			t.Errorf("env %v: exit %d; want every value confirmed\n%s", trust, r.Code, r.Output())
		}
		for name, vars := range envValues(t, r.Stdout) {
			if vars["GOTOOLCHAIN"] != "auto" {
				t.Errorf("env %v: %s's GOTOOLCHAIN is %q, not the consumers' auto", trust, name, vars["GOTOOLCHAIN"])
			}
		}
	}
	for _, trusted := range []bool{false, true} {
		s := w.Serve(trusted)
		if out := environment(t, s); strings.Contains(out, "not confirmed") {
			t.Errorf("environment (trusted %v): unconfirmed values: %s", trusted, out)
		}
		s.Shutdown()
	}
	if reqs := proxy.requests(); len(reqs) > 0 {
		t.Errorf("the doctor's go env asked the proxy: %v", reqs)
	}
	w.AssertNothingRan()
}

// TestTrustHostileSettingsOverTheWire is (f): the language server told
// trusted:false runs nothing a hostile .vscode/settings.json names, through
// its own diagnosis (no command asked) as well as the environment command.
func TestTrustHostileSettingsOverTheWire(t *testing.T) {
	w := Load(t, "toolchain-path")
	w.MarkerProgram("$FOLDER/bin/go1.99.0")
	w.MarkerProgram("$FOLDER/bin/go")
	w.MarkerProgram("$FOLDER/tools/go")
	settings := w.Subst(`{
  "go.alternateTools": {"go": "$FOLDER/tools/go"},
  "go.toolsEnvVars": {"GOTOOLCHAIN": "go1.99.0", "PATH": "$FOLDER/bin", "GOPROXY": "file://$FOLDER/proxy", "GOSUMDB": "off"}
}`)
	s := w.Serve(false)
	// Over the wire: the buffer, not the file, is what the server sees.
	s.Open("ws/.vscode/settings.json", "jsonc", settings)
	s.Diagnostics("ws/.vscode/settings.json", func([]any) bool { return true })
	if out := environment(t, s); !strings.Contains(out, "not confirmed with go env") {
		t.Errorf("environment: %s", out)
	}
	s.Shutdown()
	w.AssertNothingRan()
}

// The login-shell probe runs the user's shell with the user's startup files:
// never for an untrusted workspace. Trusted, it runs (the control): the shell
// then also writes a line into a named pipe the test waits on.
func TestTrustNoLoginShellProbeWhenUntrusted(t *testing.T) {
	w := Load(t, "benign")
	fifo := filepath.Join(w.Outside, "probed")
	must(t, syscall.Mkfifo(fifo, 0o644))
	shell := filepath.Join(w.Outside, "shell")
	must(t, os.WriteFile(shell, []byte(fmt.Sprintf("#!/bin/sh\necho \"$0 $*\" >> %q\necho ran > %q\nexit 1\n", w.Marker, fifo)), 0o755))
	w.Setenv("SHELL=" + shell)
	s := w.Serve(false)
	environment(t, s)
	s.Shutdown()
	w.AssertNothingRan()

	probed := make(chan error, 1)
	go func() { _, err := os.ReadFile(fifo); probed <- err }()
	s = w.Serve(true)
	select {
	case err := <-probed:
		must(t, err)
	case <-time.After(serverTimeout):
		t.Fatal("control: a trusted session did not probe the login shell; the test cannot see a probe")
	}
	s.Shutdown()
}

// replaceIn replaces old with new in the file rel (relative to Root).
func (w *WS) replaceIn(rel, old, new string) {
	w.t.Helper()
	path := filepath.Join(w.Root, rel)
	b, err := os.ReadFile(path)
	must(w.t, err)
	must(w.t, os.WriteFile(path, []byte(strings.ReplaceAll(string(b), old, new)), 0o644))
}

// TestTrustVerifyWithholdsWorkspaceURLs is attack (e): the workspace's
// GOPROXY names an address of its choosing. Untrusted, Verify never
// contacts it and says so; trusted (or confirmed) it does.
func TestTrustVerifyWithholdsWorkspaceURLs(t *testing.T) {
	w := Load(t, "verify-workspace-proxy")
	info := func(path string) (int, string) {
		if strings.HasSuffix(path, "/example.com/lib/@v/v1.0.0.info") {
			return http.StatusOK, `{"Version":"v1.0.0"}`
		}
		return http.StatusNotFound, "not found"
	}
	hostile, cert := newTLSRecorder(t, info)
	user := newRecorder(t, info)
	w.Setenv("SSL_CERT_FILE=" + cert)
	// The workspace's URL carries credentials: they must never be printed.
	wsURL := strings.Replace(hostile.URL, "https://", "https://robot:s3cr3t-token@", 1)
	w.replaceIn("ws/.vscode/settings.json", "$PROXY", wsURL)
	w.replaceIn("home/.config/go/env", "$USERPROXY", user.URL)

	r := w.CLI("verify", "--json", "--settings", w.UserSettings)
	if r.Code == 2 {
		t.Fatalf("verify: exit 2\n%s", r.Output())
	}
	if reqs := hostile.requests(); len(reqs) > 0 {
		t.Errorf("untrusted verify contacted the workspace's proxy: %v", reqs)
	}
	if len(user.requests()) == 0 {
		t.Error("untrusted verify did not probe the user's own GOPROXY either")
	}
	if strings.Contains(r.Output(), "s3cr3t-token") {
		t.Errorf("a credential was printed:\n%s", r.Output())
	}
	var res struct {
		Withheld []struct{ URL, Kind, Source string }
		Modules  []struct{ Consumer, Outcome string }
	}
	must(t, json.Unmarshal([]byte(r.Stdout), &res))
	wantURL := strings.Replace(hostile.URL, "https://", "https://robot:xxxxx@", 1) + "/mod"
	if len(res.Withheld) != 1 || res.Withheld[0].URL != wantURL || res.Withheld[0].Kind != "goproxy" ||
		res.Withheld[0].Source != ".vscode/settings.json:2 go.toolsEnvVars.GOPROXY" {
		t.Errorf("withheld = %+v, want %s from .vscode/settings.json:2 go.toolsEnvVars.GOPROXY", res.Withheld, wantURL)
	}
	r = w.CLI("verify", "--settings", w.UserSettings)
	if !strings.Contains(r.Stdout, "withheld goproxy "+wantURL) || !strings.Contains(r.Stdout, "--trust-workspace") {
		t.Errorf("verify text does not say what it withheld and how to allow it:\n%s", r.Stdout)
	}
	if len(hostile.requests()) > 0 {
		t.Fatalf("untrusted verify (text) contacted the workspace's proxy: %v", hostile.requests())
	}

	// The editor: untrusted, withheld unless the user confirmed.
	s := w.Serve(false)
	verify := func(args map[string]any) string {
		resp := s.Call("workspace/executeCommand", map[string]any{"command": "goproxy-doctor.verify", "arguments": []any{args}})
		if resp["error"] != nil {
			t.Fatalf("goproxy-doctor.verify: %v", resp["error"])
		}
		b, err := json.Marshal(resp["result"])
		must(t, err)
		return string(b)
	}
	if out := verify(map[string]any{}); !strings.Contains(out, `"withheld":[{`) || len(hostile.requests()) > 0 {
		t.Errorf("LSP verify (untrusted) withheld nothing or contacted the proxy (%v): %s", hostile.requests(), out)
	}
	if out := verify(map[string]any{"allowWorkspaceURLs": true}); !strings.Contains(out, `"withheld":[]`) || len(hostile.requests()) == 0 {
		t.Errorf("LSP verify with allowWorkspaceURLs did not probe the workspace's proxy: %s", out)
	}
	s.Shutdown()

	// Trusted on the command line: contacted.
	before := len(hostile.requests())
	r = w.CLI("verify", "--json", "--settings", w.UserSettings, "--trust-workspace")
	if len(hostile.requests()) == before || !strings.Contains(r.Stdout, `"withheld": []`) {
		t.Errorf("verify --trust-workspace: the workspace's proxy was not contacted\n%s", r.Output())
	}
	if strings.Contains(r.Output(), "s3cr3t-token") {
		t.Errorf("a credential was printed:\n%s", r.Output())
	}
}
