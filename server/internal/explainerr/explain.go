package explainerr

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// Explanation is a parsed message with what a folder's settings make of it.
type Explanation struct {
	Parsed Parsed `json:"parsed"`
	// Title and Meaning are the catalogue's words for the case.
	Title   string `json:"title"`
	Meaning string `json:"meaning"`
	// Folder is the folder whose consumers were asked ("" without one).
	Folder string `json:"folder,omitempty"`
	// RequiredAt are the go.mod/go.work lines that require the module
	// ("go.mod:5 v1.0.0"), relative to the folder.
	RequiredAt []string `json:"requiredAt"`
	// Routes group the consumers by how their settings route the module.
	Routes []Route `json:"routes"`
	// Fixes are the folder's fixes that apply; FixTitles are their titles.
	Fixes     []findings.Fix `json:"-"`
	FixTitles []string       `json:"fixes"`
	// Advice are the steps no edit of a file can take.
	Advice []string `json:"advice"`
}

// Route is what a group of consumers' settings do with the module.
type Route struct {
	Consumers []string `json:"consumers"`
	// Reaches: these consumers' settings take the module to the hop that failed.
	Reaches bool `json:"reaches"`
	// Why are the sentences that say so, each value with where it is set.
	Why []string `json:"why"`
}

// meaning is the catalogue's explanation of each case.
var meaning = map[Case]struct{ title, text string }{
	CaseNotFound: {"the module proxy does not have the module", "The proxy answered that it does not have this module version (404/410). " +
		"After a 404/410 the go command goes on to the next GOPROXY entry, whatever the separator; this is the answer of the last entry it tried. " +
		"A private module is never on a public proxy: list its prefix in GOPRIVATE, so that the go command fetches it from its origin and does not ask the checksum database about it."},
	CaseServerError: {"the module proxy failed", "The proxy answered with an error other than 404/410. After ',' the go command stops at such an error; only '|' makes it go on to the next entry after any error."},
	CaseAuth: {"the module proxy refused the request", "The proxy wants credentials, or rejected the ones it got (401/403). " +
		"The go command sends credentials from the proxy URL's user info, from .netrc (GOAUTH=netrc, the default) or from GOAUTH's commands."},
	CaseInsecureCredentials: {"credentials over plain http", "The proxy URL carries credentials but its scheme is http: the go command refuses to send credentials unencrypted. Use an https URL for this proxy."},
	CaseRefused:             {"nothing listens at the address", "The connection was refused: nothing listens at that host and port (a proxy that is down, a wrong port, a VPN that is not connected)."},
	CaseDNS:                 {"the host name does not resolve", "The host name does not resolve: a typo, a host only a VPN or a corporate DNS knows, or a network without a resolver."},
	CaseTLS: {"the certificate is not trusted", "The server's certificate is not trusted by the process that ran the go command: typically a TLS-inspecting corporate proxy or a private CA. " +
		"Go reads extra roots from SSL_CERT_FILE or SSL_CERT_DIR in the process environment (on Linux), so the consumer that fails needs them in its environment."},
	CaseTimeout:   {"the request timed out", "The server accepted the connection but did not answer in time, or the connection could not be made in time: a firewall dropping packets, an overloaded proxy or a network that needs a forward proxy."},
	CaseNotAProxy: {"something that is not a module proxy answered", "The answer is not the module proxy protocol's JSON: a captive portal, a login page or a web server answered at the proxy's address."},
	CaseOff:       {"module downloads are turned off", "GOPROXY=off forbids every module download: only modules already in the module cache can be used."},
	CaseSumDBNotFound: {"the checksum database does not know the module", "The checksum database answered that it cannot find this module (404/410). It only knows public modules it can fetch itself: " +
		"a private module's path must not be sent to it. List the module's prefix in GONOSUMDB (or GOPRIVATE, which also keeps it away from public proxies)."},
	CaseChecksumMismatch: {"the download does not match go.sum", "The module's hash differs from the one go.sum records. Either go.sum is stale (a tag was moved or a private module republished), " +
		"or what was downloaded was altered on the way (a proxy or a TLS-inspecting middlebox). Do not edit go.sum to match: find out which it is first."},
	CaseUnrecognizedImportPath: {"the module's origin has no go-get answer", "Fetching direct, the go command asked https://<module path>?go-get=1 for the go-import tag that names the repository, and did not get one."},
	CaseForwardProxy:           {"the forward proxy (HTTPS_PROXY) is unreachable", "The request went through the HTTP forward proxy that HTTPS_PROXY (or HTTP_PROXY) names, and that proxy could not be reached."},
	CaseForwardProxyAuth:       {"the forward proxy wants credentials", "The HTTP forward proxy answered 407 Proxy Authentication Required: put the credentials in the proxy URL (http://user:password@host:port) of HTTPS_PROXY, or use a local authenticating proxy."},
}

// Explain says what the message means for the folder res checked (nil: the
// message alone).
func Explain(p Parsed, res *engine.Result) *Explanation {
	m := meaning[p.Case]
	e := &Explanation{Parsed: p, Title: m.title, Meaning: m.text, RequiredAt: []string{}, Routes: []Route{}, Advice: []string{}, FixTitles: []string{}}
	if !p.Found() {
		e.Title = "no go command error recognised"
		e.Meaning = "The text holds no message of the catalogue: paste the line the go command printed, starting with \"go: \" or \"verifying \"."
		return e
	}
	e.Advice = advice(p)
	if res == nil {
		return e
	}
	e.Folder = res.Snapshot.Folder
	x := explainer{p: p, res: res, folder: res.Snapshot.Folder}
	e.RequiredAt = x.requiredAt()
	var reached []string
	for _, c := range res.Consumers {
		reaches, why := x.route(c)
		if reaches {
			reached = append(reached, c.Name)
		}
		key := strings.Join(why, "\n")
		i := slices.IndexFunc(e.Routes, func(r Route) bool { return r.Reaches == reaches && strings.Join(r.Why, "\n") == key })
		if i < 0 {
			e.Routes = append(e.Routes, Route{Reaches: reaches, Why: why})
			i = len(e.Routes) - 1
		}
		e.Routes[i].Consumers = append(e.Routes[i].Consumers, c.Name)
	}
	// The consumers that reach the failing hop first.
	slices.SortStableFunc(e.Routes, func(a, b Route) int {
		switch {
		case a.Reaches == b.Reaches:
			return 0
		case a.Reaches:
			return -1
		}
		return 1
	})
	if len(reached) == 0 {
		e.Advice = append([]string{"No consumer of this folder routes " + x.subject() + " there: the go command that failed ran with other settings (another shell, a CI job, a container, variables set on its command line)."}, e.Advice...)
	}
	e.Fixes = x.fixes(reached)
	for _, f := range e.Fixes {
		e.FixTitles = append(e.FixTitles, redact.RedactText(f.Title))
	}
	return e
}

// requiredAt lists the folder's go.mod and go.work lines that require the
// module (the exact version first where one matches).
func (x explainer) requiredAt() []string {
	out := []string{}
	if x.p.Module == "" {
		return out
	}
	for _, m := range verify.FolderModules(x.res.Snapshot) {
		if m.Path != x.p.Module {
			continue
		}
		for _, r := range m.Places {
			out = append(out, fmt.Sprintf("%s:%d %s", report.Rel(x.folder, r.File), r.Line, r.Version))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

type explainer struct {
	p      Parsed
	res    *engine.Result
	folder string
}

func (x explainer) subject() string {
	if x.p.Module == "" {
		return "the module"
	}
	return "`" + x.p.Module + "`"
}

func (x explainer) mod() module.Version {
	v := x.p.Version
	if v == "" {
		v = "v0.0.0"
	}
	return module.Version{Path: x.p.Module, Version: v}
}

// routing is the consumer's routing, as Verify computes it.
func (x explainer) routing(c *resolve.Consumer) verify.Routing {
	vars := map[string]string{}
	for _, name := range resolve.GoVars {
		vars[name] = c.Vars[name].Value
	}
	return verify.NewRouting(vars, knownSumDBs(x.res.Snapshot, c))
}

// knownSumDBs is the checksum database the consumer's go.env names.
func knownSumDBs(s *sources.Snapshot, c *resolve.Consumer) []string {
	if c.GoEnvGOROOT == "" {
		return nil
	}
	if l, ok := s.EnvFile(filepath.Join(c.GoEnvGOROOT, "go.env"), sources.GorootGoEnv).Lookup("GOSUMDB"); ok {
		if n := goenv.DefaultSumDBName(l.Value); n != "" {
			return []string{n}
		}
	}
	return nil
}

// route says whether the consumer's settings take the module to the hop
// that failed, and why.
func (x explainer) route(c *resolve.Consumer) (bool, []string) {
	r := x.routing(c)
	switch x.p.Hop {
	case HopProxy:
		return x.proxyRoute(c, r)
	case HopSumDB:
		return x.sumdbRoute(c, r)
	case HopDirect:
		return x.directRoute(c, r)
	case HopForwardProxy:
		return x.forwardRoute(c)
	case HopGoSum:
		return x.downloadRoute(c, r)
	}
	// GOPROXY=off, alone or at the end of the list.
	if r.ProxyErr == nil && len(r.Steps) > 0 && r.Steps[len(r.Steps)-1].Kind == verify.StepOff && !x.private(c) {
		if b := before(r.Steps[:len(r.Steps)-1]); b != "" {
			return true, []string{x.val(c, "GOPROXY") + ": `off` ends the list" + b + ": the go command stops there with this message."}
		}
		return true, []string{x.val(c, "GOPROXY") + ": module downloads are turned off."}
	}
	return false, []string{x.val(c, "GOPROXY") + ": downloads are not turned off."}
}

func (x explainer) private(c *resolve.Consumer) bool {
	return x.p.Module != "" && goenv.Match(c.Vars["GONOPROXY"].Value, x.p.Module)
}

func (x explainer) proxyRoute(c *resolve.Consumer, r verify.Routing) (bool, []string) {
	if r.ProxyErr != nil {
		return false, []string{x.val(c, "GOPROXY") + " is invalid: " + redact.RedactText(r.ProxyErr.Error()) + "."}
	}
	if x.private(c) {
		return false, []string{x.listVal(c, "GONOPROXY") + " matches " + x.subject() + ": it is fetched from its origin, never from a proxy."}
	}
	for i, s := range r.Steps {
		if s.Kind != verify.StepProxy || !sameEndpoint(s.URL, x.p.URL) {
			continue
		}
		why := []string{x.val(c, "GOPROXY") + ": entry " + strconv.Itoa(s.Index) + " `" + clip.Value(redact.RedactText(s.Entry)) + "` is this proxy" + before(r.Steps[:i]) + "."}
		why = append(why, after(r.Steps, i))
		if x.p.Case == CaseTLS || x.p.Case == CaseTimeout || x.p.Case == CaseRefused || x.p.Case == CaseDNS {
			why = append(why, x.netVals(c, x.p.Case == CaseTLS)...)
		}
		return true, why
	}
	return false, []string{x.val(c, "GOPROXY") + ": no entry is this proxy."}
}

// before describes the entries tried before step i.
func before(steps []verify.Step) string {
	var tried []string
	for _, s := range steps {
		if s.Kind == verify.StepProxy || s.Kind == verify.StepDirect {
			tried = append(tried, "`"+clip.Value(redact.RedactText(s.Entry))+"`")
		}
	}
	if len(tried) == 0 {
		return ""
	}
	return ", tried after " + strings.Join(tried, ", ") + " answered 404/410 (or failed, before '|')"
}

// after says where the go command goes after step i fails.
func after(steps []verify.Step, i int) string {
	if i == len(steps)-1 {
		return "It is the last entry: its answer is the go command's."
	}
	next := "`" + clip.Value(redact.RedactText(steps[i+1].Entry)) + "`"
	if steps[i].FallBackOnError {
		return "'|' follows it: after any error the go command goes on to " + next + "."
	}
	return "',' follows it: the go command goes on to " + next + " only after a 404/410; any other error is final."
}

func (x explainer) sumdbRoute(c *resolve.Consumer, r verify.Routing) (bool, []string) {
	if r.SumDBErr != nil {
		return false, []string{x.val(c, "GOSUMDB") + " is invalid: " + redact.RedactText(r.SumDBErr.Error()) + "."}
	}
	if r.SumDB.Off {
		return false, []string{x.val(c, "GOSUMDB") + ": no module is checked in the checksum database."}
	}
	if x.p.Module != "" && goenv.Match(c.Vars["GONOSUMDB"].Value, x.p.Module) {
		return false, []string{x.listVal(c, "GONOSUMDB") + " matches " + x.subject() + ": its checksum is not looked up."}
	}
	if sr := r.SumDBRoute(); sr.Err == nil && x.p.URL != "" && !sumdbEndpoint(sr, r, x.p.URL) {
		return false, []string{x.val(c, "GOSUMDB") + ": its lookups do not go to this address."}
	}
	why := []string{x.val(c, "GOSUMDB") + ": the go command looks up the checksums of every module it downloads there, unless GONOSUMDB matches.",
		x.listVal(c, "GONOSUMDB") + " does not match " + x.subject() + ", so its path is sent to the checksum database."}
	for _, s := range r.Steps {
		if s.Kind == verify.StepProxy && !r.SumDBRoute().Explicit && sameEndpoint(s.URL, x.p.URL) {
			why = append(why, "The lookup goes through GOPROXY entry "+strconv.Itoa(s.Index)+" `"+clip.Value(redact.RedactText(s.Entry))+"`, which proxies the checksum database (<proxy>/sumdb/<name>/supported answered 200).")
			break
		}
	}
	return true, why
}

// sumdbEndpoint reports whether the failing URL is a request to the
// consumer's checksum database: at its own address, or proxied by one of
// its GOPROXY entries (<proxy>/sumdb/<name>/...).
func sumdbEndpoint(sr verify.SumDBRoute, r verify.Routing, failing string) bool {
	if sr.Direct != nil && sameEndpoint(sr.Direct, failing) {
		return true
	}
	for _, s := range r.Steps {
		if s.Kind == verify.StepProxy && sameEndpoint(s.URL, failing) && strings.Contains(failing, "/sumdb/"+sr.Name+"/") {
			return true
		}
	}
	return false
}

func (x explainer) directRoute(c *resolve.Consumer, r verify.Routing) (bool, []string) {
	if r.ProxyErr != nil {
		return false, []string{x.val(c, "GOPROXY") + " is invalid: " + redact.RedactText(r.ProxyErr.Error()) + "."}
	}
	planned, err := r.Route(x.mod())
	if err != nil {
		return false, []string{"The module path is invalid: " + redact.RedactText(err.Error()) + "."}
	}
	for i, a := range planned {
		if a.Action != verify.ActionDirect {
			continue
		}
		var why []string
		switch {
		case a.Step.Kind == verify.StepNoProxy:
			why = append(why, x.listVal(c, "GONOPROXY")+" matches "+x.subject()+": the go command fetches it from its origin, https://"+x.p.Module+"?go-get=1, then its repository.")
		case i == 0:
			why = append(why, x.val(c, "GOPROXY")+": every module is fetched from its origin.")
		default:
			why = append(why, x.val(c, "GOPROXY")+": `direct` comes after "+strings.TrimPrefix(before(stepsOf(planned[:i])), ", tried after ")+", so the origin was asked.")
		}
		why = append(why, x.netVals(c, x.p.Case == CaseTLS)...)
		return true, why
	}
	if x.private(c) {
		return false, []string{x.listVal(c, "GONOPROXY") + " matches " + x.subject() + " but GOPROXY has no `direct`: " + x.val(c, "GOPROXY") + "."}
	}
	return false, []string{x.val(c, "GOPROXY") + ": no `direct` entry, and GONOPROXY does not match " + x.subject() + ": the origin is never asked."}
}

func stepsOf(planned []verify.PlannedAttempt) []verify.Step {
	out := make([]verify.Step, len(planned))
	for i, p := range planned {
		out[i] = p.Step
	}
	return out
}

func (x explainer) forwardRoute(c *resolve.Consumer) (bool, []string) {
	name, s, ok := forwardVar(c, x.p.URL)
	if !ok {
		return false, []string{"HTTPS_PROXY and https_proxy are unset: its requests go out without a forward proxy."}
	}
	if x.p.ForwardProxy != "" && !strings.Contains(s.Value, x.p.ForwardProxy) {
		return false, []string{x.setting(name, s) + ": another forward proxy."}
	}
	why := []string{x.setting(name, s) + ": its https requests go through this forward proxy."}
	for _, n := range []string{"NO_PROXY", "no_proxy"} {
		if v, ok := c.Env[n]; ok {
			why = append(why, x.setting(n, v)+" does not exempt the host.")
			break
		}
	}
	return true, why
}

// forwardVar is the variable that chooses the forward proxy of a request to
// u (net/http's ProxyFromEnvironment: the upper-case name first).
func forwardVar(c *resolve.Consumer, u string) (string, resolve.Setting, bool) {
	names := []string{"HTTPS_PROXY", "https_proxy"}
	if strings.HasPrefix(u, "http://") {
		names = []string{"HTTP_PROXY", "http_proxy"}
	}
	for _, n := range names {
		if s, ok := c.Env[n]; ok && s.Value != "" {
			return n, s, true
		}
	}
	return "", resolve.Setting{}, false
}

func (x explainer) downloadRoute(c *resolve.Consumer, r verify.Routing) (bool, []string) {
	if r.ProxyErr != nil {
		return false, []string{x.val(c, "GOPROXY") + " is invalid: " + redact.RedactText(r.ProxyErr.Error()) + "."}
	}
	planned, err := r.Route(x.mod())
	if err != nil || len(planned) == 0 {
		return false, []string{x.val(c, "GOPROXY") + ": nothing is downloaded."}
	}
	for _, a := range planned {
		switch a.Action {
		case verify.ActionFetch:
			return true, []string{x.val(c, "GOPROXY") + ": it is downloaded from `" + clip.Value(redact.RedactText(a.Step.Entry)) + "` first; compare with what another proxy or the origin serves."}
		case verify.ActionDirect:
			return true, []string{x.val(c, "GOPROXY") + ": it is downloaded from its origin; compare with what a proxy serves."}
		}
	}
	return false, []string{x.val(c, "GOPROXY") + ": nothing is downloaded."}
}

// netVals are the network variables of a failing connection: the forward
// proxy, and with tls the extra roots.
func (x explainer) netVals(c *resolve.Consumer, tls bool) []string {
	var out []string
	if name, s, ok := forwardVar(c, x.p.URL); ok && !loopback(x.p.URL) {
		out = append(out, "The request goes through the forward proxy "+x.setting(name, s)+".")
	}
	if !tls {
		return out
	}
	var roots []string
	for _, n := range []string{"SSL_CERT_FILE", "SSL_CERT_DIR"} {
		if s, ok := c.Env[n]; ok && s.Value != "" {
			roots = append(roots, x.setting(n, s))
		}
	}
	if len(roots) == 0 {
		out = append(out, "SSL_CERT_FILE and SSL_CERT_DIR are unset: only the system's roots are trusted.")
	} else {
		out = append(out, "Extra roots: "+strings.Join(roots, ", ")+"; they do not hold the CA that signed this certificate.")
	}
	return out
}

func loopback(u string) bool {
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := pu.Hostname()
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}

// sameEndpoint reports whether the failing URL is a request to the proxy
// entry base (credentials aside).
func sameEndpoint(base *url.URL, failing string) bool {
	if base == nil || failing == "" {
		return false
	}
	u, err := url.Parse(failing)
	if err != nil {
		return false
	}
	if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return false
	}
	prefix := strings.TrimSuffix(base.Path, "/")
	return u.Path == prefix || strings.HasPrefix(u.Path, prefix+"/") || prefix == ""
}

// val is a go variable's value and where it comes from.
func (x explainer) val(c *resolve.Consumer, name string) string {
	v := c.Vars[name]
	if v.Value == "" {
		return name + " is unset (" + x.where(v.Prov) + ")"
	}
	return name + "=`" + clip.Value(redact.RedactText(v.Value)) + "` (" + x.where(v.Prov) + ")"
}

// listVal is GONOPROXY's or GONOSUMDB's value, saying when it is GOPRIVATE's.
func (x explainer) listVal(c *resolve.Consumer, name string) string {
	v := c.Vars[name]
	if v.Prov.Source == sources.Default && c.Vars["GOPRIVATE"].Value != "" {
		return name + " (from " + x.val(c, "GOPRIVATE") + ")"
	}
	return x.val(c, name)
}

func (x explainer) setting(name string, s resolve.Setting) string {
	return name + "=`" + clip.Value(redact.RedactText(s.Value)) + "` (" + x.where(s.Prov) + ")"
}

func (x explainer) where(p sources.Provenance) string {
	return report.Where(x.folder, report.Var{Source: p.Source, File: p.File, Line: p.Line, Key: p.Key})
}

// related are the rules whose findings speak about each case.
var related = map[Case][]string{
	CaseNotFound:               {"private-module-not-covered", "private-pattern-never-matches", "private-lists-inconsistent", "goproxy-no-fallback"},
	CaseSumDBNotFound:          {"private-module-not-covered", "private-pattern-never-matches", "private-lists-inconsistent"},
	CaseUnrecognizedImportPath: {"private-pattern-too-broad", "private-pattern-never-matches", "goinsecure-ineffective"},
	CaseServerError:            {"goproxy-no-fallback", "goproxy-dead-entries"},
	CaseRefused:                {"goproxy-no-fallback", "goproxy-dead-entries", "goproxy-bad-entry"},
	CaseDNS:                    {"goproxy-no-fallback", "goproxy-dead-entries", "goproxy-bad-entry"},
	CaseTimeout:                {"goproxy-no-fallback", "goproxy-dead-entries"},
	CaseNotAProxy:              {"goproxy-bad-entry", "goproxy-no-fallback"},
	CaseTLS:                    {"goproxy-insecure", "goinsecure-ineffective"},
	CaseAuth:                   {"goproxy-bad-entry"},
	CaseInsecureCredentials:    {"goproxy-insecure"},
	CaseForwardProxy:           {"proxy-env-conflict", "proxy-env-incomplete", "no-proxy-missing-host"},
	CaseForwardProxyAuth:       {"proxy-env-conflict", "proxy-env-incomplete"},
}

// fixes are the folder's fixes for the case: those of the findings of the
// related rules (about the module, where the finding names modules), and
// for a private module sent where it is not known, the pattern that keeps it
// away from the consumers that send it.
func (x explainer) fixes(reached []string) []findings.Fix {
	var out []findings.Fix
	seen := map[string]bool{}
	add := func(fs ...findings.Fix) {
		for _, f := range fs {
			if k := f.Key(); !seen[k] {
				seen[k] = true
				out = append(out, f)
			}
		}
	}
	if len(reached) > 0 && x.p.Module != "" && (x.p.Case == CaseSumDBNotFound || x.p.Case == CaseNotFound && x.p.Hop == HopProxy) {
		host, _, _ := strings.Cut(x.p.Module, "/")
		if !goenv.IsPublicCodeHost(host) || x.p.Case == CaseSumDBNotFound {
			add(rules.CoverFixes(x.res.Snapshot, x.res.Consumers, x.p.Module, reached)...)
		}
	}
	codes := related[x.p.Case]
	for _, f := range x.res.WithFixes() {
		if !slices.Contains(codes, f.Code) {
			continue
		}
		if strings.HasPrefix(f.Code, "private-module") && x.p.Module != "" && !strings.Contains(f.Message, x.p.Module) {
			continue
		}
		add(f.Fixes...)
	}
	return out
}

// advice are the case's steps that are not edits.
func advice(p Parsed) []string {
	switch p.Case {
	case CaseNotFound:
		return []string{"If the module is public, check the path and the version: `go list -m -versions " + orModule(p) + "` lists what the proxy has."}
	case CaseSumDBNotFound:
		return []string{"If the module is public and new, the checksum database may not have fetched it yet: retry in a few minutes."}
	case CaseChecksumMismatch:
		return []string{"Run `go clean -modcache` and download again from another source (GOPROXY=direct, or another proxy): if the hash matches go.sum there, the first source served altered content.",
			"If the module's author moved a tag, ask for a new version rather than updating go.sum."}
	case CaseUnrecognizedImportPath:
		return []string{"Open https://" + orModule(p) + "?go-get=1 in a browser on the same network: the page must hold a <meta name=\"go-import\"> tag. Private hosts often need credentials in .netrc (GOAUTH=netrc) for it."}
	case CaseForwardProxy, CaseForwardProxyAuth:
		return []string{"Hosts in NO_PROXY bypass the forward proxy; loopback addresses always do."}
	case CaseAuth:
		return []string{"Put the proxy's credentials in ~/.netrc (machine <host> login <user> password <token>) rather than in GOPROXY, where every `go env` prints them."}
	case CaseTimeout, CaseRefused, CaseDNS, CaseServerError:
		return []string{"'|' instead of ',' after a proxy entry makes the go command try the next entry after any error, not only after 404/410.",
			"Run `goproxy-doctor verify` (Go Proxy: Verify) to probe every consumer's proxies the way the go command does."}
	case CaseTLS:
		return []string{"Set SSL_CERT_FILE to a PEM bundle holding your organisation's CA in the environment of the consumers that fail: terminal.integrated.env.<os> for the terminal, go.toolsEnvVars for gopls and the tools.",
			"Do not list the host in GOINSECURE to get past this: it turns off certificate checks for direct fetches and never applies to proxies."}
	case CaseInsecureCredentials:
		return []string{"Use the proxy's https:// URL, and keep its credentials in ~/.netrc rather than in GOPROXY."}
	case CaseNotAProxy:
		return []string{"Open the proxy URL in a browser on the same network: sign in to the portal, or correct the URL to the proxy's module endpoint."}
	case CaseOff:
		return []string{"Set GOPROXY to a proxy list (ending in `,direct` to fetch what the proxies lack from the origin), or build from vendor/ with -mod=vendor."}
	}
	return []string{}
}

func orModule(p Parsed) string {
	if p.Module == "" {
		return "<module>"
	}
	return p.Module
}

// maxLine bounds the quoted message line.
const maxLine = 1000

// Markdown renders the explanation: the server is its only renderer.
func (e *Explanation) Markdown() string {
	var b strings.Builder
	p := e.Parsed
	fmt.Fprintf(&b, "# Explain error: %s\n\n", e.Title)
	if !p.Found() {
		b.WriteString(e.Meaning + "\n")
		return b.String()
	}
	fmt.Fprintf(&b, "```\n%s\n```\n\n", clip.To(p.Line, maxLine))
	b.WriteString("| | |\n|---|---|\n")
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "| %s | %s |\n", k, strings.ReplaceAll(v, "|", "\\|"))
		}
	}
	row("Case", "`"+string(p.Case)+"`")
	row("Failing hop", hopWords[p.Hop])
	if p.Module != "" {
		mv := p.Module
		if p.Version != "" {
			mv += "@" + p.Version
		}
		row("Module", "`"+mv+"`")
	}
	if len(e.RequiredAt) > 0 {
		row("Required at", strings.Join(e.RequiredAt, ", "))
	}
	if p.URL != "" {
		row("URL", "`"+clip.Value(p.URL)+"`")
	}
	if p.Status != 0 {
		row("Status", strconv.Itoa(p.Status))
	}
	if p.ForwardProxy != "" {
		row("Forward proxy", "`"+p.ForwardProxy+"`")
	}
	if p.Detail != "" {
		row("Server response", "`"+clip.Value(p.Detail)+"`")
	}
	fmt.Fprintf(&b, "\n%s\n", e.Meaning)
	if e.Folder != "" || len(e.Routes) > 0 {
		b.WriteString("\n## Which settings route it there\n\n")
		for _, r := range e.Routes {
			mark := "does not go there"
			if r.Reaches {
				mark = "goes there"
			}
			fmt.Fprintf(&b, "- **%s** — %s:\n", strings.Join(r.Consumers, ", "), mark)
			for _, w := range r.Why {
				fmt.Fprintf(&b, "  - %s\n", w)
			}
		}
	}
	if len(e.Fixes) > 0 || len(e.Advice) > 0 {
		b.WriteString("\n## Fix\n\n")
		for _, f := range e.Fixes {
			fmt.Fprintf(&b, "- %s (quick fix)\n", redact.RedactText(f.Title))
		}
		for _, a := range e.Advice {
			fmt.Fprintf(&b, "- %s\n", a)
		}
	}
	return b.String()
}

var hopWords = map[Hop]string{
	HopNone:         "none: no request was made",
	HopProxy:        "module proxy (a GOPROXY entry)",
	HopSumDB:        "checksum database (GOSUMDB)",
	HopDirect:       "the module's origin (direct)",
	HopForwardProxy: "HTTP forward proxy (HTTPS_PROXY)",
	HopGoSum:        "go.sum",
}
