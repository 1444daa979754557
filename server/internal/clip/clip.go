// Package clip shortens text that echoes values from the workspace or the
// environment before it goes into a message, so that a 5 MB GOPROXY cannot
// become a 150 MB publishDiagnostics: values are cut at MaxValue characters,
// whole messages (a safety net for text that did not go through Value) at
// MaxMessage.
package clip

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
