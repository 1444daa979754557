package redact

import (
	"fmt"
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

// TestRedactUserinfo is the table of userinfo forms: every secret part must
// go, whatever characters the password holds, in values url.Parse accepts,
// misreads or rejects.
func TestRedactUserinfo(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"user:pass", "https://user:pass@proxy.example.com", "https://user:xxxxx@proxy.example.com"},
		{"token only", "https://CANARYTOKEN123@proxy.example.com", "https://xxxxx@proxy.example.com"},
		{"token only with path", "https://CANARYTOKEN123@proxy.example.com/mod/@v/list",
			"https://xxxxx@proxy.example.com/mod/@v/list"},
		{"slash in password", "https://user:pa/ss@proxy.example.com", "https://user:xxxxx@proxy.example.com"},
		{"question mark in password", "https://user:pa?ss@proxy.example.com/x", "https://user:xxxxx@proxy.example.com/x"},
		{"hash in password", "https://user:pa#ss@proxy.example.com", "https://user:xxxxx@proxy.example.com"},
		{"at in password", "https://user:pa@ss@proxy.example.com", "https://user:xxxxx@proxy.example.com"},
		{"percent in password", "https://user:pa%41ss%zz@proxy.example.com", "https://user:xxxxx@proxy.example.com"},
		{"every special character", "https://user:Canary/p?ss#w@rd%41@proxy.example.com:8443/prefix",
			"https://user:xxxxx@proxy.example.com:8443/prefix"},
		{"slash in token", "https://TO/KEN@proxy.example.com", "https://xxxxx@proxy.example.com"},
		{"user name that is not plain", "https://us/er:pass@proxy.example.com", "https://xxxxx@proxy.example.com"},
		{"empty user name", "https://:pass@proxy.example.com", "https://:xxxxx@proxy.example.com"},
		{"ipv6 host", "http://u:p/w@[::1]:3128", "http://u:xxxxx@[::1]:3128"},
		{"schemeless", "user:pass@proxy.example.com:3128", "user:xxxxx@proxy.example.com:3128"},
		{"schemeless with slash", "user:pa/s?s#w@proxy.example.com:3128", "user:xxxxx@proxy.example.com:3128"},
		{"schemeless in text", "HTTPS_PROXY=user:pa/ss@proxy.example.com:3128 set", "HTTPS_PROXY=user:xxxxx@proxy.example.com:3128 set"},
		{"HTTPS_PROXY", "HTTPS_PROXY=http://u:p@h:3128", "HTTPS_PROXY=http://u:xxxxx@h:3128"},
		{"url.Parse invalid port", `parse "https://user:p/ss@host:x": invalid port ":x" after host`,
			`parse "https://user:xxxxx@host:x": invalid port ":x" after host`},
		{"url.Parse invalid escape", `parse "https://user:p%zz@host": invalid URL escape "%zz"`,
			`parse "https://user:xxxxx@host": invalid URL escape "%zz"`},
		{"quoted value with an escaped quote", `GOPROXY "https://user:p\"ss@host"`, `GOPROXY "https://user:xxxxx@host"`},
		{"GOPROXY list", "https://a:b@h1.example.com,https://c@h2.example.com|direct",
			"https://a:xxxxx@h1.example.com,https://xxxxx@h2.example.com|direct"},
		{"GOPROXY list with special passwords", "https://a:b/c@h1.example.com|https://T?K#N@h2.example.com/p,off",
			"https://a:xxxxx@h1.example.com|https://xxxxx@h2.example.com/p,off"},
		{"two URLs without a separator", "https://a:b@h1https://c:d@h2", "https://a:xxxxx@h1https://c:xxxxx@h2"},
		{"module path in a request URL", "https://proxy.example.com/example.com/m/@v/v1.0.0.info",
			"https://proxy.example.com/example.com/m/@v/v1.0.0.info"},
		{"latest in a request URL", "https://u:p@proxy.example.com/example.com/m/@latest",
			"https://u:xxxxx@proxy.example.com/example.com/m/@latest"},
		{"checksum database lookup", "https://sum.example.com/lookup/example.com/m@v0.0.0-20200101000000-abcdef123456",
			"https://sum.example.com/lookup/example.com/m@v0.0.0-20200101000000-abcdef123456"},
		{"comma in password", "HTTPS_PROXY=http://u:p,ss@h:3128", "HTTPS_PROXY=http://u:xxxxx@h:3128"},
		{"pipe and comma in token", "https://T|K,N@h/p", "https://xxxxx@h/p"},
		{"comma in schemeless password", "HTTPS_PROXY=u:p,ss@h:3128", "HTTPS_PROXY=u:xxxxx@h:3128"},
		{"list without credentials", "https://a.example.com,https://b.example.com|direct,off",
			"https://a.example.com,https://b.example.com|direct,off"},
		{"list then a credentialed URL", "https://a.example.com,direct,https://u:p@b.example.com",
			"https://a.example.com,direct,https://u:xxxxx@b.example.com"},
		{"version-like host", "https://u:p/w@v1.2.3.example.com", "https://u:xxxxx@v1.2.3.example.com"},
		{"already masked", "https://user:xxxxx@h https://xxxxx@h user:xxxxx@h", "https://user:xxxxx@h https://xxxxx@h user:xxxxx@h"},
		{"empty userinfo", "https://@h", "https://@h"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RedactText(tc.in); got != tc.want {
				t.Errorf("RedactText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestURL(t *testing.T) {
	for _, raw := range []string{"https://TOKEN@proxy.example.com/a", "https://u:p%2Fq@proxy.example.com/a"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		got := URL(u)
		for _, secret := range []string{"TOKEN", "p%2Fq", "p/q"} {
			if strings.Contains(got, secret) {
				t.Errorf("URL(%q) = %q holds %q", raw, got, secret)
			}
		}
		if !strings.Contains(got, "xxxxx@proxy.example.com/a") {
			t.Errorf("URL(%q) = %q, want the host and path kept", raw, got)
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
		// Redaction is idempotent.
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

// canaries are secrets a fuzzed URL carries in its userinfo, with every
// character that ends an authority or a userinfo for url.Parse.
var canaries = []string{"Canary/p?ss#w@rd%41", "CANARYTOKEN123", "c4nary@@/x:y", "%zz?#/@", "p,a|ss/w0rd"}

// FuzzRedactCanary embeds a canary password (or a token-only userinfo) in a
// URL inside arbitrary text: no secret part of it may survive redaction.
// The seeds in testdata/fuzz/FuzzRedactCanary run with go test.
func FuzzRedactCanary(f *testing.F) {
	f.Add("GOPROXY=", "https", "user", "proxy.example.com", "/mod/@v/list,direct", uint8(0), false)
	f.Add("", "http", "", "127.0.0.1:3128", "", uint8(1), true)
	f.Fuzz(func(t *testing.T, prefix, scheme, user, host, suffix string, which uint8, tokenOnly bool) {
		canary := canaries[int(which)%len(canaries)]
		scheme = keep(scheme, func(r rune) bool {
			return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '+' || r == '.' || r == '-'
		})
		if scheme == "" {
			scheme = "https"
		}
		// The user name and host cannot end the token early (a delimiter or
		// another URL's "://"), or the text would no longer be one URL. A
		// host starting "v1.2.3" after a '/' is read as a module version:
		// hosts start with "h".
		user = keep(user, func(r rune) bool { return !isDelim(r) && r != ':' })
		host = "h" + keep(host, func(r rune) bool { return !isDelim(r) && r != ':' && r != '/' })
		info := canary
		if !tokenOnly {
			info = user + ":" + canary
		}
		in := prefix + scheme + "://" + info + "@" + host + suffix
		out := RedactText(in)
		rest := prefix + scheme + user + host + suffix
		for _, part := range secretParts(canary) {
			if !strings.Contains(rest, part) && strings.Contains(out, part) {
				t.Fatalf("RedactText(%q) = %q holds %q of the canary %q", in, out, part, canary)
			}
		}
	})
}

// secretParts are the pieces of a canary between the characters url.Parse
// splits at, and the canary itself.
func secretParts(canary string) []string {
	out := []string{canary}
	for _, p := range strings.FieldsFunc(canary, func(r rune) bool { return strings.ContainsRune("/?#@:%", r) }) {
		if len(p) >= 3 {
			out = append(out, p)
		}
	}
	return out
}

func isDelim(r rune) bool { return strings.ContainsRune(" \t\n\r\v\f<>,|\"'`\\", r) }

func keep(s string, ok func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if ok(r) {
			return r
		}
		return -1
	}, s)
}

func TestAll(t *testing.T) {
	type inner struct {
		URL   string
		Notes []string
		hide  string
	}
	type outer struct {
		Name  string
		In    *inner
		ByKey map[string]inner
		Any   any
		List  [2]string
	}
	v := outer{
		Name:  "https://TOKEN1@h",
		In:    &inner{URL: "https://u:p/w1@h", Notes: []string{"u:p?w2@h"}, hide: "kept"},
		ByKey: map[string]inner{"k": {URL: "https://u:p#w3@h"}},
		Any:   "https://u:p%w4@h",
		List:  [2]string{"", "https://u:p@w5@h"},
	}
	All(&v)
	got := fmt.Sprintf("%+v %+v %+v", v, *v.In, v.ByKey)
	for _, secret := range []string{"TOKEN1", "w1", "w2", "w3", "w4", "w5"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q survives: %s", secret, got)
		}
	}
	if v.In.URL != "https://u:xxxxx@h" || v.In.hide != "kept" {
		t.Errorf("inner = %+v", *v.In)
	}
}

func TestSecrets(t *testing.T) {
	got := Secrets("https://u:Canary/p?ss#w@rd%41@h,https://TOKEN@h2|direct", "x:pw@h", "https://u:xxxxx@h", "no credential")
	want := []string{"Canary/p?ss#w@rd%41", "TOKEN", "pw"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Secrets = %q, want %q", got, want)
	}
}

// TestRedactKnown: an error about a credentialed value can quote pieces of
// the password without any '@' (url.Parse strips the fragment and ends the
// host at the first '/'); the known secret masks them.
func TestRedactKnown(t *testing.T) {
	value := "https://ws:Canary/p?ss#w@rd%41@mirror.example.com"
	_, err := url.Parse(value)
	if err == nil {
		t.Fatal("url.Parse accepts the value; pick another")
	}
	secrets := Secrets(value)
	truncated := `GOPROXY "https://ws:Canary/p?s…" is cut before its '@'`
	for _, text := range []string{err.Error(), "GOPROXY " + value + ": " + err.Error(), "u:pw@h then pw", truncated} {
		got := RedactKnown(text, append(secrets, "pw"))
		for _, part := range []string{"Canary", "p?ss", "w@rd", "rd%41", "pw"} {
			if strings.Contains(got, part) {
				t.Errorf("RedactKnown(%q) = %q holds %q", text, got, part)
			}
		}
	}
	if got, want := RedactKnown(err.Error(), secrets), `parse "https://ws:xxxxx": invalid port ":xxxxx" after host`; got != want {
		t.Errorf("RedactKnown = %q, want %q", got, want)
	}
	// Without secrets, it is RedactText; text without pieces of them stays.
	if got := RedactKnown("https://u:p@h and mirror.example.com", nil); got != "https://u:xxxxx@h and mirror.example.com" {
		t.Errorf("RedactKnown without secrets = %q", got)
	}
	if got, want := RedactKnown("pwd: pw", []string{"pw"}), "pwd: xxxxx"; got != want {
		t.Errorf("a short secret: RedactKnown = %q, want %q", got, want)
	}
	for _, text := range []string{"GOPROXY host mirror.example.com", "http://proxyuser:xxxxx@127.0.0.1:3128 via proxy"} {
		if got := RedactKnown(text, append(secrets, "s3cret-proxy-pass")); got != text {
			t.Errorf("RedactKnown masks text that is no secret: %q", got)
		}
	}
}

// FuzzRedactKnownParseError: whatever the password of a URL, url.Parse's
// error about it, redacted with the URL's secrets, holds no piece of the
// password (a run of four or more characters between '/', '?', '#', '@',
// ':' and '%') that the error's own words do not.
func FuzzRedactKnownParseError(f *testing.F) {
	for _, pw := range []string{"Canary/p?ss#w@rd%41", "pa55/word", "s3cr3t:p0rt/x", "abc%zzdefg", "p,a|ss/w0rd"} {
		f.Add("user", pw, "proxy.example.com:3128")
	}
	f.Fuzz(func(t *testing.T, user, password, host string) {
		user = keep(user, func(r rune) bool { return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' })
		if user == "" {
			user = "u"
		}
		password = strings.ReplaceAll(keep(password, func(r rune) bool { return !isDelim(r) || r == ',' || r == '|' }), "://", "")
		host = "h" + keep(host, func(r rune) bool { return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == ':' })
		value := "https://" + user + ":" + password + "@" + host
		_, err := url.Parse(value)
		if err == nil {
			return
		}
		out := RedactKnown(err.Error(), Secrets(value))
		words := "parse invalid port after host URL escape character in userinfo net/url: control " + user + host
		for _, part := range strings.FieldsFunc(password, func(r rune) bool { return strings.ContainsRune("/?#@:%", r) }) {
			if len(part) >= 4 && strings.Contains(out, part) && !strings.Contains(words, part) {
				t.Fatalf("RedactKnown(%q) = %q holds %q of the password %q", err.Error(), out, part, password)
			}
		}
	})
}
