package verify

import (
	"context"

	"golang.org/x/mod/module"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// resolveSumDB decides where the target's checksum database is reached, as
// cmd/go's initBase does: without an explicit URL in GOSUMDB, the proxy list
// is walked with <proxy>/sumdb/<name>/supported (200: use that proxy; 404,
// 410, or any error before '|': next; any other error: the database is
// unavailable; "direct", "off" or the end of the list: connect directly).
// It then checks the chosen base with a request for /latest, which names no
// module.
func (tr *targetRun) resolveSumDB(ctx context.Context) error {
	defer close(tr.sumDone)
	route := tr.routing.SumDBRoute()
	res := SumDBResult{Name: route.Name, Consumers: tr.t.Consumers, Attempts: []Attempt{}, Status: ClassUnprobed}
	switch {
	case route.Err != nil:
		res.Status, res.Error = ClassError, redact.RedactText(route.Err.Error())
		tr.sum = sumDBBase{result: res, err: res.Error}
		return nil
	case route.Off:
		res.Name, res.Off = tr.sumName, true
		tr.sum = sumDBBase{result: res, err: "checksum database disabled by GOSUMDB=off"}
		return nil
	}
	base := route.Direct
	res.Via = "direct"
	if route.Explicit {
		res.Via = "GOSUMDB"
	} else if tr.routing.ProxyErr == nil {
		steps := tr.routing.Steps
		attempts := make([]*Attempt, len(steps))
		var runErr error
		served, best, _ := Walk(steps, func(i int) Kind {
			s := steps[i]
			switch s.Kind {
			case StepNoProxy, StepDirect, StepOff:
				return NotFound
			}
			hc := tr.health[i]
			select {
			case <-hc.done:
			case <-ctx.Done():
				runErr = ctx.Err()
				return Failed
			}
			if hc.err != nil {
				runErr = hc.err
				return Failed
			}
			a := (&Attempt{Proxy: redact.Redact(s.Entry), Index: s.Index, Requests: []Request{}}).finish(hc.req)
			attempts[i] = a
			return kindOf(hc.req.Class)
		}, func(i int) bool { return steps[i].Kind == StepNoProxy })
		if runErr != nil {
			return runErr
		}
		for _, a := range attempts {
			if a != nil {
				res.Attempts = append(res.Attempts, *a)
			}
		}
		switch {
		case served >= 0:
			s := steps[served]
			base = join(s.URL, "sumdb/"+route.Name)
			res.Via, res.ViaIndex = redact.Redact(s.Entry), s.Index
		case best >= 0 && attempts[best] != nil && attempts[best].Outcome == OutcomeError:
			// A proxy failed without '|' after it: the database is unavailable.
			a := attempts[best]
			res.Via, res.ViaIndex = a.Proxy, a.Index
			res.URL = a.Requests[0].URL
			res.Status, res.Error = a.Class, "checksum database unavailable: "+a.Error
			tr.sum = sumDBBase{result: res, err: res.Error}
			return nil
		}
	}
	res.URL = redact.URL(base)
	if !tr.needsSumDB() {
		// The go command would not contact the database at all.
		tr.sum = sumDBBase{result: res, base: base}
		return nil
	}
	latest, err := tr.p.get(ctx, tr.env, join(base, "latest"), kindSumDB, false)
	if err != nil {
		return err
	}
	res.Status, res.LatencyMs = latest.Class, latest.LatencyMs
	if latest.Class != ClassOK {
		res.Error = latest.Error
		if latest.Status != 0 {
			res.Error = "reading " + latest.URL + ": " + latest.Error
		}
	}
	tr.sum = sumDBBase{result: res, base: base}
	return nil
}

// needsSumDB reports whether any module of the target would make the go
// command contact the checksum database (a GOPROXY it rejects fetches
// nothing, so nothing needs verifying).
func (tr *targetRun) needsSumDB() bool {
	if tr.routing.ProxyErr != nil {
		return false
	}
	for _, m := range tr.t.Modules {
		if !m.InGoSum && tr.routing.NeedsSumDB(module.Version{Path: m.Path, Version: m.Version}) {
			return true
		}
	}
	return false
}

// moduleSumDB is the checksum database lookup the go command makes for a
// module it downloaded, unless GONOSUMDB (or GOSUMDB=off) exempts it or
// go.sum already holds its hashes.
func (tr *targetRun) moduleSumDB(ctx context.Context, m Module) (*ModuleSumDB, error) {
	mv := module.Version{Path: m.Path, Version: m.Version}
	switch {
	case !tr.routing.NeedsSumDB(mv):
		note := "GONOSUMDB matches: the path is never sent to a checksum database"
		if tr.routing.SumDB.Off {
			note = "GOSUMDB=off"
		}
		return &ModuleSumDB{Outcome: OutcomeSkipped, Note: note}, nil
	case m.InGoSum:
		return &ModuleSumDB{Outcome: OutcomeSkipped, Note: "go.sum has its hashes"}, nil
	}
	select {
	case <-tr.sumDone:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	sum := tr.sum
	out := &ModuleSumDB{Via: sum.result.Via}
	if sum.result.Status == ClassWithheld {
		out.Outcome, out.Note = OutcomeSkipped, sum.result.Error
		return out, nil
	}
	if sum.base == nil {
		out.Outcome, out.Error = OutcomeError, sum.err
		return out, nil
	}
	u, err := LookupURL(sum.base, mv)
	if err != nil {
		out.Outcome, out.Error = OutcomeError, err.Error()
		return out, nil
	}
	req, err := tr.p.get(ctx, tr.env, u, kindSumDB, false)
	if err != nil {
		return nil, err
	}
	if req.Class == ClassWithheld {
		out.Outcome, out.URL, out.Note = OutcomeSkipped, req.URL, req.Error
		return out, nil
	}
	a := (&Attempt{}).finish(req)
	out.Outcome, out.Status, out.URL, out.Error = a.Outcome, req.Status, req.URL, a.Error
	if a.Outcome == OutcomeNotFound {
		// Unlike a module proxy's 404, this one fails the download.
		out.Note = "the checksum database does not know this module: the go command fails with \"verifying module\""
	}
	return out, nil
}
