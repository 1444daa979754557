package engine

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources/buildenv"
)

// maxBuildBytes bounds what the build files of a folder hold in all (a
// variable so that a test can lower it).
var maxBuildBytes = 32 << 20

// maxBuildFiles bounds the build files of a folder, and buildFileDepth how
// far below the folder a Dockerfile or compose file is looked for.
const (
	maxBuildFiles  = 500
	buildFileDepth = 4
)

// FindBuildFiles returns the folder's build files by name, in path order:
// Dockerfiles (Dockerfile, *.Dockerfile, Dockerfile.*) and compose files at
// the folder's top and in directories below it (to buildFileDepth levels,
// pruned like FindModFiles, symbolic links to directories not followed),
// .devcontainer/devcontainer.json, .devcontainer/<name>/devcontainer.json,
// .devcontainer.json, .github/workflows/*.yml|yaml and .gitlab-ci.yml.
// Dockerfiles a compose file or dev container names by another name are
// added by Load once those are parsed.
func FindBuildFiles(folder string) []string {
	var out []string
	add := func(p string) {
		if len(out) < maxBuildFiles {
			out = append(out, p)
		}
	}
	folder = filepath.Clean(folder)
	filepath.WalkDir(folder, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() && path != folder {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path == folder {
				return nil
			}
			rel, _ := filepath.Rel(folder, path)
			if sources.ModDirIgnored(d.Name()) || strings.Count(rel, string(filepath.Separator)) >= buildFileDepth-1 {
				return fs.SkipDir
			}
			return nil
		}
		// Not only regular files: the reader refuses a FIFO or a device by
		// that name and the snapshot reports it.
		if name := d.Name(); buildenv.IsDockerfile(name) || buildenv.IsCompose(name) {
			add(path)
		}
		if len(out) >= maxBuildFiles {
			return fs.SkipAll
		}
		return nil
	})
	for _, p := range []string{
		filepath.Join(folder, ".devcontainer.json"),
		filepath.Join(folder, ".devcontainer", "devcontainer.json"),
		filepath.Join(folder, ".gitlab-ci.yml"),
	} {
		if isRegular(p) {
			add(p)
		}
	}
	if ents, err := os.ReadDir(filepath.Join(folder, ".devcontainer")); err == nil {
		for _, e := range ents {
			if p := filepath.Join(folder, ".devcontainer", e.Name(), "devcontainer.json"); e.IsDir() && isRegular(p) {
				add(p)
			}
		}
	}
	if ents, err := os.ReadDir(filepath.Join(folder, ".github", "workflows")); err == nil {
		for _, e := range ents {
			if p := filepath.Join(folder, ".github", "workflows", e.Name()); !e.IsDir() && buildenv.IsWorkflow(p) {
				add(p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// isRegular reports whether p exists and is not a directory: the reader
// refuses (and the snapshot reports) anything else that is not a regular file.
func isRegular(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// buildFileKind is the kind of a build file Load was given: by its name,
// else a Dockerfile (compose files and dev containers name them freely).
func buildFileKind(folder, p string) (sources.Kind, bool) {
	rel, err := filepath.Rel(folder, p)
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return buildenv.KindOf(filepath.ToSlash(rel))
}

type parsedBuild struct {
	v   any
	err error
}

// loadBuildFiles reads and parses the build files, then the compose files
// the dev containers name and the Dockerfiles the compose files and dev
// containers name, when they are inside the folder.
func loadBuildFiles(s *sources.Snapshot, folder string, paths []string, read Reader, parse *sources.ParseLoad) {
	s.SetContainment(containedIn(folder))
	seen := map[string]bool{}
	total := 0
	unread, over := "", 0 // the first build file past maxBuildBytes, and how many
	defer func() {
		if unread != "" {
			s.Refuse(unread, fmt.Sprintf("it and %d more build files: the build files of a folder are read up to %d MiB in all", over-1, maxBuildBytes>>20))
		}
	}()
	var load func(p string, kind sources.Kind)
	load = func(p string, kind sources.Kind) {
		if seen[p] || len(s.BuildFiles) >= maxBuildFiles {
			return
		}
		seen[p] = true
		if total >= maxBuildBytes {
			if unread == "" {
				unread = p
			}
			over++
			return
		}
		content, err := read(p)
		if err != nil {
			return
		}
		total += len(content)
		r := sources.Memo(parse, "buildenv", kind, p, content, func() parsedBuild {
			v, err := buildenv.Parse(kind, p, content)
			return parsedBuild{v, err}
		})
		s.BuildFiles = append(s.BuildFiles, &sources.BuildFile{Path: p, Kind: kind, Content: content, Parsed: r.v, Err: r.err})
	}
	for _, p := range paths {
		if kind, ok := buildFileKind(folder, p); ok {
			if !s.InFolder(p) {
				s.Refuse(p, "a symbolic link leading outside the workspace folder, not read")
				continue
			}
			load(p, kind)
		}
	}
	// Dockerfiles named by compose build: and dev container build.dockerfile,
	// relative to the naming file, when they stay inside the folder.
	named := func(from, rel string, kind sources.Kind) {
		if rel == "" || strings.Contains(rel, "://") {
			return
		}
		p := filepath.Clean(filepath.Join(filepath.Dir(from), filepath.FromSlash(rel)))
		if !s.InFolder(p) {
			if r, err := filepath.Rel(folder, p); err == nil && filepath.IsLocal(r) {
				s.Refuse(p, "named by "+filepath.Base(from)+" but a symbolic link leading outside the workspace folder, not read")
			}
			return
		}
		load(p, kind)
	}
	// The compose files a dev container names (dockerComposeFile), first:
	// the Dockerfiles their services build are then found below.
	for _, f := range append([]*sources.BuildFile(nil), s.BuildFiles...) {
		if dc, ok := f.Parsed.(*buildenv.DevContainer); ok {
			for _, ref := range dc.ComposeFiles {
				if !filepath.IsAbs(ref.Path) {
					named(f.Path, ref.Path, sources.ComposeKind)
				}
			}
		}
	}
	for _, f := range append([]*sources.BuildFile(nil), s.BuildFiles...) {
		switch v := f.Parsed.(type) {
		case *buildenv.Compose:
			for _, svc := range v.Services {
				if svc.Build != nil && !filepath.IsAbs(svc.Build.DockerfilePath()) {
					named(f.Path, svc.Build.DockerfilePath(), sources.DockerfileKind)
				}
			}
		case *buildenv.DevContainer:
			if df := v.DockerfilePath(); df != "" && !filepath.IsAbs(df) {
				named(f.Path, df, sources.DockerfileKind)
			}
		}
	}
	sort.Slice(s.BuildFiles, func(i, j int) bool { return s.BuildFiles[i].Path < s.BuildFiles[j].Path })
}

// BuildFileIncluded reports whether FindBuildFiles lists path, by name and
// place alone (the file need not exist): the one rule for the walk and for
// the language server's created/deleted events and open buffers.
func BuildFileIncluded(folder, p string) bool {
	rel, err := filepath.Rel(filepath.Clean(folder), filepath.Clean(p))
	if err != nil || !filepath.IsLocal(rel) {
		return false
	}
	slash := filepath.ToSlash(rel)
	kind, ok := buildenv.KindOf(slash)
	if !ok {
		return false
	}
	dir := path.Dir(slash)
	switch kind {
	case sources.DockerfileKind, sources.ComposeKind:
		if dir == "." {
			return true
		}
		parts := strings.Split(dir, "/")
		if len(parts) >= buildFileDepth {
			return false
		}
		for _, d := range parts {
			if sources.ModDirIgnored(d) {
				return false
			}
		}
		return true
	case sources.DevContainer:
		return slash == ".devcontainer.json" || dir == ".devcontainer" || path.Dir(dir) == ".devcontainer"
	case sources.GitHubActions:
		return dir == ".github/workflows"
	case sources.GitLabCI:
		return slash == ".gitlab-ci.yml"
	}
	return false
}

// containedIn tells whether a path inside folder by name stays inside it
// once symbolic links are followed. A path that does not resolve (missing,
// or the reader is not the disk) is judged by name: its read fails or
// reads what the reader holds.
func containedIn(folder string) func(string) bool {
	root, err := filepath.EvalSymlinks(folder)
	if err != nil {
		return nil
	}
	return func(p string) bool {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return true
		}
		rel, err := filepath.Rel(root, real)
		return err == nil && filepath.IsLocal(rel)
	}
}
