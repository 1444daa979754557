package complete

import (
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

// BenchmarkCompleteRealistic is completion in the realistic 5,000-line
// settings.json: a GO variable name in go.toolsEnvVars, a GOPROXY entry,
// and the end of the file (a scan of the whole text, nothing offered).
func BenchmarkCompleteRealistic(b *testing.B) {
	content := []byte(benchdata.Realistic(5000))
	lineStart := func(n int) int {
		off := 0
		for range n {
			for content[off] != '\n' {
				off++
			}
			off++
		}
		return off
	}
	doc := Doc{Kind: Settings, Content: content}
	facts := &Facts{ProxyURLs: []ProxyURL{{URL: "https://goproxy.corp.example.com", Where: []string{"x"}}}}
	for _, bc := range []struct {
		name   string
		offset int
		items  bool
	}{
		{"name", lineStart(benchdata.RealisticGOPROXYLine) + 12, true},
		{"value", lineStart(benchdata.RealisticGOPROXYLine) + benchdata.RealisticGOPROXYColumn, true},
		{"end", len(content), false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if got := Complete(doc, bc.offset, facts); (len(got) > 0) != bc.items {
					b.Fatalf("%d items", len(got))
				}
			}
		})
	}
}
