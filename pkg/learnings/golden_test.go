package learnings

import (
	"path/filepath"
	"testing"

	goldenfile "github.com/thanos-community/mentorbot/internal/golden"
)

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", "golden", name), got)
}
