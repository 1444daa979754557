// Package benchdata generates the inputs of the performance measurements
// (SPEC §10), shared by `make bench` and the Go benchmarks.
package benchdata

import (
	"fmt"
	"strings"
)

// Settings is a settings.json of n lines with go.toolsEnvVars.GOPROXY on
// line 3 (0-based) and filler settings after it.
func Settings(n int) string {
	var b strings.Builder
	b.WriteString("{\n  // generated\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"https://goproxy.corp.example.com,direct\"\n  },\n")
	for i := 4; i < n-1; i++ {
		fmt.Fprintf(&b, "  \"example.setting%d\": %d,\n", i, i)
	}
	b.WriteString("  \"editor.tabSize\": 4\n}\n")
	return b.String()
}
