// Command gendocs rewrites the policy reference in README.md from the policy
// struct's documentation (policy.Reference), between the markers
// <!-- policy-reference:start --> and <!-- policy-reference:end -->.
// A test fails when README.md and the struct disagree; run `make docs`.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

const (
	startMarker = "<!-- policy-reference:start -->"
	endMarker   = "<!-- policy-reference:end -->"
)

func main() {
	path := "README.md"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if err := run(path); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	s := string(data)
	i, j := strings.Index(s, startMarker), strings.Index(s, endMarker)
	if i < 0 || j < i {
		return fmt.Errorf("%s lacks the policy reference markers", path)
	}
	out := s[:i+len(startMarker)] + "\n" + policy.Reference() + "\n" + s[j:]
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
