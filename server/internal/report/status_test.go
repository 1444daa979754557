package report

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

func consumer(name string, vars map[string]resolve.Value) *resolve.Consumer {
	return &resolve.Consumer{Name: name, Vars: vars}
}

// TestStatusOf: gopls' GOPROXY with where it is set, every consumer's, and
// the divergent variables grouped by value and source; credentials in a
// value never leave the server.
func TestStatusOf(t *testing.T) {
	ws := sources.Provenance{Source: sources.VSCodeWorkspace, File: "/w/.vscode/settings.json", Line: 3, Key: "go.toolsEnvVars.GOPROXY"}
	env := sources.Provenance{Source: sources.GoEnvFile, File: "/home/u/.config/go/env", Line: 1, Key: "GOPROXY"}
	editor := resolve.Value{Value: "https://robot:s3cret@mirror.example.com/go,off", Prov: ws}
	st := StatusOf("/w", []*resolve.Consumer{
		consumer("terminal", map[string]resolve.Value{"GOPROXY": {Value: "https://team.example.com|direct", Prov: env}}),
		consumer("gopls", map[string]resolve.Value{"GOPROXY": editor}),
		consumer("tools", map[string]resolve.Value{"GOPROXY": editor}),
	})
	if st.Folder != "/w" || st.GOPROXY.Source != sources.VSCodeWorkspace || st.GOPROXY.File != ws.File || st.GOPROXY.Line != 3 || st.GOPROXY.Key != ws.Key {
		t.Errorf("gopls' GOPROXY %+v", st.GOPROXY)
	}
	if strings.Contains(st.GOPROXY.Value, "s3cret") || !strings.Contains(st.GOPROXY.Value, "mirror.example.com") {
		t.Errorf("gopls' GOPROXY shown as %q: want the host without the password", st.GOPROXY.Value)
	}
	if len(st.Consumers) != 3 || st.Consumers[0].Name != "terminal" || st.Consumers[0].Value.Source != sources.GoEnvFile {
		t.Errorf("consumers %+v", st.Consumers)
	}
	if len(st.Divergent) != 1 || st.Divergent[0].Name != "GOPROXY" {
		t.Fatalf("divergent %+v, want GOPROXY alone", st.Divergent)
	}
	vals := st.Divergent[0].Values
	if len(vals) != 2 || strings.Join(vals[0].Consumers, ",") != "terminal" || strings.Join(vals[1].Consumers, ",") != "gopls,tools" || vals[1].Source != "vscode-workspace" {
		t.Errorf("GOPROXY's values %+v", vals)
	}
	for _, v := range vals {
		if strings.Contains(v.Value, "s3cret") {
			t.Errorf("a divergent value carries the password: %q", v.Value)
		}
	}

	// Without gopls, the first consumer's GOPROXY; all agreeing, nothing divergent.
	st = StatusOf("/w", []*resolve.Consumer{consumer("terminal", map[string]resolve.Value{"GOPROXY": {Value: "direct", Prov: env}})})
	if st.GOPROXY.Value != "direct" || len(st.Divergent) != 0 {
		t.Errorf("one consumer: %+v", st)
	}
}
