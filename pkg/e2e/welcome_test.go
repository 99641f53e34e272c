package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/simbot"
	"github.com/thanos-community/mentorbot/pkg/welcome"
)

// End-to-end tests of job 3, welcoming first-time contributors, through the
// real server and the GitHub simulator. Texts are golden files in
// testdata/welcome (go test ./pkg/e2e -run Welcome -update rewrites them).

func welcomeGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "welcome", name+".golden"), got)
}

const (
	wOrg  = "thanos-io"
	wRepo = "thanos-io/thanos"
)

// welcomeWorld is a simbot.Bot with an org, its .github repository holding the
// policy, and a repository the app is installed on.
type welcomeWorld struct {
	*simbot.Bot
	t *testing.T
}

type worldOptions struct {
	policy    string
	files     map[string]string // of thanos-io/thanos
	orgFiles  map[string]string // of thanos-io/.github, besides mentorbot.yml
	noOrgRepo bool
}

func newWelcomeWorld(t *testing.T, o worldOptions) *welcomeWorld {
	t.Helper()
	h := simbot.MustStart(t, simbot.Options{Sim: func(so *githubsim.Options) { so.SearchRateLimit = 10000 }})
	h.Sim.AddOrg(wOrg, "maintainer")
	if !o.noOrgRepo {
		files := map[string]string{"mentorbot.yml": o.policy}
		for p, c := range o.orgFiles {
			files[p] = c
		}
		h.Sim.AddRepo(wOrg+"/.github", githubsim.RepoOptions{Files: files})
	}
	files := map[string]string{"README.md": "# Thanos\n", "pkg/store/store.go": "package store\n"}
	for p, c := range o.files {
		files[p] = c
	}
	h.Sim.AddRepo(wRepo, githubsim.RepoOptions{Files: files, Collaborators: map[string]string{"collab": githubsim.PermWrite}})
	h.Sim.AddRepo(wOrg+"/prometheus-addons", githubsim.RepoOptions{Files: map[string]string{"README.md": "x"}})
	h.Sim.AddInstallation(1, wOrg)
	return &welcomeWorld{Bot: h, t: t}
}

// openPR adds a pull request by author with the given association ("" lets
// the simulator compute it) and delivers pull_request opened.
func (w *welcomeWorld) openPR(repo, author, assoc, title string) int {
	w.t.Helper()
	n := w.Sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: title, User: author, AuthorAssociation: assoc}})
	w.MustDeliver(w.t, "pull_request", w.Sim.PullRequestEvent("opened", repo, n, author))
	return n
}

// welcomes returns the bot's welcome comments on repo#n.
func (w *welcomeWorld) welcomes(repo string, n int) []string {
	var out []string
	for _, c := range w.Sim.Comments(repo, n) {
		if strings.EqualFold(c.User, w.Sim.BotLogin()) && markers.Has(c.Body, welcome.Kind, "") {
			out = append(out, c.Body)
		}
	}
	return out
}

// comments counts every comment on repo#n.
func (w *welcomeWorld) comments(repo string, n int) int { return len(w.Sim.Comments(repo, n)) }

// searches counts the search requests made so far.
func (w *welcomeWorld) searches() int {
	n := 0
	for _, r := range w.Sim.Requests() {
		if r.OperationID == "search/issues-and-pull-requests" {
			n++
		}
	}
	return n
}

func (w *welcomeWorld) one(repo string, n int) string {
	w.t.Helper()
	ws := w.welcomes(repo, n)
	if len(ws) != 1 {
		w.t.Fatalf("%s#%d: %d welcomes, want exactly 1; logs:\n%s", repo, n, len(ws), w.Logs.Tail(30))
	}
	return ws[0]
}

const guidePolicy = `program:
  name: LFX Mentorship 2026 Term 3
  contributing_url: https://thanos.io/tip/contributing/CONTRIBUTING.md/
  channels: "#thanos-dev on CNCF Slack"
`

// A first-time contributor's PR gets exactly one welcome, with the marker
// and the configured guide; a redelivery, a reopened PR and a second PR by
// the same person get none.
func TestWelcomeFirstTimeContributor(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy})
	body := w.PullRequestBody(t, "newbie")
	w.MustDeliverRaw(t, body)
	n := 1
	got := w.one(wRepo, n)
	if !strings.Contains(got, "(https://thanos.io/tip/contributing/CONTRIBUTING.md/)") {
		t.Errorf("welcome lacks the contributing guide link:\n%s", got)
	}
	if strings.Contains(got, "first contribution on GitHub") {
		t.Errorf("FIRST_TIME_CONTRIBUTOR got the FIRST_TIMER line:\n%s", got)
	}
	welcomeGolden(t, "first_time_contributor", got)

	// The same delivery again (GitHub's redelivery keeps the delivery id).
	w.MustDeliverRaw(t, body)
	// The same event under a new delivery id, as another replica or a
	// restarted process would get it: first at once (the job's memory
	// answers), then after a while, when only GitHub remembers and the
	// marker search answers.
	w.MustDeliver(t, "pull_request", body)
	w.Clock.Advance(time.Hour)
	before := w.searches()
	w.MustDeliver(t, "pull_request", body)
	if got := w.searches() - before; got != 1 {
		t.Errorf("a late delivery of the same event made %d searches, want 1; logs:\n%s", got, w.Logs.Tail(12))
	}
	// Closed and reopened.
	w.Sim.UpdatePull(wRepo, n, func(p *githubsim.Pull) { p.State = "closed" })
	w.Sim.UpdatePull(wRepo, n, func(p *githubsim.Pull) { p.State = "open" })
	w.MustDeliver(t, "pull_request", w.Sim.PullRequestEvent("reopened", wRepo, n, "newbie"))
	if c := w.comments(wRepo, n); c != 1 {
		t.Errorf("%d comments on the first PR after redelivery and reopening, want 1", c)
	}

	// A second PR while the first is still open: GitHub still says
	// FIRST_TIME_CONTRIBUTOR, the marker search says no.
	w.Clock.Advance(time.Hour)
	second := w.openPR(wRepo, "newbie", welcome.AssocFirstTimeContributor, "Another fix")
	if c := w.comments(wRepo, second); c != 0 {
		t.Errorf("second PR got %d comments, want none:\n%v", c, w.Sim.Comments(wRepo, second))
	}
	// A second PR at once (before GitHub's search index would know): none
	// either, from the process's memory.
	w2 := newWelcomeWorld(t, worldOptions{policy: guidePolicy})
	w2.openPR(wRepo, "quick", welcome.AssocFirstTimeContributor, "One")
	quick := w2.openPR(wRepo, "quick", welcome.AssocFirstTimeContributor, "Two")
	if c := w2.comments(wRepo, quick); c != 0 {
		t.Errorf("quick second PR got %d comments, want none", c)
	}
}

// PullRequestBody opens a PR by author (FIRST_TIME_CONTRIBUTOR) and returns
// its opened payload without delivering it.
func (w *welcomeWorld) PullRequestBody(t *testing.T, author string) []byte {
	t.Helper()
	n := w.Sim.AddPull(wRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "Fix typo in the store docs", User: author, AuthorAssociation: welcome.AssocFirstTimeContributor}})
	return w.Sim.PullRequestEvent("opened", wRepo, n, author)
}

// MustDeliverRaw delivers a pull_request payload with one delivery id per
// payload, as GitHub's redelivery keeps it.
func (w *welcomeWorld) MustDeliverRaw(t *testing.T, body []byte) {
	t.Helper()
	id := fmt.Sprintf("00000000-0000-4000-9000-%012d", len(body))
	code, err := w.DeliverID("pull_request", id, body)
	if err != nil || code/100 != 2 {
		t.Fatalf("deliver: %d %v", code, err)
	}
	if err := w.Wait(); err != nil {
		t.Fatal(err)
	}
}

// FIRST_TIMER (new to GitHub) gets the extra line of encouragement; the
// simulator computes the association itself here.
func TestWelcomeFirstTimer(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy})
	w.Sim.SetFirstTimer("brand-new")
	n := w.openPR(wRepo, "brand-new", "", "Add an example to the README")
	got := w.one(wRepo, n)
	if !strings.Contains(got, "first contribution on GitHub") {
		t.Errorf("FIRST_TIMER welcome lacks the extra line:\n%s", got)
	}
	welcomeGolden(t, "first_timer", got)
}

// Nobody else is welcomed, and deciding so costs no API call.
func TestWelcomeNotForOthers(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy})
	w.Sim.AddUser("helper-bot[bot]", "Bot")
	for _, tc := range []struct{ author, assoc string }{
		{"regular", "CONTRIBUTOR"},
		{"maintainer", "MEMBER"},
		{"thanos-io", "OWNER"},
		{"collab", "COLLABORATOR"},
		{"someone", "NONE"},
		{"helper-bot[bot]", welcome.AssocFirstTimeContributor},
	} {
		t.Run(tc.assoc+"/"+tc.author, func(t *testing.T) {
			before := w.searches()
			n := w.openPR(wRepo, tc.author, tc.assoc, "Change")
			if c := w.comments(wRepo, n); c != 0 {
				t.Errorf("%s (%s) got %d comments, want none", tc.author, tc.assoc, c)
			}
			if s := w.searches() - before; s != 0 {
				t.Errorf("%d searches for an author ruled out by the event, want 0", s)
			}
		})
	}
}

// The contributing guide is found in each of its places in turn, and a
// welcome without one has no broken link.
func TestWelcomeContributingGuideSources(t *testing.T) {
	const policy = "program:\n  channels: \"#thanos-dev on CNCF Slack\"\n"
	for _, tc := range []struct {
		name     string
		files    map[string]string
		orgFiles map[string]string
		want     string
	}{
		{"root", map[string]string{"CONTRIBUTING.md": "x", "docs/CONTRIBUTING.md": "y"}, map[string]string{"CONTRIBUTING.md": "z"},
			"https://github.com/thanos-io/thanos/blob/main/CONTRIBUTING.md"},
		{"dot-github", map[string]string{".github/CONTRIBUTING.md": "x", ".github/workflows/ci.yml": "y"}, map[string]string{"CONTRIBUTING.md": "z"},
			"https://github.com/thanos-io/thanos/blob/main/.github/CONTRIBUTING.md"},
		{"docs", map[string]string{"docs/CONTRIBUTING.md": "x"}, map[string]string{"CONTRIBUTING.md": "z"},
			"https://github.com/thanos-io/thanos/blob/main/docs/CONTRIBUTING.md"},
		{"org", nil, map[string]string{"CONTRIBUTING.md": "z"},
			"https://github.com/thanos-io/.github/blob/main/CONTRIBUTING.md"},
		{"none", map[string]string{".github/workflows/ci.yml": "y", "docs/index.md": "z"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWelcomeWorld(t, worldOptions{policy: policy, files: tc.files, orgFiles: tc.orgFiles})
			n := w.openPR(wRepo, "newbie", welcome.AssocFirstTimeContributor, "Fix")
			got := w.one(wRepo, n)
			if tc.want == "" {
				if strings.Contains(got, "contributing guide") || strings.Contains(got, "]()") {
					t.Errorf("welcome without a guide mentions or links one:\n%s", got)
				}
				welcomeGolden(t, "no_guide", got)
				return
			}
			if !strings.Contains(got, "[contributing guide]("+tc.want+")") {
				t.Errorf("welcome does not link %s:\n%s", tc.want, got)
			}
			welcomeGolden(t, "guide_"+tc.name, got)
		})
	}
}

// welcome.enabled: false writes nothing and searches nothing.
func TestWelcomeDisabled(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy + "welcome:\n  enabled: false\n  issues: true\n"})
	n := w.openPR(wRepo, "newbie", welcome.AssocFirstTimer, "Fix")
	is := w.Sim.AddIssue(wRepo, githubsim.Issue{Title: "Bug", User: "reporter", AuthorAssociation: welcome.AssocFirstTimeContributor})
	w.MustDeliver(t, "issues", w.Sim.IssuesEvent("opened", wRepo, is, "reporter", ""))
	if c := w.comments(wRepo, n) + w.comments(wRepo, is); c != 0 {
		t.Errorf("%d comments with the welcome disabled, want none", c)
	}
	if s := w.searches(); s != 0 {
		t.Errorf("%d searches with the welcome disabled, want none", s)
	}
}

// First issues are welcomed only with welcome.issues: true, once.
func TestWelcomeIssues(t *testing.T) {
	off := newWelcomeWorld(t, worldOptions{policy: guidePolicy})
	n := off.Sim.AddIssue(wRepo, githubsim.Issue{Title: "Bug", User: "reporter", AuthorAssociation: welcome.AssocFirstTimeContributor})
	off.MustDeliver(t, "issues", off.Sim.IssuesEvent("opened", wRepo, n, "reporter", ""))
	if c := off.comments(wRepo, n); c != 0 {
		t.Errorf("issue welcomed with welcome.issues off")
	}

	on := newWelcomeWorld(t, worldOptions{policy: guidePolicy + "welcome:\n  issues: true\n"})
	n = on.Sim.AddIssue(wRepo, githubsim.Issue{Title: "Bug", User: "reporter", AuthorAssociation: welcome.AssocFirstTimeContributor})
	ev := on.Sim.IssuesEvent("opened", wRepo, n, "reporter", "")
	on.MustDeliver(t, "issues", ev)
	welcomeGolden(t, "issue", on.one(wRepo, n))
	on.Clock.Advance(time.Hour)
	on.MustDeliver(t, "issues", ev)
	second := on.Sim.AddIssue(wRepo, githubsim.Issue{Title: "Another bug", User: "reporter", AuthorAssociation: welcome.AssocFirstTimeContributor})
	on.MustDeliver(t, "issues", on.Sim.IssuesEvent("opened", wRepo, second, "reporter", ""))
	if c := on.comments(wRepo, n) + on.comments(wRepo, second); c != 1 {
		t.Errorf("%d comments over two issues and a redelivery, want 1", c)
	}
}

// welcome.scope: org: an earlier PR elsewhere in the org means no welcome.
func TestWelcomeOrgScope(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy + "welcome:\n  scope: org\n"})
	w.Sim.AddPull(wOrg+"/prometheus-addons", githubsim.Pull{Issue: githubsim.Issue{Title: "Old", User: "veteran", State: "closed"}})
	w.Clock.Advance(time.Hour)
	n := w.openPR(wRepo, "veteran", welcome.AssocFirstTimeContributor, "Fix")
	if c := w.comments(wRepo, n); c != 0 {
		t.Errorf("org contributor welcomed (%d comments)", c)
	}
	m := w.openPR(wRepo, "newbie", welcome.AssocFirstTimeContributor, "Fix")
	w.one(wRepo, m)
	// A late redelivery: the search finds only this PR, with a comment,
	// whose comments show the welcome.
	w.Clock.Advance(time.Hour)
	w.MustDeliver(t, "pull_request", w.Sim.PullRequestEvent("opened", wRepo, m, "newbie"))
	if c := w.comments(wRepo, m); c != 1 {
		t.Errorf("%d comments after a redelivery, want 1", c)
	}
}

// A mentee's first PR gets the variant that points to the tracking issue.
func TestWelcomeMentee(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy + `mentees:
  - login: alice
    tracking_issue: thanos-io/thanos#7000
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
`})
	n := w.openPR(wRepo, "alice", welcome.AssocFirstTimeContributor, "Implement the store cache")
	got := w.one(wRepo, n)
	if !strings.Contains(got, "thanos-io/thanos#7000") {
		t.Errorf("mentee welcome does not point to the tracking issue:\n%s", got)
	}
	welcomeGolden(t, "mentee", got)
}

// A custom template is used; a broken one falls back to the built-in text
// with a warning; user text cannot inject mentions or HTML either way.
func TestWelcomeTemplates(t *testing.T) {
	custom := newWelcomeWorld(t, worldOptions{policy: guidePolicy + `welcome:
  message: |
    Welcome {{.Author}}, and thanks for "{{.Title}}"!{{with .ContributingURL}} Start [here]({{.}}).{{end}}
`})
	n := custom.openPR(wRepo, "newbie", welcome.AssocFirstTimeContributor, "@thanos-io/maintainers <img src=x onerror=alert(1)> please merge")
	got := custom.one(wRepo, n)
	if strings.Contains(got, "<img") || strings.Contains(got, "@thanos-io/maintainers") {
		t.Errorf("title injected markup or a mention:\n%s", got)
	}
	welcomeGolden(t, "custom_hostile_title", got)

	broken := newWelcomeWorld(t, worldOptions{policy: guidePolicy + "welcome:\n  message: \"Hi {{.Nobody}}\"\n"})
	n = broken.openPR(wRepo, "newbie", welcome.AssocFirstTimeContributor, "Fix")
	got = broken.one(wRepo, n)
	if !strings.Contains(got, "Thank you for your first pull request") {
		t.Errorf("broken template did not fall back to the built-in welcome:\n%s", got)
	}
	if !strings.Contains(broken.Logs.String(), "using the built-in welcome") {
		t.Errorf("no warning about the broken template in the logs")
	}
}

// BenchmarkWelcomeAPICalls reports the GitHub API calls one pull_request
// opened event costs: for a welcomed PR and for an ignored one (a
// CONTRIBUTOR's). Token minting, the app's identity and the policy files
// (which the handler loads for every event, and which a policy cache
// serves) are not counted; they are the handler's, not the job's. The
// repository has its own CONTRIBUTING.md and no contributing_url, so the
// first welcome in the repository also pays for finding it (then cached, as
// the policy is): it is reported apart, and the budget of 4 (search, then
// writeonce's look at the PR's comments, the comment, and the re-read that
// settles a race between replicas) holds for every later welcome.
func BenchmarkWelcomeAPICalls(b *testing.B) {
	h := simbot.MustStart(b, simbot.Options{Sim: func(so *githubsim.Options) { so.SearchRateLimit = 1 << 30; so.CoreRateLimit = 1 << 30 }})
	h.Sim.AddOrg(wOrg, "maintainer")
	h.Sim.AddRepo(wOrg+"/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": "program:\n  channels: \"#thanos-dev\"\n"}})
	h.Sim.AddRepo(wRepo, githubsim.RepoOptions{Files: map[string]string{"CONTRIBUTING.md": "x"}})
	h.Sim.AddInstallation(1, wOrg)

	policyCalls := 0
	counted := func(rs []githubsim.Request) (n int, ops map[string]int) {
		ops = map[string]int{}
		for _, r := range rs {
			switch {
			case r.OperationID == "apps/create-installation-access-token", r.OperationID == "apps/get-authenticated":
				continue
			case strings.Contains(r.Path, "mentorbot.yml"), r.Route == "raw.githubusercontent.com",
				r.OperationID == "repos/get" && r.Path == "/repos/"+wOrg+"/.github":
				// Policy loading: the files, and the org default's repository
				// (go-githubapp's appconfig asks for its default branch).
				policyCalls++
				continue
			}
			n++
			ops[r.OperationID]++
		}
		return n, ops
	}
	run := func(author, assoc string) (int, map[string]int) {
		pr := h.Sim.AddPull(wRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "Fix", User: author, AuthorAssociation: assoc}})
		ev := h.Sim.PullRequestEvent("opened", wRepo, pr, author)
		h.Sim.ResetRequests()
		h.MustDeliver(b, "pull_request", ev)
		return counted(h.Sim.Requests())
	}

	first, firstOps := run("first-newbie", welcome.AssocFirstTimeContributor)
	var welcomed, ignored, maxWelcomed, maxIgnored int
	welcomedOps, ignoredOps := map[string]int{}, map[string]int{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, ops := run(fmt.Sprintf("newbie-%d", i), welcome.AssocFirstTimeContributor)
		welcomed += n
		maxWelcomed = max(maxWelcomed, n)
		for k, v := range ops {
			welcomedOps[k] += v
		}
		n, ops = run(fmt.Sprintf("regular-%d", i), "CONTRIBUTOR")
		ignored += n
		maxIgnored = max(maxIgnored, n)
		for k, v := range ops {
			ignoredOps[k] += v
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(first), "calls/first-welcome-in-repo")
	b.ReportMetric(float64(welcomed)/float64(b.N), "calls/welcomed-PR")
	b.ReportMetric(float64(maxWelcomed), "max-calls/welcomed-PR")
	b.ReportMetric(float64(ignored)/float64(b.N), "calls/ignored-PR")
	b.ReportMetric(float64(maxIgnored), "max-calls/ignored-PR")
	b.ReportMetric(float64(policyCalls)/float64(2*b.N), "policy-calls/event")
	b.Logf("N=%d first welcome in the repo: %v; welcomed: %v; ignored: %v", b.N, firstOps, welcomedOps, ignoredOps)
	if first > 5 || maxWelcomed > 4 || maxIgnored > 0 {
		b.Errorf("over budget: %d calls for the first welcome in a repo (want at most 5), %d for a welcomed PR (want at most 4), %d for an ignored one (want 0)", first, maxWelcomed, maxIgnored)
	}
}

// A stranger who comments the welcome marker's text on a newcomer's pull
// request before the bot does suppresses nothing: the search finds the
// text, but only a welcome the bot wrote counts.
func TestWelcomeStrangerMarker(t *testing.T) {
	w := newWelcomeWorld(t, worldOptions{policy: guidePolicy})
	n := w.Sim.AddPull(wRepo, githubsim.Pull{Issue: githubsim.Issue{Title: "docs: typo", User: "newbie", AuthorAssociation: "FIRST_TIME_CONTRIBUTOR"}})
	w.Sim.AddComment(wRepo, n, "stranger", "hello "+welcome.Marker(), w.Clock.Now())
	w.MustDeliver(t, "pull_request", w.Sim.PullRequestEvent("opened", wRepo, n, "newbie"))
	w.one(wRepo, n)
	if !strings.Contains(w.Logs.String(), "found only in comments by others") {
		t.Errorf("the search did not find the stranger's marker, so the test shows nothing; logs:\n%s", w.Logs.Tail(20))
	}
}
