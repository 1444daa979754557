package goenv

// varDocs are one-line descriptions of the variables a user may set for the
// go command, condensed from `go help environment` (Go 1.26).
var varDocs = map[string]string{
	"GOPROXY":               "URL list of Go module proxies; \"direct\" fetches from the origin, \"off\" disallows downloads.",
	"GOSUMDB":               "The checksum database to use, optionally with its public key and URL; \"off\" disables it.",
	"GOPRIVATE":             "Comma-separated glob patterns of module path prefixes that are private: fetched directly, not checked against the checksum database.",
	"GONOPROXY":             "Comma-separated glob patterns of module path prefixes that are always fetched directly, not through GOPROXY.",
	"GONOSUMDB":             "Comma-separated glob patterns of module path prefixes that are not checked against the checksum database.",
	"GOINSECURE":            "Comma-separated glob patterns of module path prefixes that may be fetched insecurely (directly only; no checksum exemption).",
	"GOFLAGS":               "Space-separated -flag=value settings applied to go commands by default.",
	"GOAUTH":                "How the go command authenticates go-import and HTTPS module mirror requests (see 'go help goauth').",
	"GOTOOLCHAIN":           "Which Go toolchain is used: local, a version, or auto (see go.dev/doc/toolchain).",
	"GOVCS":                 "Which version control commands may be used with matching servers (see 'go help vcs').",
	"GOENV":                 "The location of the Go environment configuration file; \"off\" disables it. Not settable with 'go env -w'.",
	"GOROOT":                "The root of the go tree.",
	"GOPATH":                "Where various files are stored (see 'go help gopath').",
	"GOMODCACHE":            "The directory where the go command stores downloaded modules.",
	"GOBIN":                 "The directory where 'go install' installs a command.",
	"GO111MODULE":           "Module-aware mode or GOPATH mode: \"off\", \"on\" or \"auto\".",
	"AR":                    "The command to manipulate library archives when building with gccgo (default 'ar').",
	"CC":                    "The command to compile C code.",
	"CGO_CFLAGS":            "Flags cgo passes to the compiler when compiling C code.",
	"CGO_CFLAGS_ALLOW":      "A regular expression of additional flags allowed in #cgo CFLAGS directives.",
	"CGO_CFLAGS_DISALLOW":   "A regular expression of flags disallowed in #cgo CFLAGS directives.",
	"CGO_CPPFLAGS":          "Like CGO_CFLAGS, for the C preprocessor.",
	"CGO_CPPFLAGS_ALLOW":    "Like CGO_CFLAGS_ALLOW, for the C preprocessor.",
	"CGO_CPPFLAGS_DISALLOW": "Like CGO_CFLAGS_DISALLOW, for the C preprocessor.",
	"CGO_CXXFLAGS":          "Like CGO_CFLAGS, for the C++ compiler.",
	"CGO_CXXFLAGS_ALLOW":    "Like CGO_CFLAGS_ALLOW, for the C++ compiler.",
	"CGO_CXXFLAGS_DISALLOW": "Like CGO_CFLAGS_DISALLOW, for the C++ compiler.",
	"CGO_ENABLED":           "Whether the cgo command is supported: 0 or 1.",
	"CGO_FFLAGS":            "Like CGO_CFLAGS, for the Fortran compiler.",
	"CGO_FFLAGS_ALLOW":      "Like CGO_CFLAGS_ALLOW, for the Fortran compiler.",
	"CGO_FFLAGS_DISALLOW":   "Like CGO_CFLAGS_DISALLOW, for the Fortran compiler.",
	"CGO_LDFLAGS":           "Like CGO_CFLAGS, for the linker.",
	"CGO_LDFLAGS_ALLOW":     "Like CGO_CFLAGS_ALLOW, for the linker.",
	"CGO_LDFLAGS_DISALLOW":  "Like CGO_CFLAGS_DISALLOW, for the linker.",
	"CXX":                   "The command to compile C++ code.",
	"FC":                    "The command to compile Fortran code.",
	"GCCGO":                 "The gccgo command to run for 'go build -compiler=gccgo'.",
	"GCCGOTOOLDIR":          "Where to find gccgo tools, such as cgo.",
	"GIT_ALLOW_PROTOCOL":    "Git's colon-separated list of schemes allowed for fetch/clone; others are insecure for 'go get'.",
	"GO386":                 "For GOARCH=386, how to implement floating point: sse2 (default) or softfloat.",
	"GOAMD64":               "For GOARCH=amd64, the microarchitecture level: v1 (default), v2, v3, v4.",
	"GOARCH":                "The architecture for which to compile code (amd64, 386, arm, ppc64, ...).",
	"GOARM":                 "For GOARCH=arm, the ARM architecture: 5, 6 or 7, optionally ,softfloat or ,hardfloat.",
	"GOARM64":               "For GOARCH=arm64, the architecture version: v8.0 (default) to v9.5, optionally ,lse or ,crypto.",
	"GOCACHE":               "The directory where the go command stores cached build information (an absolute path).",
	"GOCACHEPROG":           "A command that implements an external go command build cache.",
	"GOCOVERDIR":            "Directory for the coverage data files of a \"go build -cover\" binary.",
	"GODEBUG":               "Debugging facilities for programs built with Go (see go.dev/doc/godebug). Not settable with 'go env -w'.",
	"GOEXPERIMENT":          "Comma-separated toolchain experiments to enable or disable (toolchain development only).",
	"GOFIPS140":             "The FIPS-140 cryptography mode for built binaries (default off).",
	"GOMIPS":                "For GOARCH=mips{,le}, hardfloat (default) or softfloat.",
	"GOMIPS64":              "For GOARCH=mips64{,le}, hardfloat (default) or softfloat.",
	"GOOS":                  "The operating system for which to compile code (linux, darwin, windows, ...).",
	"GOPPC64":               "For GOARCH=ppc64{,le}, the target ISA: power8 (default), power9, power10.",
	"GORISCV64":             "For GOARCH=riscv64, the application profile: rva20u64 (default), rva22u64, rva23u64.",
	"GOTMPDIR":              "Temporary directory for the go command and the testing package.",
	"GOWASM":                "For GOARCH=wasm, comma-separated experimental WebAssembly features (satconv, signext).",
	"GOWORK":                "The go.work file to use; \"off\" disables workspace mode, \"auto\" searches for one.",
	"GO_EXTLINK_ENABLED":    "Whether the linker uses external linking with -linkmode=auto and cgo: 0 or 1.",
	"PKG_CONFIG":            "Path to the pkg-config tool.",
}

// notSettable are go command variables nobody sets: `go env` computes or
// reports them (computedVars), and telemetry's, which 'go telemetry' manages.
var notSettable = set("GOTELEMETRY", "GOTELEMETRYDIR")

// SettableVars are the go command's variables a user may set, in
// goCommandVars's order (the module download variables first).
func SettableVars() []string {
	var out []string
	for _, v := range goCommandVars {
		if !computedVars[v] && !notSettable[v] {
			out = append(out, v)
		}
	}
	return out
}

// Doc is the one-line description of a settable variable ("" for others).
func Doc(name string) string { return varDocs[name] }
