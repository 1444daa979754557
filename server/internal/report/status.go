package report

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/clip"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/redact"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

// StatusConsumer is one consumer's value of a variable, for a status bar.
type StatusConsumer struct {
	Name  string `json:"name"`
	Value Var    `json:"value"`
	// Vars are every modelled variable of the consumer with its source,
	// for the Go Proxy tree view.
	Vars map[string]Var `json:"vars"`
}

// StatusValue is one distinct value (and source) of a divergent variable
// and the consumers holding it.
type StatusValue struct {
	Value     string   `json:"value"`
	Source    string   `json:"source"`
	Consumers []string `json:"consumers"`
}

// StatusVariable is a variable whose value differs between consumers.
type StatusVariable struct {
	Name   string        `json:"name"`
	Values []StatusValue `json:"values"`
}

// Status is what a status bar shows for a folder: the GOPROXY gopls uses
// and where it is set, every consumer's GOPROXY (and, for the tree view,
// every variable with its source), and the variables the consumers
// disagree on. Values are redacted and clipped, as the
// environment command's are.
type Status struct {
	Folder string `json:"folder"`
	// GOPROXY is gopls' (the first consumer's when there is no gopls).
	GOPROXY   Var              `json:"goproxy"`
	Consumers []StatusConsumer `json:"consumers"`
	Divergent []StatusVariable `json:"divergent"`
}

// StatusOf computes a folder's status from its (confirmed) consumers. It
// runs after a publish that changed the folder's consumers, for clients
// that want it; every value it shows is redacted and clipped.
func StatusOf(folder string, consumers []*resolve.Consumer) Status {
	var secrets []string
	secretsKnown := false
	show := func(v resolve.Value) Var {
		out := Var{
			Value: clip.Value(redact.RedactText(v.Value)), Source: v.Prov.Source, File: v.Prov.File, Line: v.Prov.Line,
			Key: clip.Value(v.Prov.Key), Uncertain: v.Uncertain,
		}
		if v.Note != "" {
			// A note quotes what go env reported, which may be a piece of any value.
			if !secretsKnown {
				var values []string
				for _, c := range consumers {
					for _, x := range c.Vars {
						values = append(values, x.Value)
					}
				}
				secrets, secretsKnown = redact.Secrets(values...), true
			}
			out.Note = clip.Value(redact.RedactKnown(v.Note, secrets))
		}
		return out
	}
	st := Status{Folder: folder, Consumers: make([]StatusConsumer, 0, len(consumers)), Divergent: []StatusVariable{}}
	for _, c := range consumers {
		sc := StatusConsumer{Name: c.Name, Value: show(c.Vars["GOPROXY"]), Vars: make(map[string]Var, len(resolve.Modelled))}
		for _, name := range resolve.Modelled {
			if name == "GOPROXY" {
				sc.Vars[name] = sc.Value
				continue
			}
			sc.Vars[name] = show(c.Vars[name])
		}
		st.Consumers = append(st.Consumers, sc)
	}
	for i, c := range consumers {
		if c.Name == "gopls" || i == 0 {
			st.GOPROXY = st.Consumers[i].Value
		}
		if c.Name == "gopls" {
			break
		}
	}
	for _, name := range Divergent(consumers) {
		dv := StatusVariable{Name: name}
		index := map[string]int{}
		for _, c := range consumers {
			v := c.Vars[name]
			k := v.Value + "\x00" + string(v.Prov.Source)
			i, ok := index[k]
			if !ok {
				i = len(dv.Values)
				index[k] = i
				dv.Values = append(dv.Values, StatusValue{Value: clip.Value(redact.RedactText(v.Value)), Source: string(v.Prov.Source)})
			}
			dv.Values[i].Consumers = append(dv.Values[i].Consumers, c.Name)
		}
		st.Divergent = append(st.Divergent, dv)
	}
	return st
}
