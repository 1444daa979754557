package lsp

// Code lenses on a folder's go.mod (package lens computes them): "Verify N
// modules" runs goproxy-doctor.verify for the folder, and after a run
// "N ok · M failing" runs goproxy-doctor.verifyResult, which answers the
// run's report from the session's cache. When a Verify run finishes, a
// client that supports it is asked to refresh its lenses.

import (
	"context"
	"encoding/json"
	"path/filepath"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/lens"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/verify"
)

// CommandVerifyResult returns a folder's last Verify result (no network).
const CommandVerifyResult = "goproxy-doctor.verifyResult"

// codeLensRefreshTimeout bounds the wait for the client's answer to
// workspace/codeLens/refresh.
const codeLensRefreshTimeout = 5 * time.Second

// lensArgs is the argument of the commands a lens runs.
type lensArgs struct {
	Folder string `json:"folder"`
}

// CodeLens answers for a folder's own go.mod from the folder's latest
// result and Verify run.
func (s *server) CodeLens(ctx context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	out := []protocol.CodeLens{}
	path := uriPath(params.TextDocument.URI)
	if path == "" || !isGoModPath(path) {
		return out, nil
	}
	v := s.sess.View()
	for _, f := range v.Folders {
		r := s.freshResult(f, v)
		var last *verify.Result
		if run, ok := s.sess.LastVerifyRun(f.Path); ok {
			last = run.Result
		}
		if r.Res.Snapshot.GoMod == nil || normPath(r.Res.Snapshot.GoMod.Path) != path {
			continue
		}
		lenses := lens.GoMod(r.Res.Snapshot, distinctModules(engine.PrepareVerify(r.Res, nil)), last)
		m := position.NewMapper(r.Content(path))
		for _, l := range lenses {
			command := CommandVerify
			if l.Kind == lens.ShowVerifyResult {
				command = CommandVerifyResult
			}
			arg, err := json.Marshal(lensArgs{Folder: f.URI})
			if err != nil {
				return nil, err
			}
			out = append(out, protocol.CodeLens{
				Range:   protocolRange(m.Range(l.Span.Start, l.Span.Start)),
				Command: protocol.Command{Title: l.Title, Command: command, Arguments: []protocol.LSPAny{protocol.LSPAny(arg)}},
			})
		}
		break
	}
	return out, nil
}

func isGoModPath(path string) bool { return filepath.Base(path) == "go.mod" }

// distinctModules counts the module@versions a Verify run probes, once
// however many consumer environments probe each (no network: the run is
// only prepared).
func distinctModules(v *engine.Verification) int {
	seen := map[string]bool{}
	for _, t := range v.Targets {
		for _, m := range t.Modules {
			seen[m.String()] = true
		}
	}
	return len(seen)
}

// verifyResult answers a folder's (or every folder's) last Verify run, as
// goproxy-doctor.verify answered it; folders without a run are left out.
func (s *server) verifyResult(ctx context.Context, raw []json.RawMessage) (any, error) {
	var a lensArgs
	if len(raw) > 0 && string(raw[0]) != "null" {
		if err := json.Unmarshal(raw[0], &a); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "arguments: %v", err)
		}
	}
	folders, err := pickFolders(s.sess.View().Folders, a.Folder)
	if err != nil {
		return nil, err
	}
	out := VerifyResult{Folders: []FolderVerify{}}
	for _, f := range folders {
		run, ok := s.sess.LastVerifyRun(f.Path)
		if !ok {
			continue
		}
		out.Folders = append(out.Folders, FolderVerify{Result: run.Result, Folder: f.Path, URI: uri.URI(f.URI)})
		if out.Text != "" {
			out.Text += "\n"
		}
		out.Text += run.Text
	}
	return out, nil
}

// refreshCodeLenses asks the client to request its code lenses again, when
// it supports workspace/codeLens/refresh, in the background.
func (s *server) refreshCodeLenses() {
	s.mu.Lock()
	supported := s.lensRefresh
	s.mu.Unlock()
	if !supported {
		return
	}
	s.background(func() {
		ctx, cancel := context.WithTimeout(s.ctx, codeLensRefreshTimeout)
		defer cancel()
		if err := s.client.CodeLensRefresh(ctx); err != nil {
			s.log.Debug("workspace/codeLens/refresh", "err", err)
		}
	})
}
