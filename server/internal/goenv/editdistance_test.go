package goenv

import (
	"math/rand/v2"
	"testing"
)

// TestEditDistanceWithin: the bounded distance is the distance when that is
// within the limit, and over the limit otherwise.
func TestEditDistanceWithin(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = "GOPRXY_SUMDB"[r.IntN(12)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(), word()
		d := EditDistance(a, b)
		for limit := 0; limit <= 4; limit++ {
			got := editDistanceWithin(a, b, limit)
			if d <= limit && got != d || d > limit && got <= limit {
				t.Fatalf("editDistanceWithin(%q, %q, %d) = %d; the distance is %d", a, b, limit, got, d)
			}
		}
	}
	if d := EditDistance("GOPRXOY", "GOPROXY"); d != 1 {
		t.Errorf("a transposition costs %d", d)
	}
}
