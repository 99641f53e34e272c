package turn

import (
	"context"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

// Thread is what one read of a pull request's timeline
// (GET /repos/{owner}/{repo}/issues/{number}/timeline) tells the sweep. One
// paginated call replaces reading the comments, the reviews, the commits and
// the issue events separately.
type Thread struct {
	// Comments are the conversation comments, oldest first (ID, author,
	// body, creation time): the bot finds its markers among them.
	Comments []*github.IssueComment
	// Reviews are the submitted reviews (GitHub leaves pending ones out),
	// with the state in upper case as the reviews API spells it.
	Reviews []*github.PullRequestReview
	// Responses are comments and reviews as wait-clock events.
	Responses []Event
	// ForcePushes are head_ref_force_pushed events: pushes whose pusher
	// GitHub names.
	ForcePushes []Event
	// Commits are the committed events. The timeline gives a commit only git
	// names and e-mails, never a GitHub login, so their Actor is empty
	// (which the wait clock counts as the author) until confirmed.
	Commits []Event
	// Turns are reopenings and review requests.
	Turns []Event
	// ReadyAt is the latest ready_for_review; zero if the PR never left
	// draft after being opened.
	ReadyAt time.Time
	// labelAdders maps a label (lower case) still on the PR to whoever added
	// it last (the labeled event's actor).
	labelAdders map[string]string
}

// ReadThread sorts a timeline into what the wait clock, the markers and the
// keepalive label need. Entries are taken in the order GitHub returns them
// (oldest first), so the last labeled event of a label wins. Each entry's
// author_association tells whether a commenter or reviewer can review.
func ReadThread(tl []ghclient.TimelineEntry) Thread {
	th := Thread{labelAdders: map[string]string{}}
	for i := range tl {
		e, as := &tl[i].Timeline, tl[i].AuthorAssociation
		switch e.GetEvent() {
		case "commented":
			u := e.User
			if u == nil {
				u = e.Actor
			}
			th.Comments = append(th.Comments, &github.IssueComment{ID: e.ID, User: u, Body: e.Body, CreatedAt: e.CreatedAt})
			th.Responses = append(th.Responses, Event{Kind: Comment, Actor: u.GetLogin(), Bot: IsBotUser(u), Association: as, At: e.GetCreatedAt().Time})
		case "reviewed":
			state := strings.ToUpper(e.GetState())
			th.Reviews = append(th.Reviews, &github.PullRequestReview{ID: e.ID, User: e.User, State: &state, SubmittedAt: e.SubmittedAt})
			th.Responses = append(th.Responses, Event{Kind: Review, Actor: e.GetUser().GetLogin(), Bot: IsBotUser(e.GetUser()), Association: as, At: e.GetSubmittedAt().Time, ReviewState: state})
		case "committed":
			// The committer date is the closest the API gets to when the
			// commit was pushed (a rebase or amend updates it).
			at := e.GetCommitter().GetDate().Time
			if at.IsZero() {
				at = e.GetAuthor().GetDate().Time
			}
			th.Commits = append(th.Commits, Event{Kind: Push, At: at})
		case "head_ref_force_pushed":
			th.ForcePushes = append(th.ForcePushes, Event{Kind: Push, Actor: e.GetActor().GetLogin(), Bot: IsBotUser(e.GetActor()), At: e.GetCreatedAt().Time})
		case "reopened":
			th.Turns = append(th.Turns, Event{Kind: Reopened, Actor: e.GetActor().GetLogin(), At: e.GetCreatedAt().Time})
		case "review_requested":
			// Requester is who asked; only the author asking again
			// changes whose turn it is.
			who := e.GetRequester()
			if who == nil {
				who = e.GetActor()
			}
			th.Turns = append(th.Turns, Event{Kind: ReviewRequest, Actor: who.GetLogin(), Bot: IsBotUser(who), At: e.GetCreatedAt().Time})
		case "ready_for_review":
			if at := e.GetCreatedAt().Time; at.After(th.ReadyAt) {
				th.ReadyAt = at
			}
		case "labeled":
			th.labelAdders[strings.ToLower(e.GetLabel().GetName())] = e.GetActor().GetLogin()
		case "unlabeled":
			delete(th.labelAdders, strings.ToLower(e.GetLabel().GetName()))
		}
	}
	return th
}

// LabelAddedBy returns who last added label (case-insensitive) and has not
// removed it since, or "" when the timeline has no such event.
func (th Thread) LabelAddedBy(label string) string {
	return th.labelAdders[strings.ToLower(label)]
}

// History builds the wait clock's input from the thread: responses and
// force pushes, reopenings and review requests always, commits only when
// withCommits (see TimelineWait).
func (th Thread) History(author string, createdAt time.Time, draft, withCommits bool, who People) History {
	h := History{Author: author, CreatedAt: createdAt, ReadyForReviewAt: th.ReadyAt, State: "open", Draft: draft, People: who}
	h.Events = append(h.Events, th.Responses...)
	h.Events = append(h.Events, th.Turns...)
	h.Events = append(h.Events, th.ForcePushes...)
	if withCommits {
		h.Events = append(h.Events, th.Commits...)
	}
	return h
}

// TimelineWait runs the wait clock over a thread. An author's push only
// matters in the author's turn (it hands the turn back to the reviewers), so
// the clock first runs without the commits; they are added only when the
// author has the turn and a commit came after it started. confirm is true
// when the verdict then rests on a commit whose pusher the timeline does not
// name: the caller must read the PR's commits (which carry GitHub logins) and
// run the clock again, since a maintainer's push to the mentee's branch is
// not the author answering.
func TimelineWait(th Thread, author string, createdAt time.Time, draft bool, now time.Time, c Clock, who People) (st WaitState, confirm bool) {
	st = Wait(th.History(author, createdAt, draft, false, who), now, c)
	if st.Turn != Author {
		return st, false
	}
	matter := false
	for _, e := range th.Commits {
		if e.At.After(st.Since) {
			matter = true
		}
	}
	if !matter {
		return st, false
	}
	st = Wait(th.History(author, createdAt, draft, true, who), now, c)
	if !st.Waiting {
		return st, false
	}
	for _, e := range th.Commits {
		if e.At.Equal(st.Since) {
			return st, true
		}
	}
	return st, false
}

// Timelines is what ReadWait reads; ghclient.API implements it.
type Timelines interface {
	Timeline(ctx context.Context, owner, repo string, number int) ([]ghclient.TimelineEntry, error)
	PullCommits(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.RepositoryCommit, error)
}

// ReadWait reads a PR's timeline and runs the wait clock on it, reading the
// PR's commits too only when the verdict rests on a push the timeline does
// not attribute (see TimelineWait). It is the one way the reminders and the
// digest measure a PR's wait. It also returns the thread, which the
// reminders reuse for markers, reviewers and the keepalive label.
func ReadWait(ctx context.Context, gh Timelines, owner, repo string, number int, author string, createdAt time.Time, draft bool, now time.Time, clock Clock, who People) (WaitState, Thread, error) {
	tl, err := gh.Timeline(ctx, owner, repo, number)
	if err != nil {
		return WaitState{}, Thread{}, err
	}
	th := ReadThread(tl)
	st, confirm := TimelineWait(th, author, createdAt, draft, now, clock, who)
	if !confirm {
		return st, th, nil
	}
	cs, err := gh.PullCommits(ctx, owner, repo, number, 3)
	if err != nil {
		return WaitState{}, Thread{}, err
	}
	h := th.History(author, createdAt, draft, false, who)
	for _, c := range cs {
		h.Events = append(h.Events, Event{Kind: Push, Actor: c.GetAuthor().GetLogin(), At: CommitTime(c)})
	}
	return Wait(h, now, clock), th, nil
}

// IsBotUser reports whether a user is a bot: GitHub's type "Bot" or a
// [bot] login.
func IsBotUser(u *github.User) bool {
	if u == nil {
		return false
	}
	return u.GetType() == "Bot" || IsBot(u.GetLogin())
}

// CommitTime is when a commit was last written: its committer date (a
// rebase or amend updates it, so it is the closest the API gets to when it
// was pushed), else its author date.
func CommitTime(c *github.RepositoryCommit) time.Time {
	if at := c.GetCommit().GetCommitter().GetDate().Time; !at.IsZero() {
		return at
	}
	return c.GetCommit().GetAuthor().GetDate().Time
}
