package fix

import (
	"bytes"
	"strings"
)

// LostComments lists the comments of old that new lacks: an edit must keep
// every comment it does not replace (the property tests and fuzz targets of
// the fixes check it).
func LostComments(old, new []byte) []string {
	have := map[string]int{}
	for _, c := range comments(new) {
		have[c]++
	}
	var lost []string
	for _, c := range comments(old) {
		if have[c] == 0 {
			lost = append(lost, c)
			continue
		}
		have[c]--
	}
	return lost
}

// comments lists a JSONC text's comments (a line comment without its line
// ending), skipping comment markers inside strings.
func comments(src []byte) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '/':
			j := bytes.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			out = append(out, strings.TrimRight(string(src[i:i+j]), "\r"))
			i += j
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '*':
			j := bytes.Index(src[i+2:], []byte("*/"))
			if j < 0 {
				j = len(src) - i - 2
			}
			out = append(out, string(src[i:min(len(src), i+j+4)]))
			i += j + 3
		}
	}
	return out
}
