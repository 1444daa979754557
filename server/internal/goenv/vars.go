package goenv

import (
	"slices"
	"strings"
)

// goCommandVars are the variables the go command reads or reports: the
// variables of `go help environment` (Go 1.26) and internal/cfg.KnownEnv.
// A GOENV file line is used only for these.
var goCommandVars = []string{
	// Listed first: did-you-mean prefers them on ties.
	"GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOFLAGS", "GOAUTH",
	"GOTOOLCHAIN", "GOVCS", "GOENV", "GOROOT", "GOPATH", "GOMODCACHE", "GOBIN", "GO111MODULE",
	"AR", "CC", "CGO_CFLAGS", "CGO_CFLAGS_ALLOW", "CGO_CFLAGS_DISALLOW", "CGO_CPPFLAGS",
	"CGO_CPPFLAGS_ALLOW", "CGO_CPPFLAGS_DISALLOW", "CGO_CXXFLAGS", "CGO_CXXFLAGS_ALLOW",
	"CGO_CXXFLAGS_DISALLOW", "CGO_ENABLED", "CGO_FFLAGS", "CGO_FFLAGS_ALLOW", "CGO_FFLAGS_DISALLOW",
	"CGO_LDFLAGS", "CGO_LDFLAGS_ALLOW", "CGO_LDFLAGS_DISALLOW", "CXX", "FC", "GCCGO", "GCCGOTOOLDIR",
	"GIT_ALLOW_PROTOCOL", "GO386", "GOAMD64", "GOARCH", "GOARM", "GOARM64", "GOCACHE", "GOCACHEPROG",
	"GOCOVERDIR", "GODEBUG", "GOEXE", "GOEXPERIMENT", "GOFIPS140", "GOGCCFLAGS", "GOHOSTARCH", "GOHOSTOS",
	"GOMIPS", "GOMIPS64", "GOMOD", "GOOS", "GOPPC64", "GORISCV64", "GOTELEMETRY", "GOTELEMETRYDIR",
	"GOTMPDIR", "GOTOOLDIR", "GOVERSION", "GOWASM", "GOWORK", "GO_EXTLINK_ENABLED", "PKG_CONFIG",
}

// otherGoVars are GO-prefixed variables that are legitimate outside the go
// command's own configuration: the runtime's, the race detector's, gopls and
// x/tools', and the ones vscode-go sets for gopls.
var otherGoVars = []string{
	"GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GOTRACEBACK", "GORACE", "GOROOT_BOOTSTRAP", "GOROOT_FINAL",
	"GOPACKAGESDRIVER", "GOVULNDB", "GOPLSPATH",
}

// foreignPrefixes start names that look like GO* variables but belong to
// other software (Google Cloud, golangci-lint, GoReleaser, gotestsum, ...).
var foreignPrefixes = []string{
	"GOOGLE", "GOLANG", "GORELEASER", "GOTESTSUM", "GOPHER", "GOSEC", "GOTELEMETRY_", "GOPLS_", "GOCOVMERGE",
}

var (
	goCommandSet = set(goCommandVars...)
	knownGoSet   = set(append(append([]string{}, goCommandVars...), otherGoVars...)...)
)

// IsGoCommandVar reports whether the go command knows the variable (so a
// GOENV file line setting it is used).
func IsGoCommandVar(name string) bool { return goCommandSet[name] }

// IsKnownGoVar reports whether name is a variable some Go program reads:
// the go command's, the runtime's or the Go tools'.
func IsKnownGoVar(name string) bool { return knownGoSet[name] }

// LooksLikeGoVar reports whether name looks like a Go configuration variable:
// it starts with "GO" in any case and no other product's prefix.
func LooksLikeGoVar(name string) bool {
	up := strings.ToUpper(name)
	if !strings.HasPrefix(up, "GO") || len(up) < 3 {
		return false
	}
	for _, p := range foreignPrefixes {
		if strings.HasPrefix(up, p) {
			return false
		}
	}
	return true
}

// Suggest returns the go command variable name most likely meant by an
// unknown name ("" when none is close): the same letters in another case or
// without underscores, a name within a small edit distance, or a name that
// shares a long prefix (GONOSUMCHECK → GONOSUMDB).
func Suggest(name string) string {
	up := strings.ToUpper(name)
	norm := strings.ReplaceAll(up, "_", "")
	for _, v := range goCommandVars {
		if up == v || norm == strings.ReplaceAll(v, "_", "") {
			return v
		}
	}
	best, bestDist := "", 0
	limit := 2
	if len(up) <= 5 {
		limit = 1
	}
	for _, v := range goCommandVars {
		// The distance is at least the difference in length.
		if abs(len(up)-len(v)) > limit {
			continue
		}
		if d := editDistanceWithin(up, v, limit); d <= limit && (best == "" || d < bestDist) {
			best, bestDist = v, d
		}
	}
	if best != "" {
		return best
	}
	bestPrefix := 0
	for _, v := range goCommandVars {
		if n := commonPrefix(up, v); n >= 6 && n > bestPrefix {
			best, bestPrefix = v, n
		}
	}
	return best
}

// EditDistance is the optimal string alignment distance (Levenshtein with
// adjacent transpositions).
func EditDistance(a, b string) int { return editDistanceWithin(a, b, -1) }

// editDistanceWithin is EditDistance, except that once the distance is
// known to exceed limit (≥ 0) it returns a value over limit without
// finishing: a row's minimum never decreases from one row to the next.
func editDistanceWithin(a, b string, limit int) int {
	// Three rows; for the short names compared here, on the stack.
	var buf [3 * 40]int
	var rows []int
	if 3*(len(b)+1) <= len(buf) {
		rows = buf[:3*(len(b)+1)]
	} else {
		rows = make([]int, 3*(len(b)+1))
	}
	n := len(b) + 1
	prev2, prev, cur := rows[:n:n], rows[n:2*n:2*n], rows[2*n:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		if limit >= 0 && slices.Min(cur) > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// computedVars are go command variables `go env` computes and nobody sets: a
// name close to one (GO_VERSION in CI images) is something else's.
var computedVars = set("GOEXE", "GOGCCFLAGS", "GOHOSTARCH", "GOHOSTOS", "GOMOD", "GOTOOLDIR", "GOVERSION")

// downloadVars are the module download variables: the only ones a name with
// an underscore added (GO_PROXY) is taken to mean in the process environment.
var downloadVars = set("GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOFLAGS", "GOAUTH", "GOTOOLCHAIN")

// SuggestInEnv is Suggest for a name found in an OS environment, which holds
// every program's variables and not only Go's: it returns the go command
// variable a name is surely a misspelling of, or "". Only upper-case
// GO-prefixed names that no Go program reads are considered; a name with an
// underscore is one only when dropping the underscores gives a download
// variable (GO_PROXY), since an added word (GOPROXY_URL, GO_VERSION) is some
// other program's variable; otherwise the name must be within edit distance 1
// of a settable go command variable of 6 or 7 letters (GOPROXI, GOSUMBD) or 2
// of a longer one (GOPRIVTE, GONOSUMBD). Names of 5 letters or fewer (GOOS,
// GOBIN, GOARM) are too short to tell a typo from another program's name.
func SuggestInEnv(name string) string {
	if name != strings.ToUpper(name) || !LooksLikeGoVar(name) || IsKnownGoVar(name) {
		return ""
	}
	if strings.Contains(name, "_") {
		if n := strings.ReplaceAll(name, "_", ""); downloadVars[n] {
			return n
		}
		return ""
	}
	best, bestDist := "", 0
	for _, v := range goCommandVars {
		if !strings.HasPrefix(v, "GO") || computedVars[v] || len(v) < 6 || strings.Contains(v, "_") {
			continue
		}
		limit := 1
		if len(v) >= 8 {
			limit = 2
		}
		if abs(len(name)-len(v)) > limit {
			continue // the distance is at least the difference in length
		}
		if d := editDistanceWithin(name, v, limit); d <= limit && (best == "" || d < bestDist) {
			best, bestDist = v, d
		}
	}
	return best
}
