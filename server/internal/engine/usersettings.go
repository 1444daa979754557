package engine

import (
	"path/filepath"
)

// DefaultUserSettings is VS Code's user settings.json for goos when no client
// told us the path (vscode-go-env-flow §3): %APPDATA%\Code\User on Windows,
// ~/Library/Application Support/Code/User on macOS, $XDG_CONFIG_HOME/Code/User
// (or ~/.config) elsewhere. "" when the environment does not say.
func DefaultUserSettings(goos string, getenv func(string) string) string {
	switch goos {
	case "windows":
		if d := getenv("APPDATA"); d != "" {
			return d + `\Code\User\settings.json`
		}
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support", "Code", "User", "settings.json")
		}
	default:
		if d := getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "Code", "User", "settings.json")
		}
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".config", "Code", "User", "settings.json")
		}
	}
	return ""
}

// OSFlavour is the terminal.integrated.env suffix for goos.
func OSFlavour(goos string) string {
	switch goos {
	case "darwin":
		return "osx"
	case "windows":
		return "windows"
	}
	return "linux"
}
