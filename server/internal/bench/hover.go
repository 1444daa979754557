package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

// hoverLatency measures textDocument/hover request → response on the
// realistic 5,000-line settings.json (the GOPROXY value: the per-consumer
// answer, the parsed list) and on a go.mod require line (the route per
// consumer), n requests each, one after the other, once the folder's
// diagnosis is stored: the keystroke budget (p99 < 5 ms). Then inlay hints
// (the setting is on in that file) for a screenful and for the whole file.
func hoverLatency(s servers, tmp string, n int) {
	// Inlay hints on: the comment on line 2 becomes the setting (lines stay where they are).
	text := strings.Replace(benchdata.Realistic(5000), "    // User settings, synchronised across machines; edit with care.",
		`    "goProxy.inlayHints.enabled": true, // hints after entries some consumer does not use`, 1)
	w := newWorkspace(tmp, "hover", text)
	p := s.ours()
	p.initialize(w.root, oursOpts)
	p.open(w.settings, "jsonc", w.text)
	_, err := p.await(w.settings, 1, 30*time.Second)
	check(err)
	p.open(w.gomod, "go.mod", benchdata.GoMod)
	_, err = p.await(w.gomod, 1, 30*time.Second)
	check(err)
	id := 1000
	run := func(path string, line, col int, want string) stats {
		var lat []time.Duration
		missed := 0
		for range n {
			id++
			start := time.Now()
			m, err := p.call(id, "textDocument/hover", map[string]any{
				"textDocument": map[string]any{"uri": "file://" + path},
				"position":     map[string]any{"line": line, "character": col},
			}, 2*time.Second)
			d := time.Since(start)
			if err != nil || !strings.Contains(fmt.Sprint(m["result"]), want) {
				missed++
				continue
			}
			lat = append(lat, d)
		}
		return statsOf(lat, missed)
	}
	set := run(w.settings, benchdata.RealisticGOPROXYLine, benchdata.RealisticGOPROXYColumn, "GOPROXY")
	mod := run(w.gomod, 5, 10, "git.corp.example.com/lib/auth")
	// Inlay hints for a screenful (the first 60 lines) and for the whole file.
	hints := func(lines int) stats {
		var lat []time.Duration
		missed := 0
		for range n {
			id++
			start := time.Now()
			m, err := p.call(id, "textDocument/inlayHint", map[string]any{
				"textDocument": map[string]any{"uri": "file://" + w.settings},
				"range":        map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": lines, "character": 0}},
			}, 2*time.Second)
			d := time.Since(start)
			if list, _ := m["result"].([]any); err != nil || len(list) == 0 {
				missed++
				continue
			}
			lat = append(lat, d)
		}
		return statsOf(lat, missed)
	}
	screen, whole := hints(60), hints(5000)
	p.stop()
	fmt.Printf("\nlsp     hover request → response, %d requests each (cached result, no process per request)\n", n)
	fmt.Printf("  %-30s %s\n", "settings.json GOPROXY value", set)
	fmt.Printf("  %-30s %s\n", "go.mod require line", mod)
	fmt.Printf("  %-30s %s\n", "inlay hints, lines 0-60", screen)
	fmt.Printf("  %-30s %s\n", "inlay hints, whole file", whole)
	fmt.Println("  budgets (ratio = measured / budget, ≤ 1 meets it):")
	budget("hover p99, realistic 5,000-line settings.json (< 5 ms)", ms(set.p99), 5, "ms", "")
	budget("hover median, realistic 5,000-line settings.json (< 2 ms)", ms(set.p50), 2, "ms", "")
	budget("hover p99, go.mod require line (< 5 ms)", ms(mod.p99), 5, "ms", "")
	budget("inlay hints p99, 60 lines of the 5,000-line file (< 5 ms)", ms(screen.p99), 5, "ms", "")
	budget("inlay hints p99, the whole 5,000-line file (< 5 ms)", ms(whole.p99), 5, "ms", "")
}
