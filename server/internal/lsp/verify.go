package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// CommandVerify probes the network as each consumer would (Go Proxy: Verify).
const CommandVerify = "goproxy-doctor.verify"

// verifyArgs is the optional argument of goproxy-doctor.verify.
type verifyArgs struct {
	Folder      string   `json:"folder"`      // a file URI (or a path); "" for every folder
	Timeout     string   `json:"timeout"`     // per request, a Go duration ("10s"); "" for the default
	Concurrency int      `json:"concurrency"` // requests at once; 0 for the default
	Modules     []string `json:"modules"`     // more PATH@VERSION to verify
	// Candidates are proxy URLs the user is considering (the
	// goProxy.verify.candidates setting): probed, never configured. They
	// are the user's, so an untrusted workspace does not withhold them.
	Candidates []string `json:"candidates"`
	// AllowWorkspaceURLs probes the URLs an untrusted workspace chose too;
	// the editor sends it only after the user confirmed.
	AllowWorkspaceURLs bool `json:"allowWorkspaceURLs"`
}

// VerifyResult is the result of goproxy-doctor.verify: per folder the
// `verify --json` object (SPEC §8), and the text table for an output channel.
type VerifyResult struct {
	Folders []FolderVerify `json:"folders"`
	Text    string         `json:"text"`
}

// FolderVerify is one folder's verify result.
type FolderVerify struct {
	*verify.Result
	Folder string  `json:"folder"`
	URI    uri.URI `json:"uri"`
}

// verifications tracks the client's progress support and the running
// verifications by progress token, so that window/workDoneProgress/cancel
// can stop one.
type verifications struct {
	mu       sync.Mutex
	progress bool // the client accepts window/workDoneProgress/create
	next     int
	running  map[string]context.CancelFunc
}

func (vs *verifications) setProgress(supported bool) {
	vs.mu.Lock()
	vs.progress = supported
	vs.mu.Unlock()
}

// verify runs Verify for the requested folders in the request's goroutine
// (requests run concurrently; $/cancelRequest cancels ctx), reporting
// work-done progress per module on the client's token or one it creates,
// and publishes the results as diagnostics, replacing the previous ones.
func (s *server) verify(ctx context.Context, token protocol.ProgressToken, raw []json.RawMessage) (any, error) {
	var a verifyArgs
	if len(raw) > 0 && string(raw[0]) != "null" {
		if err := json.Unmarshal(raw[0], &a); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "arguments: %v", err)
		}
	}
	opts := verify.Options{Concurrency: a.Concurrency, AllowWorkspaceURLs: a.AllowWorkspaceURLs}
	if a.Timeout != "" {
		d, err := time.ParseDuration(a.Timeout)
		if err != nil || d <= 0 {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "timeout %q: want a positive Go duration such as 10s", a.Timeout)
		}
		opts.Timeout = d
	}
	extra, err := verify.ParseModules(a.Modules)
	if err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "modules: %v", err)
	}
	if opts.Candidates, err = verify.ParseCandidates(a.Candidates); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "candidates: %v", err)
	}
	v := s.sess.View()
	folders, err := pickFolders(v.Folders, a.Folder)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := s.startProgress(ctx, token, cancel)
	defer p.done()

	type job struct {
		r   *session.FolderResult
		run *engine.Verification
	}
	var jobs []job
	total := 0
	for _, f := range folders {
		r, err := s.confirmedResult(ctx, f, v)
		if err != nil {
			return nil, err
		}
		run := engine.PrepareVerify(r.Res, extra)
		total += run.Modules()
		jobs = append(jobs, job{r: r, run: run})
	}
	p.begin(fmt.Sprintf("%d module(s)", total))

	out := VerifyResult{Folders: []FolderVerify{}}
	var text []string
	done, ok := 0, 0
	for _, j := range jobs {
		opts.Progress = func(pr verify.Progress) {
			m := pr.Module
			if m.Outcome == verify.OutcomeOK {
				ok++
			}
			p.report(done+pr.Done, total, fmt.Sprintf("%s@%s (%s): %s", m.Path, m.Version, strings.Join(m.Consumers, ", "), m.Outcome))
		}
		res, err := j.run.Run(ctx, opts)
		if err != nil {
			p.end("Cancelled")
			return nil, fmt.Errorf("verify %s: %w", j.r.Folder.Path, err)
		}
		done += len(res.Modules)
		folderText := report.VerifyText(j.r.Folder.Path, res.Result)
		s.sess.SetVerifyRun(j.r.Folder.Path, session.VerifyRun{Result: res.Result, Text: folderText})
		s.sess.SetVerified(j.r, res.Findings, res.Offers)
		out.Folders = append(out.Folders, FolderVerify{Result: res.Result, Folder: j.r.Folder.Path, URI: uri.URI(j.r.Folder.URI)})
		text = append(text, folderText)
	}
	s.refreshCodeLenses()
	out.Text = strings.Join(text, "\n")
	p.end(fmt.Sprintf("%d module(s): %d served, %d not", done, ok, done-ok))
	return out, nil
}

// pickFolders selects the workspace folder named by a URI or path, or all.
func pickFolders(all []folder, want string) ([]folder, error) {
	if want == "" {
		return all, nil
	}
	path := pathOrURI(want)
	for _, f := range all {
		if f.Path == path {
			return []folder{f}, nil
		}
	}
	return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "%s is not a workspace folder", want)
}

// progress reports one verification's work-done progress. Its methods do
// nothing when the client has no progress support.
type progress struct {
	s      *server
	token  protocol.ProgressToken
	key    string
	last   time.Time
	begun  bool
	ended  bool
	cancel context.CancelFunc
}

// startProgress uses the client's workDoneToken, or creates a token when the
// client supports window/workDoneProgress/create; the token can then cancel
// the run through window/workDoneProgress/cancel.
func (s *server) startProgress(ctx context.Context, token protocol.ProgressToken, cancel context.CancelFunc) *progress {
	vs := s.verifies
	p := &progress{s: s, token: token, cancel: cancel}
	if token == nil {
		vs.mu.Lock()
		supported := vs.progress
		vs.next++
		n := vs.next
		vs.mu.Unlock()
		if !supported {
			return p
		}
		created := protocol.String(fmt.Sprintf("goproxy-doctor.verify/%d", n))
		if err := s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: created}); err != nil {
			s.log.Info("verify: no progress", "err", err)
			return p
		}
		p.token = created
	}
	p.key = tokenKey(p.token)
	vs.mu.Lock()
	vs.running[p.key] = cancel
	vs.mu.Unlock()
	return p
}

func tokenKey(t protocol.ProgressToken) string {
	b, _ := json.Marshal(t)
	return string(b)
}

func (p *progress) send(v any) {
	if p.token == nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	// The notification goes out on the connection's context: a cancelled
	// run still ends its progress.
	if err := p.s.client.Progress(p.s.ctx, &protocol.ProgressParams{Token: p.token, Value: b}); err != nil {
		p.s.log.Debug("$/progress", "err", err)
	}
}

func (p *progress) begin(msg string) {
	p.begun = true
	p.send(map[string]any{"kind": "begin", "title": "Go Proxy: Verify", "cancellable": true, "message": msg, "percentage": 0})
}

// report sends one increment per module, except that increments closer than
// 20 ms are coalesced (the last one always goes out).
func (p *progress) report(done, total int, msg string) {
	now := time.Now()
	if done < total && now.Sub(p.last) < 20*time.Millisecond {
		return
	}
	p.last = now
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	p.send(map[string]any{"kind": "report", "message": fmt.Sprintf("%d/%d %s", done, total, msg), "percentage": pct})
}

func (p *progress) end(msg string) {
	if p.ended || !p.begun {
		return
	}
	p.ended = true
	p.send(map[string]any{"kind": "end", "message": msg})
}

// done unregisters the token.
func (p *progress) done() {
	p.end("Done")
	if p.key == "" {
		return
	}
	vs := p.s.verifies
	vs.mu.Lock()
	delete(vs.running, p.key)
	vs.mu.Unlock()
}

// WorkDoneProgressCancel cancels the verification reporting on the token.
func (s *server) WorkDoneProgressCancel(ctx context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	key := tokenKey(params.Token)
	vs := s.verifies
	vs.mu.Lock()
	cancel := vs.running[key]
	vs.mu.Unlock()
	if cancel == nil {
		return fmt.Errorf("window/workDoneProgress/cancel: no running work for token %s", key)
	}
	cancel()
	return nil
}
