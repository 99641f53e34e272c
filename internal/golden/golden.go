// Package golden compares texts the bot writes with reviewed files under
// testdata, so a wording change is a diff in review. `go test -update`
// (or MENTORBOT_UPDATE_GOLDEN=1) rewrites the files instead of comparing.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update is the test binary's -update flag; a test flag is the one piece of
// package state this helper needs.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Updating reports whether -update was given, or MENTORBOT_UPDATE_GOLDEN is
// set (for `make docs`, which rewrites goldens across packages).
func Updating() bool { return *update || os.Getenv("MENTORBOT_UPDATE_GOLDEN") != "" }

// Check compares got with the file at path, or rewrites it with -update.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("create golden directory: %v", err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (go test -update creates it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it; review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
