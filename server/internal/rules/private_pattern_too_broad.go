package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "private-pattern-too-broad", Severity: findings.Warning, Check: checkPrivatePatternTooBroad})
}

// sharedCodeHosts host the modules of many unrelated owners: a pattern for
// the whole host marks every public module there private too.
var sharedCodeHosts = []string{"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com", "git.sr.ht"}

// broadVars are the lists this rule reads, with what a match skips.
var broadVars = []struct{ name, skips string }{
	{"GOPRIVATE", "skip the mirror and the checksum database too: they are fetched from their origin (slower, and gone when the origin is), and nothing checks that their content is what everyone else got"},
	{"GONOPROXY", "skip the mirror too: they are fetched from their origin, slower, and gone when the origin is"},
	{"GONOSUMDB", "skip the checksum database too: nothing checks that their content is what everyone else got"},
}

// checkPrivatePatternTooBroad reports GOPRIVATE/GONOPROXY/GONOSUMDB patterns
// that match every module ("*") or every module of a shared public code host
// ("github.com", "gitlab.com/*"): public dependencies then skip the mirror
// (fetched from their origin: slower, gone when the origin is) and the
// checksum database (no tamper check). The fix, not preferred because other
// private modules may hide behind the pattern, narrows it to what this
// folder's go.mod and go.work show to be private.
func checkPrivatePatternTooBroad(in *Input) []findings.Finding {
	type key struct {
		pl          findings.Place
		name, skips string
		whole       string // "every module" or "every module on <host>"
		v           resolve.Value
		p           goenv.Pattern
	}
	var g findings.Groups[key]
	names := make([]string, len(broadVars))
	for i, x := range broadVars {
		names[i] = x.name
	}
	in.eachSetPattern(names, func(c *resolve.Consumer, i int, v resolve.Value, p goenv.Pattern) {
		whole := broadScope(p)
		if whole == "" {
			return
		}
		pl := in.placer().Sub(v.Prov, v.Value, p.Start, p.End)
		g.AddEntry(findings.ProvKey(v.Prov), findings.ProvKey(v.Prov)+"\x00"+pl.Key()+"\x00"+broadVars[i].name, key{pl, broadVars[i].name, broadVars[i].skips, whole, v, p}, c.Name)
	})
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, k.name+" pattern "+quote(k.p.Raw)+findings.ForConsumers(consumers)+" covers "+k.whole+", so public dependencies "+k.skips+".", consumers)
		if narrow := in.narrowPatterns(k.p); len(narrow) > 0 {
			v := k.v
			var keep []string
			for _, q := range goenv.SplitPatterns(v.Value) {
				if q.Start != k.p.Start && !contains(keep, q.Raw) {
					keep = append(keep, q.Raw)
				}
			}
			var add []string
			for _, n := range narrow {
				if !contains(keep, n) {
					add = append(add, n)
				}
			}
			newValue := v.Value[:k.p.Start] + strings.Join(add, ",") + v.Value[k.p.End:]
			if len(add) == 0 {
				newValue = strings.Join(keep, ",")
			}
			fx := in.plan().Fixer()
			fx.Rewrite(v.Prov, v.Value, newValue)
			f.AddFix(fx.Build("Narrow "+quote(k.p.Raw)+" to "+quote(strings.Join(narrow, ","))+" in "+fixplan.KeyLabel(v.Prov)+" ("+in.plan().Label(v.Prov.File)+")", false))
		}
		out = append(out, f)
	})
	return out
}

// broadScope says what a pattern covers when that is too much ("" when it
// is not): "every module" for one that matches any host ("*", "*/*"),
// "every module on <host>" for one that matches any owner on a shared code
// host ("github.com", "github.com/*").
func broadScope(p goenv.Pattern) string {
	if p.Problem() != "" {
		return ""
	}
	if p.Matches("any-host-zq.example.org/any-org-zq/any-repo-zq") && p.Matches("other-zq.example.net/x/y") {
		return "every module"
	}
	for _, h := range sharedCodeHosts {
		if p.Matches(h+"/any-org-zq/any-repo-zq") && p.Matches(h+"/other-zq/x") {
			return "every module on " + h
		}
	}
	return ""
}

// narrowPatterns are the patterns the folder's own modules need out of a too
// broad one: for the main module and each requirement it matches that is
// the main module's (same registrable domain, or same owner on a shared
// host), the host — or host/owner on a shared host. Nil when the main
// module gives no hint.
func (in *Input) narrowPatterns(broad goenv.Pattern) []string {
	m := in.Snap.GoMod
	if m == nil || m.Module == "" || !broad.Matches(m.Module) {
		return nil
	}
	own := ownPrefix(m.Module)
	if own == "" {
		return nil
	}
	out := []string{own}
	host, _, _ := strings.Cut(m.Module, "/")
	for _, r := range in.requirements() {
		if !broad.Matches(r.Path) {
			continue
		}
		p := ownPrefix(r.Path)
		rh, _, _ := strings.Cut(r.Path, "/")
		mine := p == own || !goenv.IsPublicCodeHost(rh) && !goenv.IsPublicCodeHost(host) && registrable(rh) == registrable(host)
		if p != "" && mine && !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// ownPrefix is the pattern for a module's owner: host/owner on a shared code
// host, the host elsewhere ("" for a path without a dotted host, or a public
// host that is not a shared one).
func ownPrefix(path string) string {
	elems := strings.Split(path, "/")
	if !strings.Contains(elems[0], ".") {
		return ""
	}
	if contains(sharedCodeHosts, elems[0]) {
		if len(elems) < 2 {
			return ""
		}
		return elems[0] + "/" + elems[1]
	}
	if goenv.IsPublicCodeHost(elems[0]) {
		return ""
	}
	return elems[0]
}
