package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
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

// environment resolves each requested folder from its latest snapshot (or a
// fresh one when changes are still on their way to the diagnoser) and confirms the values with go env,
// whose cache the background diagnosis has usually filled already.
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
		r := s.freshResult(f, v)
		consumers := engine.Resolve(r.snap)
		if _, err := s.opts.Oracle.Confirm(ctx, r.snap, consumers); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("go env: %w", ctx.Err())
			}
			s.log.Debug("go env", "folder", f.path, "err", err)
		}
		env := report.EnvJSON(f.path, consumers).Clipped()
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
	return diagnoseFolder(f, v, s.newReadCache(v), mods)
}
