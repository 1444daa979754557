package rules

import (
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func init() {
	register(Rule{Code: "toolchain-download-blocked", Severity: findings.Warning, Check: checkToolchainDownloadBlocked})
}

// toolchainModule is the module toolchain downloads fetch through GOPROXY.
const toolchainModule = "golang.org/toolchain"

// checkToolchainDownloadBlocked reports a GOTOOLCHAIN that may download a
// toolchain (auto, <name>+auto, or a version) while downloads cannot work:
// GOSUMDB=off (toolchains always need the checksum database, unless GOPROXY
// is a single file:// URL) or GOPROXY=off for golang.org/toolchain (unless a
// GONOPROXY pattern sends it direct), which fails with the misleading
// "toolchain not available". The finding is on the value that blocks; it is
// information only for an offline setup (GOPROXY=off with -mod=vendor, or
// for tool installs, GOPROXY=off everywhere).
//
// No fix: each remedy (GOTOOLCHAIN=local, or checksums or the proxy back on)
// changes a policy someone set on purpose.
func checkToolchainDownloadBlocked(in *Input) []findings.Finding {
	type key struct {
		pl                     findings.Place
		name, value, toolchain string
		toolchainProv          sources.Provenance
		offline                bool // GOPROXY=off with -mod=vendor: nothing is looked up on purpose
	}
	var g findings.Groups[key]
	for _, c := range in.Consumers {
		tc := c.Vars["GOTOOLCHAIN"]
		if !mayDownload(tc.Value) {
			continue
		}
		proxy := c.Vars["GOPROXY"]
		entries, err := goenv.ParseGOPROXY(proxy.Value)
		live := goenv.Live(entries)
		singleFile := err == nil && len(live) == 1 && live[0].URL != nil && live[0].URL.Scheme == "file" && !strings.ContainsAny(proxy.Value, ",|")
		// Tool installs do not read the project's GOFLAGS; with the project
		// vendored, or every consumer offline, their blocked downloads are
		// expected too.
		offline := proxyOff(c) && (vendored(c) ||
			c.Name == "install" && (slices.ContainsFunc(in.Consumers, vendored) || !slices.ContainsFunc(in.Consumers, func(o *resolve.Consumer) bool { return !proxyOff(o) })))
		block := func(v resolve.Value) {
			pl := findings.ValuePlace(v.Prov)
			g.Add(findings.ProvKey(v.Prov)+"\x00"+v.Name+"\x00"+tc.Value+"\x00"+itoa(boolInt(offline)), key{pl, v.Name, v.Value, tc.Value, tc.Prov, offline}, c.Name)
		}
		if sum := c.Vars["GOSUMDB"]; sum.Value == "off" && !singleFile {
			block(sum)
		}
		if err == nil && len(live) > 0 && live[0].Kind == goenv.ProxyOff && !goenv.Match(c.Vars["GONOPROXY"].Value, toolchainModule) {
			block(proxy)
		}
	}
	var out []findings.Finding
	g.Each(func(k key, consumers []string) {
		symptom := "checksum database disabled by GOSUMDB=off"
		what := " blocks"
		if k.name == "GOPROXY" {
			symptom = "toolchain not available"
			what = ` turns module downloads off (every module not in the module cache fails with "module lookup disabled by GOPROXY=off") and blocks`
		}
		f := findings.At(k.pl, k.name+" "+quote(k.value)+findings.ForConsumers(consumers)+what+" the toolchain downloads GOTOOLCHAIN "+quote(k.toolchain)+
			" ("+where(k.toolchainProv, "GOTOOLCHAIN")+") allows, so switching to the Go version a go.mod asks for fails with "+quote(symptom)+".", consumers)
		if k.offline {
			// An offline vendored setup: no download is expected, only the
			// Go version a go.mod asks for must be installed by hand.
			f.Severity = findings.Information
		}
		f.Related = findings.RelatedAt(k.toolchainProv, "GOTOOLCHAIN is "+quote(k.toolchain)+" here.")
		out = append(out, f)
	})
	return out
}

// mayDownload reports whether a GOTOOLCHAIN value can make the go command
// download a toolchain: auto or <min>+auto, or a specific version (which it
// fetches unless it is the running one). local, path and <min>+path never do.
func mayDownload(v string) bool {
	switch {
	case v == "auto" || strings.HasSuffix(v, "+auto"):
		return true
	case v == "" || v == "local" || v == "path" || strings.HasSuffix(v, "+path"):
		return false
	}
	return strings.HasPrefix(v, "go1") || strings.HasPrefix(v, "go2")
}
