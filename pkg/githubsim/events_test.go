package githubsim

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// TestIssueEvents checks that the simulator's own state changes produce the
// events GitHub records, with the actor GitHub names.
func TestIssueEvents(t *testing.T) {
	c := &clock{now: t0}
	s := fixture(t, Options{Now: c.Now})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddPull(thanos, Pull{
		Issue:              Issue{Title: "x", User: "alice", CreatedAt: t0.Add(-time.Hour), Labels: []string{"bug"}},
		Draft:              true,
		RequestedReviewers: []string{"maintainer1"},
	})
	c.now = t0.Add(time.Hour)
	s.UpdatePull(thanos, n, func(p *Pull) { p.Draft = false })
	c.now = t0.Add(2 * time.Hour)
	s.LabelIssue(thanos, n, "maintainer2", "needs-review")
	c.now = t0.Add(3 * time.Hour)
	s.UpdatePull(thanos, n, func(p *Pull) { p.Draft = true })
	s.ForcePushPull(thanos, n, "alice", Commit{Message: "rebased", Date: c.now})

	evs, _, err := gh.Issues.ListIssueEvents(ctx, "thanos-io", "thanos", n, nil)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ event, actor, extra string }
	var got []row
	for _, e := range evs {
		extra := e.GetLabel().GetName() + e.GetRequestedReviewer().GetLogin()
		got = append(got, row{e.GetEvent(), e.GetActor().GetLogin(), extra})
	}
	want := []row{
		{"labeled", "alice", "bug"},
		{"review_requested", "alice", "maintainer1"},
		{"ready_for_review", "alice", ""},
		{"labeled", "maintainer2", "needs-review"},
		{"convert_to_draft", "alice", ""},
		{"head_ref_force_pushed", "alice", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("events = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if at := evs[2].GetCreatedAt().Time; !at.Equal(t0.Add(time.Hour)) {
		t.Errorf("ready_for_review at %s, want the clock's time", at)
	}
}

// TestIssueEventsFromAPIWrites checks that writes through the API are
// recorded with the bot as the actor.
func TestIssueEventsFromAPIWrites(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	s.AddCollaborator(thanos, "writer2", PermWrite)
	n := s.AddPull(thanos, Pull{Issue: Issue{Title: "x", User: "alice"}})
	req, err := gh.NewRequest("POST", "repos/thanos-io/thanos/issues/1/labels", map[string][]string{"labels": {"keepalive"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gh.Do(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.PullRequests.RequestReviewers(ctx, "thanos-io", "thanos", n, github.ReviewersRequest{Reviewers: []string{"writer2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := gh.Issues.RemoveLabelForIssue(ctx, "thanos-io", "thanos", n, "keepalive"); err != nil {
		t.Fatal(err)
	}
	evs, _, err := gh.Issues.ListIssueEvents(ctx, "thanos-io", "thanos", n, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range evs {
		if e.GetActor().GetLogin() != s.BotLogin() {
			t.Errorf("%s by %s, want the bot", e.GetEvent(), e.GetActor().GetLogin())
		}
		if e.PerformedViaGithubApp == nil {
			t.Errorf("%s lacks performed_via_github_app", e.GetEvent())
		}
		names = append(names, e.GetEvent())
	}
	if len(names) != 3 || names[0] != "labeled" || names[1] != "review_requested" || names[2] != "unlabeled" {
		t.Errorf("events = %v", names)
	}
}

// TestTimeline checks the timeline interleaves events, comments, submitted
// reviews and commits in time order, as GitHub returns them.
func TestTimeline(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddPull(thanos, Pull{
		Issue:   Issue{Title: "x", User: "alice", CreatedAt: t0, Events: []IssueEvent{{Event: "ready_for_review", CreatedAt: t0.Add(4 * time.Hour)}}},
		Commits: []Commit{{Message: "one", Date: t0.Add(time.Hour)}},
	})
	s.AddComment(thanos, n, "maintainer1", "hi", t0.Add(2*time.Hour))
	s.AddReview(thanos, n, Review{User: "maintainer2", State: "APPROVED", SubmittedAt: t0.Add(3 * time.Hour)})
	s.AddReview(thanos, n, Review{User: "maintainer1", State: "PENDING", SubmittedAt: t0.Add(5 * time.Hour)})

	tl, _, err := gh.Issues.ListIssueTimeline(ctx, "thanos-io", "thanos", n, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tl {
		got = append(got, e.GetEvent())
	}
	want := []string{"committed", "commented", "reviewed", "ready_for_review"}
	if len(got) != len(want) {
		t.Fatalf("timeline = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline = %v, want %v", got, want)
		}
	}
	if tl[0].GetCommitter().GetDate().Time != t0.Add(time.Hour) || tl[0].Actor != nil {
		t.Errorf("committed = %+v", tl[0])
	}
	if tl[1].GetUser().GetLogin() != "maintainer1" || tl[1].GetBody() != "hi" || tl[1].GetID() == 0 {
		t.Errorf("commented = %+v", tl[1])
	}
	if tl[2].GetState() != "approved" || !tl[2].GetSubmittedAt().Time.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("reviewed = %+v", tl[2])
	}
}
