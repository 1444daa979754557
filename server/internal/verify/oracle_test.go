package verify

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The routing oracle: for generated scenarios (GOPROXY lists with ',', '|',
// direct, off and file:// entries, GOPRIVATE/GONOPROXY/GONOSUMDB patterns,
// statuses per proxy, checksum database support per proxy), the real
// `go mod download -json -x` runs with the same variables against the same
// loopback servers, and Verify's attempts must be exactly the requests the
// go command traced, in order: the module's first phase (.info and go-get
// requests), then the checksum database's /supported walk and /lookup.

// entrySpec is one GOPROXY entry of a scenario.
type entrySpec struct {
	kind   string // proxy, mirror, refused, file, empty, direct, off
	status int    // proxy and mirror: 0 serves the tree
	sumdb  int    // proxy and mirror: /sumdb/<name>/supported status (0: none)
	sep    string // "," or "|" after it
}

type scenario struct {
	name                           string
	entries                        []entrySpec
	goprivate, gonoproxy, gonosumd string
	gosumdb                        string // routed, off, explicit
	originPrivate, originPublic    bool
	mods                           []string // default: the public and the private module
}

func (s scenario) modules() []string {
	if s.mods != nil {
		return s.mods
	}
	return []string{pubMod + "@" + pubVer, privMod + "@" + privVer}
}

func (s scenario) String() string {
	var b strings.Builder
	for i, e := range s.entries {
		switch e.kind {
		case "proxy", "mirror":
			fmt.Fprintf(&b, "%s%d/sum%d", e.kind, e.status, e.sumdb)
		default:
			b.WriteString(e.kind)
		}
		if i < len(s.entries)-1 {
			b.WriteString(e.sep)
		}
	}
	return fmt.Sprintf("GOPROXY=%s GOPRIVATE=%q GONOPROXY=%q GONOSUMDB=%q GOSUMDB=%s origins=%v/%v",
		b.String(), s.goprivate, s.gonoproxy, s.gonosumd, s.gosumdb, s.originPrivate, s.originPublic)
}

// handScenarios pin the cases the reference describes (go-proxy-semantics §2-4).
var handScenarios = []scenario{
	{name: "404-then-200", entries: []entrySpec{{kind: "proxy", status: 404, sep: ","}, {kind: "proxy", sumdb: 200}}, gosumdb: "routed"},
	{name: "500-comma-stops", entries: []entrySpec{{kind: "proxy", status: 500, sep: ","}, {kind: "proxy"}}, gosumdb: "routed"},
	{name: "500-pipe-falls-through", entries: []entrySpec{{kind: "proxy", status: 500, sep: "|"}, {kind: "proxy", sumdb: 200}}, gosumdb: "routed"},
	{name: "404-then-410", entries: []entrySpec{{kind: "proxy", status: 404, sep: ","}, {kind: "proxy", status: 410}}, gosumdb: "routed"},
	{name: "refused-comma", entries: []entrySpec{{kind: "refused", sep: ","}, {kind: "proxy"}}, gosumdb: "off"},
	{name: "refused-pipe", entries: []entrySpec{{kind: "refused", sep: "|"}, {kind: "proxy"}}, gosumdb: "off"},
	{name: "403-terminal", entries: []entrySpec{{kind: "proxy", status: 403, sep: ","}, {kind: "direct"}}, gosumdb: "off"},
	{name: "off-after-404", entries: []entrySpec{{kind: "proxy", status: 404, sep: ","}, {kind: "off"}}, gosumdb: "off"},
	{name: "direct-stops-list", entries: []entrySpec{{kind: "proxy", status: 404, sep: ","}, {kind: "direct", sep: ","}, {kind: "proxy"}}, gosumdb: "routed", originPublic: true},
	{name: "private-off", entries: []entrySpec{{kind: "off"}}, goprivate: "git.example.com", gosumdb: "routed", originPrivate: true},
	{name: "private-no-direct", entries: []entrySpec{{kind: "proxy", sumdb: 200}}, goprivate: "git.example.com", gosumdb: "routed", originPrivate: true},
	{name: "private-origin-404-then-direct", entries: []entrySpec{{kind: "proxy", sep: ","}, {kind: "direct"}}, goprivate: "git.example.com", gosumdb: "routed"},
	{name: "gonoproxy-none", entries: []entrySpec{{kind: "proxy", status: 404, sep: ","}, {kind: "proxy", sumdb: 404}}, goprivate: "git.example.com", gonoproxy: "none", gosumdb: "routed", originPrivate: true},
	{name: "sumdb-500-unavailable", entries: []entrySpec{{kind: "proxy", sumdb: 500}}, gosumdb: "routed"},
	{name: "sumdb-500-pipe-404", entries: []entrySpec{{kind: "proxy", sumdb: 500, sep: "|"}, {kind: "proxy", sumdb: 404}}, gosumdb: "routed"},
	{name: "sumdb-500-pipe-direct", entries: []entrySpec{{kind: "proxy", sumdb: 500, sep: "|"}, {kind: "direct"}}, gosumdb: "routed", originPublic: true},
	{name: "sumdb-none-direct", entries: []entrySpec{{kind: "proxy", sumdb: 404}}, gosumdb: "routed"},
	{name: "sumdb-explicit", entries: []entrySpec{{kind: "proxy", sumdb: 200}}, gosumdb: "explicit"},
	{name: "file-empty-then-file", entries: []entrySpec{{kind: "empty", sep: ","}, {kind: "file"}}, gosumdb: "routed"},
	{name: "file-empty-then-mirror", entries: []entrySpec{{kind: "empty", sep: ","}, {kind: "mirror", sumdb: 200}}, gosumdb: "routed"},
	{name: "mirror-404-then-proxy", entries: []entrySpec{{kind: "mirror", status: 404, sep: ","}, {kind: "proxy", sumdb: 200}}, gosumdb: "routed"},
	{name: "gonosumdb", entries: []entrySpec{{kind: "proxy", sumdb: 200}}, gonosumd: "pub.example.com", gosumdb: "routed"},
	{name: "case-escaping", entries: []entrySpec{{kind: "proxy", status: 404, sep: ","}, {kind: "mirror", sumdb: 200}}, gosumdb: "routed", mods: []string{upperMod}},
	{name: "case-escaping-direct-sumdb", entries: []entrySpec{{kind: "empty", sep: "|"}, {kind: "proxy", sumdb: 404}}, gosumdb: "routed", mods: []string{upperMod}},
}

// generated returns n random scenarios from a fixed seed.
func generated(n int) []scenario {
	rng := rand.New(rand.NewPCG(5, 42))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var out []scenario
	for i := range n {
		s := scenario{name: fmt.Sprintf("gen%02d", i)}
		for k := 1 + rng.IntN(3); k > 0; k-- {
			e := entrySpec{kind: pick("proxy", "proxy", "proxy", "refused", "file", "empty", "mirror", "direct", "off"), sep: pick(",", "|")}
			if e.kind == "mirror" && slices.ContainsFunc(s.entries, func(x entrySpec) bool { return x.kind == "mirror" }) {
				e.kind = "proxy"
			}
			switch e.kind {
			case "proxy":
				e.status = []int{0, 0, 404, 410, 500, 403}[rng.IntN(6)]
				e.sumdb = []int{200, 404, 404, 500}[rng.IntN(4)]
			case "mirror":
				e.status = []int{0, 404}[rng.IntN(2)]
				e.sumdb = []int{200, 404}[rng.IntN(2)]
			}
			s.entries = append(s.entries, e)
		}
		s.goprivate = pick("", "", "git.example.com", "*.example.com", "git.example.com/team")
		s.gonoproxy = pick("", "", "", "none", "git.example.com")
		s.gonosumd = pick("", "", "pub.example.com")
		s.gosumdb = pick("routed", "routed", "routed", "off", "explicit")
		s.originPrivate = rng.IntN(3) > 0
		s.originPublic = rng.IntN(3) == 0
		out = append(out, s)
	}
	return out
}

// build starts the scenario's servers and returns its variables.
func (s scenario) build(l *lab) map[string]string {
	var b strings.Builder
	for i, e := range s.entries {
		switch e.kind {
		case "proxy":
			b.WriteString(l.proxy(fmt.Sprintf("p%d", i), e.status, e.sumdb).URL)
		case "mirror":
			b.WriteString(l.mirror(e.status, e.sumdb))
		case "refused":
			b.WriteString(refusedURL(l.t))
		case "file":
			b.WriteString(l.tree.URL())
		case "empty":
			b.WriteString(sharedEmpty.URL())
		default:
			b.WriteString(e.kind)
		}
		if i < len(s.entries)-1 {
			b.WriteString(e.sep)
		}
	}
	l.origins(s.originPrivate, s.originPublic)
	vars := map[string]string{
		"GOPROXY": b.String(), "GOPRIVATE": s.goprivate, "GONOPROXY": s.gonoproxy, "GONOSUMDB": s.gonosumd,
	}
	switch s.gosumdb {
	case "off":
		vars["GOSUMDB"] = "off"
	case "explicit":
		vars["GOSUMDB"] = l.db.Key + " " + l.sumdbServer()
	default:
		vars["GOSUMDB"] = l.db.Key
	}
	return vars
}

func TestRoutingOracle(t *testing.T) {
	scenarios := append(append([]scenario{}, handScenarios...), generated(30)...)
	if len(scenarios) < 40 {
		t.Fatalf("only %d scenarios", len(scenarios))
	}
	var mu sync.Mutex
	agreed := 0
	// What the go command did across the scenarios, to show they are varied.
	var succeeded, failed, direct, sumdb, files int
	t.Cleanup(func() {
		t.Logf("Verify agreed with the go command on %d of %d scenarios (the go command succeeded %d times and failed %d; %d runs resolved an origin with go-get, %d asked a checksum database, %d read a file:// entry)",
			agreed, len(scenarios), succeeded, failed, direct, sumdb, files)
	})
	sem := make(chan struct{}, 4)
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			l := newLab(t)
			vars := s.build(l)
			env := l.env(nil)
			res := l.mustVerify(vars, env, Options{}, s.modules()...)
			ok := true
			for _, mod := range s.modules() {
				run := l.goDownload(vars, env, mod)
				mr := findModule(t, res, mod)
				mu.Lock()
				if run.err == "" {
					succeeded++
				} else {
					failed++
				}
				if slices.ContainsFunc(run.gets, func(u string) bool { return strings.Contains(u, "go-get=1") }) {
					direct++
				}
				if slices.ContainsFunc(run.gets, func(u string) bool { return strings.Contains(u, "/lookup/") }) {
					sumdb++
				}
				if slices.ContainsFunc(mr.Attempts, func(a Attempt) bool { return strings.HasPrefix(a.Proxy, "file://") }) {
					files++
				}
				mu.Unlock()
				if !compare(t, s, mod, run, mr, res) {
					ok = false
				}
			}
			if ok {
				mu.Lock()
				agreed++
				mu.Unlock()
			}
		})
	}
}

func findModule(t *testing.T, res *Result, mod string) ModuleResult {
	t.Helper()
	for _, m := range res.Modules {
		if m.Path+"@"+m.Version == mod {
			return m
		}
	}
	t.Fatalf("no result for %s", mod)
	return ModuleResult{}
}

// compare checks one module: the go command's requests, phase by phase,
// against Verify's attempts, and success against Verify's outcome.
func compare(t *testing.T, s scenario, mod string, run goRun, mr ModuleResult, res *Result) bool {
	t.Helper()
	fail := func(format string, args ...any) bool {
		t.Errorf("%s\n%s: "+format+"\ngo trace:\n%s\nVerify: %s", append([]any{s, mod}, append(args, run.trace, dump(mr, res))...)...)
		return false
	}
	var info, mods, sum []string
	phase := 0 // 0: .info and go-get; 1: .mod; 2: after the first checksum database request
	for _, u := range run.gets {
		switch {
		case strings.Contains(u, "/sumdb/") || strings.HasPrefix(u, "https://sum.example.com/") || isSumDBServer(u):
			if strings.Contains(u, "/supported") || strings.Contains(u, "/lookup/") {
				sum = append(sum, u)
			}
			// The go.mod is verified inside the .mod step: a verification
			// failure before '|' makes the go command try the next entry's .mod.
			phase = 2
		case strings.HasSuffix(u, ".mod") && phase < 2:
			phase = 1
			mods = append(mods, u)
		case phase == 0:
			info = append(info, u)
		}
	}
	var want []string
	for _, a := range mr.Attempts {
		for _, r := range a.Requests {
			if !strings.HasPrefix(r.URL, "file://") {
				want = append(want, r.URL)
			}
		}
	}
	if !slices.Equal(info, want) {
		return fail("module requests differ:\n go:     %q\n verify: %q", info, want)
	}
	// The .mod phase walks the same entries (go-get answers are cached).
	var infoProxies []string
	for _, u := range info {
		if !strings.Contains(u, "go-get=1") {
			infoProxies = append(infoProxies, strings.TrimSuffix(u, ".info"))
		}
	}
	var modProxies []string
	for _, u := range mods {
		modProxies = append(modProxies, strings.TrimSuffix(u, ".mod"))
	}
	if len(mods) > 0 && !slices.Equal(infoProxies, modProxies) {
		return fail(".mod requests do not follow the .info route:\n .info: %q\n .mod:  %q", infoProxies, modProxies)
	}
	var wantSum []string
	if mr.SumDB != nil && mr.SumDB.Outcome != OutcomeSkipped {
		for _, a := range res.SumDBs[0].Attempts {
			for _, r := range a.Requests {
				if !strings.HasPrefix(r.URL, "file://") {
					wantSum = append(wantSum, r.URL)
				}
			}
		}
		if mr.SumDB.URL != "" {
			wantSum = append(wantSum, mr.SumDB.URL)
		}
	}
	if !slices.Equal(sum, wantSum) {
		return fail("checksum database requests differ:\n go:     %q\n verify: %q", sum, wantSum)
	}
	goOK := run.err == ""
	verifyOK := mr.Outcome == OutcomeOK && (mr.SumDB == nil || mr.SumDB.Outcome == OutcomeOK || mr.SumDB.Outcome == OutcomeSkipped)
	if goOK != verifyOK {
		return fail("go succeeded: %v (error %q); Verify: outcome %s, sumdb %+v", goOK, run.err, mr.Outcome, mr.SumDB)
	}
	return true
}

// isSumDBServer matches the explicit GOSUMDB URL's requests (a bare
// loopback server whose paths start with /lookup/ or /tile/).
func isSumDBServer(u string) bool {
	for _, p := range []string{"/lookup/", "/tile/", "/latest"} {
		if i := strings.Index(u, p); i >= 0 && !strings.Contains(u[:i], "/sumdb/") && strings.Count(u[:i], "/") == 2 {
			return true
		}
	}
	return false
}

func dump(mr ModuleResult, res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "outcome %s servedBy %q error %q\n", mr.Outcome, mr.ServedBy, mr.Error)
	for _, a := range mr.Attempts {
		fmt.Fprintf(&b, "  attempt %s #%d %s %d %s %s\n", a.Proxy, a.Index, a.Outcome, a.Status, a.Class, a.Note)
		for _, r := range a.Requests {
			fmt.Fprintf(&b, "    %s %d %s %s\n", r.URL, r.Status, r.Class, r.Error)
		}
	}
	if mr.SumDB != nil {
		fmt.Fprintf(&b, "  sumdb %+v\n", *mr.SumDB)
	}
	for _, s := range res.SumDBs {
		fmt.Fprintf(&b, "  sumdb route via %s %s %s\n", s.Via, s.Status, s.Error)
		for _, a := range s.Attempts {
			fmt.Fprintf(&b, "    supported %s %d %s\n", a.Proxy, a.Status, a.Outcome)
		}
	}
	return b.String()
}

// TestInsecureOracle: GOINSECURE lets the go-get resolution skip certificate
// verification (cmd/go's impatient insecure client), but not the go-import
// mod server's requests; without it the untrusted origin is a TLS failure.
// Verify and the go command agree on the requests and on the outcome.
func TestInsecureOracle(t *testing.T) {
	for _, insecure := range []string{"git.example.com", ""} {
		l := newLab(t)
		vars := map[string]string{"GOPROXY": "direct", "GOPRIVATE": "git.example.com", "GOINSECURE": insecure, "GOSUMDB": "off"}
		// The lab's CA is not trusted: system roots only.
		env := l.env(map[string]string{"SSL_CERT_FILE": filepath.Join(t.TempDir(), "none.pem"), "SSL_CERT_DIR": t.TempDir()})
		res := l.mustVerify(vars, env, Options{}, privMod+"@"+privVer)
		mr := res.Modules[0]
		run := l.goDownload(vars, env, privMod+"@"+privVer)
		if !compare(t, scenario{name: "GOINSECURE=" + insecure}, privMod+"@"+privVer, run, mr, res) {
			continue
		}
		a := mr.Attempts[0]
		switch {
		case insecure != "" && (len(a.Requests) != 2 || a.Requests[0].Status != 200 || a.Requests[1].Class != ClassTLS):
			t.Errorf("GOINSECURE: go-get should pass and the mod server fail TLS: %s", dump(mr, res))
		case insecure == "" && (len(a.Requests) != 1 || a.Requests[0].Class != ClassTLS):
			t.Errorf("without GOINSECURE the go-get request fails TLS: %s", dump(mr, res))
		}
	}
}
