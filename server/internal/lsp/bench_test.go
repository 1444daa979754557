package lsp_test

import (
	"fmt"
	"strings"
	"testing"
)

// settingsLines is a settings.json of n lines with GOPROXY on line 3.
func settingsLines(n int) string {
	var b strings.Builder
	b.WriteString("{\n  // generated\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"https://goproxy.corp.example.com,direct\"\n  },\n")
	for i := 4; i < n-1; i++ {
		fmt.Fprintf(&b, "  \"example.setting%d\": %d,\n", i, i)
	}
	b.WriteString("  \"editor.tabSize\": 4\n}\n")
	return b.String()
}

// BenchmarkKeystroke measures a one-character edit of a 5,000-line
// settings.json to the publishDiagnostics carrying its version (SPEC §10).
func BenchmarkKeystroke(b *testing.B) {
	h := start(b)
	mark := h.mark()
	h.open(settingsPath, 1, settingsLines(5000))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change(settingsPath, v, edit(3, 40, 3, 41, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, settingsPath, "the edit", version(v))
	}
}
