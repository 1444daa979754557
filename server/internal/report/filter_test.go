package report

import (
	"strings"
	"testing"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/resolve"
)

func TestFilterConsumers(t *testing.T) {
	var cs []*resolve.Consumer
	for _, n := range []string{"terminal", "gopls", "tools", "install", "docker:Dockerfile#builder", "docker:build/app.Dockerfile#0", "devcontainer", "ci:ci/test", "ci:release/build", "gitlab:build"} {
		cs = append(cs, &resolve.Consumer{Name: n})
	}
	names := func(cs []*resolve.Consumer) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		patterns []string
		want     string
	}{
		{nil, "terminal gopls tools install docker:Dockerfile#builder docker:build/app.Dockerfile#0 devcontainer ci:ci/test ci:release/build gitlab:build"},
		{[]string{"ci:*"}, "ci:ci/test ci:release/build"},
		{[]string{"terminal,ci:*/test", "gitlab:build"}, "terminal ci:ci/test gitlab:build"},
		{[]string{"docker:*"}, "docker:Dockerfile#builder docker:build/app.Dockerfile#0"},
		{[]string{"*#builder", "terminal"}, "terminal docker:Dockerfile#builder"},
		{[]string{"gopl?", " devcontainer ,"}, "gopls devcontainer"},
		{[]string{"docker:Dockerfile#builder"}, "docker:Dockerfile#builder"},
	} {
		got, err := FilterConsumers(cs, tc.patterns)
		if err != nil || names(got) != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.patterns, names(got), err, tc.want)
		}
	}
	if _, err := FilterConsumers(cs, []string{"terminal", "docker:*#test"}); err == nil || !strings.Contains(err.Error(), `"docker:*#test"`) || !strings.Contains(err.Error(), "gitlab:build") {
		t.Errorf("unmatched pattern: %v; want an error naming it and the consumers", err)
	}
	// Regular-expression characters are literal.
	if _, err := FilterConsumers(cs, []string{"ci:ci.test"}); err == nil {
		t.Error("ci:ci.test matched: a dot must be literal")
	}
}
