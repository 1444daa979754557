package lsp_test

import (
	"fmt"
	"strings"
	"testing"
)

// minified is a one-line settings.json with n unknown GO* variables in
// go.toolsEnvVars (each one a diagnostic), as a settings-sync tool or a
// minifier writes it.
func minified(n int) string {
	var b strings.Builder
	b.WriteString(`{"go.toolsEnvVars":{`)
	for i := range n {
		fmt.Fprintf(&b, `"GOVAR_%d":"café 😀 %d",`, i, i)
	}
	b.WriteString(`"GOPROXY":"direct"}}`)
	return b.String()
}

// BenchmarkKeystrokeMinified measures a one-character edit in the middle of
// a minified 8,000-key settings.json to the publishDiagnostics carrying its
// version: thousands of ranges on one line, each converted to UTF-16.
func BenchmarkKeystrokeMinified(b *testing.B) {
	h := start(b)
	mark := h.mark()
	text := minified(8000)
	h.open(settingsPath, 1, text)
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	// The start of a value in the middle (ASCII before it: bytes are units).
	col := strings.Index(text, `"GOVAR_4000":"`) + len(`"GOVAR_4000":"`)
	col -= strings.Count(text[:col], "é") + 2*strings.Count(text[:col], "😀") // UTF-16 units
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change(settingsPath, v, edit(0, col, 0, col+1, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, settingsPath, "the edit", version(v))
	}
}
