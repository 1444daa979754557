package redact

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://goproxy.example.com", "https://goproxy.example.com"},
		{"https://user:secret@goproxy.example.com/path", "https://user:xxxxx@goproxy.example.com/path"},
		{"http://user:secret@127.0.0.1:18401", "http://user:xxxxx@127.0.0.1:18401"},
		// A bare token in userinfo is a credential as well.
		{"https://ghp_token@goproxy.example.com", "https://xxxxx@goproxy.example.com"},
		// HTTPS_PROXY without a scheme (net/http prefixes http://).
		{"user:secret@proxy.example.com:3128", "user:xxxxx@proxy.example.com:3128"},
		// A password with an unescaped "@": the last "@" ends the userinfo, as in url.Parse.
		{"http://us%er:pa@ss@proxy.example.com:3128", "http://us%er:xxxxx@proxy.example.com:3128"},
		// A module version in a path is not userinfo.
		{"https://goproxy.example.com/rsc.io/quote/@v/v1.5.2.info", "https://goproxy.example.com/rsc.io/quote/@v/v1.5.2.info"},
		// Already redacted values stay as they are.
		{"https://user:xxxxx@goproxy.example.com", "https://user:xxxxx@goproxy.example.com"},
		{"", ""},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// cmd/go prints url.Parse errors raw, password included (go-proxy-semantics §2.2).
		{`parse "https://user:secret@127.0.0.1:x": invalid port ":x" after host`,
			`parse "https://user:xxxxx@127.0.0.1:x": invalid port ":x" after host`},
		{`GOPROXY is "https://a:b@one.example.com,https://c:d@two.example.com|direct"`,
			`GOPROXY is "https://a:xxxxx@one.example.com,https://c:xxxxx@two.example.com|direct"`},
		{"HTTPS_PROXY=u:p@proxy.example.com:3128 NO_PROXY=corp.example.com",
			"HTTPS_PROXY=u:xxxxx@proxy.example.com:3128 NO_PROXY=corp.example.com"},
		// git's scp-like syntax and e-mail addresses have no password.
		{"GOPRIVATE pattern git@github.example.com:org", "GOPRIVATE pattern git@github.example.com:org"},
		{"mail dev@corp.example.com", "mail dev@corp.example.com"},
		{"no credentials here", "no credentials here"},
	} {
		if got := RedactText(tc.in); got != tc.want {
			t.Errorf("RedactText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestRedactAgreesWithURL checks the lexical masking against net/url's own
// Redacted for URLs that parse.
func TestRedactAgreesWithURL(t *testing.T) {
	for _, raw := range []string{
		"https://user:secret@goproxy.example.com",
		"http://u:p@127.0.0.1:8080/prefix/",
		"https://u:p%40x@host.example.com/a?b=c#d",
		"socks5://u:p@proxy.example.com:1080",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := Redact(raw), u.Redacted(); got != want {
			t.Errorf("Redact(%q) = %q, url.Redacted = %q", raw, got, want)
		}
	}
}

func FuzzRedactText(f *testing.F) {
	for _, s := range []string{
		"https://user:secret@host", "a://b:c@d", "user:pw@h:1", "x@y", "://@", "https://u:p@h,https://v:q@i|direct",
		`parse "https://user:secret@127.0.0.1:x"`, "@@::", "=a:b@c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := RedactText(s)
		// Redaction is idempotent and never grows a string by more than the masks it inserts.
		if again := RedactText(out); again != out {
			t.Fatalf("RedactText not idempotent: %q -> %q -> %q", s, out, again)
		}
		// A password that url.Parse finds must not survive.
		if u, err := url.Parse(s); err == nil && u.User != nil && strings.HasPrefix(s, u.Scheme+"://") {
			if p, ok := u.User.Password(); ok && len(p) > 3 && p != Mask && !strings.Contains(Mask, p) {
				if strings.Contains(out, u.User.String()) {
					t.Fatalf("RedactText(%q) = %q still holds the userinfo", s, out)
				}
			}
		}
	})
}
