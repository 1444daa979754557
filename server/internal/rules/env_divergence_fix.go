package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// divergenceFixes makes the consumers of a divergence agree, in each
// direction that works: drop the override that sets them apart, set it to
// the other side's value, or write one side's value into the layer the other
// side reads (terminal.integrated.env.<os> for the terminal, go.toolsEnvVars
// for the editor's processes). Every candidate is replayed through the
// engine and offered only when the consumers then agree.
//
// Which one is preferred: none for a debug configuration's or a task's own
// environment (set for that run on purpose); for a list (private patterns,
// NO_PROXY) whose one side holds all of the other's entries, the one that
// gives everyone the longer list; else the one that keeps the terminal's
// value — "works in the terminal" is what the user has seen working — by
// the smallest change (drop the override, else set it, else copy the value);
// and when the terminal's value is nobody's choice (a default), the one that
// adds the value where it is missing rather than remove configuration. A
// value another rule flags is never what consumers are made to agree on.
func (in *Input) divergenceFixes(d *divergence) []Fix {
	// Agreement is checked over the consumers of the finding and the four
	// every folder has: a fix that aligns two of them by setting the
	// terminal apart would only move the finding.
	involved := append(append([]string{"terminal", "gopls", "tools", "install"}, d.consumers...), d.otherConsumers...)
	type candidate struct {
		fix     Fix
		outcome string
	}
	var cands []candidate
	try := func(fx *fixer, title string) {
		outcome, ok := fx.agree(involved, d.names)
		if !ok {
			return
		}
		for _, n := range d.names {
			if in.valueProblem(n, outcome) {
				return // agreement on a value another rule flags is no fix
			}
		}
		if f, ok := fx.build(title, false); ok {
			cands = append(cands, candidate{f, outcome})
		}
	}
	cause := d.valueProv
	if overlay(cause.Source) {
		// A: drop the override.
		fx := in.fixer()
		fx.remove(cause)
		try(fx, "Remove "+keyLabel(cause)+" from "+in.label(cause.File))
		// B: give the override the other side's value.
		if in.copyable(d.names, d.rawOther, d.otherProv) {
			fx := in.fixer()
			fx.carry(d.otherProv)
			fx.replace(cause, d.rawOther)
			try(fx, "Set "+keyLabel(cause)+" in "+in.label(cause.File)+" to "+quote(d.rawOther))
		}
	} else if in.copyable(d.names, d.rawOther, d.otherProv) {
		// C: a base value one side cannot see (tool installs drop GOENV):
		// give it to that side where it reads settings, per user.
		fx, title := in.writeLayers(d.consumers, d.names, d.rawOther, in.Snap.UserSettingsPath)
		fx.carry(d.otherProv)
		try(fx, title)
	}
	// D: give the other side this side's value.
	if in.copyable(d.names, d.raw, d.rawProv) {
		target := in.Snap.UserSettingsPath
		if overlay(cause.Source) {
			target = in.settingsFor(cause)
		}
		for _, file := range unique(target, in.Snap.UserSettingsPath) {
			fx, title := in.writeLayers(d.otherConsumers, d.names, d.raw, file)
			fx.carry(d.rawProv)
			if fx.err == nil {
				try(fx, title)
				break
			}
		}
	}

	// The terminal's value counts when someone chose it: a default is just
	// what is left where nothing was configured.
	terminal := ""
	if c := in.Consumer("terminal"); c != nil {
		if v := c.Vars[d.names[0]]; !pinsDefault(v.Prov) && !in.valueProblem(d.names[0], observedValue(c, d.names[0])) {
			terminal = observedValue(c, d.names[0])
		}
	}
	best := -1
	wider := widerList(d.names[0], d.raw, d.rawOther)
	switch {
	case cause.Source == sources.Launch || cause.Source == sources.Tasks:
		// A debug configuration's or a task's own environment is set for
		// that run on purpose: no direction is obvious.
	case wider != "":
		// One side's list holds everything the other's does: give it to
		// both rather than drop entries someone added.
		for i, c := range cands {
			if c.outcome == wider {
				best = i
				break
			}
		}
	case terminal != "":
		for i, c := range cands {
			if c.outcome == terminal {
				best = i
				break
			}
		}
	default:
		// Give the value to the side that lacks it rather than remove
		// configuration: the candidates that add come last.
		for i := len(cands) - 1; i >= 0; i-- {
			if cands[i].outcome != "" {
				best = i
				break
			}
		}
	}
	out := make([]Fix, len(cands))
	for i, c := range cands {
		c.fix.Preferred = i == best
		out[i] = c.fix
	}
	return out
}

// agree reports whether, with the fix, the named consumers see one value for
// every variable, and which value that is (of the first variable).
func (fx *fixer) agree(consumers, names []string) (string, bool) {
	cs, ok := fx.after()
	if !ok {
		return "", false
	}
	outcome := ""
	for i, name := range names {
		first := true
		var value string
		for _, c := range cs {
			if !contains(consumers, c.Name) {
				continue
			}
			if c.Name == "install" && installExempt[name] {
				continue
			}
			v := observedValue(c, name)
			if first {
				value, first = v, false
			} else if v != value {
				return "", false
			}
		}
		if i == 0 {
			outcome = value
		}
	}
	return outcome, true
}

// observedValue is a variable as env-divergence compares it.
func observedValue(c *resolve.Consumer, name string) string {
	for _, dv := range divergenceVars {
		if dv.name != name {
			continue
		}
		if name == "GOENV" && c.GoEnvOff {
			return "off"
		}
		if dv.lower != "" {
			return effectiveVar(c, dv.name, dv.lower).Value
		}
	}
	return c.Vars[name].Value
}

// copyable reports whether a value may be written into another place: it is
// set somewhere on purpose (not go.env's default, which settings would then
// pin), and it is not itself broken.
func (in *Input) copyable(names []string, value string, p sources.Provenance) bool {
	if pinsDefault(p) {
		return false
	}
	if value == "" {
		return false
	}
	for _, n := range names {
		if in.valueProblem(n, value) {
			return false
		}
	}
	return true
}

// valueProblem reports whether a value of the variable is one the rules
// flag — rejected or misread by the go command or net/http, or unsafe
// (GOSUMDB=off, -insecure, plain-http or credential-bearing proxies): such a
// value is never copied to more consumers.
func (in *Input) valueProblem(name, value string) bool {
	if strings.ContainsAny(value, "\r\n") {
		return true
	}
	switch name {
	case "GOPROXY":
		entries, err := goenv.ParseGOPROXY(value)
		if err != nil {
			return true
		}
		for _, e := range entries {
			if e.MisSeparated() || e.URL != nil && (e.URL.User != nil || e.URL.Scheme == "http" && !loopback(e.URL.Hostname())) {
				return true
			}
		}
		if live := goenv.Live(entries); len(live) > 0 && live[0].Kind == goenv.ProxyOff {
			return true
		}
	case "GOSUMDB":
		_, err := goenv.ParseGOSUMDB(value, in.knownSumDBs())
		return err != nil || value == "off"
	case "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE":
		for _, p := range goenv.SplitPatterns(value) {
			if p.Problem() != "" {
				return true
			}
		}
	case "GOFLAGS":
		flags, err := goenv.ParseGOFLAGS(value)
		if err != nil {
			return true
		}
		for _, f := range flags {
			if f.Err != nil || f.Name == "insecure" || f.Name == "mod" && f.Value == "vendor" {
				return true
			}
		}
	case "HTTPS_PROXY", "HTTP_PROXY":
		_, err := goenv.ParseNetProxy(value)
		return err != nil
	}
	return false
}

// writeLayers writes value for every name into the settings that the named
// consumers read — terminal.integrated.env.<os> for the terminal and tasks,
// go.toolsEnvVars for the editor's processes — in one settings file.
func (in *Input) writeLayers(consumers, names []string, value, file string) (*fixer, string) {
	fx := in.fixer()
	if file == "" {
		fx.fail(errNotEditable)
		return fx, ""
	}
	var layers [][]string
	var shown []string
	terminal, editor := false, false
	for _, c := range consumers {
		switch {
		case c == "terminal" || strings.HasPrefix(c, "task:"):
			terminal = true
		default:
			editor = true
		}
	}
	if terminal {
		// The go command's own variables go where the terminal's go reads
		// them, the GOENV file (go env -w), unless its environment sets them.
		t := in.Consumer("terminal")
		goenvFile := t != nil && t.GoEnvPath != "" && !t.GoEnvOff
		for _, n := range names {
			goenvFile = goenvFile && contains(resolve.GoVars, n) && t.Env.Get(n) == ""
		}
		if goenvFile {
			for _, n := range names {
				fx.envSet(t.GoEnvPath, n, value)
			}
			shown = append(shown, "the GOENV file (go env -w)")
		} else {
			layers = append(layers, []string{"terminal.integrated.env." + in.Snap.Options.OSFlavour})
		}
	}
	switch {
	case len(consumers) == 1 && consumers[0] == "gopls":
		layers = append(layers, []string{"gopls", "build.env"})
	case editor:
		layers = append(layers, []string{"go.toolsEnvVars"})
	}
	for _, l := range layers {
		for _, n := range names {
			fx.set(file, value, append(l, n)...)
		}
		shown = append(shown, strings.Join(l, ".")+" ("+in.label(file)+")")
	}
	return fx, "Set " + andList(names) + " in " + strings.Join(shown, " and ") + " to " + quote(value)
}

func unique(list ...string) []string {
	var out []string
	for _, s := range list {
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// pinsDefault reports whether a value is nobody's choice: a default, go.env's,
// or one vscode-go derives.
func pinsDefault(p sources.Provenance) bool {
	switch p.Source {
	case "", sources.Default, sources.GorootGoEnv, sources.Derived:
		return true
	}
	return false
}

// widerList returns, for a list variable (private patterns, NO_PROXY), the
// value of a and b that holds every entry of the other, or "".
func widerList(name, a, b string) string {
	switch name {
	case "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "NO_PROXY":
	default:
		return ""
	}
	items := func(v string) []string {
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	covers := func(x, y []string) bool {
		for _, s := range y {
			if !contains(x, s) {
				return false
			}
		}
		return true
	}
	ia, ib := items(a), items(b)
	switch {
	case len(ia) > len(ib) && covers(ia, ib):
		return a
	case len(ib) > len(ia) && covers(ib, ia):
		return b
	}
	return ""
}
