package verify

import (
	"fmt"
	"net/url"
	pathpkg "path"
	"strings"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
)

// StepKind is what one entry of cmd/go's proxy list does
// (cmd/go/internal/modfetch/proxy.go proxyList).
type StepKind int

// Step kinds.
const (
	// StepNoProxy is the hidden entry cmd/go puts first when GONOPROXY is
	// set (and GOPROXY is not exactly "direct"): GONOPROXY-matched modules
	// go direct here, others fall through.
	StepNoProxy StepKind = iota + 1
	StepProxy            // a proxy URL (http, https or file)
	StepDirect           // "direct"
	StepOff              // "off"
)

// Step is one entry of the proxy list in the order cmd/go tries it.
type Step struct {
	Kind StepKind
	// Entry is the GOPROXY entry as written (unredacted: redact before
	// showing it); "direct" for StepNoProxy and StepDirect.
	Entry string
	// URL is the proxy base after cmd/go's scheme inference (StepProxy only).
	URL *url.URL
	// FallBackOnError is true when a '|' follows the entry: cmd/go then
	// tries the next entry after any error, not only after 404/410.
	FallBackOnError bool
	// Index is the entry's 1-based position among the GOPROXY entries (0
	// for the hidden noproxy entry).
	Index int
}

// Routing is one consumer environment's module routing, parsed once.
type Routing struct {
	GOPROXY   string
	Steps     []Step
	ProxyErr  error // cmd/go rejects the GOPROXY list (no module can be fetched)
	GONOPROXY string
	GONOSUMDB string
	// GOINSECURE patterns allow direct resolution to skip TLS verification
	// and fall back to plain http.
	GOINSECURE string
	// GOPRIVATE and GOVCS decide which version control tools the go
	// command may run for a go-import origin (GOVCS's "private" class is
	// a GOPRIVATE match).
	GOPRIVATE, GOVCS string
	govcs            []govcsRule
	GOVCSErr         error
	SumDB            goenv.SumDB
	SumDBErr         error
	// NetrcAuth is true when GOAUTH lists netrc (its default).
	NetrcAuth bool
	GOAUTHErr error
}

// NewRouting parses a consumer's effective values (as go env reports them).
// knownSumDBs are the checksum database names cmd/go has built-in keys for
// (the default $GOROOT/go.env names), never hard-coded here.
func NewRouting(vars map[string]string, knownSumDBs []string) Routing {
	r := Routing{
		GOPROXY:    vars["GOPROXY"],
		GONOPROXY:  vars["GONOPROXY"],
		GONOSUMDB:  vars["GONOSUMDB"],
		GOINSECURE: vars["GOINSECURE"],
		GOPRIVATE:  vars["GOPRIVATE"],
		GOVCS:      vars["GOVCS"],
	}
	r.govcs, r.GOVCSErr = parseGOVCS(r.GOVCS)
	entries, err := goenv.ParseGOPROXY(r.GOPROXY)
	r.ProxyErr = err
	if r.GONOPROXY != "" && r.GOPROXY != "direct" {
		r.Steps = append(r.Steps, Step{Kind: StepNoProxy, Entry: "direct"})
	}
	if err == nil {
		for i, e := range goenv.Live(entries) {
			s := Step{Entry: e.Text, FallBackOnError: e.FallBackOnError(), Index: i + 1}
			switch e.Kind {
			case goenv.ProxyDirect:
				s.Kind = StepDirect
			case goenv.ProxyOff:
				s.Kind = StepOff
			default:
				s.Kind, s.URL = StepProxy, e.URL
			}
			r.Steps = append(r.Steps, s)
		}
	}
	r.SumDB, r.SumDBErr = goenv.ParseGOSUMDB(vars["GOSUMDB"], knownSumDBs)
	r.NetrcAuth, r.GOAUTHErr = netrcEnabled(vars["GOAUTH"])
	return r
}

// netrcEnabled applies GOAUTH's grammar as far as netrc is concerned
// (cmd/go/internal/auth runGoAuth): "off" alone disables credentials; netrc
// credentials are used when a command is "netrc". Commands that run
// programs (git, custom) are not run by Verify.
func netrcEnabled(goauth string) (bool, error) {
	if goauth == "" {
		goauth = "netrc"
	}
	cmds := strings.Split(goauth, ";")
	netrc := false
	for _, c := range cmds {
		words := strings.Fields(c)
		if len(words) == 0 {
			return false, fmt.Errorf("GOAUTH encountered an empty command (GOAUTH=%s)", goauth)
		}
		switch words[0] {
		case "off":
			if len(cmds) != 1 {
				return false, fmt.Errorf("GOAUTH=off cannot be combined with other authentication commands (GOAUTH=%s)", goauth)
			}
		case "netrc":
			netrc = true
		}
	}
	return netrc, nil
}

// Action is what cmd/go does at one step for one module (modfetch/repo.go lookup).
type Action int

// Actions.
const (
	// ActionFetch asks a proxy (GET <base>/<path>/@v/<version>.info).
	ActionFetch Action = iota + 1
	// ActionDirect resolves the path at its origin (https://<path>?go-get=1).
	ActionDirect
	// ActionDisabled is a proxy entry or "off" for a GONOPROXY-matched
	// module: "disabled by GOPRIVATE/GONOPROXY", no request, a not-found.
	ActionDisabled
	// ActionOff is "module lookup disabled by GOPROXY=off": a not-found.
	ActionOff
	// ActionUseProxy is the noproxy entry for a module GONOPROXY does not
	// match: "path does not match GOPRIVATE/GONOPROXY", a silent not-found.
	ActionUseProxy
)

// PlannedAttempt is one step of a module's route.
type PlannedAttempt struct {
	Step   Step
	Action Action
	// URL is the request for ActionFetch: the module's .info on the proxy.
	URL *url.URL
}

// Route plans the steps cmd/go takes for mod, in order; which of them
// actually run depends on the answers (see Walk). It is pure.
func (r Routing) Route(mod module.Version) ([]PlannedAttempt, error) {
	if r.ProxyErr != nil {
		return nil, r.ProxyErr
	}
	private := goenv.Match(r.GONOPROXY, mod.Path)
	out := make([]PlannedAttempt, 0, len(r.Steps))
	for _, s := range r.Steps {
		p := PlannedAttempt{Step: s}
		switch {
		case s.Kind == StepDirect, s.Kind == StepNoProxy && private:
			p.Action = ActionDirect
		case s.Kind == StepNoProxy:
			p.Action = ActionUseProxy
		case private:
			p.Action = ActionDisabled
		case s.Kind == StepOff:
			p.Action = ActionOff
		default:
			u, err := ModuleURL(s.URL, mod, "info")
			if err != nil {
				return nil, err
			}
			p.Action, p.URL = ActionFetch, u
		}
		out = append(out, p)
	}
	return out, nil
}

// ModuleURL is a proxy protocol URL, <base>/<escaped path>/@v/<escaped
// version>.<ext>, built exactly as cmd/go's proxyRepo builds it (newProxyRepo
// then getBody), so that the request is byte for byte the go command's.
func ModuleURL(base *url.URL, mod module.Version, ext string) (*url.URL, error) {
	enc, err := module.EscapePath(mod.Path)
	if err != nil {
		return nil, err
	}
	ev, err := module.EscapeVersion(mod.Version)
	if err != nil {
		return nil, err
	}
	repo := *base
	repo.Path = strings.TrimSuffix(base.Path, "/") + "/" + enc
	repo.RawPath = strings.TrimSuffix(base.RawPath, "/") + "/" + pathEscape(enc)
	rest := "@v/" + ev + "." + ext
	target := repo
	target.Path = pathpkg.Join(repo.Path, rest)
	target.RawPath = pathpkg.Join(repo.RawPath, pathEscape(rest))
	return &target, nil
}

// pathEscape is cmd/go's: url.PathEscape, keeping "/".
func pathEscape(s string) string { return strings.ReplaceAll(url.PathEscape(s), "%2F", "/") }

// join is cmd/go's web.Join.
func join(base *url.URL, path string) *url.URL {
	j := *base
	if path == "" {
		return &j
	}
	j.Path = strings.TrimSuffix(base.Path, "/") + "/" + strings.TrimPrefix(path, "/")
	j.RawPath = strings.TrimSuffix(base.RawPath, "/") + "/" + strings.TrimPrefix(path, "/")
	return &j
}

// Kind classifies an answer for the walk over the proxy list.
type Kind int

// Answer kinds.
const (
	OK       Kind = iota + 1
	NotFound      // "not exist": 404, 410, a missing file, a disabled entry
	Failed        // anything else
)

// Walk applies cmd/go's TryProxies to the steps: each is tried in order
// until one succeeds; after a failure the next is tried only when the
// failure is a not-found or the step is followed by '|'. It returns the
// index of the step that succeeded (-1 if none), the index of the step whose
// error cmd/go reports (errors from direct and from noproxy's direct lookup
// rank first, then proxy errors other than not-found, then not-found; -1
// with no error) and how many steps ran.
func Walk(steps []Step, try func(i int) Kind, isUseProxy func(i int) bool) (served, best, ran int) {
	const (
		notExistRank = iota
		proxyRank
		directRank
	)
	served, best = -1, -1
	bestRank := notExistRank
	for i, s := range steps {
		ran = i + 1
		k := try(i)
		if k == OK {
			return i, -1, ran
		}
		notExist := k == NotFound
		switch {
		case s.Kind == StepDirect || s.Kind == StepNoProxy && !isUseProxy(i):
			best, bestRank = i, directRank
		case bestRank <= proxyRank && !notExist:
			best, bestRank = i, proxyRank
		case bestRank == notExistRank:
			best = i
		}
		if !s.FallBackOnError && !notExist {
			break
		}
	}
	return served, best, ran
}

// SumDBRoute is how a consumer reaches the checksum database.
type SumDBRoute struct {
	// Off: GOSUMDB=off. Err: GOSUMDB invalid (cmd/go's message).
	Off bool
	Err error
	// Name is the database name.
	Name string
	// Explicit is true when GOSUMDB names a URL, which bypasses GOPROXY.
	Explicit bool
	// Direct is https://<name> or the explicit URL.
	Direct *url.URL
}

// SumDBRoute parses the consumer's GOSUMDB into the checksum database's
// direct address (cmd/go modfetch/sumdb.go dbDial).
func (r Routing) SumDBRoute() SumDBRoute {
	switch {
	case r.SumDBErr != nil:
		return SumDBRoute{Err: r.SumDBErr}
	case r.SumDB.Off:
		return SumDBRoute{Off: true}
	}
	s := SumDBRoute{Name: r.SumDB.Name, Direct: &url.URL{Scheme: "https", Host: r.SumDB.Name}}
	if i := strings.IndexByte(r.SumDB.Name, '/'); i >= 0 {
		s.Direct = &url.URL{Scheme: "https", Host: r.SumDB.Name[:i], Path: r.SumDB.Name[i:]}
	}
	if r.SumDB.URL != "" {
		u, err := url.Parse(r.SumDB.URL)
		if err != nil {
			return SumDBRoute{Err: fmt.Errorf("invalid GOSUMDB URL: %v", err)}
		}
		if u.Scheme == "" && u.Host == "" {
			// A scheme-less host[/path] is fetched as https (cmd/go web.Get).
			host, path, _ := strings.Cut(u.Path, "/")
			u = &url.URL{Scheme: "https", Host: host}
			if path != "" {
				u.Path = "/" + path
			}
		}
		s.Explicit, s.Direct = true, u
	}
	return s
}

// SupportedURL is <proxy>/sumdb/<name>/supported.
func SupportedURL(proxy *url.URL, name string) *url.URL {
	return join(proxy, "sumdb/"+name+"/supported")
}

// LookupURL is <base>/lookup/<escaped path>@<escaped version>, the one
// request the checksum database client makes that names the module.
func LookupURL(base *url.URL, mod module.Version) (*url.URL, error) {
	p, err := module.EscapePath(mod.Path)
	if err != nil {
		return nil, err
	}
	v, err := module.EscapeVersion(strings.TrimSuffix(mod.Version, "/go.mod"))
	if err != nil {
		return nil, err
	}
	return join(base, "/lookup/"+p+"@"+v), nil
}

// NeedsSumDB reports whether cmd/go consults the checksum database for mod
// (modfetch/sumdb.go useSumDB): never with GOSUMDB=off or a GONOSUMDB
// match, except for toolchains, which always need it unless GOPROXY is a
// single file:// URL.
func (r Routing) NeedsSumDB(mod module.Version) bool {
	if mod.Path == ToolchainModule {
		return !(strings.HasPrefix(r.GOPROXY, "file://") && !strings.ContainsAny(r.GOPROXY, ",|"))
	}
	return !r.SumDB.Off && !goenv.Match(r.GONOSUMDB, mod.Path)
}

// ToolchainModule is the module toolchain downloads fetch.
const ToolchainModule = "golang.org/toolchain"
