package sources

import "strings"

// ShellAssign is one variable a shell start-up file sets.
type ShellAssign struct {
	Name, Value string
	// Prov is the file, line and spans (Source ShellRC).
	Prov Provenance
	// Exported: the value reaches child processes such as go (export,
	// declare -x, set -a, a later export NAME, or /etc/environment).
	Exported bool
	// Unresolved: the value refers to something only the shell knows
	// ($VAR, $(cmd)); what it becomes cannot be compared.
	Unresolved bool
}

// ShellFileRead is one start-up file a new shell reads, in its order.
type ShellFileRead struct {
	Path    string
	Content []byte
	// Role says when the shell reads it, in words: "login", "interactive",
	// "every zsh", "pam_env", "direnv".
	Role string
}

// ShellEnv is what the start-up files of the user's shell ($SHELL) set
// for a new terminal: the files in the order the shell reads them and
// every assignment they make, in that order. The engine builds it (it
// reads files); resolve and the rules only look at it.
type ShellEnv struct {
	// Shell is the shell's name ("bash", "zsh", "sh"); "" when $SHELL is unset.
	Shell string
	// Home is the home directory the ~ files were read from.
	Home  string
	Files []ShellFileRead
	// Assigns lists the assignments in the order a new shell runs them.
	Assigns []ShellAssign
	// Direnv is true when direnv is active in the environment (DIRENV_DIR
	// is set), so the folder's .envrc applies after the start-up files.
	Direnv bool
}

// Final returns the value a new shell's files leave name with: the last
// exported assignment. ok is false when no file exports name.
func (e *ShellEnv) Final(name string) (ShellAssign, bool) {
	if e == nil {
		return ShellAssign{}, false
	}
	for i := len(e.Assigns) - 1; i >= 0; i-- {
		if a := e.Assigns[i]; a.Name == name && a.Exported {
			return a, true
		}
	}
	return ShellAssign{}, false
}

// Unexported returns the last assignment of name that no export covers
// when it comes after every exported one (a later export wins).
func (e *ShellEnv) Unexported(name string) (ShellAssign, bool) {
	if e == nil {
		return ShellAssign{}, false
	}
	for i := len(e.Assigns) - 1; i >= 0; i-- {
		if a := e.Assigns[i]; a.Name == name {
			return a, !a.Exported
		}
	}
	return ShellAssign{}, false
}

// Origin is the provenance of a process environment value a start-up file
// explains: the last exported assignment of name, when it holds exactly
// value. ok is false otherwise (a value the files do not give, or give
// through a reference the doctor cannot evaluate).
func (e *ShellEnv) Origin(name, value string) (Provenance, bool) {
	a, ok := e.Final(name)
	if !ok || a.Unresolved || a.Value != value {
		return Provenance{}, false
	}
	return a.Prov, true
}

// Sets reports whether any start-up file sets name, exported or not.
func (e *ShellEnv) Sets(name string) bool {
	if e == nil {
		return false
	}
	for _, a := range e.Assigns {
		if a.Name == name {
			return true
		}
	}
	return false
}

// Display is a path for people: the home directory written as ~.
func (e *ShellEnv) Display(path string) string {
	if e != nil && e.Home != "" {
		home := strings.TrimSuffix(e.Home, "/")
		if home == "" {
			return path // HOME=/ (some containers): no ~ to write
		}
		if rest, ok := strings.CutPrefix(path, home+"/"); ok {
			return "~/" + rest
		}
	}
	return path
}

// content returns the content of a start-up file the environment read.
func (e *ShellEnv) content(path string) ([]byte, bool) {
	if e == nil {
		return nil, false
	}
	for _, f := range e.Files {
		if f.Path == path {
			return f.Content, true
		}
	}
	return nil, false
}

// Platform is what the doctor knows about the machine beyond GOOS.
type Platform struct {
	// WSL is true under the Windows Subsystem for Linux; WSL2 for its
	// virtual-machine flavour (its own network behind NAT by default).
	WSL, WSL2 bool
	// Distro is $WSL_DISTRO_NAME.
	Distro string
	// WindowsHost lists the Windows host's addresses as WSL2's NAT
	// network shows them: the nameserver of /etc/resolv.conf (unless it is
	// DNS tunnelling's 10.255.255.254) and the default gateway.
	WindowsHost []string
}

// RepoScript is a shell script of the repository (*.sh at the folder's
// top or in its scripts/, ci/, .ci/, build/, hack/ and tools/ folders):
// what it assigns and where it runs the go command.
type RepoScript struct {
	Path    string
	Content []byte
	// Assigns are its assignments in order (Prov.Source ShellRC: a shell
	// file, read-only).
	Assigns []ShellAssign
	// Go lists the go commands it runs that fetch or build modules.
	Go []ScriptGo
}

// ScriptGo is one go command of a script.
type ScriptGo struct {
	Sub  string // "build", "mod download", …
	Line int
	// Start is its byte offset: a command after an assignment sees it.
	Start int
}
