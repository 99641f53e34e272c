package e2e

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

func mtGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "mentees", name+".golden"), got)
}

// The labels have "/", spaces and colons, as Thanos's do.
const (
	menteePRLabel   = "GSoC/Community Bridge/LFX"
	menteeTaskLabel = "component: mentee task"
)

// mtPolicy: alice is active (no tracking issue: the bot opens one in
// thanos-io/thanos), bob's term ended, dave is active but not assignable
// anywhere; ghost is no GitHub user; the entry with a malformed date is
// skipped while every other entry works.
const mtPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  contributing_url: https://thanos.io/tip/contributing/CONTRIBUTING.md/
  channels: "#thanos-dev on CNCF Slack"
  tracking_repo: thanos-io/thanos
labels:
  mentee_pr: "GSoC/Community Bridge/LFX"
  mentee_task: "component: mentee task"
mentees:
  - login: Alice
    mentors: [mentor-one, mentor-two]
    start: 2026-09-01
    end: 2026-11-30
  - login: bob
    mentors: [mentor-one]
    start: 2026-06-01
    end: 2026-10-31
  - login: broken
    start: 2026-13-45
  - login: dave
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
  - login: ghost
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
welcome:
  enabled: false
`

// mtSeed builds the thanos-io org: the policy, two code repositories
// and the installation on all of them. alice is a read collaborator of
// thanos (so she can be assigned there), maint an org member, writer a
// write collaborator; mentor-one is only a mentor in the policy.
func mtSeed(t testing.TB, h *simbot.Bot) {
	t.Helper()
	s := h.Sim
	s.AddOrg("thanos-io", "maint")
	s.AddRepo("thanos-io/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": mtPolicy}})
	s.AddRepo("thanos-io/thanos", githubsim.RepoOptions{Collaborators: map[string]string{"alice": githubsim.PermRead, "writer": githubsim.PermWrite}})
	s.AddRepo("thanos-io/objstore", githubsim.RepoOptions{Collaborators: map[string]string{"alice": githubsim.PermRead}})
	for _, u := range []string{"bob", "carol", "dave", "mentor-one", "mentor-two", "stranger"} {
		s.AddUser(u, "User")
	}
	s.AddInstallation(1, "thanos-io")
}

func mtWrites(s *githubsim.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" && !strings.HasSuffix(r.Path, "/access_tokens") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

func mtHasLabel(labels []string, name string) bool {
	for _, l := range labels {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

func mtOpenPR(t testing.TB, h *simbot.Bot, repo, author, body string, labels ...string) int {
	t.Helper()
	n := h.Sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: "Change by " + author, User: author, Body: body, Labels: labels}})
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", repo, n, author))
	return n
}

func mtPRLabels(t testing.TB, h *simbot.Bot, repo string, n int) []string {
	t.Helper()
	p, ok := h.Sim.Pull(repo, n)
	if !ok {
		t.Fatalf("no pull %s#%d", repo, n)
	}
	return p.Labels
}

// mtTrackingIssues returns the numbers of the issues in repo the bot opened
// as login's tracking issue, open ones first listed in open.
func mtTrackingIssues(h *simbot.Bot, repo, login string) (open, closed []int) {
	for n := 1; ; n++ {
		is, ok := h.Sim.Issue(repo, n)
		if !ok {
			if _, isPull := h.Sim.Pull(repo, n); isPull {
				continue
			}
			return open, closed
		}
		if is.User != h.Sim.BotLogin() || !onboarding.IsTrackingIssue(is.Body, login) {
			continue
		}
		if is.State == "closed" {
			closed = append(closed, n)
		} else {
			open = append(open, n)
		}
	}
}

func mtBotComments(h *simbot.Bot, repo string, n int, kind string) []string {
	var out []string
	for _, c := range h.Sim.Comments(repo, n) {
		if c.User == h.Sim.BotLogin() {
			if _, ok := markers.Find(c.Body, kind); ok {
				out = append(out, c.Body)
			}
		}
	}
	return out
}

// A mentee's PR in any repository of the org gets the label (created with
// colour and description); a non-mentee's does not, nor a mentee's after
// end; a redelivery writes nothing; a PR closing a mentee task is labelled
// whoever wrote it; a label a human set stays, and one already there costs
// no write.
func TestMenteePRLabels(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)
	h.Sim.AddLabel("thanos-io/thanos", githubsim.Label{Name: "kind/bug"})

	t.Run("mentee PR in any repository is labelled, label created", func(t *testing.T) {
		for _, repo := range []string{"thanos-io/objstore", "thanos-io/thanos"} {
			n := mtOpenPR(t, h, repo, "alice", "Some change.", "kind/bug")
			got := mtPRLabels(t, h, repo, n)
			if !mtHasLabel(got, menteePRLabel) || !mtHasLabel(got, "kind/bug") {
				t.Errorf("%s#%d labels %q, want %q kept and %q added", repo, n, got, "kind/bug", menteePRLabel)
			}
			var found bool
			for _, l := range h.Sim.Labels(repo) {
				if l.Name == menteePRLabel {
					found = true
					if l.Color == githubsim.DefaultLabelColor || l.Description == "" {
						t.Errorf("%s: label created as %+v, want the bot's colour and description", repo, l)
					}
				}
			}
			if !found {
				t.Errorf("%s: label %q not created", repo, menteePRLabel)
			}
		}
	})

	t.Run("redelivery writes nothing", func(t *testing.T) {
		n := h.Sim.AddPull("thanos-io/objstore", githubsim.Pull{Issue: githubsim.Issue{Title: "x", User: "alice"}})
		payload := h.Sim.PullRequestEvent("opened", "thanos-io/objstore", n, "alice")
		id := simbot.NextDeliveryID()
		for i := 0; i < 2; i++ {
			if i == 1 {
				h.Sim.ResetRequests()
			}
			if code, err := h.DeliverID("pull_request", id, payload); err != nil || code/100 != 2 {
				t.Fatalf("deliver: %d %v", code, err)
			}
			if err := h.Wait(); err != nil {
				t.Fatal(err)
			}
		}
		if w := mtWrites(h.Sim); len(w) != 0 {
			t.Errorf("redelivery wrote %q", w)
		}
		if got := mtPRLabels(t, h, "thanos-io/objstore", n); len(got) != 1 {
			t.Errorf("labels after redelivery %q, want exactly one", got)
		}
	})

	t.Run("non-mentee, ended mentee and bots are not labelled", func(t *testing.T) {
		for _, author := range []string{"carol", "bob", "dependabot[bot]"} {
			h.Sim.ResetRequests()
			n := mtOpenPR(t, h, "thanos-io/thanos", author, "No task here. Fixes nothing.")
			if got := mtPRLabels(t, h, "thanos-io/thanos", n); mtHasLabel(got, menteePRLabel) {
				t.Errorf("%s's PR labelled %q", author, got)
			}
			if w := mtWrites(h.Sim); len(w) != 0 {
				t.Errorf("%s's PR: writes %q", author, w)
			}
		}
	})

	t.Run("PR closing a mentee task is labelled", func(t *testing.T) {
		task := h.Sim.AddIssue("thanos-io/thanos", githubsim.Issue{Title: "Task", User: "maint", Labels: []string{menteeTaskLabel}})
		plain := h.Sim.AddIssue("thanos-io/thanos", githubsim.Issue{Title: "Not a task", User: "maint"})
		for _, tc := range []struct {
			name, repo, body string
			want             bool
		}{
			{"same repo", "thanos-io/thanos", "Fixes #" + strconv.Itoa(task), true},
			{"cross repo", "thanos-io/objstore", "This resolves thanos-io/thanos#" + strconv.Itoa(task) + ".", true},
			{"full URL", "thanos-io/objstore", "Closes: https://github.com/thanos-io/thanos/issues/" + strconv.Itoa(task), true},
			{"not a task", "thanos-io/thanos", "Fixes #" + strconv.Itoa(plain), false},
			{"only mentioned", "thanos-io/thanos", "See #" + strconv.Itoa(task), false},
			{"in a comment", "thanos-io/thanos", "<!-- Fixes #" + strconv.Itoa(task) + " -->", false},
		} {
			n := mtOpenPR(t, h, tc.repo, "carol", tc.body)
			if got := mtHasLabel(mtPRLabels(t, h, tc.repo, n), menteePRLabel); got != tc.want {
				t.Errorf("%s: labelled %v, want %v", tc.name, got, tc.want)
			}
		}
	})

	t.Run("label already there costs no write", func(t *testing.T) {
		n := h.Sim.AddPull("thanos-io/thanos", githubsim.Pull{Issue: githubsim.Issue{Title: "x", User: "alice", Labels: []string{menteePRLabel}}})
		h.Sim.ResetRequests()
		h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("reopened", "thanos-io/thanos", n, "alice"))
		if w := mtWrites(h.Sim); len(w) != 0 {
			t.Errorf("writes %q", w)
		}
	})

	if v := h.Sim.Violations(); len(v) > 0 {
		t.Errorf("requests GitHub does not define: %q", v)
	}
}

// A mentee without a tracking issue gets exactly one, with the onboarding
// checklist, even when two sweeps run at once; a roster entry the bot
// cannot use (unknown login, malformed date) is skipped with a warning and
// the others still work; a later sweep writes nothing.
func TestMenteeEnrolment(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.App.RunSweep(mtCtx(h), "remind", nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("sweep: %v\nlogs:\n%s", err, h.Logs.Tail(30))
		}
	}

	open, closed := mtTrackingIssues(h, "thanos-io/thanos", "alice")
	if len(open) != 1 {
		t.Fatalf("alice has open tracking issues %v, want exactly one", open)
	}
	for _, n := range closed {
		if n < open[0] {
			t.Errorf("duplicate #%d closed but #%d kept: the lowest number must win", n, open[0])
		}
	}
	t.Logf("the two sweeps opened %d duplicate(s), closed again", len(closed))
	is, _ := h.Sim.Issue("thanos-io/thanos", open[0])
	if is.Title != "Mentorship: @Alice (LFX Mentorship 2026 Term 3)" {
		t.Errorf("title %q", is.Title)
	}
	if len(is.Assignees) != 1 || !strings.EqualFold(is.Assignees[0], "alice") {
		t.Errorf("assignees %q, want alice", is.Assignees)
	}
	mtGolden(t, "tracking-issue-body", is.Body)
	lists := mtBotComments(h, "thanos-io/thanos", open[0], onboarding.KindOnboarding)
	if len(lists) != 1 {
		t.Fatalf("%d onboarding checklists, want 1", len(lists))
	}
	mtGolden(t, "onboarding-checklist", lists[0])

	// dave cannot be assigned in thanos-io/thanos: his issue is opened
	// unassigned. bob's term is over: nothing. ghost does not exist.
	if open, _ := mtTrackingIssues(h, "thanos-io/thanos", "dave"); len(open) != 1 {
		t.Errorf("dave has tracking issues %v, want one", open)
	}
	for _, who := range []string{"bob", "ghost", "broken"} {
		if open, closed := mtTrackingIssues(h, "thanos-io/thanos", who); len(open)+len(closed) != 0 {
			t.Errorf("%s got tracking issues %v %v", who, open, closed)
		}
	}
	logs := h.Logs.String()
	for _, want := range []string{"cannot enrol mentee, skipping the entry", "roster entry", "ghost"} {
		if !strings.Contains(logs, want) {
			t.Errorf("no log line with %q; logs:\n%s", want, h.Logs.Tail(40))
		}
	}

	// Later sweeps (the digest needs the tracking issues) add nothing of
	// the enrolment's.
	var report strings.Builder
	for _, sweep := range []string{"remind", "digest"} {
		if err := h.App.RunSweep(mtCtx(h), sweep, &report); err != nil {
			t.Fatal(err)
		}
	}
	if open, closed := mtTrackingIssues(h, "thanos-io/thanos", "alice"); len(open) != 1 || len(closed) > 1 {
		t.Errorf("after more sweeps alice has tracking issues %v %v", open, closed)
	}
	if got := len(mtBotComments(h, "thanos-io/thanos", open[0], onboarding.KindOnboarding)); got != 1 {
		t.Errorf("after more sweeps %d checklists, want 1", got)
	}
	if strings.Contains(report.String(), "enrol alice") || strings.Contains(report.String(), "enrol dave") {
		t.Errorf("later sweeps enrolled again:\n%s", report.String())
	}
	if v := h.Sim.Violations(); len(v) > 0 {
		t.Errorf("requests GitHub does not define: %q", v)
	}
}

// mtCtx carries the simbot.Bot's logger, so that sweep logs are kept.
func mtCtx(h *simbot.Bot) context.Context {
	return zerolog.New(h.Logs).WithContext(context.Background())
}

func mtComment(t testing.TB, h *simbot.Bot, repo string, n int, login, body string) int64 {
	t.Helper()
	id := h.Sim.AddComment(repo, n, login, body, h.Clock.Now())
	h.MustDeliver(t, "issue_comment", h.Sim.IssueCommentEvent("created", repo, n, id))
	return id
}

func mtIssue(t testing.TB, h *simbot.Bot, repo string, n int) githubsim.Issue {
	t.Helper()
	is, ok := h.Sim.Issue(repo, n)
	if !ok {
		t.Fatalf("no issue %s#%d", repo, n)
	}
	return is
}

// /mentee-task: by a mentor it labels, assigns and links; by a stranger it
// changes nothing and gets one polite reply; inside a code block it does
// nothing; cancel removes the label and says so; the replies' texts are
// golden.
func TestMenteeTaskCommand(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)
	const repo = "thanos-io/thanos"

	t.Run("mentor labels, assigns and links", func(t *testing.T) {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Add a *cache* for <store>", User: "maint"})
		mtComment(t, h, repo, n, "mentor-one", "Good first task!\n/mentee-task @alice\n")
		is := mtIssue(t, h, repo, n)
		if !mtHasLabel(is.Labels, menteeTaskLabel) {
			t.Errorf("labels %q, want %q", is.Labels, menteeTaskLabel)
		}
		if len(is.Assignees) != 1 || !strings.EqualFold(is.Assignees[0], "alice") {
			t.Errorf("assignees %q, want alice", is.Assignees)
		}
		open, _ := mtTrackingIssues(h, repo, "alice")
		if len(open) != 1 {
			t.Fatalf("tracking issues %v", open)
		}
		links := mtBotComments(h, repo, open[0], "mentee-task")
		if len(links) != 1 {
			t.Fatalf("%d links on the tracking issue, want 1", len(links))
		}
		mtGolden(t, "task-link", strings.ReplaceAll(links[0], "#"+strconv.Itoa(n), "#N"))
		if got := len(mtBotComments(h, repo, open[0], onboarding.KindOnboarding)); got != 1 {
			t.Errorf("%d checklists, want 1", got)
		}
		if got := len(mtBotComments(h, repo, n, "command-reply")); got != 0 {
			t.Errorf("%d replies on success, want none", got)
		}

		// Redelivery (and a repeated command) writes no second link.
		h.Sim.ResetRequests()
		mtComment(t, h, repo, n, "mentor-one", "/mentee-task @ALICE")
		if got := len(mtBotComments(h, repo, open[0], "mentee-task")); got != 1 {
			t.Errorf("%d links after repeating, want 1", got)
		}
		if w := mtWrites(h.Sim); len(w) != 0 {
			t.Errorf("repeat wrote %q", w)
		}
	})

	t.Run("stranger changes nothing and gets one reply", func(t *testing.T) {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Some issue", User: "maint"})
		id := h.Sim.AddComment(repo, n, "stranger", "/mentee-task @alice", h.Clock.Now())
		payload := h.Sim.IssueCommentEvent("created", repo, n, id)
		h.MustDeliver(t, "issue_comment", payload)
		h.MustDeliver(t, "issue_comment", payload)
		is := mtIssue(t, h, repo, n)
		if len(is.Labels) != 0 || len(is.Assignees) != 0 {
			t.Errorf("stranger changed the issue: %+v", is)
		}
		replies := mtBotComments(h, repo, n, "command-reply")
		if len(replies) != 1 {
			t.Fatalf("%d replies, want 1", len(replies))
		}
		mtGolden(t, "reply-denied", strings.ReplaceAll(replies[0], strconv.Itoa(int(id)), "ID"))
	})

	t.Run("inside a code block or a quote does nothing", func(t *testing.T) {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Docs", User: "maint"})
		h.Sim.ResetRequests()
		mtComment(t, h, repo, n, "mentor-one", "To use it, write:\n\n```\n/mentee-task @alice\n```\n\n> /mentee-task\n")
		if is := mtIssue(t, h, repo, n); len(is.Labels)+len(is.Assignees) != 0 {
			t.Errorf("changed: %+v", is)
		}
		if w := mtWrites(h.Sim); len(w) != 0 {
			t.Errorf("writes %q", w)
		}
	})

	t.Run("org member and write collaborator may use it; cancel says so", func(t *testing.T) {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Another", User: "maint"})
		mtComment(t, h, repo, n, "writer", "/mentee-task")
		if is := mtIssue(t, h, repo, n); !mtHasLabel(is.Labels, menteeTaskLabel) {
			t.Fatalf("write collaborator: labels %q", is.Labels)
		}
		id := mtComment(t, h, repo, n, "maint", "/mentee-task cancel")
		if is := mtIssue(t, h, repo, n); mtHasLabel(is.Labels, menteeTaskLabel) {
			t.Errorf("cancel left labels %q", is.Labels)
		}
		replies := mtBotComments(h, repo, n, "command-reply")
		if len(replies) != 1 {
			t.Fatalf("%d replies, want 1", len(replies))
		}
		mtGolden(t, "reply-cancel", strings.ReplaceAll(replies[0], strconv.Itoa(int(id)), "ID"))
	})

	// cancel undoes the whole command: the label, the assignment the bot
	// made and the link, which now says the task was withdrawn; an
	// assignment a person made stays.
	t.Run("cancel undoes label, the bot's assignment and the link", func(t *testing.T) {
		open, _ := mtTrackingIssues(h, repo, "alice")
		withdrawn := func(n int) bool {
			t.Helper()
			for _, c := range mtBotComments(h, repo, open[0], "mentee-task") {
				if strings.Contains(c, repo+"#"+strconv.Itoa(n)) {
					return strings.Contains(c, "Mentee task withdrawn")
				}
			}
			t.Fatalf("no link to #%d on the tracking issue", n)
			return false
		}
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Task to withdraw", User: "maint"})
		mtComment(t, h, repo, n, "mentor-one", "/mentee-task @alice")
		if is := mtIssue(t, h, repo, n); len(is.Assignees) != 1 || withdrawn(n) {
			t.Fatalf("before cancel: assignees %q", is.Assignees)
		}
		linksBefore := len(mtBotComments(h, repo, open[0], "mentee-task"))
		mtComment(t, h, repo, n, "mentor-one", "/mentee-task cancel")
		is := mtIssue(t, h, repo, n)
		if mtHasLabel(is.Labels, menteeTaskLabel) || len(is.Assignees) != 0 {
			t.Errorf("after cancel: labels %q assignees %q, want neither", is.Labels, is.Assignees)
		}
		if !withdrawn(n) {
			t.Errorf("the link does not say the task was withdrawn")
		}
		if got := len(mtBotComments(h, repo, open[0], "mentee-task")); got != linksBefore {
			t.Errorf("cancel posted a new comment instead of editing the link (%d -> %d)", linksBefore, got)
		}

		// alice took the issue herself before the mentor made it a task.
		m := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Self-assigned", User: "maint", Assignees: []string{"alice"}})
		h.Sim.AddIssueEvent(repo, m, githubsim.IssueEvent{Event: "assigned", Actor: "alice", Assignee: "alice"})
		mtComment(t, h, repo, m, "mentor-one", "/mentee-task @alice")
		id := mtComment(t, h, repo, m, "mentor-one", "/mentee-task cancel")
		is = mtIssue(t, h, repo, m)
		if mtHasLabel(is.Labels, menteeTaskLabel) || len(is.Assignees) != 1 {
			t.Errorf("self-assigned, after cancel: labels %q assignees %q, want alice kept", is.Labels, is.Assignees)
		}
		if !withdrawn(m) {
			t.Errorf("the self-assigned task's link does not say withdrawn")
		}
		replies := mtBotComments(h, repo, m, "command-reply")
		if len(replies) != 1 || !strings.Contains(replies[0], "stays assigned") {
			t.Errorf("reply to cancel: %q", replies)
		} else {
			mtGolden(t, "reply-cancel-kept", strings.ReplaceAll(replies[0], strconv.Itoa(int(id)), "ID"))
		}
	})

	t.Run("not a mentee, and an assignment GitHub refuses", func(t *testing.T) {
		for _, tc := range []struct{ login, golden string }{{"carol", "reply-not-mentee"}, {"bob", ""}, {"dave", "reply-assign-refused"}} {
			n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Task for " + tc.login, User: "maint"})
			id := mtComment(t, h, repo, n, "mentor-one", "/mentee-task @"+tc.login)
			is := mtIssue(t, h, repo, n)
			if !mtHasLabel(is.Labels, menteeTaskLabel) || len(is.Assignees) != 0 {
				t.Errorf("%s: labels %q assignees %q", tc.login, is.Labels, is.Assignees)
			}
			replies := mtBotComments(h, repo, n, "command-reply")
			if len(replies) != 1 {
				t.Fatalf("%s: %d replies, want 1", tc.login, len(replies))
			}
			if tc.golden != "" {
				mtGolden(t, tc.golden, strings.ReplaceAll(replies[0], strconv.Itoa(int(id)), "ID"))
			}
		}
	})

	t.Run("malformed command gets the parser's reply", func(t *testing.T) {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Typo", User: "maint"})
		mtComment(t, h, repo, n, "mentor-one", "/mentee-task alice")
		if got := len(mtBotComments(h, repo, n, "command-reply")); got != 1 {
			t.Errorf("%d replies, want 1", got)
		}
		if is := mtIssue(t, h, repo, n); len(is.Labels) != 0 {
			t.Errorf("labels %q", is.Labels)
		}
	})

	t.Run("hand-added label links the assigned mentee", func(t *testing.T) {
		n := h.Sim.AddIssue(repo, githubsim.Issue{Title: "Hand task", User: "maint", Assignees: []string{"alice"}, Labels: []string{menteeTaskLabel}})
		h.MustDeliver(t, "issues", h.Sim.IssuesEvent("labeled", repo, n, "maint", menteeTaskLabel))
		h.MustDeliver(t, "issues", h.Sim.IssuesEvent("labeled", repo, n, "maint", menteeTaskLabel))
		open, _ := mtTrackingIssues(h, repo, "alice")
		var got int
		for _, c := range mtBotComments(h, repo, open[0], "mentee-task") {
			if strings.Contains(c, "#"+strconv.Itoa(n)+" ") {
				got++
			}
		}
		if got != 1 {
			t.Errorf("%d links for the hand-labelled task, want 1", got)
		}
	})

	if v := h.Sim.Violations(); len(v) > 0 {
		t.Errorf("requests GitHub does not define: %q", v)
	}
}

// TestMenteePRAPICalls reports the GitHub requests one labelled PR costs:
// the first in a repository (label missing, mentee not yet enrolled), then
// the steady state.
func TestMenteePRAPICalls(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	mtSeed(t, h)
	// Enrol first, so that the counts are about labelling.
	if err := h.App.RunSweep(context.Background(), "remind", nil); err != nil {
		t.Fatal(err)
	}
	count := func(name string, f func()) int {
		h.Sim.ResetRequests()
		f()
		var all, mine []string
		for _, r := range h.Sim.Requests() {
			all = append(all, r.Method+" "+r.Path)
			if !strings.Contains(r.Path, "/contents/") && !strings.HasSuffix(r.Path, "/access_tokens") && !strings.Contains(r.Path, "/.github") {
				mine = append(mine, r.Method+" "+r.Path)
			}
		}
		t.Logf("%s: %d requests in all, %d by the labelling job: %q", name, len(all), len(mine), mine)
		return len(mine)
	}
	first := count("first mentee PR in a repository", func() { mtOpenPR(t, h, "thanos-io/objstore", "alice", "") })
	warm := count("next mentee PR", func() { mtOpenPR(t, h, "thanos-io/objstore", "alice", "") })
	none := count("non-mentee PR without references", func() { mtOpenPR(t, h, "thanos-io/objstore", "carol", "") })
	task := h.Sim.AddIssue("thanos-io/thanos", githubsim.Issue{Title: "Task", User: "maint", Labels: []string{menteeTaskLabel}})
	fixes := count("PR closing a mentee task", func() { mtOpenPR(t, h, "thanos-io/objstore", "carol", "Fixes thanos-io/thanos#"+strconv.Itoa(task)) })
	if first > 3 || warm > 1 || none != 0 || fixes > 2 {
		t.Errorf("requests: first %d (want ≤3), warm %d (want ≤1), non-mentee %d (want 0), fixes %d (want ≤2)", first, warm, none, fixes)
	}
}
