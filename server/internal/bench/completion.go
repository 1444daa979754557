package main

import (
	"fmt"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

// completionLatency measures textDocument/completion on the realistic
// 5,000-line settings.json (budget: p99 < 5 ms, like a keystroke): GO
// variable names in go.toolsEnvVars (the whole list, and narrowed to what
// was typed) and a GOPROXY list entry, with the server idle and right after
// each keystroke (its diagnosis then runs beside the request), and the end
// of the file, where the cursor's location takes a scan of the whole text
// and nothing is offered.
func completionLatency(s servers, tmp string, n int) {
	w := newWorkspace(tmp, "completion", benchdata.Realistic(5000))
	fmt.Printf("\nlsp     completion request → response, realistic 5,000-line settings.json (%d KB), %d requests a run\n", len(w.text)/1024, n)
	p := s.ours()
	p.initialize(w.root, oursOpts)
	p.open(w.settings, "jsonc", w.text)
	_, err := p.await(w.settings, 1, 30*time.Second)
	check(err)
	// go env confirms the snapshot once the inputs have been quiet for four
	// debounce periods: measure after it, not beside its process.
	time.Sleep(time.Second)
	lines := 0
	for _, c := range w.text {
		if c == '\n' {
			lines++
		}
	}
	// `        "|GOPROXY": ...` (nothing typed yet: every name the object
	// does not set), `        "GOP|ROXY": ...` (narrowed to "GOP") and the
	// GOPROXY value; the line is ASCII.
	names := [2]int{benchdata.RealisticGOPROXYLine, 9}
	name := [2]int{benchdata.RealisticGOPROXYLine, 12}
	value := [2]int{benchdata.RealisticGOPROXYLine, benchdata.RealisticGOPROXYColumn}
	end := [2]int{lines, 0}
	id := 1000
	run := func(at [2]int, typing bool, wantItems bool) stats {
		var lat []time.Duration
		missed := 0
		v := 2
		for range n {
			if typing {
				// A keystroke inside a comment on the line after the value.
				p.change(w.settings, v, benchdata.RealisticGOPROXYLine+1, 80, string(rune('a'+v%26)))
				v++
			}
			id++
			start := time.Now()
			m, err := p.call(id, "textDocument/completion", map[string]any{
				"textDocument": map[string]any{"uri": "file://" + w.settings},
				"position":     map[string]any{"line": at[0], "character": at[1]},
			}, 2*time.Second)
			if err != nil {
				missed++
				continue
			}
			lat = append(lat, time.Since(start))
			result, _ := m["result"].(map[string]any)
			items, _ := result["items"].([]any)
			if wantItems != (len(items) > 0) {
				check(fmt.Errorf("completion at %d:%d: %d items", at[0], at[1], len(items)))
			}
		}
		if typing {
			p.drain()
		}
		return statsOf(lat, missed)
	}
	run(names, false, true) // warm-up
	namesIdle := run(names, false, true)
	nameIdle := run(name, false, true)
	valueIdle := run(value, false, true)
	endIdle := run(end, false, false)
	namesTyping := run(names, true, true)
	p.stop()
	fmt.Printf("  %-30s %s\n", "every GO variable, idle", namesIdle)
	fmt.Printf("  %-30s %s\n", "GO variables after GOP, idle", nameIdle)
	fmt.Printf("  %-30s %s\n", "GOPROXY entry, idle", valueIdle)
	fmt.Printf("  %-30s %s\n", "end of the file, idle", endIdle)
	fmt.Printf("  %-30s %s\n", "every GO variable, typing", namesTyping)
	fmt.Println("  budgets (ratio = measured / budget, ≤ 1 meets it):")
	budget("completion p99, every GO variable (< 5 ms)", ms(namesIdle.p99), 5, "ms", "")
	budget("completion p99, GO variables after GOP (< 5 ms)", ms(nameIdle.p99), 5, "ms", "")
	budget("completion p99, GOPROXY entry (< 5 ms)", ms(valueIdle.p99), 5, "ms", "")
	budget("completion p99, end of the file (< 5 ms)", ms(endIdle.p99), 5, "ms", "")
	budget("completion p99 after a keystroke, every name (< 5 ms)", ms(namesTyping.p99), 5, "ms", "")
}
