package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// CommandEnvironment returns the effective environment per folder and
// consumer (Go Proxy: Show Effective Environment).
const CommandEnvironment = "goproxy-doctor.environment"

// environmentArgs is the optional argument of goproxy-doctor.environment.
type environmentArgs struct {
	Folder string `json:"folder"` // a file URI (or a path); "" for every folder
}

// EnvironmentResult is the result of goproxy-doctor.environment.
type EnvironmentResult struct {
	Folders  []FolderEnvironment `json:"folders"`
	Markdown string              `json:"markdown"`
}

// FolderEnvironment is one folder's `env --json` object (SPEC §8) with the
// folder's URI and the divergent variables.
type FolderEnvironment struct {
	report.Env
	URI uri.URI `json:"uri"`
}

// environment answers from each requested folder's latest result (or a
// fresh one when changes are still on their way to the diagnoser), its
// values confirmed by go env, whose answers the background diagnosis has
// usually cached already.
func (s *server) environment(ctx context.Context, args []json.RawMessage) (any, error) {
	var a environmentArgs
	if len(args) > 0 && string(args[0]) != "null" {
		if err := json.Unmarshal(args[0], &a); err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "arguments: %v", err)
		}
	}
	v := s.view()
	folders, err := pickFolders(v.folders, a.Folder)
	if err != nil {
		return nil, err
	}
	out := EnvironmentResult{Folders: []FolderEnvironment{}}
	var envs []report.Env
	for _, f := range folders {
		r, err := s.confirmedResult(ctx, f, v)
		if err != nil {
			return nil, err
		}
		env := report.EnvJSON(f.path, r.res.Consumers).Clipped()
		envs = append(envs, env)
		out.Folders = append(out.Folders, FolderEnvironment{Env: env, URI: f.uri})
	}
	out.Markdown = report.Markdown(envs)
	return out, nil
}

// freshResult is the folder's latest diagnosis when no change has happened
// since view v was taken, else a diagnosis of the folder made now against v
// (a change may still be on its way to the diagnoser). Requests use it so
// they answer for the state the client sees.
func (s *server) freshResult(f folder, v view) *folderResult {
	r := s.diag.result(f.path)
	if r != nil && r.modified == v.modified {
		return r
	}
	var mods []string // nil: walk the folder
	if r != nil {
		mods = r.mods
	}
	return s.diagnoseFolder(f, v, s.newReadCache(v), mods)
}

// confirmedResult is freshResult with every consumer's values confirmed by
// go env: when the diagnosis could not apply go env's answers from the
// oracle's cache, go env runs now, and the confirmed result replaces the
// stored one (if it still is the latest) so that diagnostics show it too.
func (s *server) confirmedResult(ctx context.Context, f folder, v view) (*folderResult, error) {
	r := s.freshResult(f, v)
	if !r.res.Pending {
		return r, nil
	}
	res := r.res.Confirm(ctx, s.opts.Oracle)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("go env: %w", ctx.Err())
	}
	if res.ConfirmErr != nil {
		s.log.Debug("go env", "folder", f.path, "err", res.ConfirmErr)
	}
	c := r.with(res)
	s.diag.confirmed(r, c)
	return c, nil
}
