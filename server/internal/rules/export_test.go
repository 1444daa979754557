package rules

import "github.com/go-proxy-doctor/go-proxy-doctor/server/internal/fix"

// FixTargets returns what a fix's operations may edit in a JSONC file that
// exists (false for a file it creates or a GOENV file).
func FixTargets(fx Fix, file string) ([]fix.Target, bool) {
	t, ok := fx.targets[file]
	return t, ok
}
