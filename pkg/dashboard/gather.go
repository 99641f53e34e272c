package dashboard

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// Reads are the GitHub reads one dashboard update makes; ghclient.API
// implements them. The client's ETag cache turns a read of something
// unchanged into a free 304, so a sweep that finds nothing new costs
// conditional requests only.
type Reads interface {
	SearchIssues(ctx context.Context, query string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error)
	ListPulls(ctx context.Context, owner, repo string, opts *github.PullRequestListOptions) ([]*github.PullRequest, *github.Response, error)
	Timeline(ctx context.Context, owner, repo string, number int) ([]ghclient.TimelineEntry, error)
	Comments(ctx context.Context, owner, repo string, number int, since time.Time, maxPages int) ([]*github.IssueComment, error)
}

// Paced spaces the searches of r with the installation's search pacer,
// which the digest shares: GitHub counts the search budget per
// installation.
func Paced(r Reads, p *ghclient.Pacer) Reads { return paced{Reads: r, p: p} }

type paced struct {
	Reads
	p *ghclient.Pacer
}

func (r paced) SearchIssues(ctx context.Context, q string, o *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error) {
	if err := r.p.Wait(ctx); err != nil {
		return nil, nil, err
	}
	res, resp, err := r.Reads.SearchIssues(ctx, q, o)
	r.p.Observe(resp)
	return res, resp, err
}

// maxPages bounds every listing of one update.
const maxPages = 5

// Org is one org of the programme and how to read it: with its own
// installation, for a programme shared by several orgs.
type Org struct {
	Owner string
	Reads Reads
}

// Gather reads what the dashboard shows for the roster of p in the
// repositories of orgs (the first is the one that keeps the tracking
// issues): each mentee's PRs of the term (one search per mentee and org),
// the other PRs of the repositories they contributed to (one listing each,
// newest first, until the term's start), every such PR's timeline (first
// response, reminders), each mentee's tracking issue (onboarding, last
// digest) and the mentee tasks (one search per org). trackingIssue resolves
// a mentee's tracking issue.
func Gather(ctx context.Context, orgs []Org, p policy.Policy, bot string, now time.Time,
	trackingIssue func(ctx context.Context, login string) (policy.IssueRef, bool, error)) (Programme, error) {
	prog := Programme{Name: p.Program.Name, AnswerWithin: p.Reviews.Wait.D()}
	if len(orgs) == 0 {
		return prog, nil
	}
	prog.From, prog.To = termBounds(p, now)
	created := prog.From.Format("2006-01-02")
	// Machine users (reviews.bots) neither count as contributors nor answer
	// a PR, as for the review-wait reminders.
	machines := turn.People{Bots: p.Reviews.Bots}
	// readsOf reads a repository with its org's installation.
	readsOf := func(repo string) Reads {
		owner, _, _ := strings.Cut(repo, "/")
		for _, o := range orgs {
			if strings.EqualFold(o.Owner, owner) {
				return o.Reads
			}
		}
		return orgs[0].Reads
	}
	byRef := map[string]*PR{}
	repos := map[string]bool{}
	for _, org := range orgs {
		if err := menteePRs(ctx, org, p, created, byRef, repos); err != nil {
			return prog, err
		}
	}
	for _, repo := range sortedKeys(repos) {
		gh := readsOf(repo)
		o, r, _ := strings.Cut(repo, "/")
		opt := &github.PullRequestListOptions{State: "all", Sort: "created", Direction: "desc", ListOptions: github.ListOptions{PerPage: 100}}
		err := ghclient.Each(maxPages, func(page int) ([]*github.PullRequest, *github.Response, error) {
			opt.Page = page
			return gh.ListPulls(ctx, o, r, opt)
		}, func(pull *github.PullRequest) bool {
			if pull.GetCreatedAt().Before(prog.From) {
				return false // newest first: the rest is older
			}
			ref := fmt.Sprintf("%s#%d", repo, pull.GetNumber())
			pr, ok := byRef[ref]
			if !ok {
				pr = &PR{Repo: repo, Number: pull.GetNumber(), Title: pull.GetTitle(), Author: pull.GetUser().GetLogin(), Created: pull.GetCreatedAt().Time}
				byRef[ref] = pr
			}
			pr.Merged, pr.Closed = pull.GetMergedAt().Time, pull.GetClosedAt().Time
			return true
		})
		if err != nil {
			return prog, fmt.Errorf("list PRs of %s: %w", repo, err)
		}
	}
	refs := make([]string, 0, len(byRef))
	for ref, pr := range byRef {
		if machines.Machine(pr.Author, false) {
			delete(byRef, ref) // dependency bots are not contributors
			continue
		}
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		pr := byRef[ref]
		o, r, _ := strings.Cut(pr.Repo, "/")
		tl, err := readsOf(pr.Repo).Timeline(ctx, o, r, pr.Number)
		if err != nil {
			return prog, err
		}
		th := turn.ReadThread(tl)
		acts, draft := activities(tl, th, machines)
		pr.FirstResponse, pr.Responded = FirstResponse(pr.Created, draft, pr.Author, acts)
		if pr.Mentee {
			prog.Reminders = append(prog.Reminders, reminders(th, pr, bot, machines)...)
		}
		prog.PRs = append(prog.PRs, *pr)
	}
	var tasks []assignedTask
	for _, org := range orgs {
		more, err := menteeTasks(ctx, org.Reads, p, org.Owner)
		if err != nil {
			return prog, err
		}
		tasks = append(tasks, more...)
	}
	for _, m := range p.Mentees {
		row, err := menteeRow(ctx, orgs[0].Reads, p, bot, m, now, prog.PRs, tasks, trackingIssue)
		if err != nil {
			return prog, err
		}
		prog.Mentees = append(prog.Mentees, row)
	}
	return prog, nil
}

// menteePRs searches each mentee's PRs of the term in one org, adding them
// to byRef and their repositories to repos.
func menteePRs(ctx context.Context, org Org, p policy.Policy, created string, byRef map[string]*PR, repos map[string]bool) error {
	for _, m := range p.Mentees {
		q := fmt.Sprintf("is:pr author:%s org:%s created:>=%s", m.Login, org.Owner, created)
		res, _, err := org.Reads.SearchIssues(ctx, q, &github.SearchOptions{ListOptions: github.ListOptions{PerPage: 100}})
		if err != nil {
			return fmt.Errorf("search PRs of %s in %s: %w", m.Login, org.Owner, err)
		}
		for _, is := range res.Issues {
			repo := ghclient.RepoOfURL(is.GetRepositoryURL())
			// A PR opened outside the mentee's term counts with the others.
			mentee := m.ActiveOn(is.GetCreatedAt().Time, p.Digest.Location())
			pr := &PR{Repo: repo, Number: is.GetNumber(), Title: is.GetTitle(), Author: is.GetUser().GetLogin(), Mentee: mentee, Created: is.GetCreatedAt().Time}
			if is.GetState() == "closed" {
				pr.Closed = is.GetClosedAt().Time
			}
			if is.GetPullRequestLinks() != nil && is.GetPullRequestLinks().MergedAt != nil {
				pr.Merged = is.GetPullRequestLinks().GetMergedAt().Time
			}
			byRef[pr.Ref()] = pr
			repos[repo] = true
		}
	}
	return nil
}

// termBounds is the term as the roster says: the earliest start to the
// latest end, cut at now. A roster without dates covers the last 12 weeks.
func termBounds(p policy.Policy, now time.Time) (from, to time.Time) {
	to = now
	var end time.Time
	for _, m := range p.Mentees {
		if s := m.Start.In(time.UTC); !m.Start.IsZero() && (from.IsZero() || s.Before(from)) {
			from = s
		}
		if e := m.End.In(time.UTC).AddDate(0, 0, 1); !m.End.IsZero() && e.After(end) {
			end = e
		}
	}
	if from.IsZero() || from.After(now) {
		from = now.AddDate(0, 0, -7*12)
	}
	if !end.IsZero() && end.Before(to) {
		to = end
	}
	return from, to
}

// activities turns a PR's timeline into what the first-response clock
// reads. The responses (comments and reviews, with who wrote them and
// whether that is a bot) are the thread's, read as the review-wait clock
// reads them; review comments count through their review, since GitHub's
// line-commented entries carry neither an author nor a time. The draft
// transitions are read here: the thread keeps only the last
// ready_for_review, which is all the wait clock needs, while the first
// response leaves out every span in draft, so it needs each
// convert_to_draft and ready_for_review in order. openedDraft is inferred:
// a PR whose first draft transition is "ready for review" was opened as a
// draft.
func activities(tl []ghclient.TimelineEntry, th turn.Thread, machines turn.People) (acts []Activity, openedDraft bool) {
	seenDraftEvent := false
	for i := range tl {
		e := &tl[i].Timeline
		a := Activity{Actor: e.GetActor().GetLogin(), At: e.GetCreatedAt().Time}
		switch e.GetEvent() {
		case "ready_for_review":
			if !seenDraftEvent {
				openedDraft = true
			}
			a.Kind = Ready
		case "convert_to_draft":
			a.Kind = Draft
		default:
			continue
		}
		seenDraftEvent = true
		acts = append(acts, a)
	}
	for _, r := range th.Responses {
		acts = append(acts, Activity{Kind: Comment, Actor: r.Actor, Bot: machines.Machine(r.Actor, r.Bot), At: r.At})
	}
	return acts, openedDraft
}

// reminders finds the bot's review-wait reminders among the thread's
// comments, and when a human other than the author first responded after
// each.
func reminders(th turn.Thread, pr *PR, bot string, machines turn.People) []Reminder {
	var out []Reminder
	for _, c := range th.Comments {
		if !strings.EqualFold(c.GetUser().GetLogin(), bot) {
			continue
		}
		body := c.GetBody()
		if hasKind(body, markers.KindReviewEscalate) {
			pr.Escalated = true
		}
		if !hasKind(body, markers.KindReviewWait) {
			continue
		}
		pr.Suggested = true
		r := Reminder{PR: pr.Ref(), At: c.GetCreatedAt().Time}
		for _, e := range th.Responses {
			if !machines.Machine(e.Actor, e.Bot) && !strings.EqualFold(e.Actor, pr.Author) && e.At.After(r.At) {
				r.AnsweredAt = e.At
				break
			}
		}
		out = append(out, r)
	}
	return out
}

func hasKind(body, kind string) bool {
	_, ok := markers.Find(body, kind)
	return ok
}

var checkbox = regexp.MustCompile(`(?m)^\s*[-*] \[( |x|X)\] `)

// menteeRow reads one mentee's row: the tracking issue's onboarding
// checklist and last digest, the mentee's tasks, their open PRs.
func menteeRow(ctx context.Context, gh Reads, p policy.Policy, bot string, m policy.Mentee, now time.Time, prs []PR, tasks []assignedTask,
	trackingIssue func(ctx context.Context, login string) (policy.IssueRef, bool, error)) (Mentee, error) {
	row := Mentee{Login: m.Login}
	ref, ok, err := trackingIssue(ctx, m.Login)
	if err != nil {
		return row, fmt.Errorf("tracking issue of %s: %w", m.Login, err)
	}
	if ok {
		row.TrackingIssue, row.TrackingRef = ref.String(), ref
		cms, err := gh.Comments(ctx, ref.Owner, ref.Repo, ref.Number, time.Time{}, maxPages)
		if err != nil {
			return row, err
		}
		for _, cm := range cms {
			if !strings.EqualFold(cm.GetUser().GetLogin(), bot) {
				continue // only the bot's own checklist and digests count
			}
			body := cm.GetBody()
			if hasKind(body, markers.KindOnboarding) {
				boxes := checkbox.FindAllStringSubmatch(body, -1)
				row.OnboardingTotal = len(boxes)
				for _, b := range boxes {
					if b[1] != " " {
						row.OnboardingDone++
					}
				}
			}
			if markers.Has(body, markers.KindTermReport, markers.LoginKey(m.Login)) {
				row.TermReport = true
			}
			if mk, ok := markers.Find(body, markers.KindDigest); ok && mk.Key > row.LastDigest {
				row.LastDigest = mk.Key
			}
		}
	}
	for _, t := range tasks {
		if strings.EqualFold(t.assignee, m.Login) {
			row.Tasks = append(row.Tasks, t.Task)
		}
	}
	for _, pr := range prs {
		if pr.Mentee && strings.EqualFold(pr.Author, m.Login) && pr.Closed.IsZero() {
			if !pr.Responded {
				pr.NoResponseFor = now.Sub(pr.Created)
			}
			row.OpenPRs = append(row.OpenPRs, pr)
		}
	}
	return row, nil
}

// assignedTask is a mentee task and one of its assignees.
type assignedTask struct {
	Task
	assignee string
}

// menteeTasks finds every issue of the org with the task label, in one
// search for the whole roster.
func menteeTasks(ctx context.Context, gh Reads, p policy.Policy, owner string) ([]assignedTask, error) {
	label := p.Labels.MenteeTask
	if label == "" {
		return nil, nil
	}
	q := fmt.Sprintf("is:issue org:%s label:%q", owner, label)
	res, _, err := gh.SearchIssues(ctx, q, &github.SearchOptions{Sort: "created", Order: "asc", ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, fmt.Errorf("search mentee tasks: %w", err)
	}
	var out []assignedTask
	for _, is := range res.Issues {
		t := Task{Ref: fmt.Sprintf("%s#%d", ghclient.RepoOfURL(is.GetRepositoryURL()), is.GetNumber()), Title: is.GetTitle(), Open: is.GetState() == "open"}
		for _, a := range is.Assignees {
			out = append(out, assignedTask{Task: t, assignee: a.GetLogin()})
		}
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
