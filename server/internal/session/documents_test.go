package session

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

func partial(sl, sc, el, ec int, text string) Change {
	return Change{Range: position.Range{Start: position.Position{Line: sl, Character: sc}, End: position.Position{Line: el, Character: ec}}, Text: text}
}

func whole(text string) Change { return Change{Whole: true, Text: text} }

func TestApplyChanges(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		changes  []Change
		want     string
	}{
		{"insert", "ab\ncd", []Change{partial(1, 1, 1, 1, "X")}, "ab\ncXd"},
		{"delete across lines", "ab\r\ncd\nef", []Change{partial(0, 1, 2, 1, "")}, "af"},
		// 😀 is two UTF-16 units: character 3 is after it.
		{"after an astral rune", `"😀x"`, []Change{partial(0, 3, 0, 4, "y")}, `"😀y"`},
		{"past the end of a line", "ab\ncd", []Change{partial(0, 99, 1, 0, "-")}, "ab-cd"},
		{"in order", "abc", []Change{
			whole("xyz"),
			partial(0, 0, 0, 1, "W"),
			partial(0, 3, 0, 3, "!"),
		}, "Wyz!"},
	} {
		got, err := ApplyChanges([]byte(tc.in), tc.changes)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: ApplyChanges(%q) = %q, %v; want %q", tc.name, tc.in, got, err, tc.want)
		}
	}
	if _, err := ApplyChanges([]byte("abc"), []Change{partial(0, 2, 0, 1, "")}); err == nil {
		t.Errorf("a reversed range: no error")
	}
}

func TestApplyChangesKeepsTheOldContent(t *testing.T) {
	old := []byte("abcdef")
	if _, err := ApplyChanges(old, []Change{partial(0, 1, 0, 2, "XYZ")}); err != nil {
		t.Fatal(err)
	}
	if string(old) != "abcdef" {
		t.Errorf("the old content was modified: %q", old)
	}
}

// FuzzApplyChanges checks that any edit keeps the text outside its range.
func FuzzApplyChanges(f *testing.F) {
	f.Add("ab\ncd", 0, 1, 1, 1, "X")
	f.Add("😀\r\n𝔾o", 0, 1, 1, 2, "")
	f.Fuzz(func(t *testing.T, text string, sl, sc, el, ec int, insert string) {
		if !utf8.ValidString(text) || sl < 0 || sc < 0 || el < 0 || ec < 0 || sl > 1<<20 || el > 1<<20 || sc > 1<<20 || ec > 1<<20 {
			return
		}
		got, err := ApplyChanges([]byte(text), []Change{partial(sl, sc, el, ec, insert)})
		if err != nil {
			return
		}
		if !strings.Contains(string(got), insert) {
			t.Fatalf("%q lacks the inserted %q", got, insert)
		}
		if len(got) > len(text)+len(insert) {
			t.Fatalf("%q grew by more than the insertion into %q", got, text)
		}
	})
}

// A buffer over MaxDocument is not kept, whether it arrives in didOpen, as
// a whole-document change or grows there by range changes; range changes
// to a dropped text leave it dropped, a whole-document change under the cap
// brings it back. The engine sees a skip error for it.
func TestDocumentCap(t *testing.T) {
	big := strings.Repeat("x", MaxDocument+1)
	d := NewDocument("file:///w/.vscode/settings.json", "/w/.vscode/settings.json", 1, big)
	if d.content != nil || d.tooLarge != len(big) {
		t.Fatalf("didOpen over the cap: kept %d bytes, tooLarge %d", len(d.content), d.tooLarge)
	}
	if _, err := d.Read(); err == nil || !strings.Contains(err.Error(), "larger than 8 MiB") {
		t.Errorf("read of a dropped buffer: %v", err)
	}
	d2, err := d.Changed(2, []Change{partial(0, 0, 0, 0, "{")})
	if err != nil || d2.tooLarge == 0 || d2.content != nil || d2.version != 2 {
		t.Errorf("range change to a dropped text: %+v, %v", d2, err)
	}
	d3, err := d2.Changed(3, []Change{
		whole("{}"), partial(0, 1, 0, 1, `"a": 1`)})
	if got, _ := d3.Read(); err != nil || d3.tooLarge != 0 || string(got) != `{"a": 1}` {
		t.Errorf("whole change under the cap: %q, tooLarge %d, %v", got, d3.tooLarge, err)
	}
	d4, err := d3.Changed(4, []Change{whole(big)})
	if err != nil || d4.content != nil || d4.tooLarge != len(big) {
		t.Errorf("whole change over the cap: kept %d bytes, %v", len(d4.content), err)
	}
	half := strings.Repeat("y", MaxDocument/2+1)
	d5, err := d3.Changed(5, []Change{partial(0, 0, 0, 0, half), partial(0, 0, 0, 0, half)})
	if err != nil || d5.content != nil || d5.tooLarge != 2*len(half)+len(`{"a": 1}`) {
		t.Errorf("grown over the cap by range changes: kept %d bytes, tooLarge %d, %v", len(d5.content), d5.tooLarge, err)
	}
	if got, _ := d3.Read(); string(got) != `{"a": 1}` {
		t.Errorf("an older version changed: %q", got)
	}
}
