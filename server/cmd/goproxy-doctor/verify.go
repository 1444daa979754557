package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// runVerify is `goproxy-doctor verify`: the network probed as each distinct
// consumer environment would, for every module the folder needs (SPEC §7-8).
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	fs := newFlagSet("verify")
	folder := fs.String("folder", ".", "workspace folder `DIR` to examine")
	var settings, modules, candidates stringList
	fs.Var(&settings, "settings", "VS Code settings `FILE` to use as user settings (or a .code-workspace file); repeatable")
	fs.Var(&modules, "module", "also verify `PATH@VERSION`; repeatable")
	fs.Var(&candidates, "candidates", "probe these proxy `URL,...` side by side with GOPROXY's entries (comma-separated, repeatable); nothing is changed")
	asJSON := fs.Bool("json", false, "print JSON")
	timeout := durationFlag(fs, "timeout", verify.DefaultTimeout, "timeout `DUR` of each request, e.g. 2s")
	concurrency := fs.Int("concurrency", verify.DefaultConcurrency, "`N` requests at once")
	trust := fs.Bool("trust-workspace", false, trustUsage)
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if *timeout <= 0 || *concurrency <= 0 {
		fmt.Fprintf(stderr, "goproxy-doctor verify: --timeout and --concurrency must be positive\n")
		return exitUsage
	}
	extra, err := verify.ParseModules(modules)
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor verify: --module %v\n", err)
		return exitUsage
	}
	cands, err := verify.ParseCandidates(candidates)
	if err != nil {
		fmt.Fprintf(stderr, "goproxy-doctor verify: --candidates %v\n", err)
		return exitUsage
	}
	dir, checked, code := loadFolder(ctx, "verify", *folder, settings, *trust, stderr, environ)
	if code != exitOK {
		return code
	}
	start := time.Now()
	res, err := engine.Verify(ctx, checked, extra, verify.Options{Timeout: *timeout, Concurrency: *concurrency, Candidates: cands})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "goproxy-doctor verify: interrupted")
		} else {
			fmt.Fprintf(stderr, "goproxy-doctor verify: %s\n", redact.RedactText(err.Error()))
		}
		return exitUsage
	}
	warnSkipped(stderr, res.Skipped)
	if *asJSON {
		if err := report.WriteJSON(stdout, res.Result); err != nil {
			fmt.Fprintf(stderr, "goproxy-doctor verify: %v\n", err)
			return exitUsage
		}
	} else {
		fmt.Fprint(stdout, report.VerifyText(dir, res.Result))
		if len(res.Withheld) > 0 {
			fmt.Fprintf(stdout, "\n%d URL(s) chosen by the workspace were not contacted; run with --trust-workspace to probe them.\n", len(res.Withheld))
		}
		fmt.Fprintf(stdout, "\nVerified %d module(s) for %d consumer environment(s) in %s.\n", len(res.Modules), len(res.SumDBs), time.Since(start).Round(time.Millisecond))
	}
	var errs []findings.Finding
	for _, f := range res.Findings {
		if f.Severity == findings.Error {
			errs = append(errs, f)
		}
	}
	if len(errs) == 0 {
		return exitOK
	}
	// Say what sets the exit status: on stdout after the report, on stderr
	// when stdout is JSON.
	w := stdout
	if *asJSON {
		w = stderr
	}
	fmt.Fprintf(w, "\nexit status %d, set by %d error-severity finding(s):\n", exitFinding, len(errs))
	for _, f := range errs {
		where := ""
		if f.File != "" {
			where = " in " + f.File
		}
		fmt.Fprintf(w, "  %s%s: %s\n", f.Code, where, f.Message)
	}
	return exitFinding
}
