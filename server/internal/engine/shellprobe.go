package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

// Markers around the environment dump, so whatever the user's rc files print
// is ignored.
const (
	probeBegin = "__GOPROXY_DOCTOR_ENV_BEGIN__"
	probeEnd   = "__GOPROXY_DOCTOR_ENV_END__"
)

// ProbeLoginShell returns the environment an interactive login shell starts
// with — what VS Code resolves for its integrated terminal — by running
// `$SHELL -lic` with a bounded timeout. Run it only in trusted workspaces: the
// shell executes the user's startup files.
func ProbeLoginShell(ctx context.Context, env map[string]string, timeout time.Duration) (map[string]string, error) {
	shell := env["SHELL"]
	if shell == "" {
		return nil, errors.New("login shell probe: $SHELL is not set")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Not the workspace folder: an interactive shell's prompt and hooks run
	// programs (git, direnv) on the directory they start in.
	dir, cleanup, err := neutralDir()
	if err != nil {
		return nil, fmt.Errorf("login shell probe: %w", err)
	}
	defer cleanup()
	script := fmt.Sprintf("command printf '%%s\\0' %s; command env -0; command printf '%%s' %s", probeBegin, probeEnd)
	cmd := exec.CommandContext(ctx, shell, "-lic", script)
	cmd.Env = mapToList(env)
	cmd.Dir = dir
	cmd.Stdin = nil
	var out bytes.Buffer
	cmd.Stdout = &out
	// Interactive shells may try to take the terminal; give them none (a
	// session of their own), and kill what they leave running.
	bound(cmd, time.Second)
	err = cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		killGroup(cmd) // an rc file started something that kept stdout open
	}
	if err != nil && !bytes.Contains(out.Bytes(), []byte(probeEnd)) {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("login shell probe: %s did not finish within %s", shell, timeout)
		}
		return nil, fmt.Errorf("login shell probe: %s: %w", shell, err)
	}
	return parseProbe(out.Bytes())
}

// ShellProbeEnv is the environment to start the login-shell probe with: the
// editor's captured environment without the variables vscode-go pinned
// into it at activation (resolve.PinnedByVSCodeGo) when vscode-go was
// active. A terminal never inherits those pins, and a shell whose profile
// does not set them would otherwise echo the editor's stale values back, so
// the terminal would seem to agree with the editor.
func ShellProbeEnv(captured map[string]string, vscodeGoActive bool) map[string]string {
	env := make(map[string]string, len(captured))
	for k, v := range captured {
		if vscodeGoActive && slices.Contains(resolve.PinnedByVSCodeGo, k) {
			continue
		}
		env[k] = v
	}
	return env
}

func parseProbe(out []byte) (map[string]string, error) {
	begin := bytes.Index(out, []byte(probeBegin+"\x00"))
	end := bytes.LastIndex(out, []byte(probeEnd))
	if begin < 0 || end < begin {
		return nil, errors.New("login shell probe: no environment in the shell's output")
	}
	body := out[begin+len(probeBegin)+1 : end]
	env := map[string]string{}
	for _, kv := range strings.Split(string(body), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	// The shell's own bookkeeping is not part of what a terminal inherits.
	for _, k := range []string{"_", "SHLVL", "PWD", "OLDPWD"} {
		delete(env, k)
	}
	return env, nil
}

func mapToList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
