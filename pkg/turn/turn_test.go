package turn

import (
	"strings"
	"testing"
	"time"
)

// TestWhose is the wait clock's rule, case by case. Cases (a) to (g) are the
// situations of issue #20 where the old clock disagreed with maintainers;
// the others are the cases the old clock already got right, kept.
func TestWhose(t *testing.T) {
	t0 := time.Date(2026, 9, 7, 9, 0, 0, 0, time.UTC) // a Monday
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	ev := func(k Kind, actor string, at time.Time) Event { return Event{Kind: k, Actor: actor, At: at} }
	review := func(actor, state string, at time.Time) Event {
		return Event{Kind: Review, Actor: actor, At: at, ReviewState: state, Association: "MEMBER"}
	}
	comment := func(actor, assoc string, at time.Time) Event {
		return Event{Kind: Comment, Actor: actor, At: at, Association: assoc}
	}
	pr := func(events ...Event) PR { return PR{Author: "alice", OpenedAt: t0, Events: events} }
	for _, tc := range []struct {
		name  string
		pr    PR
		who   People
		state State
		since time.Time
		why   string
	}{
		// Opening starts the reviewers' turn; nothing has happened since.
		{name: "opened, nothing since", pr: pr(), state: Reviewers, since: t0, why: "opened"},
		// Drafts, closed and merged PRs are nobody's turn.
		{name: "draft", pr: PR{Author: "alice", OpenedAt: t0, Draft: true}, state: Draft, why: "draft"},
		{name: "closed", pr: PR{Author: "alice", OpenedAt: t0, Closed: true}, state: Closed, why: "closed"},
		{name: "merged", pr: PR{Author: "alice", OpenedAt: t0, Closed: true, Merged: true}, state: Merged, why: "merged"},
		// Time in draft does not count: leaving draft starts the turn.
		{name: "marked ready later", pr: pr(ev(Ready, "alice", h(200))), state: Reviewers, since: h(200), why: "marked ready for review"},
		// A maintainer's request for changes hands the turn to the author.
		{name: "changes requested", pr: pr(review("bob", "CHANGES_REQUESTED", h(24))), state: Author, since: h(24), why: "changes requested by @bob"},
		// Any other response from a reviewer (a question on the diff) also
		// waits for the author: the ball is in their court.
		{name: "a review comment answers", pr: pr(Event{Kind: ReviewComment, Actor: "bob", At: h(24), Association: "COLLABORATOR"}), state: Author, since: h(24), why: "@bob responded"},
		// The author's push after a response gives the turn back and starts
		// a new waiting period.
		{name: "a push after the review re-arms", pr: pr(review("bob", "COMMENTED", h(24)), ev(Push, "alice", h(48))), state: Reviewers, since: h(48), why: "author pushed after changes were requested"},
		// A commit GitHub does not attribute counts as the author's (the
		// sweep confirms it against the PR's commits when it matters).
		{name: "an unattributed commit after the review re-arms", pr: pr(review("bob", "CHANGES_REQUESTED", h(24)), ev(Push, "", h(30))), state: Reviewers, since: h(30), why: "author pushed after changes were requested"},
		// A maintainer fixing up the branch is not the author answering.
		{name: "a push by someone else does not re-arm", pr: pr(review("bob", "CHANGES_REQUESTED", h(24)), ev(Push, "bob", h(25))), state: Author, since: h(24), why: "changes requested by @bob"},
		// Neither is a maintainer requesting someone else's review.
		{name: "a review request by someone else does not re-arm", pr: pr(review("bob", "CHANGES_REQUESTED", h(24)), ev(ReviewRequest, "bob", h(25))), state: Author, since: h(24), why: "changes requested by @bob"},
		// Bots are never a response, whether GitHub says so or the name does.
		{name: "bot comments are not responses", pr: pr(
			comment("codecov[bot]", "NONE", h(1)),
			Event{Kind: Comment, Actor: "netlify", Bot: true, At: h(2)},
			Event{Kind: Review, Actor: "copilot-pull-request-reviewer[bot]", At: h(3), ReviewState: "COMMENTED"}),
			state: Reviewers, since: t0, why: "opened"},
		// A pending review is invisible to the author.
		{name: "a pending review is invisible", pr: pr(review("bob", "PENDING", h(24))), state: Reviewers, since: t0, why: "opened"},
		// The author reviewing their own diff is not a response.
		{name: "the author's own review comment is not a response", pr: pr(Event{Kind: ReviewComment, Actor: "Alice", At: h(1), Association: "CONTRIBUTOR"}), state: Reviewers, since: t0, why: "opened"},

		// (a) A CI-fix push while nobody has responded leaves the clock
		// running since the PR was opened: the reviewers still owe a look.
		{name: "(a) author push before any response does not restart", pr: pr(ev(Push, "alice", h(60))), state: Reviewers, since: t0, why: "opened"},
		// (b) Pinging "any feedback?" does not restart it either: the mentee
		// gets the reminder the welcome promised at the original time.
		{name: "(b) author ping does not restart", pr: pr(comment("alice", "CONTRIBUTOR", h(60))), state: Reviewers, since: t0, why: "opened"},
		// (c) After changes were requested, the author saying "will fix"
		// without pushing leaves the turn with the author.
		{name: "(c) author reply after changes requested stays with the author", pr: pr(review("bob", "CHANGES_REQUESTED", h(24)), comment("alice", "CONTRIBUTOR", h(25))), state: Author, since: h(24), why: "changes requested by @bob"},
		// (c) ...until they re-request a review, which asks again.
		{name: "(c) re-requested review gives the turn back", pr: pr(review("bob", "CHANGES_REQUESTED", h(24)), ev(ReviewRequest, "alice", h(30))), state: Reviewers, since: h(30), why: "author re-requested review after changes were requested"},
		// (d) A machine user without [bot] in its name, listed in
		// reviews.bots, is not a human response.
		{name: "(d) machine user from reviews.bots is not a response", pr: pr(comment("prombench", "MEMBER", h(2))), who: People{Bots: []string{"prombench"}}, state: Reviewers, since: t0, why: "opened"},
		// (e) A drive-by "+1" from someone who cannot review does not
		// silence the PR.
		{name: "(e) +1 from a non-reviewer is not a response", pr: pr(comment("passer-by", "CONTRIBUTOR", h(2)), comment("other", "NONE", h(3))), state: Reviewers, since: t0, why: "opened"},
		// (e) ...but the same association in the reviewer pool (or a
		// CODEOWNER, MAINTAINERS.md entry, mentor) is a reviewer.
		{name: "(e) a pool reviewer without write access does respond", pr: pr(comment("helper", "CONTRIBUTOR", h(2))), who: People{Reviewers: []string{"@Helper"}}, state: Author, since: h(2), why: "@helper responded"},
		// (f) Reopening after five weeks starts a new reviewers' turn: the
		// five weeks closed do not count.
		{name: "(f) reopened after five weeks waits from the reopen", pr: pr(review("bob", "COMMENTED", h(2)), ev(Reopened, "alice", h(5*7*24))), state: Reviewers, since: h(5 * 7 * 24), why: "reopened"},
		// (g) An approved PR waits for a merge or a second approval.
		{name: "(g) approved waits for a merge", pr: pr(review("bob", "APPROVED", h(24))), state: Approved, since: h(24), why: "approved by @bob"},
		// (g) A push after the approval (a rebase) leaves it approved.
		{name: "(g) author push after approval stays approved", pr: pr(review("bob", "APPROVED", h(24)), ev(Push, "alice", h(30))), state: Approved, since: h(24), why: "approved by @bob"},
		// (g) A later request for changes takes precedence over the approval.
		{name: "(g) changes requested after an approval", pr: pr(review("bob", "APPROVED", h(24)), review("carol", "CHANGES_REQUESTED", h(26))), state: Author, since: h(26), why: "changes requested by @carol"},
		// (g) A comment after the approval does not undo it.
		{name: "(g) comment after approval stays approved", pr: pr(review("bob", "APPROVED", h(24)), comment("carol", "MEMBER", h(26))), state: Approved, since: h(24), why: "approved by @bob"},
		// Events are taken in time order whatever order they come in.
		{name: "events out of order", pr: pr(ev(Push, "alice", h(48)), review("bob", "CHANGES_REQUESTED", h(24))), state: Reviewers, since: h(48), why: "author pushed after changes were requested"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Whose(tc.pr, tc.who)
			if got.State != tc.state || !got.Since.Equal(tc.since) || got.Why != tc.why || (got.By != "") != strings.Contains(got.Why, "@") {
				t.Fatalf("Whose = {%s since %v %q}, want {%s since %v %q}", got.State, got.Since, got.Why, tc.state, tc.since, tc.why)
			}
		})
	}
}
