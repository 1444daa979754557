package fix

import "testing"

func TestUnified(t *testing.T) {
	a := []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n")
	b := []byte("1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n")
	want := `--- a
+++ b
@@ -2,9 +2,10 @@
 2
 3
 4
-5
+five
 6
 7
 8
 9
 10
+11
`
	if got := Unified("a", "b", a, b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := Unified("a", "b", a, a); got != "" {
		t.Errorf("equal files: %q", got)
	}
	created := Unified("x", "x", nil, []byte("{}"))
	if created != "--- /dev/null\n+++ x\n@@ -0,0 +1 @@\n+{}\n\\ No newline at end of file\n" {
		t.Errorf("created: %q", created)
	}
}
