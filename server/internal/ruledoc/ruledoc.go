// Package ruledoc owns what is said about each diagnostic code outside the
// finding itself: the page under docs/rules/ that explains it, the link to
// that page (LSP codeDescription.href, SARIF helpUri) and the rule metadata
// SARIF and other CI formats carry. The pages are the long form; Catalogue
// holds their one-sentence summaries, and a test keeps the two in step with
// shared/contract.json.
package ruledoc

import (
	"maps"
	"slices"
	"strings"
)

// Base is where the rule pages are published: the repository named by
// package.json's "repository", its main branch, docs/rules/. A fork or a
// mirror sets its own at build time:
//
//	go build -ldflags "-X github.com/go-proxy-doctor/go-proxy-doctor/server/internal/ruledoc.Base=https://example.com/doctor/docs/rules/" ./server/cmd/goproxy-doctor
var Base = "https://github.com/go-proxy-doctor/go-proxy-doctor/blob/main/docs/rules/"

// Rule is the metadata of one diagnostic code.
type Rule struct {
	Code string
	// Name is the code in UpperCamelCase (SARIF reportingDescriptor.name).
	Name string
	// Severity is the usual severity (shared/contract.json): error, warning
	// or information. A finding may be raised or lowered from it.
	Severity string
	// Short is the page's summary sentence: what the code reports.
	Short string
	// Full says why it matters, in a sentence or two.
	Full string
	// Fix says how to fix it, in a sentence or two.
	Fix string
}

// Lookup returns the metadata of code.
func Lookup(code string) (Rule, bool) {
	r, ok := catalogue[code]
	if !ok {
		return Rule{}, false
	}
	r.Code = code
	r.Name = name(code)
	return r, true
}

// Codes returns every documented code, sorted.
func Codes() []string {
	return slices.Sorted(maps.Keys(catalogue))
}

// URL is the page of code ("" for a code without one).
func URL(code string) string {
	if _, ok := catalogue[code]; !ok {
		return ""
	}
	return Base + code + ".md"
}

// name is a kebab-case code in UpperCamelCase: env-divergence → EnvDivergence.
func name(code string) string {
	var b strings.Builder
	for _, part := range strings.Split(code, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
