package report_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
)

// A GitLab Code Quality report: one issue per finding with the code as
// check_name, GitLab's severities, the SARIF fingerprint, a path relative to
// the checkout and a 1-based line; findings without a file or outside the
// checkout sit on the go.mod module line and say where they are.
func TestCodeQualityReport(t *testing.T) {
	c := checkOf(t, ciFiles(ciSettings))
	root := filepath.Dir(ciFolder) // the folder is a subdirectory of the checkout
	issues := report.CheckCodeQuality(root, ciFolder, c)
	if len(issues) != len(c.Diagnostics) {
		t.Fatalf("%d issues for %d findings", len(issues), len(c.Diagnostics))
	}
	fps := report.Fingerprints(ciFolder, c)
	seen := map[string]bool{}
	sub := filepath.Base(ciFolder)
	for i, is := range issues {
		d := c.Diagnostics[i]
		want := map[string]string{"error": "critical", "warning": "major", "information": "info"}[d.Severity]
		if is.CheckName != d.Code || is.Severity != want || is.Fingerprint != fps[i] || seen[is.Fingerprint] {
			t.Errorf("issue %d: %+v; want check %s, severity %s, fingerprint %s (unique)", i, is, d.Code, want, fps[i])
		}
		seen[is.Fingerprint] = true
		switch {
		case d.File == "":
			if is.Location.Path != sub+"/go.mod" || is.Location.Lines.Begin != 1 || !strings.HasPrefix(is.Description, "environment: ") {
				t.Errorf("issue %d without a file: %+v; want it on the go.mod module line", i, is)
			}
		case !strings.HasPrefix(d.File, ciFolder):
			if is.Location.Path != sub+"/go.mod" || !strings.HasPrefix(is.Description, d.File+": ") {
				t.Errorf("issue %d outside the checkout: %+v", i, is)
			}
		default:
			rel := filepath.ToSlash(filepath.Join(sub, strings.TrimPrefix(d.File, ciFolder+string(filepath.Separator))))
			if is.Location.Path != rel || is.Location.Lines.Begin != d.Range.Start.Line+1 {
				t.Errorf("issue %d: location %+v; want %s:%d", i, is.Location, rel, d.Range.Start.Line+1)
			}
		}
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, issues); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "hunter2secret") {
		t.Errorf("a credential is in the report:\n%s", buf.String())
	}
	var generic []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	for _, is := range generic {
		for _, k := range []string{"description", "check_name", "fingerprint", "severity", "location"} {
			if _, ok := is[k]; !ok {
				t.Errorf("issue lacks %q: %v", k, is)
			}
		}
	}
	// Without a go.mod they sit on the folder.
	noMod := ciFiles(ciSettings)
	delete(noMod, filepath.Join(ciFolder, "go.mod"))
	c = checkOf(t, noMod)
	for i, is := range report.CheckCodeQuality(root, ciFolder, c) {
		if c.Diagnostics[i].File == "" && (is.Location.Path != sub || is.Location.Lines.Begin != 1) {
			t.Errorf("without a go.mod, issue %+v is not on the folder", is)
		}
	}
	// Nothing found is an empty list, never null.
	if got := report.CheckCodeQuality(root, ciFolder, report.Check{}); got == nil || len(got) != 0 {
		t.Errorf("no findings: %#v", got)
	}
}
