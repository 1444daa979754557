package verify

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// Paths the routing oracle's scenarios never reach, each run by both the
// real go command (go mod download -json -x) and Verify against the same
// loopback servers, and compared.

// TestGoSumSkipsLookupOracle: with go.sum holding both hashes (the zip's
// and the go.mod's) of a required module, the go command, run inside that
// module, asks no checksum database; without them it does. Verify, told
// InGoSum, makes no lookup either, and makes the one the go command makes
// when it is not.
func TestGoSumSkipsLookupOracle(t *testing.T) {
	sums, err := sharedTree.GoSum(pubMod, pubVer)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(sums), " h1:") != 2 {
		t.Fatalf("want both hashes, got %q", sums)
	}
	for _, inGoSum := range []bool{true, false} {
		l := newLab(t)
		vars := map[string]string{"GOPROXY": l.proxy("p", 0, 200).URL, "GOSUMDB": l.db.Key}
		env := l.env(nil)
		files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.21\n\nrequire " + pubMod + " " + pubVer + "\n"}
		if inGoSum {
			files["go.sum"] = string(sums)
		}
		res, err := l.verifyModules(context.Background(), vars, env, Options{}, []Module{{Path: pubMod, Version: pubVer, InGoSum: inGoSum}})
		if err != nil {
			t.Fatal(err)
		}
		// What Verify sent to the checksum database (through the proxy or
		// not): /supported is its health check and names no module.
		var dbHits []string
		for _, h := range l.log.Hits() {
			if strings.Contains(h.Path, "/lookup/") || strings.Contains(h.Path, "/tile/") || strings.HasSuffix(h.Path, "/latest") {
				dbHits = append(dbHits, h.Path)
			}
		}
		run := l.goDownloadIn(vars, env, pubMod+"@"+pubVer, files)
		mr := res.Modules[0]
		s := scenario{name: "go.sum"}
		if !compare(t, s, pubMod+"@"+pubVer, run, mr, res) {
			continue
		}
		goLookup := slices.ContainsFunc(run.gets, func(u string) bool { return strings.Contains(u, "/lookup/") })
		if goLookup == inGoSum || run.err != "" {
			t.Errorf("go.sum has the hashes: %v; the go command looked up: %v (error %q)\n%s", inGoSum, goLookup, run.err, run.trace)
		}
		if inGoSum && (mr.SumDB == nil || mr.SumDB.Outcome != OutcomeSkipped || mr.SumDB.URL != "") {
			t.Errorf("Verify should skip the lookup: %s", dump(mr, res))
		}
		if (len(dbHits) > 0) == inGoSum {
			t.Errorf("go.sum has the hashes: %v; Verify's checksum database requests: %q", inGoSum, dbHits)
		}
	}
}
