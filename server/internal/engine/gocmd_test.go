package engine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The real go command is the oracle of these tests. It is always run with a
// fully controlled environment: nothing is inherited from the machine (whose
// own go env file sets GOFLAGS), HOME and the module/build caches are
// temporary directories, and PATH holds only the go binary's directory and
// the system directories.

var (
	goBinOnce sync.Once
	goBinPath string
	goBinErr  error
)

// goBinary returns the absolute, symlink-resolved path of the go command
// that runs these tests.
func goBinary(t testing.TB) string {
	t.Helper()
	goBinOnce.Do(func() {
		p, err := exec.LookPath("go")
		if err != nil {
			p = "/usr/local/go/bin/go"
		}
		if p, err = filepath.Abs(p); err != nil {
			goBinErr = err
			return
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		if _, err := os.Stat(p); err != nil {
			goBinErr = fmt.Errorf("no go command: %w", err)
			return
		}
		goBinPath = p
	})
	if goBinErr != nil {
		t.Fatal(goBinErr)
	}
	return goBinPath
}

// goRoot is the GOROOT the go binary finds for itself.
func goRoot(t testing.TB) string { return filepath.Dir(filepath.Dir(goBinary(t))) }

// goPATH is the PATH every test environment uses.
func goPATH(t testing.TB) string {
	return filepath.Dir(goBinary(t)) + string(os.PathListSeparator) + "/usr/bin" + string(os.PathListSeparator) + "/bin"
}

// baseEnv is the minimal controlled environment: PATH, HOME, GOPATH,
// GOMODCACHE and GOCACHE under dir. Callers add GOENV (a file or off) or an
// XDG_CONFIG_HOME / HOME layout that holds the go env file.
func baseEnv(t testing.TB, dir string) map[string]string {
	return map[string]string{
		"PATH":       goPATH(t),
		"HOME":       filepath.Join(dir, "home"),
		"GOPATH":     filepath.Join(dir, "gopath"),
		"GOMODCACHE": filepath.Join(dir, "gopath", "pkg", "mod"),
		"GOCACHE":    filepath.Join(dir, "gocache"),
	}
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// runGoEnv runs `go env -json names...` in dir with exactly env.
func runGoEnv(t testing.TB, dir string, env map[string]string, names []string) (map[string]string, error) {
	cmd := exec.Command(goBinary(t), append([]string{"env", "-json"}, names...)...)
	cmd.Env = envList(env)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go env: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var vars map[string]string
	if err := json.Unmarshal(stdout.Bytes(), &vars); err != nil {
		return nil, fmt.Errorf("go env output %q: %v", stdout.String(), err)
	}
	return vars, nil
}

// quietTelemetry turns Go telemetry off in a user config dir: otherwise go
// env writes counters there and starts a detached child that keeps writing
// after it exits (and races with the removal of temporary directories).
func quietTelemetry(t testing.TB, configDir string) {
	writeFile(t, filepath.Join(configDir, "go", "telemetry", "mode"), []byte("off"))
}

func writeFile(t testing.TB, path string, content []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
}
