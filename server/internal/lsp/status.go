package lsp

// The goproxy-doctor/status notification: after each publish, per folder,
// what a status bar shows, sent only when it differs from what the client
// was last sent and only to a client that asked for it
// (initializationOptions.statusNotifications). The client then never asks
// the server to re-resolve the environment to refresh its status bar.

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// methodStatus is the server → client notification (shared/contract.json).
const methodStatus = "goproxy-doctor/status"

// codeEditorEnvStale is the finding a status bar shows first, with its
// Reload Window link.
const codeEditorEnvStale = "editor-env-stale"

// folderStatus is the params of goproxy-doctor/status.
type folderStatus struct {
	URI uri.URI `json:"uri"`
	report.Status
	// StaleEditor are the messages of the folder's editor-env-stale
	// findings: values vscode-go pinned into the editor that are out of date.
	StaleEditor []string `json:"staleEditor"`
	// Errors counts the folder's error-severity findings, Verify's included.
	Errors int `json:"errors"`
	// Verify counts the folder's latest Verify run (null: none yet).
	Verify *report.VerifySummary `json:"verify"`
}

// statusOf computes a folder's status from its latest result.
func (s *server) statusOf(r *session.FolderResult) folderStatus {
	st := folderStatus{URI: uri.URI(r.Folder.URI), Status: report.StatusOf(r.Folder.Path, r.Res.Consumers), StaleEditor: []string{}}
	count := func(f findings.Finding) {
		if f.Severity == findings.Error {
			st.Errors++
		}
	}
	for _, f := range r.Findings() {
		count(f)
		if f.Code == codeEditorEnvStale && !slices.Contains(st.StaleEditor, f.Message) {
			st.StaleEditor = append(st.StaleEditor, f.Message)
		}
	}
	for _, fd := range s.sess.VerifyDiagnostics(r) {
		count(fd.Finding)
	}
	if run, ok := s.sess.LastVerifyRun(r.Folder.Path); ok {
		sum := report.SummarizeVerify(run.Result)
		st.Verify = &sum
	}
	return st
}

// sentStatus is the status last sent for a folder and what it was
// computed from: a folder no change reached keeps its consumers and
// findings (the same slices), and is not computed again.
type sentStatus struct {
	enc       []byte
	consumers []*resolve.Consumer
	findings  []findings.Finding
	verified  *session.FolderResult
}

// from reports whether the status was computed from these inputs.
func (s sentStatus) from(r *session.FolderResult, verified *session.FolderResult) bool {
	return sameSlice(s.consumers, r.Res.Consumers) && sameSlice(s.findings, r.Findings()) && s.verified == verified
}

func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// notifier sends a notification on the connection (the jsonrpc2.Conn
// behind protocol.ClientDispatcher).
type notifier interface {
	Notify(ctx context.Context, method string, params any) error
}

// Published sends goproxy-doctor/status for each folder whose status
// differs from what the client was last sent (the session's Publisher). It
// runs on the session's loop, after each pass of publications, which owns
// statusSent.
func (p publisher) Published(ctx context.Context, v session.View, results []*session.FolderResult) {
	s := p.s
	s.refreshHints(results)
	if !v.CS.StatusNotifications {
		// Opting in again later sends every folder afresh.
		clear(s.statusSent)
		return
	}
	n, ok := s.client.(notifier)
	if !ok {
		return
	}
	current := make(map[string]bool, len(results))
	for _, r := range results {
		current[r.Folder.Path] = true
		verified := s.sess.Verified(r.Folder.Path)
		last, sent := s.statusSent[r.Folder.Path]
		if sent && last.from(r, verified) {
			continue
		}
		enc, err := json.Marshal(s.statusOf(r))
		if err != nil {
			s.log.Error("encoding the status", "folder", r.Folder.Path, "err", err)
			continue
		}
		next := sentStatus{enc: enc, consumers: r.Res.Consumers, findings: r.Findings(), verified: verified}
		if sent && bytes.Equal(last.enc, enc) {
			s.statusSent[r.Folder.Path] = next
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if err := n.Notify(ctx, methodStatus, json.RawMessage(enc)); err != nil {
			s.log.Warn(methodStatus, "folder", r.Folder.Path, "err", err)
			continue
		}
		s.statusSent[r.Folder.Path] = next
	}
	for path := range s.statusSent {
		if !current[path] {
			delete(s.statusSent, path) // a removed folder: sent again if it comes back
		}
	}
}
