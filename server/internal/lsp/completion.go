package lsp

// Completion and document links in the files that configure the go
// command. Both answer from the open buffer's text and the facts of each
// folder's latest stored result (package complete): no diagnosis, no
// process per request.

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/complete"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/position"
)

// completionTriggers start completion in a key or a list value.
var completionTriggers = []string{`"`, ",", "|", "="}

// snippetSupport says whether the client takes snippets in completion items.
func snippetSupport(c protocol.ClientCapabilities) bool {
	td := c.TextDocument
	return td != nil && td.Completion != nil && td.Completion.CompletionItem != nil && isTrue(td.Completion.CompletionItem.SnippetSupport)
}

// configDoc is an open document that configures the go command, with the
// facts of the folders it concerns.
type configDoc struct {
	doc     complete.Doc
	content []byte
	facts   *complete.Facts
}

// configDocument finds the open document at u and the facts for it: those
// of the folder holding it, else (user settings, a GOENV file, a
// .code-workspace) of the first folder with a result. ok is false for a
// document that is not open or configures nothing.
func (s *server) configDocument(u uri.URI) (configDoc, bool) {
	path := uriPath(u)
	v := s.sess.View()
	d, ok := v.Docs[path]
	if path == "" || !ok {
		return configDoc{}, false
	}
	content, err := d.Read()
	if err != nil {
		return configDoc{}, false
	}
	var facts, first *complete.Facts
	var goenvFiles []string
	for _, f := range v.Folders {
		r := s.sess.Latest(f.Path)
		if r == nil {
			continue
		}
		fa := complete.FactsOf(r.Res.Snapshot, r.Res.Consumers)
		goenvFiles = append(goenvFiles, fa.GoEnvFiles...)
		if first == nil {
			first = fa
		}
		if facts == nil && inFolder(path, f.Path) {
			facts = fa
		}
	}
	if facts == nil {
		facts = first
	}
	kind := complete.Classify(path, goenvFiles)
	if kind == complete.Other {
		return configDoc{}, false
	}
	return configDoc{doc: complete.Doc{Kind: kind, Content: content}, content: content, facts: facts}, true
}

func inFolder(path, folder string) bool {
	rel, err := filepath.Rel(folder, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (s *server) Completion(ctx context.Context, params *protocol.CompletionParams) (protocol.CompletionResult, error) {
	out := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	cd, ok := s.configDocument(params.TextDocument.URI)
	if !ok {
		return out, nil
	}
	// Only the lines up to the cursor are scanned: no index of the whole
	// buffer per keystroke.
	offset := position.Offset(cd.content, lspPosition(params.Position))
	rng := func(start, end int) protocol.Range {
		return protocolRange(position.Range{Start: positionAt(cd.content, start), End: positionAt(cd.content, end)})
	}
	s.mu.Lock()
	snippets := s.snippets
	s.mu.Unlock()
	trigger := ""
	if params.Context.TriggerKind == protocol.CompletionTriggerKindTriggerCharacter && params.Context.TriggerCharacter != nil {
		trigger = *params.Context.TriggerCharacter
	}
	items, incomplete := complete.CompleteTriggered(cd.doc, offset, cd.facts, trigger)
	out.IsIncomplete = incomplete
	for i, it := range items {
		// Plain text is the default format: said only for snippets.
		text, format := it.Edit.Text, protocol.InsertTextFormat(0)
		if snippets && it.Cursor >= 0 {
			text, format = snippetEscape(text[:it.Cursor])+"$0"+snippetEscape(text[it.Cursor:]), protocol.InsertTextFormatSnippet
		}
		item := protocol.CompletionItem{
			Label:            it.Label,
			Kind:             protocol.CompletionItemKindValue,
			SortText:         protocol.NewOptional(sortKey(i)),
			InsertTextFormat: format,
			TextEdit:         &protocol.TextEdit{Range: rng(it.Edit.Start, it.Edit.End), NewText: text},
		}
		if it.Detail != "" {
			item.Detail = protocol.NewOptional(it.Detail)
		}
		if it.Filter != it.Label {
			item.FilterText = protocol.NewOptional(it.Filter)
		}
		if it.Kind == complete.VariableItem {
			item.Kind = protocol.CompletionItemKindVariable
		}
		if it.Doc != "" {
			item.Documentation = protocol.String(it.Doc)
		}
		for _, e := range it.Extra {
			item.AdditionalTextEdits = append(item.AdditionalTextEdits, protocol.TextEdit{Range: rng(e.Start, e.End), NewText: e.Text})
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// positionAt is the LSP position of a byte offset, found without indexing
// the content: the line by counting newlines before it, the character by
// decoding its line up to it.
func positionAt(content []byte, offset int) position.Position {
	start := bytes.LastIndexByte(content[:offset], '\n') + 1
	p := position.NewMapper(content[start:offset]).Position(offset - start)
	p.Line = bytes.Count(content[:start], []byte{'\n'})
	if offset > start && offset < len(content) && content[offset-1] == '\r' && content[offset] == '\n' {
		p.Character-- // the "\r" of a "\r\n" ends the line, as in Mapper
	}
	return p
}

// sortKey keeps the engine's order (the download variables first).
func sortKey(i int) string {
	const digits = "0123456789"
	return string([]byte{digits[i/100%10], digits[i/10%10], digits[i%10]})
}

// snippetEscape escapes the characters a snippet gives meaning to.
func snippetEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`).Replace(s)
}
