// Package redacttest is the canary workspace that the redaction tests of the
// CLI and of the language server share: a credential in each place a Go
// developer puts one (GOPROXY in go.toolsEnvVars and in the GOENV file,
// HTTPS_PROXY in the process environment, http.proxy in user settings), a
// loopback network that accepts them, and a literal search of outputs for
// their secret parts.
package redacttest

import (
	"net/url"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify/verifytest"
)

// The canaries: a password with every character that ends an authority or
// a userinfo for url.Parse, and a token used as the whole userinfo.
const (
	Password = "Canary/p?ss#w@rd%41"
	Token    = "CANARYTOKEN123"
)

// Secrets are the literal pieces of the canaries that no output may hold:
// each piece of the password between the characters url.Parse splits at,
// raw and percent-encoded, and the token.
var Secrets = []string{"Canary", "p?ss", "w@rd", "rd%41", "p%3Fss", "w%40rd", "rd%2541", Token}

// Leaks lists the secrets s holds.
func Leaks(s string) []string {
	var out []string
	for _, secret := range Secrets {
		if strings.Contains(s, secret) {
			out = append(out, secret)
		}
	}
	return out
}

// Count is how many times s holds any secret.
func Count(s string) int {
	n := 0
	for _, secret := range Secrets {
		n += strings.Count(s, secret)
	}
	return n
}

// Workspace is the canary workspace and the network it reaches.
type Workspace struct {
	// Files are the folder's files by slash-separated relative path.
	Files map[string]string
	// GoEnv is the GOENV file and UserSettings VS Code's user settings.
	GoEnv, UserSettings string
	// Env is what the process environment adds: HTTPS_PROXY with the
	// password, GOSUMDB and SSL_CERT_FILE.
	Env map[string]string
	// Log records what the loopback servers received.
	Log *verifytest.Log
}

// Module is the module the folder requires; the token's proxy serves it.
const Module = "example.com/dep@v1.0.0"

// New starts the network: proxy.example.com (the token's GOPROXY entry,
// which also proxies the checksum database) behind a forward proxy on
// loopback that wants the password. Every consumer goes through that
// forward proxy (HTTPS_PROXY for the terminal, http.proxy for the editor),
// which reaches example.com names on loopback only. The editor's GOPROXY
// holds the raw password, which url.Parse rejects: it fetches nothing.
func New(t verifytest.TB) *Workspace {
	t.Helper()
	log := &verifytest.Log{}
	tree := verifytest.NewTree(t, Module)
	db := verifytest.NewSumDB(t, "sum.example.com", tree)
	ca := verifytest.NewCA(t)
	hosts := verifytest.NewHosts(t, ca, log)
	hosts.Handle("proxy.example.com", &verifytest.Proxy{Name: "token-proxy", Tree: tree, Log: log, SumDB: db})
	fwd := verifytest.NewForwardProxy(t, hosts, log, "fwduser", Password)
	// The forward proxy's URL with the password percent-encoded, as it must
	// be for net/http to use it.
	proxy := strings.Replace(fwd.URL, "://", "://"+url.UserPassword("fwduser", Password).String()+"@", 1)
	path, version, _ := strings.Cut(Module, "@")
	return &Workspace{
		Files: map[string]string{
			"go.mod": "module example.com/canary\n\ngo 1.22\n\nrequire " + path + " " + version + "\n",
			".vscode/settings.json": `{
  "go.toolsEnvVars": {
    "GOPROXY": "https://ws:` + Password + `@mirror.example.com,https://` + Token + `@proxy.example.com,direct"
  }
}
`,
		},
		GoEnv: "GOPROXY=https://" + Token + "@proxy.example.com,https://ge:" + url.PathEscape(Password) + "@mirror.example.com,direct\n",
		UserSettings: `{
  "http.proxy": "` + proxy + `",
  "terminal.integrated.env.linux": {
    "https_proxy": "http://127.0.0.1:9"
  }
}
`,
		Env: map[string]string{"HTTPS_PROXY": proxy, "GOSUMDB": db.Key, "SSL_CERT_FILE": ca.CertFile},
		Log: log,
	}
}

// Used reports whether the canaries reached the network: the forward proxy
// received the password and the token's proxy the token (Basic auth), so
// that a clean output means redaction and not an unused credential.
func (w *Workspace) Used() (password, token bool) {
	for _, h := range w.Log.Hits() {
		password = password || h.ProxyAuth != ""
		token = token || h.Server == "token-proxy" && h.Auth != ""
	}
	return password, token
}
