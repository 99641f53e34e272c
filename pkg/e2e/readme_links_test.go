package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// README.md's first screen says what mentorbot is and holds the two
// commands, and every link in README.md and docs/ points into the
// repository (or to the web), never to a file beside it.
func TestReadmeFirstScreenAndLinks(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	first := strings.Join(lines[:min(50, len(lines))], "\n")
	for _, want := range []string{"GitHub App", "<!-- demo-excerpt:start -->", "make demo", "make test"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first 50 lines of README.md lack %q", want)
		}
	}

	docs, _ := filepath.Glob("../../docs/*.md")
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, f := range append([]string{"../../README.md"}, docs...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, outside := range []string{"PRODUCT.md", "../shared", "/work/"} {
			if strings.Contains(text, outside) {
				t.Errorf("%s refers to %s, which is not in the repository", filepath.Base(f), outside)
			}
		}
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "#") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			path := filepath.Join(filepath.Dir(f), target)
			rel, err := filepath.Rel("../..", path)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links %s, outside the repository", filepath.Base(f), m[1])
				continue
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links %s, which does not exist", filepath.Base(f), m[1])
			}
		}
	}
}
