package job

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// jobPackages are the packages that are jobs: each reacts to events or runs
// in a sweep, and talks to GitHub through what job.Env and
// job.Installation give it. Shared ideas (tracking issues, markers, the wait
// clock, the write primitive) live in packages of their own, which jobs may
// import; a job must not import another job.
var jobPackages = []string{"mentees", "welcome", "reviews", "digest", "learnings", "dashboard"}

// clientFree are the packages besides the jobs that must not hold a
// *github.Client: what every job receives, and the shared ideas jobs use.
// Only pkg/ghclient (the GitHub package) and the wiring hold the client.
var clientFree = []string{"job", "tracking", "turn", "markers", "onboarding", "commands"}

// wiring are the packages that hand jobs their job.Env or
// job.Installation without being jobs.
var wiring = []string{"app", "handlers"}

// TestEveryJobIsListed keeps jobPackages whole: a package that takes a
// job.Env or job.Installation is a job or the wiring, so a new job cannot
// escape the rules below by not being listed.
func TestEveryJobIsListed(t *testing.T) {
	const jobPkg = "github.com/thanos-community/mentorbot/pkg/job"
	dirs, err := filepath.Glob(filepath.Join("..", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			continue // not a Go package
		}
		name := filepath.Base(dir)
		if slices.Contains(pkg.Imports, jobPkg) && !slices.Contains(jobPackages, name) && !slices.Contains(wiring, name) {
			t.Errorf("pkg/%s takes what jobs get (pkg/job) but is neither in jobPackages nor in wiring", name)
		}
	}
}

func TestNoJobImportsAnotherJob(t *testing.T) {
	const module = "github.com/thanos-community/mentorbot/pkg/"
	for _, p := range jobPackages {
		pkg, err := build.ImportDir(filepath.Join("..", p), 0)
		if err != nil {
			t.Fatalf("read package %s: %v", p, err)
		}
		for _, imp := range pkg.Imports {
			other, ok := strings.CutPrefix(imp, module)
			if ok && slices.Contains(jobPackages, other) {
				t.Errorf("job %s imports job %s: move the shared idea into a package of its own", p, other)
			}
		}
	}
}

// TestNoJobHoldsTheClient checks that jobs reach GitHub only through the
// narrow interfaces they declare (ghclient.API implements them all): no
// job, and nothing jobs receive, names go-github's *github.Client.
func TestNoJobHoldsTheClient(t *testing.T) {
	for _, p := range slices.Concat(jobPackages, clientFree) {
		dir := filepath.Join("..", p)
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("read package %s: %v", p, err)
		}
		fset := token.NewFileSet()
		for _, name := range pkg.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			local := ""
			for _, imp := range f.Imports {
				if strings.Trim(imp.Path.Value, `"`) == "github.com/google/go-github/v60/github" {
					local = "github"
					if imp.Name != nil {
						local = imp.Name.Name
					}
				}
			}
			if local == "" {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == local && sel.Sel.Name == "Client" {
					t.Errorf("%s: %s names *github.Client: declare the GitHub calls the job needs as an interface (ghclient.API implements it)", fset.Position(sel.Pos()), p)
				}
				return true
			})
		}
	}
}
