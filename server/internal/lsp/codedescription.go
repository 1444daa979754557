package lsp

import (
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/ruledoc"
)

// codeDescription links a diagnostic to its code's page (docs/rules/); the
// zero value, which the encoder omits, for a code without one.
func codeDescription(code string) protocol.CodeDescription {
	u := ruledoc.URL(code)
	if u == "" {
		return protocol.CodeDescription{}
	}
	return protocol.CodeDescription{Href: uri.URI(u)}
}
