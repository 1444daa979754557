package buildenv

import (
	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// KindOf says which kind of build file a path is by its name (a Dockerfile
// by any name is also whatever a compose file or dev container names, which
// the caller knows).
func KindOf(p string) (sources.Kind, bool) {
	switch {
	case IsWorkflow(p):
		return sources.GitHubActions, true
	case IsDevContainer(p):
		return sources.DevContainer, true
	case IsCompose(p):
		return sources.ComposeKind, true
	case IsGitLabCI(p):
		return sources.GitLabCI, true
	case IsDockerfile(p):
		return sources.DockerfileKind, true
	}
	return "", false
}

// Parse parses content as a build file of the kind, for
// sources.BuildFile.Parsed.
func Parse(kind sources.Kind, p string, content []byte) (any, error) {
	switch kind {
	case sources.DockerfileKind:
		return nilIfErr(ParseDockerfile(p, content))
	case sources.ComposeKind:
		return nilIfErr(ParseCompose(p, content))
	case sources.DevContainer:
		return nilIfErr(ParseDevContainer(p, content))
	case sources.GitHubActions:
		return nilIfErr(ParseWorkflow(p, content))
	case sources.GitLabCI:
		return nilIfErr(ParseGitLabCI(p, content))
	}
	return nil, nil
}

// nilIfErr keeps a typed nil pointer out of an interface.
func nilIfErr[T any](v *T, err error) (any, error) {
	if err != nil || v == nil {
		return nil, err
	}
	return v, nil
}

// Files are a snapshot's parsed build files by kind, in path order. A file
// that did not parse is in none of the lists.
type Files struct {
	Dockerfiles   []*Dockerfile
	Composes      []*Compose
	DevContainers []*DevContainer
	Workflows     []*Workflow
	GitLab        []*GitLabCI
}

// Of returns the snapshot's parsed build files.
func Of(s *sources.Snapshot) Files {
	var f Files
	if s == nil {
		return f
	}
	for _, b := range s.BuildFiles {
		switch v := b.Parsed.(type) {
		case *Dockerfile:
			f.Dockerfiles = append(f.Dockerfiles, v)
		case *Compose:
			f.Composes = append(f.Composes, v)
		case *DevContainer:
			f.DevContainers = append(f.DevContainers, v)
		case *Workflow:
			f.Workflows = append(f.Workflows, v)
		case *GitLabCI:
			f.GitLab = append(f.GitLab, v)
		}
	}
	return f
}
