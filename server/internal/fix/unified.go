package fix

import (
	"bytes"
	"fmt"
	"strings"
)

// Unified renders the change from a to b as a unified diff (3 lines of
// context) with the given file names; "" when they are equal. A file that
// does not exist yet is a nil a, shown as /dev/null.
func Unified(oldName, newName string, a, b []byte) string {
	if bytes.Equal(a, b) && a != nil {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)
	// The lines both ends share stay out of the O(ND) search.
	pre := 0
	for pre < len(al) && pre < len(bl) && bytes.Equal(al[pre], bl[pre]) {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && bytes.Equal(al[len(al)-1-suf], bl[len(bl)-1-suf]) {
		suf++
	}
	var hunks []hunk
	for _, h := range lineHunks(al[pre:len(al)-suf], bl[pre:len(bl)-suf]) {
		hunks = append(hunks, hunk{h.a0 + pre, h.a1 + pre, h.b0 + pre, h.b1 + pre})
	}
	var out strings.Builder
	if a == nil {
		oldName = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	const ctx = 3
	for i := 0; i < len(hunks); {
		// Hunks closer than twice the context share one block.
		j := i
		for j+1 < len(hunks) && hunks[j+1].a0-hunks[j].a1 <= 2*ctx {
			j++
		}
		a0, b0 := max(hunks[i].a0-ctx, 0), max(hunks[i].b0-ctx, 0)
		a1 := min(hunks[j].a1+ctx, len(al))
		b1 := b0 + (a1 - a0) + sumDelta(hunks[i:j+1])
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(a0, a1-a0), hunkRange(b0, b1-b0))
		at := a0
		for _, h := range hunks[i : j+1] {
			writeLines(&out, " ", al[at:h.a0])
			writeLines(&out, "-", al[h.a0:h.a1])
			writeLines(&out, "+", bl[h.b0:h.b1])
			at = h.a1
		}
		writeLines(&out, " ", al[at:a1])
		i = j + 1
	}
	return out.String()
}

func sumDelta(hs []hunk) int {
	d := 0
	for _, h := range hs {
		d += (h.b1 - h.b0) - (h.a1 - h.a0)
	}
	return d
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func writeLines(out *strings.Builder, prefix string, lines [][]byte) {
	for _, l := range lines {
		out.WriteString(prefix)
		out.Write(l)
		if !bytes.HasSuffix(l, []byte("\n")) {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}
