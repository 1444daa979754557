package report

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

// FilterConsumers keeps the consumers whose name matches one of the
// patterns, in their order. Each pattern is a name, a comma-separated list
// of names, or a glob where * matches any run of characters (slashes too:
// "ci:*" is every GitHub Actions job, "docker:*#builder" every builder
// stage) and ? one character. No pattern keeps every consumer; a pattern
// that matches none is an error naming the consumers there are.
func FilterConsumers(consumers []*resolve.Consumer, patterns []string) ([]*resolve.Consumer, error) {
	var globs []*regexp.Regexp
	var texts []string
	for _, p := range patterns {
		for _, one := range strings.Split(p, ",") {
			one = strings.TrimSpace(one)
			if one == "" {
				continue
			}
			var b strings.Builder
			b.WriteString("^")
			for _, r := range one {
				switch r {
				case '*':
					b.WriteString(".*")
				case '?':
					b.WriteString(".")
				default:
					b.WriteString(regexp.QuoteMeta(string(r)))
				}
			}
			b.WriteString("$")
			globs = append(globs, regexp.MustCompile(b.String()))
			texts = append(texts, one)
		}
	}
	if len(globs) == 0 {
		return consumers, nil
	}
	var out []*resolve.Consumer
	used := make([]bool, len(globs))
	for _, c := range consumers {
		keep := false
		for i, g := range globs {
			if g.MatchString(c.Name) {
				used[i], keep = true, true
			}
		}
		if keep {
			out = append(out, c)
		}
	}
	for i, u := range used {
		if !u {
			names := make([]string, len(consumers))
			for j, c := range consumers {
				names[j] = c.Name
			}
			return nil, fmt.Errorf("no consumer matches %q (the folder's consumers: %s)", texts[i], strings.Join(names, ", "))
		}
	}
	return out, nil
}
