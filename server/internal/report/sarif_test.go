package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/report"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/ruledoc"
)

// sarifObjects are the properties SARIF 2.1.0's schema allows on each
// object this report emits (the schema sets additionalProperties false on
// them), and the ones it requires.
var sarifObjects = map[string]struct{ allowed, required []string }{
	"sarifLog": {[]string{"$schema", "version", "runs", "inlineExternalProperties", "properties"}, []string{"version", "runs"}},
	"run": {[]string{"tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds", "artifacts",
		"logicalLocations", "graphs", "results", "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
		"defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind", "externalPropertyFileReferences",
		"threadFlowLocations", "taxonomies", "addresses", "translations", "policies", "webRequests", "webResponses",
		"specialLocations", "properties"}, []string{"tool"}},
	"tool": {[]string{"driver", "extensions", "properties"}, []string{"driver"}},
	"toolComponent": {[]string{"guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription",
		"fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri", "informationUri",
		"globalMessageStrings", "notifications", "rules", "taxa", "locations", "language", "contents", "isComprehensive",
		"localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent",
		"translationMetadata", "supportedTaxonomies", "properties"}, []string{"name"}},
	"reportingDescriptor": {[]string{"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
		"shortDescription", "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help",
		"relationships", "properties"}, []string{"id"}},
	"multiformatMessageString": {[]string{"text", "markdown", "properties"}, []string{"text"}},
	"reportingConfiguration":   {[]string{"enabled", "level", "rank", "parameters", "properties"}, nil},
	"result": {[]string{"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid",
		"correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs",
		"graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank", "attachments", "hostedViewerUri",
		"workItemUris", "provenance", "fixes", "taxa", "webRequest", "webResponse", "properties"}, []string{"message"}},
	"message":          {[]string{"text", "markdown", "id", "arguments", "properties"}, nil},
	"location":         {[]string{"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"}, nil},
	"physicalLocation": {[]string{"address", "artifactLocation", "region", "contextRegion", "properties"}, nil},
	"artifactLocation": {[]string{"uri", "uriBaseId", "index", "description", "properties"}, nil},
	"region": {[]string{"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
		"byteLength", "snippet", "message", "sourceLanguage", "properties"}, nil},
}

var sarifLevels = []string{"none", "note", "warning", "error"}

// sarifChecker checks a SARIF log against the 2.1.0 schema's structural
// rules for the parts this report writes; errs collects every violation.
type sarifChecker struct{ errs []string }

func (c *sarifChecker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

// object checks that v is an object of kind with only allowed and all
// required properties.
func (c *sarifChecker) object(path, kind string, v any) map[string]any {
	o, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "%s is not an object", kind)
		return nil
	}
	spec := sarifObjects[kind]
	for k := range o {
		if !slices.Contains(spec.allowed, k) {
			c.fail(path, "%s has no property %q", kind, k)
		}
	}
	for _, k := range spec.required {
		if _, ok := o[k]; !ok {
			c.fail(path, "%s lacks required %q", kind, k)
		}
	}
	return o
}

func (c *sarifChecker) array(path string, v any) []any {
	a, ok := v.([]any)
	if !ok {
		c.fail(path, "not an array")
	}
	return a
}

func (c *sarifChecker) str(path string, v any) string {
	s, ok := v.(string)
	if !ok {
		c.fail(path, "not a string")
	}
	return s
}

// integer checks v is an integer >= min.
func (c *sarifChecker) integer(path string, v any, min int) int {
	f, ok := v.(float64)
	if !ok || f != float64(int(f)) || int(f) < min {
		c.fail(path, "%v is not an integer >= %d", v, min)
		return min
	}
	return int(f)
}

func (c *sarifChecker) absoluteURI(path string, v any) {
	u, err := url.Parse(c.str(path, v))
	if err != nil || !u.IsAbs() {
		c.fail(path, "%v is not an absolute URI", v)
	}
}

func (c *sarifChecker) message(path, kind string, v any) {
	o := c.object(path, kind, v)
	if o == nil {
		return
	}
	_, text := o["text"]
	_, id := o["id"]
	if !text && !id {
		c.fail(path, "message has neither text nor id")
	}
	if text {
		c.str(path+".text", o["text"])
	}
}

func (c *sarifChecker) log(v any) {
	log := c.object("$", "sarifLog", v)
	if log == nil {
		return
	}
	if log["version"] != "2.1.0" {
		c.fail("$.version", "%v; want 2.1.0", log["version"])
	}
	runs := c.array("$.runs", log["runs"])
	for i, r := range runs {
		c.run(fmt.Sprintf("$.runs[%d]", i), r)
	}
}

func (c *sarifChecker) run(path string, v any) {
	run := c.object(path, "run", v)
	if run == nil {
		return
	}
	tool := c.object(path+".tool", "tool", run["tool"])
	driver := c.object(path+".tool.driver", "toolComponent", tool["driver"])
	if c.str(path+".tool.driver.name", driver["name"]) == "" {
		c.fail(path+".tool.driver.name", "empty")
	}
	if u, ok := driver["informationUri"]; ok {
		c.absoluteURI(path+".tool.driver.informationUri", u)
	}
	var ids []string
	for i, r := range c.array(path+".tool.driver.rules", driver["rules"]) {
		rp := fmt.Sprintf("%s.tool.driver.rules[%d]", path, i)
		rule := c.object(rp, "reportingDescriptor", r)
		id := c.str(rp+".id", rule["id"])
		if slices.Contains(ids, id) {
			c.fail(rp, "duplicate rule id %s", id)
		}
		ids = append(ids, id)
		for _, k := range []string{"shortDescription", "fullDescription", "help"} {
			if m, ok := rule[k]; ok {
				c.object(rp+"."+k, "multiformatMessageString", m)
				c.str(rp+"."+k+".text", m.(map[string]any)["text"])
			}
		}
		if u, ok := rule["helpUri"]; ok {
			c.absoluteURI(rp+".helpUri", u)
		}
		if dc, ok := rule["defaultConfiguration"]; ok {
			conf := c.object(rp+".defaultConfiguration", "reportingConfiguration", dc)
			if l, ok := conf["level"]; ok && !slices.Contains(sarifLevels, c.str(rp+".defaultConfiguration.level", l)) {
				c.fail(rp+".defaultConfiguration.level", "%v is not a SARIF level", l)
			}
		}
	}
	results, ok := run["results"]
	if !ok {
		return
	}
	for i, r := range c.array(path+".results", results) {
		rp := fmt.Sprintf("%s.results[%d]", path, i)
		res := c.object(rp, "result", r)
		c.message(rp+".message", "message", res["message"])
		if l, ok := res["level"]; ok && !slices.Contains(sarifLevels, c.str(rp+".level", l)) {
			c.fail(rp+".level", "%v is not a SARIF level", l)
		}
		if ix, ok := res["ruleIndex"]; ok {
			n := c.integer(rp+".ruleIndex", ix, -1)
			if n >= len(ids) || n >= 0 && res["ruleId"] != ids[n] {
				c.fail(rp+".ruleIndex", "%d does not index rule %v", n, res["ruleId"])
			}
		}
		for _, k := range []string{"locations", "relatedLocations"} {
			locs, ok := res[k]
			if !ok {
				continue
			}
			seen := map[int]bool{}
			for j, l := range c.array(rp+"."+k, locs) {
				lp := fmt.Sprintf("%s.%s[%d]", rp, k, j)
				loc := c.object(lp, "location", l)
				if id, ok := loc["id"]; ok {
					n := c.integer(lp+".id", id, -1)
					if seen[n] {
						c.fail(lp+".id", "duplicate id %d", n)
					}
					seen[n] = true
				}
				if m, ok := loc["message"]; ok {
					c.message(lp+".message", "message", m)
				}
				if pl, ok := loc["physicalLocation"]; ok {
					c.physical(lp+".physicalLocation", pl)
				}
			}
		}
		if pf, ok := res["partialFingerprints"]; ok {
			o, isObj := pf.(map[string]any)
			if !isObj {
				c.fail(rp+".partialFingerprints", "not an object")
			}
			for k, v := range o {
				c.str(rp+".partialFingerprints."+k, v)
			}
		}
	}
}

func (c *sarifChecker) physical(path string, v any) {
	pl := c.object(path, "physicalLocation", v)
	_, art := pl["artifactLocation"]
	_, addr := pl["address"]
	if !art && !addr {
		c.fail(path, "physicalLocation has neither artifactLocation nor address")
	}
	if art {
		a := c.object(path+".artifactLocation", "artifactLocation", pl["artifactLocation"])
		if u, ok := a["uri"]; ok {
			if _, err := url.Parse(c.str(path+".artifactLocation.uri", u)); err != nil {
				c.fail(path+".artifactLocation.uri", "%v", err)
			}
		}
	}
	if r, ok := pl["region"]; ok {
		reg := c.object(path+".region", "region", r)
		sl := c.integer(path+".region.startLine", reg["startLine"], 1)
		sc := c.integer(path+".region.startColumn", reg["startColumn"], 1)
		el := c.integer(path+".region.endLine", reg["endLine"], sl)
		ec := c.integer(path+".region.endColumn", reg["endColumn"], 1)
		if el == sl && ec < sc {
			c.fail(path+".region", "ends (column %d) before it starts (column %d)", ec, sc)
		}
	}
}

func sarifOf(t *testing.T, c report.Check) (map[string]any, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, report.CheckSARIF(ciFolder, "1.2.3", c)); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v, buf.Bytes()
}

// The SARIF log is structurally valid 2.1.0: every object has only the
// properties the schema allows and all it requires, levels are SARIF's,
// ruleIndex points at the rule named by ruleId, regions are 1-based.
func TestSARIFIsValid(t *testing.T) {
	c := checkOf(t, ciFiles(ciSettings))
	v, raw := sarifOf(t, c)
	var chk sarifChecker
	chk.log(v)
	for _, e := range chk.errs {
		t.Error(e)
	}
	if bytes.Contains(raw, []byte("hunter2secret")) {
		t.Errorf("a credential is in the SARIF log:\n%s", raw)
	}
}

// The checker itself rejects what the schema rejects.
func TestSARIFCheckerCatchesViolations(t *testing.T) {
	bad := map[string]any{
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{"name": "x", "rules": []any{map[string]any{"id": "a", "helpURI": "x"}}}},
			"results": []any{
				map[string]any{"ruleId": "b", "ruleIndex": float64(0), "level": "info", "message": map[string]any{}},
				map[string]any{"message": map[string]any{"text": "t"}, "locations": []any{map[string]any{
					"physicalLocation": map[string]any{"artifactLocation": map[string]any{"uri": "f"},
						"region": map[string]any{"startLine": float64(0), "startColumn": float64(1), "endLine": float64(1), "endColumn": float64(1)}}}}},
			},
		}},
	}
	var chk sarifChecker
	chk.log(bad)
	got := strings.Join(chk.errs, "\n")
	for _, want := range []string{`no property "helpURI"`, "is not a SARIF level", "does not index rule", "neither text nor id", "startLine: 0 is not an integer >= 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("the checker missed %q; it said:\n%s", want, got)
		}
	}
}

// Rules carry their catalogue metadata and link to their page; results
// carry related locations and unique fingerprints; a finding without a file
// sits on the go.mod module line, one outside the folder has a file URI.
func TestSARIFRulesAndResults(t *testing.T) {
	c := checkOf(t, ciFiles(ciSettings))
	log := report.CheckSARIF(ciFolder, "1.2.3", c)
	raw, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					InformationURI string `json:"informationUri"`
					Rules          []struct {
						ID, Name, HelpURI                 string
						ShortDescription, FullDescription struct{ Text string }
						Help                              struct{ Text, Markdown string }
						DefaultConfiguration              struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID           string
				RuleIndex        int
				Locations        []json.RawMessage
				RelatedLocations []struct {
					ID               int
					Message          struct{ Text string }
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
					}
				}
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	run := got.Runs[0]
	if run.Tool.Driver.InformationURI != strings.TrimSuffix(ruledoc.Base, "/blob/main/docs/rules/") {
		t.Errorf("informationUri %q", run.Tool.Driver.InformationURI)
	}
	for _, r := range run.Tool.Driver.Rules {
		meta, ok := ruledoc.Lookup(r.ID)
		if !ok {
			t.Errorf("rule %s is not in the catalogue", r.ID)
			continue
		}
		if r.Name != meta.Name || r.ShortDescription.Text != meta.Short || r.FullDescription.Text != meta.Full ||
			r.HelpURI != ruledoc.URL(r.ID) || !strings.Contains(r.Help.Text, meta.Fix) || !strings.Contains(r.Help.Markdown, ruledoc.URL(r.ID)) {
			t.Errorf("rule %s metadata: %+v", r.ID, r)
		}
		want := map[string]string{"error": "error", "warning": "warning", "information": "note"}[meta.Severity]
		if r.DefaultConfiguration.Level != want {
			t.Errorf("rule %s default level %q; want %q", r.ID, r.DefaultConfiguration.Level, want)
		}
	}
	fps := map[string]bool{}
	related := 0
	for i, res := range run.Results {
		d := c.Diagnostics[i]
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d is not %s", i, res.RuleIndex, res.RuleID)
		}
		if len(res.Locations) != 1 {
			t.Errorf("result %d (%s, file %q): %d locations; code scanning needs one", i, d.Code, d.File, len(res.Locations))
		} else if loc := string(res.Locations[0]); d.File == "" && (!strings.Contains(loc, `"uri":"go.mod"`) || !strings.Contains(loc, `"startLine":1,`)) {
			t.Errorf("result %d without a file is not on the go.mod module line: %s", i, loc)
		} else if d.File != "" && !strings.HasPrefix(d.File, ciFolder) && !strings.Contains(loc, `"uri":"file:///home/dev/.config/Code/User/settings.json"`) {
			t.Errorf("result %d outside the folder: %s; want a file URI", i, loc)
		}
		if len(res.RelatedLocations) != len(d.Related) {
			t.Errorf("result %d: %d related locations for %d related", i, len(res.RelatedLocations), len(d.Related))
		}
		for j, rl := range res.RelatedLocations {
			related++
			if rl.ID != j || rl.Message.Text != d.Related[j].Message {
				t.Errorf("result %d related %d: %+v", i, j, rl)
			}
		}
		fp := res.PartialFingerprints["goproxyDoctorFinding/v1"]
		if len(fp) < 64 || fps[fp] {
			t.Errorf("result %d: fingerprint %q missing or not unique", i, fp)
		}
		fps[fp] = true
	}
	if related == 0 {
		t.Error("no result has related locations")
	}
	for _, res := range run.Results {
		for _, rl := range res.RelatedLocations {
			if rl.PhysicalLocation.ArtifactLocation.URI == "goenv" && rl.PhysicalLocation.ArtifactLocation.URIBaseID == "%SRCROOT%" {
				return
			}
		}
	}
	t.Errorf("no related location points at the go env -w file relative to %%SRCROOT%%:\n%s", raw)
}

// Fingerprints identify a finding by code, file, the text it points at and
// its consumers, not by its line: lines added above keep them; changing the
// value changes that finding's.
func TestSARIFFingerprintsSurviveMovedLines(t *testing.T) {
	before := report.Fingerprints(ciFolder, checkOf(t, ciFiles(ciSettings)))
	movedCheck := checkOf(t, ciFiles("// The team's settings.\n\n\n"+ciSettings))
	moved := report.Fingerprints(ciFolder, movedCheck)
	if !slices.Equal(before, moved) {
		t.Errorf("fingerprints changed when lines moved:\n%q\n%q", before, moved)
	}
	lineMoved := false
	for _, d := range movedCheck.Diagnostics {
		lineMoved = lineMoved || strings.HasSuffix(d.File, "settings.json") && d.Range.Start.Line >= 5
	}
	if !lineMoved {
		t.Fatal("the findings did not move; the test proves nothing")
	}
	changed := report.Fingerprints(ciFolder, checkOf(t, ciFiles(strings.Replace(ciSettings, "a.example.com", "c.example.com", 1))))
	if slices.Equal(before, changed) {
		t.Error("fingerprints did not change with the value they point at")
	}
}
