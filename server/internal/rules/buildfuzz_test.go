package rules_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzBuildFileRules runs every rule over hostile Dockerfiles and
// workflows next to a developer environment with private patterns, and
// applies every fix offered: nothing panics, and each fix leaves a file
// that parses again and keeps its comments and untouched lines
// (checkEveryFix). The seeds are the fixtures' build files.
func FuzzBuildFileRules(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var docker, workflow []byte
		for _, af := range ar.Files {
			switch filepath.Base(af.Name) {
			case "Dockerfile":
				docker = af.Data
			case "ci.yml":
				workflow = af.Data
			}
		}
		if docker != nil || workflow != nil {
			f.Add(string(docker), string(workflow))
		}
	}
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, docker, workflow string) {
		if len(docker)+len(workflow) > 4<<10 {
			return
		}
		ar := &txtar.Archive{Files: []txtar.File{
			{Name: "goenv", Data: []byte("GOPRIVATE=git.example.com\nGOFLAGS=-mod=mod\n")},
			{Name: "go.mod", Data: []byte("module example.com/app\n\ngo 1.22\n\nrequire git.example.com/team/lib v1.0.0\n")},
			{Name: "Dockerfile", Data: []byte(docker)},
			{Name: ".github/workflows/ci.yml", Data: []byte(workflow)},
		}}
		checkEveryFix(t, m, ar)
	})
}
