package buildenv

import "testing"

func TestPathKinds(t *testing.T) {
	for _, c := range []struct {
		path string
		want string
	}{
		{"Dockerfile", "dockerfile"},
		{"build/app.Dockerfile", "dockerfile"},
		{"Dockerfile.ci", "dockerfile"},
		{"svc/Containerfile", "dockerfile"},
		{"Dockerfiles/readme.md", ""},
		{"compose.yaml", "compose"},
		{"deploy/docker-compose.yml", "compose"},
		{"compose.override.yaml", ""},
		{".devcontainer/devcontainer.json", "devcontainer"},
		{".devcontainer.json", "devcontainer"},
		{".devcontainer/go/devcontainer.json", "devcontainer"},
		{"other/devcontainer.json", ""},
		{".github/workflows/ci.yml", "workflow"},
		{`.github\workflows\release.yaml`, "workflow"},
		{".github/ci.yml", ""},
		{".gitlab-ci.yml", "gitlab"},
		{"/home/u/.bashrc", "shell-rc"},
		{"/home/u/.zshenv", "shell-rc"},
		{"/etc/profile.d/go.sh", "shell-rc"},
		{"/etc/environment", "etc-environment"},
		{"repo/.envrc", "envrc"},
		{"scripts/ci.sh", "script"},
		{"main.go", ""},
	} {
		got := ""
		switch {
		case IsDockerfile(c.path):
			got = "dockerfile"
		case IsCompose(c.path):
			got = "compose"
		case IsDevContainer(c.path):
			got = "devcontainer"
		case IsWorkflow(c.path):
			got = "workflow"
		case IsGitLabCI(c.path):
			got = "gitlab"
		default:
			if k, ok := ShellKindOf(c.path); ok {
				got = string(k)
			}
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.path, got, c.want)
		}
	}
}

func TestIsPredefinedArg(t *testing.T) {
	for name, want := range map[string]bool{"HTTPS_PROXY": true, "no_proxy": true, "ALL_PROXY": true, "GOPROXY": false, "HTTPS_PROXY_URL": false} {
		if IsPredefinedArg(name) != want {
			t.Errorf("%s: %v", name, !want)
		}
	}
}
