package lsp

import (
	"context"
	"encoding/json"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/explainerr"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
)

// CommandExplainError explains an error the go command printed (Go Proxy:
// Explain Error).
const CommandExplainError = "goproxy-doctor.explainError"

// maxExplainText bounds the text argument: a terminal's output is cut to
// its end, where the go command's error is.
const maxExplainText = 4 << 20

// explainErrorArgs is the argument of goproxy-doctor.explainError.
type explainErrorArgs struct {
	Text   string `json:"text"`   // the go command's output
	Folder string `json:"folder"` // a file URI (or a path); "" for the first folder
}

// ExplainErrorResult is the result of goproxy-doctor.explainError: the
// explanation, rendered here (the server is the only renderer), and the
// fixes as edits the client can apply.
type ExplainErrorResult struct {
	Explanation *explainerr.Explanation `json:"explanation"`
	Markdown    string                  `json:"markdown"`
	Fixes       []ExplainFix            `json:"fixes"`
}

// ExplainFix is one fix of an explanation.
type ExplainFix struct {
	Title string                  `json:"title"`
	Edit  *protocol.WorkspaceEdit `json:"edit"`
}

// explainError answers from the folder's result, confirmed by go env as
// for the environment command: no network, no other process.
func (s *server) explainError(ctx context.Context, args []json.RawMessage) (any, error) {
	var a explainErrorArgs
	if len(args) == 0 || string(args[0]) == "null" {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "arguments: want {\"text\": ...}")
	}
	if err := json.Unmarshal(args[0], &a); err != nil {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "arguments: %v", err)
	}
	if len(a.Text) > maxExplainText {
		a.Text = a.Text[len(a.Text)-maxExplainText:]
	}
	p := explainerr.Parse(a.Text)
	out := ExplainErrorResult{Fixes: []ExplainFix{}}
	v := s.sess.View()
	folders, err := pickFolders(v.Folders, a.Folder)
	if err != nil {
		return nil, err
	}
	if !p.Found() || len(folders) == 0 {
		out.Explanation = explainerr.Explain(p, nil)
		out.Markdown = out.Explanation.Markdown()
		return out, nil
	}
	r, err := s.confirmedResult(ctx, folders[0], v)
	if err != nil {
		return nil, err
	}
	out.Explanation = explainerr.Explain(p, r.Res)
	out.Markdown = out.Explanation.Markdown()
	s.mu.Lock()
	caps := s.editCaps
	s.mu.Unlock()
	for _, f := range out.Explanation.Fixes {
		// A fix the client cannot apply (a document changed since, a
		// write the policy refuses) is left out; the Markdown still names it.
		if we, ok := workspaceEdit(r, v.Docs, caps, f.Edits); ok {
			out.Fixes = append(out.Fixes, ExplainFix{Title: redact.RedactText(f.Title), Edit: we})
		}
	}
	return out, nil
}
