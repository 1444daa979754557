package complete

import "bytes"

// A completion request arrives while the user types, so the document is
// often not valid JSON ("GOP" with no colon yet, a missing comma): the
// location of the cursor comes from a tolerant scan of the text before it,
// the way editors' JSON services find it, not from the parser the engine
// uses.

// elem is one step of the path from the document's root to a value: an
// object member's key, or an array index.
type elem struct {
	key   string
	index int
	isIdx bool
}

// frame is an object or array the scan is inside.
type frame struct {
	array bool
	start int  // the offset of its opening bracket
	at    elem // how the parent reaches this container
	// state: what the next token is, in this container.
	state frameState
	key   []byte // objects: the raw key of the member being read (decoded when used)
	index int    // arrays: the index of the element being read
	// valueEnd is the offset after the last complete member or element (0:
	// none yet); a token in stateAfter needs a comma there.
	valueEnd int
}

type frameState int

const (
	stateKey   frameState = iota // objects: a key (or "}")
	stateColon                   // objects: ":" after a key
	stateValue                   // a value
	stateAfter                   // "," or the closing bracket
)

// jsonLoc is where an offset is in a JSONC text.
type jsonLoc struct {
	path []elem // the containers around the offset, root first
	// inKey: the offset is where a member's key is (inside a key string or
	// where one would start); inValue: where the value of member key is.
	inKey, inValue bool
	key            string // inValue: the member's key
	// str is set when the offset is inside a string token: the offset of
	// its opening quote, and of its closing quote (-1: unterminated on its line).
	inString         bool
	strStart, strEnd int
	// missingComma is the offset where a comma must go before the token at
	// the offset (-1: none needed).
	missingComma int
	// object is the offset of the "{" of the object around the offset.
	object int
}

// locate scans content up to offset.
func locate(content []byte, offset int) (loc jsonLoc, ok bool) {
	s := content
	if offset > len(s) {
		offset = len(s)
	}
	i := 0
	if len(s) >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF {
		i = 3
	}
	var stack []frame
	for i < offset {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
			continue
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			i = lineEndAt(s, i)
			if i >= offset {
				return jsonLoc{}, false // inside a comment
			}
			continue
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := indexFrom(s, i+2, "*/")
			if j < 0 || j+2 > offset {
				return jsonLoc{}, false
			}
			i = j + 2
			continue
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch c {
		case '{', '[':
			child := frame{array: c == '[', start: i}
			if top != nil {
				if top.array {
					child.at = elem{index: top.index, isIdx: true}
				} else {
					child.at = elem{key: decodeKey(top.key)}
				}
			}
			stack = append(stack, child)
			i++
			continue
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			i++
			if len(stack) > 0 {
				t := &stack[len(stack)-1]
				t.state, t.valueEnd = stateAfter, i
			}
			continue
		case ':':
			if top != nil && !top.array {
				top.state = stateValue
			}
			i++
			continue
		case ',':
			if top != nil {
				if top.array {
					top.index++
					top.state = stateValue
				} else {
					top.state = stateKey
				}
				top.valueEnd = 0
			}
			i++
			continue
		case '"':
			end, closed := scanString(s, i)
			if offset <= end {
				// The offset is inside this string (after its opening quote).
				if top == nil {
					return jsonLoc{}, false
				}
				l := locAt(stack, top)
				l.inString, l.strStart = true, i
				if closed {
					l.strEnd = end
				} else {
					l.strEnd = -1
				}
				return l, true
			}
			if top != nil {
				if !top.array && (top.state == stateKey || top.state == stateAfter) {
					top.key = s[i+1 : end]
					top.state = stateColon
				} else {
					top.state, top.valueEnd = stateAfter, end+1
				}
			}
			if closed {
				i = end + 1
			} else {
				i = end
			}
			continue
		default:
			// A literal or a bare word.
			j := i
			for j < len(s) && !delimiter(s[j]) {
				j++
			}
			if j == i {
				j++ // a stray "/" (not a comment)
			}
			if offset <= j {
				if top == nil {
					return jsonLoc{}, false
				}
				return locAt(stack, top), true
			}
			if top != nil && (top.array || top.state == stateValue) {
				top.state, top.valueEnd = stateAfter, j
			}
			i = j
			continue
		}
	}
	if len(stack) == 0 {
		return jsonLoc{}, false
	}
	return locAt(stack, &stack[len(stack)-1]), true
}

// locAt describes a token (or a gap) in the top frame.
func locAt(stack []frame, top *frame) jsonLoc {
	l := jsonLoc{strEnd: -1, missingComma: -1, object: top.start}
	for _, fr := range stack[1:] {
		l.path = append(l.path, fr.at)
	}
	if top.array {
		return l
	}
	switch top.state {
	case stateKey:
		l.inKey = true
	case stateAfter:
		// A new member without the comma before it.
		l.inKey = true
		if top.valueEnd > 0 {
			l.missingComma = top.valueEnd
		}
	case stateValue:
		l.inValue, l.key = true, decodeKey(top.key)
	case stateColon:
		// After a key, before its colon: nothing to complete.
	}
	return l
}

// scanString returns the offset of the closing quote of the string that
// starts at i, or, unterminated, the end of its line (or of the text).
func scanString(s []byte, i int) (end int, closed bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j, true
		case '\n', '\r':
			return j, false
		}
	}
	return len(s), false
}

// lineEndAt is the offset of the "\n" ending the line at i (or the end).
func lineEndAt(s []byte, i int) int {
	if k := bytes.IndexByte(s[i:], '\n'); k >= 0 {
		return i + k
	}
	return len(s)
}

// decodeKey decodes the JSON escapes of a key's text (the common simple
// ones: a key with others is kept as written, which matches no env path).
func decodeKey(raw []byte) string {
	if indexByte(raw, '\\') < 0 {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' && i+1 < len(raw) {
			i++
			switch raw[i] {
			case '"', '\\', '/':
				out = append(out, raw[i])
			default:
				return string(raw)
			}
			continue
		}
		out = append(out, raw[i])
	}
	return string(out)
}

func delimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ':', '{', '}', '[', ']', '"', '/':
		return true
	}
	return false
}

func indexFrom(s []byte, from int, sub string) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return i
		}
	}
	return -1
}

func indexByte(s []byte, c byte) int {
	for i, b := range s {
		if b == c {
			return i
		}
	}
	return -1
}

// memberKeys are the keys of the object whose "{" is at start, except the
// one whose string holds offset: a tolerant scan to its "}" (or the end).
func memberKeys(s []byte, start, offset int) map[string]bool {
	keys := map[string]bool{}
	depth := 0
	for i := start + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			i = lineEndAt(s, i)
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := indexFrom(s, i+2, "*/")
			if j < 0 {
				return keys
			}
			i = j + 1
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return keys
			}
			depth--
		case c == '"':
			end, closed := scanString(s, i)
			if depth == 0 && closed && !(offset > i && offset <= end) && nextSignificant(s, end+1) == ':' {
				keys[decodeKey(s[i+1:end])] = true
			}
			i = end
		}
	}
	return keys
}
