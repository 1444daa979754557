package buildenv

import (
	"testing"
)

func TestParseComposeEnvFile(t *testing.T) {
	content := []byte("# comment\n\nGOPRIVATE=*.corp.example.com\nexport GOFLAGS=\"-mod=mod\"\nGONOSUMDB='${X}'\nHTTPS_PROXY=${PROXY} # from the host\nNO_PROXY\nbad-key=1\r\nGOPROXY = https://proxy.example.com \n")
	got := ParseComposeEnvFile(content)
	want := []struct {
		key, value string
		line       int
		unresolved bool
		noValue    bool
	}{
		{"GOPRIVATE", "*.corp.example.com", 3, false, false},
		{"GOFLAGS", "-mod=mod", 4, false, false},
		{"GONOSUMDB", "${X}", 5, false, false},
		{"HTTPS_PROXY", "${PROXY}", 6, true, false},
		{"NO_PROXY", "", 7, false, true},
		{"GOPROXY", "https://proxy.example.com", 9, false, false},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d settings %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		s := got[i]
		if s.Key != w.key || s.Value != w.value || s.Line != w.line || s.Unresolved != w.unresolved || s.NoValue != w.noValue {
			t.Errorf("setting %d = %+v, want %+v", i, s, w)
		}
		// The spans point at the exact text.
		if k := string(content[s.KeySpan.Start:s.KeySpan.End]); k != w.key {
			t.Errorf("%s: key span holds %q", w.key, k)
		}
		if v := string(content[s.ValueSpan.Start:s.ValueSpan.End]); v != w.value {
			t.Errorf("%s: value span holds %q, want %q", w.key, v, w.value)
		}
	}
}

func FuzzParseComposeEnvFile(f *testing.F) {
	f.Add([]byte("A=1\nexport B=\"2\"\nC\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		for _, s := range ParseComposeEnvFile(content) {
			if string(content[s.KeySpan.Start:s.KeySpan.End]) != s.Key {
				t.Fatalf("key span %v does not hold %q", s.KeySpan, s.Key)
			}
			if string(content[s.ValueSpan.Start:s.ValueSpan.End]) != s.Value {
				t.Fatalf("value span %v does not hold %q", s.ValueSpan, s.Value)
			}
		}
	})
}
