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
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lsp"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

// version is set by the build (-ldflags -X main.version=...).
var version = "dev"

const usage = `goproxy-doctor: the effective Go proxy environment per editor and terminal process

Usage:
  goproxy-doctor env    [--json] [--folder DIR] [--settings FILE]... [--trust-workspace]
  goproxy-doctor check  [--fix [--fix-scope workspace|user|all] [--dry-run]] [--format text|json|sarif] [--folder DIR] [--settings FILE]... [--trust-workspace]
  goproxy-doctor verify [--json] [--folder DIR] [--timeout DUR] [--concurrency N] [--module PATH@VERSION]... [--candidates URL,...] [--settings FILE]... [--trust-workspace]
  goproxy-doctor serve | --stdio
  goproxy-doctor version

--folder defaults to the current directory. User settings are read from VS Code's
user settings.json unless --settings is given; a --settings FILE ending in
.code-workspace is read as the multi-root workspace file.
check --fix edits only files inside the folder unless --fix-scope widens it: user adds
VS Code's user settings and the go env -w file at its default location, all also a GOENV
file your own environment moved elsewhere. It never writes a file a workspace setting
names, never creates a directory, and prints every file it writes; --dry-run prints the
diffs instead.

The folder is untrusted unless --trust-workspace is given, as in VS Code's
Restricted Mode: its go.alternateTools, go.goroot and terminal.integrated.env
are ignored, go env never runs with an environment its settings, launch.json
or tasks.json shaped (those values are shown unconfirmed), and verify contacts
only the URLs of your own configuration (process environment, user settings,
your go env -w file), listing the workspace's as withheld. Give
--trust-workspace only for a repository whose settings you would let run code.
Exit status: 0 no error-severity finding, 1 an error-severity finding, 2 usage or internal failure.
`

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
		fmt.Fprintf(stdout, "goproxy-doctor %s\n", version)
		return exitOK
	case "serve", "--stdio":
		return serve(ctx, stdin, stdout, stderr)
	case "env", "check":
		return runCheck(ctx, cmd, rest, stdout, stderr, environ)
	case "verify":
		return runVerify(ctx, rest, stdout, stderr, environ)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "goproxy-doctor: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runCheck(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer, environ []string) int {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	folder := fs.String("folder", ".", "workspace folder to examine")
	var settings stringList
	fs.Var(&settings, "settings", "VS Code settings file to use as user settings (or a .code-workspace file); repeatable")
	asJSON := fs.Bool("json", false, "print JSON (env)")
	format := fs.String("format", "text", "output format: text, json or sarif (check)")
	fixFlag := fs.Bool("fix", false, "apply the preferred fixes to the files, then check again (check)")
	fixScope := fs.String("fix-scope", "workspace", "files --fix may write: workspace, user (+ VS Code user settings and the GOENV file) or all (check)")
	dryRun := fs.Bool("dry-run", false, "with --fix: print the diff of every file it would write, write nothing (check)")
	trust := fs.Bool("trust-workspace", false, trustUsage)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "goproxy-doctor %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return exitUsage
	}
	if cmd == "check" && *format != "text" && *format != "json" && *format != "sarif" {
		fmt.Fprintf(stderr, "goproxy-doctor check: unknown --format %q (want text, json or sarif)\n", *format)
		return exitUsage
	}
	scope, scopeErr := writepolicy.ParseScope(*fixScope)
	if scopeErr != nil {
		fmt.Fprintf(stderr, "goproxy-doctor %s: --fix-scope: %v\n", cmd, scopeErr)
		return exitUsage
	}
	if !*fixFlag && (*dryRun || *fixScope != "workspace") {
		fmt.Fprintf(stderr, "goproxy-doctor %s: --fix-scope and --dry-run go with --fix\n", cmd)
		return exitUsage
	}
	if *fixFlag {
		if cmd != "check" {
			fmt.Fprintf(stderr, "goproxy-doctor %s: --fix is a check flag\n", cmd)
			return exitUsage
		}
		// What was fixed goes where it cannot break a JSON or SARIF report.
		fixed := stdout
		if *format != "text" {
			fixed = stderr
		}
		if code := fixFolder(ctx, *folder, settings, fixed, stderr, environ, fixOptions{scope: scope, dryRun: *dryRun, trusted: *trust}); code != exitOK {
			return code
		}
	}
	dir, snap, consumers, code := loadFolder(ctx, cmd, *folder, settings, *trust, stderr, environ)
	if code != exitOK {
		return code
	}

	if cmd == "env" {
		e := report.EnvJSON(dir, consumers)
		if *asJSON {
			if err := report.WriteJSON(stdout, e); err != nil {
				fmt.Fprintf(stderr, "goproxy-doctor env: %v\n", err)
				return exitUsage
			}
			return exitOK
		}
		fmt.Fprint(stdout, e.Text())
		return exitOK
	}

	findings := engine.Diagnose(snap, consumers)
	c := report.CheckJSON(snap, findings)
	var err error
	switch *format {
	case "json":
		err = report.WriteJSON(stdout, c)
	case "sarif":
		err = report.WriteJSON(stdout, report.CheckSARIF(dir, version, c))
	default:
		report.CheckText(stdout, dir, c)
	}
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor check: %v\n", err)
		return exitUsage
	}
	for _, f := range findings {
		if f.Severity == rules.Error {
			return exitFinding
		}
	}
	return exitOK
}

// trustUsage is the help of --trust-workspace.
const trustUsage = "trust the folder: honour its go.alternateTools/go.goroot, let its settings shape go env's environment, and let verify contact the URLs it sets"

// loadFolder is what every folder command starts with: --folder and
// --settings checked, the folder loaded with the CLI's own environment as
// the process environment, its consumers resolved and their values
// confirmed with go env as far as trust allows. A non-zero code is the exit
// status of a usage error.
func loadFolder(ctx context.Context, cmd, folder string, settings []string, trusted bool, stderr io.Writer, environ []string) (string, *sources.Snapshot, []*resolve.Consumer, int) {
	return loadFolderWith(ctx, cmd, folder, settings, trusted, stderr, environ, nil)
}

// loadFolderWith is loadFolder reading files through read (nil: the disk).
// check --fix --dry-run reads its own changes so: the go command cannot see
// them, so the model is not confirmed with go env then.
func loadFolderWith(ctx context.Context, cmd, folder string, settings []string, trusted bool, stderr io.Writer, environ []string, read engine.Reader) (string, *sources.Snapshot, []*resolve.Consumer, int) {
	dir, err := filepath.Abs(folder)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(dir); err == nil && !st.IsDir() {
			err = errors.New("not a directory")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor %s: --folder %s: %v\n", cmd, folder, err)
		return "", nil, nil, exitUsage
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
	}
	if len(settings) > 0 {
		cfg.UserSettings = ""
	}
	for _, s := range settings {
		abs, err := filepath.Abs(s)
		if err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor %s: --settings %s: %v\n", cmd, s, err)
			return "", nil, nil, exitUsage
		}
		if _, err := os.Stat(abs); err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor %s: --settings %s: %v\n", cmd, s, err)
			return "", nil, nil, exitUsage
		}
		if strings.HasSuffix(abs, ".code-workspace") {
			cfg.WorkspaceFile = abs
		} else {
			cfg.UserSettings = abs
		}
	}

	snap := engine.Load(cfg, read)
	consumers := engine.Resolve(snap)
	if read != nil {
		return dir, snap, consumers, exitOK
	}
	// The go command is the authority on effective values: confirm the model
	// with go env (one run per distinct environment) before judging.
	if _, err := engine.NewOracle().Confirm(ctx, snap, consumers); err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor: warning: could not confirm values with the go command: %s\n", redact.RedactText(err.Error()))
	}
	var unconfirmed []string
	for _, c := range consumers {
		if c.Unconfirmed != "" {
			unconfirmed = append(unconfirmed, c.Name)
		}
	}
	if len(unconfirmed) > 0 {
		fmt.Fprintf(stderr, "goproxy-doctor: note: %s: values %s (the workspace's settings shape their environment; --trust-workspace lets go env run with it)\n",
			strings.Join(unconfirmed, ", "), engine.NotConfirmedUntrusted)
	}
	warnSkipped(stderr, snap.Skipped())
	return dir, snap, consumers, exitOK
}

// warnSkipped names every file the doctor refused to read, and why: a
// skipped file is never silently treated as absent.
func warnSkipped(stderr io.Writer, files []sources.SkippedFile) {
	for _, f := range files {
		fmt.Fprintf(stderr, "goproxy-doctor: warning: %s: skipped: %s\n", clip.Value(f.Path), f.Reason)
	}
}

func serve(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	// The live heap is a few MB, so the default GOGC collects every other
	// keystroke and puts GC in the keystroke-to-diagnostics tail; a larger
	// ratio keeps RSS around 12 MB (SPEC §10 budget: 40 MB). GOGC wins if set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// That ratio must not let the garbage of a huge message (a 50 MB
	// didOpen is decoded two or three times over) grow the heap to five
	// times its size: a soft limit far above the live heap (a few MB) makes
	// the GC collect and return such garbage early. GOMEMLIMIT wins if set.
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
