package rules

import (
	"strconv"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

func init() {
	register(Rule{Code: "setup-go-unknown-input", Severity: findings.Warning, Check: checkSetupGoUnknownInput})
}

// setupGoInputs are the inputs of actions/setup-go, from its action.yml as
// read at v7 (commit fba3fb4ead8c8e09a06f1d32ae5436e5818eff15, two commits
// after the v7 tag). v3, v4 and v5 have the same list without
// go-download-base-url, which v6.4.0 added. GitHub Actions compares input
// names case-insensitively.
var setupGoInputs = []string{"go-version", "go-version-file", "check-latest", "token", "cache", "cache-dependency-path", "architecture", "go-download-base-url"}

// setupGoLateInputs are inputs later versions added: name → the first
// version (major, minor) that has it.
var setupGoLateInputs = map[string][2]int{"go-download-base-url": {6, 4}}

// checkSetupGoUnknownInput reports with: keys of actions/setup-go steps
// that the action does not declare (GitHub Actions only logs "Unexpected
// input" and drops them). An input that names a Go or proxy variable
// (go-proxy, goprivate) gets a fix that moves it to the step's env; a
// misspelled input is renamed to the real one.
func checkSetupGoUnknownInput(in *Input) []findings.Finding {
	var out []findings.Finding
	for _, bf := range in.Snap.BuildFiles {
		w, ok := bf.Parsed.(*buildenv.Workflow)
		if !ok {
			continue
		}
		for _, j := range w.Jobs {
			for _, st := range j.Steps {
				if !strings.EqualFold(st.Action(), "actions/setup-go") {
					continue
				}
				_, ref, _ := strings.Cut(st.Uses, "@")
				for _, input := range st.With {
					if known, why := setupGoHas(input.Key, ref); !known {
						out = append(out, in.setupGoFinding(bf.Path, bf.Content, w, j, st, input, why))
					}
				}
			}
		}
	}
	return out
}

// setupGoHas reports whether actions/setup-go at ref has an input, and
// when it is an input of a later version only, says which.
func setupGoHas(key, ref string) (bool, string) {
	for _, name := range setupGoInputs {
		if !strings.EqualFold(key, name) {
			continue
		}
		since, late := setupGoLateInputs[name]
		if major, minor, ok := actionVersion(ref); late && ok && (major < since[0] || major == since[0] && minor < since[1]) {
			return false, "it was added in v" + strconv.Itoa(since[0]) + "." + strconv.Itoa(since[1]) + ".0, and this step uses " + ref
		}
		return true, ""
	}
	return false, ""
}

// actionVersion reads a version ref (v5, v6.3.0); ok is false for a branch
// or a commit, which are taken to be current.
func actionVersion(ref string) (major, minor int, ok bool) {
	v, isTag := strings.CutPrefix(ref, "v")
	if !isTag {
		return 0, 0, false
	}
	parts := strings.Split(v, ".")
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return 0, 0, false
	}
	minor = 1 << 30 // v6 is the newest v6.x
	if len(parts) > 1 {
		if minor, err = strconv.Atoi(parts[1]); err != nil {
			return 0, 0, false
		}
	}
	return major, minor, true
}

// inputVariable is the environment variable an unknown input was meant to
// set (go-proxy → GOPROXY, https-proxy → HTTPS_PROXY), or "".
func inputVariable(key string) string {
	joined := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(key))
	for _, v := range resolve.GoVars {
		if joined == v {
			return v
		}
	}
	under := strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
	for _, v := range resolve.NetVars {
		if under == v {
			return v
		}
	}
	return ""
}

// closeInput is the real input a misspelled one was meant to be, or "".
func closeInput(key string) string {
	best, bestD := "", 3
	for _, name := range setupGoInputs {
		if d := editDistance(strings.ToLower(key), name); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (in *Input) setupGoFinding(path string, content []byte, w *buildenv.Workflow, j *buildenv.Job, st *buildenv.Step, input buildenv.Setting, why string) findings.Finding {
	consumers := in.jobConsumers(w, j)
	pl := findings.Place{File: path, Span: input.KeySpan}
	variable := inputVariable(input.Key)
	typo := ""
	if variable == "" && why == "" {
		typo = closeInput(input.Key)
	}
	msg := "actions/setup-go has no input " + input.Key
	switch {
	case why != "":
		msg = "actions/setup-go has input " + input.Key + " only in later versions (" + why + "), so GitHub Actions ignores it here."
	case variable != "":
		msg += ", so GitHub Actions ignores it and " + variable + " is not set; set " + variable + " in the step's env instead."
	case typo != "":
		msg += " (did you mean " + typo + "?), so GitHub Actions ignores it."
	default:
		msg += ", so GitHub Actions ignores it (its inputs are " + strings.Join(setupGoInputs, ", ") + ")."
	}
	f := findings.At(pl, msg, consumers)
	switch {
	case variable != "":
		in.inputToEnvFix(&f, path, content, st, input, variable)
	case typo != "":
		in.renameInputFix(&f, path, content, st, input, typo)
	}
	return f
}

// renameInputFix renames a misspelled input to the real one, unless the
// step already passes that input.
func (in *Input) renameInputFix(f *findings.Finding, path string, content []byte, st *buildenv.Step, input buildenv.Setting, to string) {
	for _, o := range st.With {
		if strings.EqualFold(o.Key, to) {
			return
		}
	}
	if string(content[input.KeySpan.Start:input.KeySpan.End]) != input.Key {
		return // a quoted key: left to the user
	}
	fx := in.plan().Fixer()
	fx.BuildEdit(path, input.KeySpan, to, "")
	f.AddFix(fx.Build("Rename input "+input.Key+" to "+to, true))
}

// inputToEnvFix moves "go-proxy: X" from the step's with: to its env: as
// "GOPROXY: X": the entry's line goes (and the with: line when it was the
// only input), and the same text after the key — value, quotes and comment
// — is written under env:, which is created at the with: key's indentation
// when the step has none. Only block mappings with a one-line value are
// edited.
func (in *Input) inputToEnvFix(f *findings.Finding, path string, content []byte, st *buildenv.Step, input buildenv.Setting, variable string) {
	if input.Approx || !sameLine(content, sourcesSpan(input.KeySpan.Start, max(input.ValueSpan.End, input.KeySpan.End))) {
		return
	}
	for _, e := range st.Env {
		if e.Key == variable {
			return // the step sets it already: which value was meant is the user's call
		}
	}
	entryIndent, ok := indentBefore(content, input.KeySpan.Start)
	if !ok {
		return
	}
	nl := newlineOf(content)
	entryStart := lineStartAt(content, input.KeySpan.Start)
	entryEnd := nextLineAt(content, input.KeySpan.Start)
	rest := string(content[input.KeySpan.End:lineEndAt(content, input.KeySpan.Start)])
	// The with: line: the nearest line above with less indentation.
	withStart := -1
	for ls := entryStart; ls > 0; {
		ls = lineStartAt(content, ls-1)
		if blankOrComment(content, ls) {
			continue
		}
		ind, _ := indentBefore(content, firstNonBlank(content, ls))
		if len(ind) < len(entryIndent) {
			withStart = ls
			break
		}
	}
	if withStart < 0 {
		return
	}
	withLine := strings.TrimRight(string(content[withStart:lineEndAt(content, withStart)]), " \t")
	stepIndent, _ := indentBefore(content, firstNonBlank(content, withStart))
	if strings.TrimSpace(withLine) != "with:" {
		return // "- with:", a comment or a flow mapping: left to the user
	}
	fx := in.plan().Fixer()
	lastWith := input
	for _, o := range st.With {
		if o.KeySpan.Start > lastWith.KeySpan.Start {
			lastWith = o
		}
	}
	fx.BuildEdit(path, sourcesSpan(entryStart, entryEnd), "", "")
	if len(st.Env) > 0 {
		first, last := st.Env[0], st.Env[0]
		for _, e := range st.Env {
			if e.KeySpan.Start > last.KeySpan.Start {
				last = e
			}
		}
		envIndent, ok := indentBefore(content, first.KeySpan.Start)
		if !ok {
			return
		}
		at := nextLineAt(content, max(last.ValueSpan.End, last.KeySpan.End))
		if at == entryStart || at == entryEnd {
			return // env: right around the entry: rare enough to leave to the user
		}
		fx.BuildEdit(path, sourcesSpan(at, at), terminated(content, at, nl)+envIndent+variable+rest+nl, input.Value)
		if len(st.With) == 1 {
			fx.BuildEdit(path, sourcesSpan(withStart, nextLineAt(content, withStart)), "", "")
		}
	} else {
		text := stepIndent + "env:" + nl + entryIndent + variable + rest + nl
		if len(st.With) == 1 {
			fx.BuildEdit(path, sourcesSpan(withStart, nextLineAt(content, withStart)), text, input.Value)
		} else {
			at := nextLineAt(content, max(lastWith.ValueSpan.End, lastWith.KeySpan.End))
			if lastWith.KeySpan == input.KeySpan {
				at = entryEnd
			}
			fx.BuildEdit(path, sourcesSpan(at, at), terminated(content, at, nl)+text, input.Value)
		}
	}
	f.AddFix(fx.Build("Move "+input.Key+" to the step's env as "+variable, true))
}

func firstNonBlank(c []byte, ls int) int {
	i := ls
	for i < len(c) && (c[i] == ' ' || c[i] == '\t') {
		i++
	}
	return i
}
