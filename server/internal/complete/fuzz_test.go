package complete

import (
	"testing"
	"unicode/utf8"
)

// Any text and any offset: completion and links never panic, every edit
// stays inside the text, the main edit holds the cursor on its line, and a
// link's range is inside the text.
func FuzzCompleteAndLinks(f *testing.F) {
	for _, seed := range []string{
		`{"go.toolsEnvVars": {"GOP"}}`,
		"\ufeff{\r\n \"go.toolsEnvVars\": {\r\n  \"GOPROXY\": \"https://a.example.com|direct\",\r\n  GO\r\n }\r\n}",
		`{"configurations": [{"env": {"GOPRIVATE": "x,"}, "envFile": ["a", "${env:H}/b"]}]}`,
		`{"settings": {"gopls": {"build.env": {"GOENV": "~/e", "GOPROXY": "\"\\u00e9"}}}}`,
		"GOPROXY=https://u:p@a.example.com,direct\r\nGONOSUMDB=\nGO",
		`{"go.toolsEnvVars": {/* "a": */ "GOPROXY": ,, "x" "y": {[}]}`,
		`{"go.toolsEnvVars": {"GOPROXY": "https://a.example.com`,
	} {
		for k := range 6 {
			f.Add(seed, uint(len(seed)/2), uint8(k))
		}
	}
	facts := &Facts{
		ProxyURLs: []ProxyURL{{URL: "https://a.example.com", Where: []string{"x"}}},
		Modules:   []Module{{Path: "git.corp.example.com/a/b"}, {Path: "github.com/acme/x"}},
	}
	f.Fuzz(func(t *testing.T, text string, at uint, kind uint8) {
		content := []byte(text)
		offset := int(at % uint(len(content)+1))
		doc := Doc{Kind: Kind(kind % 6), Content: content}
		for _, it := range Complete(doc, offset, facts) {
			e := it.Edit
			if e.Start < 0 || e.Start > e.End || e.End > len(content) {
				t.Fatalf("edit [%d,%d) outside a %d-byte text", e.Start, e.End, len(content))
			}
			if e.Start > offset || e.End < offset {
				t.Fatalf("edit [%d,%d) does not hold the cursor %d", e.Start, e.End, offset)
			}
			for i := e.Start; i < e.End; i++ {
				if content[i] == '\n' {
					t.Fatalf("edit [%d,%d) spans lines", e.Start, e.End)
				}
			}
			for _, x := range it.Extra {
				if x.Start < 0 || x.Start > x.End || x.End > e.Start {
					t.Fatalf("extra edit [%d,%d) overlaps or follows the main one at %d", x.Start, x.End, e.Start)
				}
			}
		}
		for _, l := range Links(doc, facts) {
			if l.Start < 0 || l.Start >= l.End || l.End > len(content) {
				t.Fatalf("link [%d,%d) outside a %d-byte text", l.Start, l.End, len(content))
			}
			if !utf8.ValidString(l.Target) && !l.File {
				t.Fatalf("link target %q", l.Target)
			}
		}
	})
}
