package verify

import (
	"runtime"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fixplan"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

var wsl2 = sources.Platform{WSL: true, WSL2: true, Distro: "Ubuntu", WindowsHost: []string{"172.28.48.1"}}

// TestWSLRefusedProxyAdvice: under WSL2, a refused localhost proxy — the
// forward proxy of HTTPS_PROXY, or a GOPROXY entry — gets WSL networking
// advice (mirrored mode, a Windows proxy listening on all interfaces) in
// Verify's advice, beside the usual advice; off WSL the same failure
// does not mention WSL. Both proxies are loopback ports nothing listens on.
func TestWSLRefusedProxyAdvice(t *testing.T) {
	l := newLab(t)
	l.mirror(0, 200)
	deadFwd := refusedURL(t)
	deadEntry := refusedURL(t)
	for _, tt := range []struct {
		name     string
		platform sources.Platform
		wsl      bool
	}{{"WSL2", wsl2, true}, {"WSL1", sources.Platform{WSL: true}, false}, {"Linux", sources.Platform{}, false}} {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range []Target{
				{Vars: map[string]string{"GOPROXY": "https://mirror.example.com,direct", "GOSUMDB": "off"}, Env: l.env(map[string]string{"HTTPS_PROXY": deadFwd})},
				{Vars: map[string]string{"GOPROXY": deadEntry, "GOSUMDB": "off"}, Env: l.env(nil)},
			} {
				target.Consumers, target.GOOS, target.Platform = []string{"terminal"}, runtime.GOOS, tt.platform
				target.Modules = []Module{{Path: pubMod, Version: pubVer}}
				res, err := Run(t.Context(), []Target{target}, Options{Dial: l.hosts.Dial})
				if err != nil {
					t.Fatal(err)
				}
				if p := res.Proxies[0]; p.Status != ClassRefused {
					t.Fatalf("proxy %s: %s (%s), want refused", p.URL, p.Status, p.Error)
				}
				advice := strings.Join(messages(res.Advice), "\n")
				has := strings.Contains(advice, "This is WSL2") && strings.Contains(advice, "networkingMode=mirrored") && strings.Contains(advice, "localhost is the distribution's own")
				if has != tt.wsl {
					t.Errorf("WSL advice %v, want %v:\n%s", has, tt.wsl, advice)
				}
				if !tt.wsl && strings.Contains(advice, "WSL") {
					t.Errorf("advice mentions WSL off WSL2:\n%s", advice)
				}
			}
		})
	}
}

// TestWSLUnreachableFinding: Verify's proxy-unreachable finding for a
// GOPROXY entry on the Windows host's address says, under WSL2, how WSL's
// networking decides it, with the credentials of the URL masked; a
// finding of another kind (TLS) and a finding off WSL2 do not.
func TestWSLUnreachableFinding(t *testing.T) {
	const value = "http://alice:pw-secret-1@172.28.48.1:8081,direct"
	for _, tt := range []struct {
		name     string
		platform sources.Platform
		status   Class
		want     bool
	}{
		{"refused on WSL2", wsl2, ClassRefused, true},
		{"timeout on WSL2", wsl2, ClassTimeout, true},
		{"TLS on WSL2", wsl2, ClassTLS, false},
		{"refused on Linux", sources.Platform{}, ClassRefused, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := sources.NewSnapshot("/w", nil)
			s.Platform = tt.platform
			c := &resolve.Consumer{Name: "terminal", Vars: map[string]resolve.Value{
				"GOPROXY": {Name: "GOPROXY", Value: value, Prov: sources.Provenance{Source: sources.ProcessEnv, Key: "GOPROXY"}},
			}}
			plan := &fixplan.Planner{Snap: s, Consumers: []*resolve.Consumer{c}, Diagnose: func(*sources.Snapshot, []*resolve.Consumer) []findings.Finding { return nil }}
			res := &Result{Proxies: []ProxyResult{{URL: "http://alice:xxxxx@172.28.48.1:8081", Status: tt.status, Error: "dial tcp 172.28.48.1:8081: " + string(tt.status), Consumers: []string{"terminal"}, Index: 1}}}
			got := Findings(plan, res)
			if len(got) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(got), got)
			}
			msg := got[0].Message
			if has := strings.Contains(msg, "This is WSL2 and the failing proxy is on the Windows host") && strings.Contains(msg, "listens on all interfaces"); has != tt.want {
				t.Errorf("WSL advice %v, want %v: %s", has, tt.want, msg)
			}
			if strings.Contains(msg, "pw-secret-1") {
				t.Errorf("the credential leaks: %s", msg)
			}
		})
	}
}
