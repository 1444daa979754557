package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// CommandHealth is the editor's background health check of the gopls
// consumer's GOPROXY entries (goProxy.health.interval).
const CommandHealth = "goproxy-doctor.health"

// healthConsumer is the consumer the status bar shows.
const healthConsumer = "gopls"

// healthArgs is the optional argument of goproxy-doctor.health.
type healthArgs struct {
	Folder string `json:"folder"` // a file URI or path; "" for the first folder
	// Module is a public module the user named (goProxy.health.module):
	// its @v/list is asked of each entry. A GOPRIVATE/GONOPROXY match is refused.
	Module             string `json:"module"`
	Timeout            string `json:"timeout"`
	AllowWorkspaceURLs bool   `json:"allowWorkspaceURLs"`
}

// HealthResponse is the result of goproxy-doctor.health.
type HealthResponse struct {
	*verify.HealthResult
	Folder string  `json:"folder"`
	URI    uri.URI `json:"uri"`
	// Fix writes the recommended GOPROXY where the gopls consumer's value
	// is set, when the first entry is down and Verify can rank the list
	// (null otherwise).
	Fix *HealthFix `json:"fix"`
}

// HealthFix is a failover fix the editor applies on the user's click.
type HealthFix struct {
	Title string                  `json:"title"`
	Edit  *protocol.WorkspaceEdit `json:"edit"`
}

func (s *server) health(ctx context.Context, raw []json.RawMessage) (any, error) {
	var a healthArgs
	if len(raw) > 0 && string(raw[0]) != "null" {
		if err := json.Unmarshal(raw[0], &a); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "arguments: %v", err)
		}
	}
	opts := verify.Options{AllowWorkspaceURLs: a.AllowWorkspaceURLs}
	if a.Timeout != "" {
		d, err := time.ParseDuration(a.Timeout)
		if err != nil || d <= 0 {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "timeout %q: want a positive Go duration such as 10s", a.Timeout)
		}
		opts.Timeout = d
	}
	v := s.sess.View()
	folders, err := pickFolders(v.Folders, a.Folder)
	if err != nil {
		return nil, err
	}
	if len(folders) == 0 {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "no workspace folder")
	}
	f := folders[0]
	r, err := s.confirmedResult(ctx, f, v)
	if err != nil {
		return nil, err
	}
	hc, err := engine.PrepareHealth(r.Res, healthConsumer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	if a.Module != "" {
		if err := hc.CheckModule(a.Module); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "module: %v", err)
		}
	}
	res, err := hc.Run(ctx, a.Module, opts)
	if err != nil {
		return nil, fmt.Errorf("health %s: %w", f.Path, err)
	}
	// The status bar speaks for gopls, whichever consumer the environment's
	// first is.
	res.Consumer = healthConsumer
	if res.Recommendation != nil {
		res.Recommendation.Consumer = healthConsumer
	}
	out := HealthResponse{HealthResult: res, Folder: f.Path, URI: uri.URI(f.URI)}
	if res.Down {
		out.Fix = s.healthFix(r, v, hc, res)
	}
	return out, nil
}

// healthFix is Verify's ranked-GOPROXY quick fix for the gopls consumer,
// made from the health check's rows, as an edit the client can apply.
func (s *server) healthFix(r *session.FolderResult, v session.View, hc *engine.HealthCheck, res *verify.HealthResult) *HealthFix {
	s.mu.Lock()
	caps := s.editCaps
	s.mu.Unlock()
	for _, f := range hc.Offers(res) {
		for _, fx := range f.Fixes {
			if edit, ok := workspaceEdit(r, v.Docs, caps, fx.Edits); ok {
				return &HealthFix{Title: fx.Title, Edit: edit}
			}
		}
	}
	return nil
}
