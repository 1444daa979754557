package verify

import (
	"testing"
)

// TestRepeatedDirectLookup: a GONOPROXY module its origin does not know is
// looked up direct at the hidden noproxy step and again at GOPROXY's direct
// entry (cmd/go repeats the requests); the second attempt is marked as a
// repeat so the route shows the origin once.
func TestRepeatedDirectLookup(t *testing.T) {
	l := newLab(t)
	p := l.proxy("p", 0, 200)
	vars := map[string]string{"GOPROXY": p.URL + ",direct", "GOPRIVATE": "git.example.com", "GOSUMDB": "off"}

	l.origins(false, false)
	m := l.mustVerify(vars, l.env(nil), Options{}, privMod+"@"+privVer).Modules[0]
	type step struct {
		proxy  string
		index  int
		repeat bool
	}
	var got []step
	for _, a := range m.Attempts {
		got = append(got, step{a.Proxy, a.Index, a.Repeat})
	}
	want := []step{{"direct", 0, false}, {p.URL, 1, false}, {"direct", 2, true}}
	if m.Outcome != OutcomeNotFound || !equalSteps(got, want) {
		t.Errorf("origin 404: outcome %s attempts %+v, want not-found %+v", m.Outcome, got, want)
	}

	l.origins(true, false)
	m = l.mustVerify(vars, l.env(nil), Options{}, privMod+"@"+privVer).Modules[0]
	if m.Outcome != OutcomeOK || len(m.Attempts) != 1 || m.Attempts[0].Repeat {
		t.Errorf("origin serves it: %+v", m)
	}
}

func equalSteps[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
