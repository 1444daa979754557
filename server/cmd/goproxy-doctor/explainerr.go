package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explainerr"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// maxStdin bounds what explain-error reads from stdin: a terminal's
// scrollback piped in; Parse keeps the end of it, where the error is.
const maxStdin = 4 << 20

// explainErrorCommand is explain-error's help (in commands).
var explainErrorCommand = command{
	synopsis: "[--json] [--folder DIR] [--settings FILE]... [--trust-workspace] [TEXT... | -]",
	about: `Explains an error the go command printed while it fetched a module (404/410 from a
proxy, a checksum database lookup, a TLS or DNS failure, a forward proxy, GOPROXY=off, ...):
which module, version, URL and status, which hop of the route failed, which consumers'
settings send the module there (with the file and line of each value), and the fixes
that apply. TEXT is the message; "-" (or no TEXT) reads it from stdin, up to 4 MiB, of
which the last 64 KiB are searched. Credentials in URLs are never printed.
Exit status: 0 a message of the catalogue was explained, 1 none was found in the text,
2 usage or internal failure.

` + folderAbout + "\n\n" + trustAbout,
}

// runExplainError is `goproxy-doctor explain-error`.
func runExplainError(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	fs := newFlagSet("explain-error")
	var ff folderFlags
	ff.register(fs)
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	// TEXT follows the flags, so parseFlags' no-argument check does not apply.
	if err := fs.Parse(args); err != nil {
		return flagFailure(fs, err, stdout, stderr)
	}
	text, err := messageText(fs.Args(), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor explain-error: %v\n", err)
		return exitUsage
	}
	p := explainerr.Parse(text)
	var e *explainerr.Explanation
	if p.Found() {
		_, res, code := loadFolder(ctx, "explain-error", ff.folder, ff.settings, ff.trust, stderr, environ)
		if code != exitOK {
			return code
		}
		e = explainerr.Explain(p, res)
	} else {
		e = explainerr.Explain(p, nil)
	}
	if *asJSON {
		if err := report.WriteJSON(stdout, e); err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor explain-error: %v\n", err)
			return exitUsage
		}
	} else {
		fmt.Fprint(stdout, e.Markdown())
	}
	if !p.Found() {
		return exitFinding
	}
	return exitOK
}

// flagFailure reports a flag error as parseFlags does.
func flagFailure(fs *flag.FlagSet, err error, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(stdout, fs)
		return exitOK
	}
	fmt.Fprintf(stderr, "goproxy-doctor %s: %s%s\nRun 'goproxy-doctor %[1]s --help' for its flags.\n", fs.Name(), flagError(err), elsewhere(fs.Name(), err))
	return exitUsage
}

// messageText is the message: the arguments joined, or stdin for "-" or
// no argument, bounded.
func messageText(args []string, stdin io.Reader) (string, error) {
	if len(args) > 1 && slices.Contains(args, "-") {
		return "", errors.New(`"-" reads the message from stdin and goes alone`)
	}
	if len(args) > 0 && args[0] != "-" {
		return strings.Join(args, " "), nil
	}
	data, err := io.ReadAll(io.LimitReader(stdin, maxStdin+1))
	if err != nil {
		return "", fmt.Errorf("reading stdin: %v", err)
	}
	if len(data) > maxStdin {
		return "", fmt.Errorf("stdin holds more than %d MiB: pipe only the go command's output", maxStdin>>20)
	}
	if strings.TrimSpace(string(data)) == "" {
		return "", errors.New("no message: give the go command's error as TEXT, or pipe it to stdin with -")
	}
	return string(data), nil
}
