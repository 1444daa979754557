package rules

import (
	"path/filepath"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// CodeShellVarNotExported is the code of a Go or proxy variable a shell
// file assigns without export, so the go command never sees it.
const CodeShellVarNotExported = "shell-var-not-exported"

func init() {
	register(Rule{Code: CodeShellVarNotExported, Severity: findings.Warning, Check: checkShellVarNotExported})
}

// unexportedInStartup reports whether the start-up files leave name as an
// assignment no export covers, with a value this environment does not
// already have from elsewhere.
func unexportedInStartup(sh *sources.ShellEnv, env map[string]string, name string) bool {
	a, ok := sh.Unexported(name)
	if !ok {
		return false
	}
	cur, has := env[name]
	return !(has && cur == a.Value)
}

// checkShellVarNotExported reports NAME=value lines that set a modelled
// variable as a shell variable only — no export, set -a or declare -x
// covers it — where that matters: in a start-up file of the user's shell
// (the terminal's go never sees it), and in a repository script before the
// go command it runs (the fourth field report's CI script: GOPRIVATE set,
// go build run, the private module sent to the mirror).
func checkShellVarNotExported(in *Input) []findings.Finding {
	var out []findings.Finding
	if sh := in.Snap.Shell; sh != nil && in.Snap.TerminalEnv == nil {
		for _, name := range resolve.Modelled {
			if !unexportedInStartup(sh, in.Snap.ProcessEnv, name) {
				continue
			}
			a, _ := sh.Unexported(name)
			msg := name + " " + quote(a.Value) + " in " + sh.Display(a.Prov.File) + " is set without export: a new shell keeps it as a shell variable, but the go command and every other program it starts never see it"
			if fin, ok := sh.Final(name); ok {
				msg += " (they get " + quote(fin.Value) + " from " + sh.Display(fin.Prov.File) + ":" + itoa(fin.Prov.Line) + ")"
			}
			msg += "; write export " + name + "=… instead."
			out = append(out, findings.At(findings.KeyPlace(a.Prov), msg, []string{"terminal"}))
		}
	}
	for _, sc := range in.Snap.Scripts {
		out = append(out, scriptUnexported(in.Snap, sc)...)
	}
	return out
}

// scriptUnexported reports the assignments of a script that no export
// covers and that a later go command of the same script would read.
func scriptUnexported(s *sources.Snapshot, sc *sources.RepoScript) []findings.Finding {
	var out []findings.Finding
	rel := sc.Path
	if r, err := filepath.Rel(s.Folder, sc.Path); err == nil && filepath.IsLocal(r) {
		rel = filepath.ToSlash(r)
	}
	for _, a := range sc.Assigns {
		if a.Exported || !contains(resolve.Modelled, a.Name) {
			continue
		}
		var next *sources.ScriptGo
		for i := range sc.Go {
			if sc.Go[i].Start > a.Prov.ValueSpan.End {
				next = &sc.Go[i]
				break
			}
		}
		if next == nil {
			continue
		}
		cmd := "go " + next.Sub
		msg := a.Name + " " + quote(a.Value) + " in " + rel + " is set without export, so `" + cmd + "` (line " + itoa(next.Line) +
			") and every other program the script starts never see it: write export " + a.Name + "=…, or set it on the command (" + a.Name + "=… " + cmd + ")."
		out = append(out, findings.At(findings.KeyPlace(a.Prov), msg, nil))
	}
	return out
}
