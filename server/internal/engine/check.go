package engine

import (
	"context"
	"sync"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/writepolicy"
)

// ConfirmMode says how far Check asks the go command to confirm the model.
type ConfirmMode int

const (
	// ConfirmNone keeps the model's values (the dry run of check --fix,
	// whose changes the go command cannot see).
	ConfirmNone ConfirmMode = iota
	// ConfirmCached applies what the oracle already knows and runs nothing;
	// consumers whose answer is unknown leave the Result Pending (the
	// keystroke path of the language server).
	ConfirmCached
	// ConfirmRun runs go env where the answer is not known yet (the CLI).
	ConfirmRun
)

// CheckOptions configure Check.
type CheckOptions struct {
	// Oracle confirms the model with go env; nil confirms nothing.
	Oracle  *Oracle
	Confirm ConfirmMode
	// NoFixes leaves the findings' fixes out of Result.Findings (a
	// diagnosis that is only published, on a keystroke): building fixes is
	// most of a diagnosis. Result.WithFixes builds them on first use.
	NoFixes bool
}

// Result is everything the doctor knows about one folder: the one pipeline
// load → resolve → confirm with go env → diagnose, computed once. It is
// immutable once returned: everything that reads it (reports, diagnostics,
// code actions, commands, Verify) reads the same values.
type Result struct {
	Snapshot *sources.Snapshot
	// Consumers are resolved, with the values go env corrected.
	Consumers []*resolve.Consumer
	Findings  []findings.Finding
	// Policy says which files a fix may write.
	Policy *writepolicy.Policy
	// Disagreements lists values the go command corrected (empty when the
	// model and go env agree, or when the oracle did not run).
	Disagreements []Disagreement
	// Pending says some consumer's values still wait for go env (ConfirmCached
	// found no answer); Confirm completes them.
	Pending bool
	// ConfirmErr is the first error go env gave (nil: none, or not asked).
	ConfirmErr error
	// fixed diagnoses again with fixes, once (CheckOptions.NoFixes).
	fixed func() []findings.Finding
}

// WithFixes are the findings with their fixes: Findings, or with
// CheckOptions.NoFixes the same snapshot and consumers diagnosed again with
// fixes, once, on first use.
func (r *Result) WithFixes() []findings.Finding {
	if r.fixed == nil {
		return r.Findings
	}
	return r.fixed()
}

// Check loads cfg's folder through read (nil: the disk), resolves every
// consumer once, confirms their values with the go command as opts say
// and runs the rules.
func Check(ctx context.Context, cfg Config, read Reader, opts CheckOptions) *Result {
	return CheckSnapshot(ctx, Load(cfg, read), opts)
}

// CheckSnapshot is Check of a loaded snapshot.
func CheckSnapshot(ctx context.Context, s *sources.Snapshot, opts CheckOptions) *Result {
	consumers := resolve.Resolve(s)
	r := &Result{Snapshot: s, Consumers: consumers}
	if opts.Oracle != nil {
		switch opts.Confirm {
		case ConfirmCached:
			r.Disagreements, r.Pending, r.ConfirmErr = opts.Oracle.ConfirmCached(s, consumers)
		case ConfirmRun:
			r.Disagreements, r.ConfirmErr = opts.Oracle.Confirm(ctx, s, consumers)
		}
	}
	r.Findings = rules.Run(&rules.Input{Snap: s, Consumers: consumers, NoFixes: opts.NoFixes})
	if opts.NoFixes {
		r.fixed = sync.OnceValue(func() []findings.Finding { return rules.Run(&rules.Input{Snap: s, Consumers: consumers}) })
	}
	r.Policy = writepolicy.New(s, consumers)
	return r
}

// Confirm returns r with every consumer's values confirmed by go env: r
// itself when nothing was pending, else the same snapshot checked again
// with go env run for what the oracle did not know. When ctx ends first,
// the result is incomplete: callers check ctx.
func (r *Result) Confirm(ctx context.Context, o *Oracle) *Result {
	if !r.Pending || o == nil {
		return r
	}
	return CheckSnapshot(ctx, r.Snapshot, CheckOptions{Oracle: o, Confirm: ConfirmRun, NoFixes: r.fixed != nil})
}

// Unconfirmed names the consumers whose values go env did not confirm
// because the workspace is not trusted.
func (r *Result) Unconfirmed() []string {
	var out []string
	for _, c := range r.Consumers {
		if c.Unconfirmed == NotConfirmedUntrusted {
			out = append(out, c.Name)
		}
	}
	return out
}

// Verification is a Verify run prepared from a Result: what it probes, per
// distinct consumer environment.
type Verification struct {
	result  *Result
	Targets []verify.Target
}

// PrepareVerify lists what Verify probes for r's consumers (their confirmed
// values) and the extra modules.
func PrepareVerify(r *Result, extra []module.Version) *Verification {
	return &Verification{result: r, Targets: verify.Targets(r.Snapshot, r.Consumers, extra)}
}

// Modules counts the modules the run probes, over every environment.
func (v *Verification) Modules() int {
	n := 0
	for _, t := range v.Targets {
		n += len(t.Modules)
	}
	return n
}

// Verified is a Verify run's result with what the rules make of it.
type Verified struct {
	*verify.Result
	// Findings are the verify findings, placed in the folder's files.
	Findings []findings.Finding
	// Offers are fixes offered without a diagnostic (the ranked GOPROXY).
	Offers []findings.Finding
}

// Run probes the network and judges the outcome.
func (v *Verification) Run(ctx context.Context, opts verify.Options) (*Verified, error) {
	res, err := verify.Run(ctx, v.Targets, opts)
	if err != nil {
		return nil, err
	}
	plan := rules.Planner(v.result.Snapshot, v.result.Consumers)
	return &Verified{Result: res, Findings: verify.Findings(plan, res), Offers: verify.Offers(plan, res)}, nil
}

// Verify probes the network as each of r's consumer environments would,
// for every module the folder needs and the extra ones.
func Verify(ctx context.Context, r *Result, extra []module.Version, opts verify.Options) (*Verified, error) {
	return PrepareVerify(r, extra).Run(ctx, opts)
}

// Resolve models the snapshot's consumers without running anything (for
// tests and tools that look at the model alone; Check is the pipeline).
func Resolve(s *sources.Snapshot) []*resolve.Consumer { return resolve.Resolve(s) }

// Diagnose runs the rules over resolved consumers (for tests; Check is the
// pipeline).
func Diagnose(s *sources.Snapshot, consumers []*resolve.Consumer) []findings.Finding {
	return rules.Run(&rules.Input{Snap: s, Consumers: consumers})
}

// DiagnoseWithoutFixes is Diagnose without building the findings' fixes
// (rules.Input.NoFixes): the same findings, at a fraction of the cost.
func DiagnoseWithoutFixes(s *sources.Snapshot, consumers []*resolve.Consumer) []findings.Finding {
	return rules.Run(&rules.Input{Snap: s, Consumers: consumers, NoFixes: true})
}
