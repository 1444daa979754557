package rules

import (
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "goenv-file-syntax", Severity: Warning, Check: checkGoenvFileSyntax})
}

// checkGoenvFileSyntax reports GOENV file lines cmd/go reads differently from
// how they look (cfg.readEnvFile: split on "\n" only; a line counts only if
// it has "=" and starts with A-Z; nothing is trimmed or unquoted): CRLF line
// endings, quoted values, "export" lines, spaces around "=", lines starting
// with a lower-case letter, and variables the go command ignores there
// (HTTPS_PROXY: `go env` shows it but net/http reads only the process
// environment). GO*-looking unknown names such as GONOSUMCHECK are reported
// by unknown-go-variable, with a suggestion, rather than twice.
func checkGoenvFileSyntax(in *Input) []Finding {
	var out []Finding
	for _, f := range in.Snap.EnvFiles() {
		if f.Kind != sources.GoEnvFile || !f.Exists {
			continue
		}
		consumers := in.consumersReading(f.Path)
		at := func(sp sources.Span) place { return place{f.Path, sp} }
		crlf := false
		for _, l := range f.Lines {
			raw := l.Raw
			if strings.HasSuffix(raw, "\r") && !crlf {
				crlf = true
				example := ""
				if l.Valid {
					example = " (" + l.Key + " is " + quote(l.Value) + ")"
				}
				out = append(out, finding(at(l.Span), "The GOENV file has CRLF line endings, so the go command keeps a carriage return at the end of every value"+
					example+forConsumers(consumers)+", which breaks patterns such as GOPRIVATE.", consumers))
			}
			text := strings.TrimSuffix(raw, "\r")
			trimmed := strings.TrimLeft(text, " \t")
			switch {
			case strings.TrimSpace(text) == "" || strings.HasPrefix(trimmed, "#"):
				continue
			case strings.HasPrefix(trimmed, "export ") || strings.HasPrefix(trimmed, "export\t"):
				out = append(out, finding(at(l.Span), quote(text)+" is ignored by the go command"+forConsumers(consumers)+
					` because GOENV file lines must start with the variable name, not "export".`, consumers))
				continue
			case !l.Valid && strings.Contains(text, "="):
				out = append(out, finding(at(l.Span), quote(text)+" is ignored by the go command"+forConsumers(consumers)+
					" because GOENV file lines must start with an upper-case variable name.", consumers))
				continue
			case !l.Valid:
				continue
			}
			key := l.Key
			if strings.TrimRight(key, " \t") != key {
				out = append(out, finding(at(l.Span), quote(text)+" sets nothing"+forConsumers(consumers)+
					" because the go command reads the key "+quote(key)+", spaces included; write "+strings.TrimSpace(key)+"=value.", consumers))
				continue
			}
			value := strings.TrimSuffix(l.Value, "\r")
			valueSpan := sources.Span{Start: l.ValueSpan.Start, End: l.ValueSpan.Start + len(value)}
			switch {
			case len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0]:
				out = append(out, finding(at(valueSpan), "The GOENV file sets "+key+" to "+quote(value)+forConsumers(consumers)+
					", quotes included, because the go command does not remove quotes there.", consumers))
			case strings.HasPrefix(value, " ") || strings.HasPrefix(value, "\t"):
				out = append(out, finding(at(valueSpan), "The GOENV file sets "+key+" to "+quote(value)+forConsumers(consumers)+
					", leading white space included, because the go command does not trim values there.", consumers))
			}
			if goenv.IsGoCommandVar(key) || goenv.LooksLikeGoVar(key) {
				continue
			}
			why := "the go command uses only its own variables from the GOENV file"
			if isNetworkVar(key) {
				why = "net/http reads it only from the process environment, although go env shows it"
			}
			out = append(out, finding(at(l.KeySpan), key+" in the GOENV file has no effect"+forConsumers(consumers)+" because "+why+".", consumers))
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
