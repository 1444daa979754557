package explain

import (
	"slices"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// patternVars are the variables whose values are module path pattern
// lists (module.MatchPrefixPatterns).
var patternVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"}

// PatternList is one pattern list value, each pattern with the folder's
// required modules it matches.
type PatternList struct {
	Value     string    `json:"value"` // redacted
	Consumers []string  `json:"consumers,omitempty"`
	Patterns  []Pattern `json:"patterns"`
}

// Pattern is one glob of a list.
type Pattern struct {
	Glob string `json:"pattern"`
	// Modules are the folder's required module paths it matches.
	Modules []string `json:"modules"`
	// Problem says why it can never match a module path ("": none).
	Problem string `json:"problem,omitempty"`
}

// requiredPaths are the module paths the folder's go.mod and go.work files require.
func requiredPaths(s *sources.Snapshot) []string {
	var out []string
	for _, f := range append([]*sources.ModFile{s.GoMod, s.GoWork}, s.NestedMods...) {
		if f == nil {
			continue
		}
		for _, r := range f.Require {
			if !slices.Contains(out, r.Path) {
				out = append(out, r.Path)
			}
		}
	}
	return out
}

func patternList(raw string, consumers []string, s *sources.Snapshot) PatternList {
	l := PatternList{Value: redact.RedactText(raw), Consumers: consumers, Patterns: []Pattern{}}
	mods := requiredPaths(s)
	for _, p := range goenv.SplitPatterns(raw) {
		pt := Pattern{Glob: redact.RedactText(p.Raw), Modules: []string{}, Problem: p.Problem()}
		for _, m := range mods {
			if p.Matches(m) {
				pt.Modules = append(pt.Modules, m)
			}
		}
		l.Patterns = append(l.Patterns, pt)
	}
	return l
}
