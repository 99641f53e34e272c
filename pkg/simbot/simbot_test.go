package simbot

import (
	"go/build"
	"testing"
)

// The binary links this package (`mentorbot demo`), so it must not import
// the testing package: tests pass their *testing.T as a TB.
func TestDoesNotImportTesting(t *testing.T) {
	p, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range p.Imports {
		if imp == "testing" {
			t.Fatalf("pkg/simbot imports %q in %v; take a TB instead", imp, p.GoFiles)
		}
	}
}
