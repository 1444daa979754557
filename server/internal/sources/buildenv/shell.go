package buildenv

import (
	"path"
	"strings"
)

// Script is what a shell script sets and which go commands it runs.
type Script struct {
	Settings []Setting   `json:",omitempty"`
	Go       []GoCommand `json:",omitempty"`
}

// chunk is one piece of script text and where its bytes are in the file.
type chunk struct {
	text string
	m    textMap
	// approx: the text is not a verbatim copy (a folded YAML scalar); spans
	// fall back to whole.
	approx bool
	whole  Span
}

// shellScanner runs over the chunks of one shell session (a RUN line, a
// run: step, the before_script and script of a GitLab job, a file) and keeps
// the state that crosses them: which names are exported.
type shellScanner struct {
	content   []byte
	pos       positions
	githubEnv bool // recognise writes to $GITHUB_ENV
	exported  map[string]bool
	allexport bool
	// unexported assignments by name: indexes into out.Settings
	assigned map[string][]int
	ghMulti  *ghMultiline
	out      Script
}

type ghMultiline struct {
	idx   int // index of the setting in out.Settings
	delim string
	lines []string
	first Span
	last  Span
}

func newShellScanner(content []byte, p positions, githubEnv bool) *shellScanner {
	return &shellScanner{content: content, pos: p, githubEnv: githubEnv, exported: map[string]bool{}, assigned: map[string][]int{}}
}

// shellKeywords may precede a simple command.
var shellKeywords = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true, "until": true, "!": true, "time": true}

func (sc *shellScanner) scan(c chunk) {
	cmds := lexShell(c.text)
	// Commands inside a { … } or ( … ) group redirected to $GITHUB_ENV.
	ghGroup := make([]bool, len(cmds))
	if sc.githubEnv {
		for i, cmd := range cmds {
			if cmd.closes >= 0 && sc.toGitHubEnv(cmd) {
				for j := cmd.closes; j < i && j < len(cmds); j++ {
					ghGroup[j] = true
				}
			}
		}
	}
	for i, cmd := range cmds {
		sc.command(c, cmd, ghGroup[i])
	}
}

func (sc *shellScanner) toGitHubEnv(cmd *command) bool {
	for _, r := range cmd.redirs {
		if (r.op == ">>" || r.op == ">") && isGitHubEnvTarget(r.target.val) {
			return true
		}
	}
	return false
}

func isGitHubEnvTarget(v string) bool {
	return v == "$GITHUB_ENV" || v == "${GITHUB_ENV}"
}

// assignWord splits NAME=value; idx is the index of "=".
func assignWord(c chunk, w word) (idx int, ok bool) {
	idx = strings.IndexByte(w.val, '=')
	if idx <= 0 || !validName(w.val[:idx]) {
		return 0, false
	}
	// The name and "=" must be written plainly (not quoted or escaped).
	if w.pos[idx] != w.start+idx || c.text[w.start:w.start+idx+1] != w.val[:idx+1] {
		return 0, false
	}
	return idx, true
}

// span maps text offsets [a, b) of a chunk to a file span.
func (sc *shellScanner) span(c chunk, a, b int) (Span, bool) {
	if c.approx {
		return c.whole, true
	}
	return c.m.span(a, b), false
}

// valueSpan is the span of w.val[from:to].
func (sc *shellScanner) valueSpan(c chunk, w word, from, to int, emptyAt int) (Span, bool) {
	if to <= from {
		return sc.span(c, emptyAt, emptyAt)
	}
	return sc.span(c, w.pos[from], w.pos[to-1]+1)
}

func (sc *shellScanner) settingFromWord(c chunk, w word, idx int, how How) Setting {
	ks, a1 := sc.span(c, w.start, w.start+idx)
	vs, a2 := sc.valueSpan(c, w, idx+1, len(w.val), w.start+idx+1)
	v := w.val[idx+1:]
	s := Setting{Key: w.val[:idx], Value: v, KeySpan: ks, ValueSpan: vs, How: how, Approx: a1 || a2,
		Unresolved: w.unresolved && strings.ContainsAny(v, "$`") || strings.Contains(v, "${{")}
	return sc.pos.setting(sc.content, s)
}

func (sc *shellScanner) add(s Setting) int {
	sc.out.Settings = append(sc.out.Settings, s)
	return len(sc.out.Settings) - 1
}

func (sc *shellScanner) command(c chunk, cmd *command, ghGroup bool) {
	ws := cmd.words
	for len(ws) > 0 && !ws[0].quoted && shellKeywords[ws[0].val] {
		ws = ws[1:]
	}
	n := 0
	for n < len(ws) {
		if _, ok := assignWord(c, ws[n]); !ok {
			break
		}
		n++
	}
	assigns, rest := ws[:n], ws[n:]
	if len(rest) == 0 {
		for _, w := range assigns {
			idx, _ := assignWord(c, w)
			s := sc.settingFromWord(c, w, idx, Assign)
			s.Exported = sc.allexport || sc.exported[s.Key]
			i := sc.add(s)
			if !s.Exported {
				sc.assigned[s.Key] = append(sc.assigned[s.Key], i)
			}
		}
		return
	}
	if !rest[0].quoted && rest[0].val == "env" {
		rest = rest[1:]
		for len(rest) > 0 && strings.HasPrefix(rest[0].val, "-") {
			rest = rest[1:]
		}
		for len(rest) > 0 {
			if _, ok := assignWord(c, rest[0]); !ok {
				break
			}
			assigns = append(assigns[:len(assigns):len(assigns)], rest[0])
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return
		}
	}
	name := path.Base(rest[0].val)
	switch name {
	case "export":
		sc.export(c, rest[1:], true)
		return
	case "declare", "typeset", "local", "readonly":
		x := false
		args := rest[1:]
		for len(args) > 0 && (strings.HasPrefix(args[0].val, "-") || strings.HasPrefix(args[0].val, "+")) {
			if strings.HasPrefix(args[0].val, "-") && strings.Contains(args[0].val, "x") {
				x = true
			}
			args = args[1:]
		}
		sc.export(c, args, x)
		return
	case "set":
		for i, a := range rest[1:] {
			switch {
			case strings.HasPrefix(a.val, "-") && !strings.HasPrefix(a.val, "--") && strings.Contains(a.val, "a"):
				sc.allexport = true
			case strings.HasPrefix(a.val, "+") && strings.Contains(a.val, "a"):
				sc.allexport = false
			case (a.val == "-o" || a.val == "+o") && i+2 < len(rest) && rest[i+2].val == "allexport":
				sc.allexport = a.val == "-o"
			}
		}
		return
	case "go":
		sc.goCommand(c, rest, assigns)
		return
	}
	for _, w := range assigns {
		idx, _ := assignWord(c, w)
		s := sc.settingFromWord(c, w, idx, Inline)
		s.Exported = true
		s.Cmd = name
		sc.add(s)
	}
	if !sc.githubEnv {
		return
	}
	toGH := ghGroup || sc.toGitHubEnv(cmd)
	if !toGH {
		return
	}
	switch name {
	case "echo":
		args := rest[1:]
		for len(args) > 0 && (args[0].val == "-n" || args[0].val == "-e" || args[0].val == "-E" || args[0].val == "-ne" || args[0].val == "-en") {
			args = args[1:]
		}
		sc.githubEnvText(c, joinWords(args))
	case "printf":
		if len(rest) > 1 {
			sc.githubEnvText(c, printfText(rest[1], rest[2:]))
		}
	}
	for _, r := range cmd.redirs {
		if r.heredoc {
			body := r.bodyStart
			t := textWord{val: c.text[r.bodyStart:r.bodyEnd], unresolved: r.target.quoted == false && strings.ContainsAny(c.text[r.bodyStart:r.bodyEnd], "$`")}
			for k := range t.val {
				t.pos = append(t.pos, body+k)
			}
			sc.githubEnvText(c, t)
		}
	}
}

// export handles the arguments of export / declare -x: NAME=value sets and
// exports, NAME exports an earlier assignment.
func (sc *shellScanner) export(c chunk, args []word, x bool) {
	for _, a := range args {
		if idx, ok := assignWord(c, a); ok {
			how := Export
			if !x {
				how = Assign
			}
			s := sc.settingFromWord(c, a, idx, how)
			s.Exported = x || sc.allexport || sc.exported[s.Key]
			i := sc.add(s)
			if s.Exported {
				sc.exported[s.Key] = true
			} else {
				sc.assigned[s.Key] = append(sc.assigned[s.Key], i)
			}
			continue
		}
		if !x || !validName(a.val) || a.quoted {
			continue
		}
		sc.exported[a.val] = true
		for _, i := range sc.assigned[a.val] {
			sc.out.Settings[i].Exported = true
		}
		delete(sc.assigned, a.val)
	}
}

func (sc *shellScanner) goCommand(c chunk, rest, assigns []word) {
	args := rest[1:]
	if len(args) > 0 && args[0].val == "env" {
		w := false
		for _, a := range args[1:] {
			if a.val == "-w" {
				w = true
				continue
			}
			if !w {
				continue
			}
			if idx, ok := assignWord(c, a); ok {
				s := sc.settingFromWord(c, a, idx, GoEnvW)
				s.Exported = true // go reads its GOENV file whatever the shell exports
				sc.add(s)
			}
		}
		return
	}
	// Skip flags before the subcommand (go -C dir build).
	for len(args) > 0 && strings.HasPrefix(args[0].val, "-") {
		if args[0].val == "-C" && len(args) > 1 {
			args = args[1:]
		}
		args = args[1:]
	}
	sub := ""
	end := rest[0].end
	if len(args) > 0 {
		sub = args[0].val
		end = args[0].end
		if (sub == "mod" || sub == "work") && len(args) > 1 {
			sub += " " + args[1].val
			end = args[1].end
		}
	}
	g := GoCommand{Sub: sub}
	var approx bool
	g.Span, approx = sc.span(c, rest[0].start, end)
	_ = approx
	g.Line, _ = sc.pos.lineCol(g.Span.Start)
	for _, w := range assigns {
		idx, _ := assignWord(c, w)
		s := sc.settingFromWord(c, w, idx, Inline)
		s.Exported = true
		s.Cmd = strings.TrimSpace("go " + sub)
		sc.add(s)
		g.Env = append(g.Env, s)
	}
	sc.out.Go = append(sc.out.Go, g)
}

// textWord is text assembled from words, with the text offset of each byte
// (-1 for a byte no source byte stands for, such as the space echo puts
// between its arguments).
type textWord struct {
	val        string
	pos        []int
	unresolved bool
}

func joinWords(ws []word) textWord {
	var t textWord
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
			t.pos = append(t.pos, -1)
		}
		b.WriteString(w.val)
		t.pos = append(t.pos, w.pos...)
		t.unresolved = t.unresolved || w.unresolved
	}
	t.val = b.String()
	return t
}

// printfText expands a printf format with %s from args; \n becomes a line
// break. Other directives are kept and make the text unresolved.
func printfText(format word, args []word) textWord {
	var t textWord
	var b []byte
	t.unresolved = format.unresolved
	ai := 0
	f := format.val
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '\\' && i+1 < len(f) && f[i+1] == 'n':
			b = append(b, '\n')
			t.pos = append(t.pos, -1)
			i++
		case f[i] == '%' && i+1 < len(f) && f[i+1] == '%':
			b = append(b, '%')
			t.pos = append(t.pos, format.pos[i])
			i++
		case f[i] == '%' && i+1 < len(f) && f[i+1] == 's':
			if ai < len(args) {
				b = append(b, args[ai].val...)
				t.pos = append(t.pos, args[ai].pos...)
				t.unresolved = t.unresolved || args[ai].unresolved
				ai++
			}
			i++
		default:
			if f[i] == '%' {
				t.unresolved = true
			}
			b = append(b, f[i])
			t.pos = append(t.pos, format.pos[i])
		}
	}
	t.val = string(b)
	return t
}

// githubEnvText reads lines written to $GITHUB_ENV: NAME=value, or the
// multi-line form NAME<<DELIM … DELIM.
func (sc *shellScanner) githubEnvText(c chunk, t textWord) {
	start := 0
	for start <= len(t.val) {
		end := strings.IndexByte(t.val[start:], '\n')
		if end < 0 {
			end = len(t.val)
		} else {
			end += start
		}
		if end > start || end < len(t.val) {
			sc.githubEnvLine(c, t, start, end)
		}
		start = end + 1
	}
}

// spanOf maps t.val[a:b) to a file span using the bytes that have a source.
func (sc *shellScanner) spanOf(c chunk, t textWord, a, b int) (Span, bool) {
	trimmed := false
	for a < b && t.pos[a] < 0 {
		a, trimmed = a+1, true
	}
	for b > a && t.pos[b-1] < 0 {
		b, trimmed = b-1, true
	}
	if a >= b {
		at := 0
		for k := a; k < len(t.pos); k++ {
			if t.pos[k] >= 0 {
				at = t.pos[k]
				break
			}
		}
		if a > 0 && a <= len(t.pos) && t.pos[a-1] >= 0 {
			at = t.pos[a-1] + 1
		}
		sp, approx := sc.span(c, at, at)
		return sp, approx || trimmed
	}
	// Bytes that come from different words may not be contiguous in the
	// source; the span then covers from the first to the last, and a byte
	// with no source (echo's separating space) makes it approximate.
	lo, hi := t.pos[a], t.pos[b-1]
	approx := trimmed
	for k := a; k < b; k++ {
		p := t.pos[k]
		if p < 0 || k > a && p <= t.pos[k-1] {
			approx = true // printf put an argument before the format's bytes
		}
		if p >= 0 {
			lo, hi = min(lo, p), max(hi, p)
		}
	}
	sp, ap := sc.span(c, lo, hi+1)
	return sp, approx || ap
}

func (sc *shellScanner) githubEnvLine(c chunk, t textWord, a, b int) {
	line := strings.TrimSuffix(t.val[a:b], "\r")
	b = a + len(line)
	if m := sc.ghMulti; m != nil {
		if line == m.delim {
			s := &sc.out.Settings[m.idx]
			s.Value = strings.Join(m.lines, "\n")
			if len(m.lines) > 0 {
				s.ValueSpan = Span{Start: m.first.Start, End: m.last.End}
				s.Raw = string(sc.content[s.ValueSpan.Start:s.ValueSpan.End])
			}
			s.Unresolved = s.Unresolved || strings.Contains(s.Value, "${{")
			sc.ghMulti = nil
			return
		}
		sp, _ := sc.spanOf(c, t, a, b)
		if len(m.lines) == 0 {
			m.first = sp
		}
		m.last = sp
		m.lines = append(m.lines, line)
		sc.out.Settings[m.idx].Unresolved = sc.out.Settings[m.idx].Unresolved || t.unresolved && strings.ContainsAny(line, "$`")
		return
	}
	if i := strings.Index(line, "<<"); i > 0 && validName(line[:i]) && !strings.Contains(line[:i], "=") {
		ks, ap := sc.spanOf(c, t, a, a+i)
		ap = ap || ks.End-ks.Start != i // the name was split by quotes
		vs, _ := sc.spanOf(c, t, a+i+2, a+i+2)
		s := Setting{Key: line[:i], KeySpan: ks, ValueSpan: vs, How: GitHubEn, Exported: true, Approx: ap}
		s = sc.pos.setting(sc.content, s)
		sc.ghMulti = &ghMultiline{idx: sc.add(s), delim: line[i+2:]}
		return
	}
	i := strings.IndexByte(line, '=')
	if i <= 0 || !validName(line[:i]) {
		return
	}
	ks, a1 := sc.spanOf(c, t, a, a+i)
	a1 = a1 || ks.End-ks.Start != i // the name was split by quotes
	vs, a2 := sc.spanOf(c, t, a+i+1, b)
	v := line[i+1:]
	s := Setting{Key: line[:i], Value: v, KeySpan: ks, ValueSpan: vs, How: GitHubEn, Exported: true, Approx: a1 || a2,
		Unresolved: t.unresolved && strings.ContainsAny(v, "$`") || strings.Contains(v, "${{")}
	sc.add(sc.pos.setting(sc.content, s))
}
