package goenv

import (
	"fmt"
	"net/url"
	pathpkg "path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/note"
)

// cmdGoProxyList is cmd/go's proxyList (modfetch/proxy.go) without the
// implicit noproxy entry, copied as the reference for differential fuzzing.
func cmdGoProxyList(goproxy string) ([]string, error) {
	var list []string
	for goproxy != "" {
		var u string
		if i := strings.IndexAny(goproxy, ",|"); i >= 0 {
			u = goproxy[:i]
			goproxy = goproxy[i+1:]
		} else {
			u = goproxy
			goproxy = ""
		}
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if u == "off" || u == "direct" {
			list = append(list, u)
			break
		}
		if strings.ContainsAny(u, ".:/") && !strings.Contains(u, ":/") && !filepath.IsAbs(u) && !pathpkg.IsAbs(u) {
			u = "https://" + u
		}
		base, err := url.Parse(u)
		if err != nil {
			return nil, err
		}
		switch base.Scheme {
		case "http", "https":
		case "file":
			if *base != (url.URL{Scheme: base.Scheme, Path: base.Path, RawPath: base.RawPath}) {
				return nil, fmt.Errorf("invalid file:// proxy URL with non-path elements: %s", base.Redacted())
			}
		case "":
			return nil, fmt.Errorf("invalid proxy URL missing scheme: %s", base.Redacted())
		default:
			return nil, fmt.Errorf("invalid proxy URL scheme (must be https, http, file): %s", base.Redacted())
		}
		list = append(list, "url")
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("GOPROXY list is not the empty string, but contains no entries")
	}
	return list, nil
}

// quotedSplit is cmd/internal/quoted.Split, the reference for GOFLAGS.
func quotedSplit(s string) ([]string, error) {
	var f []string
	for len(s) > 0 {
		for len(s) > 0 && isSpaceByte(s[0]) {
			s = s[1:]
		}
		if len(s) == 0 {
			break
		}
		if s[0] == '"' || s[0] == '\'' {
			quote := s[0]
			s = s[1:]
			i := 0
			for i < len(s) && s[i] != quote {
				i++
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated %c string", quote)
			}
			f = append(f, s[:i])
			s = s[i+1:]
			continue
		}
		i := 0
		for i < len(s) && !isSpaceByte(s[i]) {
			i++
		}
		f = append(f, s[:i])
		s = s[i:]
	}
	return f, nil
}

func FuzzParseGOPROXY(f *testing.F) {
	for _, s := range []string{
		"https://goproxy.example.com,direct", "https://a.example.com|https://b.example.com,off", " , ", ",", "",
		"DIRECT", "direct,https://x.example.com", "file:///srv/mods", "file://127.0.0.1/srv", "ftp://h:1",
		"http://127.0.0.1:18404;direct", "http://127.0.0.1:18404 direct", "https://user:secret@127.0.0.1:x",
		"localhost:8080", "https://[::1", "a\u00a0,\u3000b", "'http://127.0.0.1:18404,off'", "https://h.example.com\r",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		entries, err := ParseGOPROXY(value)
		var kinds []string
		for _, e := range entries {
			if e.Start < 0 || e.End > len(value) || e.Start >= e.End || value[e.Start:e.End] != e.Text {
				t.Fatalf("entry %q has offsets [%d,%d) outside or not matching %q", e.Text, e.Start, e.End, value)
			}
			if e.Sep != 0 && (e.End >= len(value) || strings.IndexByte(value[e.End:], e.Sep) < 0) {
				t.Fatalf("entry %q: separator %q not after it in %q", e.Text, e.Sep, value)
			}
			if !e.Ignored {
				kinds = append(kinds, map[ProxyKind]string{ProxyURL: "url", ProxyDirect: "direct", ProxyOff: "off"}[e.Kind])
			}
		}
		want, wantErr := cmdGoProxyList(value)
		if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("ParseGOPROXY(%q) error %v, cmd/go %v", value, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(kinds, want) {
			t.Fatalf("ParseGOPROXY(%q) live entries %v, cmd/go %v", value, kinds, want)
		}
	})
}

func FuzzParseGOSUMDB(f *testing.F) {
	for _, s := range []string{
		"off", "OFF", "sumdb.example.com", "sumdb.example.com+bogus", "a b c", "x 127.0.0.1:1", "", " \t",
		"sumdb.example.com+12345678+AAAA", "known.example.com https://mirror.example.com", "known.example.com\r",
	} {
		f.Add(s)
	}
	known := []string{"known.example.com"}
	f.Fuzz(func(t *testing.T, value string) {
		db, err := ParseGOSUMDB(value, known)
		for _, fl := range db.Fields {
			if fl.Start < 0 || fl.End > len(value) || fl.Start >= fl.End || value[fl.Start:fl.End] != fl.Text {
				t.Fatalf("field %q has offsets [%d,%d) outside or not matching %q", fl.Text, fl.Start, fl.End, value)
			}
		}
		if got, want := len(db.Fields), len(strings.Fields(value)); got != want {
			t.Fatalf("%d fields, strings.Fields gives %d", got, want)
		}
		if se, ok := err.(*SumDBError); ok && se.Field >= len(db.Fields) {
			t.Fatalf("error %v names field %d of %d", err, se.Field, len(db.Fields))
		}
		if err == nil && !db.Off && db.Name == "" {
			t.Fatalf("accepted %q without a name", value)
		}
	})
}

func FuzzPatterns(f *testing.F) {
	for _, s := range []string{
		"corp.example.com,github.com/org/", "foo.com, github.com/org", "*", "none", ",,", "/", "https://h/x",
		"github.com/[org", "*.corp.example.com", "example.com\r", "a;b c",
	} {
		f.Add(s, "github.com/org/repo")
		f.Add(s, "git.corp.example.com/x/y")
	}
	f.Fuzz(func(t *testing.T, list, target string) {
		any := false
		for _, p := range SplitPatterns(list) {
			if p.Start < 0 || p.End > len(list) || p.Start > p.End || list[p.Start:p.End] != p.Raw {
				t.Fatalf("pattern %q has offsets [%d,%d) outside or not matching %q", p.Raw, p.Start, p.End, list)
			}
			if strings.Contains(p.Raw, ",") || p.Glob == "" {
				t.Fatalf("bad pattern %+v from %q", p, list)
			}
			_ = p.Problem()
			_ = p.SampleHost()
			any = any || p.Matches(target)
		}
		if got := Match(list, target); got != any {
			t.Fatalf("Match(%q, %q) = %v, but the split patterns say %v", list, target, got, any)
		}
	})
}

func FuzzGOFLAGS(f *testing.F) {
	for _, s := range []string{
		"-mod=mod -modcacherw", "--mod=vendor", "mod=mod", "-bogus", `-ldflags="-s -w"`, `'-ldflags=-s -w' -x`,
		"'-mod=mod", "- -- --- -=x", "-test.v", "\t-x\r\n", `"" ''`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		flags, err := ParseGOFLAGS(value)
		want, wantErr := quotedSplit(value)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("ParseGOFLAGS(%q) error %v, quoted.Split %v", value, err, wantErr)
		}
		var words []string
		for _, fl := range flags {
			if fl.Start < 0 || fl.End > len(value) || fl.Start > fl.End {
				t.Fatalf("word %q has offsets [%d,%d) outside %q", fl.Word, fl.Start, fl.End, value)
			}
			if raw := value[fl.Start:fl.End]; raw != fl.Word && raw[1:len(raw)-1] != fl.Word {
				t.Fatalf("word %q at [%d,%d) holds %q", fl.Word, fl.Start, fl.End, raw)
			}
			words = append(words, fl.Word)
		}
		if err == nil && !reflect.DeepEqual(words, want) && !(len(words) == 0 && len(want) == 0) {
			t.Fatalf("ParseGOFLAGS(%q) words %q, quoted.Split %q", value, words, want)
		}
	})
}

// FuzzPatternProblem: a pattern Problem reports as never matching matches no
// valid module path. The candidates are built from the pattern itself —
// every glob part instantiated with a few fillers, escapes resolved, with
// and without further path elements — and each that module.CheckPath accepts
// must not match under module.MatchPrefixPatterns.
func FuzzPatternProblem(f *testing.F) {
	for _, s := range []string{
		"corp.example.com", "github.com/org/repo.git", "GitHub.com/org", "corp", "*", "*.corp.example.com",
		"[A-Za-z].example.com", "example[.]com", "a.example.com/[^:]", "a.example.com/[^@]x", `\e.example.com`,
		`\E.example.com`, "a.example.com/x[^ ]", "https://a.example.com", "a.example.com:443", " a.example.com",
		"a.example.com\r", "a.example.com;b.example.com", "?.example.com/x", "[a-", "a.example.com/[^://]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		for _, p := range SplitPatterns(list) {
			problem := p.Problem()
			if problem == "" {
				continue
			}
			for _, c := range patternCandidates(p.Glob) {
				if module.CheckPath(c) == nil && module.MatchPrefixPatterns(p.Raw, c) {
					t.Fatalf("Problem(%q) says %q, but it matches the valid module path %q", p.Raw, problem, c)
				}
			}
		}
	})
}

// patternCandidates returns module paths a glob might match: each "*", "?"
// and character class filled in (a class with the first valid module path
// character it accepts), escapes resolved, then the result alone and with
// more path elements.
func patternCandidates(glob string) []string {
	const alphabet = "abcxyz0189-._~ABCZ/:@ "
	var out []string
	for _, star := range []string{"x", "", "a.b", "0", "-"} {
		for _, q := range []string{"x", "0", ".", "-"} {
			var b strings.Builder
			for i := 0; i < len(glob); i++ {
				switch c := glob[i]; c {
				case '*':
					b.WriteString(star)
				case '?':
					b.WriteString(q)
				case '\\':
					if i+1 < len(glob) {
						i++
					}
					b.WriteByte(glob[i])
				case '[':
					end := classEnd(glob, i)
					if end < 0 {
						b.WriteString(glob[i:])
						i = len(glob)
						continue
					}
					class := glob[i:end]
					for _, r := range alphabet {
						if ok, _ := pathpkg.Match(class, string(r)); ok {
							b.WriteRune(r)
							break
						}
					}
					i = end - 1
				default:
					b.WriteByte(c)
				}
			}
			s := b.String()
			out = append(out, s, s+"/x", s+"/v2/y", strings.TrimSuffix(s, "/"))
		}
	}
	return out
}

// The reference database names for FuzzGOSUMDBMatchesCmdGo: a known name
// and its one alias, standing in for cmd/go's built-in pair (no checksum
// database host is written here).
const (
	refKnownName = "sumdb.example.org"
	refAliasName = "sumdb.example.google.cn"
)

// refVerifierKey returns a valid note verifier key for name (a fixed key
// pair, so runs repeat), or "" when note rejects the name.
func refVerifierKey(name string) string {
	_, vkey, err := note.GenerateKey(strings.NewReader(strings.Repeat("k", 64)), name)
	if err != nil {
		return ""
	}
	return vkey
}

// cmdGoDBDial is cmd/go's dbDial (modfetch/sumdb.go) up to the point where
// it builds its client, with knownGOSUMDB holding refKnownName and the alias
// special case refAliasName; the reference for differential fuzzing. off
// stands for cmd/go's "checksum database disabled by GOSUMDB=off". Where
// dbDial would dereference a nil URL (a name url.Parse rejects), the zero
// URL is printed.
func cmdGoDBDial(gosumdb string) (name, base string, off bool, err error) {
	knownGOSUMDB := map[string]string{refKnownName: refVerifierKey(refKnownName)}
	if gosumdb == refAliasName {
		gosumdb = refKnownName + " https://" + refAliasName
	}
	if gosumdb == "off" {
		return "", "", true, nil
	}
	key := strings.Fields(gosumdb)
	if len(key) >= 1 {
		if k := knownGOSUMDB[key[0]]; k != "" {
			key[0] = k
		}
	}
	if len(key) == 0 {
		return "", "", false, fmt.Errorf("missing GOSUMDB")
	}
	if len(key) > 2 {
		return "", "", false, fmt.Errorf("invalid GOSUMDB: too many fields")
	}
	vkey, err := note.NewVerifier(key[0])
	if err != nil {
		return "", "", false, fmt.Errorf("invalid GOSUMDB: %v", err)
	}
	name = vkey.Name()
	direct, err := url.Parse("https://" + name)
	if err != nil || strings.HasSuffix(name, "/") || *direct != (url.URL{Scheme: "https", Host: direct.Host, Path: direct.Path, RawPath: direct.RawPath}) || direct.RawPath != "" || direct.Host == "" {
		var shown url.URL
		if direct != nil {
			shown = *direct
		}
		return "", "", false, fmt.Errorf("invalid sumdb name (must be host[/path]): %s %+v", name, shown)
	}
	if len(key) >= 2 {
		if _, err := url.Parse(key[1]); err != nil {
			return "", "", false, fmt.Errorf("invalid GOSUMDB URL: %v", err)
		}
		base = key[1]
	}
	return name, base, false, nil
}

// FuzzGOSUMDBMatchesCmdGo: ParseGOSUMDB accepts exactly the values cmd/go's
// dbDial accepts, with the same database name and explicit URL, and rejects
// the others with cmd/go's message. "KEY" in the value stands for a valid
// verifier key of the name given with it, so that database names are
// explored behind a key whose hash checks out.
func FuzzGOSUMDBMatchesCmdGo(f *testing.F) {
	for _, name := range []string{
		"sumdb.example.com", "sumdb.example.com/path", "sumdb.example.com/", "sumdb.example.com:8443", "%zz",
		"a?b", "a#b", "[::1]", "user@h.example.com", "h.example.com/p%2Fq", "h.example.com/a b", refKnownName, "",
	} {
		for _, value := range []string{"KEY", "KEY https://mirror.example.com", "KEY a b", " KEY\t", "KEY %zz", "KEY\r"} {
			f.Add(value, name)
		}
	}
	for _, value := range []string{
		"off", "OFF", " off", "", " \t", refKnownName, refAliasName, refAliasName + " ", refKnownName + " https://m.example.com",
		refKnownName + "+bogus", refKnownName + " a b", refKnownName + "/", "https://" + refKnownName, refKnownName + " :x",
	} {
		f.Add(value, "")
	}
	f.Fuzz(func(t *testing.T, value, name string) {
		if vkey := refVerifierKey(name); vkey != "" {
			value = strings.ReplaceAll(value, "KEY", vkey)
		}
		db, err := ParseGOSUMDB(value, []string{refKnownName})
		wantName, wantURL, wantOff, wantErr := cmdGoDBDial(value)
		switch {
		case (err == nil) != (wantErr == nil):
			t.Fatalf("ParseGOSUMDB(%q) error %v, cmd/go %v", value, err, wantErr)
		case err != nil && err.Error() != wantErr.Error():
			t.Fatalf("ParseGOSUMDB(%q) error %q, cmd/go %q", value, err, wantErr)
		case err == nil && (db.Off != wantOff || db.Name != wantName || db.URL != wantURL):
			t.Fatalf("ParseGOSUMDB(%q) = off %v, name %q, URL %q; cmd/go off %v, name %q, URL %q", value, db.Off, db.Name, db.URL, wantOff, wantName, wantURL)
		}
	})
}
