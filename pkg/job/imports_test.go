package job

import (
	"go/build"
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

// knownEdges are job-to-job imports not yet removed, each with why: a new
// one fails the test, and removing one must remove it here too.
var knownEdges = map[string]string{
	// The digest measures a PR's wait with reviews.ReadWait, which reads the
	// timeline; the clock itself is pkg/turn. Moving the timeline read there
	// too removes this edge.
	"digest -> reviews": "reviews.ReadWait",
}

func TestNoJobImportsAnotherJob(t *testing.T) {
	const module = "github.com/thanos-community/mentorbot/pkg/"
	found := map[string]bool{}
	for _, p := range jobPackages {
		pkg, err := build.ImportDir(filepath.Join("..", p), 0)
		if err != nil {
			t.Fatalf("read package %s: %v", p, err)
		}
		for _, imp := range pkg.Imports {
			other, ok := strings.CutPrefix(imp, module)
			if !ok || !slices.Contains(jobPackages, other) {
				continue
			}
			edge := p + " -> " + other
			found[edge] = true
			if _, known := knownEdges[edge]; !known {
				t.Errorf("job %s imports job %s: move the shared idea into a package of its own", p, other)
			}
		}
	}
	for edge := range knownEdges {
		if !found[edge] {
			t.Errorf("%s is gone: remove it from knownEdges", edge)
		}
	}
}
