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

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/rules"
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
}

// statusOf computes a folder's status from its latest result.
func (d *diagnoser) statusOf(r *folderResult) folderStatus {
	st := folderStatus{URI: r.folder.uri, Status: report.StatusOf(r.folder.path, r.consumers), StaleEditor: []string{}}
	count := func(f rules.Finding) {
		if f.Severity == rules.Error {
			st.Errors++
		}
	}
	for _, f := range r.findings {
		count(f)
		if f.Code == codeEditorEnvStale && !slices.Contains(st.StaleEditor, f.Message) {
			st.StaleEditor = append(st.StaleEditor, f.Message)
		}
	}
	for _, fd := range d.verifyDiagnostics(r) {
		count(fd.finding)
	}
	return st
}

// sentStatus is the status last sent for a folder and what it was
// computed from: a folder no change reached keeps its consumers and
// findings (the same slices), and is not computed again.
type sentStatus struct {
	enc       []byte
	consumers []*resolve.Consumer
	findings  []rules.Finding
	verified  *folderResult
}

// from reports whether the status was computed from these inputs.
func (s sentStatus) from(r *folderResult, verified *folderResult) bool {
	return sameSlice(s.consumers, r.consumers) && sameSlice(s.findings, r.findings) && s.verified == verified
}

func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// notifier sends a notification on the connection (the jsonrpc2.Conn
// behind protocol.ClientDispatcher).
type notifier interface {
	Notify(ctx context.Context, method string, params any) error
}

// sendStatus sends goproxy-doctor/status for each folder whose status
// differs from what the client was last sent. It runs on the diagnoser's
// loop, after publish, which owns statusSent.
func (d *diagnoser) sendStatus(v view, results []*folderResult) {
	if !v.cs.StatusNotifications {
		// Opting in again later sends every folder afresh.
		clear(d.statusSent)
		return
	}
	n, ok := d.s.client.(notifier)
	if !ok {
		return
	}
	current := make(map[string]bool, len(results))
	for _, r := range results {
		current[r.folder.path] = true
		d.resMu.Lock()
		verified := d.verified[r.folder.path]
		d.resMu.Unlock()
		last, sent := d.statusSent[r.folder.path]
		if sent && last.from(r, verified) {
			continue
		}
		enc, err := json.Marshal(d.statusOf(r))
		if err != nil {
			d.s.log.Error("encoding the status", "folder", r.folder.path, "err", err)
			continue
		}
		next := sentStatus{enc: enc, consumers: r.consumers, findings: r.findings, verified: verified}
		if sent && bytes.Equal(last.enc, enc) {
			d.statusSent[r.folder.path] = next
			continue
		}
		if d.ctx.Err() != nil {
			return
		}
		if err := n.Notify(d.ctx, methodStatus, json.RawMessage(enc)); err != nil {
			d.s.log.Warn(methodStatus, "folder", r.folder.path, "err", err)
			continue
		}
		d.statusSent[r.folder.path] = next
	}
	for path := range d.statusSent {
		if !current[path] {
			delete(d.statusSent, path) // a removed folder: sent again if it comes back
		}
	}
}
