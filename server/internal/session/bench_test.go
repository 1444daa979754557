package session_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// serveDebounce is the debounce `serve` runs with (lsp.DefaultDebounce):
// keystrokes that each wait for their diagnostics are diagnosed at once, and
// the go env oracle waits for the inputs to be quiet, so it does not run
// while typing.
const serveDebounce = 75 * time.Millisecond

// benchKeystrokes types at line:col of the open buffer path, one keystroke
// per iteration, each after the previous one's publication, and reports the
// in-process cost of a keystroke: session.Change to the publication of its
// version, without JSON-RPC. Besides the wall-clock time it reports the
// process's CPU time a keystroke (cpu-ns/op: the diagnosis, the garbage
// collection it causes and the benchmark's own small share), which other
// load on the machine changes much less. A keystroke replaces the character there (as
// make bench does) or, with insert, alternately types a character and
// deletes it, so that what follows moves.
func benchKeystrokes(b *testing.B, w *world, path string, line, col int, insert bool) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, cpuOK := processCPU()
	for i := range b.N {
		v := int32(i + 2)
		pos := func(c int) position.Position { return position.Position{Line: line, Character: c} }
		end := col + 1
		text := string(rune('a' + v%26))
		if insert {
			end = col + i%2
			text = text[:1-i%2]
		}
		_, _, err := w.sess.Change(path, v, []session.Change{{
			Range: position.Range{Start: pos(col), End: pos(end)},
			Text:  text,
		}})
		if err != nil {
			b.Fatal(err)
		}
		w.await(path, "of the edit", version(v))
	}
	if cpu1, ok := processCPU(); cpuOK && ok {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// openRealistic opens the realistic 5,000-line settings.json of make bench
// as the folder's .vscode/settings.json and waits for its diagnostics.
func openRealistic(w *world) string {
	path := filepath.Join(w.folder, ".vscode", "settings.json")
	text := benchdata.Realistic(5000)
	w.write(path, text)
	w.sess.Open(session.NewDocument("file://"+path, path, 1, text))
	w.await(path, "when opened", version(1))
	return path
}

// BenchmarkSessionKeystrokeRealistic is a keystroke inside the GOPROXY value
// of the realistic settings.json.
func BenchmarkSessionKeystrokeRealistic(b *testing.B) {
	w := newWorld(b, "", serveDebounce, nil)
	path := openRealistic(w)
	benchKeystrokes(b, w, path, benchdata.RealisticGOPROXYLine, benchdata.RealisticGOPROXYColumn, false)
}

// BenchmarkSessionKeystrokeRealisticInsert types and deletes a character
// inside the GOPROXY value of the realistic settings.json: the rest of the
// file moves with each keystroke.
func BenchmarkSessionKeystrokeRealisticInsert(b *testing.B) {
	w := newWorld(b, "", serveDebounce, nil)
	path := openRealistic(w)
	benchKeystrokes(b, w, path, benchdata.RealisticGOPROXYLine, benchdata.RealisticGOPROXYColumn, true)
}

// BenchmarkSessionKeystrokeRealisticComment types and deletes a character
// in the comment after the GOPROXY value of the realistic settings.json.
func BenchmarkSessionKeystrokeRealisticComment(b *testing.B) {
	w := newWorld(b, "", serveDebounce, nil)
	path := openRealistic(w)
	line := strings.Split(benchdata.Realistic(5000), "\n")[benchdata.RealisticGOPROXYLine]
	col := strings.Index(line, "company") // ASCII: bytes are UTF-16 units
	if col < 0 {
		b.Fatalf("no comment on the GOPROXY line %q", line)
	}
	benchKeystrokes(b, w, path, benchdata.RealisticGOPROXYLine, col, true)
}

// BenchmarkSessionKeystrokeGoModBesideRealistic is a keystroke in go.mod
// with the realistic settings.json open: it must not pay for that file.
func BenchmarkSessionKeystrokeGoModBesideRealistic(b *testing.B) {
	w := newWorld(b, "", serveDebounce, nil)
	openRealistic(w)
	mod := filepath.Join(w.folder, "go.mod")
	w.write(mod, benchdata.GoMod)
	w.sess.Open(session.NewDocument("file://"+mod, mod, 1, benchdata.GoMod))
	w.await(mod, "when opened", version(1))
	benchKeystrokes(b, w, mod, 0, 30, false)
}
