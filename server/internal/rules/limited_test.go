package rules

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/findings"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// A build file the bounds on hostile input cut short is said, once, on the
// file, as information (file-skipped), with the bound in the message.
func TestLimitedBuildFileReported(t *testing.T) {
	folder := t.TempDir()
	s := sources.NewSnapshot(folder, func(string) ([]byte, error) { return nil, fmt.Errorf("no files") })
	s.Options = sources.Options{GOOS: "linux", OSFlavour: "linux", Trusted: true}
	p := filepath.Join(folder, "Dockerfile")
	s.Limit(p, "at most 64 stages or jobs a file and 512 a folder are modelled; the later ones are not")
	var got []findings.Finding
	for _, f := range Run(&Input{Snap: s}) {
		if f.Code == "file-skipped" {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].File != p || got[0].Severity != findings.Information {
		t.Fatalf("file-skipped findings %+v; want one information finding on the Dockerfile", got)
	}
	if want := "is modelled only in part (at most 64 stages"; !strings.Contains(got[0].Message, want) {
		t.Errorf("message %q; want it to say %q", got[0].Message, want)
	}
}
