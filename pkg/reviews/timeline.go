package reviews

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/turn"
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
// (oldest first), so the last labeled event of a label wins.
func ReadThread(tl []*github.Timeline) Thread { return readThread(tl, nil) }

// readThread is ReadThread with each entry's author_association (assoc[i]
// for tl[i]; go-github's Timeline does not decode it), which tells whether a
// commenter or reviewer can review.
func readThread(tl []*github.Timeline, assoc []string) Thread {
	th := Thread{labelAdders: map[string]string{}}
	for i, e := range tl {
		as := ""
		if i < len(assoc) {
			as = assoc[i]
		}
		switch e.GetEvent() {
		case "commented":
			u := e.User
			if u == nil {
				u = e.Actor
			}
			th.Comments = append(th.Comments, &github.IssueComment{ID: e.ID, User: u, Body: e.Body, CreatedAt: e.CreatedAt})
			th.Responses = append(th.Responses, Event{Kind: EventComment, Actor: u.GetLogin(), Bot: job.IsBot(u), Association: as, At: e.GetCreatedAt().Time})
		case "reviewed":
			state := strings.ToUpper(e.GetState())
			th.Reviews = append(th.Reviews, &github.PullRequestReview{ID: e.ID, User: e.User, State: &state, SubmittedAt: e.SubmittedAt})
			th.Responses = append(th.Responses, Event{Kind: EventReview, Actor: e.GetUser().GetLogin(), Bot: job.IsBot(e.GetUser()), Association: as, At: e.GetSubmittedAt().Time, ReviewState: state})
		case "committed":
			// The committer date is the closest the API gets to when the
			// commit was pushed (a rebase or amend updates it).
			at := e.GetCommitter().GetDate().Time
			if at.IsZero() {
				at = e.GetAuthor().GetDate().Time
			}
			th.Commits = append(th.Commits, Event{Kind: EventPush, At: at})
		case "head_ref_force_pushed":
			th.ForcePushes = append(th.ForcePushes, Event{Kind: EventPush, Actor: e.GetActor().GetLogin(), Bot: job.IsBot(e.GetActor()), At: e.GetCreatedAt().Time})
		case "reopened":
			th.Turns = append(th.Turns, Event{Kind: EventReopened, Actor: e.GetActor().GetLogin(), At: e.GetCreatedAt().Time})
		case "review_requested":
			// Requester is who asked; only the author asking again
			// changes whose turn it is.
			who := e.GetRequester()
			if who == nil {
				who = e.GetActor()
			}
			th.Turns = append(th.Turns, Event{Kind: EventReviewRequest, Actor: who.GetLogin(), Bot: job.IsBot(who), At: e.GetCreatedAt().Time})
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
func (th Thread) History(author string, createdAt time.Time, draft, withCommits bool, who turn.People) History {
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
func TimelineWait(th Thread, author string, createdAt time.Time, draft bool, now time.Time, c Clock, who turn.People) (st WaitState, confirm bool) {
	st = Wait(th.History(author, createdAt, draft, false, who), now, c)
	if st.Turn != turn.Author {
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

// MarkedComment returns the oldest of bot's comments carrying the marker
// kind:key, or nil.
func MarkedComment(cs []*github.IssueComment, bot job.Identity, kind, key string) *github.IssueComment {
	for _, c := range cs {
		if bot.IsSelf(c.GetUser().GetLogin()) && markers.Has(c.GetBody(), kind, key) {
			return c
		}
	}
	return nil
}

// SuggestedIn reads the suggested logins back from the bot's own reminder
// (lines "- @login: reasons"), for the escalation to name them again.
func SuggestedIn(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "- @")
		if !ok {
			continue
		}
		login, _, ok := strings.Cut(rest, ":")
		if ok && login != "" && !strings.ContainsAny(login, " \t`") {
			out = append(out, login)
		}
	}
	return out
}

// timelineEntry is a timeline entry with the author_association GitHub sends
// on comments and reviews, which go-github's Timeline leaves out.
type timelineEntry struct {
	github.Timeline
	AuthorAssociation string `json:"author_association,omitempty"`
}

// readTimelineAssoc reads a PR's whole timeline (at most 1,000 entries) like
// readTimeline, and each entry's author_association alongside.
func readTimelineAssoc(ctx context.Context, c *github.Client, owner, repo string, number int) ([]*github.Timeline, []string, error) {
	es, err := ghclient.All(10, func(page int) ([]*timelineEntry, *github.Response, error) {
		// The same URL and Accept header as go-github's ListIssueTimeline,
		// so that both share the client's ETag cache entries (a re-read of
		// an unchanged timeline is a 304 whichever function makes it).
		u := fmt.Sprintf("repos/%s/%s/issues/%d/timeline?page=%d&per_page=100", url.PathEscape(owner), url.PathEscape(repo), number, page)
		req, err := c.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Accept", "application/vnd.github.mockingbird-preview+json, application/vnd.github.starfox-preview+json")
		var out []*timelineEntry
		resp, err := c.Do(ctx, req, &out)
		return out, resp, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read the timeline of %s/%s#%d: %w", owner, repo, number, err)
	}
	tl := make([]*github.Timeline, len(es))
	assoc := make([]string, len(es))
	for i, e := range es {
		tl[i], assoc[i] = &e.Timeline, e.AuthorAssociation
	}
	return tl, assoc, nil
}
