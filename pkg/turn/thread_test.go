package turn

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

var tl0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday

// entries wraps timeline entries as ghclient reads them (no
// author_association).
func entries(tl ...*github.Timeline) []ghclient.TimelineEntry {
	out := make([]ghclient.TimelineEntry, len(tl))
	for i, e := range tl {
		out[i].Timeline = *e
	}
	return out
}

func user(login string) *github.User {
	typ := "User"
	if IsBot(login) {
		typ = "Bot"
	}
	return &github.User{Login: &login, Type: &typ}
}

func tev(event string, at time.Time, f func(*github.Timeline)) *github.Timeline {
	e := &github.Timeline{Event: &event, CreatedAt: &github.Timestamp{Time: at}}
	if f != nil {
		f(e)
	}
	return e
}

func commented(login, body string, id int64, at time.Time) *github.Timeline {
	return tev("commented", at, func(e *github.Timeline) { e.User, e.Body, e.ID = user(login), &body, &id })
}

func reviewed(login, state string, at time.Time) *github.Timeline {
	return &github.Timeline{Event: github.String("reviewed"), User: user(login), State: &state, SubmittedAt: &github.Timestamp{Time: at}}
}

func committed(at time.Time) *github.Timeline {
	return &github.Timeline{Event: github.String("committed"), Committer: &github.CommitAuthor{Date: &github.Timestamp{Time: at}}}
}

func labeled(event, actor, label string, at time.Time) *github.Timeline {
	return tev(event, at, func(e *github.Timeline) { e.Actor, e.Label = user(actor), &github.Label{Name: &label} })
}

func TestReadThread(t *testing.T) {
	tl := []*github.Timeline{
		tev("convert_to_draft", tl0.Add(time.Hour), nil),
		tev("ready_for_review", tl0.Add(2*time.Hour), nil),
		commented("bob", "hi", 7, tl0.Add(3*time.Hour)),
		reviewed("carol", "changes_requested", tl0.Add(4*time.Hour)),
		committed(tl0.Add(5 * time.Hour)),
		tev("head_ref_force_pushed", tl0.Add(6*time.Hour), func(e *github.Timeline) { e.Actor = user("alice") }),
		tev("ready_for_review", tl0.Add(7*time.Hour), nil),
		labeled("labeled", "mentorbot[bot]", "keepalive", tl0.Add(8*time.Hour)),
		labeled("labeled", "dave", "other", tl0.Add(8*time.Hour)),
		labeled("unlabeled", "dave", "other", tl0.Add(9*time.Hour)),
	}
	th := ReadThread(entries(tl...))
	if !th.ReadyAt.Equal(tl0.Add(7 * time.Hour)) {
		t.Errorf("ReadyAt = %s, want the latest ready_for_review", th.ReadyAt)
	}
	if len(th.Comments) != 1 || th.Comments[0].GetID() != 7 || th.Comments[0].GetBody() != "hi" {
		t.Errorf("Comments = %+v", th.Comments)
	}
	if len(th.Reviews) != 1 || th.Reviews[0].GetState() != "CHANGES_REQUESTED" {
		t.Errorf("Reviews = %+v", th.Reviews)
	}
	wantResp := []Event{
		{Kind: Comment, Actor: "bob", At: tl0.Add(3 * time.Hour)},
		{Kind: Review, Actor: "carol", At: tl0.Add(4 * time.Hour), ReviewState: "CHANGES_REQUESTED"},
	}
	if !reflect.DeepEqual(th.Responses, wantResp) {
		t.Errorf("Responses = %+v, want %+v", th.Responses, wantResp)
	}
	if len(th.Commits) != 1 || th.Commits[0].Actor != "" || len(th.ForcePushes) != 1 || th.ForcePushes[0].Actor != "alice" {
		t.Errorf("Commits = %+v, ForcePushes = %+v", th.Commits, th.ForcePushes)
	}
	for label, want := range map[string]string{"keepalive": "mentorbot[bot]", "KEEPALIVE": "mentorbot[bot]", "other": "", "none": ""} {
		if got := th.LabelAddedBy(label); got != want {
			t.Errorf("LabelAddedBy(%q) = %q, want %q", label, got, want)
		}
	}
}

func TestLabelAddedByLastLabeledWins(t *testing.T) {
	th := ReadThread(entries(
		labeled("labeled", "mentorbot[bot]", "keepalive", tl0),
		labeled("unlabeled", "maintainer", "keepalive", tl0.Add(time.Hour)),
		labeled("labeled", "maintainer", "keepalive", tl0.Add(2*time.Hour)),
	))
	if got := th.LabelAddedBy("keepalive"); got != "maintainer" {
		t.Errorf("LabelAddedBy = %q, want the human who put it back", got)
	}
}

func TestThreadHistory(t *testing.T) {
	th := ReadThread(entries(
		tev("ready_for_review", tl0.Add(48*time.Hour), nil),
		commented("bob", "x", 1, tl0.Add(time.Hour)),
		committed(tl0.Add(2*time.Hour)),
	))
	h := th.History("alice", tl0, false, false, People{})
	if h.Author != "alice" || !h.CreatedAt.Equal(tl0) || !h.ReadyForReviewAt.Equal(tl0.Add(48*time.Hour)) || h.State != "open" || len(h.Events) != 1 {
		t.Errorf("History without commits = %+v", h)
	}
	if h := th.History("alice", tl0, false, true, People{}); len(h.Events) != 2 {
		t.Errorf("History with commits has %d events, want 2", len(h.Events))
	}
}

func TestTimelineWait(t *testing.T) {
	clk := Clock{Wait: 72 * time.Hour}
	now := tl0.Add(10 * 24 * time.Hour)
	tests := []struct {
		name        string
		tl          []*github.Timeline
		wantWaiting bool
		wantOver    bool
		wantSince   time.Time
		wantConfirm bool
	}{
		{
			name:        "opened long ago, nothing since",
			wantWaiting: true, wantOver: true, wantSince: tl0,
		},
		{
			name:        "draft time does not count: waits from the latest ready_for_review",
			tl:          []*github.Timeline{tev("ready_for_review", now.Add(-24*time.Hour), nil)},
			wantWaiting: true, wantOver: false, wantSince: now.Add(-24 * time.Hour),
		},
		{
			name:        "a commit in the reviewers' turn changes nothing and needs no confirmation",
			tl:          []*github.Timeline{committed(now.Add(-96 * time.Hour))},
			wantWaiting: true, wantOver: true, wantSince: tl0,
		},
		{
			name:        "reopened: waits from the reopen",
			tl:          []*github.Timeline{tev("reopened", now.Add(-24*time.Hour), nil)},
			wantWaiting: true, wantOver: false, wantSince: now.Add(-24 * time.Hour),
		},
		{
			name:        "a commit before the start does not matter",
			tl:          []*github.Timeline{tev("ready_for_review", now.Add(-96*time.Hour), nil), committed(tl0)},
			wantWaiting: true, wantOver: true, wantSince: now.Add(-96 * time.Hour),
		},
		{
			name:        "waiting for the author after a review, commit after it",
			tl:          []*github.Timeline{reviewed("bob", "commented", now.Add(-8*24*time.Hour)), committed(now.Add(-5 * 24 * time.Hour))},
			wantWaiting: true, wantOver: true, wantSince: now.Add(-5 * 24 * time.Hour), wantConfirm: true,
		},
		{
			name: "commit before the review: waiting for the author, no confirmation",
			tl:   []*github.Timeline{committed(now.Add(-8 * 24 * time.Hour)), reviewed("bob", "commented", now.Add(-5*24*time.Hour))},
		},
		{
			name:        "a named force push needs no confirmation",
			tl:          []*github.Timeline{reviewed("bob", "commented", now.Add(-8*24*time.Hour)), tev("head_ref_force_pushed", now.Add(-5*24*time.Hour), func(e *github.Timeline) { e.Actor = user("alice") })},
			wantWaiting: true, wantOver: true, wantSince: now.Add(-5 * 24 * time.Hour),
		},
		{
			name:        "bot comments are not responses",
			tl:          []*github.Timeline{commented("dependabot[bot]", "x", 1, now.Add(-time.Hour))},
			wantWaiting: true, wantOver: true, wantSince: tl0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, confirm := TimelineWait(ReadThread(entries(tt.tl...)), "alice", tl0, false, now, clk, People{})
			if st.Waiting != tt.wantWaiting || st.Over != tt.wantOver || confirm != tt.wantConfirm {
				t.Fatalf("waiting %v over %v confirm %v (%s), want %v %v %v", st.Waiting, st.Over, confirm, st.Why, tt.wantWaiting, tt.wantOver, tt.wantConfirm)
			}
			if tt.wantWaiting && !st.Since.Equal(tt.wantSince) {
				t.Errorf("since %s, want %s", st.Since, tt.wantSince)
			}
		})
	}
}

func TestIsBotUser(t *testing.T) {
	for _, tc := range []struct {
		u    *github.User
		want bool
	}{
		{nil, false},
		{&github.User{Login: github.String("alice"), Type: github.String("User")}, false},
		{&github.User{Login: github.String("dependabot[bot]"), Type: github.String("Bot")}, true},
		{&github.User{Login: github.String("renovate[bot]")}, true},
		{&github.User{Login: github.String("ci-runner"), Type: github.String("Bot")}, true},
	} {
		if got := IsBotUser(tc.u); got != tc.want {
			t.Errorf("IsBotUser(%v) = %v, want %v", tc.u.GetLogin(), got, tc.want)
		}
	}

}
