package findings

import (
	"strings"
	"unsafe"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Place is where a finding goes: a span of a file, or the environment
// (File "").
type Place struct {
	File string
	Span sources.Span
}

// Key identifies a place.
func (pl Place) Key() string {
	var b strings.Builder
	writePlace(&b, pl.File, pl.Span)
	return b.String()
}

// At builds a finding at a place.
func At(pl Place, msg string, consumers []string) Finding {
	return Finding{File: pl.File, Span: pl.Span, Message: msg, Consumers: consumers}
}

// ValuePlace is the value a provenance points at; an empty value (a GOENV
// file's "GOPROXY=") is shown on its key so that it stays visible.
func ValuePlace(p sources.Provenance) Place {
	if p.File == "" || p.ValueSpan.End == 0 && p.KeySpan.End == 0 {
		return Place{}
	}
	if p.ValueSpan.Start == p.ValueSpan.End {
		return Place{p.File, p.KeySpan}
	}
	return Place{p.File, p.ValueSpan}
}

// KeyPlace is the key a provenance points at (its value when it has no key).
func KeyPlace(p sources.Provenance) Place {
	if p.File == "" {
		return Place{}
	}
	if p.KeySpan.End > p.KeySpan.Start {
		return Place{p.File, p.KeySpan}
	}
	return ValuePlace(p)
}

// ProvKey identifies where a value was set: its place in a file, or its
// source kind and key for values without a file.
func ProvKey(p sources.Provenance) string {
	if pl := ValuePlace(p); pl.File != "" {
		return pl.Key()
	}
	return string(p.Source) + "\x00" + p.Key
}

// RelatedAt points at the other side of a finding, when it is in a file.
func RelatedAt(p sources.Provenance, msg string) []Related {
	pl := ValuePlace(p)
	if pl.File == "" {
		return nil
	}
	return []Related{{File: pl.File, Span: pl.Span, Message: msg}}
}

// A Placer places findings inside values of one snapshot's files. Its
// zero value is ready once Snap is set.
type Placer struct {
	Snap      *sources.Snapshot
	verbatims map[verbatimKey]byte
}

// Sub is the part [start, end) of value where value is what the
// provenance's value span holds: the raw bytes of a GOENV file line, or a JSON
// string without escapes. When the file's text is not the value verbatim
// (escapes, ${env:} substitution) the whole value span is used.
func (pr *Placer) Sub(p sources.Provenance, value string, start, end int) Place {
	pl := ValuePlace(p)
	if pl.File == "" || p.ValueSpan.End <= p.ValueSpan.Start {
		return pl
	}
	content := pr.Snap.Content(p.File)
	vs := p.ValueSpan
	if content == nil || vs.End > len(content) {
		return pl
	}
	switch pr.verbatim(p.File, vs, content, value) {
	case verbatimRaw:
		return Place{p.File, sources.Span{Start: vs.Start + start, End: vs.Start + end}}
	case verbatimQuoted:
		return Place{p.File, sources.Span{Start: vs.Start + 1 + start, End: vs.Start + 1 + end}}
	}
	return pl
}

// How a value span holds a value: as its raw bytes, as a JSON string
// without escapes, or neither.
const (
	verbatimNo byte = iota + 1
	verbatimRaw
	verbatimQuoted
)

type verbatimKey struct {
	file  string
	span  sources.Span
	value *byte // the value's memory: every consumer shares one string
	n     int
}

// verbatim compares the span's bytes with value once per span and value:
// rules ask for every entry of a list, and comparing a 1 MB value once per
// entry would be quadratic.
func (pr *Placer) verbatim(file string, vs sources.Span, content []byte, value string) byte {
	k := verbatimKey{file, vs, unsafe.StringData(value), len(value)}
	if v, ok := pr.verbatims[k]; ok {
		return v
	}
	raw := content[vs.Start:vs.End]
	v := verbatimNo
	switch {
	case string(raw) == value:
		v = verbatimRaw
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && string(raw[1:len(raw)-1]) == value:
		v = verbatimQuoted
	}
	if pr.verbatims == nil {
		pr.verbatims = map[verbatimKey]byte{}
	}
	pr.verbatims[k] = v
	return v
}

// AndList joins names as "a", "a and b", "a, b and c".
func AndList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// ForConsumers is " for a and b", or "" when no consumer is affected.
func ForConsumers(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " for " + AndList(names)
}

// ModuleLine is where an editor shows a finding about the process
// environment, which has no file: the module directive of the folder's
// go.mod. ok is false when the folder has no go.mod with one.
func ModuleLine(s *sources.Snapshot) (pl Place, ok bool) {
	gm := s.GoMod
	if gm == nil || gm.Err != nil || gm.ModuleSpan == (sources.Span{}) {
		return Place{}, false
	}
	return Place{File: gm.Path, Span: gm.ModuleSpan}, true
}
