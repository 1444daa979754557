// Command goproxy-doctor shows, per workspace folder and per process that runs
// the go command (terminal, gopls, tools, install, debug, tasks), the effective
// Go proxy environment and where each value comes from, and reports settings
// that diverge or are wrong. `serve` runs the same engine as a language server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// version is set by the build (-ldflags -X main.version=...).
var version = "dev"

// usage is the overview `goproxy-doctor help` prints; each command's line is
// the synopsis its own --help shows.
var usage = func() string {
	var b strings.Builder
	b.WriteString("goproxy-doctor: the effective Go proxy environment per editor and terminal process\n\nUsage:\n")
	for _, name := range []string{"env", "check", "verify", "explain", "explain-error", "serve", "version"} {
		fmt.Fprintln(&b, strings.TrimRight(fmt.Sprintf("  goproxy-doctor %-6s %s", name, commands[name].synopsis), " "))
	}
	b.WriteString(`  goproxy-doctor help   [COMMAND]

Each command has its own flags: 'goproxy-doctor COMMAND --help' lists them.
An unknown flag, or a flag of another command, is a usage error.

` + folderAbout + `

` + trustAbout + `
Exit status: 0 no error-severity finding, 1 an error-severity finding (check --fail-on
sets the level), 2 usage or internal failure.
`)
	return b.String()
}()

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// exit statuses (SPEC §8).
const (
	exitOK      = 0
	exitFinding = 1
	exitUsage   = 2
)

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version", "-version":
		fs := newFlagSet("version")
		if code, done := parseFlags(fs, rest, stdout, stderr); done {
			return code
		}
		fmt.Fprintf(stdout, "goproxy-doctor %s\n", version)
		return exitOK
	case "serve", "--stdio":
		fs := newFlagSet("serve")
		fs.Bool("stdio", false, "talk LSP over stdin and stdout (the default and only transport)")
		if code, done := parseFlags(fs, rest, stdout, stderr); done {
			return code
		}
		return serve(ctx, stdin, stdout, stderr)
	case "env":
		return runEnv(ctx, rest, stdout, stderr, environ)
	case "check":
		return runCheck(ctx, rest, stdout, stderr, environ)
	case "verify":
		return runVerify(ctx, rest, stdout, stderr, environ)
	case "explain":
		return runExplain(ctx, rest, stdout, stderr, environ)
	case "explain-error":
		return runExplainError(ctx, rest, stdin, stdout, stderr, environ)
	case "help", "-h", "--help", "-help":
		switch {
		case len(rest) == 0:
			fmt.Fprint(stdout, usage)
			return exitOK
		case len(rest) > 1:
			fmt.Fprintf(stderr, "goproxy-doctor help: takes one command, got %q\n", rest)
			return exitUsage
		}
		if _, ok := commands[rest[0]]; !ok {
			fmt.Fprintf(stderr, "goproxy-doctor help: unknown command %q\n\n%s", rest[0], usage)
			return exitUsage
		}
		// The command's own flag set prints its help.
		return run(ctx, []string{rest[0], "--help"}, stdin, stdout, stderr, environ)
	}
	if strings.HasPrefix(cmd, "-") {
		fmt.Fprintf(stderr, "goproxy-doctor: %s before the command: flags go after it (goproxy-doctor COMMAND %[1]s)\n\n%s", cmd, usage)
		return exitUsage
	}
	fmt.Fprintf(stderr, "goproxy-doctor: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// folderFlags are the flags of every command that examines a folder.
type folderFlags struct {
	folder   string
	settings stringList
	trust    bool
}

func (f *folderFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.folder, "folder", ".", "workspace folder `DIR` to examine")
	fs.Var(&f.settings, "settings", "VS Code settings `FILE` to use as user settings (or a .code-workspace file); repeatable")
	fs.BoolVar(&f.trust, "trust-workspace", false, trustUsage)
}

// runEnv is `goproxy-doctor env`: the effective environment per consumer.
func runEnv(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	fs := newFlagSet("env")
	var ff folderFlags
	ff.register(fs)
	asJSON := fs.Bool("json", false, "print JSON (SPEC §8 shape) instead of the table")
	wide := fs.Bool("wide", false, "print values whole instead of fitting the table to the terminal ($COLUMNS, else 120 columns)")
	var only stringList
	fs.Var(&only, "consumer", "show only consumer `C` (repeatable; a comma list; a glob such as ci:* or docker:*)")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	dir, res, code := loadFolder(ctx, "env", ff.folder, ff.settings, ff.trust, stderr, environ)
	if code != exitOK {
		return code
	}
	consumers, err := report.FilterConsumers(res.Consumers, only)
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor env: --consumer: %v\n", err)
		return exitUsage
	}
	e := report.EnvJSON(dir, consumers)
	if *asJSON {
		if err := report.WriteJSON(stdout, e); err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor env: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	fmt.Fprint(stdout, e.TextWith(report.TextOptions{Width: columns(environ), Wide: *wide, ShellTerminal: true}))
	shellNotes(stdout, res.Findings)
	return exitOK
}

// shellNotes adds to the env table what the shell start-up files say
// about the terminal column: what a new shell would see instead, and
// variables they set without export (check reports the same, on the lines).
func shellNotes(w io.Writer, fs []findings.Finding) {
	first := true
	for _, f := range fs {
		if f.Code != "shell-env-stale" && f.Code != "shell-var-not-exported" || !slices.Contains(f.Consumers, "terminal") {
			continue
		}
		if first {
			fmt.Fprint(w, "\nYour shell's start-up files:\n")
			first = false
		}
		fmt.Fprintf(w, "  %s\n", f.Message)
	}
}

// columns is the terminal's width from $COLUMNS (0: unknown).
func columns(environ []string) int {
	n, err := strconv.Atoi(engine.EnvMap(environ)["COLUMNS"])
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// runCheck is `goproxy-doctor check`: the findings, optionally fixed first.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	fs := newFlagSet("check")
	var ff folderFlags
	ff.register(fs)
	format := fs.String("format", "text", "output `FORMAT`: text, json, sarif (SARIF 2.1.0 for code scanning), github (GitHub Actions annotations) or codequality (a GitLab Code Quality report)")
	failOn := fs.String("fail-on", "error", "exit 1 when a finding at `LEVEL` or above remains: error, warning or never (information never fails)")
	fixFlag := fs.Bool("fix", false, "apply the preferred fixes to the files, then check again")
	fixScope := fs.String("fix-scope", "workspace", "`SCOPE` of the files --fix may write: workspace, user (+ VS Code user settings and the GOENV file) or all")
	dryRun := fs.Bool("dry-run", false, "with --fix: print the diff of every file it would write, write nothing")
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if !slices.Contains([]string{"text", "json", "sarif", "github", "codequality"}, *format) {
		fmt.Fprintf(stderr, "goproxy-doctor check: unknown --format %q (want text, json, sarif, github or codequality)\n", *format)
		return exitUsage
	}
	threshold, ok := failThreshold(*failOn)
	if !ok {
		fmt.Fprintf(stderr, "goproxy-doctor check: unknown --fail-on %q (want error, warning or never)\n", *failOn)
		return exitUsage
	}
	scope, scopeErr := findings.ParseScope(*fixScope)
	if scopeErr != nil {
		fmt.Fprintf(stderr, "goproxy-doctor check: --fix-scope: %v\n", scopeErr)
		return exitUsage
	}
	if !*fixFlag && (*dryRun || *fixScope != "workspace") {
		fmt.Fprintf(stderr, "goproxy-doctor check: --fix-scope and --dry-run go with --fix\n")
		return exitUsage
	}
	if *fixFlag {
		// What was fixed goes where it cannot break a JSON or SARIF report.
		fixed := stdout
		if *format != "text" {
			fixed = stderr
		}
		if code := fixFolder(ctx, ff.folder, ff.settings, fixed, stderr, environ, fixOptions{scope: scope, dryRun: *dryRun, trusted: ff.trust}); code != exitOK {
			return code
		}
	}
	dir, res, code := loadFolder(ctx, "check", ff.folder, ff.settings, ff.trust, stderr, environ)
	if code != exitOK {
		return code
	}

	found := res.Findings
	c := report.CheckJSON(res.Snapshot, found)
	var err error
	switch *format {
	case "json":
		err = report.WriteJSON(stdout, c)
	case "sarif":
		err = report.WriteJSON(stdout, report.CheckSARIF(dir, version, c))
	case "github":
		report.CheckGitHub(stdout, checkoutRoot(dir, environ, "GITHUB_WORKSPACE"), c)
	case "codequality":
		err = report.WriteJSON(stdout, report.CheckCodeQuality(checkoutRoot(dir, environ, "CI_PROJECT_DIR"), dir, c))
	default:
		report.CheckText(stdout, dir, c)
	}
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor check: %v\n", err)
		return exitUsage
	}
	for _, f := range found {
		if f.Severity <= threshold {
			return exitFinding
		}
	}
	return exitOK
}

// failThreshold is the least severe finding --fail-on LEVEL fails on (0:
// none does).
func failThreshold(level string) (findings.Severity, bool) {
	switch level {
	case "error":
		return findings.Error, true
	case "warning":
		return findings.Warning, true
	case "never":
		return 0, true
	}
	return 0, false
}

// checkoutRoot is what CI report paths are relative to: the checkout the
// CI names in variable ($GITHUB_WORKSPACE, $CI_PROJECT_DIR) when the folder
// is inside it, so that a folder in a subdirectory still points at the
// right files, else the folder.
func checkoutRoot(dir string, environ []string, variable string) string {
	ws := engine.EnvMap(environ)[variable]
	if ws == "" {
		return dir
	}
	ws, err := filepath.Abs(ws)
	if err != nil {
		return dir
	}
	if r := report.Rel(ws, dir); r != dir || ws == dir {
		return ws
	}
	return dir
}

// trustUsage is the help of --trust-workspace.
const trustUsage = "trust the folder: honour its go.alternateTools/go.goroot, let its settings shape go env's environment, and let verify contact the URLs it sets"

// loadFolder is what every folder command starts with: --folder and
// --settings checked, then engine.Check of the folder with the CLI's own
// environment as the process environment, its values confirmed with go env
// as far as trust allows. A non-zero code is the exit status of a usage
// error.
func loadFolder(ctx context.Context, cmd, folder string, settings []string, trusted bool, stderr io.Writer, environ []string) (string, *engine.Result, int) {
	return loadFolderWith(ctx, cmd, folder, settings, trusted, stderr, environ, nil)
}

// loadFolderWith is loadFolder reading files through read (nil: the disk).
// check --fix --dry-run reads its own changes so: the go command cannot see
// them, so the model is not confirmed with go env then.
func loadFolderWith(ctx context.Context, cmd, folder string, settings []string, trusted bool, stderr io.Writer, environ []string, read engine.Reader) (string, *engine.Result, int) {
	dir, err := filepath.Abs(folder)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(dir); err == nil && !st.IsDir() {
			err = errors.New("not a directory")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor %s: --folder %s: %v\n", cmd, folder, err)
		return "", nil, exitUsage
	}

	env := engine.EnvMap(environ)
	cfg := engine.Config{
		Folder:     dir,
		ProcessEnv: env,
		Options: sources.Options{
			GOOS: runtime.GOOS, OSFlavour: engine.OSFlavour(runtime.GOOS),
			// A cloned repository is untrusted until the user says otherwise.
			Trusted: trusted,
		},
		UserSettings: engine.DefaultUserSettings(runtime.GOOS, func(k string) string { return env[k] }),
		// The terminal is the CLI's own: its shell's start-up files explain
		// where its values come from, and say what a new shell would see.
		Host: engine.RealHost(),
		// The repository's scripts: a Go variable set without export
		// before go runs (the "only fails in CI" script).
		Scripts: true,
	}
	if len(settings) > 0 {
		cfg.UserSettings = ""
	}
	for _, s := range settings {
		abs, err := filepath.Abs(s)
		if err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor %s: --settings %s: %v\n", cmd, s, err)
			return "", nil, exitUsage
		}
		if _, err := os.Stat(abs); err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor %s: --settings %s: %v\n", cmd, s, err)
			return "", nil, exitUsage
		}
		if strings.HasSuffix(abs, ".code-workspace") {
			cfg.WorkspaceFile = abs
		} else {
			cfg.UserSettings = abs
		}
	}

	if read != nil {
		return dir, engine.Check(ctx, cfg, read, engine.CheckOptions{Confirm: engine.ConfirmNone}), exitOK
	}
	// The go command is the authority on effective values: the model is
	// confirmed with go env (one run per distinct environment) before judging.
	res := engine.Check(ctx, cfg, nil, engine.CheckOptions{Oracle: engine.NewOracle(), Confirm: engine.ConfirmRun})
	if res.ConfirmErr != nil {
		fmt.Fprintf(stderr, "goproxy-doctor: warning: could not confirm values with the go command: %s\n", redact.RedactText(res.ConfirmErr.Error()))
	}
	if unconfirmed := res.Unconfirmed(); len(unconfirmed) > 0 {
		fmt.Fprintf(stderr, "goproxy-doctor: note: %s: values %s (the workspace's settings shape their environment; --trust-workspace lets go env run with it)\n",
			strings.Join(unconfirmed, ", "), engine.NotConfirmedUntrusted)
	}
	warnSkipped(stderr, res.Snapshot.Skipped())
	return dir, res, exitOK
}

// warnSkipped names every file the doctor refused to read, and why: a
// skipped file is never silently treated as absent.
func warnSkipped(stderr io.Writer, files []sources.SkippedFile) {
	for _, f := range files {
		fmt.Fprintf(stderr, "goproxy-doctor: warning: %s: skipped: %s\n", clip.Value(f.Path), f.Reason)
	}
}

func serve(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	// The default GOGC: a keystroke allocates about a megabyte (the
	// settings.json it reparses) over a live heap of a few MB, so the
	// collector runs every few keystrokes, concurrently, and RSS stays
	// under the SPEC §10 budgets. A soft limit far above that live heap
	// makes the GC collect and return the garbage of a huge message (a
	// 50 MB didOpen is decoded two or three times over) early rather than
	// let the heap double past it. GOGC and GOMEMLIMIT win if set.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	// GOPROXY_DOCTOR_LOGFILE copies the log to a file (editors often hide a
	// server's stderr); stdout stays reserved for JSON-RPC.
	logOut := stderr
	if path := os.Getenv("GOPROXY_DOCTOR_LOGFILE"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor serve: log file: %v\n", err)
		} else {
			defer f.Close()
			logOut = io.MultiWriter(stderr, f)
		}
	}
	logger := slog.New(redact.Handler(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: logLevel()})))
	err := lsp.Serve(ctx, stdio{stdin, stdout}, lsp.Options{Logger: logger, Oracle: engine.NewOracle()})
	switch {
	case errors.Is(err, lsp.ErrExitWithoutShutdown):
		// LSP: exit without a prior shutdown ends the process with status 1.
		return 1
	case err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF):
		logger.Error("serve", "err", err)
		return exitUsage
	}
	return exitOK
}

// serveMemoryLimit is the server's soft memory limit (debug.SetMemoryLimit).
const serveMemoryLimit = 64 << 20

// logLevel reads GOPROXY_DOCTOR_LOG (debug, info, warn, error); default info.
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("GOPROXY_DOCTOR_LOG"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// stdio joins stdin and stdout into the connection the server speaks over.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }
