package mentees

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// The unit tests of the jobs run on 10 September 2026, in the middle of the
// term of testRoster.
var testNow = time.Date(2026, 9, 10, 12, 0, 0, 0, time.UTC)

// testRoster is the programme of the jobs' unit tests: tracking issues in
// thanos-io/mentoring, the default labels ("mentee", "mentee-task").
const testRoster = `
program:
  name: LFX 2026 Term 3
  tracking_repo: thanos-io/mentoring
mentees:
  - login: alice
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
  - login: bob
    tracking_issue: thanos-io/thanos#5
    start: 2026-09-01
    end: 2026-11-30
  - login: carol
    start: 2026-03-01
    end: 2026-05-31
  - login: ghost
  - login: newbie
  - login: bad
    start: 2026-02-30
`

func testPolicy(t *testing.T) policy.Policy {
	t.Helper()
	p, problems := policy.Parse([]byte(testRoster))
	if len(problems) != 1 || len(p.Skipped) != 1 || p.Skipped[0].Login != "bad" {
		t.Fatalf("want only the entry of bad skipped, got problems %v", problems)
	}
	return p
}

// fakeGitHub is a recording PRGitHub and tracking.Users: it answers Issue
// from issues and User from users, and fails the calls listed in fail with
// their status.
type fakeGitHub struct {
	ghclienttest.Recorder
	issues map[string]*github.Issue // by "owner/repo#n"
	users  map[string]bool
	fail   map[string]int // by call, as recorded
}

var (
	_ PRGitHub       = (*fakeGitHub)(nil)
	_ tracking.Users = (*fakeGitHub)(nil)
)

func (f *fakeGitHub) record(format string, args ...any) error {
	if code := f.fail[f.Record(format, args...)]; code != 0 {
		return ghclienttest.Status(code)
	}
	return nil
}

func (f *fakeGitHub) EnsureLabel(_ context.Context, owner, repo string, l github.Label) error {
	return f.record("ensure label %s/%s %q", owner, repo, l.GetName())
}

func (f *fakeGitHub) AddLabels(_ context.Context, owner, repo string, number int, labels ...string) ([]*github.Label, error) {
	if err := f.record("add labels %s/%s#%d %q", owner, repo, number, labels); err != nil {
		return nil, err
	}
	return nil, nil
}

func (f *fakeGitHub) Issue(_ context.Context, owner, repo string, number int) (*github.Issue, error) {
	ref := fmt.Sprintf("%s/%s#%d", owner, repo, number)
	if err := f.record("issue %s", ref); err != nil {
		return nil, err
	}
	is, ok := f.issues[ref]
	if !ok {
		return nil, ghclienttest.Status(http.StatusNotFound)
	}
	return is, nil
}

func (f *fakeGitHub) User(_ context.Context, login string) (*github.User, error) {
	if err := f.record("user %s", login); err != nil {
		return nil, err
	}
	if !f.users[login] {
		return nil, ghclienttest.Status(http.StatusNotFound)
	}
	return &github.User{Login: github.String(login)}, nil
}

// assignRefused is the in-memory GitHub of the writes refusing (422) to
// open an issue assigned to one of refused, as GitHub does for people who
// are not collaborators or members yet.
type assignRefused struct {
	*writeoncetest.Issues
	refused map[string]bool
	tries   []string
}

func (a *assignRefused) Create(ctx context.Context, owner, repo string, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	for _, l := range r.GetAssignees() {
		if a.refused[l] {
			a.tries = append(a.tries, l)
			return nil, nil, ghclienttest.Status(http.StatusUnprocessableEntity)
		}
	}
	return a.Issues.Create(ctx, owner, repo, r)
}

// testEnv is an event in thanos-io/thanos of installation 1, writing
// through the real writer over w.
func testEnv(p policy.Policy, w writeonce.Issues) job.Env {
	return job.Env{
		Write: writeonce.New(w, writeoncetest.Bot), InstallationID: 1, Owner: "thanos-io", Repo: "thanos",
		Policy: p, Now: testNow, Bot: job.Identity{Slug: strings.TrimSuffix(writeoncetest.Bot, "[bot]")},
	}
}

func testClock() time.Time { return testNow }
