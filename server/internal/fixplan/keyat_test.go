package fixplan

import "testing"

func TestAddedKey(t *testing.T) {
	for text, want := range map[string]string{
		`,
    "go.toolsEnvVars": {
        "GOFLAGS": "-mod=mod"
    }`: "go.toolsEnvVars.GOFLAGS",
		`, "NO_PROXY": "goproxy.corp.example.com"`:              "NO_PROXY",
		`"terminal.integrated.env.linux": {"A": "1", "B": "2"}`: "terminal.integrated.env.linux",
		`"direct"`: "",
	} {
		if got := addedKey(text); got != want {
			t.Errorf("addedKey(%q) = %q; want %q", text, got, want)
		}
	}
}
