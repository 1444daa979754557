package complete

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/goenv"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Edit replaces the bytes [Start, End) of the document with Text.
type Edit struct {
	Start, End int
	Text       string
}

// ItemKind is what an item completes.
type ItemKind int

// Item kinds.
const (
	VariableItem ItemKind = iota + 1 // a variable name
	ValueItem                        // a value (or one entry of a list value)
)

// Item is one completion.
type Item struct {
	Label  string
	Kind   ItemKind
	Detail string // "" for names: their kind says it
	Doc    string // plain text
	// Edit inserts the item; Cursor is where the caret belongs in its Text
	// (-1: after it), for clients that take snippets.
	Edit   Edit
	Cursor int
	// Extra are edits elsewhere (a comma the new member needs).
	Extra []Edit
	// Filter is what the client matches the typed text against.
	Filter string
}

// Doc is a document to complete in.
type Doc struct {
	Kind    Kind
	Content []byte
}

// Complete returns the completions at offset (a byte offset into
// doc.Content); facts may be nil (no result yet): names, direct and off are
// offered all the same.
func Complete(doc Doc, offset int, facts *Facts) []Item {
	if facts == nil {
		facts = &Facts{}
	}
	if offset < 0 || offset > len(doc.Content) {
		return nil
	}
	switch doc.Kind {
	case GoEnv:
		return completeEnvFile(doc.Content, offset, facts)
	case Settings, Workspace, Launch, Tasks:
		return completeJSON(doc, offset, facts)
	}
	return nil
}

// listTriggers are the trigger characters that only start a list entry
// (after GOPROXY's separators, after a GOENV file line's "="): typed
// anywhere else they bring up nothing, so that Enter after a comma between
// members inserts a newline, not a variable name.
const listTriggers = ",|="

// CompleteTriggered is Complete for a request the client sent because
// trigger ("" when none) was typed, narrowed to the items whose filter text
// holds the text already typed (in order, in any case: a superset of what
// editors' fuzzy matching keeps). incomplete says some were left out: the
// client must ask again as the typed text changes.
func CompleteTriggered(doc Doc, offset int, facts *Facts, trigger string) (items []Item, incomplete bool) {
	items = Complete(doc, offset, facts)
	if trigger != "" && strings.Contains(listTriggers, trigger) {
		items = slices.DeleteFunc(items, func(it Item) bool { return it.Kind != ValueItem })
	}
	n := len(items)
	items = slices.DeleteFunc(items, func(it Item) bool {
		return it.Edit.Start <= offset && !subsequence(string(doc.Content[it.Edit.Start:offset]), it.Filter)
	})
	return items, len(items) < n
}

// subsequence reports whether the letters of typed appear in s in order,
// ignoring case; quotes and spaces typed are ignored.
func subsequence(typed, s string) bool {
	i := 0
	for _, c := range []byte(strings.ToLower(typed)) {
		if c == '"' || c == ' ' {
			continue
		}
		for i < len(s) && lower(s[i]) != c {
			i++
		}
		if i == len(s) {
			return false
		}
		i++
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// completeJSON completes keys and values of the environment objects.
func completeJSON(doc Doc, offset int, facts *Facts) []Item {
	loc, ok := locate(doc.Content, offset)
	if !ok || !envObject(doc.Kind, loc.path) {
		return nil
	}
	s := doc.Content
	var extra []Edit
	if loc.missingComma >= 0 {
		extra = []Edit{{Start: loc.missingComma, End: loc.missingComma, Text: ","}}
	}
	var names []string
	if loc.inKey {
		// A variable the object already sets is not offered again.
		set := memberKeys(s, loc.object, offset)
		names = slices.DeleteFunc(slices.Clone(settable), func(n string) bool { return set[n] })
	}
	switch {
	case loc.inKey && loc.inString:
		// "GOP|" or "GOP|": the name goes between the quotes; a member
		// without its colon gets `: ""` too.
		start := loc.strStart + 1
		end := loc.strEnd
		closed := end >= 0
		if !closed {
			end = wordEnd(s, offset)
		}
		after, tail := "", ""
		if !closed || nextSignificant(s, end+1) != ':' {
			after = `": "`
			tail = `"`
			if closed {
				end++ // the closing quote is rewritten
			}
			if next := nextSignificant(s, end); next == '"' {
				tail += ","
			}
		}
		return nameItems(names, func(name string) (Edit, int) {
			text := jsonEscape(name) + after + tail
			cursor := -1
			if after != "" {
				cursor = len(jsonEscape(name) + after)
			}
			return Edit{Start: start, End: end, Text: text}, cursor
		}, extra)
	case loc.inKey:
		// A bare word (or nothing yet) where a key belongs.
		start, end := wordStart(s, offset), wordEnd(s, offset)
		tail := ""
		if next := nextSignificant(s, end); next == '"' {
			tail = ","
		}
		return nameItems(names, func(name string) (Edit, int) {
			head := `"` + jsonEscape(name) + `": "`
			return Edit{Start: start, End: end, Text: head + `"` + tail}, len(head)
		}, extra)
	case loc.inValue && loc.inString:
		start := loc.strStart + 1
		end := loc.strEnd
		if end < 0 {
			end = lineEnd(s, offset)
		}
		return valueItems(loc.key, s[start:end], start, offset, facts, jsonEscape, "", "")
	case loc.inValue:
		start, end := wordStart(s, offset), wordEnd(s, offset)
		tail := ""
		if next := nextSignificant(s, end); next == '"' {
			tail = ","
		}
		// The whole value is new: an entry becomes the value, quoted.
		return valueItems(loc.key, s[start:end], start, offset, facts, jsonEscape, `"`, `"`+tail)
	}
	return nil
}

// completeEnvFile completes a GOENV file's line: the name before "=", a
// list entry after it. cmd/go reads the file raw: nothing is quoted.
func completeEnvFile(s []byte, offset int, facts *Facts) []Item {
	ls := lineStart(s, offset)
	le := lineEnd(s, offset)
	line := s[ls:le]
	eq := indexByte(line, '=')
	if eq < 0 || offset <= ls+eq {
		for _, c := range s[ls:offset] {
			if !nameChar(c) {
				return nil // a comment or other text
			}
		}
		end := wordEnd(s, offset)
		suffix := "="
		if eq >= 0 {
			end, suffix = ls+eq, ""
		}
		// A variable another line sets is not offered again.
		set := map[string]bool{}
		for _, l := range sources.ParseEnvFile("", sources.GoEnvFile, s).Lines {
			if l.Valid && l.Span.Start != ls {
				set[l.Key] = true
			}
		}
		names := slices.DeleteFunc(slices.Clone(settableInFile), func(n string) bool { return set[n] })
		return nameItems(names, func(name string) (Edit, int) {
			return Edit{Start: ls, End: end, Text: name + suffix}, -1
		}, nil)
	}
	key := string(line[:eq])
	start := ls + eq + 1
	return valueItems(key, s[start:le], start, offset, facts, func(v string) string { return v }, "", "")
}

var (
	settable = goenv.SettableVars()
	// settableInFile leaves out what the go command ignores in a GOENV
	// file ('go env -w' refuses them).
	settableInFile = slices.DeleteFunc(goenv.SettableVars(), func(n string) bool {
		return n == "GOENV" || n == "GODEBUG" || n == "GIT_ALLOW_PROTOCOL"
	})
)

func nameItems(names []string, edit func(string) (Edit, int), extra []Edit) []Item {
	out := make([]Item, 0, len(names))
	for _, n := range names {
		e, cursor := edit(n)
		extra := extra
		if len(extra) == 1 && extra[0].Start == e.Start {
			// The comma goes where the item does: one edit.
			e.Text = extra[0].Text + e.Text
			if cursor >= 0 {
				cursor += len(extra[0].Text)
			}
			extra = nil
		}
		out = append(out, Item{
			Label: n, Kind: VariableItem, Doc: goenv.Doc(n),
			Edit: e, Cursor: cursor, Extra: extra, Filter: n,
		})
	}
	return out
}

// valueItems completes the list entry of value (which starts at offset
// base in the document) that holds the cursor: a GOPROXY entry between
// "," or "|", a pattern between ",". escape turns an entry into the
// document's syntax; open and close wrap it (quotes for a new JSON value).
func valueItems(key string, value []byte, base, cursor int, facts *Facts, escape func(string) string, open, close string) []Item {
	var seps string
	switch key {
	case "GOPROXY":
		seps = ",|"
	case "GOPRIVATE", "GONOPROXY", "GONOSUMDB":
		seps = ","
	default:
		return nil
	}
	rel := cursor - base
	if rel < 0 || rel > len(value) {
		return nil
	}
	from := 0
	for i := rel - 1; i >= 0; i-- {
		if strings.IndexByte(seps, value[i]) >= 0 {
			from = i + 1
			break
		}
	}
	for from < rel && (value[from] == ' ' || value[from] == '\t') {
		from++
	}
	to := len(value)
	for i := rel; i < len(value); i++ {
		if strings.IndexByte(seps, value[i]) >= 0 {
			to = i
			break
		}
	}
	for to > rel && (value[to-1] == ' ' || value[to-1] == '\t' || value[to-1] == '\r') {
		to--
	}
	// The other entries: not offered again.
	present := map[string]bool{}
	for _, e := range strings.FieldsFunc(string(value[:from])+string(value[to:]), func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		present[strings.TrimSpace(e)] = true
	}
	edit := func(v string) Edit {
		return Edit{Start: base + from, End: base + to, Text: open + escape(v) + close}
	}
	var out []Item
	if key == "GOPROXY" {
		for _, c := range []struct{ v, doc string }{
			{"direct", "Fetch from the module's origin (its version control repository) instead of a proxy."},
			{"off", "Disallow downloading modules from any source."},
		} {
			if !present[c.v] {
				out = append(out, Item{Label: c.v, Kind: ValueItem, Detail: "GOPROXY keyword", Doc: c.doc, Edit: edit(c.v), Cursor: -1, Filter: c.v})
			}
		}
		for _, p := range facts.ProxyURLs {
			if !present[p.URL] {
				out = append(out, Item{
					Label: p.URL, Kind: ValueItem, Detail: "configured proxy",
					Doc: "Set in " + strings.Join(p.Where, ", ") + ".", Edit: edit(p.URL), Cursor: -1, Filter: p.URL,
				})
			}
		}
		return out
	}
	for _, c := range facts.PrivateCandidates() {
		if present[c.Pattern] {
			continue
		}
		covers := c.Covers
		more := ""
		if len(covers) > 5 {
			covers, more = covers[:5], ", …"
		}
		out = append(out, Item{
			Label: c.Pattern, Kind: ValueItem, Detail: "private modules pattern",
			Doc:  "Covers " + strings.Join(covers, ", ") + more + " (" + c.Why + ").",
			Edit: edit(c.Pattern), Cursor: -1, Filter: c.Pattern,
		})
	}
	return out
}

// jsonEscape is s as the inside of a JSON string.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func nameChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
}

func wordStart(s []byte, offset int) int {
	for offset > 0 && nameChar(s[offset-1]) {
		offset--
	}
	return offset
}

func wordEnd(s []byte, offset int) int {
	for offset < len(s) && nameChar(s[offset]) {
		offset++
	}
	return offset
}

func lineStart(s []byte, offset int) int {
	for offset > 0 && s[offset-1] != '\n' {
		offset--
	}
	return offset
}

// lineEnd is the end of offset's line, before its "\r\n" or "\n".
func lineEnd(s []byte, offset int) int {
	for offset < len(s) && s[offset] != '\n' && s[offset] != '\r' {
		offset++
	}
	return offset
}

// nextSignificant is the first byte at or after offset that is not
// white space or a comment (0 at the end).
func nextSignificant(s []byte, offset int) byte {
	for i := offset; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := indexFrom(s, i+2, "*/")
			if j < 0 {
				return 0
			}
			i = j + 1
		default:
			return c
		}
	}
	return 0
}
