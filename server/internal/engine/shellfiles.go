package engine

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"net"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/safeio"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// Host says where the machine's own files are: the user's shell start-up
// files and the facts that tell WSL apart. Tests point it at a fixture
// tree; the CLI uses the real roots.
type Host struct {
	// Home is the home directory of the ~ files; "" means $HOME of the
	// process environment.
	Home string
	// Etc and Proc are the roots standing for /etc and /proc.
	Etc, Proc string
}

// RealHost is the machine's own /etc and /proc, with $HOME for ~; nil on
// Windows, whose shells have none of these files.
func RealHost() *Host {
	if runtime.GOOS == "windows" {
		return nil
	}
	return &Host{Etc: "/etc", Proc: "/proc"}
}

// maxProfileD bounds the names looked at in /etc/profile.d, a directory
// the doctor does not control.
const maxProfileD = 256

// startupFile is one file a new shell reads: where it is, the path the
// parser classifies it by, and when it is read.
type startupFile struct {
	path, as, role string
}

// shellFiles lists the start-up files a new terminal's shell reads, in
// order, as the shells document it. A terminal is an interactive shell;
// its environment starts from a login session (the desktop's, or the
// login shell VS Code resolves its terminal environment from), so both
// sets count, login first:
//
//   - every login session: /etc/environment (pam_env), before any shell;
//   - bash: /etc/profile (which sources /etc/profile.d/*.sh), the first of
//     ~/.bash_profile, ~/.bash_login, ~/.profile; then ~/.bashrc;
//   - zsh: $ZDOTDIR (else ~)/.zshenv, .zprofile, .zshrc (zsh reads no
//     ~/.profile and, as shipped by its authors, no /etc/profile);
//   - sh, dash, ksh and an unknown shell: /etc/profile.d/*.sh, ~/.profile;
//   - the folder's .envrc last, when direnv is active in the environment.
func (h *Host) shellFiles(shell, home string, env map[string]string, folder string, readDir func(string) []string) []startupFile {
	out := []startupFile{{filepath.Join(h.Etc, "environment"), "/etc/environment", "pam_env"}}
	profileD := func() {
		for _, p := range readDir(filepath.Join(h.Etc, "profile.d")) {
			out = append(out, startupFile{p, "/etc/profile.d/" + filepath.Base(p), "login"})
		}
	}
	in := func(dir, name, role string) startupFile {
		return startupFile{filepath.Join(dir, name), name, role}
	}
	switch shell {
	case "bash":
		profileD()
		out = append(out, firstOf(home, "login", ".bash_profile", ".bash_login", ".profile")...)
		out = append(out, in(home, ".bashrc", "interactive"))
	case "zsh":
		dir := home
		if z := env["ZDOTDIR"]; filepath.IsAbs(z) {
			dir = z
		}
		out = append(out, in(dir, ".zshenv", "every zsh"), in(dir, ".zprofile", "login"), in(dir, ".zshrc", "interactive"))
	case "fish", "nu", "pwsh", "xonsh", "elvish":
		// Their start-up files are not shell syntax.
	default:
		profileD()
		out = append(out, in(home, ".profile", "login"))
	}
	if env["DIRENV_DIR"] != "" && folder != "" {
		out = append(out, startupFile{filepath.Join(folder, ".envrc"), ".envrc", "direnv"})
	}
	return out
}

// firstOf marks the candidates of which bash reads only the first that
// exists (role "login|first"); loadShell keeps the first it can read.
func firstOf(home, role string, names ...string) []startupFile {
	out := make([]startupFile, len(names))
	for i, n := range names {
		out[i] = startupFile{filepath.Join(home, n), n, role + "|first"}
	}
	return out
}

// loadShell reads the start-up files of the environment's $SHELL through
// the snapshot's reader (regular files only, size-bounded; a refused file
// is recorded and reported) and collects what they set.
func loadShell(s *sources.Snapshot, h *Host, env map[string]string) *sources.ShellEnv {
	home := h.Home
	if home == "" {
		home = env["HOME"]
	}
	shell := filepath.Base(env["SHELL"])
	if env["SHELL"] == "" {
		shell = ""
	}
	if !filepath.IsAbs(home) {
		home = "" // no ~ files without a home
	}
	e := &sources.ShellEnv{Shell: shell, Home: home, Direnv: env["DIRENV_DIR"] != ""}
	// The *.sh names of a directory from a bounded listing; each file is
	// then read (or refused and reported) like any other.
	readDir := func(dir string) []string {
		names, _, err := safeio.DirNames(dir, maxProfileD)
		if err != nil {
			return nil
		}
		var out []string
		for _, n := range names {
			if strings.HasSuffix(n, ".sh") {
				out = append(out, filepath.Join(dir, n))
			}
		}
		return out
	}
	firstDone := false
	// A name one file exports stays exported: a later file's plain
	// assignment changes the exported value.
	exported := map[string]bool{}
	for _, f := range h.shellFiles(shell, home, env, s.Folder, readDir) {
		if home == "" && f.role != "pam_env" && !strings.HasPrefix(f.as, "/etc/") && f.role != "direnv" {
			continue
		}
		role, first := strings.CutSuffix(f.role, "|first")
		if first && firstDone {
			continue
		}
		content, err := s.ReadFile(f.path)
		if err != nil {
			continue
		}
		if first {
			firstDone = true
		}
		parsed, err := buildenv.ParseShellFile(f.as, content)
		if err != nil {
			continue
		}
		e.Files = append(e.Files, sources.ShellFileRead{Path: f.path, Content: content, Role: role})
		for _, st := range parsed.Settings {
			switch st.How {
			case buildenv.Export, buildenv.Assign, buildenv.EnvFile:
			default:
				continue // inline (one command's), go env -w (the GOENV file's)
			}
			if st.NoValue {
				continue
			}
			x := st.Exported || exported[st.Key]
			exported[st.Key] = x
			e.Assigns = append(e.Assigns, sources.ShellAssign{
				Name: st.Key, Value: st.Value, Exported: x, Unresolved: st.Unresolved,
				Prov: sources.Provenance{Source: sources.ShellRC, File: f.path, Line: st.Line, Key: st.Key, KeySpan: st.KeySpan, ValueSpan: st.ValueSpan},
			})
		}
	}
	return e
}

// DetectPlatform tells WSL from its kernel (/proc/sys/kernel/osrelease or
// /proc/version naming Microsoft) or $WSL_DISTRO_NAME, WSL2 from the
// kernel's "WSL2" (WSL1 kernels say "Microsoft" with no WSL2), and the
// Windows host's addresses under WSL2's NAT from /etc/resolv.conf and the
// default route.
func DetectPlatform(h *Host, env map[string]string) sources.Platform {
	var p sources.Platform
	if h == nil {
		return p
	}
	read := func(path string) string {
		b, err := safeio.ReadFile(path, 64<<10)
		if err != nil {
			return ""
		}
		return string(b)
	}
	kernel := read(filepath.Join(h.Proc, "sys", "kernel", "osrelease"))
	if kernel == "" {
		kernel = read(filepath.Join(h.Proc, "version"))
	}
	lower := strings.ToLower(kernel)
	p.Distro = env["WSL_DISTRO_NAME"]
	p.WSL = strings.Contains(lower, "microsoft") || p.Distro != ""
	if !p.WSL {
		return p
	}
	// WSL2 kernels: "…-microsoft-standard-WSL2" (older: "…-microsoft-standard");
	// WSL1 reports the Windows build: "4.4.0-19041-Microsoft".
	p.WSL2 = strings.Contains(lower, "wsl2") || strings.Contains(lower, "microsoft-standard")
	if !p.WSL2 {
		return p
	}
	if ns := resolvNameserver(read(filepath.Join(h.Etc, "resolv.conf"))); ns != "" && ns != "10.255.255.254" {
		p.WindowsHost = append(p.WindowsHost, ns)
	}
	if gw := defaultGateway(read(filepath.Join(h.Proc, "net", "route"))); gw != "" && !containsString(p.WindowsHost, gw) {
		p.WindowsHost = append(p.WindowsHost, gw)
	}
	return p
}

// resolvNameserver is the first IPv4 nameserver of a resolv.conf.
func resolvNameserver(conf string) string {
	sc := bufio.NewScanner(strings.NewReader(conf))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "nameserver" {
			if ip := net.ParseIP(f[1]); ip != nil && ip.To4() != nil {
				return ip.String()
			}
		}
	}
	return ""
}

// defaultGateway reads the default route's gateway from /proc/net/route
// (destination 00000000; the gateway in hex, little-endian).
func defaultGateway(route string) string {
	sc := bufio.NewScanner(strings.NewReader(route))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[1] != "00000000" {
			continue
		}
		b, err := hex.DecodeString(f[2])
		if err != nil || len(b) != 4 || bytes.Equal(b, []byte{0, 0, 0, 0}) {
			continue
		}
		// The kernel prints the address as a little-endian word.
		return net.IPv4(b[3], b[2], b[1], b[0]).String()
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// scriptDirs are the folders, besides the folder's top, whose *.sh files
// are the repository's build and CI scripts.
var scriptDirs = []string{"", "scripts", "script", "ci", ".ci", "build", "hack", "tools"}

// maxScriptEntries bounds the names looked at per folder: a top folder
// with a million files costs a bounded listing.
const maxScriptEntries = 1024

// maxScripts and maxScriptBytes bound what the scripts of one folder cost
// to read and parse, whatever a repository holds: the first maxScripts
// scripts, up to maxScriptBytes in all; the rest are reported, not read.
const (
	maxScripts     = 128
	maxScriptBytes = 16 << 20
)

// loadScripts reads the repository's shell scripts through the snapshot's
// reader (regular files, size-bounded, refusals reported) and keeps what
// they assign and which go commands they run.
func loadScripts(s *sources.Snapshot) []*sources.RepoScript {
	var out []*sources.RepoScript
	read, total := 0, 0
	unread, skipped := "", 0 // the first script past the bounds, and how many
	defer func() {
		if unread != "" {
			s.Refuse(unread, fmt.Sprintf("it and %d more repository scripts: only the first %d, up to %d MiB in all, are read", skipped-1, maxScripts, maxScriptBytes>>20))
		}
	}()
	for _, d := range scriptDirs {
		dir := filepath.Join(s.Folder, d)
		names, _, err := safeio.DirNames(dir, maxScriptEntries)
		if err != nil {
			continue
		}
		for _, name := range names {
			if !strings.HasSuffix(name, ".sh") && !strings.HasSuffix(name, ".bash") {
				continue
			}
			p := filepath.Join(dir, name)
			if read >= maxScripts || total >= maxScriptBytes {
				if unread == "" {
					unread = p
				}
				skipped++
				continue
			}
			content, err := s.ReadFile(p)
			if err != nil {
				continue
			}
			read++
			total += len(content)
			parsed, err := buildenv.ParseShellFile(filepath.ToSlash(filepath.Join(d, name)), content)
			if err != nil {
				continue
			}
			sc := &sources.RepoScript{Path: p, Content: content}
			for _, st := range parsed.Settings {
				if st.How != buildenv.Export && st.How != buildenv.Assign || st.NoValue {
					continue
				}
				sc.Assigns = append(sc.Assigns, sources.ShellAssign{
					Name: st.Key, Value: st.Value, Exported: st.Exported, Unresolved: st.Unresolved,
					Prov: sources.Provenance{Source: sources.ShellRC, File: p, Line: st.Line, Key: st.Key, KeySpan: st.KeySpan, ValueSpan: st.ValueSpan},
				})
			}
			for _, g := range parsed.Go {
				if g.BuildsGo() {
					sc.Go = append(sc.Go, sources.ScriptGo{Sub: g.Sub, Line: g.Line, Start: g.Span.Start})
				}
			}
			out = append(out, sc)
		}
	}
	return out
}
