package lsp_test

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

// BenchmarkKeystroke measures a one-character edit of a 5,000-line
// settings.json to the publishDiagnostics carrying its version (SPEC §10).
func BenchmarkKeystroke(b *testing.B) {
	h := start(b)
	mark := h.mark()
	h.open(settingsPath, 1, benchdata.Settings(5000))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change(settingsPath, v, edit(3, 40, 3, 41, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, settingsPath, "the edit", version(v))
	}
}
