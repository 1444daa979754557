package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// The trust boundary (SPEC §5a), in one place: what the doctor may run.
//
// Everything a repository holds is data. In an untrusted workspace (VS Code's
// Restricted Mode; the CLI unless --trust-workspace) no process is started
// whose binary, environment or working directory a workspace layer chose:
//   - the go binary comes from the user's own settings and PATH (goBinary);
//   - go env runs only for consumers whose environment no workspace layer
//     shaped beyond plain data (oracleData); the others keep the model's
//     values, each noted NotConfirmedUntrusted.
//
// In every mode go env runs with GOTOOLCHAIN=local, in an empty directory of
// its own: a GOTOOLCHAIN value, a go.mod toolchain line or a go1.x binary on
// PATH never makes it switch to (or download) another toolchain.

// NotConfirmedUntrusted is the note on a value go env did not confirm
// because the workspace is not trusted.
const NotConfirmedUntrusted = "not confirmed with go env: the workspace is not trusted"

// ErrUntrusted is go env refusing a consumer environment a workspace layer
// shaped, in an untrusted workspace.
var ErrUntrusted = errors.New("go env: not run: the workspace is not trusted")

// NotConfirmedBuild is the note on the values of a consumer modelled from
// a build or CI file: its go command is the image's or runner's, not one
// this machine can run.
const NotConfirmedBuild = "modelled from the file: the image's or runner's go command is not run here"

// errBuildConsumer is go env declining a consumer modelled from a build or
// CI file (resolve.Origin).
var errBuildConsumer = errors.New("go env: not run for an image or CI runner")

// oracleData are the variables a workspace layer may pass to go env in an
// untrusted workspace. go env -json only prints them: with GOTOOLCHAIN=local
// and an empty directory, none of them selects a program, a file or a host.
// PATH, GOROOT, GOENV, GOPROXY, GOFLAGS, GOTOOLCHAIN, HOME and anything
// unknown are not data.
var oracleData = map[string]bool{
	"GOPRIVATE": true, "GONOPROXY": true, "GONOSUMDB": true, "GOINSECURE": true,
	"GOSUMDB": true, "GOAUTH": true, "GOVCS": true,
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"NO_PROXY": true, "no_proxy": true, "ALL_PROXY": true,
}

// workspaceShaped lists, sorted, the variables of c's environment that a
// workspace layer set or removed and that are not plain data.
func workspaceShaped(c *resolve.Consumer) []string {
	seen := map[string]bool{}
	for name, st := range c.Env {
		if !st.Prov.Source.UserOwned() && !oracleData[name] {
			seen[name] = true
		}
	}
	for _, l := range c.Layers {
		for _, e := range l.Removed {
			if !e.Prov.Source.UserOwned() && !oracleData[e.Name] {
				seen[e.Name] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// oracleEnv is the environment go env runs with for c, or ErrUntrusted.
// GOTOOLCHAIN is always local, so go env never switches toolchains; the
// GOTOOLCHAIN the consumer would use is the model's. A relative GOENV is made
// absolute against the folder because go env runs elsewhere.
func oracleEnv(s *sources.Snapshot, c *resolve.Consumer) ([]string, error) {
	if c.Origin != nil {
		return nil, errBuildConsumer
	}
	if !s.Options.Trusted {
		if shaped := workspaceShaped(c); len(shaped) > 0 {
			return nil, fmt.Errorf("%w (the workspace sets %s)", ErrUntrusted, strings.Join(shaped, ", "))
		}
	}
	env := make([]string, 0, len(c.Env)+1)
	for _, kv := range c.Env.List() {
		if k, _, _ := strings.Cut(kv, "="); k == "GOTOOLCHAIN" || k == "GOENV" {
			continue
		}
		env = append(env, kv)
	}
	if p := c.Env.Get("GOENV"); p != "" {
		if p != "off" && !filepath.IsAbs(p) && c.GoEnvPath != "" {
			// c.GoEnvPath is the folder joined with p, not cleaned: "sub/../env"
			// only resolves when sub exists, for go as for the model.
			p = c.GoEnvPath
		}
		env = append(env, "GOENV="+p)
	}
	return append(env, "GOTOOLCHAIN=local"), nil
}

// neutralDir makes the empty directory a child process runs in: never the
// workspace folder, whose go.mod or go.work could make go switch toolchains
// (and whose files a shell prompt might run).
func neutralDir() (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "goproxy-doctor-")
	if err != nil {
		return "", func() {}, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// settingsAllowed reports whether settings st may choose the go binary:
// user settings always, workspace settings only in a trusted workspace.
func settingsAllowed(s *sources.Snapshot, st *sources.Settings) bool {
	return st != nil && (st.Kind == sources.VSCodeUser || s.Options.Trusted)
}

// markUnconfirmed notes on each of names that go env did not confirm it.
func markUnconfirmed(c *resolve.Consumer, names []string, why string) {
	c.Unconfirmed = why
	for _, n := range names {
		v := c.Vars[n]
		if v.Note == "" {
			v.Note = why
		} else {
			v.Note += "; " + why
		}
		c.Vars[n] = v
	}
}
