// Package complete answers the editor's completion and document link
// requests for the files that configure the go command: VS Code settings,
// a .code-workspace, launch.json and tasks.json, and the GOENV file. It
// works on a document's current text and on facts taken from the engine's
// latest result for its folder (configured proxy URLs, module paths,
// private patterns), so a request costs no process and no diagnosis. It
// knows nothing of LSP: offsets are bytes, the transport converts them.
package complete

import (
	"path/filepath"
	"strings"
)

// Kind is what a document configures.
type Kind int

// Document kinds.
const (
	Other     Kind = iota
	Settings       // a settings.json
	Workspace      // a .code-workspace (settings under "settings")
	Launch         // launch.json
	Tasks          // tasks.json
	GoEnv          // a GOENV file (KEY=VALUE lines)
)

// Classify says what the document at path is: a GOENV file when it is one
// of goenvFiles (the files the consumers' go commands read), else by its
// name.
func Classify(path string, goenvFiles []string) Kind {
	for _, f := range goenvFiles {
		if f == path {
			return GoEnv
		}
	}
	base := filepath.Base(path)
	switch {
	case base == "settings.json":
		return Settings
	case strings.HasSuffix(base, ".code-workspace"):
		return Workspace
	case base == "launch.json":
		return Launch
	case base == "tasks.json":
		return Tasks
	}
	return Other
}

// envObject reports whether path leads to an object of environment
// variables in a document of kind k: go.toolsEnvVars, gopls's build.env,
// terminal.integrated.env.<os> in settings; a launch configuration's env;
// a task's options.env.
func envObject(k Kind, path []elem) bool {
	switch k {
	case Workspace:
		if len(path) > 0 && !path[0].isIdx {
			switch path[0].key {
			case "settings":
				return settingsEnv(path[1:])
			case "launch":
				return launchEnv(path[1:])
			case "tasks":
				return tasksEnv(path[1:])
			}
		}
	case Settings:
		return settingsEnv(path)
	case Launch:
		return launchEnv(path)
	case Tasks:
		return tasksEnv(path)
	}
	return false
}

func keys(path []elem, want ...string) bool {
	if len(path) != len(want) {
		return false
	}
	for i, w := range want {
		if w == "#" {
			if !path[i].isIdx {
				return false
			}
			continue
		}
		if path[i].isIdx || path[i].key != w {
			return false
		}
	}
	return true
}

func settingsEnv(path []elem) bool {
	return keys(path, "go.toolsEnvVars") || keys(path, "gopls", "build.env") || keys(path, "gopls", "env") ||
		keys(path, "terminal.integrated.env.linux") || keys(path, "terminal.integrated.env.osx") ||
		keys(path, "terminal.integrated.env.windows")
}

func launchEnv(path []elem) bool { return keys(path, "configurations", "#", "env") }

func tasksEnv(path []elem) bool {
	return keys(path, "tasks", "#", "options", "env") || keys(path, "options", "env")
}
