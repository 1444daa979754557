package rules

import (
	"errors"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "gosumdb-invalid", Severity: findings.Error, Check: checkGosumdbInvalid})
}

// checkGosumdbInvalid reports a GOSUMDB value cmd/go rejects (dbDial): not
// "off", not a name it has a key for, not name+hash+key, more than two
// fields, or a URL that does not parse. Quotes copied from `go env` output
// and upper-case OFF are the usual causes. cmd/go reports it lazily, at the
// first checksum verification.
func checkGosumdbInvalid(in *Input) []findings.Finding {
	known := in.knownSumDBs()
	type key struct {
		pl         findings.Place
		value, err string
		prov       sources.Provenance
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOSUMDB"]
		db, err := goenv.ParseGOSUMDB(v.Value, known)
		var se *goenv.SumDBError
		if !errors.As(err, &se) || errors.Is(err, goenv.ErrMissingGOSUMDB) {
			continue
		}
		pl := findings.ValuePlace(v.Prov)
		if se.Field >= 0 && se.Field < len(db.Fields) {
			f := db.Fields[se.Field]
			end := f.End
			if se.Field == 2 {
				end = db.Fields[len(db.Fields)-1].End
			}
			pl = in.placer().Sub(v.Prov, v.Value, f.Start, end)
		}
		g.Add(findings.ProvKey(v.Prov)+"\x00"+pl.Key()+"\x00"+err.Error(), key{pl, v.Value, err.Error(), v.Prov}, c.Name)
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		f := findings.At(k.pl, "GOSUMDB "+quote(k.value)+findings.ForConsumers(consumers)+" is rejected by the go command ("+
			quote(k.err)+"), so every checksum verification fails.", consumers)
		if fixed := fixedGOSUMDB(k.value); fixed != "" {
			if _, err := goenv.ParseGOSUMDB(fixed, known); err == nil {
				fx := in.plan().Fixer()
				fx.Rewrite(k.prov, k.value, fixed)
				f.AddFix(fx.Build("Set "+fixplan.KeyLabel(k.prov)+" in "+in.plan().Label(k.prov.File)+" to "+quote(fixed), true))
			}
		}
		out = append(out, f)
	})
	return out
}

// fixedGOSUMDB is what a rejected GOSUMDB was meant to be: without the
// quotes copied from go env output or a shell, "off" in lower case, without
// surrounding white space or a CR.
func fixedGOSUMDB(v string) string {
	w := strings.TrimSpace(v)
	for len(w) >= 2 && (w[0] == '"' || w[0] == '\'') && w[len(w)-1] == w[0] {
		w = strings.TrimSpace(w[1 : len(w)-1])
	}
	if strings.EqualFold(w, "off") {
		w = "off"
	}
	if w == v {
		return ""
	}
	return w
}
