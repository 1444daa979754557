package rules

import (
	"bytes"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Text helpers for the fixes of build files (Dockerfiles, workflows,
// GitLab CI): edits are whole lines inserted or removed at the indentation
// the file already uses, so that comments and layout stay as they are.

// lineStartAt is the offset of the start of the line holding off.
func lineStartAt(c []byte, off int) int {
	if off > len(c) {
		off = len(c)
	}
	return bytes.LastIndexByte(c[:off], '\n') + 1
}

// lineEndAt is the offset of the end of the line holding off, before its
// "\r\n" or "\n".
func lineEndAt(c []byte, off int) int {
	i := bytes.IndexByte(c[off:], '\n')
	if i < 0 {
		return len(c)
	}
	e := off + i
	if e > off && c[e-1] == '\r' {
		e--
	}
	return e
}

// nextLineAt is the offset of the line after the one holding off (the end
// of the content for the last line).
func nextLineAt(c []byte, off int) int {
	i := bytes.IndexByte(c[off:], '\n')
	if i < 0 {
		return len(c)
	}
	return off + i + 1
}

// newlineOf is the line ending the file uses ("\r\n" or "\n").
func newlineOf(c []byte) string {
	if i := bytes.IndexByte(c, '\n'); i > 0 && c[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// indentBefore returns the blanks from the start of off's line to off, and
// whether there is nothing but blanks (the key at off starts its line).
func indentBefore(c []byte, off int) (string, bool) {
	ls := lineStartAt(c, off)
	for i := ls; i < off; i++ {
		if c[i] != ' ' && c[i] != '\t' {
			return "", false
		}
	}
	return string(c[ls:off]), true
}

// blankOrComment reports whether the line starting at ls holds nothing but
// blanks or a # comment.
func blankOrComment(c []byte, ls int) bool {
	t := bytes.TrimLeft(c[ls:lineEndAt(c, ls)], " \t")
	return len(t) == 0 || t[0] == '#'
}

// terminated makes sure an insertion at the end of a file without a final
// newline starts on a line of its own.
func terminated(c []byte, at int, nl string) string {
	if at == len(c) && len(c) > 0 && c[len(c)-1] != '\n' {
		return nl
	}
	return ""
}

// sameLine reports whether a span lies on one line.
func sameLine(c []byte, sp sources.Span) bool {
	return bytes.IndexByte(c[sp.Start:sp.End], '\n') < 0
}

func sourcesSpan(start, end int) sources.Span { return sources.Span{Start: start, End: end} }
