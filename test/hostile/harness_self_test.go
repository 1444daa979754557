package hostile

import (
	"fmt"
	"strings"
	"testing"
)

// TestHarnessBenign checks the suite's own machinery on a quiet workspace:
// the CLI and the server run, answer, exit, and write nothing.
func TestHarnessBenign(t *testing.T) {
	w := Load(t, "benign")
	w.MarkerProgram("$FOLDER/bin/go")
	before := w.Tree()
	r := w.CLI("env", "--json", "--folder", "$FOLDER", "--settings", w.UserSettings)
	if r.Code != 0 || !strings.Contains(r.Stdout, "https://goproxy.example.com,direct") {
		t.Fatalf("env --json: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	s := w.Serve(true)
	resp := s.Call("workspace/executeCommand", map[string]any{"command": "goproxy-doctor.environment", "arguments": []any{}})
	if resp["error"] != nil || !strings.Contains(fmt.Sprint(resp["result"]), "https://goproxy.example.com,direct") {
		t.Fatalf("environment command: %v", resp)
	}
	if rss := s.RSSKiB(); rss <= 0 {
		t.Errorf("RSS %d", rss)
	}
	s.Shutdown()
	w.AssertNothingRan()
	w.AssertOnlyChanged(before)
}
