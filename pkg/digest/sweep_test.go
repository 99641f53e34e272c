package digest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"
	"github.com/thanos-community/mentorbot/pkg/turn"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// fakeGitHub is a recording digest.GitHub of one installation. Searches
// answer from results, keyed by the query without its dates (updated:>=…,
// created:>=…), a hundred to a page; a query containing failOn fails.
// Timelines, comments and reviews answer by "owner/repo#n". The comments of
// an issue include those in store, where the sweep writes through
// writeonce, so that a second run reads back what the first wrote, as on
// GitHub. The embedded API is nil: a call outside digest.GitHub panics.
type fakeGitHub struct {
	ghclienttest.Recorder
	ghclient.API
	store *writeoncetest.Issues

	results   map[string][]*github.Issue
	failOn    string
	timelines map[string][]ghclient.TimelineEntry
	comments  map[string][]*github.IssueComment
	reviews   map[string][]*github.PullRequestReview
}

func newFake(store *writeoncetest.Issues) *fakeGitHub {
	return &fakeGitHub{
		store: store, results: map[string][]*github.Issue{}, timelines: map[string][]ghclient.TimelineEntry{},
		comments: map[string][]*github.IssueComment{}, reviews: map[string][]*github.PullRequestReview{},
	}
}

// searches counts the search requests among calls.
func searches(calls []string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, "search ") {
			n++
		}
	}
	return n
}

// queryKey is q without its date qualifiers.
func queryKey(q string) string {
	var kept []string
	for _, f := range strings.Fields(q) {
		if !strings.HasPrefix(f, "updated:") && !strings.HasPrefix(f, "created:") {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, " ")
}

func (f *fakeGitHub) SearchIssues(_ context.Context, q string, o *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error) {
	f.Record("search %s", q)
	if f.failOn != "" && strings.Contains(q, f.failOn) {
		return nil, nil, errors.New("502 Bad Gateway")
	}
	all := f.results[queryKey(q)]
	page := max(o.Page, 1)
	lo, hi := min((page-1)*100, len(all)), min(page*100, len(all))
	resp := &github.Response{}
	if hi < len(all) {
		resp.NextPage = page + 1
	}
	return &github.IssuesSearchResult{Total: github.Int(len(all)), Issues: all[lo:hi]}, resp, nil
}

func (f *fakeGitHub) Timeline(_ context.Context, owner, repo string, n int) ([]ghclient.TimelineEntry, error) {
	f.Record("timeline %s/%s#%d", owner, repo, n)
	return f.timelines[fmt.Sprintf("%s/%s#%d", owner, repo, n)], nil
}

func (f *fakeGitHub) PullCommits(_ context.Context, owner, repo string, n, _ int) ([]*github.RepositoryCommit, error) {
	f.Record("commits %s/%s#%d", owner, repo, n)
	return nil, nil
}

func (f *fakeGitHub) Comments(_ context.Context, owner, repo string, n int, _ time.Time, _ int) ([]*github.IssueComment, error) {
	f.Record("comments %s/%s#%d", owner, repo, n)
	out := slices.Clone(f.comments[fmt.Sprintf("%s/%s#%d", owner, repo, n)])
	return append(out, f.store.Comments(policy.IssueRef{Owner: owner, Repo: repo, Number: n})...), nil
}

func (f *fakeGitHub) Reviews(_ context.Context, owner, repo string, n int) ([]*github.PullRequestReview, error) {
	f.Record("reviews %s/%s#%d", owner, repo, n)
	return f.reviews[fmt.Sprintf("%s/%s#%d", owner, repo, n)], nil
}

// nov is a time in November 2026, in UTC; the default schedule posts on
// Mondays at 09:00, so the run on Monday 16 November posts 2026-W46, which
// covers 9 November 09:00 to 16 November 09:00.
func nov(d, h int) time.Time { return time.Date(2026, time.November, d, h, 0, 0, 0, time.UTC) }

func ts(t time.Time) *github.Timestamp { return &github.Timestamp{Time: t} }

func user(login string) *github.User {
	return &github.User{Login: github.String(login), Type: github.String("User")}
}

// issue is a search result: an open issue of repo by author.
func issue(repo string, n int, author, title string, created time.Time) *github.Issue {
	return &github.Issue{
		Number: github.Int(n), Title: github.String(title), State: github.String("open"), User: user(author),
		RepositoryURL: github.String("https://api.github.com/repos/" + repo),
		HTMLURL:       github.String(fmt.Sprintf("https://github.com/%s/issues/%d", repo, n)),
		CreatedAt:     ts(created), UpdatedAt: ts(created),
	}
}

// pull is a search result: an open pull request.
func pull(repo string, n int, author, title string, created time.Time) *github.Issue {
	is := issue(repo, n, author, title, created)
	is.HTMLURL = github.String(fmt.Sprintf("https://github.com/%s/pull/%d", repo, n))
	is.PullRequestLinks = &github.PullRequestLinks{}
	return is
}

func merged(is *github.Issue, at time.Time) *github.Issue {
	is.State, is.ClosedAt, is.UpdatedAt, is.PullRequestLinks.MergedAt = github.String("closed"), ts(at), ts(at), ts(at)
	return is
}

var (
	aliceIssue = policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 1}
	bobIssue   = policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 2}
)

// sweepPolicy is a term from 1 September to Monday 30 November 2026 with
// waits counted in calendar time.
func sweepPolicy(mentees ...policy.Mentee) policy.Policy {
	p := policy.Default()
	p.Program.Name = "LFX Mentorship 2026 Term 3"
	p.Reviews.BusinessDays = false
	if len(mentees) == 0 {
		mentees = []policy.Mentee{mentee("alice", aliceIssue)}
	}
	p.Mentees = mentees
	return p
}

func mentee(login string, ref policy.IssueRef) policy.Mentee {
	m := policy.Mentee{Login: login, Mentors: []string{"mentor"}, Start: policy.Date{Year: 2026, Month: 9, Day: 1}, End: policy.Date{Year: 2026, Month: 11, Day: 30}}
	if ref.Number != 0 {
		m.TrackingIssue = ref.String()
	}
	return m
}

// seedAliceWeek gives alice, in 2026-W46: a merged PR, a PR open for four
// days without a response, a review of someone else's PR, an assigned task
// and a comment on someone's issue; and a PR merged the week before, which
// the digest leaves out. Her term's PR search finds the PRs, the issue
// search the task and the issue, the review search the reviewed PR.
func seedAliceWeek(f *fakeGitHub) {
	f.results["is:pr author:alice org:org"] = []*github.Issue{
		merged(pull("org/app", 9, "alice", "old merged work", nov(3, 10)), nov(5, 10)),
		merged(pull("org/app", 10, "alice", "store: faster postings", nov(10, 11)), nov(12, 15)),
		pull("org/app", 11, "alice", "query: add a flag", nov(12, 10)),
	}
	task := issue("org/app", 13, "mentor", "Document receive limits", nov(2, 10))
	task.Labels = []*github.Label{{Name: github.String("mentee-task")}}
	task.Assignees = []*github.User{user("alice")}
	asked := issue("org/app", 14, "someone", "Flaky store test", nov(4, 10))
	asked.Comments, asked.UpdatedAt = github.Int(1), ts(nov(13, 12))
	f.results["is:issue involves:alice org:org"] = []*github.Issue{task, asked}
	f.comments["org/app#14"] = []*github.IssueComment{{User: user("alice"), Body: github.String("I can reproduce it"), CreatedAt: ts(nov(13, 12))}}
	f.results["is:pr reviewed-by:alice org:org"] = []*github.Issue{pull("org/app", 12, "mentor", "compact: dedup blocks", nov(5, 10))}
	f.reviews["org/app#12"] = []*github.PullRequestReview{{User: user("alice"), State: github.String("COMMENTED"), SubmittedAt: ts(nov(11, 14))}}
}

// aliceWeekReads are the reads of alice's digest for 2026-W46 after
// seedAliceWeek: what the tracking issue holds, then three searches and
// the reads that confirm what they found.
var aliceWeekReads = []string{
	"comments org/mentorship#1",
	"search is:pr author:alice updated:>=2026-09-01T00:00:00Z org:org",
	"timeline org/app#11", // the open PR's wait
	"search is:issue involves:alice updated:>=2026-09-01T00:00:00Z org:org",
	"comments org/app#14", // did alice comment in the week?
	"search is:pr reviewed-by:alice updated:>=2026-11-09T09:00:00Z org:org",
	"reviews org/app#12", // when did alice review?
}

// world is one installation's GitHub for a sweep: reads through gh, writes
// through the real writeonce.Writer over store.
type world struct {
	store *writeoncetest.Issues
	gh    *fakeGitHub
	sweep *Sweep
	// slept counts the pacers' waits: each installation may search three
	// times a minute here, so a wait means one installation's budget paid
	// for another's searches.
	slept int
	lines []string
}

func newWorld() *world {
	w := &world{store: writeoncetest.New()}
	w.gh = newFake(w.store)
	w.sweep = &Sweep{Pacers: &ghclient.Pacers{New: func() *ghclient.Pacer {
		return &ghclient.Pacer{Limit: 3, Sleep: func(context.Context, time.Duration) error { w.slept++; return nil }}
	}}}
	return w
}

func (w *world) inst(p policy.Policy, now time.Time) job.Installation {
	return job.Installation{
		ID: 1, GitHub: w.gh, Write: writeonce.New(w.store, writeoncetest.Bot), Owner: "org",
		Policy: p, Org: p, Lead: true, Now: now, Bot: job.Identity{Slug: "mentorbot"},
		Report: func(format string, args ...any) { w.lines = append(w.lines, fmt.Sprintf(format, args...)) },
	}
}

func (w *world) run(t *testing.T, p policy.Policy, now time.Time) {
	t.Helper()
	if err := w.sweep.Sweep(context.Background(), w.inst(p, now)); err != nil {
		t.Fatalf("sweep at %s: %v", now, err)
	}
}

// markersOn returns each bot comment on ref as its digest markers,
// "kind:key" joined by "+", oldest first.
func markersOn(store *writeoncetest.Issues, ref policy.IssueRef) []string {
	var out []string
	for _, c := range store.Comments(ref) {
		if c.GetUser().GetLogin() != writeoncetest.Bot {
			continue
		}
		var ks []string
		for _, m := range markers.Parse(c.GetBody()) {
			ks = append(ks, m.Kind+":"+m.Key)
		}
		out = append(out, strings.Join(ks, "+"))
	}
	return out
}

func bodyOf(t *testing.T, store *writeoncetest.Issues, ref policy.IssueRef, kind string) string {
	t.Helper()
	bodies := store.Marked(ref, kind)
	if len(bodies) != 1 {
		t.Fatalf("%d comments marked %s on %s, want 1", len(bodies), kind, ref)
	}
	return bodies[0]
}

// The week's digest is gathered with three searches and the reads that
// confirm what they found, written once, and not written again: a second
// run in the same week reads the tracking issue's comments and stops. A
// stranger who pastes the digest's marker suppresses nothing.
func TestSweepPostsTheDigestOnce(t *testing.T) {
	w := newWorld()
	seedAliceWeek(w.gh)
	w.store.AddComment(aliceIssue, "mallory", markers.New(KindDigest, "2026-W46"))
	p := sweepPolicy()
	w.run(t, p, nov(16, 10))

	if got, want := w.gh.Take(), aliceWeekReads; !slices.Equal(got, want) {
		t.Errorf("reads:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := w.store.Calls(), []string{"list comments org/mentorship#1", "create comment org/mentorship#1", "list comments org/mentorship#1"}; !slices.Equal(got, want) {
		t.Errorf("writer's calls %q, want %q (find, write, settle)", got, want)
	}
	body := bodyOf(t, w.store, aliceIssue, KindDigest)
	for _, want := range []string{
		"### Weekly digest for @alice: 2026-W46",
		"- merged [org/app\\#10](https://github.com/org/app/pull/10) store: faster postings",
		"- still open [org/app\\#11](https://github.com/org/app/pull/11) query: add a flag, waiting 4d for a review (past the wait)",
		"[org/app\\#12](https://github.com/org/app/pull/12) compact: dedup blocks",
		"[org/app\\#13](https://github.com/org/app/issues/13) Document receive limits",
		"[org/app\\#14](https://github.com/org/app/issues/14) Flaky store test",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "old merged work") {
		t.Errorf("digest lists last week's merge:\n%s", body)
	}
	if _, f, ok := FromComment(body); !ok || f.Merged != 1 || f.Open != 1 || f.Reviews != 1 || f.Tasks != 1 || f.IssuesCommented != 1 {
		t.Errorf("digest marker figures %+v, %v", f, ok)
	}
	if len(w.lines) != 1 || !strings.HasPrefix(w.lines[0], "digest 2026-W46: comment on org/mentorship#1:\n### Weekly digest for @alice") {
		t.Errorf("report %q", w.lines)
	}

	w.lines = nil
	w.run(t, p, nov(16, 11))
	if got := w.gh.Take(); !slices.Equal(got, []string{"comments org/mentorship#1"}) {
		t.Errorf("second run read %q, want the tracking issue's comments only", got)
	}
	if c := w.store.Calls(); len(c) != 3 {
		t.Errorf("after two runs the writer was asked %q, want only the first run's three calls", c)
	}
	if got := markersOn(w.store, aliceIssue); len(got) != 1 {
		t.Errorf("comments after two runs: %q", got)
	}
	if want := []string{"digest 2026-W46 for @alice on org/mentorship#1: already posted"}; !slices.Equal(w.lines, want) {
		t.Errorf("report %q, want %q", w.lines, want)
	}

	// Next week, the trend comes from last week's marker.
	w.run(t, p, nov(23, 10))
	var w47 string
	for _, b := range w.store.Marked(aliceIssue, KindDigest) {
		if Posted(b, Week{Year: 2026, Week: 47}) {
			w47 = b
		}
	}
	if !strings.Contains(w47, "Since last week: opened 0 (-2), merged 0 (-1)") {
		t.Errorf("week 47 lacks the trend against week 46:\n%s", w47)
	}
}

// Outside the digest's moment and a mentee's term, the sweep reads nothing
// and writes nothing: it runs hourly.
func TestSweepNothingDue(t *testing.T) {
	friday := sweepPolicy()
	friday.Digest.Weekday = policy.Weekday(time.Friday)
	ended := mentee("carol", aliceIssue)
	ended.Start, ended.End = policy.Date{Year: 2026, Month: 6, Day: 1}, policy.Date{Year: 2026, Month: 8, Day: 31}
	later := mentee("dave", aliceIssue)
	later.Start, later.End = policy.Date{Year: 2027, Month: 1, Day: 4}, policy.Date{Year: 2027, Month: 3, Day: 31}
	for _, tc := range []struct {
		name string
		p    policy.Policy
		now  time.Time
	}{
		{"Monday before the digest's hour", sweepPolicy(), nov(16, 8).Add(59 * time.Minute)},
		{"Monday, digests on Fridays", friday, nov(16, 10)},
		{"term ended in August", sweepPolicy(ended), nov(16, 10)},
		{"term starts next year", sweepPolicy(later), nov(16, 10)},
		// The last digest was on 7 December and the programme-end texts
		// were due until a week after the term.
		{"two weeks after the term", sweepPolicy(), time.Date(2026, time.December, 14, 10, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			seedAliceWeek(w.gh)
			w.run(t, tc.p, tc.now)
			if c := w.gh.Take(); len(c) != 0 {
				t.Errorf("read %q", c)
			}
			if c := w.store.Calls(); len(c) != 0 {
				t.Errorf("writer called %q", c)
			}
			if len(w.lines) != 0 {
				t.Errorf("report %q", w.lines)
			}
		})
	}
}

// A mentee without a tracking issue is skipped, without a search, until
// enrolment opens one; an issue the bot opened in program.tracking_repo is
// found by its marker, one a stranger opened with the same marker is not.
func TestSweepTrackingIssue(t *testing.T) {
	erin := mentee("erin", policy.IssueRef{})
	for _, tc := range []struct {
		name         string
		trackingRepo string
		issues       []string // who opened a tracking issue for erin, in order
		want         policy.IssueRef
		writerCalls  []string
	}{
		{"no tracking issue, nowhere to open one", "", nil, policy.IssueRef{}, nil},
		{"enrolment has not opened one yet", "org/mentorship", nil, policy.IssueRef{}, []string{"list issues org/mentorship"}},
		{"a stranger's copy does not count", "org/mentorship", []string{"mallory"}, policy.IssueRef{}, []string{"list issues org/mentorship"}},
		{"the bot's issue", "org/mentorship", []string{"mallory", writeoncetest.Bot}, policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 2}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			p := sweepPolicy(erin)
			p.Program.TrackingRepo = tc.trackingRepo
			for _, by := range tc.issues {
				w.store.AddIssue("org", "mentorship", by, onboarding.TrackingTitle("erin", p.Program.Name), onboarding.TrackingBody(onboarding.NewData(p, erin)))
			}
			w.run(t, p, nov(16, 10))
			if tc.want.Number == 0 {
				if c := w.gh.Take(); len(c) != 0 {
					t.Errorf("read %q for a mentee without a tracking issue", c)
				}
				if c := w.store.Calls(); !slices.Equal(c, tc.writerCalls) {
					t.Errorf("writer called %q, want %q", c, tc.writerCalls)
				}
				if want := []string{"digest: @erin has no tracking issue yet, skipped"}; !slices.Equal(w.lines, want) {
					t.Errorf("report %q, want %q", w.lines, want)
				}
				return
			}
			if got := markersOn(w.store, tc.want); !slices.Equal(got, []string{"digest:2026-W46"}) {
				t.Errorf("comments on %s: %q", tc.want, got)
			}
			if n := searches(w.gh.Take()); n != 3 {
				t.Errorf("%d searches, want 3", n)
			}
		})
	}
}

// The programme's end, for alice whose last day is Monday 30 November: the
// last digest before it carries the retrospective reminder, the template
// comes on the last day, the end-of-term report the day after, each once,
// and only what is due costs searches.
func TestSweepProgrammeEnd(t *testing.T) {
	dec := func(d, h int) time.Time { return time.Date(2026, time.December, d, h, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name     string
		now      time.Time
		seed     []markers.Marker // what the bot wrote before
		want     []string         // the comments written, as their markers
		searches int
	}{
		{"the last digest before the end carries the reminder", nov(23, 10), nil, []string{"digest:2026-W47+retro-reminder:alice"}, 3},
		{"the reminder once", nov(23, 10), []markers.Marker{{Kind: KindRetroReminder, Key: "alice"}}, []string{"digest:2026-W47"}, 3},
		{"the template on the last day costs no search", nov(30, 8), nil, []string{"retro:alice"}, 0},
		{
			"the day after: digest, template and report", dec(1, 8), nil,
			[]string{"digest:2026-W48", "retro:alice", "term-report:alice"}, 6,
		},
		{
			"all posted", dec(1, 8),
			[]markers.Marker{{Kind: KindDigest, Key: "2026-W48"}, {Kind: KindRetro, Key: "alice"}, {Kind: KindTermReport, Key: "alice"}},
			nil, 0,
		},
		{
			"the digest after the end covers its last days", dec(7, 10),
			[]markers.Marker{{Kind: KindRetro, Key: "alice"}, {Kind: KindTermReport, Key: "alice"}},
			[]string{"digest:2026-W49"}, 3,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			seedAliceWeek(w.gh)
			for _, m := range tc.seed {
				w.store.AddComment(aliceIssue, writeoncetest.Bot, m.String())
			}
			w.run(t, sweepPolicy(), tc.now)
			got := markersOn(w.store, aliceIssue)[len(tc.seed):]
			if !slices.Equal(got, tc.want) {
				t.Errorf("written %q, want %q", got, tc.want)
			}
			calls := w.gh.Take()
			if n := searches(calls); n != tc.searches {
				t.Errorf("%d searches, want %d: %q", n, tc.searches, calls)
			}
			if tc.want == nil && !slices.Equal(calls, []string{"comments org/mentorship#1"}) {
				t.Errorf("with everything posted, read %q", calls)
			}
			for _, b := range w.store.Marked(aliceIssue, KindTermReport) {
				if len(tc.seed) == 0 && (!strings.Contains(b, "### End-of-term report: @alice") || !strings.Contains(b, "store: faster postings (org/app\\#10)")) {
					t.Errorf("term report:\n%s", b)
				}
			}
		})
	}
}

// A programme shared by two orgs: each org is searched, and its PRs read,
// with its own installation's GitHub and search budget, and both count in
// one digest.
func TestSweepProgrammeOfTwoOrgs(t *testing.T) {
	w := newWorld()
	seedAliceWeek(w.gh)
	other := newFake(w.store)
	other.results["is:pr author:alice org:other"] = []*github.Issue{pull("other/lib", 5, "alice", "lib: fix a leak", nov(13, 10))}
	other.results["is:pr reviewed-by:alice org:other"] = []*github.Issue{pull("other/lib", 6, "maint", "lib: docs", nov(10, 10))}
	other.reviews["other/lib#6"] = []*github.PullRequestReview{{User: user("alice"), State: github.String("APPROVED"), SubmittedAt: ts(nov(12, 10))}}
	inst := w.inst(sweepPolicy(), nov(16, 10))
	inst.Peers = []job.Peer{{ID: 2, GitHub: other, Owner: "other"}}
	if err := w.sweep.Sweep(context.Background(), inst); err != nil {
		t.Fatal(err)
	}
	if got, want := w.gh.Take(), aliceWeekReads; !slices.Equal(got, want) {
		t.Errorf("the lead installation read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := other.Take(), []string{
		"search is:pr author:alice updated:>=2026-09-01T00:00:00Z org:other",
		"timeline other/lib#5",
		"search is:issue involves:alice updated:>=2026-09-01T00:00:00Z org:other",
		"search is:pr reviewed-by:alice updated:>=2026-11-09T09:00:00Z org:other",
		"reviews other/lib#6",
	}; !slices.Equal(got, want) {
		t.Errorf("the peer installation read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w.slept != 0 {
		t.Errorf("the pacers waited %d times: the orgs' searches were paced together", w.slept)
	}
	body := bodyOf(t, w.store, aliceIssue, KindDigest)
	for _, want := range []string{"[other/lib\\#5](https://github.com/other/lib/pull/5) lib: fix a leak", "[other/lib\\#6](https://github.com/other/lib/pull/6) lib: docs", "[org/app\\#10]"} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
}

// A failed read writes nothing for that mentee, the others still get
// theirs, and the error says whose and what.
func TestSweepReadFails(t *testing.T) {
	t.Run("a search of the week", func(t *testing.T) {
		w := newWorld()
		seedAliceWeek(w.gh)
		w.gh.failOn = "involves:alice"
		err := w.sweep.Sweep(context.Background(), w.inst(sweepPolicy(mentee("alice", aliceIssue), mentee("bob", bobIssue)), nov(16, 10)))
		if err == nil || !strings.Contains(err.Error(), "mentee alice: gather activity for 2026-W46: ") || !strings.Contains(err.Error(), "502") {
			t.Fatalf("error %v", err)
		}
		if got := markersOn(w.store, aliceIssue); len(got) != 0 {
			t.Errorf("alice's issue got %q", got)
		}
		if got := markersOn(w.store, bobIssue); !slices.Equal(got, []string{"digest:2026-W46"}) {
			t.Errorf("bob's issue got %q, want his digest", got)
		}
	})
	// The term's search fails after the week's succeeded: the digest, due
	// too, waits for the next run with the rest.
	t.Run("a search of the term", func(t *testing.T) {
		w := newWorld()
		seedAliceWeek(w.gh)
		w.gh.failOn = "created:>="
		err := w.sweep.Sweep(context.Background(), w.inst(sweepPolicy(), time.Date(2026, time.December, 1, 8, 0, 0, 0, time.UTC)))
		if err == nil || !strings.Contains(err.Error(), "mentee alice: gather the term's activity: ") {
			t.Fatalf("error %v", err)
		}
		if wr := w.store.Writes(); len(wr) != 0 {
			t.Errorf("wrote %q", wr)
		}
	})
	t.Run("GitHub refuses the comment", func(t *testing.T) {
		w := newWorld()
		seedAliceWeek(w.gh)
		w.store.FailWrites = 403
		err := w.sweep.Sweep(context.Background(), w.inst(sweepPolicy(), nov(16, 10)))
		if err == nil || !strings.Contains(err.Error(), "mentee alice: post digest 2026-W46 on org/mentorship#1: ") {
			t.Fatalf("error %v", err)
		}
		if got := markersOn(w.store, aliceIssue); len(got) != 0 {
			t.Errorf("alice's issue holds %q", got)
		}
	})
}

// A digest costs three searches per mentee, whatever they did: their PRs,
// the issues they are involved in, the PRs they reviewed; one more page per
// hundred results.
func TestSweepSearchesPerMentee(t *testing.T) {
	w := newWorld()
	seedAliceWeek(w.gh)
	for i := range 150 {
		// bob's PRs of September, merged long ago: two pages.
		w.gh.results["is:pr author:bob org:org"] = append(w.gh.results["is:pr author:bob org:org"],
			merged(pull("org/app", 100+i, "bob", "old", time.Date(2026, time.September, 2, 10, 0, 0, 0, time.UTC)), time.Date(2026, time.September, 3, 10, 0, 0, 0, time.UTC)))
	}
	carol := policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 3}
	w.run(t, sweepPolicy(mentee("alice", aliceIssue), mentee("bob", bobIssue), mentee("carol", carol)), nov(16, 10))
	per := map[string][]string{}
	for _, c := range w.gh.Take() {
		q, ok := strings.CutPrefix(c, "search ")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(q) {
			if _, login, ok := strings.Cut(f, ":"); ok && slices.Contains([]string{"alice", "bob", "carol"}, login) {
				per[login] = append(per[login], strings.Fields(q)[0]+" "+strings.Split(f, ":")[0])
			}
		}
	}
	for login, want := range map[string][]string{
		"alice": {"is:pr author", "is:issue involves", "is:pr reviewed-by"},
		"bob":   {"is:pr author", "is:pr author", "is:issue involves", "is:pr reviewed-by"},
		"carol": {"is:pr author", "is:issue involves", "is:pr reviewed-by"},
	} {
		if !slices.Equal(per[login], want) {
			t.Errorf("%s: searches %q, want %q", login, per[login], want)
		}
	}
	for _, ref := range []policy.IssueRef{aliceIssue, bobIssue, carol} {
		if got := markersOn(w.store, ref); !slices.Equal(got, []string{"digest:2026-W46"}) {
			t.Errorf("%s: %q", ref, got)
		}
	}
}

// The digest reads a PR's wait as the reminders do: the mentee's mentors end
// the reviewers' turn whatever their association with the repository, and
// a repository's own reviews policy sets its wait.
func TestWeekWaitAsTheRemindersReadIt(t *testing.T) {
	mentorComment := ghclient.TimelineEntry{
		Timeline: github.Timeline{
			Event: github.String("commented"), User: user("mentor-one"), Actor: user("mentor-one"),
			CreatedAt: ts(nov(12, 12)), Body: github.String("Looks close, one question inline."),
		},
		AuthorAssociation: "NONE",
	}
	now := nov(16, 10)
	for _, tc := range []struct {
		name     string
		mentors  []string
		repoWait time.Duration
		want     turn.State
		over     bool
	}{
		{name: "a stranger's comment changes nothing", want: turn.Reviewers, over: true},
		{name: "the mentor's comment hands the turn to the author", mentors: []string{"mentor-one"}, want: turn.Author, over: false},
		{name: "the repository's longer wait", repoWait: 10 * 24 * time.Hour, want: turn.Reviewers, over: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(writeoncetest.New())
			f.results["is:pr author:alice org:org"] = []*github.Issue{pull("org/app", 11, "alice", "query: add a flag", nov(9, 10))}
			f.timelines["org/app#11"] = []ghclient.TimelineEntry{mentorComment}
			org := policy.Default().Reviews
			src := &Source{GitHub: f, Qualifier: "org:org", Reviews: org, Mentors: tc.mentors}
			if tc.repoWait != 0 {
				src.RepoReviews = func(repo string) policy.Reviews {
					r := org
					if repo == "org/app" {
						r.Wait = policy.Duration(tc.repoWait)
					}
					return r
				}
			}
			d, err := src.Week(context.Background(), "alice", nov(9, 0), nov(16, 0), nov(1, 0), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Open) != 1 || d.Open[0].Turn != tc.want || d.Open[0].OverWait != tc.over {
				t.Fatalf("open PRs %+v, want turn %s, over the wait %v", d.Open, tc.want, tc.over)
			}
		})
	}
}
