package sources

import "testing"

// Display writes paths under the home directory with ~, and nothing else:
// not a sibling whose name starts like the home, not with HOME=/.
func TestShellEnvDisplay(t *testing.T) {
	for _, tt := range []struct{ home, path, want string }{
		{"/home/u", "/home/u/.bashrc", "~/.bashrc"},
		{"/home/u/", "/home/u/zdot/.zshrc", "~/zdot/.zshrc"},
		{"/home/u", "/home/user2/.bashrc", "/home/user2/.bashrc"},
		{"/", "/etc/environment", "/etc/environment"},
		{"", "/home/u/.bashrc", "/home/u/.bashrc"},
	} {
		e := &ShellEnv{Home: tt.home}
		if got := e.Display(tt.path); got != tt.want {
			t.Errorf("home %q: Display(%q) = %q, want %q", tt.home, tt.path, got, tt.want)
		}
	}
	var none *ShellEnv
	if got := none.Display("/x/.bashrc"); got != "/x/.bashrc" {
		t.Errorf("nil Display = %q", got)
	}
}

// Final is the last exported assignment; Unexported the last assignment
// when no export follows it; Origin only an exact, resolved match.
func TestShellEnvLookups(t *testing.T) {
	e := &ShellEnv{Assigns: []ShellAssign{
		{Name: "GOPROXY", Value: "a", Exported: true},
		{Name: "GOPROXY", Value: "b", Exported: true},
		{Name: "GOFLAGS", Value: "$X", Exported: true, Unresolved: true},
		{Name: "GOPRIVATE", Value: "p", Exported: true},
		{Name: "GOPRIVATE", Value: "q"},
	}}
	if a, ok := e.Final("GOPROXY"); !ok || a.Value != "b" {
		t.Errorf("Final(GOPROXY) = %+v, %v", a, ok)
	}
	if _, ok := e.Origin("GOPROXY", "a"); ok {
		t.Error("Origin matched an overridden value")
	}
	if _, ok := e.Origin("GOFLAGS", "$X"); ok {
		t.Error("Origin matched an unresolved value")
	}
	if a, ok := e.Unexported("GOPRIVATE"); !ok || a.Value != "q" {
		t.Errorf("Unexported(GOPRIVATE) = %+v, %v", a, ok)
	}
	if _, ok := e.Unexported("GOPROXY"); ok {
		t.Error("Unexported(GOPROXY): its last assignment is exported")
	}
	if !e.Sets("GOFLAGS") || e.Sets("GONOSUMDB") {
		t.Error("Sets")
	}
}
