package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "unknown-proxy-variable", Severity: findings.Warning, Check: checkUnknownProxyVariable})
}

// checkUnknownProxyVariable reports misspelled network proxy variables
// (HTTPS_PORXY, HTTP_PROXY_URL, HTTPSPROXY, Https_Proxy) in the files that
// set environment variables for Go: go.toolsEnvVars, gopls build.env,
// terminal.integrated.env.*, launch and tasks env, and the GOENV file.
// net/http reads exactly HTTP_PROXY, HTTPS_PROXY and NO_PROXY (or their
// lower-case forms), git also ALL_PROXY; a near miss is silently ignored.
// The fix renames the key (not in the GOENV file, where even the right name
// has no effect). The process environment and the login shell's hold every
// program's variables, not only Go's: there only the right words misspelled
// (HTTPS_PORXY, HTTP_PROXYY, HTTPSPROXY) are reported, never a name with an
// added word (HTTP_PROXY_URL may be some script's), and without a fix (no
// file to edit).
func checkUnknownProxyVariable(in *Input) []findings.Finding {
	var out []findings.Finding
	windows := in.Snap.Options.GOOS == "windows"
	report := func(name, setting string, p sources.Provenance, consumers []string, goenvFile bool) {
		suggestion := proxyMisspelling(name, windows && !goenvFile)
		if suggestion == "" {
			return
		}
		msg := name + " is not a proxy variable (did you mean " + suggestion + "?), so setting it in " + setting + " has no effect" +
			findings.ForConsumers(consumers) + ": Go and git connect without the proxy it names"
		if goenvFile {
			out = append(out, findings.At(findings.KeyPlace(p), msg+"; even "+suggestion+" has no effect there, because net/http reads it only from the process environment.", consumers))
			return
		}
		f := findings.At(findings.KeyPlace(p), msg+".", consumers)
		if !buildFile(p.Source) {
			fx := in.plan().Fixer()
			fx.Rename(p, suggestion)
			f.AddFix(fx.Build("Rename "+fixplan.KeyLabel(p)+" to "+suggestion+" in "+in.plan().Label(p.File), true))
		}
		out = append(out, f)
	}
	in.eachEnvSetting(report)
	in.eachOSEnvName(func(name, where string, consumers []string) {
		suggestion := proxyMisspellingIn(name, windows, false)
		if suggestion == "" {
			return
		}
		out = append(out, findings.At(findings.Place{}, name+" in "+where+" is not a proxy variable (did you mean "+suggestion+"?), so it has no effect"+
			findings.ForConsumers(consumers)+": Go and git connect without the proxy it names.", consumers))
	})
	return out
}

// proxyTargets are the proxy variables, by their name without separators.
var proxyTargets = []struct{ prefix, name string }{
	{"HTTPS", "HTTPS_PROXY"}, {"HTTP", "HTTP_PROXY"}, {"NO", "NO_PROXY"}, {"ALL", "ALL_PROXY"},
}

// proxyNameSuffixes are words people append to a proxy variable's name.
var proxyNameSuffixes = []string{"URL", "URI", "HOST", "SERVER", "ADDR", "ADDRESS", "PORT", "HOSTS", "LIST"}

// proxyMisspelling returns the proxy variable a name was meant to be ("" when
// it is one, or is not close to one): the right words with separators
// dropped or changed (HTTPSPROXY, HTTP-PROXY), a suffix added
// (HTTP_PROXY_URL), PROXY misspelled by one letter (HTTPS_PORXY, NO_PROXI),
// or mixed case. The suggestion is lower case when the name is; with
// caseless names (Windows) only the upper-case spelling is compared.
func proxyMisspelling(name string, caseless bool) string {
	return proxyMisspellingIn(name, caseless, true)
}

// proxyMisspellingIn is proxyMisspelling, with the added words
// (HTTP_PROXY_URL) only when suffixes is set.
func proxyMisspellingIn(name string, caseless, suffixes bool) string {
	up := strings.ToUpper(name)
	for _, t := range proxyTargets {
		if name == t.name || name == strings.ToLower(t.name) || caseless && up == t.name {
			return ""
		}
	}
	if goenv.LooksLikeGoVar(name) {
		return "" // unknown-go-variable's
	}
	key := nameSeparators.Replace(up)
	for _, t := range proxyTargets {
		rest, ok := strings.CutPrefix(key, t.prefix)
		if !ok {
			continue
		}
		words := []string{""}
		if suffixes {
			words = append(words, proxyNameSuffixes...)
		}
		for _, s := range words {
			if r, ok := strings.CutSuffix(rest, s); ok && goenv.EditDistance(r, "PROXY") <= 1 {
				if name == strings.ToLower(name) {
					return strings.ToLower(t.name)
				}
				return t.name
			}
		}
	}
	return ""
}

// nameSeparators drops the separators people put inside variable names
// (built once: building a Replacer costs more than using it, and this runs
// for every environment variable on every diagnosis).
var nameSeparators = strings.NewReplacer("_", "", "-", "", ".", "")
