package verify

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

func TestRouteActions(t *testing.T) {
	tests := []struct {
		name, goproxy, gonoproxy, path string
		want                           []string // action:entry
	}{
		{"comma list", "https://a.example.com,https://b.example.com|direct", "", "x.example.com/m",
			[]string{"fetch:https://a.example.com", "fetch:https://b.example.com", "direct:direct"}},
		{"private goes direct first, proxies disabled", "https://a.example.com,direct", "x.example.com", "x.example.com/m",
			[]string{"direct:direct", "disabled:https://a.example.com", "direct:direct"}},
		{"private with GOPROXY=off still direct", "off", "x.example.com", "x.example.com/m",
			[]string{"direct:direct", "disabled:off"}},
		{"not private: hidden noproxy entry falls through", "https://a.example.com", "x.example.com", "y.example.com/m",
			[]string{"useproxy:direct", "fetch:https://a.example.com"}},
		{"GOPROXY=direct has no noproxy entry", "direct", "x.example.com", "x.example.com/m",
			[]string{"direct:direct"}},
		{"entries after direct are ignored", "https://a.example.com,direct,https://b.example.com", "", "y.example.com/m",
			[]string{"fetch:https://a.example.com", "direct:direct"}},
		{"off stops the list", "https://a.example.com|off,direct", "", "y.example.com/m",
			[]string{"fetch:https://a.example.com", "off:off"}},
		{"scheme inference", "a.example.com:8443/prefix/", "", "y.example.com/m", []string{"fetch:a.example.com:8443/prefix/"}},
	}
	names := map[Action]string{ActionFetch: "fetch", ActionDirect: "direct", ActionDisabled: "disabled", ActionOff: "off", ActionUseProxy: "useproxy"}
	for _, tt := range tests {
		r := NewRouting(map[string]string{"GOPROXY": tt.goproxy, "GONOPROXY": tt.gonoproxy}, nil)
		plan, err := r.Route(module.Version{Path: tt.path, Version: "v1.0.0"})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, p := range plan {
			got = append(got, names[p.Action]+":"+p.Step.Entry)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRouteURLEscaping(t *testing.T) {
	r := NewRouting(map[string]string{"GOPROXY": "https://user:pw@mirror.example.com/base/"}, nil)
	plan, err := r.Route(module.Version{Path: "example.com/Upper/Mod", Version: "v1.0.0-RC1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plan[0].URL.String(), "https://user:pw@mirror.example.com/base/example.com/%21upper/%21mod/@v/v1.0.0-%21r%21c1.info"; got != want {
		t.Errorf("URL = %s, want %s", got, want)
	}
	if _, err := NewRouting(map[string]string{"GOPROXY": "DIRECT"}, nil).Route(module.Version{Path: "a.example.com/m", Version: "v1.0.0"}); err == nil || !strings.Contains(err.Error(), "missing scheme") {
		t.Errorf("GOPROXY=DIRECT: error %v, want cmd/go's missing scheme", err)
	}
}

// TestWalk pins TryProxies: fallback rules and which error is reported.
func TestWalk(t *testing.T) {
	steps := func(spec string) []Step {
		var out []Step
		for _, f := range strings.Fields(spec) {
			s := Step{Kind: StepProxy}
			switch strings.TrimSuffix(f, "|") {
			case "direct":
				s.Kind = StepDirect
			case "noproxy":
				s.Kind = StepNoProxy
			}
			s.FallBackOnError = strings.HasSuffix(f, "|")
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		steps         string
		answers       []Kind
		served, best  int
		ran           int
		useProxyFirst bool
	}{
		{"p p", []Kind{NotFound, OK}, 1, -1, 2, false},
		{"p p", []Kind{Failed, OK}, -1, 0, 1, false},            // ',' stops on errors
		{"p| p", []Kind{Failed, OK}, 1, -1, 2, false},           // '|' falls through
		{"p| p", []Kind{Failed, NotFound}, -1, 0, 2, false},     // a proxy error outranks a later 404
		{"p p", []Kind{NotFound, NotFound}, -1, 1, 2, false},    // the last not-found is reported
		{"p direct", []Kind{NotFound, Failed}, -1, 1, 2, false}, // direct's error wins
		{"p| direct", []Kind{Failed, NotFound}, -1, 1, 2, false},
		{"noproxy p", []Kind{NotFound, NotFound}, -1, 1, 2, true}, // useproxy is the weakest
		{"noproxy p", []Kind{NotFound, NotFound}, -1, 0, 2, false},
	}
	for _, tt := range tests {
		served, best, ran := Walk(steps(tt.steps), func(i int) Kind { return tt.answers[i] }, func(i int) bool { return tt.useProxyFirst && i == 0 })
		if served != tt.served || best != tt.best || ran != tt.ran {
			t.Errorf("%s %v: served %d best %d ran %d; want %d %d %d", tt.steps, tt.answers, served, best, ran, tt.served, tt.best, tt.ran)
		}
	}
}

func TestSumDBRoute(t *testing.T) {
	known := []string{"sum.example.org"}
	r := NewRouting(map[string]string{"GOPROXY": "direct", "GOSUMDB": "sum.example.org"}, known)
	if s := r.SumDBRoute(); s.Err != nil || s.Name != "sum.example.org" || s.Explicit || s.Direct.String() != "https://sum.example.org" {
		t.Errorf("known name: %+v", s)
	}
	r = NewRouting(map[string]string{"GOPROXY": "direct", "GOSUMDB": "sum.example.org db.example.com/sumdb"}, known)
	if s := r.SumDBRoute(); !s.Explicit || s.Direct.String() != "https://db.example.com/sumdb" {
		t.Errorf("explicit URL: %+v %v", s, s.Direct)
	}
	// The one alias cmd/go hard-codes is derived from the known name.
	r = NewRouting(map[string]string{"GOPROXY": "direct", "GOSUMDB": "sum.example.google.cn"}, known)
	if s := r.SumDBRoute(); !s.Explicit || s.Name != "sum.example.org" || s.Direct.String() != "https://sum.example.google.cn" {
		t.Errorf("alias: %+v %v", s, s.Direct)
	}
	for _, bad := range []string{"OFF", `"off"`, "a b c"} {
		if s := NewRouting(map[string]string{"GOSUMDB": bad}, known).SumDBRoute(); s.Err == nil {
			t.Errorf("GOSUMDB=%s accepted", bad)
		}
	}
	off := NewRouting(map[string]string{"GOPROXY": "https://a.example.com", "GOSUMDB": "off", "GONOSUMDB": "x.example.com"}, known)
	for _, tc := range []struct {
		path string
		want bool
	}{{"y.example.com/m", false}, {ToolchainModule, true}} {
		if got := off.NeedsSumDB(module.Version{Path: tc.path}); got != tc.want {
			t.Errorf("GOSUMDB=off NeedsSumDB(%s) = %v", tc.path, got)
		}
	}
	file := NewRouting(map[string]string{"GOPROXY": "file:///srv/mods", "GOSUMDB": "off"}, known)
	if file.NeedsSumDB(module.Version{Path: ToolchainModule}) {
		t.Error("a single file:// GOPROXY exempts toolchains from the checksum database")
	}
	on := NewRouting(map[string]string{"GOPROXY": "direct", "GOSUMDB": "sum.example.org", "GONOSUMDB": "x.example.com"}, known)
	if on.NeedsSumDB(module.Version{Path: "x.example.com/m"}) || !on.NeedsSumDB(module.Version{Path: "y.example.com/m"}) {
		t.Error("GONOSUMDB not applied")
	}
}

func TestGOAUTH(t *testing.T) {
	for _, tc := range []struct {
		goauth string
		netrc  bool
		err    bool
	}{{"", true, false}, {"netrc", true, false}, {"off", false, false}, {"git /x;netrc", true, false}, {"netrc;off", false, true}, {";", false, true}} {
		netrc, err := netrcEnabled(tc.goauth)
		if netrc != tc.netrc || (err != nil) != tc.err {
			t.Errorf("GOAUTH=%q: netrc %v err %v", tc.goauth, netrc, err)
		}
	}
}

func TestNetrc(t *testing.T) {
	c := credentials{}
	for _, l := range parseNetrc("machine mirror.example.com login u password p\nmachine other.example.com:8443\n  login v\n  password q\nmachine half.example.com login w\nmachine odd.example.com login o password o default login x password y\ndefault\nmachine after.example.com login z password z\n") {
		c[l.machine] = l
	}
	for _, tc := range []struct {
		url, login string
	}{
		{"https://mirror.example.com/a/b", "u"},
		{"https://other.example.com:8443/x", "v"},
		{"https://other.example.com/x", ""},       // the port is part of the machine
		{"http://mirror.example.com/a", ""},       // never over http
		{"https://u:pw@mirror.example.com/a", ""}, // URL credentials win
		{"https://half.example.com/", ""},         // no password
		{"https://odd.example.com/", "o"},         // "default" mid-line does not end the file (cmd/go)
		{"https://after.example.com/", ""},        // after a line ending in "default"
	} {
		u, _ := url.Parse(tc.url)
		l, _ := c.lookup(u)
		if l.login != tc.login {
			t.Errorf("%s: login %q, want %q", tc.url, l.login, tc.login)
		}
	}
}

func TestCheckRedirect(t *testing.T) {
	req := func(s string) *http.Request {
		r, _ := http.NewRequest("GET", s, nil)
		r.Header.Set("Authorization", "Basic secret")
		return r
	}
	first := req("https://mirror.example.com/a")
	same := req("https://mirror.example.com/b")
	if err := checkRedirect(same, []*http.Request{first}); err != nil || same.Header.Get("Authorization") == "" {
		t.Errorf("same host: err %v, auth %q", err, same.Header.Get("Authorization"))
	}
	sub := req("https://cdn.mirror.example.com/b")
	if err := checkRedirect(sub, []*http.Request{first}); err != nil || sub.Header.Get("Authorization") != "" {
		t.Errorf("another host kept credentials: err %v, auth %q", err, sub.Header.Get("Authorization"))
	}
	plain := req("http://mirror.example.com/b")
	if err := checkRedirect(plain, []*http.Request{first}); err == nil || !strings.Contains(err.Error(), "insecure URL") {
		t.Errorf("https→http allowed: %v", err)
	}
	via := make([]*http.Request, 10)
	for i := range via {
		via[i] = first
	}
	if err := checkRedirect(same, via); err == nil {
		t.Error("11th redirect allowed")
	}
}

func TestGover(t *testing.T) {
	order := []string{"1.20", "1.21", "1.21rc1", "1.21rc2", "1.21.0", "1.21.1", "1.22", "1.22.0", "1.26.8", "2.0.0"}
	for i := range order {
		for j := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareGover(order[i], order[j]); got != want {
				t.Errorf("compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}

func TestParseModules(t *testing.T) {
	mods, err := ParseModules([]string{"example.com/a@v1.2.3", "example.com/b@v0.0.0-20240101000000-abcdefabcdef"})
	if err != nil || len(mods) != 2 || mods[0].Path != "example.com/a" {
		t.Errorf("ParseModules: %v %v", mods, err)
	}
	for _, bad := range []string{"example.com/a", "example.com/a@latest", "@v1.0.0", "Example.com/a@v1.0.0"} {
		if _, err := ParseModules([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
