package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// CommandEnvironment returns the effective environment per folder and
// consumer (Go Proxy: Show Effective Environment).
const CommandEnvironment = "goproxy-doctor.environment"

// environmentArgs is the optional argument of goproxy-doctor.environment.
type environmentArgs struct {
	Folder string `json:"folder"` // a file URI (or a path); "" for every folder
	// Consumers narrows the answer as the CLI's env --consumer does:
	// names, comma lists or globs ("ci:*"); none for every consumer.
	Consumers []string `json:"consumers"`
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
	v := s.sess.View()
	folders, err := pickFolders(v.Folders, a.Folder)
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
		consumers, err := report.FilterConsumers(r.Res.Consumers, a.Consumers)
		if err != nil {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "consumers: %v", err)
		}
		env := report.EnvJSON(f.Path, consumers).Clipped()
		envs = append(envs, env)
		out.Folders = append(out.Folders, FolderEnvironment{Env: env, URI: uri.URI(f.URI)})
	}
	out.Markdown = report.Markdown(envs)
	return out, nil
}

// freshResult is the session's FreshResult.
func (s *server) freshResult(f folder, v session.View) *session.FolderResult {
	return s.sess.FreshResult(f, v)
}

// confirmedResult is the session's ConfirmedResult: the folder's result
// with every consumer's values confirmed by go env.
func (s *server) confirmedResult(ctx context.Context, f folder, v session.View) (*session.FolderResult, error) {
	r, err := s.sess.ConfirmedResult(ctx, f, v)
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	return r, nil
}
