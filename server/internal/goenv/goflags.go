package goenv

import (
	"fmt"
	"strings"
)

// Flag is one word of GOFLAGS (cmd/go/internal/base/goflags.go InitGOFLAGS).
type Flag struct {
	// Word is the word as cmd/go sees it, surrounding quotes removed.
	Word string
	// Start and End are the word's offsets in the value, quotes included.
	Start, End int
	// Name is the flag name without dashes or "=value" ("" for a non-flag).
	Name     string
	Value    string
	HasValue bool
	// Err is cmd/go's complaint about the word, without the
	// "go: parsing $GOFLAGS: " prefix: non-flag "x" or unknown flag -x.
	Err error
}

// ParseGOFLAGS splits GOFLAGS like cmd/internal/quoted.Split and checks each
// word like InitGOFLAGS. The error is quoted.Split's ("unterminated ' string"),
// which makes cmd/go reject the whole value.
func ParseGOFLAGS(value string) ([]Flag, error) {
	var out []Flag
	s := value
	off := 0
	for len(s) > 0 {
		for len(s) > 0 && isSpaceByte(s[0]) {
			s, off = s[1:], off+1
		}
		if len(s) == 0 {
			break
		}
		var f Flag
		if s[0] == '"' || s[0] == '\'' {
			quote := s[0]
			i := 1
			for i < len(s) && s[i] != quote {
				i++
			}
			if i >= len(s) {
				return out, fmt.Errorf("unterminated %c string", quote)
			}
			f = Flag{Word: s[1:i], Start: off, End: off + i + 1}
			s, off = s[i+1:], off+i+1
		} else {
			i := 0
			for i < len(s) && !isSpaceByte(s[i]) {
				i++
			}
			f = Flag{Word: s[:i], Start: off, End: off + i}
			s, off = s[i:], off+i
		}
		checkFlag(&f)
		out = append(out, f)
	}
	return out, nil
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func checkFlag(f *Flag) {
	w := f.Word
	if !strings.HasPrefix(w, "-") || w == "-" || w == "--" || strings.HasPrefix(w, "---") || strings.HasPrefix(w, "-=") || strings.HasPrefix(w, "--=") {
		f.Err = fmt.Errorf("non-flag %q", w)
		return
	}
	name := w[1:]
	if name[0] == '-' {
		name = name[1:]
	}
	if i := strings.Index(name, "="); i >= 0 {
		name, f.Value, f.HasValue = name[:i], name[i+1:], true
	}
	f.Name = name
	if !KnownFlag(name) {
		f.Err = fmt.Errorf("unknown flag -%s", name)
	}
}

// KnownFlag reports whether some go command defines the flag, which is what
// cmd/go's hasFlag(Go, name) checks for GOFLAGS: a flag unknown to every
// command is fatal, one unknown to the current command is ignored.
func KnownFlag(name string) bool {
	if goFlags[name] {
		return true
	}
	if t, ok := strings.CutPrefix(name, "test."); ok {
		return testFlags[t]
	}
	return false
}

// goFlags are the flags of every go subcommand (Go 1.21-1.26), collected from
// the Flag sets in $GOROOT/src/cmd/go and checked against the real go command
// by TestKnownFlagsAgreeWithGo.
var goFlags = set(
	"C", "a", "artifacts", "asan", "asmflags", "bench", "benchmem", "benchtime", "blockprofile",
	"blockprofilerate", "buildmode", "buildvcs", "c", "cache", "changed", "compat", "compiled", "compiler",
	"count", "cover", "covermode", "coverpkg", "coverprofile", "cpu", "cpuprofile", "d",
	"debug-actiongraph", "debug-runtime-trace", "debug-trace", "deps", "diff", "dropexclude",
	"dropgodebug", "dropignore", "dropreplace", "droprequire", "dropretract", "droptool", "dropuse", "e",
	"exclude", "exec", "export", "f", "failfast", "find", "fix", "fmt", "fullpath", "fuzz", "fuzzcache",
	"fuzzminimizetime", "fuzztime", "gccgoflags", "gcflags", "go", "godebug", "i", "ignore", "insecure",
	"installsuffix", "json", "ldflags", "linkshared", "list", "m", "memprofile", "memprofilerate", "mod",
	"modcache", "modcacherw", "modfile", "module", "msan", "mutexprofile", "mutexprofilefraction", "n",
	"o", "outputdir", "overlay", "p", "parallel", "pgo", "pkgdir", "print", "r", "race", "replace",
	"require", "retract", "retracted", "reuse", "run", "short", "shuffle", "skip", "t", "tags", "test",
	"testcache", "timeout", "tool", "toolchain", "toolexec", "trace", "trimpath", "u", "use", "v",
	"vendor", "versions", "vet", "vettool", "w", "work", "x",
)

// testFlags are go test's flags that also exist as -test.<name>.
var testFlags = set(
	"artifacts", "bench", "benchmem", "benchtime", "blockprofile", "blockprofilerate", "count",
	"coverprofile", "cpu", "cpuprofile", "failfast", "fullpath", "fuzz", "fuzzminimizetime", "fuzztime",
	"list", "memprofile", "memprofilerate", "mutexprofile", "mutexprofilefraction", "outputdir",
	"parallel", "run", "short", "shuffle", "skip", "timeout", "trace", "v",
)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
