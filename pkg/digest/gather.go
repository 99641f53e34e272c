package digest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// GitHub is what the digest reads; ghclient.API implements it. It writes
// only through writeonce.
type GitHub interface {
	turn.Timelines
	SearchIssues(ctx context.Context, query string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error)
	Comments(ctx context.Context, owner, repo string, number int, since time.Time, maxPages int) ([]*github.IssueComment, error)
	Reviews(ctx context.Context, owner, repo string, number int) ([]*github.PullRequestReview, error)
}

// Source gathers a mentee's activity from GitHub. It spends three searches
// per mentee and period, whatever the amount of activity (one more page per
// hundred results):
//
//   - is:pr author:LOGIN updated:>=SINCE: every pull request the mentee
//     opened in the term, classified locally as opened, merged, closed or
//     still open (an open PR that nobody touched for weeks is still found);
//   - is:issue involves:LOGIN updated:>=SINCE: issues the mentee opened, was
//     assigned (mentee tasks, including idle ones) or commented on;
//   - is:pr reviewed-by:LOGIN updated:>=FROM: pull requests they reviewed.
//
// GitHub refuses issue searches that do not say is:pr or is:issue, so the
// first two cannot be one involves: query. Search results say neither when a
// review was given nor who commented when, so candidates are confirmed with
// core API reads (reviews, comments since FROM), which are plentiful (5000
// an hour) where searches are scarce (30 a minute).
type Source struct {
	GitHub GitHub
	Pacer  *ghclient.Pacer
	// Qualifier restricts searches, e.g. "org:thanos-io"; empty searches all
	// of public GitHub (digest.scope: public).
	Qualifier string
	// Repos, when set, keeps only results in these repositories (owner/name,
	// lower case): the installation's repositories with digest.scope: org.
	Repos map[string]bool
	// TaskLabel is labels.mentee_task.
	TaskLabel string
	// Reviews is the programme's reviews policy (reviews.wait and friends);
	// RepoReviews, when set, a repository's ("owner/name"), whose wait clock
	// and reviewers the review-wait reminders use on its PRs.
	Reviews     policy.Reviews
	RepoReviews func(repo string) policy.Reviews
	// Mentors are the mentee's mentors: like the reviewer pool, they end
	// the reviewers' turn whatever their association with the repository.
	Mentors []string
	// Skip is an issue to leave out: the mentee's own tracking issue.
	Skip policy.IssueRef
	// Peers are the other orgs of a programme shared by several orgs
	// (digest.scope: org): their activity is searched and read with their
	// own installation's client, and counted in the same digest.
	Peers []Peer
	// Searches and Calls count the requests made, for logs and benchmarks.
	Searches, Calls int
}

// Peer is one more org a Source covers.
type Peer struct {
	// Owner is the org; GitHub and Pacer are its installation's.
	Owner     string
	GitHub    GitHub
	Pacer     *ghclient.Pacer
	Qualifier string
	Repos     map[string]bool
}

// client returns the client that reads issues of repo ("owner/name"): the
// peer's when the repository is in a peer org.
func (s *Source) client(repo string) GitHub {
	owner, _, _ := strings.Cut(repo, "/")
	for _, p := range s.Peers {
		if strings.EqualFold(p.Owner, owner) {
			return p.GitHub
		}
	}
	return s.GitHub
}

// searchTime renders t for a search qualifier, in UTC to the second.
func searchTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func (s *Source) search(ctx context.Context, q string) ([]*github.Issue, error) {
	out, err := s.searchWith(ctx, s.GitHub, s.Pacer, s.Qualifier, s.Repos, q)
	if err != nil {
		return nil, err
	}
	for _, p := range s.Peers {
		more, err := s.searchWith(ctx, p.GitHub, p.Pacer, p.Qualifier, p.Repos, q)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Owner, err)
		}
		out = append(out, more...)
	}
	return out, nil
}

func (s *Source) searchWith(ctx context.Context, client GitHub, pacer *ghclient.Pacer, qualifier string, repos map[string]bool, q string) ([]*github.Issue, error) {
	if qualifier != "" {
		q += " " + qualifier
	}
	opt := &github.SearchOptions{Sort: "created", Order: "asc", ListOptions: github.ListOptions{PerPage: 100}}
	var out []*github.Issue
	for {
		if pacer != nil {
			if err := pacer.Wait(ctx); err != nil {
				return nil, err
			}
		}
		s.Searches++
		s.Calls++
		res, resp, err := client.SearchIssues(ctx, q, opt)
		if pacer != nil {
			pacer.Observe(resp)
		}
		if err != nil {
			return nil, err
		}
		for _, is := range res.Issues {
			repo := ghclient.RepoOf(is)
			if repo == "" || repos != nil && !repos[strings.ToLower(repo)] {
				continue
			}
			if strings.EqualFold(repo, s.Skip.Owner+"/"+s.Skip.Repo) && is.GetNumber() == s.Skip.Number {
				continue
			}
			out = append(out, is)
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

func within(t time.Time, from, to time.Time) bool {
	return !t.IsZero() && !t.Before(from) && t.Before(to)
}

func item(is *github.Issue) Item {
	return Item{Repo: ghclient.RepoOf(is), Number: is.GetNumber(), Title: is.GetTitle(), URL: is.GetHTMLURL()}
}

func assigned(is *github.Issue, login string) bool {
	for _, a := range is.Assignees {
		if strings.EqualFold(a.GetLogin(), login) {
			return true
		}
	}
	return strings.EqualFold(is.GetAssignee().GetLogin(), login)
}

func prOf(is *github.Issue) PR {
	pr := PR{Repo: ghclient.RepoOf(is), Number: is.GetNumber(), Title: is.GetTitle(), URL: is.GetHTMLURL(), State: StateOpen}
	switch {
	case !is.GetPullRequestLinks().GetMergedAt().Time.IsZero():
		pr.State = StateMerged
	case is.GetState() == "closed":
		pr.State = StateClosed
	}
	return pr
}

// Week gathers the digest data of login for the period [from, to), looking
// back to since (the term's start) for open PRs and idle tasks. now is when
// the wait clock is read.
func (s *Source) Week(ctx context.Context, login string, from, to, since, now time.Time) (Data, error) {
	d := Data{Mentee: login, Now: now, BusinessDays: s.Reviews.BusinessDays}
	prs, err := s.search(ctx, fmt.Sprintf("is:pr author:%s updated:>=%s", login, searchTime(since)))
	if err != nil {
		return d, err
	}
	for _, is := range prs {
		pr := prOf(is)
		if within(is.GetCreatedAt().Time, from, to) {
			d.Opened = append(d.Opened, pr)
		}
		switch pr.State {
		case StateMerged:
			if within(is.GetPullRequestLinks().GetMergedAt().Time, from, to) {
				d.Merged = append(d.Merged, pr)
			}
		case StateClosed:
			if within(is.GetClosedAt().Time, from, to) {
				d.Closed = append(d.Closed, pr)
			}
		default:
			if !is.GetDraft() {
				st, wait, err := s.wait(ctx, is, now)
				if err != nil {
					return d, err
				}
				switch st.Turn {
				case turn.Reviewers, turn.Author, turn.Approved:
					pr.Turn, pr.Waited, pr.OverWait = st.Turn, st.Waited, st.Waited > wait
				}
			}
			d.Open = append(d.Open, pr)
		}
	}

	issues, err := s.search(ctx, fmt.Sprintf("is:issue involves:%s updated:>=%s", login, searchTime(since)))
	if err != nil {
		return d, err
	}
	for _, is := range issues {
		if s.TaskLabel != "" && ghclient.HasLabel(ghclient.LabelNames(is.Labels), s.TaskLabel) && assigned(is, login) &&
			(is.GetState() != "closed" || within(is.GetClosedAt().Time, from, to)) {
			d.Tasks = append(d.Tasks, task(is))
		}
		switch {
		case turn.IsBotUser(is.GetUser()):
			// A bot's issue (this app's meetup or learnings issue, a
			// dependency dashboard) is not the mentee's contribution.
		case strings.EqualFold(is.GetUser().GetLogin(), login) && within(is.GetCreatedAt().Time, from, to):
			d.IssuesOpened = append(d.IssuesOpened, item(is))
		case is.GetComments() > 0 && !is.GetUpdatedAt().Time.Before(from):
			ok, err := s.commented(ctx, is, login, from, to)
			if err != nil {
				return d, err
			}
			if ok {
				d.IssuesCommented = append(d.IssuesCommented, item(is))
			}
		}
	}

	d.Reviews, err = s.reviews(ctx, login, from, to)
	return d, err
}

func task(is *github.Issue) Task {
	return Task{
		Ref: fmt.Sprintf("%s#%d", ghclient.RepoOf(is), is.GetNumber()), Title: is.GetTitle(), URL: is.GetHTMLURL(),
		State: is.GetState(), LastActivity: is.GetUpdatedAt().Time,
	}
}

// Term gathers the end-of-term report of login: everything since the term's
// start.
func (s *Source) Term(ctx context.Context, t Term, since, now time.Time) (Report, error) {
	r := Report{Term: t}
	prs, err := s.search(ctx, fmt.Sprintf("is:pr author:%s created:>=%s", t.Mentee, searchTime(since)))
	if err != nil {
		return r, err
	}
	for _, is := range prs {
		r.PRs = append(r.PRs, prOf(is))
	}
	issues, err := s.search(ctx, fmt.Sprintf("is:issue involves:%s updated:>=%s", t.Mentee, searchTime(since)))
	if err != nil {
		return r, err
	}
	for _, is := range issues {
		if s.TaskLabel != "" && ghclient.HasLabel(ghclient.LabelNames(is.Labels), s.TaskLabel) && assigned(is, t.Mentee) {
			r.Tasks = append(r.Tasks, task(is))
		}
		switch {
		case turn.IsBotUser(is.GetUser()):
			// Not the mentee's activity: see Week.
		case strings.EqualFold(is.GetUser().GetLogin(), t.Mentee) && !is.GetCreatedAt().Time.Before(since):
			r.IssuesOpened = append(r.IssuesOpened, item(is))
		case is.GetComments() > 0:
			ok, err := s.commented(ctx, is, t.Mentee, since, now)
			if err != nil {
				return r, err
			}
			if ok {
				r.IssuesCommented = append(r.IssuesCommented, item(is))
			}
		}
	}
	r.Reviews, err = s.reviews(ctx, t.Mentee, since, now)
	return r, err
}

// commented reports whether login commented on the issue in [from, to).
func (s *Source) commented(ctx context.Context, is *github.Issue, login string, from, to time.Time) (bool, error) {
	owner, repo, _ := strings.Cut(ghclient.RepoOf(is), "/")
	s.Calls++
	cs, err := s.client(ghclient.RepoOf(is)).Comments(ctx, owner, repo, is.GetNumber(), from, 0)
	if err != nil {
		return false, err
	}
	for _, c := range cs {
		if strings.EqualFold(c.GetUser().GetLogin(), login) && within(c.GetCreatedAt().Time, from, to) {
			return true, nil
		}
	}
	return false, nil
}

// reviews returns the PRs (by others) login reviewed in [from, to).
func (s *Source) reviews(ctx context.Context, login string, from, to time.Time) ([]Item, error) {
	found, err := s.search(ctx, fmt.Sprintf("is:pr reviewed-by:%s updated:>=%s", login, searchTime(from)))
	if err != nil {
		return nil, err
	}
	var out []Item
	for _, is := range found {
		if strings.EqualFold(is.GetUser().GetLogin(), login) {
			continue
		}
		rvs, err := s.listReviews(ctx, is)
		if err != nil {
			return nil, err
		}
		for _, rv := range rvs {
			if strings.EqualFold(rv.GetUser().GetLogin(), login) && rv.GetState() != "PENDING" && within(rv.GetSubmittedAt().Time, from, to) {
				out = append(out, item(is))
				break
			}
		}
	}
	return out, nil
}

func (s *Source) listReviews(ctx context.Context, is *github.Issue) ([]*github.PullRequestReview, error) {
	owner, repo, _ := strings.Cut(ghclient.RepoOf(is), "/")
	s.Calls++
	return s.client(ghclient.RepoOf(is)).Reviews(ctx, owner, repo, is.GetNumber())
}

// wait runs the review-wait clock on an open PR, read the way the
// review-wait reminders read it (its timeline, its repository's reviews
// policy, the mentee's mentors), so both say the same.
// It returns the repository's wait too.
func (s *Source) wait(ctx context.Context, is *github.Issue, now time.Time) (turn.WaitState, time.Duration, error) {
	name := ghclient.RepoOf(is)
	owner, repo, _ := strings.Cut(name, "/")
	r := s.Reviews
	if s.RepoReviews != nil {
		r = s.RepoReviews(name)
	}
	s.Calls++ // the timeline; a second page or the commits are rare
	clk := turn.ClockOf(r)
	st, _, err := turn.ReadWait(ctx, s.client(name), owner, repo, is.GetNumber(), is.GetUser().GetLogin(), is.GetCreatedAt().Time, is.GetDraft(), now, clk, turn.PeopleOf(r, s.Mentors))
	return st, clk.Wait, err
}
