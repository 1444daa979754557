package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "goenv-file-syntax", Severity: findings.Warning, Check: checkGoenvFileSyntax})
}

// checkGoenvFileSyntax reports GOENV file lines cmd/go reads differently from
// how they look (cfg.readEnvFile: split on "\n" only; a line counts only if
// it has "=" and starts with A-Z; nothing is trimmed or unquoted): CRLF line
// endings, quoted values, "export" lines, spaces around "=", lines starting
// with a lower-case letter, and variables the go command ignores there
// (HTTPS_PROXY: `go env` shows it but net/http reads only the process
// environment). GO*-looking unknown names such as GONOSUMCHECK are reported
// by unknown-go-variable, with a suggestion, rather than twice.
func checkGoenvFileSyntax(in *Input) []findings.Finding {
	var out []findings.Finding
	for _, f := range in.Snap.EnvFiles() {
		if f.Kind != sources.GoEnvFile || !f.Exists {
			continue
		}
		consumers := in.consumersReading(f.Path)
		path := f.Path
		at := func(sp sources.Span) findings.Place { return findings.Place{File: path, Span: sp} }
		crlf := false
		for _, l := range f.Lines {
			raw := l.Raw
			line := l
			// rewriteLine offers the line as cmd/go would read what it
			// seems to say: KEY=VALUE, no quotes, no spaces, LF.
			rewriteLine := func(f findings.Finding) findings.Finding {
				canon, ok := canonicalEnvLine(line.Raw)
				if !ok {
					return f
				}
				fx := in.plan().Fixer()
				fx.EnvEdit(path, func(c []byte) ([]fix.TextEdit, error) { return []fix.TextEdit{fix.EnvReplaceLine(c, line, canon)}, nil })
				f.AddFix(fx.Build("Rewrite line "+itoa(line.Number)+" of the GOENV file as "+redact.RedactText(canon), true))
				return f
			}
			if strings.HasSuffix(raw, "\r") && !crlf {
				crlf = true
				example := ""
				if l.Valid {
					example = " (" + l.Key + " is " + quote(l.Value) + ")"
				}
				f := findings.At(at(l.Span), "The GOENV file has CRLF line endings, so the go command keeps a carriage return at the end of every value"+
					example+findings.ForConsumers(consumers)+", which breaks patterns such as GOPRIVATE.", consumers)
				fx := in.plan().Fixer()
				fx.EnvEdit(path, func(c []byte) ([]fix.TextEdit, error) { return fix.EnvStripCR(c), nil })
				f.AddFix(fx.Build("Convert the GOENV file's line endings to LF", true))
				out = append(out, f)
			}
			text := strings.TrimSuffix(raw, "\r")
			trimmed := strings.TrimLeft(text, " \t")
			switch {
			case strings.TrimSpace(text) == "" || strings.HasPrefix(trimmed, "#"):
				continue
			case strings.HasPrefix(trimmed, "export ") || strings.HasPrefix(trimmed, "export\t"):
				out = append(out, rewriteLine(findings.At(at(l.Span), quote(text)+" is ignored by the go command"+findings.ForConsumers(consumers)+
					` because GOENV file lines must start with the variable name, not "export".`, consumers)))
				continue
			case !l.Valid && strings.Contains(text, "="):
				out = append(out, rewriteLine(findings.At(at(l.Span), quote(text)+" is ignored by the go command"+findings.ForConsumers(consumers)+
					" because GOENV file lines must start with an upper-case variable name.", consumers)))
				continue
			case !l.Valid:
				continue
			}
			key := l.Key
			if strings.TrimRight(key, " \t") != key {
				out = append(out, rewriteLine(findings.At(at(l.Span), quote(text)+" sets nothing"+findings.ForConsumers(consumers)+
					" because the go command reads the key "+quote(key)+", spaces included; write "+strings.TrimSpace(key)+"=value.", consumers)))
				continue
			}
			value := strings.TrimSuffix(l.Value, "\r")
			valueSpan := sources.Span{Start: l.ValueSpan.Start, End: l.ValueSpan.Start + len(value)}
			switch {
			case len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0]:
				out = append(out, rewriteLine(findings.At(at(valueSpan), "The GOENV file sets "+key+" to "+quote(value)+findings.ForConsumers(consumers)+
					", quotes included, because the go command does not remove quotes there.", consumers)))
			case strings.HasPrefix(value, " ") || strings.HasPrefix(value, "\t"):
				out = append(out, rewriteLine(findings.At(at(valueSpan), "The GOENV file sets "+key+" to "+quote(value)+findings.ForConsumers(consumers)+
					", leading white space included, because the go command does not trim values there.", consumers)))
			}
			if goenv.IsGoCommandVar(key) || goenv.LooksLikeGoVar(key) || proxyMisspelling(key, false) != "" {
				continue // a misspelled proxy variable is unknown-proxy-variable's
			}
			why := "the go command uses only its own variables from the GOENV file"
			if isNetworkVar(key) {
				why = "net/http reads it only from the process environment, although go env shows it"
			}
			f := findings.At(at(l.KeySpan), key+" in the GOENV file has no effect"+findings.ForConsumers(consumers)+" because "+why+".", consumers)
			// Removing it changes nothing the go command does, but the user
			// meant something by it: not preferred.
			fx := in.plan().Fixer()
			fx.EnvEdit(path, func(c []byte) ([]fix.TextEdit, error) { return []fix.TextEdit{fix.EnvRemoveLine(c, line)}, nil })
			f.AddFix(fx.Build("Remove "+key+" from the GOENV file (it has no effect there)", false))
			out = append(out, f)
		}
	}
	return out
}

func isNetworkVar(name string) bool {
	switch strings.ToUpper(name) {
	case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUEST_METHOD":
		return true
	}
	return false
}

// canonicalEnvLine is a GOENV file line written as cmd/go reads it: no
// "export", no spaces around "=", the value unquoted, the key in upper case
// when that names a go command variable. ok is false when no such line is
// obvious.
func canonicalEnvLine(raw string) (string, bool) {
	t := strings.TrimLeft(strings.TrimSuffix(raw, "\r"), " \t")
	if rest, ok := strings.CutPrefix(t, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		t = strings.TrimLeft(rest, " \t")
	}
	k, v, ok := strings.Cut(t, "=")
	if !ok {
		return "", false
	}
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	if up := strings.ToUpper(k); up != k && goenv.IsGoCommandVar(up) {
		k = up
	}
	if k == "" || k[0] < 'A' || k[0] > 'Z' || strings.ContainsAny(k, " \t") || strings.ContainsAny(v, "\r\n") {
		return "", false
	}
	line := k + "=" + v
	if line == raw {
		return "", false
	}
	return line, true
}
