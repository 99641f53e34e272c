package reviews

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// fakeGitHub is a recording, in-memory GitHub of the sweep's own interface
// for the org "o": the pull requests its search finds, their timelines and
// files, the repositories' files and history, who is a member or
// collaborator, and the labels and review requests the sweep changes. The
// bot's comments are kept by writeoncetest under the real writer and show
// on the timelines, as on GitHub.
type fakeGitHub struct {
	ghclienttest.Recorder
	mu       sync.Mutex
	now      time.Time
	comments *writeoncetest.Issues
	pulls    []*fakePull
	// files are the default branches' files by "owner/repo:path".
	files map[string]string
	// history answers Commits by "owner/repo path" ("owner/repo" alone for
	// the default branch, "owner/repo author:login" for one person).
	history map[string][]*github.RepositoryCommit
	members []string
	collab  map[string]bool // "owner/repo/login"
	open    map[string]int  // open review requests by login
	// refuse makes an operation fail ("request reviewers", "add labels").
	refuse map[string]error
}

type fakePull struct {
	owner, repo string
	number      int
	author      string
	createdAt   time.Time
	labels      []string
	files       []string
	// events are the timeline besides the bot's comments; pushes are what
	// the PR's commits say about who pushed.
	events    []ghclient.TimelineEntry
	pushes    []*github.RepositoryCommit
	requested []string
}

func newFake(comments *writeoncetest.Issues) *fakeGitHub {
	return &fakeGitHub{
		comments: comments, files: map[string]string{}, history: map[string][]*github.RepositoryCommit{},
		collab: map[string]bool{}, open: map[string]int{}, refuse: map[string]error{},
	}
}

var _ GitHub = (*fakeGitHub)(nil)

func (f *fakeGitHub) record(format string, args ...any) error {
	op := f.Record(format, args...)
	for prefix, err := range f.refuse {
		if strings.HasPrefix(op, prefix) {
			return err
		}
	}
	return nil
}

func (f *fakeGitHub) pull(owner, repo string, n int) *fakePull {
	for _, p := range f.pulls {
		if p.owner == owner && p.repo == repo && p.number == n {
			return p
		}
	}
	return nil
}

func (f *fakeGitHub) SearchIssues(_ context.Context, q string, _ *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("search %s", q); err != nil {
		return nil, nil, err
	}
	qualifier := func(name string) string {
		for _, w := range strings.Fields(q) {
			if v, ok := strings.CutPrefix(w, name+":"); ok {
				return v
			}
		}
		return ""
	}
	if login := qualifier("review-requested"); login != "" {
		return &github.IssuesSearchResult{Total: github.Int(f.open[login])}, &github.Response{}, nil
	}
	res := &github.IssuesSearchResult{}
	for _, p := range f.pulls {
		if a := qualifier("author"); a != "" && !strings.EqualFold(a, p.author) {
			continue
		}
		is := &github.Issue{
			Number: github.Int(p.number), State: github.String("open"), User: &github.User{Login: github.String(p.author)},
			AuthorAssociation: github.String("CONTRIBUTOR"), CreatedAt: &github.Timestamp{Time: p.createdAt},
			RepositoryURL:    github.String("https://api.github.com/repos/" + p.owner + "/" + p.repo),
			PullRequestLinks: &github.PullRequestLinks{},
		}
		for _, l := range p.labels {
			is.Labels = append(is.Labels, &github.Label{Name: github.String(l)})
		}
		res.Issues = append(res.Issues, is)
	}
	res.Total = github.Int(len(res.Issues))
	return res, &github.Response{}, nil
}

func (f *fakeGitHub) Timeline(_ context.Context, owner, repo string, n int) ([]ghclient.TimelineEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("timeline %s/%s#%d", owner, repo, n); err != nil {
		return nil, err
	}
	p := f.pull(owner, repo, n)
	out := append([]ghclient.TimelineEntry(nil), p.events...)
	for _, c := range f.comments.Comments(policy.IssueRef{Owner: owner, Repo: repo, Number: n}) {
		out = append(out, ghclient.TimelineEntry{Timeline: github.Timeline{
			Event: github.String("commented"), ID: c.ID, User: c.User, Body: c.Body, CreatedAt: c.CreatedAt,
		}, AuthorAssociation: "NONE"})
	}
	at := func(e ghclient.TimelineEntry) time.Time {
		if e.SubmittedAt != nil {
			return e.SubmittedAt.Time
		}
		return e.GetCreatedAt().Time
	}
	sort.SliceStable(out, func(i, j int) bool { return at(out[i]).Before(at(out[j])) })
	return out, nil
}

func (f *fakeGitHub) PullCommits(_ context.Context, owner, repo string, n, _ int) ([]*github.RepositoryCommit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("pull commits %s/%s#%d", owner, repo, n); err != nil {
		return nil, err
	}
	return f.pull(owner, repo, n).pushes, nil
}

func (f *fakeGitHub) PullFiles(_ context.Context, owner, repo string, n, _ int) ([]*github.CommitFile, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("pull files %s/%s#%d", owner, repo, n); err != nil {
		return nil, err
	}
	var out []*github.CommitFile
	for _, name := range f.pull(owner, repo, n).files {
		out = append(out, &github.CommitFile{Filename: github.String(name)})
	}
	return out, nil
}

func (f *fakeGitHub) Contents(_ context.Context, owner, repo, path string) (*github.RepositoryContent, []*github.RepositoryContent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("contents %s/%s:%s", owner, repo, path); err != nil {
		return nil, nil, err
	}
	prefix := owner + "/" + repo + ":"
	if c, ok := f.files[prefix+path]; ok {
		return &github.RepositoryContent{Type: github.String("file"), Name: github.String(path), Content: github.String(c)}, nil, nil
	}
	var paths []string
	for name := range f.files {
		if p, ok := strings.CutPrefix(name, prefix); ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	out, err := ghclienttest.Dir(owner, repo, paths, path)
	return nil, out, err
}

func (f *fakeGitHub) Commits(_ context.Context, owner, repo string, o *github.CommitsListOptions) ([]*github.RepositoryCommit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := owner + "/" + repo
	switch {
	case o.Path != "":
		key += " " + o.Path
	case o.Author != "":
		key += " author:" + o.Author
	}
	if err := f.record("commits %s", key); err != nil {
		return nil, err
	}
	return f.history[key], nil
}

func (f *fakeGitHub) OrgMembers(_ context.Context, org string, _ int) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("org members %s", org); err != nil {
		return nil, err
	}
	return f.members, nil
}

func (f *fakeGitHub) TeamMembers(_ context.Context, org, slug string, _ int) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return nil, f.record("team members %s/%s", org, slug)
}

func (f *fakeGitHub) IsCollaborator(_ context.Context, owner, repo, login string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("collaborator %s/%s %s", owner, repo, login); err != nil {
		return false, err
	}
	return f.collab[owner+"/"+repo+"/"+login], nil
}

// label records a labeled or unlabeled event by the bot, as GitHub does.
func (p *fakePull) label(event, name string, at time.Time) {
	p.events = append(p.events, ghclient.TimelineEntry{Timeline: github.Timeline{
		Event: github.String(event), Actor: &github.User{Login: github.String(writeoncetest.Bot)},
		Label: &github.Label{Name: github.String(name)}, CreatedAt: &github.Timestamp{Time: at},
	}})
}

func (f *fakeGitHub) AddLabels(_ context.Context, owner, repo string, n int, labels ...string) ([]*github.Label, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("add labels %s/%s#%d %s", owner, repo, n, strings.Join(labels, ",")); err != nil {
		return nil, err
	}
	p := f.pull(owner, repo, n)
	for _, l := range labels {
		p.labels = append(p.labels, l)
		p.label("labeled", l, f.now)
	}
	return nil, nil
}

func (f *fakeGitHub) RemoveLabel(_ context.Context, owner, repo string, n int, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("remove label %s/%s#%d %s", owner, repo, n, name); err != nil {
		return err
	}
	p := f.pull(owner, repo, n)
	p.labels = slices.DeleteFunc(p.labels, func(l string) bool { return strings.EqualFold(l, name) })
	p.label("unlabeled", name, f.now)
	return nil
}

func (f *fakeGitHub) RequestReviewers(_ context.Context, owner, repo string, n int, logins []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("request reviewers %s/%s#%d %s", owner, repo, n, strings.Join(logins, ",")); err != nil {
		return err
	}
	p := f.pull(owner, repo, n)
	p.requested = append(p.requested, logins...)
	return nil
}

// Entries of a timeline.
func reviewed(login, state string, at time.Time) ghclient.TimelineEntry {
	return ghclient.TimelineEntry{Timeline: github.Timeline{
		Event: github.String("reviewed"), User: &github.User{Login: github.String(login)},
		State: github.String(strings.ToLower(state)), SubmittedAt: &github.Timestamp{Time: at},
	}, AuthorAssociation: "MEMBER"}
}

func committed(at time.Time) ghclient.TimelineEntry {
	return ghclient.TimelineEntry{Timeline: github.Timeline{
		Event: github.String("committed"), Committer: &github.CommitAuthor{Date: &github.Timestamp{Time: at}},
	}}
}

func labeledBy(login, label string, at time.Time) ghclient.TimelineEntry {
	return ghclient.TimelineEntry{Timeline: github.Timeline{
		Event: github.String("labeled"), Actor: &github.User{Login: github.String(login)},
		Label: &github.Label{Name: github.String(label)}, CreatedAt: &github.Timestamp{Time: at},
	}}
}

func commitBy(login string, at time.Time) *github.RepositoryCommit {
	return &github.RepositoryCommit{
		SHA: github.String("sha-" + login), Author: &github.User{Login: github.String(login)},
		Commit: &github.Commit{Committer: &github.CommitAuthor{Date: &github.Timestamp{Time: at}}},
	}
}

// t0 is a Wednesday; the tests' policy counts weekends too.
var t0 = time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC)

const testPolicy = `
program:
  name: test
  channels: "#mentorship"
mentees:
  - login: mentee
    mentors: [mentor]
    start: 2026-09-01
    end: 2026-12-31
reviews:
  wait: 72h
  business_days: false
  exempt_labels: [on-hold]
`

// sweepHarness is one org "o" with the repository "o/r": the fake GitHub,
// the bot's comments, the policies and what the sweeps reported.
type sweepHarness struct {
	t        *testing.T
	gh       *fakeGitHub
	comments *writeoncetest.Issues
	pol      policy.Policy
	repoPols map[string]policy.Policy
	report   []string
}

func newHarness(t *testing.T) *sweepHarness {
	t.Helper()
	pol, problems := policy.Parse([]byte(testPolicy))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	comments := writeoncetest.New()
	h := &sweepHarness{t: t, gh: newFake(comments), comments: comments, pol: pol, repoPols: map[string]policy.Policy{}}
	// The bot's comments are dated when written, as GitHub does: the
	// escalation counts its wait from the reminder's date.
	comments.Now = func() time.Time { return h.gh.now }
	// The repository: CODEOWNERS names alice for pkg/, dave changed
	// pkg/x recently but cannot review, alice last committed a month ago.
	h.gh.files = map[string]string{"o/r:CODEOWNERS": "/pkg/ @alice\n", "o/r:README.md": "", "o/r:pkg/x/y.go": ""}
	h.gh.history["o/r"] = []*github.RepositoryCommit{commitBy("dave", t0.Add(-10*24*time.Hour))}
	h.gh.history["o/r pkg/x"] = []*github.RepositoryCommit{commitBy("dave", t0.Add(-10*24*time.Hour))}
	h.gh.history["o/r author:alice"] = []*github.RepositoryCommit{commitBy("alice", t0.Add(-30*24*time.Hour))}
	h.gh.members = []string{"alice", "mentor"}
	h.gh.open = map[string]int{"alice": 1}
	return h
}

// addPull opens o/r#n by author, age before t0, touching pkg/x/y.go.
func (h *sweepHarness) addPull(n int, author string, age time.Duration, labels ...string) *fakePull {
	p := &fakePull{owner: "o", repo: "r", number: n, author: author, createdAt: t0.Add(-age), labels: labels, files: []string{"pkg/x/y.go"}}
	h.gh.pulls = append(h.gh.pulls, p)
	return p
}

// sweep runs one sweep at now and returns its calls of the sweep's GitHub
// interface and of the write primitive.
func (h *sweepHarness) sweep(now time.Time) (calls, writes []string, err error) {
	h.t.Helper()
	h.gh.mu.Lock()
	h.gh.Take()
	h.gh.now = now
	h.gh.mu.Unlock()
	before := len(h.comments.Calls())
	inst := job.Installation{
		ID: 1, Owner: "o", Now: now, Bot: testBot,
		Write:  writeonce.New(h.comments, writeoncetest.Bot),
		Repos:  []*github.Repository{{FullName: github.String("o/r"), Owner: &github.User{Type: github.String("Organization")}}},
		Policy: h.pol, Org: h.pol, RepoPolicies: h.repoPols,
		Report: func(format string, args ...any) { h.report = append(h.report, fmt.Sprintf(format, args...)) },
	}
	err = NewSweep().sweep(context.Background(), inst, h.gh)
	for _, c := range h.comments.Calls()[before:] {
		if !strings.HasPrefix(c, "list ") && !strings.HasPrefix(c, "get ") {
			writes = append(writes, c)
		}
	}
	return h.gh.Calls(), writes, err
}

func (h *sweepHarness) reported(s string) bool {
	return slices.ContainsFunc(h.report, func(l string) bool { return strings.Contains(l, s) })
}

const searchMentee = "search is:pr is:open draft:false archived:false org:o author:mentee"

// reminderReads are the calls of a first reminder on o/r#1 in the
// harness's repository: the PR's files, CODEOWNERS (the root listing says
// there is no .github/ and no MAINTAINERS.md), the history, then the
// lookups in ranking order: dave (history, not a member nor a
// collaborator), alice (a codeowner and a member, active a month ago by
// her own commits, one open review request).
var reminderReads = []string{
	"pull files o/r#1", "contents o/r:CODEOWNERS", "commits o/r", "commits o/r pkg/x",
	"org members o", "collaborator o/r dave", "commits o/r author:alice",
	"search is:pr is:open review-requested:alice org:o",
}

func TestSweep(t *testing.T) {
	read := []string{searchMentee, "contents o/r:", "timeline o/r#1"}
	for _, tc := range []struct {
		name  string
		setup func(h *sweepHarness)
		// before runs earlier sweeps; only the last one's calls count.
		before     func(h *sweepHarness)
		at         time.Time
		wantErr    string
		wantCalls  []string
		wantWrites []string
		// wantMarked are substrings of the bot's comments on o/r#1 by
		// marker kind.
		wantMarked map[string][]string
		notMarked  map[string][]string
		wantReport []string
		wantLabels []string
	}{
		{
			name:       "out of scope under the org policy: no call beyond the search",
			setup:      func(h *sweepHarness) { h.addPull(1, "mentee", 5*24*time.Hour, "on-hold") },
			wantCalls:  []string{searchMentee},
			wantLabels: []string{"on-hold"},
		},
		{
			name: "out of scope under the repository policy: its root is listed, no timeline",
			setup: func(h *sweepHarness) {
				rp := h.pol
				rp.Reviews.ExemptLabels = []string{"wip"}
				h.repoPols["o/r"] = rp
				h.addPull(1, "mentee", 5*24*time.Hour, "wip")
			},
			wantCalls:  []string{searchMentee, "contents o/r:"},
			wantReport: []string{"o/r: policy o/r:.github/mentorbot.yml", "o/r#1: out of scope under the repository policy (exempt label wip)"},
			wantLabels: []string{"wip"},
		},
		{
			name:       "younger than the wait: no timeline read",
			setup:      func(h *sweepHarness) { h.addPull(1, "mentee", 2*24*time.Hour) },
			wantCalls:  []string{searchMentee, "contents o/r:"},
			wantReport: []string{"o/r#1: opened 2 days ago, within the 3 days wait; skipped"},
		},
		{
			name: "not waiting: changes requested",
			setup: func(h *sweepHarness) {
				h.addPull(1, "mentee", 5*24*time.Hour).events = []ghclient.TimelineEntry{reviewed("alice", "CHANGES_REQUESTED", t0.Add(-24*time.Hour))}
			},
			wantCalls:  read,
			wantReport: []string{"o/r#1: not waiting for reviewers"},
		},
		{
			name: "a push the timeline does not attribute: the PR's commits say who pushed",
			setup: func(h *sweepHarness) {
				p := h.addPull(1, "mentee", 9*24*time.Hour)
				p.events = []ghclient.TimelineEntry{reviewed("alice", "CHANGES_REQUESTED", t0.Add(-8*24*time.Hour)), committed(t0.Add(-7 * 24 * time.Hour))}
				p.pushes = []*github.RepositoryCommit{commitBy("mentor", t0.Add(-7*24*time.Hour))}
			},
			wantCalls:  append(slices.Clone(read), "pull commits o/r#1"),
			wantReport: []string{"o/r#1: not waiting for reviewers"},
		},
		{
			name:       "first reminder: suggestions from the evidence",
			setup:      func(h *sweepHarness) { h.addPull(1, "mentee", 5*24*time.Hour) },
			wantCalls:  slices.Concat(read, reminderReads),
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerWait: {"Hi @mentee", "- @alice: CODEOWNERS owner of ` pkg/x/y.go ` (` /pkg/ `)", "#mentorship"}},
			notMarked:  map[string][]string{MarkerWait: {"@dave", "I have requested their review"}},
			wantReport: []string{"o/r#1: waited 5 days", "candidate alice kept", "candidate dave dropped: not an organisation member or collaborator [history]", "o/r#1: comment:"},
		},
		{
			name: "first reminder with request_review: reviews requested first",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.RequestReview = true
				h.addPull(1, "mentee", 5*24*time.Hour)
			},
			wantCalls:  slices.Concat(read, reminderReads, []string{"request reviewers o/r#1 alice"}),
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerWait: {"- @alice:", "I have requested their review."}},
			wantReport: []string{"o/r#1: requested review from alice"},
		},
		{
			name: "first reminder with request_review refused: suggested only",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.RequestReview = true
				h.gh.refuse["request reviewers"] = ghclienttest.Status(http.StatusUnprocessableEntity)
				h.addPull(1, "mentee", 5*24*time.Hour)
			},
			wantCalls:  slices.Concat(read, reminderReads, []string{"request reviewers o/r#1 alice"}),
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerWait: {"- @alice:"}},
			notMarked:  map[string][]string{MarkerWait: {"I have requested their review"}},
			wantReport: []string{"o/r#1: review request for alice refused"},
		},
		{
			name: "first reminder adds the keepalive label",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.KeepaliveLabel = "keepalive"
				h.addPull(1, "mentee", 5*24*time.Hour)
			},
			wantCalls:  slices.Concat(read, reminderReads, []string{"add labels o/r#1 keepalive"}),
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerWait: {"- @alice:"}},
			wantReport: []string{`o/r#1: adding keepalive label "keepalive" while it waits`},
			wantLabels: []string{"keepalive"},
		},
		{
			name: "reminded for this period: only the timeline is read",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.KeepaliveLabel = "keepalive"
				h.addPull(1, "mentee", 5*24*time.Hour)
			},
			before:     func(h *sweepHarness) { h.mustSweep(t0) },
			at:         t0.Add(time.Hour),
			wantCalls:  read,
			wantReport: []string{"o/r#1: already reminded for the waiting period starting"},
			wantLabels: []string{"keepalive"},
		},
		{
			name:       "escalation due: to the mentors, naming the suggested reviewers",
			setup:      func(h *sweepHarness) { h.addPull(1, "mentee", 5*24*time.Hour) },
			before:     func(h *sweepHarness) { h.mustSweep(t0) },
			at:         t0.Add(3*24*time.Hour + time.Hour),
			wantCalls:  read,
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerEscalate: {"@mentor: @mentee's pull request has now waited 8 days and 1 hour", "(@alice) have not responded yet"}},
		},
		{
			name: "escalation without mentors or pool: two general maintainers of MAINTAINERS.md",
			setup: func(h *sweepHarness) {
				h.pol.Mentees[0].Mentors = nil
				h.gh.files["o/r:MAINTAINERS.md"] = "# Maintainers\n\n* [@ann](https://github.com/ann)\n* [@ben](https://github.com/ben)\n"
				h.addPull(1, "mentee", 5*24*time.Hour)
			},
			before:     func(h *sweepHarness) { h.mustSweep(t0) },
			at:         t0.Add(3*24*time.Hour + time.Hour),
			wantCalls:  append(slices.Clone(read), "contents o/r:MAINTAINERS.md"),
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerEscalate: {"maintainers listed in MAINTAINERS.md"}},
		},
		{
			name:       "escalation held: the reminder is younger than the wait",
			setup:      func(h *sweepHarness) { h.addPull(1, "mentee", 7*24*time.Hour) },
			before:     func(h *sweepHarness) { h.mustSweep(t0) },
			at:         t0.Add(24 * time.Hour),
			wantCalls:  read,
			wantReport: []string{"o/r#1: escalation held until 2026-10-17T12:00:00Z: reviews.wait after the reminder"},
			notMarked:  map[string][]string{MarkerEscalate: {""}},
		},
		{
			name: "escalated already",
			setup: func(h *sweepHarness) {
				h.addPull(1, "mentee", 5*24*time.Hour)
			},
			before: func(h *sweepHarness) {
				h.mustSweep(t0)
				h.mustSweep(t0.Add(3*24*time.Hour + time.Hour))
			},
			at:         t0.Add(4 * 24 * time.Hour),
			wantCalls:  read,
			wantReport: []string{"o/r#1: already escalated for the waiting period starting"},
		},
		{
			name: "approved and not merged after approved_wait: the mentors are asked once",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.ApprovedWait = policy.Duration(48 * time.Hour)
				h.addPull(1, "mentee", 5*24*time.Hour).events = []ghclient.TimelineEntry{reviewed("alice", "APPROVED", t0.Add(-3*24*time.Hour))}
			},
			wantCalls:  read,
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerApproved: {"@mentor: @mentee's pull request was approved by @alice 3 days ago"}},
		},
		{
			name: "approved, no mentors: not the approver of the pool, but general maintainers",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.ApprovedWait = policy.Duration(48 * time.Hour)
				h.pol.Reviews.Reviewers = []string{"alice"}
				h.pol.Mentees[0].Mentors = nil
				h.gh.files["o/r:MAINTAINERS.md"] = "# Maintainers\n\n* [@ann](https://github.com/ann)\n* [@ben](https://github.com/ben)\n"
				h.addPull(1, "mentee", 5*24*time.Hour).events = []ghclient.TimelineEntry{reviewed("alice", "APPROVED", t0.Add(-3*24*time.Hour))}
			},
			wantCalls:  append(slices.Clone(read), "contents o/r:MAINTAINERS.md"),
			wantWrites: []string{"create comment o/r#1"},
			wantMarked: map[string][]string{MarkerApproved: {"@ben and @ann: @mentee's pull request was approved by @alice"}},
		},
		{
			name: "approved reminder already written",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.ApprovedWait = policy.Duration(48 * time.Hour)
				h.addPull(1, "mentee", 5*24*time.Hour).events = []ghclient.TimelineEntry{reviewed("alice", "APPROVED", t0.Add(-3*24*time.Hour))}
			},
			before:     func(h *sweepHarness) { h.mustSweep(t0) },
			at:         t0.Add(time.Hour),
			wantCalls:  read,
			wantReport: []string{"o/r#1: already reminded that the approval of"},
		},
		{
			name: "keepalive label the bot added goes when the wait ends, on a young PR too",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.KeepaliveLabel = "keepalive"
				h.addPull(1, "mentee", 24*time.Hour, "keepalive").events = []ghclient.TimelineEntry{
					labeledBy(writeoncetest.Bot, "keepalive", t0.Add(-20*time.Hour)),
					reviewed("alice", "COMMENTED", t0.Add(-2*time.Hour)),
				}
			},
			wantCalls:  append(slices.Clone(read), "remove label o/r#1 keepalive"),
			wantReport: []string{`o/r#1: removing keepalive label "keepalive" the bot added`},
		},
		{
			name: "keepalive label a human added stays",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.KeepaliveLabel = "keepalive"
				h.addPull(1, "mentee", 24*time.Hour, "keepalive").events = []ghclient.TimelineEntry{
					labeledBy("mentor", "keepalive", t0.Add(-20*time.Hour)),
					reviewed("alice", "COMMENTED", t0.Add(-2*time.Hour)),
				}
			},
			wantCalls:  read,
			wantLabels: []string{"keepalive"},
		},
		{
			name: "a refused write: the error is returned, the other PR's label still goes, no label without the reminder",
			setup: func(h *sweepHarness) {
				h.pol.Reviews.KeepaliveLabel = "keepalive"
				h.comments.FailWrites = http.StatusForbidden
				h.addPull(1, "mentee", 5*24*time.Hour)
				h.addPull(2, "mentee", 24*time.Hour, "keepalive").events = []ghclient.TimelineEntry{
					labeledBy(writeoncetest.Bot, "keepalive", t0.Add(-20*time.Hour)),
					reviewed("alice", "COMMENTED", t0.Add(-2*time.Hour)),
				}
			},
			wantErr:    "comment review-wait:",
			wantCalls:  slices.Concat(read, reminderReads, []string{"timeline o/r#2", "remove label o/r#2 keepalive"}),
			wantWrites: []string{"create comment o/r#1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tc.setup(h)
			if tc.before != nil {
				tc.before(h)
			}
			at := tc.at
			if at.IsZero() {
				at = t0
			}
			calls, writes, err := h.sweep(at)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("sweep: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("sweep error %v, want one containing %q", err, tc.wantErr)
			}
			if !slices.Equal(calls, tc.wantCalls) {
				t.Errorf("GitHub calls:\n  %s\nwant:\n  %s", strings.Join(calls, "\n  "), strings.Join(tc.wantCalls, "\n  "))
			}
			if !slices.Equal(writes, tc.wantWrites) {
				t.Errorf("writes %q, want %q", writes, tc.wantWrites)
			}
			ref := policy.IssueRef{Owner: "o", Repo: "r", Number: 1}
			for kind, wants := range tc.wantMarked {
				bodies := h.comments.Marked(ref, kind)
				if len(bodies) != 1 {
					t.Fatalf("%d %s comments, want 1", len(bodies), kind)
				}
				for _, want := range wants {
					if !strings.Contains(bodies[0], want) {
						t.Errorf("%s comment lacks %q:\n%s", kind, want, bodies[0])
					}
				}
			}
			for kind, nots := range tc.notMarked {
				for _, body := range h.comments.Marked(ref, kind) {
					for _, not := range nots {
						if strings.Contains(body, not) {
							t.Errorf("%s comment has %q:\n%s", kind, not, body)
						}
					}
				}
			}
			for _, want := range tc.wantReport {
				if !h.reported(want) {
					t.Errorf("report lacks %q:\n%s", want, strings.Join(h.report, "\n"))
				}
			}
			if got := h.gh.pulls[0].labels; !slices.Equal(got, tc.wantLabels) {
				t.Errorf("labels of o/r#1 %q, want %q", got, tc.wantLabels)
			}
		})
	}
}

func (h *sweepHarness) mustSweep(now time.Time) {
	h.t.Helper()
	if _, _, err := h.sweep(now); err != nil {
		h.t.Fatalf("sweep at %s: %v", now, err)
	}
}

// A refused write loses nothing: the next sweep writes the reminder once
// and adds the label it held back.
func TestSweepAfterARefusedWrite(t *testing.T) {
	h := newHarness(t)
	h.pol.Reviews.KeepaliveLabel = "keepalive"
	h.addPull(1, "mentee", 5*24*time.Hour)
	h.comments.FailWrites = http.StatusForbidden
	if _, _, err := h.sweep(t0); err == nil {
		t.Fatal("sweep with writes refused: no error")
	}
	h.comments.FailWrites = 0
	calls, writes, err := h.sweep(t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Concat([]string{searchMentee, "contents o/r:", "timeline o/r#1"}, reminderReads, []string{"add labels o/r#1 keepalive"}); !slices.Equal(calls, want) {
		t.Errorf("GitHub calls %q, want %q", calls, want)
	}
	if !slices.Equal(writes, []string{"create comment o/r#1"}) {
		t.Errorf("writes %q", writes)
	}
	if got := h.comments.Marked(policy.IssueRef{Owner: "o", Repo: "r", Number: 1}, MarkerWait); len(got) != 1 {
		t.Errorf("%d reminders, want 1", len(got))
	}
}

// Evidence is read once per sweep: a second PR of the same repository due
// a reminder reads its own timeline, files and the history of its
// directories, and nothing about the repository or people again.
func TestSweepReadsEvidenceOncePerRepository(t *testing.T) {
	h := newHarness(t)
	h.addPull(1, "mentee", 5*24*time.Hour)
	h.addPull(2, "mentee", 6*24*time.Hour)
	calls, writes, err := h.sweep(t0)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Concat([]string{searchMentee, "contents o/r:", "timeline o/r#1"}, reminderReads, []string{"timeline o/r#2", "pull files o/r#2", "commits o/r pkg/x"})
	if !slices.Equal(calls, want) {
		t.Errorf("GitHub calls:\n  %s\nwant:\n  %s", strings.Join(calls, "\n  "), strings.Join(want, "\n  "))
	}
	if !slices.Equal(writes, []string{"create comment o/r#1", "create comment o/r#2"}) {
		t.Errorf("writes %q", writes)
	}
}
