package buildenv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// yamlDoc is a YAML document (gopkg.in/yaml.v3 nodes) with the means to
// turn node positions (1-based line, column counted in characters) into
// byte spans.
type yamlDoc struct {
	content []byte
	pos     positions
	root    *yaml.Node // the top-level mapping, or nil
	// ylines are the line starts as yaml.v3 counts lines: after "\r\n",
	// "\r", "\n", NEL, LS and PS.
	ylines []int
}

func yamlLineStarts(c []byte) []int {
	starts := []int{0}
	for i := 0; i < len(c); {
		switch {
		case c[i] == '\r' && i+1 < len(c) && c[i+1] == '\n':
			i += 2
		case c[i] == '\r' || c[i] == '\n':
			i++
		case c[i] == 0xC2 && i+1 < len(c) && c[i+1] == 0x85:
			i += 2
		case c[i] == 0xE2 && i+2 < len(c) && c[i+1] == 0x80 && (c[i+2] == 0xA8 || c[i+2] == 0xA9):
			i += 3
		default:
			i++
			continue
		}
		starts = append(starts, i)
	}
	return starts
}

// maxAliasExpansion bounds how many nodes a document's aliases may stand
// for once expanded; beyond it the document is rejected (billion laughs).
const maxAliasExpansion = 100_000

// errAliasing is returned for a document whose aliases expand too far.
var errAliasing = errors.New("document contains excessive aliasing")

// maxYAMLWalk bounds the nesting a walker follows.
const maxYAMLWalk = 64

func parseYAML(content []byte) (*yamlDoc, error) {
	if err := checkSize(content); err != nil {
		return nil, err
	}
	d := &yamlDoc{content: content, pos: newPositions(content), ylines: yamlLineStarts(content)}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(content)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return d, nil
		}
		return nil, err
	}
	if aliasCost(&doc, map[*yaml.Node]int{}, 0) > maxAliasExpansion {
		return nil, errAliasing
	}
	n := &doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.MappingNode {
		d.root = n
	}
	return d, nil
}

// aliasCost counts the nodes the document's aliases stand for: the
// expanded size of each alias's target, summed over the aliases of the tree
// as written (saturating past the limit).
func aliasCost(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return expandedSize(n.Alias, memo, depth+1)
	}
	cost := 0
	for _, c := range n.Content {
		cost += aliasCost(c, memo, depth+1)
		if cost > maxAliasExpansion {
			return cost
		}
	}
	return cost
}

// expandedSize counts the nodes n stands for with aliases expanded,
// memoised per node and saturating past the limit.
func expandedSize(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	if depth > 20000 {
		return maxAliasExpansion + 1
	}
	memo[n] = maxAliasExpansion + 1 // a cycle counts as too large
	size := 1
	if n.Kind == yaml.AliasNode {
		size += expandedSize(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		size += expandedSize(c, memo, depth+1)
		if size > maxAliasExpansion {
			size = maxAliasExpansion + 1
			break
		}
	}
	memo[n] = size
	return size
}

// resolve follows an alias.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

type pair struct{ k, v *yaml.Node }

// pairs lists a mapping's entries, merge keys (<<: *x) expanded first so that
// explicit keys, listed after, win.
func pairs(n *yaml.Node) []pair {
	return pairsDepth(n, 0)
}

func pairsDepth(n *yaml.Node, depth int) []pair {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 8 {
		return nil
	}
	var merged, own []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
			v = resolve(v)
			if v != nil && v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					merged = append(merged, pairsDepth(e, depth+1)...)
				}
			} else {
				merged = append(merged, pairsDepth(v, depth+1)...)
			}
			continue
		}
		own = append(own, pair{k, v})
	}
	return append(merged, own...)
}

// get returns the value of key in a mapping (the last one wins).
func get(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	merges := false
	for i := len(n.Content) - 2; i >= 0; i -= 2 {
		k := n.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == key && k.Tag != "!!merge" {
			return k, resolve(n.Content[i+1])
		}
		merges = merges || k.Kind == yaml.ScalarNode && k.Tag == "!!merge"
	}
	if !merges {
		return nil, nil
	}
	ps := pairs(n)
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].k.Kind == yaml.ScalarNode && ps[i].k.Value == key {
			return ps[i].k, resolve(ps[i].v)
		}
	}
	return nil, nil
}

// offset turns a yaml.v3 line and column into a byte offset.
func (d *yamlDoc) offset(line, col int) int {
	off := len(d.content)
	if line >= 1 && line <= len(d.ylines) {
		off = d.ylines[line-1]
	}
	if line == 1 && bytes.HasPrefix(d.content, utf8BOM) {
		off = len(utf8BOM)
	}
	for i := 1; i < col && off < len(d.content) && d.content[off] != '\n' && d.content[off] != '\r'; i++ {
		_, w := utf8.DecodeRune(d.content[off:])
		off += w
	}
	return off
}

// nodeStart is where a node's own text starts: after an anchor or a tag.
func (d *yamlDoc) nodeStart(n *yaml.Node) int {
	off := d.offset(n.Line, n.Column)
	for i := 0; i < 2 && off < len(d.content) && (d.content[off] == '&' || d.content[off] == '!'); i++ {
		for off < len(d.content) && !isBlank(d.content[off]) {
			off++
		}
		for off < len(d.content) && (d.content[off] == ' ' || d.content[off] == '\t') {
			off++
		}
	}
	return off
}

// lineEnd is the offset of the end of the line holding off (before "\r\n").
func (d *yamlDoc) lineEnd(off int) int {
	e := bytes.IndexByte(d.content[off:], '\n')
	if e < 0 {
		e = len(d.content)
	} else {
		e += off
	}
	if e > off && d.content[e-1] == '\r' {
		e--
	}
	return e
}

// scalar locates a scalar node: tok covers its source (quotes included),
// inner its characters (inside quotes; the content lines of a block), and m
// maps n.Value's offsets to the file when the value is a verbatim copy of
// the file (exact).
type scalarLoc struct {
	tok, inner Span
	m          textMap
	exact      bool
}

func (d *yamlDoc) scalar(n *yaml.Node) scalarLoc {
	start := d.nodeStart(n)
	c := d.content
	switch n.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle) {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := c[start]
		i := start + 1
		for i < len(c) {
			if q == '"' && c[i] == '\\' {
				i += 2
				continue
			}
			if c[i] == q {
				if q == '\'' && i+1 < len(c) && c[i+1] == '\'' {
					i += 2
					continue
				}
				break
			}
			i++
		}
		if i > len(c) {
			i = len(c)
		}
		loc := scalarLoc{tok: Span{Start: start, End: min(i+1, len(c))}, inner: Span{Start: start + 1, End: i}}
		if string(c[start+1:i]) == n.Value {
			loc.m, loc.exact = identityMap(start+1, i-start-1), true
		}
		return loc
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return d.block(n, start)
	}
	// Plain: to the end of the line, a comment, or (in flow context) a flow
	// indicator; then across lines while the folded text still matches.
	if end := start + len(n.Value); end <= len(c) && string(c[start:end]) == n.Value && !strings.Contains(n.Value, "\n") {
		return scalarLoc{tok: Span{Start: start, End: end}, inner: Span{Start: start, End: end}, m: identityMap(start, end-start), exact: true}
	}
	e := d.lineEnd(start)
	end := plainEnd(c, start, e)
	if string(c[start:end]) == n.Value {
		return scalarLoc{tok: Span{Start: start, End: end}, inner: Span{Start: start, End: end}, m: identityMap(start, end-start), exact: true}
	}
	folded := string(c[start:end])
	for l := d.pos.lines.Line(start) + 1; l <= len(d.pos.lines) && len(folded) < len(n.Value); l++ {
		a := d.pos.lineStart(l, len(c))
		b := d.lineEnd(a)
		for a < b && (c[a] == ' ' || c[a] == '\t') {
			a++
		}
		b2 := plainEnd(c, a, b)
		if a == b2 {
			folded += "\n"
			continue
		}
		if strings.HasSuffix(folded, "\n") {
			folded += string(c[a:b2])
		} else {
			folded += " " + string(c[a:b2])
		}
		if folded == n.Value {
			return scalarLoc{tok: Span{Start: start, End: b2}, inner: Span{Start: start, End: b2}}
		}
	}
	return scalarLoc{tok: Span{Start: start, End: end}, inner: Span{Start: start, End: end}}
}

// plainEnd ends a plain scalar's line at a comment or a flow indicator.
func plainEnd(c []byte, a, b int) int {
	end := b
	flow := inFlow(c, a)
	for i := a; i < b; i++ {
		if c[i] == '#' && i > a && (c[i-1] == ' ' || c[i-1] == '\t') {
			end = i
			break
		}
		if (c[i] == ',' || c[i] == ']' || c[i] == '}') && flow {
			end = i
			break
		}
	}
	for end > a && (c[end-1] == ' ' || c[end-1] == '\t') {
		end--
	}
	return end
}

// inFlow guesses whether a plain scalar at a sits inside [ ] or { }: an
// unclosed bracket earlier on its line.
func inFlow(c []byte, a int) bool {
	depth := 0
	for i := a - 1; i >= 0 && c[i] != '\n'; i-- {
		switch c[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
	}
	return depth > 0
}

// block locates a literal (|) or folded (>) block scalar and maps its
// value back to the file: a literal block line by line, a folded one with
// each folding space standing for the line break it replaced. The map is
// trusted only when the rebuilt text starts with yaml.v3's value.
func (d *yamlDoc) block(n *yaml.Node, start int) scalarLoc {
	c := d.content
	headerEnd := d.lineEnd(start)
	header := string(c[start:headerEnd])
	if i := strings.Index(header, " #"); i >= 0 {
		header = header[:i]
	}
	header = strings.TrimSpace(header)
	explicit := strings.ContainsAny(header, "123456789")
	folded := strings.HasPrefix(header, ">")
	type blockLine struct {
		from, end, nl int  // content start (after the indentation), end, line break
		empty, spaced bool // no content; starts with a blank beyond the indentation
	}
	var lines []blockLine
	indent := -1
	for l := d.pos.lines.Line(start) + 1; l <= len(d.pos.lines); l++ {
		a := d.pos.lineStart(l, len(c))
		if a >= len(c) {
			break
		}
		b := d.lineEnd(a)
		sp := 0
		for a+sp < b && c[a+sp] == ' ' {
			sp++
		}
		blank := a+sp == b
		if indent < 0 && !blank {
			indent = sp
		}
		if !blank && sp < indent {
			break
		}
		bl := blockLine{nl: b, empty: true}
		if !blank || sp > indent && indent >= 0 {
			bl.from, bl.end, bl.empty = a+min(sp, indent), b, false
			bl.spaced = c[bl.from] == ' ' || c[bl.from] == '\t'
		}
		lines = append(lines, bl)
	}
	var text strings.Builder
	var m textMap
	emit := func(from, to int) {
		m.add(text.Len(), from, to-from)
		text.Write(c[from:to])
	}
	innerStart, lastEnd := -1, headerEnd
	prev := -1 // index of the previous line with content
	for i, bl := range lines {
		if bl.empty {
			if prev < 0 || !folded {
				m.add(text.Len(), bl.nl, 1)
				text.WriteByte('\n')
			}
			continue
		}
		if prev >= 0 && folded {
			p := lines[prev]
			empties := i - prev - 1
			if !p.spaced && !bl.spaced && empties == 0 {
				m.add(text.Len(), p.nl, 1)
				text.WriteByte(' ')
			} else {
				if p.spaced || bl.spaced {
					m.add(text.Len(), p.nl, 1)
					text.WriteByte('\n')
				}
				for k := prev + 1; k < i; k++ {
					m.add(text.Len(), lines[k].nl, 1)
					text.WriteByte('\n')
				}
			}
		}
		if innerStart < 0 {
			innerStart = bl.from
		}
		emit(bl.from, bl.end)
		lastEnd = bl.end
		if !folded {
			m.add(text.Len(), bl.nl, 1)
			text.WriteByte('\n')
		}
		prev = i
	}
	if folded && prev >= 0 {
		m.add(text.Len(), lines[prev].nl, 1)
		text.WriteByte('\n')
	}
	if innerStart < 0 {
		innerStart = headerEnd
	}
	loc := scalarLoc{tok: Span{Start: start, End: lastEnd}, inner: Span{Start: innerStart, End: lastEnd}}
	if !explicit && indent > 0 && strings.HasPrefix(text.String(), n.Value) {
		loc.m, loc.exact = m, true
		if v := strings.TrimRight(n.Value, "\n"); v == "" {
			loc.inner = Span{Start: headerEnd, End: headerEnd}
		} else {
			loc.inner = m.span(0, len(v))
		}
	}
	return loc
}

// keySetting makes a Setting from a mapping entry whose value is a scalar
// (or null: NoValue).
func (d *yamlDoc) keySetting(k, v *yaml.Node, how How) (Setting, bool) {
	if k.Kind != yaml.ScalarNode {
		return Setting{}, false
	}
	kl := d.scalar(k)
	s := Setting{Key: k.Value, KeySpan: kl.tok, How: how}
	v = resolve(v)
	switch {
	case v == nil || v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		s.NoValue = true
		s.ValueSpan = Span{Start: kl.tok.End, End: kl.tok.End}
		if v != nil && v.Value != "" {
			vl := d.scalar(v)
			s.ValueSpan = vl.inner
		}
	case v.Kind == yaml.ScalarNode:
		vl := d.scalar(v)
		s.Value, s.ValueSpan = v.Value, vl.inner
		s.Approx = !vl.exact && v.Style&(yaml.FoldedStyle|yaml.LiteralStyle) != 0
	default:
		return Setting{}, false
	}
	s.Unresolved = isExpression(s.Value)
	return d.pos.setting(d.content, s), true
}

// isExpression reports whether a value holds a reference resolved later:
// ${{ … }} (Actions), ${VAR}/$VAR (compose, GitLab), ${localEnv:X} (dev
// containers).
func isExpression(v string) bool {
	i := strings.IndexByte(v, '$')
	for i >= 0 {
		if i+1 < len(v) && (v[i+1] == '{' || v[i+1] == '_' || 'A' <= v[i+1] && v[i+1] <= 'Z' || 'a' <= v[i+1] && v[i+1] <= 'z') {
			return true
		}
		j := strings.IndexByte(v[i+1:], '$')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// envMapping reads a mapping of NAME: value.
func (d *yamlDoc) envMapping(n *yaml.Node, how How) []Setting {
	var out []Setting
	for _, p := range pairs(n) {
		if s, ok := d.keySetting(p.k, p.v, how); ok {
			out = append(out, s)
		}
	}
	return out
}

// envList reads a sequence of "NAME=value" (or "NAME" alone: NoValue).
func (d *yamlDoc) envList(n *yaml.Node, how How) []Setting {
	var out []Setting
	for _, e := range resolve(n).Content {
		e = resolve(e)
		if e == nil || e.Kind != yaml.ScalarNode || e.Tag == "!!null" {
			continue
		}
		loc := d.scalar(e)
		key, val, hasEq := strings.Cut(e.Value, "=")
		if !validName(key) && !(hasEq && key != "" && !strings.ContainsAny(key, " \t")) {
			continue
		}
		s := Setting{Key: key, How: how, NoValue: !hasEq}
		if loc.exact {
			s.KeySpan = loc.m.span(0, len(key))
			if hasEq {
				s.Value = val
				s.ValueSpan = loc.m.span(len(key)+1, len(e.Value))
			} else {
				s.ValueSpan = Span{Start: s.KeySpan.End, End: s.KeySpan.End}
			}
		} else {
			s.Value = val
			s.KeySpan, s.ValueSpan, s.Approx = loc.inner, loc.inner, true
		}
		s.Unresolved = isExpression(s.Value)
		out = append(out, d.pos.setting(d.content, s))
	}
	return out
}

// env reads a mapping or a list of NAME=value.
func (d *yamlDoc) env(n *yaml.Node, how How) []Setting {
	n = resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		return d.envMapping(n, how)
	case yaml.SequenceNode:
		return d.envList(n, how)
	}
	return nil
}

// str returns a scalar's value and its inner span.
func (d *yamlDoc) str(n *yaml.Node) (string, Span, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", Span{}, false
	}
	return n.Value, d.scalar(n).inner, true
}

// script turns a scalar holding shell text into a chunk.
func (d *yamlDoc) script(n *yaml.Node) (chunk, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return chunk{}, false
	}
	loc := d.scalar(n)
	return chunk{text: n.Value, m: loc.m, approx: !loc.exact, whole: loc.inner}, true
}

// yamlError wraps a parse error with the file.
func yamlError(p string, err error) error { return fmt.Errorf("%s: %w", p, err) }
