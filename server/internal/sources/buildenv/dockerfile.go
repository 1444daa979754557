package buildenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Dockerfile is a parsed Dockerfile: its build stages in order.
type Dockerfile struct {
	Path   string
	Escape byte // the escape character (# escape=…), '\\' by default
	// GlobalArgs are the ARGs before the first FROM: visible to FROM lines,
	// and to a stage only where it declares the same ARG without a default.
	GlobalArgs []Setting `json:",omitempty"`
	Stages     []*Stage
}

// Stage is one build stage, from its FROM to the next.
type Stage struct {
	Index    int
	Name     string `json:",omitempty"` // as written after AS; "" for an unnamed stage
	NameSpan Span
	Base     string // the image or stage after FROM
	BaseSpan Span
	// BaseStage is the index of the earlier stage this one is built FROM,
	// or -1 for an image: a stage inherits its base stage's ENV and its go
	// env -w file, a fresh image starts from the image's own environment.
	BaseStage int
	Line      int  // the FROM line
	Span      Span // the FROM instruction
	// Env is what persists through the stage, in order: ENV, ARG (scoped to
	// the stage, not inherited by stages built FROM it) and RUN go env -w
	// (the GOENV file inside the image layer, which later stages built FROM
	// this one inherit too).
	Env []Setting `json:",omitempty"`
	// Runs are the stage's RUN instructions. What a RUN exports or sets
	// inline applies to that RUN only.
	Runs []*Run `json:",omitempty"`
}

// Run is one RUN instruction.
type Run struct {
	Line int
	Span Span // the whole instruction, here-documents included
	Script
}

// GoCommands lists the go commands the stage's RUN lines run.
func (s *Stage) GoCommands() []GoCommand {
	var out []GoCommand
	for _, r := range s.Runs {
		out = append(out, r.Go...)
	}
	return out
}

// BuildsGo reports whether the stage runs a go command that fetches or
// builds modules.
func (s *Stage) BuildsGo() bool {
	for _, g := range s.GoCommands() {
		if g.BuildsGo() {
			return true
		}
	}
	return false
}

// Label names the stage for a consumer id: its name, else its index.
func (s *Stage) Label() string {
	if s.Name != "" {
		return s.Name
	}
	return strconv.Itoa(s.Index)
}

// predefinedArgs are the build arguments buildkit passes to RUN without an
// ARG line (and keeps out of the image history).
var predefinedArgs = map[string]bool{
	"HTTP_PROXY": true, "http_proxy": true, "HTTPS_PROXY": true, "https_proxy": true,
	"FTP_PROXY": true, "ftp_proxy": true, "NO_PROXY": true, "no_proxy": true, "ALL_PROXY": true, "all_proxy": true,
}

// IsPredefinedArg reports whether name is a predefined proxy build
// argument: --build-arg sets it for every RUN of every stage without an ARG
// line, so a stage may see it although no ARG names it.
func IsPredefinedArg(name string) bool { return predefinedArgs[name] }

// IsDockerfile reports whether a file name is a Dockerfile by name:
// Dockerfile, *.Dockerfile, Dockerfile.*, and Containerfile likewise
// (compare case-insensitively; compose and dev container files name others).
func IsDockerfile(p string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(p, "\\", "/")))
	for _, n := range []string{"dockerfile", "containerfile"} {
		if base == n || strings.HasSuffix(base, "."+n) || strings.HasPrefix(base, n+".") {
			return true
		}
	}
	return false
}

// ParseDockerfile parses a Dockerfile with buildkit's parser and locates
// every value it finds in content.
func ParseDockerfile(p string, content []byte) (*Dockerfile, error) {
	if err := checkSize(content); err != nil {
		return nil, err
	}
	res, err := parser.Parse(bytes.NewReader(content))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	df := &Dockerfile{Path: p, Escape: '\\'}
	if res.EscapeToken > 0 && res.EscapeToken < 128 {
		df.Escape = byte(res.EscapeToken)
	}
	d := &dockerParser{content: content, pos: newPositions(content), esc: df.Escape}
	var cur *Stage
	for _, n := range res.AST.Children {
		in := d.instruction(n)
		switch strings.ToLower(n.Value) {
		case "from":
			cur = d.from(df, in)
			df.Stages = append(df.Stages, cur)
		case "arg":
			args := d.args(in, DockerArg)
			if cur == nil {
				df.GlobalArgs = append(df.GlobalArgs, args...)
			} else {
				cur.Env = append(cur.Env, args...)
			}
		case "env":
			if cur != nil {
				cur.Env = append(cur.Env, d.env(in)...)
			}
		case "run":
			if cur != nil {
				r := d.run(n, in)
				cur.Runs = append(cur.Runs, r)
				for _, s := range r.Settings {
					if s.How == GoEnvW {
						cur.Env = append(cur.Env, s)
					}
				}
			}
		}
	}
	return df, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

type dockerParser struct {
	content []byte
	pos     positions
	esc     byte
}

// instr is one instruction's logical line (continuations removed, as
// buildkit joins it) with the map back to the file.
type instr struct {
	line     string  // the joined line
	m        textMap // line offsets → file offsets
	args     int     // offset in line where the arguments start (after flags)
	argsEnd  int     // where they end: trailing blanks are not part of them
	start    int     // file offset of the instruction
	end      int     // file offset of the end of the instruction's last line (heredocs included)
	bodyFrom int     // 1-based line after the joined line: where here-documents start
	lineNo   int
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// lineBounds returns the offsets of line n's text (without "\r\n") and of
// the next line.
func (d *dockerParser) lineBounds(n int) (a, b, next int) {
	a = d.pos.lineStart(n, len(d.content))
	next = d.pos.lineStart(n+1, len(d.content))
	b = next
	for b > a && (d.content[b-1] == '\n' || d.content[b-1] == '\r') {
		b--
	}
	return a, b, next
}

// continued strips a line continuation (the escape character, then blanks,
// at the end of the line) as buildkit's lineContinuationRegex does.
func (d *dockerParser) continued(a, b int) (int, bool) {
	e := b
	for e > a && (d.content[e-1] == ' ' || d.content[e-1] == '\t') {
		e--
	}
	if e > a && d.content[e-1] == d.esc && (e-1 == a || d.content[e-2] != d.esc) {
		return e - 1, true
	}
	return b, false
}

func (d *dockerParser) instruction(n *parser.Node) *instr {
	in := &instr{lineNo: n.StartLine}
	var text []byte
	l := n.StartLine
	a, b, _ := d.lineBounds(l)
	if l == 1 && bytes.HasPrefix(d.content, utf8BOM) {
		a = len(utf8BOM)
	}
	for a < b && isBlank(d.content[a]) {
		a++
	}
	in.start = a
	e, more := d.continued(a, b)
	in.m.add(0, a, e-a)
	text = append(text, d.content[a:e]...)
	for more && l < n.EndLine {
		l++
		a, b, _ = d.lineBounds(l)
		t := bytes.TrimLeft(d.content[a:b], " \t\r\n\v\f")
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		e, more = d.continued(a, b)
		in.m.add(len(text), a, e-a)
		text = append(text, d.content[a:e]...)
	}
	in.bodyFrom = l + 1
	_, in.end, _ = d.lineBounds(n.EndLine)
	in.line = string(text)
	// The command word, then --flags, as buildkit's splitCommand.
	i := 0
	for i < len(in.line) && !isBlank(in.line[i]) {
		i++
	}
	lx := &lexer{s: in.line, i: i, esc: d.esc}
	for {
		for lx.i < len(in.line) && isBlank(in.line[lx.i]) {
			lx.i++
		}
		if !strings.HasPrefix(in.line[lx.i:], "--") {
			break
		}
		w := lx.word(true)
		if w.val == "--" {
			break
		}
	}
	in.args = lx.i
	in.argsEnd = len(strings.TrimRightFunc(in.line, unicode.IsSpace))
	if in.argsEnd < in.args {
		in.argsEnd = in.args
	}
	return in
}

// words splits the arguments like buildkit's parseWords, with positions.
func (d *dockerParser) words(in *instr) []word {
	lx := &lexer{s: in.line[:in.argsEnd], i: in.args, esc: d.esc}
	var ws []word
	for {
		for lx.i < len(lx.s) && dockerSpace(lx.s, lx.i) > 0 {
			lx.i += dockerSpace(lx.s, lx.i)
		}
		if lx.i >= len(lx.s) {
			return ws
		}
		ws = append(ws, lx.word(true))
	}
}

func (d *dockerParser) wordSpan(in *instr, w word) Span { return in.m.span(w.start, w.end) }

func (d *dockerParser) from(df *Dockerfile, in *instr) *Stage {
	st := &Stage{Index: len(df.Stages), BaseStage: -1, Line: in.lineNo, Span: Span{Start: in.start, End: in.end}}
	ws := d.words(in)
	if len(ws) > 0 {
		st.Base, st.BaseSpan = ws[0].val, d.wordSpan(in, ws[0])
	}
	if len(ws) >= 3 && strings.EqualFold(ws[1].val, "as") {
		st.Name, st.NameSpan = ws[2].val, d.wordSpan(in, ws[2])
	}
	for _, prev := range df.Stages {
		if prev.Name != "" && strings.EqualFold(prev.Name, st.Base) || prev.Name == "" && strconv.Itoa(prev.Index) == st.Base {
			st.BaseStage = prev.Index
		}
	}
	return st
}

// setting builds a Setting from word w, split at idx ("=") or, with idx <
// 0, a key alone.
func (d *dockerParser) setting(in *instr, w word, idx int, how How) Setting {
	sc := &shellScanner{content: d.content, pos: d.pos}
	c := chunk{text: in.line, m: in.m}
	if idx < 0 {
		ks := in.m.span(w.start, w.end)
		s := Setting{Key: w.val, KeySpan: ks, ValueSpan: Span{Start: ks.End, End: ks.End}, How: how, NoValue: true}
		return d.pos.setting(d.content, s)
	}
	return sc.settingFromWord(c, w, idx, how)
}

func (d *dockerParser) args(in *instr, how How) []Setting {
	var out []Setting
	for _, w := range d.words(in) {
		idx := strings.IndexByte(w.val, '=')
		if idx == 0 {
			continue
		}
		if idx < 0 {
			if validName(w.val) && !w.quoted {
				out = append(out, d.setting(in, w, -1, how))
			}
			continue
		}
		if _, ok := assignWord(chunk{text: in.line}, w); ok {
			out = append(out, d.setting(in, w, idx, how))
		}
	}
	return out
}

func (d *dockerParser) env(in *instr) []Setting {
	ws := d.words(in)
	if len(ws) == 0 {
		return nil
	}
	if strings.Contains(in.line[ws[0].start:ws[0].end], "=") {
		return d.args(in, DockerEnv)
	}
	// Legacy ENV K V: the value is the rest of the line.
	k := ws[0]
	if k.quoted || !validName(k.val) {
		return nil
	}
	lx := &lexer{s: in.line, i: k.end, esc: d.esc, whole: true}
	for lx.i < len(in.line) && isBlank(in.line[lx.i]) {
		lx.i++
	}
	end := len(in.line)
	for end > lx.i && isBlank(in.line[end-1]) {
		end--
	}
	lx.s = in.line[:end]
	v := lx.word(true)
	sc := &shellScanner{content: d.content, pos: d.pos}
	ks := in.m.span(k.start, k.end)
	vs, _ := sc.valueSpan(chunk{text: in.line, m: in.m}, v, 0, len(v.val), v.start)
	s := Setting{Key: k.val, Value: v.val, KeySpan: ks, ValueSpan: vs, How: DockerEnv, Unresolved: v.unresolved && strings.Contains(v.val, "$")}
	return []Setting{d.pos.setting(d.content, s)}
}

func (d *dockerParser) run(n *parser.Node, in *instr) *Run {
	r := &Run{Line: in.lineNo, Span: Span{Start: in.start, End: in.end}}
	args := in.line[in.args:in.argsEnd]
	sc := newShellScanner(d.content, d.pos, false)
	if strings.HasPrefix(args, "[") {
		var argv []string
		if json.Unmarshal([]byte(args), &argv) == nil && len(argv) > 0 && path.Base(argv[0]) == "go" {
			g := GoCommand{Span: in.m.span(in.args, in.argsEnd), Line: in.lineNo}
			if len(argv) > 1 {
				g.Sub = argv[1]
				if (argv[1] == "mod" || argv[1] == "work") && len(argv) > 2 {
					g.Sub += " " + argv[2]
				}
			}
			r.Go = append(r.Go, g)
		}
		return r
	}
	// The shell sees the joined line; continuations are gone from it.
	m := textMap{}
	for _, s := range in.m.segs {
		if s.text+s.n <= in.args {
			continue
		}
		off := max(s.text, in.args)
		m.add(off-in.args, s.file+off-s.text, s.n-(off-s.text))
	}
	sc.scan(chunk{text: args, m: m})
	// A RUN made only of here-documents runs their bodies as the script.
	if len(n.Heredocs) > 0 && onlyHeredocs(args) {
		line := in.bodyFrom
		for _, h := range n.Heredocs {
			a := d.pos.lineStart(line, len(d.content))
			body := a
			for line <= n.EndLine {
				la, lb, next := d.lineBounds(line)
				t := d.content[la:lb]
				if h.Chomp {
					t = bytes.TrimLeft(t, "\t")
				}
				line++
				if string(t) == h.Name {
					break
				}
				body = next
			}
			sc.scan(chunk{text: string(d.content[a:body]), m: identityMap(a, body-a)})
		}
	}
	r.Script = sc.out
	return r
}

// onlyHeredocs reports whether RUN's arguments are here-document markers
// alone (RUN <<EOF), so that the bodies are the script.
func onlyHeredocs(args string) bool {
	for _, f := range strings.Fields(args) {
		if !strings.Contains(f, "<<") {
			return false
		}
	}
	return true
}
