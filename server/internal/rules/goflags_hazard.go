package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func init() {
	register(Rule{Code: "goflags-hazard", Severity: findings.Warning, Check: checkGoflagsHazard})
}

// checkGoflagsHazard reports GOFLAGS words that break or silently change
// module lookups (base.InitGOFLAGS): an unterminated quote, a word that is
// not a flag or a flag no go command defines (every command but go env and
// go bug then fails), -insecure (go get refuses it since Go 1.17), and
// -mod=vendor where lookups are expected (not with GOPROXY=off: an offline
// vendored setup looks nothing up on purpose).
func checkGoflagsHazard(in *Input) []findings.Finding {
	type key struct {
		pl            findings.Place
		subject, rest string
		v             resolve.Value
		flag          goenv.Flag
		preferred     bool // dropping the word is the fix (-insecure); else it is a guess
		drop          bool
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOFLAGS"]
		if v.Value == "" {
			continue
		}
		add := func(pl findings.Place, subject, rest string) {
			g.AddEntry(findings.ProvKey(v.Prov), pl.Key()+"\x00"+subject+"\x00"+rest, key{pl: pl, subject: subject, rest: rest}, c.Name)
		}
		drop := func(pl findings.Place, f goenv.Flag, subject, rest string, preferred bool) {
			g.AddEntry(findings.ProvKey(v.Prov), pl.Key()+"\x00"+subject+"\x00"+rest, key{pl, subject, rest, v, f, preferred, true}, c.Name)
		}
		flags, err := goenv.ParseGOFLAGS(v.Value)
		if err != nil {
			add(findings.ValuePlace(v.Prov), "GOFLAGS "+quote(v.Value), " has an unterminated quote, so every go command except go env and go bug fails with "+
				quote("go: parsing $GOFLAGS: "+err.Error())+".")
			continue
		}
		for _, f := range flags {
			pl := in.placer().Sub(v.Prov, v.Value, f.Start, f.End)
			switch {
			case f.Err != nil:
				drop(pl, f, "GOFLAGS word "+quote(f.Word), " is rejected, so every go command except go env and go bug fails with "+
					quote("go: parsing $GOFLAGS: "+f.Err.Error())+".", false)
			case f.Name == "insecure":
				drop(pl, f, "GOFLAGS "+quote(f.Word), ` makes go get fail with "-insecure flag is no longer supported; use GOINSECURE instead".`, true)
			case f.Name == "mod" && f.Value == "vendor" && !proxyOff(c):
				// With GOPROXY=off no lookup is expected: an offline vendored setup.
				add(pl, "GOFLAGS "+quote(f.Word), ` disables every module lookup, so missing or new dependencies fail with "import lookup disabled by -mod=vendor".`)
			}
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, k.subject+findings.ForConsumers(consumers)+k.rest, consumers)
		if k.drop {
			v := k.v
			start, end := k.flag.Start, k.flag.End
			for end < len(v.Value) && isFlagSpace(v.Value[end]) {
				end++
			}
			if end == len(v.Value) {
				for start > 0 && isFlagSpace(v.Value[start-1]) {
					start--
				}
			}
			rest := v.Value[:start] + v.Value[end:]
			fx := in.plan().Fixer()
			title := "Remove " + quote(k.flag.Word) + " from " + fixplan.KeyLabel(v.Prov) + " in " + in.plan().Label(v.Prov.File)
			if strings.TrimSpace(rest) == "" && in.plan().Editable(v.Prov, v.Value) {
				fx.Remove(v.Prov)
				title = "Remove " + fixplan.KeyLabel(v.Prov) + " from " + in.plan().Label(v.Prov.File)
			} else {
				fx.Rewrite(v.Prov, v.Value, rest)
			}
			// The word must be gone for every consumer: removing a setting
			// can expose the same word in a layer below.
			word := k.flag.Word
			if fx.Holds(consumers, func(c *resolve.Consumer) bool {
				flags, _ := goenv.ParseGOFLAGS(c.Vars["GOFLAGS"].Value)
				for _, fl := range flags {
					if fl.Word == word && (fl.Err != nil || fl.Name == "insecure") {
						return false
					}
				}
				return true
			}) {
				f.AddFix(fx.Build(title, k.preferred))
			}
		}
		out = append(out, f)
	})
	return out
}

func isFlagSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// proxyOff reports whether a consumer's GOPROXY starts with "off": every
// module not in the module cache fails with "module lookup disabled by
// GOPROXY=off".
func proxyOff(c *resolve.Consumer) bool {
	entries, err := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
	live := goenv.Live(entries)
	return err == nil && len(live) > 0 && live[0].Kind == goenv.ProxyOff
}

// vendored reports whether a consumer's GOFLAGS holds -mod=vendor.
func vendored(c *resolve.Consumer) bool {
	flags, err := goenv.ParseGOFLAGS(c.Vars["GOFLAGS"].Value)
	if err != nil {
		return false
	}
	for _, f := range flags {
		if f.Err == nil && f.Name == "mod" && f.Value == "vendor" {
			return true
		}
	}
	return false
}
