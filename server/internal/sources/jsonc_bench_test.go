package sources

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/benchdata"
)

// realisticSettings is a settings.json of exactly n lines (n ≥ 40) in the
// shape people write: line and block comments, nested objects, language
// blocks, arrays of strings, numbers, booleans, null, Windows paths with
// escapes, non-ASCII text and trailing commas.
func realisticSettings(n int) string {
	var b strings.Builder
	lines := 0
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
		lines++
	}
	line("{")
	line("  // Settings generated for the benchmark.")
	line(`  "go.toolsEnvVars": {`)
	line(`    "GOPROXY": "https://goproxy.corp.example.com,direct",`)
	line(`    "GOPRIVATE": "*.corp.example.com,github.com/corp/*",`)
	line(`    "GOFLAGS": "-mod=mod", // trailing comment`)
	line(`  },`)
	line(`  "gopls": { "build.env": { "GOSUMDB": "off" }, "ui.semanticTokens": true },`)
	for i := 0; lines < n-2; i++ {
		switch i % 12 {
		case 0:
			line(`  "editor.fontSize": %d,`, 10+i%8)
		case 1:
			line(`  "editor.formatOnSave": %t,`, i%2 == 0)
		case 2:
			line(`  /* block comment %d */ "files.encoding": "utf8",`, i)
		case 3:
			line(`  "terminal.integrated.cwd": "C:\\Users\\dev%d\\go\\src",`, i)
		case 4:
			if lines+4 > n-2 {
				line(`  "[go]": { "editor.insertSpaces": false },`)
				continue
			}
			line(`  "[go]": {`)
			line(`    "editor.defaultFormatter": "golang.go",`)
			line(`    "editor.codeActionsOnSave": { "source.organizeImports": "explicit" },`)
			line(`  },`)
		case 5:
			line(`  "files.exclude": { "**/.git": true, "**/node_modules": true, "**/vendor%d": false },`, i)
		case 6:
			line(`  "search.exclude": ["**/dist", "**/out", "**/build-%d",],`, i)
		case 7:
			line(`  "workbench.colorTheme": "Default Dark+", // Тема оформления ✓`)
		case 8:
			line(`  "http.proxy": "http://proxy.corp.example.com:%d",`, 3128+i%10)
		case 9:
			line(`  "window.zoomLevel": -%d.5e0,`, i%3)
		case 10:
			line(`  "example.setting%d": null,`, i)
		case 11:
			line(`  "go.testFlags": ["-v", "-count=1", "-run=Test\u00e9%d"],`, i)
		}
	}
	line(`  "editor.tabSize": 4`)
	b.WriteString("}")
	lines++
	if lines != n {
		panic(fmt.Sprintf("realisticSettings: %d lines, want %d", lines, n))
	}
	return b.String()
}

func TestRealisticSettingsParses(t *testing.T) {
	src := realisticSettings(5000)
	v, err := ParseJSONC([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkSpans(t, []byte(src), v, Span{0, len(src)})
	if m := member(t, v, "go.toolsEnvVars", "GOPROXY"); m.Value.Str != "https://goproxy.corp.example.com,direct" {
		t.Errorf("GOPROXY = %q", m.Value.Str)
	}
	if m := member(t, v, "terminal.integrated.cwd"); !strings.HasPrefix(m.Value.Str, `C:\Users\dev`) {
		t.Errorf("escaped path decoded as %q", m.Value.Str)
	}
}

// BenchmarkParseJSONC5000 parses a realistic 5,000-line settings.json, the
// document of the keystroke budget (SPEC §10).
func BenchmarkParseJSONC5000(b *testing.B) {
	content := []byte(realisticSettings(5000))
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSONC(content); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseJSONCBench parses the realistic settings.json of make bench
// (365 KB, 5,000 lines).
func BenchmarkParseJSONCBench(b *testing.B) {
	content := []byte(benchdata.Realistic(5000))
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSONC(content); err != nil {
			b.Fatal(err)
		}
	}
}
