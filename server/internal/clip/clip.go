// Package clip shortens text that echoes values from the workspace or the
// environment before it goes into a message, so that a 5 MB GOPROXY cannot
// become a 150 MB publishDiagnostics: values are cut at MaxValue characters,
// whole messages (a safety net for text that did not go through Value) at
// MaxMessage.
package clip

import (
	"fmt"
	"strconv"
	"strings"
)

// Limits, in characters (runes).
const (
	MaxValue   = 200
	MaxMessage = 2000
)

// Ellipsis marks the cut.
const Ellipsis = "…"

// Value returns v cut to MaxValue characters, with an ellipsis when cut.
func Value(v string) string { return To(v, MaxValue) }

// Message returns a whole message cut to MaxMessage characters.
func Message(m string) string { return To(m, MaxMessage) }

// To cuts s to n characters (n >= 1), the last one an ellipsis when cut. It
// looks at no more than n+1 characters of s, however long s is.
func To(s string, n int) string {
	if len(s) <= n {
		return s // n bytes are at most n characters
	}
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
		}
		if count == n {
			return s[:cut] + Ellipsis
		}
		count++
	}
	return s
}

// Quote shows v in a message as it is, cut to MaxValue characters: quotes
// and backslashes in it are not escaped (a GOSUMDB of "off" with its quotes
// reads '"off"', not "\"off\""); it is delimited by a quote it does not
// contain, and control characters are escaped so that a message stays on
// its lines. Credentials must be redacted before.
func Quote(v string) string {
	v = Value(v)
	var b strings.Builder
	for _, r := range v {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	shown := b.String()
	for _, q := range []string{`"`, "'", "`"} {
		if !strings.Contains(shown, q) {
			return q + shown + q
		}
	}
	return strconv.Quote(shown)
}
