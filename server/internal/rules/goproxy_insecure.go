package rules

import (
	"net"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
)

func init() {
	register(Rule{Code: "goproxy-insecure", Severity: findings.Warning, Check: checkGoproxyInsecure})
}

// checkGoproxyInsecure reports GOPROXY entries that expose traffic or
// credentials: http:// to a non-loopback host (cleartext, and cmd/go never
// sends netrc/GOAUTH credentials over http), credentials embedded in an
// https:// URL (they bypass GOAUTH and show in go env output and every child
// process's environment), and credentials in an http:// URL, which cmd/go
// refuses to send at all ("refusing to pass credentials to insecure URL").
//
// No fix: whether the proxy serves TLS is unknown, and moving credentials to
// netrc means writing a secrets file whose mode an editor edit cannot set.
func checkGoproxyInsecure(in *Input) []findings.Finding {
	type key struct {
		pl   findings.Place
		text string
		kind int
	}
	const (
		cleartext = iota
		userinfoHTTPS
		userinfoHTTP
	)
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		v := c.Vars["GOPROXY"]
		entries, _ := goenv.ParseGOPROXY(v.Value)
		for _, e := range goenv.Live(entries) {
			if e.URL == nil {
				continue
			}
			kind := -1
			switch {
			case e.URL.User != nil && e.URL.Scheme == "http":
				kind = userinfoHTTP
			case e.URL.User != nil && e.URL.Scheme == "https":
				kind = userinfoHTTPS
			case e.URL.Scheme == "http" && !loopback(e.URL.Hostname()):
				kind = cleartext
			}
			if kind < 0 {
				continue
			}
			pl := in.placer().Sub(v.Prov, v.Value, e.Start, e.End)
			g.AddEntry(findings.ProvKey(v.Prov), pl.Key()+"\x00"+itoa(kind), key{pl, e.Text, kind}, c.Name)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		var f findings.Finding
		switch k.kind {
		case userinfoHTTP:
			f = findings.At(k.pl, "GOPROXY entry "+quote(k.text)+findings.ForConsumers(consumers)+
				` sends credentials over plain http, which the go command refuses ("refusing to pass credentials to insecure URL"), so every download from it fails.`, consumers)
			f.Severity = findings.Error
		case userinfoHTTPS:
			f = findings.At(k.pl, "GOPROXY entry "+quote(k.text)+findings.ForConsumers(consumers)+
				" embeds credentials, which bypass GOAUTH and netrc and appear in go env output and in the environment of every process the go command starts.", consumers)
		default:
			f = findings.At(k.pl, "GOPROXY entry "+quote(k.text)+findings.ForConsumers(consumers)+
				" is plain http to a non-loopback host, so module traffic is unencrypted and netrc or GOAUTH credentials are never sent to it.", consumers)
		}
		out = append(out, f)
	})
	return out
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
