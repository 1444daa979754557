// Package arch holds the test that keeps the package graph and
// ARCHITECTURE.md in agreement: each invariant the document states is
// checked here over `go list -deps` and the packages' syntax.
package arch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/go-proxy-doctor/go-proxy-doctor"

func internal(name string) string { return module + "/server/internal/" + name }

var (
	lspPkg     = internal("lsp")
	sourcesPkg = internal("sources")
	cmdPkg     = module + "/server/cmd/goproxy-doctor"
)

// pure are the packages that start no process and touch no network: they
// compute on what they are given (ARCHITECTURE.md, "Invariants").
var pure = []string{
	internal("sources"), internal("sources/buildenv"), internal("resolve"), internal("rules"),
	internal("fix"), internal("findings"), internal("fixplan"), internal("goenv"),
	internal("position"), internal("redact"), internal("clip"), internal("ruledoc"),
	internal("writepolicy"), internal("wslnet"),
	internal("complete"),
}

// frontEnds reach the pipeline only through engine.
var frontEnds = []string{cmdPkg, lspPkg, internal("session")}

// pipeline are the functions that make up load → resolve → confirm →
// diagnose and Verify: engine assembles them, nobody else.
var pipeline = map[string]func(name string) bool{
	internal("resolve"): is("Resolve"),
	internal("rules"):   is("Run", "Planner"),
	internal("verify"):  is("Run", "Targets", "Health", "Offers", "Findings", "FolderModules"),
	internal("sources"): func(name string) bool { return strings.HasPrefix(name, "Parse") },
	// engine's model-only helpers are for tests.
	internal("engine"): is("Resolve", "Diagnose", "DiagnoseWithoutFixes"),
}

// impure are imports that start processes or talk to the network.
var impure = []string{"os/exec", "net/http", "crypto/tls", "net/rpc", "net/smtp", "plugin"}

// netAllowed are the parts of package net that only compute on values.
var netAllowed = is("ParseIP", "ParseCIDR", "IP", "IPNet", "IPMask", "SplitHostPort", "JoinHostPort",
	"IPv4", "IPv4Mask", "CIDRMask", "ParseMAC", "HardwareAddr", "IPv4len", "IPv6len", "AddrError", "ParseError")

// processOrSocket are functions of os and syscall that start a process or
// open a socket.
var processOrSocket = map[string]func(string) bool{
	"os":      is("StartProcess", "FindProcess"),
	"syscall": is("Exec", "ForkExec", "StartProcess", "Socket", "Connect", "Bind", "Listen"),
}

func is(names ...string) func(string) bool {
	return func(n string) bool { return slices.Contains(names, n) }
}

type pkg struct {
	ImportPath   string
	Dir          string
	Standard     bool
	GoFiles      []string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Deps         []string
}

func (p *pkg) allImports() []string {
	return slices.Concat(p.Imports, p.TestImports, p.XTestImports)
}

func loadPackages(t *testing.T) map[string]*pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-deps", "-test=false", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*pkg{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		pkgs[p.ImportPath] = &p
	}
	for _, want := range slices.Concat(pure, frontEnds) {
		if pkgs[want] == nil {
			t.Fatalf("go list does not list %s: the invariants name a package that no longer exists", want)
		}
	}
	return pkgs
}

// ours lists the module's own packages, sorted.
func ours(pkgs map[string]*pkg) []*pkg {
	var out []*pkg
	for path, p := range pkgs {
		if path == module || strings.HasPrefix(path, module+"/") {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *pkg) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	return out
}

// onlyLSPSpeaksLSP: no package but lsp imports go.lsp.dev, tests included.
func onlyLSPSpeaksLSP(pkgs map[string]*pkg) []string {
	var bad []string
	for _, p := range ours(pkgs) {
		if p.ImportPath == lspPkg {
			continue
		}
		for _, imp := range p.allImports() {
			if strings.HasPrefix(imp, "go.lsp.dev/") {
				bad = append(bad, fmt.Sprintf("%s imports %s: only lsp knows JSON-RPC", p.ImportPath, imp))
			}
		}
	}
	return bad
}

// onlySourcesParsesModFiles: go.mod and go.work are parsed in sources alone.
func onlySourcesParsesModFiles(pkgs map[string]*pkg) []string {
	var bad []string
	for _, p := range ours(pkgs) {
		if p.ImportPath != sourcesPkg && slices.Contains(p.allImports(), "golang.org/x/mod/modfile") {
			bad = append(bad, p.ImportPath+" imports golang.org/x/mod/modfile: only sources parses go.mod/go.work")
		}
	}
	return bad
}

// pureDependencies: a pure package neither imports nor depends on anything
// that starts a process or speaks to the network. Standard-library packages
// in its dependencies may import net/http (x/net/publicsuffix brings
// net/http/cookiejar for an interface): what counts is that no package
// outside the standard library, and none of ours, imports it.
func pureDependencies(pkgs map[string]*pkg) []string {
	var bad []string
	for _, path := range pure {
		p := pkgs[path]
		if slices.Contains(p.Deps, "os/exec") {
			bad = append(bad, path+" depends on os/exec")
		}
		for _, dep := range append([]string{path}, p.Deps...) {
			q := pkgs[dep]
			if q == nil || q.Standard {
				continue
			}
			for _, imp := range q.Imports {
				if slices.Contains(impure, imp) {
					if dep == path {
						bad = append(bad, fmt.Sprintf("%s imports %s", path, imp))
					} else {
						bad = append(bad, fmt.Sprintf("%s depends on %s, which imports %s", path, dep, imp))
					}
				}
			}
		}
	}
	return bad
}

// file is one parsed non-test Go file of a package.
type file struct {
	name string
	ast  *ast.File
}

func parseFiles(t *testing.T, p *pkg) []file {
	t.Helper()
	fset := token.NewFileSet()
	var out []file
	for _, name := range p.GoFiles {
		path := filepath.Join(p.Dir, name)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, file{path, f})
	}
	return out
}

// uses calls visit for every pkg.Name selector in f whose pkg is an import
// (by its path, whatever name the file gives it).
func uses(f *ast.File, visit func(importPath, name string, pos token.Pos)) {
	names := map[string]string{}
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = path
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok {
			if path, ok := names[id.Name]; ok {
				visit(path, sel.Sel.Name, sel.Pos())
			}
		}
		return true
	})
}

// pureCalls: the pure packages' code names no dialer, listener, resolver or
// process starter.
func pureCalls(files []file) []string {
	var bad []string
	for _, f := range files {
		uses(f.ast, func(path, name string, _ token.Pos) {
			switch {
			case path == "net" && !netAllowed(name):
				bad = append(bad, fmt.Sprintf("%s uses net.%s", f.name, name))
			case processOrSocket[path] != nil && processOrSocket[path](name):
				bad = append(bad, fmt.Sprintf("%s uses %s.%s", f.name, path, name))
			}
		})
	}
	return bad
}

// pipelineThroughEngine: the CLI, the language server and its session call
// no pipeline stage themselves.
func pipelineThroughEngine(files []file) []string {
	var bad []string
	for _, f := range files {
		uses(f.ast, func(path, name string, _ token.Pos) {
			if stage := pipeline[path]; stage != nil && stage(name) {
				bad = append(bad, fmt.Sprintf("%s calls %s.%s: the pipeline is engine.Check/engine.Verify", f.name, path[strings.LastIndex(path, "/")+1:], name))
			}
		})
	}
	return bad
}

func report(t *testing.T, bad []string) {
	t.Helper()
	for _, b := range bad {
		t.Error(b)
	}
}

func TestInvariants(t *testing.T) {
	pkgs := loadPackages(t)
	t.Run("only lsp imports go.lsp.dev", func(t *testing.T) { report(t, onlyLSPSpeaksLSP(pkgs)) })
	t.Run("only sources imports modfile", func(t *testing.T) { report(t, onlySourcesParsesModFiles(pkgs)) })
	t.Run("pure packages depend on no process or network package", func(t *testing.T) { report(t, pureDependencies(pkgs)) })
	t.Run("pure packages call no dialer or process", func(t *testing.T) {
		var files []file
		for _, path := range pure {
			files = append(files, parseFiles(t, pkgs[path])...)
		}
		report(t, pureCalls(files))
	})
	t.Run("front ends reach the pipeline through engine", func(t *testing.T) {
		var files []file
		for _, path := range frontEnds {
			files = append(files, parseFiles(t, pkgs[path])...)
		}
		report(t, pipelineThroughEngine(files))
	})
}

// The checks find what they look for: each is given a graph or a file that
// breaks its invariant.
func TestChecksCatchViolations(t *testing.T) {
	pkgs := map[string]*pkg{
		lspPkg:              {ImportPath: lspPkg, Imports: []string{"go.lsp.dev/protocol"}},
		internal("session"): {ImportPath: internal("session"), TestImports: []string{"go.lsp.dev/jsonrpc2"}},
		internal("rules"):   {ImportPath: internal("rules"), Imports: []string{"golang.org/x/mod/modfile"}, Deps: []string{"example.com/leaky", "net/http"}},
		"example.com/leaky": {ImportPath: "example.com/leaky", Imports: []string{"net/http"}},
		"net/http":          {ImportPath: "net/http", Standard: true, Imports: []string{"crypto/tls"}},
	}
	for _, p := range pure {
		if pkgs[p] == nil {
			pkgs[p] = &pkg{ImportPath: p}
		}
	}
	pkgs[internal("resolve")].Imports = []string{"os/exec"}
	pkgs[internal("resolve")].Deps = []string{"os/exec"}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"lsp", onlyLSPSpeaksLSP(pkgs), []string{internal("session") + " imports go.lsp.dev/jsonrpc2"}},
		{"modfile", onlySourcesParsesModFiles(pkgs), []string{internal("rules") + " imports golang.org/x/mod/modfile"}},
		{"deps", pureDependencies(pkgs), []string{
			internal("resolve") + " depends on os/exec",
			internal("resolve") + " imports os/exec",
			internal("rules") + " depends on example.com/leaky, which imports net/http",
		}},
	} {
		if len(c.got) != len(c.want) {
			t.Errorf("%s: got %q; want %d violations", c.name, c.got, len(c.want))
			continue
		}
		for i := range c.want {
			if !strings.HasPrefix(c.got[i], c.want[i]) {
				t.Errorf("%s: violation %d is %q; want it to start %q", c.name, i, c.got[i], c.want[i])
			}
		}
	}

	src := `package x
import (
	"net"
	nt "net"
	"os"
	eng "github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)
func f() {
	net.ParseIP("127.0.0.1")
	nt.Dial("tcp", "127.0.0.1:1")
	os.StartProcess("x", nil, nil)
	eng.Resolve(nil)
	sources.ParseJSONC(nil)
	sources.ModFileIncluded("", "")
}
`
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	files := []file{{"x.go", f}}
	if got := pureCalls(files); len(got) != 2 || !strings.Contains(got[0], "net.Dial") || !strings.Contains(got[1], "os.StartProcess") {
		t.Errorf("pureCalls = %q; want net.Dial (under its alias) and os.StartProcess", got)
	}
	if got := pipelineThroughEngine(files); len(got) != 2 || !strings.Contains(got[0], "resolve.Resolve") || !strings.Contains(got[1], "sources.ParseJSONC") {
		t.Errorf("pipelineThroughEngine = %q; want resolve.Resolve (under its alias) and sources.ParseJSONC", got)
	}
}
