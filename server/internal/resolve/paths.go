package resolve

import "github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"

// SubstitutePath expands a path written in a setting or launch.json
// (envFile, a GOENV value) the way the consumers' processes see it:
// ${env:NAME}, the workspace folder variables and a leading "~".
func SubstitutePath(s *sources.Snapshot, v string) string { return resolver{s: s}.substitute(v) }
