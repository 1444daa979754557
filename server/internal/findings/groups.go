package findings

// Groups collects consumers under keys, keeping first-seen order, so that
// one finding is made per place listing every consumer it affects. The
// zero value is ready to use.
type Groups[T any] struct {
	order    []string
	m        map[string]*group[T]
	perValue map[string]int // places added per value (AddEntry)
}

type group[T any] struct {
	val       T
	consumers []string
}

// Bounds on the places one rule reports in one run. A value with 100,000
// entries must not cost 100,000 findings, each with a fix that rewrites the
// whole value: quadratic time and memory from a 200 KB settings file. Rules
// that report entries of a list (AddEntry) stop at MaxEntryPlaces per
// value; MaxPlaces is the safety net for everything else.
const (
	MaxPlaces      = 1000
	MaxEntryPlaces = 20
)

// Accepts reports whether AddEntry would keep key for the value valueKey:
// a place already held, or room for a new one. Rules check it before
// building anything costly for an entry.
func (g *Groups[T]) Accepts(valueKey, key string) bool {
	_, ok := g.m[key]
	return ok || len(g.order) < MaxPlaces && g.perValue[valueKey] < MaxEntryPlaces
}

// AddEntry is Add for a place inside a list value (valueKey: ProvKey of
// the value), at most MaxEntryPlaces places per value.
func (g *Groups[T]) AddEntry(valueKey, key string, val T, consumer string) {
	if !g.Accepts(valueKey, key) {
		return
	}
	if _, ok := g.m[key]; !ok {
		if g.perValue == nil {
			g.perValue = map[string]int{}
		}
		g.perValue[valueKey]++
	}
	g.Add(key, val, consumer)
}

// Add records consumer under key; the first Add of a key keeps val.
func (g *Groups[T]) Add(key string, val T, consumer string) {
	if g.m == nil {
		g.m = map[string]*group[T]{}
	}
	gr, ok := g.m[key]
	if !ok {
		if len(g.order) >= MaxPlaces {
			return
		}
		gr = &group[T]{val: val}
		g.m[key] = gr
		g.order = append(g.order, key)
	}
	for _, c := range gr.consumers {
		if c == consumer {
			return
		}
	}
	gr.consumers = append(gr.consumers, consumer)
}

// Each calls fn for every key in first-seen order.
func (g *Groups[T]) Each(fn func(val T, consumers []string)) {
	for _, k := range g.order {
		gr := g.m[k]
		fn(gr.val, gr.consumers)
	}
}
