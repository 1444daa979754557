package rules

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "goproxy-bad-entry", Severity: findings.Error, Check: checkGoproxyBadEntry})
}

// checkGoproxyBadEntry reports GOPROXY entries cmd/go rejects (proxyList and
// newProxyRepo): a single word other than exactly "direct" or "off", a scheme
// other than http, https or file, a file:// URL with a host, or a URL that
// does not parse (typically ";" or a space used as a separator). cmd/go
// rejects the whole list, lazily, at the first module download.
func checkGoproxyBadEntry(in *Input) []findings.Finding {
	type key struct {
		pl        findings.Place
		text, err string
		v         resolve.Value
		entry     goenv.ProxyEntry
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		entries, _ := goenv.ParseGOPROXY(v.Value)
		for _, e := range entries {
			if e.Ignored {
				continue
			}
			reason := ""
			switch {
			case e.Err != nil && singleWord.MatchString(e.Text):
				reason = "rejected by the go command (" + quote(e.Err.Error()) + `): the only words GOPROXY knows are "direct" and "off", and a proxy needs its URL`
			case e.Err != nil:
				reason = "rejected by the go command (" + quote(e.Err.Error()) + ")"
			case strings.ContainsAny(e.Text, "; \t"):
				reason = "read by the go command as one URL because GOPROXY entries are separated by ',' or '|', not ';' or spaces"
			default:
				continue
			}
			pl := in.placer().Sub(v.Prov, v.Value, e.Start, e.End)
			k := key{pl, e.Text, reason, v, e}
			g.AddEntry(findings.ProvKey(v.Prov), findings.ProvKey(v.Prov)+"\x00"+pl.Key()+"\x00"+k.err, k, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, "GOPROXY entry "+quote(k.text)+findings.ForConsumers(consumers)+" is "+k.err+", so no module can be downloaded.", consumers)
		if text, preferred := fixedProxyEntry(k.entry); text != "" {
			e := k.entry
			fx := in.plan().Fixer()
			fx.Rewrite(k.v.Prov, k.v.Value, k.v.Value[:e.Start]+text+k.v.Value[e.End:])
			f.AddFix(fx.Build("Replace "+quote(e.Text)+" with "+quote(text)+" in "+fixplan.KeyLabel(k.v.Prov)+" ("+in.plan().Label(k.v.Prov.File)+")", preferred))
		}
		out = append(out, f)
	})
	return out
}

// fixedProxyEntry is what a rejected GOPROXY entry was meant to be: a
// keyword in lower case, or entries separated by commas rather than ";" or
// spaces. A single word without a dot gets no fix: "auto" or "athens" is no
// host anyone can name for the user (cmd/go already adds https:// to an
// entry with a dot).
func fixedProxyEntry(e goenv.ProxyEntry) (text string, preferred bool) {
	switch lower := strings.ToLower(e.Text); {
	case lower == "direct" || lower == "off":
		return lower, true
	case strings.ContainsAny(e.Text, "; \t"):
		parts := strings.FieldsFunc(e.Text, func(r rune) bool { return r == ';' || unicode.IsSpace(r) })
		for i, p := range parts {
			if l := strings.ToLower(p); l == "direct" || l == "off" {
				parts[i] = l
			}
		}
		joined := strings.Join(parts, ",")
		if _, err := goenv.ParseGOPROXY(joined); err != nil {
			return "", false
		}
		return joined, true
	}
	return "", false
}

// singleWord is a GOPROXY entry cmd/go rejects for its missing scheme: one
// label without a dot, which it never prefixes with https://.
var singleWord = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*$`)
