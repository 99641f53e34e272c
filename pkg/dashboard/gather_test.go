package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	onboard "github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/turn"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// fakeReads is a recording dashboard.Reads of one installation: search
// results by query, each repository's pull requests (listed newest first,
// perPage to a page), timelines by "owner/repo#n", and the comments of
// issues from store, where the bot's checklists, digests and reports are
// and where the sweep writes through writeonce. The embedded API is nil: a
// call outside dashboard.Reads panics.
type fakeReads struct {
	ghclienttest.Recorder
	ghclient.API
	store   *writeoncetest.Issues
	perPage int

	results   map[string][]*github.Issue
	pulls     map[string][]*github.PullRequest
	timelines map[string][]ghclient.TimelineEntry
}

func newReads(store *writeoncetest.Issues) *fakeReads {
	return &fakeReads{store: store, perPage: 2, results: map[string][]*github.Issue{}, pulls: map[string][]*github.PullRequest{}, timelines: map[string][]ghclient.TimelineEntry{}}
}

func (f *fakeReads) SearchIssues(_ context.Context, q string, _ *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error) {
	f.Record("search %s", q)
	return &github.IssuesSearchResult{Issues: f.results[q]}, &github.Response{}, nil
}

func (f *fakeReads) ListPulls(_ context.Context, owner, repo string, o *github.PullRequestListOptions) ([]*github.PullRequest, *github.Response, error) {
	page := max(o.Page, 1)
	f.Record("list pulls %s/%s page %d", owner, repo, page)
	all := slices.SortedFunc(slices.Values(f.pulls[owner+"/"+repo]), func(a, b *github.PullRequest) int {
		return b.GetCreatedAt().Compare(a.GetCreatedAt().Time)
	})
	lo, hi := min((page-1)*f.perPage, len(all)), min(page*f.perPage, len(all))
	resp := &github.Response{}
	if hi < len(all) {
		resp.NextPage = page + 1
	}
	return all[lo:hi], resp, nil
}

func (f *fakeReads) Timeline(_ context.Context, owner, repo string, n int) ([]ghclient.TimelineEntry, error) {
	f.Record("timeline %s/%s#%d", owner, repo, n)
	return f.timelines[fmt.Sprintf("%s/%s#%d", owner, repo, n)], nil
}

func (f *fakeReads) Comments(_ context.Context, owner, repo string, n int, _ time.Time, _ int) ([]*github.IssueComment, error) {
	f.Record("comments %s/%s#%d", owner, repo, n)
	return f.store.Comments(policy.IssueRef{Owner: owner, Repo: repo, Number: n}), nil
}

// nov is a time in November 2026, in UTC.
func nov(d, h int) time.Time { return time.Date(2026, time.November, d, h, 0, 0, 0, time.UTC) }

func ts(t time.Time) *github.Timestamp { return &github.Timestamp{Time: t} }

func person(login string) *github.User {
	return &github.User{Login: github.String(login), Type: github.String("User")}
}

func machine(login string) *github.User {
	return &github.User{Login: github.String(login), Type: github.String("Bot")}
}

// The timeline entries GitHub sends: a comment names its author as user
// and actor, a review only as user, a draft transition only as actor.
func commented(u *github.User, at time.Time, body string) ghclient.TimelineEntry {
	return ghclient.TimelineEntry{Timeline: github.Timeline{Event: github.String("commented"), User: u, Actor: u, Body: github.String(body), CreatedAt: ts(at)}}
}

func reviewed(u *github.User, at time.Time) ghclient.TimelineEntry {
	return ghclient.TimelineEntry{Timeline: github.Timeline{Event: github.String("reviewed"), User: u, State: github.String("commented"), SubmittedAt: ts(at)}}
}

func transition(event, login string, at time.Time) ghclient.TimelineEntry {
	return ghclient.TimelineEntry{Timeline: github.Timeline{Event: github.String(event), Actor: person(login), CreatedAt: ts(at)}}
}

// reminder is the bot's review-wait reminder, or its escalation.
func reminder(kind string, at time.Time) ghclient.TimelineEntry {
	return commented(machine(writeoncetest.Bot), at, "could someone take a look?\n"+markers.New(kind, at.UTC().Format(time.RFC3339)))
}

// menteePR is a search result: a mentee's pull request.
func menteePR(repo string, n int, author string, created time.Time) *github.Issue {
	return &github.Issue{
		Number: github.Int(n), Title: github.String("work"), State: github.String("open"), User: person(author),
		RepositoryURL: github.String("https://api.github.com/repos/" + repo), CreatedAt: ts(created),
		PullRequestLinks: &github.PullRequestLinks{},
	}
}

// listed is a repository listing's pull request.
func listed(n int, author string, created time.Time) *github.PullRequest {
	return &github.PullRequest{Number: github.Int(n), Title: github.String("work"), User: person(author), CreatedAt: ts(created)}
}

func task(repo string, n int, state string, assignees ...string) *github.Issue {
	is := &github.Issue{Number: github.Int(n), Title: github.String("a task"), State: github.String(state), RepositoryURL: github.String("https://api.github.com/repos/" + repo)}
	for _, a := range assignees {
		is.Assignees = append(is.Assignees, person(a))
	}
	return is
}

var (
	aliceIssue = policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 1}
	bobIssue   = policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 2}
)

// termPolicy is a term of two mentees from 2 to 30 November 2026: alice's
// tracking issue is on the roster, bob's is the one the bot opened.
func termPolicy() policy.Policy {
	p := policy.Default()
	p.Program.Name, p.Program.TrackingRepo = "LFX Mentorship 2026 Term 3", "org/mentorship"
	for _, login := range []string{"alice", "bob"} {
		p.Mentees = append(p.Mentees, policy.Mentee{Login: login, Mentors: []string{"maint"},
			Start: policy.Date{Year: 2026, Month: 11, Day: 2}, End: policy.Date{Year: 2026, Month: 11, Day: 30}})
	}
	p.Mentees[0].TrackingIssue = aliceIssue.String()
	return p
}

// seedTerm fills org's GitHub with two weeks of the term, up to Monday 16
// November 10:00:
//
//   - alice: org/app#3 answered by a review in 5 h and merged; org/app#5,
//     opened as a draft and ready on 6 November, reminded on 10 November
//     and answered the next day; org/lib#2, whose first human response
//     came after a machine user's review;
//   - bob: org/app#8, in which only bob, a CI bot and the bot's reminder
//     and escalation speak;
//   - others: org/app#4 answered in 30 h, org/app#7 in draft for a day in
//     the middle and answered 3 h of review time after opening, org/app#9
//     not answered, a dependency bot's org/app#6, and PRs from before the
//     term (org/app#1 and #2, org/lib#1), where the newest-first listings
//     stop;
//   - tasks: one done by alice, one open for bob, one unassigned;
//   - tracking issues: alice's has the bot's onboarding checklist with two
//     boxes ticked and two digests, and a stranger's comment with more
//     ticks and a later digest marker; bob's, opened by the bot, has
//     nothing yet.
func seedTerm(t *testing.T, gh *fakeReads, p policy.Policy) {
	t.Helper()
	gh.results["is:pr author:alice org:org created:>=2026-11-02"] = []*github.Issue{
		menteePR("org/app", 3, "alice", nov(3, 9)), menteePR("org/app", 5, "alice", nov(5, 10)), menteePR("org/lib", 2, "alice", nov(12, 9)),
	}
	gh.results["is:pr author:bob org:org created:>=2026-11-02"] = []*github.Issue{menteePR("org/app", 8, "bob", nov(10, 9))}
	gh.results[`is:issue org:org label:"mentee-task"`] = []*github.Issue{
		task("org/app", 40, "open", "bob"), task("org/app", 41, "closed", "alice"), task("org/app", 42, "open"),
	}
	merged := listed(3, "alice", nov(3, 9))
	merged.MergedAt, merged.ClosedAt = ts(nov(4, 9)), ts(nov(4, 9))
	gh.pulls["org/app"] = []*github.PullRequest{
		listed(1, "old", time.Date(2026, time.September, 20, 9, 0, 0, 0, time.UTC)),
		listed(2, "old", time.Date(2026, time.October, 20, 9, 0, 0, 0, time.UTC)),
		merged, listed(4, "someone", nov(5, 9)), listed(5, "alice", nov(5, 10)), listed(6, "dependabot[bot]", nov(7, 9)),
		listed(7, "third", nov(9, 9)), listed(8, "bob", nov(10, 9)), listed(9, "another", nov(11, 9)),
	}
	gh.pulls["org/lib"] = []*github.PullRequest{listed(1, "third", time.Date(2026, time.October, 25, 9, 0, 0, 0, time.UTC)), listed(2, "alice", nov(12, 9))}
	gh.timelines["org/app#3"] = []ghclient.TimelineEntry{reviewed(person("maint"), nov(3, 14))}
	gh.timelines["org/app#4"] = []ghclient.TimelineEntry{commented(person("maint"), nov(6, 15), "Thanks!")}
	gh.timelines["org/app#5"] = []ghclient.TimelineEntry{
		transition("ready_for_review", "alice", nov(6, 9)),
		reminder(markers.KindReviewWait, nov(10, 9)),
		commented(person("maint"), nov(11, 9), "Looking"),
	}
	gh.timelines["org/app#7"] = []ghclient.TimelineEntry{
		transition("convert_to_draft", "third", nov(9, 10)), transition("ready_for_review", "third", nov(10, 9)), reviewed(person("maint"), nov(10, 11)),
	}
	gh.timelines["org/app#8"] = []ghclient.TimelineEntry{
		commented(person("bob"), nov(12, 10), "ping"),
		commented(machine("ci[bot]"), nov(12, 11), "tests passed"),
		reminder(markers.KindReviewWait, nov(13, 10)),
		commented(person("bob"), nov(13, 12), "rebased"),
		reminder(markers.KindReviewEscalate, nov(16, 9)),
	}
	gh.timelines["org/lib#2"] = []ghclient.TimelineEntry{reviewed(machine("benchbot"), nov(12, 10)), commented(person("maint"), nov(13, 9), "Nice")}

	ctx := context.Background()
	gh.store.AddIssue("org", "mentorship", "maint", "Mentorship: @alice", "")
	bob := p.Mentees[1]
	gh.store.AddIssue("org", "mentorship", writeoncetest.Bot, onboard.TrackingTitle("bob", p.Program.Name), onboard.TrackingBody(onboard.NewData(p, bob)))
	checklist, err := onboard.Checklist(ctx, onboard.NewData(p, p.Mentees[0]), "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(checklist, "- [ ] ") < 3 {
		t.Fatalf("the checklist has fewer than three boxes:\n%s", checklist)
	}
	gh.store.AddComment(aliceIssue, writeoncetest.Bot, strings.Replace(checklist, "- [ ] ", "- [x] ", 2))
	gh.store.AddComment(aliceIssue, "mallory", strings.ReplaceAll(checklist, "- [ ] ", "- [x] ")+markers.New(markers.KindDigest, "2026-W52"))
	for _, w := range []string{"2026-W45", "2026-W46"} {
		gh.store.AddComment(aliceIssue, writeoncetest.Bot, "digest\n"+markers.New(markers.KindDigest, w))
	}
}

// summary writes what the dashboard gathered, one line per PR, reminder
// and mentee.
func summary(prog Programme) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s to %s\n", prog.Name, prog.From.Format(time.DateTime), prog.To.Format(time.DateTime))
	for _, pr := range prog.PRs {
		fmt.Fprintf(&b, "%s by %s:", pr.Ref(), pr.Author)
		if pr.Mentee {
			b.WriteString(" mentee")
		}
		if pr.Responded {
			fmt.Fprintf(&b, " first response %s", pr.FirstResponse)
		} else {
			b.WriteString(" no response")
		}
		if !pr.Merged.IsZero() {
			fmt.Fprintf(&b, ", merged %s", pr.Merged.Format(time.DateTime))
		}
		if pr.Suggested {
			b.WriteString(", reviewers suggested")
		}
		if pr.Escalated {
			b.WriteString(", escalated")
		}
		b.WriteString("\n")
	}
	for _, r := range prog.Reminders {
		fmt.Fprintf(&b, "reminder on %s at %s", r.PR, r.At.Format(time.DateTime))
		if !r.AnsweredAt.IsZero() {
			fmt.Fprintf(&b, ", answered at %s", r.AnsweredAt.Format(time.DateTime))
		}
		b.WriteString("\n")
	}
	for _, m := range prog.Mentees {
		fmt.Fprintf(&b, "%s: tracking %q, onboarding %d/%d, last digest %q, term report %v", m.Login, m.TrackingIssue, m.OnboardingDone, m.OnboardingTotal, m.LastDigest, m.TermReport)
		for _, t := range m.Tasks {
			fmt.Fprintf(&b, ", task %s open %v", t.Ref, t.Open)
		}
		for _, pr := range m.OpenPRs {
			fmt.Fprintf(&b, ", open %s", pr.Ref())
			if pr.NoResponseFor > 0 {
				fmt.Fprintf(&b, " without response for %s", pr.NoResponseFor)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func findTracking(w tracking.Opened, p policy.Policy) func(context.Context, string) (policy.IssueRef, bool, error) {
	return func(ctx context.Context, login string) (policy.IssueRef, bool, error) {
		return tracking.Find(ctx, w, p, login)
	}
}

// Gather reads each mentee's PRs by search and the other PRs of the same
// repositories from the listings, newest first until the term's start;
// leaves the dependency bot's PR out without reading it; measures each
// first response with draft time left out and bots' and the author's
// comments ignored; finds the bot's reminders and their answers on mentee
// PRs; and reads each mentee's row from the bot's own comments on their
// tracking issue.
func TestGather(t *testing.T) {
	store := writeoncetest.New()
	gh := newReads(store)
	p := termPolicy()
	seedTerm(t, gh, p)
	w := writeonce.New(store, writeoncetest.Bot)

	prog, err := Gather(context.Background(), []Org{{Owner: "org", Reads: gh}}, p, writeoncetest.Bot, nov(16, 10), findTracking(w, p))
	if err != nil {
		t.Fatal(err)
	}
	want := `LFX Mentorship 2026 Term 3, 2026-11-02 00:00:00 to 2026-11-16 10:00:00
org/app#3 by alice: mentee first response 5h0m0s, merged 2026-11-04 09:00:00
org/app#4 by someone: first response 30h0m0s
org/app#5 by alice: mentee first response 120h0m0s, reviewers suggested
org/app#7 by third: first response 3h0m0s
org/app#8 by bob: mentee no response, reviewers suggested, escalated
org/app#9 by another: no response
org/lib#2 by alice: mentee first response 24h0m0s
reminder on org/app#5 at 2026-11-10 09:00:00, answered at 2026-11-11 09:00:00
reminder on org/app#8 at 2026-11-13 10:00:00
alice: tracking "org/mentorship#1", onboarding 2/` + fmt.Sprint(prog.Mentees[0].OnboardingTotal) + `, last digest "2026-W46", term report false, task org/app#41 open false, open org/app#5, open org/lib#2
bob: tracking "org/mentorship#2", onboarding 0/0, last digest "", term report false, task org/app#40 open true, open org/app#8 without response for 145h0m0s
`
	if got := summary(prog); got != want {
		t.Errorf("gathered:\n%s\nwant:\n%s", got, want)
	}
	if prog.AnswerWithin != 72*time.Hour {
		t.Errorf("answer within %s, want the policy's review wait", prog.AnswerWithin)
	}
	if got, want := gh.Take(), []string{
		"search is:pr author:alice org:org created:>=2026-11-02",
		"search is:pr author:bob org:org created:>=2026-11-02",
		// Newest first, two to a page: page 4 reaches org/app#2, from
		// before the term, and org/app#1 on page 5 is never read.
		"list pulls org/app page 1", "list pulls org/app page 2", "list pulls org/app page 3", "list pulls org/app page 4",
		"list pulls org/lib page 1",
		// Every PR but the dependency bot's.
		"timeline org/app#3", "timeline org/app#4", "timeline org/app#5", "timeline org/app#7", "timeline org/app#8", "timeline org/app#9", "timeline org/lib#2",
		`search is:issue org:org label:"mentee-task"`,
		"comments org/mentorship#1", "comments org/mentorship#2",
	}; !slices.Equal(got, want) {
		t.Errorf("reads:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// bob's tracking issue is found among the issues the bot opened.
	if got := store.Calls(); !slices.Equal(got, []string{"list issues org/mentorship"}) {
		t.Errorf("writer's reads %q", got)
	}
}

// Without a task label there is no task search; without mentees' PRs
// there is nothing to list or read.
func TestGatherQuietTerm(t *testing.T) {
	store := writeoncetest.New()
	gh := newReads(store)
	p := termPolicy()
	p.Labels.MenteeTask = ""
	p.Mentees[1].TrackingIssue = bobIssue.String()
	prog, err := Gather(context.Background(), []Org{{Owner: "org", Reads: gh}}, p, writeoncetest.Bot, nov(16, 10), findTracking(writeonce.New(store, writeoncetest.Bot), p))
	if err != nil {
		t.Fatal(err)
	}
	if len(prog.PRs) != 0 || len(prog.Reminders) != 0 || len(prog.Mentees) != 2 {
		t.Errorf("gathered %s", summary(prog))
	}
	if got, want := gh.Take(), []string{
		"search is:pr author:alice org:org created:>=2026-11-02", "search is:pr author:bob org:org created:>=2026-11-02",
		"comments org/mentorship#1", "comments org/mentorship#2",
	}; !slices.Equal(got, want) {
		t.Errorf("reads %q, want %q", got, want)
	}
}

// A programme shared by two orgs: each org's PRs, listings, timelines and
// tasks are read with its own installation; the tracking issues, in the
// first org, with the first.
func TestGatherTwoOrgs(t *testing.T) {
	store := writeoncetest.New()
	lead, peer := newReads(store), newReads(store)
	p := termPolicy()
	p.Mentees[1].TrackingIssue = bobIssue.String()
	peer.results["is:pr author:bob org:other created:>=2026-11-02"] = []*github.Issue{menteePR("other/db", 4, "bob", nov(9, 9))}
	peer.pulls["other/db"] = []*github.PullRequest{listed(4, "bob", nov(9, 9)), listed(5, "someone", nov(10, 9))}
	peer.timelines["other/db#4"] = []ghclient.TimelineEntry{commented(person("dba"), nov(9, 13), "Welcome!")}
	peer.results[`is:issue org:other label:"mentee-task"`] = []*github.Issue{task("other/db", 9, "open", "bob")}

	prog, err := Gather(context.Background(), []Org{{Owner: "org", Reads: lead}, {Owner: "other", Reads: peer}}, p, writeoncetest.Bot, nov(16, 10),
		findTracking(writeonce.New(store, writeoncetest.Bot), p))
	if err != nil {
		t.Fatal(err)
	}
	want := `LFX Mentorship 2026 Term 3, 2026-11-02 00:00:00 to 2026-11-16 10:00:00
other/db#4 by bob: mentee first response 4h0m0s
other/db#5 by someone: no response
alice: tracking "org/mentorship#1", onboarding 0/0, last digest "", term report false
bob: tracking "org/mentorship#2", onboarding 0/0, last digest "", term report false, task other/db#9 open true, open other/db#4
`
	if got := summary(prog); got != want {
		t.Errorf("gathered:\n%s\nwant:\n%s", got, want)
	}
	if got, want := lead.Take(), []string{
		"search is:pr author:alice org:org created:>=2026-11-02", "search is:pr author:bob org:org created:>=2026-11-02",
		`search is:issue org:org label:"mentee-task"`,
		"comments org/mentorship#1", "comments org/mentorship#2",
	}; !slices.Equal(got, want) {
		t.Errorf("the lead read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := peer.Take(), []string{
		"search is:pr author:alice org:other created:>=2026-11-02", "search is:pr author:bob org:other created:>=2026-11-02",
		"list pulls other/db page 1",
		"timeline other/db#4", "timeline other/db#5",
		`search is:issue org:other label:"mentee-task"`,
	}; !slices.Equal(got, want) {
		t.Errorf("the peer read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The first response read from a timeline, as Gather reads it.
func TestFirstResponseFromTimeline(t *testing.T) {
	const author = "alice"
	opened := nov(2, 9)
	for _, tc := range []struct {
		name string
		tl   []ghclient.TimelineEntry
		want time.Duration // 0: no response
	}{
		{"a review", []ghclient.TimelineEntry{reviewed(person("maint"), nov(2, 14))}, 5 * time.Hour},
		{"the author, a [bot] and a Bot-typed machine user do not respond",
			[]ghclient.TimelineEntry{commented(person(author), nov(2, 10), "ping"), commented(machine("ci[bot]"), nov(2, 11), "ok"), reviewed(machine("benchbot"), nov(2, 12)), commented(person("maint"), nov(2, 13), "hi")},
			4 * time.Hour},
		{"opened as a draft", []ghclient.TimelineEntry{transition("ready_for_review", author, nov(3, 9)), commented(person("maint"), nov(3, 11), "hi")}, 2 * time.Hour},
		{"in draft for a day", []ghclient.TimelineEntry{transition("convert_to_draft", author, nov(2, 10)), transition("ready_for_review", author, nov(3, 10)), commented(person("maint"), nov(3, 12), "hi")}, 3 * time.Hour},
		{"nobody", []ghclient.TimelineEntry{commented(person(author), nov(2, 10), "ping")}, 0},
		// reviews.bots names machine users GitHub types as users: they do
		// not answer a PR here either, as for the review-wait reminders.
		{"a machine user of reviews.bots does not respond",
			[]ghclient.TimelineEntry{commented(person("ci-runner"), nov(2, 10), "tests passed"), commented(person("maint"), nov(2, 12), "hi")},
			3 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acts, draft := activities(tc.tl, turn.ReadThread(tc.tl), turn.People{Bots: []string{"ci-runner"}})
			d, ok := FirstResponse(opened, draft, author, acts)
			if ok != (tc.want != 0) || d != tc.want {
				t.Errorf("first response %s, %v; want %s", d, ok, tc.want)
			}
		})
	}
}

// A PR a roster member opened before their own term started counts with
// the other PRs, not as a mentee's.
func TestGatherMenteePRsOfTheirTermOnly(t *testing.T) {
	store := writeoncetest.New()
	gh := newReads(store)
	p := termPolicy()
	seedTerm(t, gh, p)
	p.Mentees[1].Start = policy.Date{Year: 2026, Month: 11, Day: 11} // bob's org/app#8 is from 10 November
	prog, err := Gather(context.Background(), []Org{{Owner: "org", Reads: gh}}, p, writeoncetest.Bot, nov(16, 10), findTracking(writeonce.New(store, writeoncetest.Bot), p))
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range prog.PRs {
		if pr.Ref() == "org/app#8" && pr.Mentee {
			t.Errorf("%s, opened before bob's term, counted as a mentee's PR", pr.Ref())
		}
		if pr.Ref() == "org/app#3" && !pr.Mentee {
			t.Errorf("%s, opened in alice's term, not counted as a mentee's PR", pr.Ref())
		}
	}
}
