package verify

import (
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// The network side of the trust boundary (SPEC §5a). In an untrusted
// workspace Verify contacts only what the user's own configuration names
// (process environment, user settings, the GOENV file and go.env unless a
// workspace value chose them). Whatever the workspace chose — a GOPROXY
// entry, a checksum database, a forward proxy, or a go.mod module's own
// host reached directly — is withheld: never contacted, and listed in the
// result with where it was set, until the user allows it
// (Options.AllowWorkspaceURLs: the CLI's --trust-workspace, the editor's
// confirmation). So a repository cannot point the doctor at internal
// addresses.

// Kinds of withheld URL.
const (
	WithheldProxy        = "goproxy"       // a GOPROXY entry
	WithheldSumDB        = "gosumdb"       // the checksum database reached directly
	WithheldForwardProxy = "forward-proxy" // HTTP(S)_PROXY: every request through it
	WithheldOrigin       = "origin"        // a go.mod module's host, fetched directly
)

// Withheld is a URL the workspace chose that Verify did not contact.
type Withheld struct {
	URL  string `json:"url"` // redacted
	Kind string `json:"kind"`
	// Source says where the workspace set it, e.g.
	// ".vscode/settings.json:3 go.toolsEnvVars.GOPROXY".
	Source    string   `json:"source"`
	Consumers []string `json:"consumers"`

	match *url.URL
}

// ClassWithheld is a request Verify did not make: the workspace chose its
// URL (or the forward proxy it would go through) and is not trusted.
const ClassWithheld Class = "withheld"

// withheldFor lists what an untrusted workspace chose for consumer c.
func withheldFor(snap *sources.Snapshot, c *resolve.Consumer, t Target) []Withheld {
	var out []Withheld
	add := func(kind string, u *url.URL, source string) {
		if u == nil {
			return
		}
		out = append(out, Withheld{URL: redact.Redact(u.Redacted()), Kind: kind, Source: source, Consumers: []string{c.Name}, match: u})
	}
	if src, ok := workspaceChose(snap, c, "GOPROXY"); ok {
		entries, _ := goenv.ParseGOPROXY(c.Vars["GOPROXY"].Value)
		for _, e := range goenv.Live(entries) {
			if e.URL != nil {
				add(WithheldProxy, e.URL, src)
			}
		}
	}
	if src, ok := workspaceChose(snap, c, "GOSUMDB"); ok {
		if r := NewRouting(t.Vars, t.KnownSumDBs).SumDBRoute(); r.Err == nil && !r.Off {
			add(WithheldSumDB, r.Direct, src)
		}
	}
	np := goenv.NetProxyFrom(func(k string) string { return t.Env[k] })
	for _, p := range []struct{ name, value string }{{np.HTTPProxyVar, np.HTTPProxy}, {np.HTTPSProxyVar, np.HTTPSProxy}} {
		if p.name == "" {
			continue
		}
		if st := c.Env[p.name]; !st.Prov.Source.UserOwned() {
			if u, err := goenv.ParseNetProxy(p.value); err == nil {
				add(WithheldForwardProxy, u, place(snap, st.Prov))
			}
		}
	}
	// A go.mod module reached at its origin: the repository chose the host.
	routing := NewRouting(t.Vars, t.KnownSumDBs)
	for _, m := range t.Modules {
		if len(m.Places) == 0 {
			continue // the user's --module, or the toolchain: not the workspace's
		}
		planned, err := routing.Route(module.Version{Path: m.Path, Version: m.Version})
		if err != nil {
			continue
		}
		for _, p := range planned {
			if p.Action == ActionDirect {
				host, _, _ := strings.Cut(m.Path, "/")
				r := m.Places[0]
				add(WithheldOrigin, &url.URL{Scheme: "https", Host: host}, fmt.Sprintf("%s:%d require %s", rel(snap, r.File), r.Line, m.Path))
				break
			}
		}
	}
	return dedupWithheld(out)
}

// workspaceChose says whether a workspace layer chose variable name's
// effective value for c, directly or by choosing the GOENV file or the
// GOROOT (whose go.env) it came from, and where.
func workspaceChose(snap *sources.Snapshot, c *resolve.Consumer, name string) (string, bool) {
	v := c.Vars[name]
	switch v.Prov.Source {
	case sources.GoEnvFile:
		if st, ok := c.Env["GOENV"]; ok && !st.Prov.Source.UserOwned() {
			return place(snap, v.Prov) + ", the GOENV file " + place(snap, st.Prov) + " names", true
		}
		return "", false
	case sources.GorootGoEnv:
		g := c.Vars["GOROOT"]
		if chose, ok := workspaceChose(snap, c, "GOROOT"); ok || !g.Prov.Source.UserOwned() {
			if !ok {
				chose = place(snap, g.Prov)
			}
			return place(snap, v.Prov) + ", in the GOROOT " + chose + " names", true
		}
		return "", false
	}
	if v.Prov.Source.UserOwned() {
		return "", false
	}
	return place(snap, v.Prov), true
}

// place names a value's place for people: file:line key, the file
// relative to the folder when inside it.
func place(snap *sources.Snapshot, p sources.Provenance) string {
	if p.File == "" {
		return string(p.Source) + " " + p.Key
	}
	return fmt.Sprintf("%s:%d %s", rel(snap, p.File), p.Line, p.Key)
}

func rel(snap *sources.Snapshot, file string) string {
	if r, err := filepath.Rel(snap.Folder, file); err == nil && filepath.IsLocal(r) {
		return filepath.ToSlash(r)
	}
	return file
}

// dedupWithheld merges entries of one kind, URL and source, joining their
// consumers, in a stable order.
func dedupWithheld(in []Withheld) []Withheld {
	var out []Withheld
	index := map[string]int{}
	for _, w := range in {
		k := w.Kind + "\x00" + w.match.String() + "\x00" + w.Source
		if i, ok := index[k]; ok {
			for _, c := range w.Consumers {
				if !containsString(out[i].Consumers, c) {
					out[i].Consumers = append(out[i].Consumers, c)
				}
			}
			continue
		}
		index[k] = len(out)
		w.Consumers = append([]string(nil), w.Consumers...)
		out = append(out, w)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].URL < out[j].URL
	})
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// withheld returns the entry that keeps Verify from requesting u in env, or
// nil: u is at or below a withheld GOPROXY entry or checksum database, on a
// withheld origin host, or would go through a withheld forward proxy.
func (env *consumerEnv) withheldFor(u *url.URL) *Withheld {
	for i := range env.withheld {
		w := &env.withheld[i]
		switch w.Kind {
		case WithheldOrigin:
			if strings.EqualFold(u.Hostname(), w.match.Hostname()) {
				return w
			}
		case WithheldForwardProxy:
			if p := env.net.Proxy.ProxyFor(u); p != "" {
				if pu, err := url.Parse(p); err == nil && strings.EqualFold(pu.Host, w.match.Host) {
					return w
				}
			}
		default:
			if u.Scheme == w.match.Scheme && strings.EqualFold(u.Host, w.match.Host) && underPath(u.Path, w.match.Path) {
				return w
			}
		}
	}
	return nil
}

func underPath(p, base string) bool {
	base = strings.TrimSuffix(base, "/")
	return base == "" || p == base || strings.HasPrefix(p, base+"/")
}

// withheldRequest is the answer to a request Verify does not make.
func withheldRequest(u *url.URL, w *Withheld) Request {
	return Request{URL: redact.Redact(u.Redacted()), Class: ClassWithheld,
		Error: "not contacted: " + w.Source + " chose " + w.URL + " and the workspace is not trusted"}
}
