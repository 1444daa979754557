package explain

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Hint is an inlay hint: after an entry whose value some consumer does not
// use, which value those consumers use instead.
type Hint struct {
	// Offset is where the hint goes: the end of the entry's value.
	Offset int
	Label  string
	Name   string
}

// maxHint bounds a hint's label, in characters.
const maxHint = 120

// Hints lists the hints of file (spelled as norm spells paths) with byte
// offsets in [start, end], in offset order.
func Hints(res *engine.Result, file string, start, end int, norm func(string) string) []Hint {
	if res == nil || res.Snapshot == nil {
		return nil
	}
	q := Query{Res: res, File: file, Norm: norm}
	type key struct {
		span sources.Span
	}
	seen := map[key]bool{}
	var out []Hint
	add := func(name, value string, removed bool, p sources.Provenance) {
		if !explained(name) || q.norm(p.File) != file || p.ValueSpan.End <= p.ValueSpan.Start {
			return
		}
		if p.ValueSpan.End < start || p.ValueSpan.End > end || seen[key{p.KeySpan}] {
			return
		}
		seen[key{p.KeySpan}] = true
		at := entryOf(value, removed, p)
		va := explainEntry(res, nil, name, &at)
		if label := hintLabel(va); label != "" {
			out = append(out, Hint{Offset: p.ValueSpan.End, Label: label, Name: name})
		}
	}
	for _, c := range res.Consumers {
		for _, l := range c.Layers {
			for _, e := range l.Entries {
				add(e.Name, e.Value, false, e.Prov)
			}
			for _, e := range l.Removed {
				add(e.Name, e.Value, true, e.Prov)
			}
		}
		for name, v := range c.Vars {
			for _, cand := range v.Chain {
				add(name, cand.Value, false, cand.Prov)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out
}

// hintLabel is "← terminal uses X · tools, gopls use Y" for the consumers
// that do not use the entry's value; "" when every consumer the entry
// reaches uses it and no other consumer's value differs, or when it
// reaches none.
func hintLabel(va *VarAnswer) string {
	if len(va.Consumers) == 0 {
		return ""
	}
	var byValue []string
	users := map[string][]string{}
	note := func(cv ConsumerVar) {
		v := cv.Value
		if cv.Winner.Source == sources.Default && v == "" {
			v = "unset"
		}
		if _, ok := users[v]; !ok {
			byValue = append(byValue, v)
		}
		users[v] = append(users[v], cv.Consumer)
	}
	for _, cv := range va.Consumers {
		if cv.Role != RoleWins && (va.Entry.Removed || cv.Value != va.Entry.Value) {
			note(cv)
		}
	}
	for _, cv := range va.Others {
		note(cv)
	}
	if len(byValue) == 0 {
		return ""
	}
	// The terminal first: it is the one people compare with.
	slices.SortStableFunc(byValue, func(a, b string) int {
		ta, tb := slices.Contains(users[a], "terminal"), slices.Contains(users[b], "terminal")
		switch {
		case ta && !tb:
			return -1
		case tb && !ta:
			return 1
		}
		return 0
	})
	var parts []string
	for _, v := range byValue {
		who := strings.Join(users[v], ", ")
		switch {
		case v == "unset":
			parts = append(parts, who+": unset")
		case len(users[v]) > 1:
			parts = append(parts, who+" use "+clip.Value(v))
		default:
			parts = append(parts, who+" uses "+clip.Value(v))
		}
	}
	label := "← " + strings.Join(parts, " · ")
	if r := []rune(label); len(r) > maxHint {
		label = string(r[:maxHint-1]) + "…"
	}
	return label
}

// HintsSetting turns inlay hints on (shared/contract.json).
const HintsSetting = "goProxy.inlayHints.enabled"

// HintsEnabled reads HintsSetting from the folder's settings, the most
// specific layer that sets it to a boolean winning; off by default.
func HintsEnabled(s *sources.Snapshot) bool {
	if s == nil {
		return false
	}
	on := false
	for _, st := range s.SettingsLayers() {
		if m := st.Get(HintsSetting); m != nil && m.Value.Kind == sources.Bool {
			on = m.Value.Str == "true"
		}
	}
	return on
}

// HintsKey is what a result's hints depend on, besides the file's own
// text: the setting and every consumer's values with where they are set.
// Two results with the same key show the same hints.
func HintsKey(res *engine.Result) string {
	if res == nil || !HintsEnabled(res.Snapshot) {
		return "off"
	}
	var b strings.Builder
	for _, c := range res.Consumers {
		b.WriteString(c.Name)
		for _, name := range resolve.Modelled {
			v := c.Vars[name]
			fmt.Fprintf(&b, "\x00%s\x00%s\x00%d", v.Value, v.Prov.File, v.Prov.ValueSpan.End)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
