package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A command is what `goproxy-doctor CMD --help` says about a subcommand; its
// flags come from the flag set the subcommand itself defines, so the help
// cannot list a flag the command does not accept.
type command struct {
	synopsis string // the flags after the command's name
	about    string // what it does, printed after the synopsis
}

// trustAbout is the part of every folder command's help that says what
// untrusted means.
const trustAbout = `The folder is untrusted unless --trust-workspace is given, as in VS Code's
Restricted Mode: its go.alternateTools, go.goroot and terminal.integrated.env
are ignored, go env never runs with an environment its settings, launch.json
or tasks.json shaped (those values are shown unconfirmed), and verify contacts
only the URLs of your own configuration (process environment, user settings,
your go env -w file), listing the workspace's as withheld. Give
--trust-workspace only for a repository whose settings you would let run code.`

// folderAbout is the part of every folder command's help about --folder and
// --settings.
const folderAbout = `--folder defaults to the current directory. User settings are read from VS Code's
user settings.json unless --settings is given; a --settings FILE ending in
.code-workspace is read as the multi-root workspace file.`

var commands = map[string]command{
	"env": {
		synopsis: "[--json] [--wide] [--consumer C]... [--folder DIR] [--settings FILE]... [--trust-workspace]",
		about: `Prints, per consumer (terminal, gopls, tools, install, debug, tasks, and each Docker build
stage, dev container, GitHub Actions job and GitLab CI job that runs go: docker:FILE#STAGE,
devcontainer, ci:WORKFLOW/JOB, gitlab:JOB), the effective value of every proxy-related Go
variable and where it comes from (file:line). An image or CI job starts from its file's
settings alone, not from this machine's environment. Rows marked ≠ differ between
consumers. The terminal column is this shell's environment. The table fits $COLUMNS
(else 120 columns): a long value is cut around the part that differs, or wrapped
when that part alone is too wide; --wide prints values whole. --consumer shows only the
consumers named (repeat it, or give a comma list; * in a name matches anything: ci:*).

` + folderAbout + "\n\n" + trustAbout,
	},
	"check": {
		synopsis: "[--format text|json|sarif|github|codequality] [--fail-on error|warning|never] [--fix [--fix-scope workspace|user|all] [--dry-run]] [--folder DIR] [--settings FILE]... [--trust-workspace]",
		about: `Reports settings that diverge between consumers or are wrong, on the line that causes them.
Exit status: 0 no error-severity finding, 1 an error-severity finding, 2 usage or internal failure.
--fail-on warning also exits 1 on a warning; --fail-on never exits 0 whatever is found.

--format github prints GitHub Actions workflow commands (one annotation per finding, paths
relative to $GITHUB_WORKSPACE); --format sarif is SARIF 2.1.0 for code scanning;
--format codequality is a GitLab Code Quality report (paths relative to $CI_PROJECT_DIR).
Every code is explained in docs/rules/<code>.md, which the SARIF rules link to.

check --fix edits only files inside the folder unless --fix-scope widens it: user adds
VS Code's user settings and the go env -w file at its default location, all also a GOENV
file your own environment moved elsewhere. It never writes a file a workspace setting
names, never creates a directory, and prints every file it writes; --dry-run prints the
diffs instead.

` + folderAbout + "\n\n" + trustAbout,
	},
	"verify": {
		synopsis: "[--json] [--folder DIR] [--timeout DUR] [--concurrency N] [--module PATH@VERSION]... [--candidates URL,...] [--settings FILE]... [--trust-workspace]",
		about: `Probes the network as each distinct consumer environment would, for every module the
folder needs, and reports which proxy served each one. --candidates probes other
mirrors the same way, side by side, without changing anything.
Exit status: 0 no error-severity finding, 1 an error-severity finding, 2 usage or internal failure.

` + folderAbout + "\n\n" + trustAbout,
	},
	"explain": {
		synopsis: "[VAR] [--consumer C]... [--module PATH] [--json] [--folder DIR] [--settings FILE]... [--trust-workspace]",
		about: `Explains, as the editor's hover does, one variable (GOPROXY, GONOSUMDB, HTTPS_PROXY, ...):
its effective value for each consumer, the layer it comes from and the layers that
value shadows, and for GOPROXY the list in the order the go command tries it (','
falls through on 404 or 410 only, '|' on any error). --module PATH explains how each
consumer fetches a module instead: private (direct) or through which proxies, and
whether the checksum database is consulted. --consumer keeps only the named consumers.

` + folderAbout + "\n\n" + trustAbout,
	},
	"explain-error": explainErrorCommand,
	"serve": {
		synopsis: "[--stdio]",
		about: `Runs the language server over stdin and stdout. --stdio (what LSP clients append) is
the only transport; "goproxy-doctor --stdio" is the same as "goproxy-doctor serve".
GOPROXY_DOCTOR_LOG (debug, info, warn, error) sets the log level of stderr, and
GOPROXY_DOCTOR_LOGFILE copies the log to a file.`,
	},
	"version": {
		about: "Prints the version of goproxy-doctor.",
	},
}

// newFlagSet returns an empty flag set for subcommand name that prints
// nothing itself: parseFlags reports errors and help.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses a subcommand's arguments. When done is true the command
// must return code: --help printed the help to stdout (0), or an unknown flag,
// a bad value or a stray argument was reported on stderr (2).
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeHelp(stdout, fs)
		return exitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "goproxy-doctor %s: %s%s\nRun 'goproxy-doctor %[1]s --help' for its flags.\n", fs.Name(), flagError(err), elsewhere(fs.Name(), err))
		return exitUsage, true
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "goproxy-doctor %s: unexpected argument %q (flags go before other arguments; this command takes none)\nRun 'goproxy-doctor %[1]s --help' for its flags.\n", fs.Name(), fs.Arg(0))
		return exitUsage, true
	}
	return exitOK, false
}

// flagError rewords the flag package's errors with the double dash this
// command documents.
func flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Sprintf("unknown flag --%s", strings.TrimPrefix(name, "-"))
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Sprintf("flag --%s needs a value", strings.TrimPrefix(rest, "-"))
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		// invalid value "2" for flag -timeout: ...
		return "invalid value " + strings.Replace(rest, " for flag -", " for --", 1)
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		return "invalid boolean value " + strings.Replace(rest, " for -", " for --", 1)
	}
	return msg
}

// elsewhere says which other commands have the flag an unknown-flag error
// names ("" for none): a misplaced flag is a common mistake.
func elsewhere(cmd string, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !ok {
		return ""
	}
	name = strings.TrimPrefix(name, "-")
	var in []string
	for _, other := range []string{"env", "check", "verify", "serve"} {
		if other != cmd && slices.Contains(strings.Fields(strings.NewReplacer("[", " ", "]", " ", "|", " ").Replace(commands[other].synopsis)), "--"+name) {
			in = append(in, other)
		}
	}
	if len(in) == 0 {
		return ""
	}
	return fmt.Sprintf(" (a flag of %s, not of %s)", strings.Join(in, " and "), cmd)
}

// writeHelp prints a subcommand's synopsis, description and flags.
func writeHelp(w io.Writer, fs *flag.FlagSet) {
	c := commands[fs.Name()]
	fmt.Fprintln(w, strings.TrimSpace("Usage: goproxy-doctor "+fs.Name()+" "+c.synopsis))
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", c.about)
	}
	type line struct{ head, usage string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		head := "--" + f.Name
		if arg != "" {
			head += " " + arg
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		width = max(width, len(head))
		lines = append(lines, line{head, usage})
	})
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\nFlags:\n")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  %s\n", width, l.head, l.usage)
	}
}

// durationValue is a time.Duration flag that tells a user who wrote a bare
// number which unit to add.
type durationValue time.Duration

func durationFlag(fs *flag.FlagSet, name string, value time.Duration, usage string) *time.Duration {
	d := value
	fs.Var((*durationValue)(&d), name, usage)
	return &d
}

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return fmt.Errorf("a duration needs a unit: write %ss (or %sms)", s, s)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 2s, 500ms or 1m")
	}
	*d = durationValue(v)
	return nil
}
