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
// diagnosis is stored: the keystroke budget (p99 < 5 ms).
func hoverLatency(s servers, tmp string, n int) {
	w := newWorkspace(tmp, "hover", benchdata.Realistic(5000))
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
	p.stop()
	fmt.Printf("\nlsp     hover request → response, %d requests each (cached result, no process per request)\n", n)
	fmt.Printf("  %-30s %s\n", "settings.json GOPROXY value", set)
	fmt.Printf("  %-30s %s\n", "go.mod require line", mod)
	fmt.Println("  budgets (ratio = measured / budget, ≤ 1 meets it):")
	budget("hover p99, realistic 5,000-line settings.json (< 5 ms)", ms(set.p99), 5, "ms", "")
	budget("hover median, realistic 5,000-line settings.json (< 2 ms)", ms(set.p50), 2, "ms", "")
	budget("hover p99, go.mod require line (< 5 ms)", ms(mod.p99), 5, "ms", "")
}
