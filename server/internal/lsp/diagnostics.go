package lsp

// Diagnostics are computed by the session (package session): this file
// turns its placed diagnostics into textDocument/publishDiagnostics.

import (
	"context"
	"encoding/json"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/session"
)

// diagnosticSource is every diagnostic's source (SPEC §2).
const diagnosticSource = "go-proxy"

// publisher is the session's Publisher: it sends publishDiagnostics.
type publisher struct{ s *server }

func (p publisher) Publish(ctx context.Context, pub session.Publication) error {
	params := &protocol.PublishDiagnosticsParams{URI: uri.File(pub.Path), Diagnostics: make([]protocol.Diagnostic, 0, len(pub.Diagnostics))}
	if pub.URI != "" {
		params.URI = uri.URI(pub.URI)
	}
	if pub.Version != nil {
		params.Version = protocol.NewOptional(*pub.Version)
	}
	for _, d := range pub.Diagnostics {
		params.Diagnostics = append(params.Diagnostics, toProtocol(d, pub.Docs))
	}
	return p.s.client.PublishDiagnostics(ctx, params)
}

// toProtocol is a placed diagnostic as LSP has it; related locations in
// open documents use the URI the client opened them with.
func toProtocol(d session.Diagnostic, docs map[string]*session.Document) protocol.Diagnostic {
	diag := protocol.Diagnostic{
		Range:    protocolRange(d.Range),
		Severity: protocol.DiagnosticSeverity(d.Finding.Severity),
		Code:     protocol.String(d.Finding.Code),
		Source:   protocol.NewOptional(diagnosticSource),
		Message:  protocol.String(d.Finding.Message),
	}
	for _, rel := range d.Related {
		u := uri.File(rel.Path)
		if doc, ok := docs[rel.Path]; ok {
			u = uri.URI(doc.URI()) // the spelling the client opened it with
		}
		diag.RelatedInformation = append(diag.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: u, Range: protocolRange(rel.Range)},
			Message:  rel.Message,
		})
	}
	setConsumers(&diag, d.Consumers)
	diag.CodeDescription = codeDescription(d.Finding.Code)
	return diag
}

// diagnosticData is Diagnostic.data: the consumers a finding affects.
type diagnosticData struct {
	Consumers []string `json:"consumers"`
}

func setConsumers(diag *protocol.Diagnostic, consumers []string) {
	if consumers == nil {
		consumers = []string{}
	}
	b, _ := json.Marshal(diagnosticData{Consumers: consumers})
	diag.Data = protocol.LSPAny(b)
}

func protocolRange(r position.Range) protocol.Range {
	return protocol.Range{
		Start: protocol.Position{Line: uint32(r.Start.Line), Character: uint32(r.Start.Character)},
		End:   protocol.Position{Line: uint32(r.End.Line), Character: uint32(r.End.Character)},
	}
}
