package buildenv

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"golang.org/x/tools/txtar"
)

// crossCheckBuildkit checks the joined line of every instruction against
// buildkit's own (Node.Original), and the words of ENV K=V and ARG against
// buildkit's split, so that every span we compute is over the text buildkit
// read.
func crossCheckBuildkit(t *testing.T, content []byte) {
	t.Helper()
	if len(content) > MaxInput || !utf8.Valid(content) {
		return // buildkit's words turn invalid UTF-8 into U+FFFD
	}
	res, err := parser.Parse(bytes.NewReader(content))
	if err != nil {
		return
	}
	esc := byte('\\')
	if res.EscapeToken > 0 && res.EscapeToken < 128 {
		esc = byte(res.EscapeToken)
	}
	d := &dockerParser{content: content, pos: newPositions(content), esc: esc}
	for _, n := range res.AST.Children {
		in := d.instruction(n)
		if in.line != n.Original {
			t.Errorf("line %d: joined %q, buildkit %q", n.StartLine, in.line, n.Original)
			continue
		}
		cmd := strings.ToLower(n.Value)
		if cmd != "env" && cmd != "arg" {
			continue
		}
		ws := d.words(in)
		var ours, theirs []string
		for _, w := range ws {
			ours = append(ours, in.line[w.start:w.end])
		}
		for x := n.Next; x != nil; {
			if cmd == "arg" {
				theirs = append(theirs, x.Value)
				x = x.Next
				continue
			}
			// ENV: key, value, separator triples.
			if x.Next == nil || x.Next.Next == nil {
				break
			}
			if x.Next.Next.Value != "=" {
				theirs = nil // legacy ENV K V: compared through Original only
				break
			}
			theirs = append(theirs, x.Value+"="+x.Next.Value)
			x = x.Next.Next.Next
		}
		if theirs == nil {
			continue
		}
		if strings.Join(ours, "\x00") != strings.Join(theirs, "\x00") {
			t.Errorf("line %d %s: words %q, buildkit %q", n.StartLine, cmd, ours, theirs)
		}
	}
}

func TestDockerfilesMatchBuildkit(t *testing.T) {
	for _, file := range fixtures(t) {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name != "want" && IsDockerfile(f.Name) {
				crossCheckBuildkit(t, f.Data)
			}
		}
	}
	for _, f := range benchRepository() {
		if IsDockerfile(f.path) {
			crossCheckBuildkit(t, f.content)
		}
	}
}

func FuzzDockerfileMatchesBuildkit(f *testing.F) {
	seed(f, IsDockerfile)
	f.Add([]byte("# escape=`\nFROM x\nENV A=`\n  1 B=\"`\"\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) { crossCheckBuildkit(t, b) })
}
