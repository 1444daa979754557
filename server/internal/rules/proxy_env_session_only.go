package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
)

// CodeProxyEnvSessionOnly is the code of proxy variables that only this
// session's environment holds: sudo and services run without them.
const CodeProxyEnvSessionOnly = "proxy-env-session-only"

func init() {
	register(Rule{Code: CodeProxyEnvSessionOnly, Severity: findings.Information, Check: checkProxyEnvSessionOnly})
}

// sessionVars are the variables whose loss under sudo or a service
// changes where module traffic goes.
var sessionVars = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "NO_PROXY", "no_proxy",
	"GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOSUMDB", "GOINSECURE", "GOFLAGS", "GOAUTH"}

// checkProxyEnvSessionOnly notes, once, the proxy and Go routing variables
// that are set in this environment but in none of the start-up files a
// login reads (/etc/environment, the shell's profile and rc files): they
// were exported by hand, or by a program, in this session. sudo starts
// commands with a reset environment (env_reset) and systemd services read
// no shell file, so `sudo go …`, a service or a cron job runs without
// them. Quiet when the start-up files were not read, and for every
// variable a start-up file sets (the common, correct case: the variables
// are exported from a profile file), and in CI (CI set), whose
// environment the job definition gives.
func checkProxyEnvSessionOnly(in *Input) []findings.Finding {
	sh := in.Snap.Shell
	if sh == nil {
		return nil
	}
	env := terminalBaseEnv(in.Snap)
	if env["CI"] != "" && env["CI"] != "false" {
		// A CI job's environment comes from its definition, not from a
		// session: there is nothing to keep across sudo that the job file
		// does not already say.
		return nil
	}
	var names []string
	for _, name := range sessionVars {
		if v := env[name]; v != "" && !sh.Sets(name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	verb := " is"
	if len(names) > 1 {
		verb = " are"
	}
	msg := findings.AndList(names) + verb + " set only in this session's environment, not in /etc/environment or a shell start-up file: " +
		"sudo resets the environment (env_reset) and systemd services read no shell files, so `sudo go …` and services run without " + them(len(names)) +
		". Keep " + them(len(names)) + " with `sudo -E`, or `Defaults env_keep += \"" + strings.Join(names, " ") + "\"` in sudoers (visudo), " +
		"`Environment=" + names[0] + "=…` in a unit's [Service] section, and an export in your shell profile for new terminals."
	return []findings.Finding{findings.At(findings.Place{}, msg, []string{"terminal"})}
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
