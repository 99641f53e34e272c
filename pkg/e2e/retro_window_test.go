package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/clock"
	"github.com/thanos-community/mentorbot/pkg/digest"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/learnings"
)

// Retrospectives however and whenever people write them, through the real
// binary (`mentorbot digest`, which runs the programme-end sweep too): the
// term of learnPolicy ends on Monday 30 November 2026.
//   - alice holds her last 1:1 on Sunday and posts the retrospective that
//     evening, before the bot's template;
//   - bob posts his after the template;
//   - carol's mentor posts the team's retrospective a week after the roll-up
//     started: the learnings issue is updated in place;
//   - after retrospective.collect_until (4 weeks from the roll-up's start on
//     8 December), a sweep reads nothing of the programme.
func TestRetrospectivesWhenever(t *testing.T) {
	now := learnAt(time.November, 29, 20)
	clk := clock.NewManual(now)
	sim := githubsim.NewTest(t, githubsim.Options{Now: clk.Now})
	seedLearnOrg(t, sim)
	cfg, _ := writeConfig(t, sim, "")
	digestAt := func(at time.Time) {
		t.Helper()
		clk.Set(at)
		if out, err := runCLI(t, "digest", "--config", cfg, "--now="+at.Format(time.RFC3339)); err != nil {
			t.Fatalf("digest at %s: %v\n%s", at, err, out)
		}
	}

	sim.AddComment("org/mentorship", 1, "alice", "## What we did well\n- Shipped the compactor fix\n\n## Learnings\n- Ask early, ask in public\n", learnAt(time.November, 29, 19))
	digestAt(learnAt(time.November, 30, 10))
	if n := markedComments(sim, 1, digest.KindRetro, digest.LoginKey("alice")); n != 1 {
		t.Fatalf("want the retrospective template on alice's issue once, got %d", n)
	}
	sim.AddComment("org/mentorship", 2, "bob", "**What we could do better**\n- Smaller pull requests\n", learnAt(time.November, 30, 16))

	digestAt(learnAt(time.December, 8, 10))
	got := markedIssues(sim, learnings.IssueMarkerKind)
	if len(got) != 1 {
		t.Fatalf("want one learnings issue, got %v", got)
	}
	number := got[0]
	is, _ := sim.Issue("org/mentorship", number)
	for _, want := range []string{"Shipped the compactor fix", "Ask early, ask in public", "Smaller pull requests"} {
		if !strings.Contains(is.Body, want) {
			t.Errorf("learnings issue lacks %q:\n%s", want, is.Body)
		}
	}
	if !strings.Contains(is.Body, "carol") {
		t.Errorf("learnings issue does not say carol has no retrospective yet:\n%s", is.Body)
	}

	writesBefore := issueWrites(sim, number)
	sim.AddComment("org/mentorship", 3, "mentor-two", "### Learnings\n- Pairing on reviews halves the wait\n", learnAt(time.December, 15, 9))
	digestAt(learnAt(time.December, 15, 10))
	if got := markedIssues(sim, learnings.IssueMarkerKind); len(got) != 1 || got[0] != number {
		t.Fatalf("after a late retrospective: learnings issues %v, want [%d]", got, number)
	}
	is, _ = sim.Issue("org/mentorship", number)
	if !strings.Contains(is.Body, "Pairing on reviews halves the wait") {
		t.Errorf("the late retrospective is not in the issue:\n%s", is.Body)
	}
	if n := issueWrites(sim, number); n != writesBefore+1 {
		t.Errorf("want one update in place, got %d", n-writesBefore)
	}

	// collect_until (672h) has passed on 5 January 2027: a late comment is
	// not read, and no issue of the programme's repository is (the policy
	// resolver still lists the repository's root, as for every repository).
	sim.AddComment("org/mentorship", 1, "alice", "## Learnings\n- Too late\n", learnAt(time.December, 20, 9))
	sim.ResetRequests()
	digestAt(time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC))
	for _, r := range sim.Requests() {
		if strings.Contains(r.Path, "/repos/org/mentorship/issues") {
			t.Errorf("after collect_until the sweep read %s %s", r.Method, r.Path)
		}
	}
	is, _ = sim.Issue("org/mentorship", number)
	if strings.Contains(is.Body, "Too late") {
		t.Errorf("a comment after collect_until reached the learnings issue")
	}
}
