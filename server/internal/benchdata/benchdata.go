// Package benchdata generates the inputs of the performance measurements
// (SPEC §10), shared by `make bench` and the Go benchmarks.
package benchdata

import (
	"fmt"
	"strings"
)

// Settings is a settings.json of n lines with go.toolsEnvVars.GOPROXY on
// line 3 (0-based) and filler settings after it: the simple file, one
// number per line and no comments.
func Settings(n int) string {
	var b strings.Builder
	b.WriteString("{\n  // generated\n  \"go.toolsEnvVars\": {\n    \"GOPROXY\": \"https://goproxy.corp.example.com,direct\"\n  },\n")
	for i := 4; i < n-1; i++ {
		fmt.Fprintf(&b, "  \"example.setting%d\": %d,\n", i, i)
	}
	b.WriteString("  \"editor.tabSize\": 4\n}\n")
	return b.String()
}

// RealisticGOPROXYLine and RealisticGOPROXYColumn locate a byte inside the
// GOPROXY value of Realistic (0-based line, byte column; the line is ASCII,
// so the column is also its UTF-16 column).
const (
	RealisticGOPROXYLine   = 4
	RealisticGOPROXYColumn = 42
)

// Realistic is a settings.json of exactly n lines (n ≥ 40) in the shape a
// long-lived user settings file takes: go.toolsEnvVars.GOPROXY near the top,
// then blocks of nested objects (language-specific settings, launch
// configurations, an env map), arrays of strings and of objects, strings with
// escapes (Windows paths, quotes, \u escapes) and non-ASCII text, numbers,
// booleans and null, trailing commas, and a line or block comment on most
// lines — about 73 bytes a line (365 KB for 5,000 lines). It is deterministic:
// the same n gives the same text.
func Realistic(n int) string {
	if n < 40 {
		panic("benchdata.Realistic: n < 40")
	}
	var b strings.Builder
	b.Grow(n * 76)
	lines := 0
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
		lines++
	}
	line("{")
	line("    // User settings, synchronised across machines; edit with care.")
	line("    /* Go toolchain: the proxy and private modules of the company. */")
	line(`    "go.toolsEnvVars": { // read by gopls and the Go extension's tools`)
	line(`        "GOPROXY": "https://goproxy.corp.example.com,direct", // the company mirror first, then direct`)
	line(`        "GOPRIVATE": "*.corp.example.com,github.com/corp-example/*", // not checked against the sumdb`)
	line(`        "GOFLAGS": "-mod=mod", // module mode; a trailing comma follows`)
	line(`    },`)
	// Each block below is a fixed number of lines; the last block is cut
	// to fit with single-line settings.
	blocks := []struct {
		lines int
		write func(i int)
	}{
		{6, func(i int) {
			line(`    "[go]": { // language-specific settings, block %d`, i)
			line(`        "editor.defaultFormatter": "golang.go", // gofumpt through gopls`)
			line(`        "editor.codeActionsOnSave": { "source.organizeImports": "explicit" }, // on save`)
			line(`        "editor.rulers": [80, 100, 120], // column guides, preset %d`, i%7)
			line(`        "editor.snippetSuggestions": "none", /* keep the completion list short */`)
			line(`    },`)
		}},
		{12, func(i int) {
			line(`    "launch.configurations%d": [ // debug targets of service %d`, i, i%97)
			line(`        { // build and run with Delve`)
			line(`            "name": "Launch \"svc-%03d\" (dlv)", // quotes escaped in the display name`, i%1000)
			line(`            "type": "go", "request": "launch", "mode": "auto", // Delve picks debug or test`)
			line(`            "program": "C:\\Users\\dev\\src\\svc%03d\\cmd\\main.go", // a Windows path`, i%1000)
			line(`            "env": { "GOFLAGS": "-tags=integration", "PORT": "%d" }, // merged over the environment`, 8000+i%100)
			line(`            "args": ["-v", "--config=${workspaceFolder}/conf/svc%d.yaml",], // program flags`, i)
			line(`            "showLog": false, "trace": null, // no trace`)
			line(`        }, // end of the default configuration`)
			line(`        /* a second configuration: attach to a running process */`)
			line(`        { "name": "Attach %d", "type": "go", "request": "attach", "processId": 0 }, // picked at start`, i)
			line(`    ], // end of the launch configurations`)
		}},
		{8, func(i int) {
			line(`    "terminal.integrated.env.linux": { // the environment of shells started by the editor`)
			line(`        "PATH": "${env:HOME}/go/bin:${env:PATH}", // installed tools first`)
			line(`        "GREETING": "caf\u00e9 \u2014 na\u00efve \ud83d\ude00 \t tabbed %d", // unicode escapes`, i)
			line(`        "LANG": "fr_FR.UTF-8", // Français, déjà vu ✓ — non-ASCII in a comment`)
			line(`        "EMPTY": "", "ZERO": "0", "NEG": "-%d.5e-3", // odd values, still strings`, i%9)
			line(`        "MULTI": "line one\nline two\r\nline three\\n", // control characters escaped`)
			line(`        "SLASHES": "a\/b\/c", /* solidus escapes are valid */`)
			line(`    }, // end of the environment`)
		}},
		{5, func(i int) {
			line(`    "files.exclude": { // patterns hidden in the explorer, set %d`, i)
			line(`        "**/.git": true, "**/node_modules": true, "**/vendor%d": false, // shown`, i)
			line(`        "**/*.pb.go": { "when": "$(basename).proto" }, // generated code, hidden next to its .proto file`)
			line(`        "**/testdata/fixtures-%04d/**": true, // large golden fixtures`, i)
			line(`    },`)
		}},
		{4, func(i int) {
			line(`    "search.exclude": [ // arrays of strings with one nested array of mixed values`)
			line(`        "**/dist", "**/out", "**/build-%d", ["nested", %d, true, null], // mixed`, i, i)
			line(`        "**/*.min.js", "**/third_party/**", // minified and vendored files, trailing comma`)
			line(`    ],`)
		}},
		{9, func(i int) {
			line(`    // Editor appearance and behaviour, block %d.`, i)
			line(`    "editor.fontSize": %d, // points, larger on the external monitor`, 10+i%8)
			line(`    "editor.fontFamily": "'JetBrains Mono', Consolas, 'Courier New'", // fallbacks`)
			line(`    "editor.formatOnSave": %t, // gofmt on save, goimports through gopls`, i%2 == 0)
			line(`    "workbench.colorTheme": "Default Dark+", // Тема оформления ✓ (theme, in Russian)`)
			line(`    "window.zoomLevel": -%d.5e0, /* scientific notation is valid */`, i%3)
			line(`    "http.proxy": "http://proxy.corp.example.com:%d", // the corporate HTTP proxy for the marketplace`, 3128+i%10)
			line(`    "example.setting%d": null, "example.flag%d": false, // unset, kept to remember the old defaults`, i, i)
			line(`    "go.testFlags": ["-v", "-count=1", "-run=Test\u00e9%d"], // é in a test name, written as a \u escape`, i)
		}},
	}
	for i := 0; ; i++ {
		blk := blocks[i%len(blocks)]
		if lines+blk.lines > n-2 {
			break
		}
		blk.write(i)
	}
	for i := 0; lines < n-2; i++ {
		line(`    "example.tail%d": "value %d with \"quotes\" and a \\ backslash", // filler settings at the end`, i, i)
	}
	line(`    "editor.tabSize": 4 // the last member, without a trailing comma`)
	b.WriteString("}\n")
	lines++
	if lines != n {
		panic(fmt.Sprintf("benchdata.Realistic: %d lines, want %d", lines, n))
	}
	return b.String()
}

// GoMod is a 9-line go.mod.
const GoMod = `module git.corp.example.com/team/service

go 1.22

require (
	git.corp.example.com/lib/auth v1.4.0
	git.corp.example.com/lib/log v0.9.2
	golang.org/x/text v0.14.0
)
`
