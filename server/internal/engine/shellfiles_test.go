package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/engine"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// hostTree writes files under a fresh root standing for the machine:
// "home/…", "etc/…" and "proc/…", and returns the root and its Host.
func hostTree(t *testing.T, files map[string]string) (string, *engine.Host) {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(name)), []byte(content))
	}
	for _, d := range []string{"home", "etc", "proc", "work"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root, &engine.Host{Etc: filepath.Join(root, "etc"), Proc: filepath.Join(root, "proc")}
}

func loadHost(root string, h *engine.Host, env map[string]string) *sources.Snapshot {
	env["HOME"] = filepath.Join(root, "home")
	env["GOENV"] = "off"
	return engine.Load(engine.Config{Folder: filepath.Join(root, "work"), ProcessEnv: env, ModFiles: []string{}, GoBinary: "/nonexistent/go", Host: h}, nil)
}

// The start-up files are the ones $SHELL reads, in its documented order:
// bash reads only the first of ~/.bash_profile, ~/.bash_login and
// ~/.profile; zsh reads $ZDOTDIR's files and no ~/.profile; fish's files
// are not shell syntax; .envrc only when direnv is active. Paths are the
// injected roots', never the real home or /etc.
func TestShellFilesOrder(t *testing.T) {
	all := map[string]string{
		"etc/environment":       "GOFLAGS=-modcacherw\n",
		"etc/profile.d/a.sh":    "export GOPROXY=https://a.example.com\n",
		"etc/profile.d/b.txt":   "export GOPROXY=https://not-sh.example.com\n",
		"home/.bash_login":      "export GOPROXY=https://login.example.com\n",
		"home/.profile":         "export GOPROXY=https://profile.example.com\n",
		"home/.bashrc":          "export GOPROXY=https://bashrc.example.com\n",
		"home/.zshrc":           "export GOPROXY=https://zshrc.example.com\n",
		"home/zdot/.zshenv":     "export GOPROXY=https://zdot.example.com\n",
		"work/.envrc":           "export GOPRIVATE=corp.example.com\n",
		"home/.config/fish/cfg": "set -x GOPROXY x\n",
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"bash", map[string]string{"SHELL": "/bin/bash"}, []string{"etc/environment", "etc/profile.d/a.sh", "home/.bash_login", "home/.bashrc"}},
		{"zsh with ZDOTDIR", map[string]string{"SHELL": "/usr/bin/zsh", "ZDOTDIR": "$ROOT/home/zdot"}, []string{"etc/environment", "home/zdot/.zshenv"}},
		{"zsh", map[string]string{"SHELL": "/bin/zsh"}, []string{"etc/environment", "home/.zshrc"}},
		{"sh", map[string]string{"SHELL": "/bin/sh"}, []string{"etc/environment", "etc/profile.d/a.sh", "home/.profile"}},
		{"no SHELL", map[string]string{}, []string{"etc/environment", "etc/profile.d/a.sh", "home/.profile"}},
		{"fish", map[string]string{"SHELL": "/usr/bin/fish"}, []string{"etc/environment"}},
		{"bash with direnv", map[string]string{"SHELL": "/bin/bash", "DIRENV_DIR": "-/x"}, []string{"etc/environment", "etc/profile.d/a.sh", "home/.bash_login", "home/.bashrc", "work/.envrc"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, h := hostTree(t, all)
			for k, v := range tt.env {
				tt.env[k] = strings.ReplaceAll(v, "$ROOT", root)
			}
			s := loadHost(root, h, tt.env)
			var got []string
			for _, f := range s.Shell.Files {
				rel, err := filepath.Rel(root, f.Path)
				if err != nil || strings.HasPrefix(rel, "..") {
					t.Fatalf("read %s outside the injected roots", f.Path)
				}
				got = append(got, filepath.ToSlash(rel))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("files %q, want %q", got, tt.want)
			}
		})
	}
}

// Without a Host the engine reads none of the machine's own files, even
// with a home full of start-up files in the environment.
func TestNoHostReadsNoShellFiles(t *testing.T) {
	root, _ := hostTree(t, map[string]string{"home/.bashrc": "export GOPROXY=https://x.example.com\n"})
	s := loadHost(root, nil, map[string]string{"SHELL": "/bin/bash", "GOPROXY": "https://x.example.com"})
	if s.Shell != nil || s.Platform.WSL {
		t.Fatalf("shell %+v, platform %+v: want nothing read", s.Shell, s.Platform)
	}
	for _, c := range engine.Resolve(s) {
		if p := c.Var("GOPROXY").Prov; p.Source != sources.ProcessEnv {
			t.Errorf("%s: GOPROXY from %+v, want the process environment", c.Name, p)
		}
	}
}

// The terminal's value gets the line that exports it as provenance when
// the file's last export holds exactly that value; the editor's consumers
// keep "process environment", and so does a value the files give
// differently, through a reference, or without export.
func TestTerminalProvenanceFromShellFiles(t *testing.T) {
	root, h := hostTree(t, map[string]string{
		"etc/environment": "NO_PROXY=corp.example.com\n",
		"home/.bashrc": "# proxy\nexport GOPROXY=https://old.example.com\nexport GOPROXY=https://proxy.example.com,direct\n" +
			"export GOPRIVATE=other.example.com\nexport GOFLAGS=$EXTRA\nGONOSUMDB=corp.example.com\n",
	})
	s := loadHost(root, h, map[string]string{"SHELL": "/bin/bash",
		"GOPROXY": "https://proxy.example.com,direct", "NO_PROXY": "corp.example.com",
		"GOPRIVATE": "corp.example.com", "GOFLAGS": "-mod=mod", "GONOSUMDB": "corp.example.com"})
	bashrc := filepath.Join(root, "home", ".bashrc")
	want := map[string]sources.Provenance{
		"GOPROXY":   {Source: sources.ShellRC, File: bashrc, Line: 3, Key: "GOPROXY"},
		"NO_PROXY":  {Source: sources.ShellRC, File: filepath.Join(root, "etc", "environment"), Line: 1, Key: "NO_PROXY"},
		"GOPRIVATE": {Source: sources.ProcessEnv, Key: "GOPRIVATE"},
		"GOFLAGS":   {Source: sources.ProcessEnv, Key: "GOFLAGS"},
		"GONOSUMDB": {Source: sources.ProcessEnv, Key: "GONOSUMDB"},
	}
	for _, c := range engine.Resolve(s) {
		for name, w := range want {
			if c.Name == "install" && name == "GOFLAGS" {
				continue // tool installation removes GOFLAGS
			}
			got := c.Var(name).Prov
			got.KeySpan, got.ValueSpan = sources.Span{}, sources.Span{}
			if c.Name != "terminal" && !strings.HasPrefix(c.Name, "task:") {
				w = sources.Provenance{Source: sources.ProcessEnv, Key: name}
			}
			if got != w {
				t.Errorf("%s %s: provenance %+v, want %+v", c.Name, name, got, w)
			}
		}
	}
	// The span points at the value's text.
	p := engine.Resolve(s)[0].Var("GOPROXY").Prov
	content := s.Content(bashrc)
	if got := string(content[p.ValueSpan.Start:p.ValueSpan.End]); got != "https://proxy.example.com,direct" {
		t.Errorf("value span holds %q", got)
	}
}

// Start-up files the doctor does not control are read as any other input:
// a FIFO for ~/.bashrc and a directory or FIFO in /etc/profile.d are
// skipped without blocking, and the refused ~/.bashrc is reported.
func TestShellFilesHostile(t *testing.T) {
	root, h := hostTree(t, map[string]string{"etc/profile.d/ok.sh": "export GOPRIVATE=corp.example.com\n"})
	for _, p := range []string{"home/.bashrc", "etc/profile.d/fifo.sh"} {
		if err := syscall.Mkfifo(filepath.Join(root, p), 0o644); err != nil {
			t.Fatalf("mkfifo: %v", err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "etc", "profile.d", "dir.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	done := make(chan *sources.Snapshot, 1)
	go func() { done <- loadHost(root, h, map[string]string{"SHELL": "/bin/bash"}) }()
	var s *sources.Snapshot
	select {
	case s = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading the start-up files blocked on a FIFO")
	}
	if len(s.Shell.Files) != 1 || filepath.Base(s.Shell.Files[0].Path) != "ok.sh" {
		t.Errorf("read %+v, want only ok.sh", s.Shell.Files)
	}
	skipped := false
	for _, f := range s.Skipped() {
		skipped = skipped || f.Path == filepath.Join(root, "home", ".bashrc")
	}
	if !skipped {
		t.Errorf("the FIFO ~/.bashrc is not reported as skipped: %+v", s.Skipped())
	}
}

// WSL is told apart from the kernel's release (or /proc/version) and
// $WSL_DISTRO_NAME; WSL2's Windows host from resolv.conf's nameserver
// (not DNS tunnelling's 10.255.255.254) and the default route.
func TestDetectPlatform(t *testing.T) {
	const route = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
		"eth0\t00301CAC\t00000000\t0001\t0\t0\t0\t00F0FFFF\t0\t0\t0\n" +
		"eth0\t00000000\t01301CAC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	for _, tt := range []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  sources.Platform
	}{
		{"linux", map[string]string{"proc/sys/kernel/osrelease": "6.8.0-45-generic\n", "etc/resolv.conf": "nameserver 10.0.0.53\n", "proc/net/route": route}, nil, sources.Platform{}},
		{"wsl2 nat", map[string]string{"proc/sys/kernel/osrelease": "5.15.153.1-microsoft-standard-WSL2\n", "etc/resolv.conf": "# generated\nnameserver 172.28.48.1\n", "proc/net/route": route},
			map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}, sources.Platform{WSL: true, WSL2: true, Distro: "Ubuntu", WindowsHost: []string{"172.28.48.1"}}},
		{"wsl2 dns tunnelling", map[string]string{"proc/sys/kernel/osrelease": "5.15.167.4-microsoft-standard-WSL2\n", "etc/resolv.conf": "nameserver 10.255.255.254\n", "proc/net/route": route},
			nil, sources.Platform{WSL: true, WSL2: true, WindowsHost: []string{"172.28.48.1"}}},
		{"older wsl2 kernel via /proc/version", map[string]string{"proc/version": "Linux version 4.19.104-microsoft-standard (oe-user@oe-host)\n"},
			nil, sources.Platform{WSL: true, WSL2: true}},
		{"wsl1", map[string]string{"proc/sys/kernel/osrelease": "4.4.0-19041-Microsoft\n", "etc/resolv.conf": "nameserver 172.28.48.1\n"},
			nil, sources.Platform{WSL: true}},
		{"distro name only", nil, map[string]string{"WSL_DISTRO_NAME": "Debian"}, sources.Platform{WSL: true, Distro: "Debian"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, h := hostTree(t, tt.files)
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			got := loadHost(root, h, env).Platform
			if got.WSL != tt.want.WSL || got.WSL2 != tt.want.WSL2 || got.Distro != tt.want.Distro || strings.Join(got.WindowsHost, ",") != strings.Join(tt.want.WindowsHost, ",") {
				t.Errorf("platform %+v, want %+v", got, tt.want)
			}
		})
	}
}

// The repository's scripts are read by name from a bounded listing of the
// folder's top and its script folders, each through the snapshot's reader:
// a FIFO named like a script is skipped without blocking and reported, a
// directory named like one is passed over, other files are not read.
func TestScriptsRead(t *testing.T) {
	root, _ := hostTree(t, map[string]string{
		"work/build.sh":       "GOFLAGS=-mod=mod\ngo build ./...\n",
		"work/scripts/ci.sh":  "GOPRIVATE=corp.example.com\ngo mod download\n",
		"work/deep/x/y.sh":    "GOPRIVATE=x.example.com\ngo build\n",
		"work/scripts/notes":  "GOPRIVATE=y.example.com\n",
		"work/hack/tool.bash": "export GONOSUMDB=corp.example.com\n",
	})
	work := filepath.Join(root, "work")
	if err := os.MkdirAll(filepath.Join(work, "ci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(work, "ci", "fifo.sh"), 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(work, "tools", "dir.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	done := make(chan *sources.Snapshot, 1)
	go func() {
		done <- engine.Load(engine.Config{Folder: work, ProcessEnv: map[string]string{"GOENV": "off"}, ModFiles: []string{}, GoBinary: "/nonexistent/go", Scripts: true}, nil)
	}()
	var s *sources.Snapshot
	select {
	case s = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading the scripts blocked on a FIFO")
	}
	var got []string
	for _, sc := range s.Scripts {
		rel, _ := filepath.Rel(work, sc.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	if strings.Join(got, " ") != "build.sh scripts/ci.sh hack/tool.bash" {
		t.Errorf("scripts %q", got)
	}
	if sc := s.Scripts[1]; len(sc.Assigns) != 1 || sc.Assigns[0].Exported || len(sc.Go) != 1 || sc.Go[0].Sub != "mod download" || sc.Go[0].Line != 2 {
		t.Errorf("scripts/ci.sh read as %+v", sc)
	}
	skipped := false
	for _, f := range s.Skipped() {
		skipped = skipped || f.Path == filepath.Join(work, "ci", "fifo.sh")
	}
	if !skipped {
		t.Errorf("the FIFO ci/fifo.sh is not reported: %+v", s.Skipped())
	}
}

// A repository with more scripts than the bound reads the first maxScripts
// and reports the others, once, as not read: the cost does not grow with it.
func TestScriptsBounded(t *testing.T) {
	files := map[string]string{}
	for i := range 300 {
		files[fmt.Sprintf("work/scripts/s%03d.sh", i)] = "GOFLAGS=-mod=mod\ngo build ./...\n"
	}
	root, _ := hostTree(t, files)
	work := filepath.Join(root, "work")
	s := engine.Load(engine.Config{Folder: work, ProcessEnv: map[string]string{"GOENV": "off"}, ModFiles: []string{}, GoBinary: "/nonexistent/go", Scripts: true}, nil)
	if len(s.Scripts) != 128 {
		t.Errorf("%d scripts read; want the bound, 128", len(s.Scripts))
	}
	skipped := s.Skipped()
	if len(skipped) != 1 || !strings.HasSuffix(skipped[0].Path, "s128.sh") || !strings.Contains(skipped[0].Reason, "it and 171 more repository scripts: only the first 128") {
		t.Errorf("skipped %+v; want one report, on s128.sh, counting the 172 scripts not read", skipped)
	}
}
