package verify

import (
	"fmt"
	"strings"

	"golang.org/x/mod/module"
)

// govcsRule is one pattern:vcs|vcs... entry of GOVCS.
type govcsRule struct {
	pattern string
	allowed []string
}

// defaultGOVCS is what cmd/go always appends to GOVCS (vcs/vcs.go).
var defaultGOVCS = []govcsRule{
	{"private", []string{"all"}},
	{"public", []string{"git", "hg"}},
}

// parseGOVCS is cmd/go's (vcs/vcs.go parseGOVCS), with the default rules
// appended.
func parseGOVCS(s string) ([]govcsRule, error) {
	s = strings.TrimSpace(s)
	var rules []govcsRule
	if s != "" {
		have := map[string]string{}
		for _, item := range strings.Split(s, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				return nil, fmt.Errorf("empty entry in GOVCS")
			}
			pattern, list, found := strings.Cut(item, ":")
			if !found {
				return nil, fmt.Errorf("malformed entry in GOVCS (missing colon): %q", item)
			}
			pattern, list = strings.TrimSpace(pattern), strings.TrimSpace(list)
			if pattern == "" {
				return nil, fmt.Errorf("empty pattern in GOVCS: %q", item)
			}
			if list == "" {
				return nil, fmt.Errorf("empty VCS list in GOVCS: %q", item)
			}
			if isRelativePath(pattern) {
				return nil, fmt.Errorf("relative pattern not allowed in GOVCS: %q", pattern)
			}
			if old := have[pattern]; old != "" {
				return nil, fmt.Errorf("unreachable pattern in GOVCS: %q after %q", item, old)
			}
			have[pattern] = item
			allowed := strings.Split(list, "|")
			for i, a := range allowed {
				a = strings.TrimSpace(a)
				if a == "" {
					return nil, fmt.Errorf("empty VCS name in GOVCS: %q", item)
				}
				allowed[i] = a
			}
			rules = append(rules, govcsRule{pattern, allowed})
		}
	}
	return append(rules, defaultGOVCS...), nil
}

// isRelativePath is cmd/go's search.IsRelativePath.
func isRelativePath(pattern string) bool {
	return strings.HasPrefix(pattern, "./") || strings.HasPrefix(pattern, "../") || pattern == "." || pattern == ".."
}

// checkGOVCS is cmd/go's: whether GOVCS allows vcs for the repository root
// (the go-import prefix); "private" means a GOPRIVATE match. The "mod"
// protocol is always allowed.
func (r Routing) checkGOVCS(vcs, root string) error {
	if vcs == "mod" {
		return nil
	}
	if r.GOVCSErr != nil {
		return r.GOVCSErr
	}
	private := module.MatchPrefixPatterns(r.GOPRIVATE, root)
	for _, rule := range r.govcs {
		var match bool
		switch rule.pattern {
		case "private":
			match = private
		case "public":
			match = !private
		default:
			match = module.MatchPrefixPatterns(rule.pattern, root)
		}
		if !match {
			continue
		}
		for _, a := range rule.allowed {
			if a == vcs || a == "all" {
				return nil
			}
		}
		break
	}
	what := "public"
	if private {
		what = "private"
	}
	return fmt.Errorf("GOVCS disallows using %s for %s %s; see 'go help vcs'", vcs, what, root)
}
