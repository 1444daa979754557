package buildenv

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A small POSIX-shell lexer: enough of sh/bash to find the commands of a
// script, their words with quotes removed, redirections and here-documents —
// with the text offset of every character of every word, so that a value
// found inside a word maps back to its exact bytes. Expansions ($X, ${X},
// $(cmd), `cmd`) are kept verbatim and mark the word unresolved.

// word is one shell word.
type word struct {
	start, end int    // text offsets of its source
	val        string // quotes removed, escapes applied, expansions verbatim
	pos        []int  // pos[i]: text offset of the source byte of val[i]
	unresolved bool   // holds an expansion
	quoted     bool   // some part was quoted
}

type redirect struct {
	op     string
	target word
	// A here-document's body: text offsets [bodyStart, bodyEnd).
	heredoc            bool
	bodyStart, bodyEnd int
	strip              bool // <<-
	delim              string
}

type command struct {
	words  []word
	redirs []*redirect
	// closes is, for the command made of a "}" or ")" that ends a group,
	// the index of the group's first command; -1 otherwise. Redirections
	// after it apply to the whole group.
	closes int
}

// maxGroupDepth bounds nested { } and ( ) tracking on hostile input.
const maxGroupDepth = 256

type lexer struct {
	s          string
	i          int
	esc        byte // the escape character: '\\' in a shell, the escape directive in a Dockerfile
	cmds       []*command
	cur        *command
	pending    []*redirect
	groupStack []int
	// whole: blanks do not end a word (the value of a legacy ENV K V).
	whole bool
}

// lexShell splits a script into commands.
func lexShell(s string) []*command {
	l := &lexer{s: s, esc: '\\'}
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			l.i++
		case c == '\\' && l.i+1 < len(l.s) && l.s[l.i+1] == '\n':
			l.i += 2
		case c == '\n':
			l.endCmd()
			l.i++
			l.readHeredocs()
		case c == '#':
			for l.i < len(l.s) && l.s[l.i] != '\n' {
				l.i++
			}
		case c == ';' || c == '&' || c == '|':
			l.endCmd()
			l.i++
			if l.i < len(l.s) && (l.s[l.i] == c || c == '|' && l.s[l.i] == '&') {
				l.i++
			}
		case c == '(':
			l.endCmd()
			l.i++
			l.open()
		case c == ')':
			l.endCmd()
			l.i++
			l.close()
		case c == '<' || c == '>':
			l.redirect()
		default:
			w := l.word(false)
			if w.end == w.start {
				l.i++ // not reachable for the characters above; keeps the loop finite
				continue
			}
			if l.i < len(l.s) && (l.s[l.i] == '<' || l.s[l.i] == '>') && !w.quoted && isDigits(w.val) {
				l.redirect() // 2>>file: the digits name a descriptor
				continue
			}
			if (l.cur == nil || len(l.cur.words) == 0 && l.cur.closes < 0) && !w.quoted {
				switch w.val {
				case "{":
					l.endCmd()
					l.open()
					continue
				case "}":
					l.endCmd()
					l.close()
					continue
				}
			}
			l.command().words = append(l.cur.words, w)
		}
	}
	l.endCmd()
	return l.cmds
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (l *lexer) command() *command {
	if l.cur == nil {
		l.cur = &command{closes: -1}
	}
	return l.cur
}

func (l *lexer) endCmd() {
	if l.cur != nil {
		l.cmds = append(l.cmds, l.cur)
		l.cur = nil
	}
}

func (l *lexer) open() {
	if len(l.groupStack) < maxGroupDepth {
		l.groupStack = append(l.groupStack, len(l.cmds))
	}
}

func (l *lexer) close() {
	start := 0
	if n := len(l.groupStack); n > 0 {
		start = l.groupStack[n-1]
		l.groupStack = l.groupStack[:n-1]
	}
	l.cur = &command{closes: start}
}

func (l *lexer) redirect() {
	j := l.i
	for j < len(l.s) && (l.s[j] == '<' || l.s[j] == '>') && j-l.i < 3 {
		j++
	}
	op := l.s[l.i:j]
	if j < len(l.s) && (l.s[j] == '-' && op == "<<" || l.s[j] == '&' || l.s[j] == '|') {
		j++
		op = l.s[l.i:j]
	}
	l.i = j
	for l.i < len(l.s) && (l.s[l.i] == ' ' || l.s[l.i] == '\t') {
		l.i++
	}
	r := &redirect{op: op}
	if l.i < len(l.s) && !isMeta(l.s[l.i], false) {
		r.target = l.word(false)
	}
	if op == "<<" || op == "<<-" {
		r.heredoc, r.strip, r.delim = true, op == "<<-", r.target.val
		l.pending = append(l.pending, r)
	}
	l.command().redirs = append(l.cur.redirs, r)
}

// readHeredocs consumes the bodies of the here-documents started on the
// line just ended.
func (l *lexer) readHeredocs() {
	for _, r := range l.pending {
		r.bodyStart = l.i
		r.bodyEnd = len(l.s)
		for l.i < len(l.s) {
			e := strings.IndexByte(l.s[l.i:], '\n')
			next := len(l.s)
			if e >= 0 {
				e += l.i
				next = e + 1
			} else {
				e = len(l.s)
			}
			line := strings.TrimSuffix(l.s[l.i:e], "\r")
			if r.strip {
				line = strings.TrimLeft(line, "\t")
			}
			if line == r.delim {
				r.bodyEnd = l.i
				l.i = next
				break
			}
			l.i = next
		}
	}
	l.pending = l.pending[:0]
}

// dockerSpace returns the width of the white space at s[i] as buildkit
// splits words (unicode.IsSpace), or 0.
func dockerSpace(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		switch c {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			return 1
		}
		return 0
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if unicode.IsSpace(r) {
		return w
	}
	return 0
}

func isMeta(c byte, docker bool) bool {
	switch c {
	case ' ', '\t', '\n', '\r':
		return true
	case ';', '&', '|', '(', ')', '<', '>':
		return !docker
	}
	return false
}

// word reads one word at l.i. In docker mode only blanks end a word and the
// escape character is l.esc.
func (l *lexer) word(docker bool) word {
	w := word{start: l.i}
	// Most words end at the next blank: size for that.
	size := strings.IndexAny(l.s[l.i:], " \t\n")
	if size < 0 {
		size = len(l.s) - l.i
	}
	b := make([]byte, 0, size)
	w.pos = make([]int, 0, size)
	emit := func(c byte, at int) {
		b = append(b, c)
		w.pos = append(w.pos, at)
	}
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case docker && !l.whole && dockerSpace(s, l.i) > 0:
			goto done
		case isMeta(c, docker) && !(l.whole && (c == ' ' || c == '\t')):
			goto done
		case c == l.esc:
			if l.i+1 >= len(s) {
				emit(c, l.i)
				l.i++
				continue
			}
			if s[l.i+1] == '\n' {
				l.i += 2
				continue
			}
			w.quoted = true
			emit(s[l.i+1], l.i+1)
			l.i += 2
		case c == '\'':
			w.quoted = true
			l.i++
			for l.i < len(s) && s[l.i] != '\'' {
				emit(s[l.i], l.i)
				l.i++
			}
			l.i++
		case c == '"':
			w.quoted = true
			l.i++
			for l.i < len(s) && s[l.i] != '"' {
				switch {
				case s[l.i] == l.esc && l.i+1 < len(s) && strings.IndexByte("$`\"\n", s[l.i+1]) >= 0 || s[l.i] == l.esc && l.i+1 < len(s) && s[l.i+1] == l.esc:
					if s[l.i+1] != '\n' {
						emit(s[l.i+1], l.i+1)
					}
					l.i += 2
				case s[l.i] == '$' || s[l.i] == '`' && !docker:
					l.expansion(emit, &w, docker)
				default:
					emit(s[l.i], l.i)
					l.i++
				}
			}
			l.i++
		case c == '$' && !docker && l.i+1 < len(s) && s[l.i+1] == '\'':
			w.quoted = true
			l.ansiC(emit)
		case c == '$' || c == '`' && !docker:
			l.expansion(emit, &w, docker)
		default:
			emit(c, l.i)
			l.i++
		}
	}
done:
	if l.i > len(s) {
		l.i = len(s)
	}
	w.end = l.i
	w.val = string(b)
	return w
}

var ansiCEscapes = map[byte]byte{'n': '\n', 't': '\t', '\\': '\\', '\'': '\'', '"': '"', 'r': '\r'}

// ansiC reads $'…' conservatively: the common escapes are decoded, any other
// is kept as written.
func (l *lexer) ansiC(emit func(byte, int)) {
	s := l.s
	l.i += 2
	for l.i < len(s) && s[l.i] != '\'' {
		if s[l.i] == '\\' && l.i+1 < len(s) {
			if d, ok := ansiCEscapes[s[l.i+1]]; ok {
				emit(d, l.i+1)
				l.i += 2
				continue
			}
			emit(s[l.i], l.i)
			emit(s[l.i+1], l.i+1)
			l.i += 2
			continue
		}
		emit(s[l.i], l.i)
		l.i++
	}
	l.i++
}

// expansion copies $NAME, ${…}, $(…), $((…)) or `…` verbatim.
func (l *lexer) expansion(emit func(byte, int), w *word, docker bool) {
	s := l.s
	start := l.i
	copyTo := func(end int) {
		if end > len(s) {
			end = len(s)
		}
		for ; l.i < end; l.i++ {
			emit(s[l.i], l.i)
		}
	}
	if s[l.i] == '`' {
		j := l.i + 1
		for j < len(s) && s[j] != '`' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		w.unresolved = true
		copyTo(j + 1)
		return
	}
	if l.i+1 >= len(s) {
		copyTo(l.i + 1)
		return
	}
	switch n := s[l.i+1]; {
	case n == '{' || n == '(' && !docker:
		closeCh := byte('}')
		if n == '(' {
			closeCh = ')'
		}
		depth, j := 0, l.i+1
		for ; j < len(s); j++ {
			switch s[j] {
			case n:
				depth++
			case closeCh:
				depth--
			case '\\':
				j++
			case '\'':
				if n == '(' {
					if k := strings.IndexByte(s[j+1:], '\''); k >= 0 {
						j += k + 1
					}
				}
			}
			if depth == 0 {
				break
			}
		}
		w.unresolved = true
		copyTo(j + 1)
	case n == '_' || 'A' <= n && n <= 'Z' || 'a' <= n && n <= 'z':
		j := l.i + 2
		for j < len(s) && (s[j] == '_' || 'A' <= s[j] && s[j] <= 'Z' || 'a' <= s[j] && s[j] <= 'z' || '0' <= s[j] && s[j] <= '9') {
			j++
		}
		w.unresolved = true
		copyTo(j)
	case !docker && strings.IndexByte("0123456789?$!#@*-", n) >= 0:
		w.unresolved = true
		copyTo(l.i + 2)
	default:
		copyTo(start + 1) // a lone $
	}
}
