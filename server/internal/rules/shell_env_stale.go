package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// CodeShellEnvStale is the code of a shell start-up file that gives a new
// terminal another value than the environment the doctor runs in, or that
// sets a variable without exporting it.
//
// Assignments without export are shell-var-not-exported's.
const CodeShellEnvStale = "shell-env-stale"

func init() {
	register(Rule{Code: CodeShellEnvStale, Severity: findings.Information, Check: checkShellEnvStale})
}

// terminalBaseEnv is the environment the terminal consumer starts from:
// the login shell's when probed, else the process environment.
func terminalBaseEnv(s *sources.Snapshot) map[string]string {
	if s.TerminalEnv != nil {
		return s.TerminalEnv
	}
	return s.ProcessEnv
}

// checkShellEnvStale compares what the user's shell start-up files
// ($SHELL's, in the order the shell reads them) leave a modelled variable
// with what this environment holds: "a new shell will see X, this one sees
// Y". Quiet when the files were
// not read, and when the login shell was probed (its environment is what
// a new shell sees, no guess from the files needed).
func checkShellEnvStale(in *Input) []findings.Finding {
	sh := in.Snap.Shell
	if sh == nil || in.Snap.TerminalEnv != nil {
		return nil
	}
	env := in.Snap.ProcessEnv
	var out []findings.Finding
	consumers := []string{"terminal"}
	for _, name := range resolve.Modelled {
		cur, has := env[name]
		if unexportedInStartup(sh, env, name) {
			continue // shell-var-not-exported
		}
		fin, ok := sh.Final(name)
		if !ok || fin.Unresolved || fin.Value == cur {
			continue
		}
		this := "this one has it unset"
		if has && cur != "" {
			this = "this one sees " + quote(cur)
		} else if fin.Value == "" {
			continue // an empty value is unset to the go command
		}
		msg := "A new shell will see " + name + "=" + quote(fin.Value) + " (exported by " + sh.Display(fin.Prov.File) + ":" + itoa(fin.Prov.Line) + "), " + this +
			": terminals opened before the file changed, and programs started from them, keep the old value until they are restarted (or the file is sourced)."
		out = append(out, findings.At(findings.ValuePlace(fin.Prov), msg, consumers))
	}
	return out
}
