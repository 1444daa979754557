package resolve

import (
	"path/filepath"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// effective fills c.Vars with cmd/go's view of c.Env.
func (r resolver) effective(c *Consumer) {
	goos := r.s.Options.GOOS
	c.GoEnvPath, c.GoEnvOff, c.GoEnvErr = sources.GoEnvPath(c.Env.Get, goos, r.s.Folder)
	user := r.s.EnvFile(c.GoEnvPath, sources.GoEnvFile)

	c.Vars = map[string]Value{}
	// GOROOT first: its go.env supplies the defaults of the other variables.
	c.Vars["GOROOT"] = r.goroot(c, user)
	c.GOROOT = c.Vars["GOROOT"].Value
	// cmd/go finds go.env with findGOROOT(the GOENV file's GOROOT): there the
	// file's GOROOT beats the environment's, unlike for Getenv("GOROOT").
	c.GoEnvGOROOT = c.GOROOT
	if l, ok := user.Lookup("GOROOT"); ok && l.Value != "" {
		c.GoEnvGOROOT = filepath.Clean(l.Value)
	} else if v := c.Env.Get("GOROOT"); v != "" {
		c.GoEnvGOROOT = filepath.Clean(v)
	}
	var goroot *sources.EnvFile
	if c.GoEnvGOROOT != "" {
		goroot = r.s.EnvFile(filepath.Join(c.GoEnvGOROOT, "go.env"), sources.GorootGoEnv)
	}

	for _, name := range GoVars {
		c.Vars[name] = lookup(c.Env, fileCandidate(user), goroot, name)
	}
	defaults(c)
	env := Value{Name: "GOENV", Value: c.GoEnvPath, Prov: sources.Provenance{Source: sources.Default, Key: "GOENV"}}
	if s, ok := c.Env["GOENV"]; ok && s.Value != "" {
		env.Prov, env.Uncertain = s.Prov, s.Uncertain
	}
	if c.GoEnvOff {
		env.Note = "GOENV=off: no GOENV file is read"
	}
	c.Vars["GOENV"] = env
	netVars(c)
}

// defaults applies cmd/go's built-in defaults to the looked-up GoVars.
func defaults(c *Consumer) {
	// Built-in defaults (cmd/go/internal/cfg): GONOPROXY and GONOSUMDB fall back
	// to GOPRIVATE; GOAUTH to netrc.
	for _, name := range []string{"GONOPROXY", "GONOSUMDB"} {
		if v := c.Vars[name]; v.Value == "" {
			p := c.Vars["GOPRIVATE"]
			v.Value = p.Value
			v.Prov = sources.Provenance{Source: sources.Default, Key: name}
			v.Note = "defaults to GOPRIVATE"
			v.Chain = append(v.Chain, Candidate{Value: p.Value, Prov: v.Prov, Used: true})
			c.Vars[name] = v
		}
	}
	if v := c.Vars["GOAUTH"]; v.Value == "" {
		v.Value = "netrc"
		v.Prov = sources.Provenance{Source: sources.Default, Key: "GOAUTH"}
		v.Chain = append(v.Chain, Candidate{Value: "netrc", Prov: v.Prov, Used: true})
		c.Vars["GOAUTH"] = v
	}
}

// netVars copies the variables net/http and crypto/tls read from the
// process environment.
func netVars(c *Consumer) {
	for _, name := range NetVars {
		s, ok := c.Env[name]
		v := Value{Name: name, Prov: sources.Provenance{Source: sources.Default, Key: name}}
		if ok {
			v.Value, v.Prov, v.Uncertain = s.Value, s.Prov, s.Uncertain
			v.Chain = []Candidate{{Value: s.Value, Prov: s.Prov, Used: true}}
			v.Note = s.Note
		}
		c.Vars[name] = v
	}
}

// fileCandidate looks a variable up in a GOENV file.
func fileCandidate(f *sources.EnvFile) func(string) (Candidate, bool) {
	return func(name string) (Candidate, bool) {
		l, ok := f.Lookup(name)
		if !ok {
			return Candidate{}, false
		}
		return Candidate{Value: l.Value, Prov: f.Prov(l)}, true
	}
}

// lookup is cfg.Getenv: a non-empty environment value, else the GOENV file
// (a line there, even "KEY=", masks go.env), else go.env.
func lookup(env Env, user func(string) (Candidate, bool), goroot *sources.EnvFile, name string) Value {
	v := Value{Name: name}
	s, inEnv := env[name]
	if inEnv {
		v.Chain = append(v.Chain, Candidate{Value: s.Value, Prov: s.Prov, Empty: s.Value == ""})
	}
	uc, inUser := user(name)
	userIdx := len(v.Chain)
	if inUser {
		v.Chain = append(v.Chain, uc)
	}
	gl, inGoroot := goroot.Lookup(name)
	if inGoroot {
		v.Chain = append(v.Chain, Candidate{Value: gl.Value, Prov: goroot.Prov(gl)})
	}
	used := -1
	switch {
	case inEnv && s.Value != "":
		used = 0
		v.Uncertain = s.Uncertain
		v.Note = s.Note
	case inUser:
		used = userIdx
	case inGoroot:
		used = indexOfSource(v.Chain, sources.GorootGoEnv)
	}
	if inEnv && s.Value == "" && s.Uncertain {
		// A value the build supplies from outside the file (an ARG
		// without default): what it falls back to is only a guess.
		v.Uncertain, v.Note = true, s.Note
	}
	if used < 0 {
		v.Prov = sources.Provenance{Source: sources.Default, Key: name}
		return v
	}
	v.Chain[used].Used = true
	v.Value, v.Prov = v.Chain[used].Value, v.Chain[used].Prov
	return v
}

func indexOfSource(chain []Candidate, kind sources.Kind) int {
	for i, c := range chain {
		if c.Prov.Source == kind {
			return i
		}
	}
	return -1
}

// goroot mirrors findGOROOT: $GOROOT from the environment or the GOENV file,
// else the root the go binary finds for itself.
func (r resolver) goroot(c *Consumer, user *sources.EnvFile) Value {
	v := Value{Name: "GOROOT"}
	if s, ok := c.Env["GOROOT"]; ok && s.Value != "" {
		v.Value, v.Prov, v.Uncertain = s.Value, s.Prov, s.Uncertain
		v.Chain = []Candidate{{Value: s.Value, Prov: s.Prov, Used: true}}
		return v
	}
	if l, ok := user.Lookup("GOROOT"); ok && l.Value != "" {
		// initEnvCache stores findGOROOT's result, which is cleaned.
		v.Value, v.Prov = filepath.Clean(l.Value), user.Prov(l)
		v.Chain = []Candidate{{Value: l.Value, Prov: v.Prov, Used: true}}
		return v
	}
	v.Value = r.s.DefaultGOROOT
	v.Prov = sources.Provenance{Source: sources.Default, Key: "GOROOT"}
	v.Note = "the go binary's own GOROOT"
	return v
}
