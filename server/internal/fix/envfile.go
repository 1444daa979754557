package fix

import (
	"errors"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// GOENV files are cmd/go's KEY=VALUE lines, split on "\n" only, nothing
// trimmed or unquoted, the last line for a key winning. The edits here write
// them the way `go env -w` and `go env -u` do: a line is KEY=VALUE with LF.

// ErrBadEnvValue is a value `go env -w` refuses: it would span lines.
var ErrBadEnvValue = errors.New("a GOENV file value cannot contain a line break")

// EnvSet makes the file set key to value: the line that sets it now (the
// last one) is rewritten, else a line is appended. content may be nil for a
// file that does not exist yet.
func EnvSet(content []byte, key, value string) ([]TextEdit, error) {
	if strings.ContainsAny(value, "\r\n") || strings.ContainsAny(key, "=\r\n") {
		return nil, ErrBadEnvValue
	}
	f := sources.ParseEnvFile("", sources.GoEnvFile, content)
	if l, ok := f.Lookup(key); ok {
		return []TextEdit{EnvReplaceLine(content, l, key+"="+value)}, nil
	}
	text := key + "=" + value + "\n"
	if n := len(content); n > 0 && content[n-1] != '\n' {
		text = "\n" + text
	}
	return []TextEdit{{Span: sources.Span{Start: len(content), End: len(content)}, NewText: text}}, nil
}

// EnvUnset removes every line that sets key, as `go env -u` does.
func EnvUnset(content []byte, key string) []TextEdit {
	f := sources.ParseEnvFile("", sources.GoEnvFile, content)
	var out []TextEdit
	for _, l := range f.Lines {
		if l.Valid && l.Key == key {
			out = append(out, EnvRemoveLine(content, l))
		}
	}
	return mergeAdjacent(out)
}

// EnvRemoveLine deletes a line with its line ending. The last line of a
// file without a final newline takes the newline before it instead.
func EnvRemoveLine(content []byte, l sources.EnvLine) TextEdit {
	sp := l.Span
	if sp.End < len(content) {
		return TextEdit{Span: sources.Span{Start: sp.Start, End: sp.End + 1}}
	}
	if sp.Start > 0 {
		return TextEdit{Span: sources.Span{Start: sp.Start - 1, End: sp.End}}
	}
	return TextEdit{Span: sp}
}

// lineWithCR is a line's span including a "\r" before its "\n", so that
// rewriting the line also gives it cmd/go's LF ending — and never leaves an
// edit ending between "\r" and "\n".
func lineWithCR(content []byte, l sources.EnvLine) sources.Span {
	sp := l.Span
	if sp.End < len(content) && sp.End > sp.Start && content[sp.End-1] == '\r' {
		return sources.Span{Start: sp.Start, End: sp.End + 1}
	}
	return sp
}

// envLineText is the text that replaces a line rewritten by EnvReplaceLine: its
// new content plus the "\n" that lineWithCR took.
func envLineText(content []byte, l sources.EnvLine, text string) string {
	if s := lineWithCR(content, l); s.End > l.Span.End {
		return text + "\n"
	}
	return text
}

// EnvReplaceLine rewrites line l as text, giving it an LF ending.
func EnvReplaceLine(content []byte, l sources.EnvLine, text string) TextEdit {
	return minimize(content, TextEdit{Span: lineWithCR(content, l), NewText: envLineText(content, l, text)})
}

// EnvStripCR turns every CRLF of the file into LF.
func EnvStripCR(content []byte) []TextEdit {
	var out []TextEdit
	for i := 0; i+1 < len(content); i++ {
		if content[i] == '\r' && content[i+1] == '\n' {
			out = append(out, TextEdit{Span: sources.Span{Start: i, End: i + 2}, NewText: "\n"})
		}
	}
	return out
}
