package lsp_test

import (
	"maps"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
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

// BenchmarkKeystrokeGoMod measures a one-character edit of go.mod while a
// 5,000-line settings.json is open, to the publishDiagnostics carrying its
// version: unchanged files are not parsed again, so the size of
// settings.json does not count.
func BenchmarkKeystrokeGoMod(b *testing.B) {
	h := start(b, withInitOptions(func(h *harness) any {
		env := maps.Clone(h.env)
		env["GOPROXY"] = "https://proxy.example.com" // a finding on the module line
		return map[string]any{"processEnv": env, "trusted": true, "osFlavour": "linux"}
	}))
	mark := h.mark()
	h.open(settingsPath, 1, benchdata.Settings(5000))
	h.open("go.mod", 1, defaultGoMod)
	h.awaitDiagnostics(mark, "go.mod", "version 1", all(version(1), hasCode("goproxy-no-fallback")))
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change("go.mod", v, edit(2, 0, 2, 0, "\n"[:v%2]))
		h.awaitDiagnostics(mark, "go.mod", "the edit", version(v))
	}
}

// BenchmarkKeystrokeRealistic is BenchmarkKeystroke on the realistic
// 5,000-line settings.json of make bench (nested objects, arrays, escapes,
// comments on most lines).
func BenchmarkKeystrokeRealistic(b *testing.B) {
	h := start(b)
	mark := h.mark()
	h.open(settingsPath, 1, benchdata.Realistic(5000))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	line, col := benchdata.RealisticGOPROXYLine, benchdata.RealisticGOPROXYColumn
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change(settingsPath, v, edit(line, col, line, col+1, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, settingsPath, "the edit", version(v))
	}
}

// BenchmarkKeystrokeGoModBesideRealistic types in go.mod of a folder whose
// open settings.json is the realistic 5,000-line one.
func BenchmarkKeystrokeGoModBesideRealistic(b *testing.B) {
	h := start(b, withFiles(map[string]string{"go.mod": benchdata.GoMod}))
	mark := h.mark()
	h.open(settingsPath, 1, benchdata.Realistic(5000))
	h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	mark = h.mark()
	h.open("go.mod", 1, benchdata.GoMod)
	h.awaitDiagnostics(mark, "go.mod", "version 1", version(1))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change("go.mod", v, edit(0, 30, 0, 31, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, "go.mod", "the edit", version(v))
	}
}

// BenchmarkKeystrokeRealisticServe is BenchmarkKeystrokeRealistic with the
// debounce `serve` runs with (DefaultDebounce), as make bench measures it:
// each keystroke waits for its diagnostics, so it finds the diagnoser idle
// and is diagnosed at once, and the go env oracle, which waits for quiet
// inputs, does not run while typing.
func BenchmarkKeystrokeRealisticServe(b *testing.B) {
	h := start(b, withDebounce(lsp.DefaultDebounce))
	mark := h.mark()
	h.open(settingsPath, 1, benchdata.Realistic(5000))
	p := h.awaitDiagnostics(mark, settingsPath, "version 1", version(1))
	b.Logf("%d diagnostics", len(p.Diagnostics))
	line, col := benchdata.RealisticGOPROXYLine, benchdata.RealisticGOPROXYColumn
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		v := i + 2
		mark := h.mark()
		h.change(settingsPath, v, edit(line, col, line, col+1, string(rune('a'+v%26))))
		h.awaitDiagnostics(mark, settingsPath, "the edit", version(v))
	}
}
