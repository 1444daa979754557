package rules

import (
	"strings"
	"unicode"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "private-pattern-never-matches", Severity: findings.Warning, Check: checkPrivatePatternNeverMatches})
}

// patternVars are the pattern lists, with what a pattern that never matches
// leaves in place.
var patternVars = []struct{ name, consequence string }{
	{"GOPRIVATE", "those modules are still fetched through the proxy and checked against the checksum database"},
	{"GONOPROXY", "those modules are still fetched through the proxy"},
	{"GONOSUMDB", "those modules are still checked against the checksum database"},
	{"GOINSECURE", "those modules are still fetched with TLS verification"},
}

// checkPrivatePatternNeverMatches reports patterns module.MatchPrefixPatterns
// can never match against a module path: surrounding white space or "\r"
// (lists are split on "," only, nothing is trimmed), a scheme, "@", a port,
// ";" or spaces as separators, upper case in the host (matching is
// case-sensitive), or a first element without a dot. A ".git" suffix is not
// reported: "example.com/repo.git" is a valid module path, which it matches.
func checkPrivatePatternNeverMatches(in *Input) []findings.Finding {
	type key struct {
		pl                  findings.Place
		name, glob, problem string
		consequence         string
		v                   resolve.Value
		p                   goenv.Pattern
	}
	var g findings.Groups[key]
	names := make([]string, len(patternVars))
	for i, x := range patternVars {
		names[i] = x.name
	}
	in.eachSetPattern(names, func(c *resolve.Consumer, i int, v resolve.Value, p goenv.Pattern) {
		problem := p.Problem()
		if problem == "" {
			return
		}
		pl := in.placer().Sub(v.Prov, v.Value, p.Start, p.End)
		g.AddEntry(findings.ProvKey(v.Prov), findings.ProvKey(v.Prov)+"\x00"+pl.Key()+"\x00"+patternVars[i].name, key{pl, patternVars[i].name, p.Raw, problem, patternVars[i].consequence, v, p}, c.Name)
	})
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, k.name+" pattern "+quote(k.glob)+findings.ForConsumers(consumers)+" never matches a module path because "+
			k.problem+", so "+k.consequence+".", consumers)
		if norm := normalizePattern(k.p.Raw); norm != "" {
			v := k.v
			newValue := v.Value[:k.p.Start] + norm + v.Value[k.p.End:]
			title := "Replace " + quote(k.p.Raw) + " with " + quote(norm) + " in " + fixplan.KeyLabel(v.Prov) + " (" + in.plan().Label(v.Prov.File) + ")"
			// Already listed: the broken copy just goes.
			for _, q := range goenv.SplitPatterns(v.Value) {
				if q.Raw == norm && q.Start != k.p.Start {
					end := k.p.End
					if end < len(v.Value) {
						end++ // its comma
					} else if k.p.Start > 0 {
						k.p.Start--
					}
					newValue = v.Value[:k.p.Start] + v.Value[end:]
					title = "Remove " + quote(k.p.Raw) + " from " + fixplan.KeyLabel(v.Prov) + " (" + in.plan().Label(v.Prov.File) + ")"
					break
				}
			}
			fx := in.plan().Fixer()
			fx.Rewrite(v.Prov, v.Value, newValue)
			f.AddFix(fx.Build(title, true))
		}
		out = append(out, f)
	})
	return out
}

// normalizePattern rewrites a pattern that never matches into the module
// path prefix it names ("" when there is no obvious one): white space and
// CRs trimmed, ";" and inner spaces read as separators, the URL scheme,
// userinfo ("git@") and port dropped, SSH's "host:path" made "host/path",
// ".git" dropped and the host lower-cased.
func normalizePattern(raw string) string {
	var out []string
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ';' || unicode.IsSpace(r) }) {
		if i := strings.Index(part, "://"); i >= 0 {
			part = part[i+3:]
		}
		host, rest, hasRest := strings.Cut(part, "/")
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		if h, port, ok := strings.Cut(host, ":"); ok {
			if port != "" && strings.Trim(port, "0123456789") == "" {
				host = h // a port
			} else {
				// SSH syntax: host:org/repo.
				host, rest, hasRest = h, port+"/"+rest, true
				rest = strings.TrimSuffix(rest, "/")
			}
		}
		p := strings.ToLower(host)
		if hasRest {
			p += "/" + rest
		}
		p = strings.TrimSuffix(strings.TrimSuffix(p, "/"), ".git")
		if p == "" {
			continue
		}
		if (goenv.Pattern{Raw: p, Glob: p}).Problem() != "" {
			return ""
		}
		out = append(out, p)
	}
	norm := strings.Join(out, ",")
	if norm == raw {
		return ""
	}
	return norm
}
