package rules

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// CoverFixes are private-module-not-covered's fixes for a module path that
// need not be in go.mod (an error the go command printed names it): the
// narrowest pattern that covers it added to the lists of the named
// consumers that send it to a proxy outside its organisation or to the
// checksum database. None when no such consumer is named.
func CoverFixes(s *sources.Snapshot, consumers []*resolve.Consumer, path string, names []string) []findings.Fix {
	in := &Input{Snap: s, Consumers: consumers}
	f := findings.Finding{Consumers: names}
	in.coverFixes(&f, path)
	return f.Fixes
}
