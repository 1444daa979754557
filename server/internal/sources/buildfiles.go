package sources

// The source kinds of the files that set the environment of a build outside
// the editor (SPEC §3): the image's or runner's own environment.
const (
	DockerfileKind Kind = "dockerfile"
	ComposeKind    Kind = "compose"
	DevContainer   Kind = "devcontainer"
	GitHubActions  Kind = "github-actions"
	GitLabCI       Kind = "gitlab-ci"
)

// BuildFile is one Dockerfile, compose file, dev container configuration,
// GitHub Actions workflow or GitLab CI file of the folder, parsed.
type BuildFile struct {
	Path    string
	Kind    Kind
	Content []byte
	// Parsed is what package buildenv made of Content: a *buildenv.Dockerfile,
	// *buildenv.Compose, *buildenv.DevContainer, *buildenv.Workflow or
	// *buildenv.GitLabCI by Kind (buildenv.Of gives them typed); nil when
	// Err is set. Shared between snapshots: never modified.
	Parsed any
	// Err is the parse error (the file is then ignored by the consumers).
	Err error
}

// Memo is a parse of content memoized like the other parsed files: parser
// names the parser (and so the type of its result), kind and path the file.
// A nil *ParseLoad parses every time.
func Memo[T comparable](l *ParseLoad, parser string, kind Kind, path string, content []byte, parse func() T) T {
	return memo(l, parseKey{parser, kind, path}, content, parse)
}

// BuildFile returns the snapshot's build file at path, or nil.
func (s *Snapshot) BuildFile(path string) *BuildFile {
	for _, f := range s.BuildFiles {
		if f.Path == path {
			return f
		}
	}
	return nil
}
