package main

import (
	"io"
	"testing"
)

// The targets of issue #20 on the committed data: the merger among the
// suggestions in at least 60% of PRs, above both baselines, and nobody
// inactive for six months suggested. A change to the choice that breaks
// them fails here, not only in the README's table.
func TestEvaluationTargets(t *testing.T) {
	t.Chdir("../..")
	s, err := run(io.Discard, "scripts/evalreviewers/testdata", false)
	if err != nil {
		t.Fatal(err)
	}
	if s.n < 60 {
		t.Fatalf("only %d PRs evaluated, want at least 60", s.n)
	}
	rate := float64(s.hits) / float64(s.n)
	if rate < 0.6 {
		t.Errorf("hit rate %.3f, want at least 0.6", rate)
	}
	if sweep := float64(s.sweepHits) / float64(s.n); sweep < 0.6 {
		t.Errorf("hit rate fed only what the sweep reads %.3f, want at least 0.6", sweep)
	}
	if s.hits <= s.naiveHits || float64(s.hits) <= s.ownersHits {
		t.Errorf("hits %d not above the baselines (top-2 committers %d, owners %.1f)", s.hits, s.naiveHits, s.ownersHits)
	}
	if s.inactive != 0 || s.sweepInactive != 0 {
		t.Errorf("%d and %d suggestions of people inactive for 6 months", s.inactive, s.sweepInactive)
	}
}

func TestCompact(t *testing.T) {
	got := compact([]string{"pkg/store/bucket.go", "pkg/store/proxy.go", "CHANGELOG.md", "pkg/store/storepb/types.pb.go", "go.sum"})
	if want := "CHANGELOG.md;go.sum;pkg/store/;pkg/store/storepb/types.pb.go"; got != want {
		t.Errorf("compact = %q, want %q", got, want)
	}
}

func TestIdentities(t *testing.T) {
	ids := newIdentities()
	ids.byName["giedrius statkevičius"] = "GiedriusS"
	ids.noreply("Jane Doe", "123+janed@users.noreply.github.com")
	ids.noreply("beorn7", "beorn@example.com")
	ids.noreply("Björn Rabenstein", "beorn@example.com")
	ids.noreply("Björn Rabenstein", "beorn@example.com")
	ids.learn("Alex Person", "alex@example.com", "alexp")
	ids.learn("Alex Person", "alex@example.com", "alexp")
	ids.learn("Alex Person", "alex@example.com", "someone-else") // a branch carrying Alex's commit
	for _, tc := range []struct{ name, email, want string }{
		{"Giedrius  Statkevičius", "any@example.com", "GiedriusS"},
		{"Jane Doe", "123+janed@users.noreply.github.com", "janed"},
		{"Björn Rabenstein", "beorn@example.com", "beorn7"},
		{"Alex Person", "alex@example.com", "alexp"},
		{"Julien", "julien@example.com", "~Julien"},
	} {
		if got := ids.id(tc.name, tc.email); got != tc.want {
			t.Errorf("id(%q, %q) = %q, want %q", tc.name, tc.email, got, tc.want)
		}
	}
}
