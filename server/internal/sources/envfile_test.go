package sources

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	content := "GOPROXY=https://a.example.com,direct\r\n" + // 1: CRLF keeps "\r" in the value
		"# GOSUMDB=off\n" + // 2: comment
		"\n" + // 3: blank
		"export GOFLAGS=-mod=mod\n" + // 4: export: first byte not A-Z
		"GOPRIVATE = example.com\n" + // 5: key "GOPRIVATE " (with the space)
		"goproxy=direct\n" + // 6: lower case
		"GOINSECURE='x.example.com'\n" + // 7: quotes kept
		"GONOSUMDB=\n" + // 8: empty value
		"GOPROXY=off\n" + // 9: a later duplicate wins
		"NOEQUALS\n" + // 10
		"GOFLAGS=a=b\n" + // 11: split at the first "="
		" GOSUMDB=x\n" + // 12: leading space
		"GOTOOLCHAIN=local" // 13: no final newline
	f := ParseEnvFile("/cfg/env", GoEnvFile, []byte(content))
	if !f.Exists || f.Path != "/cfg/env" || f.Kind != GoEnvFile || len(f.Lines) != 13 {
		t.Fatalf("parsed %d lines: %+v", len(f.Lines), f)
	}
	type want struct {
		valid      bool
		key, value string
	}
	wants := []want{
		{true, "GOPROXY", "https://a.example.com,direct\r"},
		{false, "", ""},
		{false, "", ""},
		{false, "", ""},
		{true, "GOPRIVATE ", " example.com"},
		{false, "", ""},
		{true, "GOINSECURE", "'x.example.com'"},
		{true, "GONOSUMDB", ""},
		{true, "GOPROXY", "off"},
		{false, "", ""},
		{true, "GOFLAGS", "a=b"},
		{false, "", ""},
		{true, "GOTOOLCHAIN", "local"},
	}
	for i, w := range wants {
		l := f.Lines[i]
		if l.Number != i+1 || l.Valid != w.valid || l.Key != w.key || l.Value != w.value {
			t.Errorf("line %d: %+v, want %+v", i+1, l, w)
		}
		if content[l.Span.Start:l.Span.End] != l.Raw || strings.Contains(l.Raw, "\n") {
			t.Errorf("line %d: span %v holds %q, Raw %q", i+1, l.Span, content[l.Span.Start:l.Span.End], l.Raw)
		}
		if l.Valid && (content[l.KeySpan.Start:l.KeySpan.End] != l.Key || content[l.ValueSpan.Start:l.ValueSpan.End] != l.Value) {
			t.Errorf("line %d: key/value spans %v %v", i+1, l.KeySpan, l.ValueSpan)
		}
	}
	for key, want := range map[string]int{"GOPROXY": 9, "GONOSUMDB": 8, "GOFLAGS": 11, "GOTOOLCHAIN": 13} {
		l, ok := f.Lookup(key)
		if !ok || l.Number != want {
			t.Errorf("Lookup(%s) = line %d (%v), want %d", key, l.Number, ok, want)
		}
	}
	for _, key := range []string{"GOSUMDB", "GOPRIVATE", "goproxy", "export GOFLAGS", "NOEQUALS"} {
		if l, ok := f.Lookup(key); ok {
			t.Errorf("Lookup(%q) found line %d", key, l.Number)
		}
	}
	l, _ := f.Lookup("GOPROXY")
	p := f.Prov(l)
	if p.Source != GoEnvFile || p.File != "/cfg/env" || p.Line != 9 || p.Key != "GOPROXY" || !p.InFile() || content[p.ValueSpan.Start:p.ValueSpan.End] != "off" {
		t.Errorf("Prov = %+v", p)
	}
	var none *EnvFile
	if _, ok := none.Lookup("GOPROXY"); ok {
		t.Errorf("Lookup on a nil file found something")
	}
}

func TestParseEnvFileEdges(t *testing.T) {
	for _, c := range []struct {
		content string
		lines   int
	}{
		{"", 0},
		{"\n", 1},
		{"\n\n", 2},
		{"A=1\n", 1},
		{"A=1", 1},
		{"A=1\n\nB=2\n", 3},
		{"\r\n", 1},
	} {
		f := ParseEnvFile("f", GorootGoEnv, []byte(c.content))
		if len(f.Lines) != c.lines {
			t.Errorf("%q: %d lines, want %d", c.content, len(f.Lines), c.lines)
		}
	}
	// An empty value masks go.env; the line is valid with an empty value
	// whose span is empty and sits after the "=".
	f := ParseEnvFile("f", GoEnvFile, []byte("X=1\nGOPROXY=\n"))
	l, ok := f.Lookup("GOPROXY")
	if !ok || l.Value != "" || l.ValueSpan != (Span{12, 12}) {
		t.Errorf("empty value: %+v", l)
	}
}

func TestGoEnvPath(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		name    string
		getenv  func(string) string
		goos    string
		dir     string
		path    string
		off     bool
		wantErr bool
	}{
		{"explicit", env("GOENV", "/etc/goenv", "HOME", "/home/u"), "linux", "/ws", "/etc/goenv", false, false},
		{"off", env("GOENV", "off", "HOME", "/home/u"), "linux", "/ws", "", true, false},
		{"OFF is a file name", env("GOENV", "OFF"), "linux", "/ws", "/ws/OFF", false, false},
		{"relative, not cleaned", env("GOENV", "sub/../env"), "linux", "/ws", "/ws/sub/../env", false, false},
		{"relative without a dir", env("GOENV", "env"), "linux", "", "env", false, false},
		{"empty GOENV is unset", env("GOENV", "", "HOME", "/home/u"), "linux", "/ws", "/home/u/.config/go/env", false, false},
		{"HOME", env("HOME", "/home/u"), "linux", "", "/home/u/.config/go/env", false, false},
		{"HOME with a trailing slash", env("HOME", "/home/u/"), "linux", "", "/home/u/.config/go/env", false, false},
		{"XDG beats HOME", env("HOME", "/home/u", "XDG_CONFIG_HOME", "/xdg"), "freebsd", "", "/xdg/go/env", false, false},
		{"empty XDG", env("HOME", "/home/u", "XDG_CONFIG_HOME", ""), "linux", "", "/home/u/.config/go/env", false, false},
		{"relative XDG", env("HOME", "/home/u", "XDG_CONFIG_HOME", "rel"), "linux", "/ws", "", false, true},
		{"no HOME", env(), "linux", "", "", false, true},
		{"darwin", env("HOME", "/Users/u", "XDG_CONFIG_HOME", "/xdg"), "darwin", "", "/Users/u/Library/Application Support/go/env", false, false},
		{"darwin without HOME", env("XDG_CONFIG_HOME", "/xdg"), "darwin", "", "", false, true},
		{"ios", env("HOME", "/var/mobile"), "ios", "", "/var/mobile/Library/Application Support/go/env", false, false},
		{"windows AppData", env("AppData", `C:\Users\u\AppData\Roaming`), "windows", "", `C:\Users\u\AppData\Roaming\go\env`, false, false},
		{"windows APPDATA", env("APPDATA", `C:\Roaming`), "windows", "", `C:\Roaming\go\env`, false, false},
		{"windows without AppData", env("HOME", "/home/u"), "windows", "", "", false, true},
		{"plan9", env("home", "/usr/glenda"), "plan9", "", "/usr/glenda/lib/go/env", false, false},
		{"plan9 without home", env("HOME", "/x"), "plan9", "", "", false, true},
	} {
		path, off, err := GoEnvPath(c.getenv, c.goos, c.dir)
		if path != c.path || off != c.off || (err != nil) != c.wantErr {
			t.Errorf("%s: GoEnvPath = %q, %v, %v; want %q, %v, error %v", c.name, path, off, err, c.path, c.off, c.wantErr)
		}
	}
	if _, _, err := GoEnvPath(env(), "linux", ""); !errors.Is(err, ErrNoConfigDir) {
		t.Errorf("no HOME: %v, want ErrNoConfigDir", err)
	}
}

func FuzzParseEnvFile(f *testing.F) {
	for _, s := range []string{
		"", "\n", "GOPROXY=direct", "GOPROXY=direct\n", "GOPROXY=a\r\nGOSUMDB=off\r\n", "# c\nexport A=1\n a=b\nA = b\nA==\n",
		"GOPRIVATE='x'\nGOPRIVATE=\"y\"\nGOPRIVATE=", "\xff=\x00\n=\nZ=\n\n\n", "A=1\rB=2", "\ufeffGOPROXY=x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		ef := ParseEnvFile("env", GoEnvFile, content)
		prev, end := 0, 0
		last := map[string]int{}
		for _, l := range ef.Lines {
			if l.Number <= prev {
				t.Fatalf("line numbers do not increase: %d after %d", l.Number, prev)
			}
			prev = l.Number
			if l.Span.Start < end || l.Span.End > len(content) || l.Span.Start > l.Span.End {
				t.Fatalf("line %d: span %v (previous end %d, %d bytes)", l.Number, l.Span, end, len(content))
			}
			end = l.Span.End
			raw := content[l.Span.Start:l.Span.End]
			if string(raw) != l.Raw || bytes.IndexByte(raw, '\n') >= 0 {
				t.Fatalf("line %d: Raw %q, span holds %q", l.Number, l.Raw, raw)
			}
			if got := bytes.Count(content[:l.Span.Start], []byte("\n")) + 1; got != l.Number {
				t.Fatalf("line %d starts on line %d", l.Number, got)
			}
			if !l.Valid {
				continue
			}
			if l.Key+"="+l.Value != l.Raw {
				t.Fatalf("line %d: %q + \"=\" + %q != %q", l.Number, l.Key, l.Value, l.Raw)
			}
			if string(content[l.KeySpan.Start:l.KeySpan.End]) != l.Key || string(content[l.ValueSpan.Start:l.ValueSpan.End]) != l.Value {
				t.Fatalf("line %d: spans %v %v do not slice to the key and the value", l.Number, l.KeySpan, l.ValueSpan)
			}
			if l.Key == "" || l.Key[0] < 'A' || l.Key[0] > 'Z' || strings.Contains(l.Key, "=") {
				t.Fatalf("line %d: invalid key %q accepted", l.Number, l.Key)
			}
			last[l.Key] = l.Number
		}
		// Nothing lost: the lines and their "\n"s make up the content.
		total := 0
		for _, l := range ef.Lines {
			total += len(l.Raw)
		}
		if total+bytes.Count(content, []byte("\n")) != len(content) {
			t.Fatalf("lines cover %d bytes + %d newlines of %d", total, bytes.Count(content, []byte("\n")), len(content))
		}
		for key, n := range last {
			if l, ok := ef.Lookup(key); !ok || l.Number != n {
				t.Fatalf("Lookup(%q) = line %d, want the last one %d", key, l.Number, n)
			}
		}
	})
}
