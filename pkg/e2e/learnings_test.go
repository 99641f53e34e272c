package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/digest"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/learnings"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// The programme-end tests use one term that ends on Monday 30 November
// 2026: the meetup is planned from Monday 9 November (three weeks before
// the last day), and the learnings are collected from Tuesday 8 December
// (the term is over on 1 December, plus collect_after: 168h).

const learnPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  tracking_repo: org/mentorship
mentees:
  - login: alice
    tracking_issue: org/mentorship#1
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
  - login: bob
    tracking_issue: org/mentorship#2
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
  - login: carol
    tracking_issue: org/mentorship#3
    mentors: [mentor-two]
    start: 2026-09-01
    end: 2026-11-30
retrospective:
  collect_after: 168h
meetup:
  enabled: true
  weeks_before_end: 3
dashboard:
  enabled: false # TestDashboard covers it; these tests count issue numbers and searches
`

const learnProgram = "LFX Mentorship 2026 Term 3"

func learnAt(month time.Month, d, h int) time.Time {
	return time.Date(2026, month, d, h, 0, 0, 0, time.UTC)
}

// seedLearnOrg creates the org, its policy, the tracking issues #1..#3 of
// alice, bob and carol, and the installation.
func seedLearnOrg(t testing.TB, sim *githubsim.Server) {
	t.Helper()
	sim.AddOrg("org", "mentor-one", "mentor-two")
	sim.AddRepo("org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": learnPolicy}})
	sim.AddRepo("org/mentorship", githubsim.RepoOptions{})
	for _, m := range []string{"alice", "bob", "carol"} {
		sim.AddIssue("org/mentorship", githubsim.Issue{
			Title: "Mentorship: @" + m, User: "mentor-one", Assignees: []string{m}, CreatedAt: learnAt(time.September, 1, 9),
		})
	}
	sim.AddInstallation(1, "org", "org/.github", "org/mentorship")
}

func learnSweep(t testing.TB, h *simbot.Bot) string {
	t.Helper()
	var buf bytes.Buffer
	if err := h.App.RunSweep(context.Background(), "digest", &buf); err != nil {
		t.Fatalf("digest sweep: %v\nlogs:\n%s", err, h.Logs.Tail(30))
	}
	return buf.String()
}

// markedIssues returns the numbers of the issues in org/mentorship that the
// bot opened with the marker kind (any key).
func markedIssues(sim *githubsim.Server, kind string) []int {
	var out []int
	for n := 1; ; n++ {
		is, ok := sim.Issue("org/mentorship", n)
		if !ok {
			return out
		}
		if _, ok := markers.Find(is.Body, kind); ok && is.User == sim.BotLogin() {
			out = append(out, n)
		}
	}
}

// markedComments counts the bot's comments with kind:key on an issue.
func markedComments(sim *githubsim.Server, number int, kind, key string) int {
	n := 0
	for _, c := range sim.Comments("org/mentorship", number) {
		if c.User == sim.BotLogin() && markers.Has(c.Body, kind, key) {
			n++
		}
	}
	return n
}

// issueWrites counts the PATCH requests to one issue.
func issueWrites(sim *githubsim.Server, number int) int {
	n := 0
	suffix := "/repos/org/mentorship/issues/" + strconv.Itoa(number)
	for _, r := range sim.Requests() {
		if r.Method == "PATCH" && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

func learnGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "learnings", name), got)
}

// seedRetrospectives posts the retrospective template (as the digest sweep
// does on the last day) on each tracking issue, and the replies: alice
// writes headings, bob bold labels, carol a list and, a day later, a reply
// that adds one learning.
func seedRetrospectives(t testing.TB, sim *githubsim.Server) map[string]int64 {
	t.Helper()
	mentees := map[string]policy.Mentee{
		"alice": {Login: "alice", Mentors: []string{"mentor-one"}, End: policy.Date{Year: 2026, Month: 11, Day: 30}},
		"bob":   {Login: "bob", Mentors: []string{"mentor-one"}, End: policy.Date{Year: 2026, Month: 11, Day: 30}},
		"carol": {Login: "carol", Mentors: []string{"mentor-two"}, End: policy.Date{Year: 2026, Month: 11, Day: 30}},
	}
	for i, login := range []string{"alice", "bob", "carol"} {
		sim.AddComment("org/mentorship", i+1, sim.BotLogin(), digest.RenderRetro(digest.TermOf(mentees[login], learnProgram)), learnAt(time.November, 30, 9))
	}
	ids := map[string]int64{}
	ids["alice"] = sim.AddComment("org/mentorship", 1, "alice", `## What we did well

- Weekly 1:1s kept the work moving
- Small, focused PRs

## What we could do better

- Ask for help earlier instead of staying stuck

## Learnings

- Writing tests first makes code reviews faster
- Reading the Prometheus TSDB code is easier with a debugger
`, learnAt(time.November, 30, 15))
	ids["bob"] = sim.AddComment("org/mentorship", 2, "bob", `Thanks for a great term! Here is mine.

**What went well**
1. Pairing sessions with mentor-one
2. The onboarding checklist

**What could be better**
1. Too many meetings in the first week

**Learnings**
1. Code reviews are a conversation, not a verdict
2. Benchmarks before optimising
`, learnAt(time.November, 30, 16))
	ids["carol"] = sim.AddComment("org/mentorship", 3, "carol", `### What we did well
* Shipped the query sharding feature :tada:

### What we could do better
* Document the design earlier
`, learnAt(time.November, 30, 17))
	ids["carol-later"] = sim.AddComment("org/mentorship", 3, "carol", `Learning: splitting a big change into small code reviews gets it merged sooner`, learnAt(time.December, 1, 10))
	return ids
}

func TestLearningsRollUp(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: learnAt(time.November, 30, 12)})
	seedLearnOrg(t, h.Sim)
	ids := seedRetrospectives(t, h.Sim)

	// A day before collect_after has passed: nothing yet.
	h.Clock.Set(learnAt(time.December, 7, 23))
	learnSweep(t, h)
	if got := markedIssues(h.Sim, learnings.IssueMarkerKind); len(got) != 0 {
		t.Fatalf("learnings issue opened before collect_after: %v", got)
	}

	h.Clock.Set(learnAt(time.December, 8, 10))
	learnSweep(t, h)
	got := markedIssues(h.Sim, learnings.IssueMarkerKind)
	if len(got) != 1 {
		t.Fatalf("want one learnings issue, got %v", got)
	}
	number := got[0]
	is, _ := h.Sim.Issue("org/mentorship", number)
	if is.Title != "Learnings: "+learnProgram {
		t.Errorf("title = %q", is.Title)
	}
	for _, want := range []string{
		"Weekly 1:1s kept the work moving", "Small, focused PRs", "Ask for help earlier instead of staying stuck",
		"Writing tests first makes code reviews faster", "Reading the Prometheus TSDB code is easier with a debugger",
		"Pairing sessions with mentor-one", "The onboarding checklist", "Too many meetings in the first week",
		"Code reviews are a conversation, not a verdict", "Benchmarks before optimising",
		"Shipped the query sharding feature", "Document the design earlier",
		"splitting a big change into small code reviews gets it merged sooner",
		"## For the mailing list",
	} {
		if !strings.Contains(is.Body, want) {
			t.Errorf("learnings issue lacks %q", want)
		}
	}
	for who, id := range ids {
		n := map[string]int{"alice": 1, "bob": 2, "carol": 3, "carol-later": 3}[who]
		link := "/org/mentorship/issues/" + strconv.Itoa(n) + "#issuecomment-" + strconv.FormatInt(id, 10) + ")"
		if !strings.Contains(is.Body, link) {
			t.Errorf("learnings issue does not link %s's comment (%s)", who, link)
		}
	}
	learnGolden(t, "learnings-issue.md", is.Body)

	// A second run adds nothing.
	writesBefore := issueWrites(h.Sim, number)
	learnSweep(t, h)
	if n := issueWrites(h.Sim, number); n != writesBefore {
		t.Errorf("second run rewrote the learnings issue (%d writes)", n-writesBefore)
	}
	if got := markedIssues(h.Sim, learnings.IssueMarkerKind); len(got) != 1 {
		t.Errorf("second run: learnings issues %v", got)
	}

	// A new reply updates the issue in place.
	h.Sim.AddComment("org/mentorship", 1, "alice", "**Learnings:** ask in public channels, not in DMs", learnAt(time.December, 8, 12))
	h.Clock.Set(learnAt(time.December, 8, 13))
	learnSweep(t, h)
	if got := markedIssues(h.Sim, learnings.IssueMarkerKind); len(got) != 1 || got[0] != number {
		t.Fatalf("after a new reply: learnings issues %v, want [%d]", got, number)
	}
	is, _ = h.Sim.Issue("org/mentorship", number)
	if !strings.Contains(is.Body, "ask in public channels, not in DMs") {
		t.Errorf("the new learning is not in the issue:\n%s", is.Body)
	}
	if n := issueWrites(h.Sim, number); n != writesBefore+1 {
		t.Errorf("want one update in place, got %d", n-writesBefore)
	}
}

func TestMeetupPlanning(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: learnAt(time.November, 2, 9)})
	seedLearnOrg(t, h.Sim)

	// The evening before three weeks before the last day: too early.
	h.Clock.Set(learnAt(time.November, 8, 23))
	learnSweep(t, h)
	if got := markedIssues(h.Sim, learnings.MeetupMarkerKind); len(got) != 0 {
		t.Fatalf("planning issue opened too early: %v", got)
	}

	h.Clock.Set(learnAt(time.November, 9, 9))
	learnSweep(t, h)
	h.Clock.Set(learnAt(time.November, 9, 10))
	learnSweep(t, h)
	got := markedIssues(h.Sim, learnings.MeetupMarkerKind)
	if len(got) != 1 {
		t.Fatalf("want exactly one planning issue, got %v", got)
	}
	planning := got[0]
	is, _ := h.Sim.Issue("org/mentorship", planning)
	if is.Title != "Mentees Meetup: "+learnProgram {
		t.Errorf("title = %q", is.Title)
	}
	learnGolden(t, "meetup-issue.md", is.Body)
	for i, login := range []string{"alice", "bob", "carol"} {
		if n := markedComments(h.Sim, i+1, learnings.InviteMarkerKind, login); n != 1 {
			t.Errorf("%s was asked %d times, want once", login, n)
		}
	}
	for _, c := range h.Sim.Comments("org/mentorship", 1) {
		if markers.Has(c.Body, learnings.InviteMarkerKind, "alice") {
			learnGolden(t, "meetup-invite.md", c.Body)
		}
	}

	comment := func(number int, user, body string) int64 {
		id := h.Sim.AddComment("org/mentorship", number, user, body, time.Time{})
		h.MustDeliver(t, "issue_comment", h.Sim.IssueCommentEvent("created", "org/mentorship", number, id))
		return id
	}
	agenda := func() learnings.Agenda {
		t.Helper()
		is, _ := h.Sim.Issue("org/mentorship", planning)
		a, err := learnings.ReadAgenda(is.Body)
		if err != nil {
			t.Fatalf("read agenda: %v", err)
		}
		return a
	}
	reply := func(number int, id int64) string {
		for _, c := range h.Sim.Comments("org/mentorship", number) {
			if c.User == h.Sim.BotLogin() && markers.Has(c.Body, "command-reply", strconv.FormatInt(id, 10)) {
				return c.Body
			}
		}
		return ""
	}

	// Two presents, in order: alice on the planning issue, bob on his
	// tracking issue.
	id1 := comment(planning, "alice", "/meetup present Sharding queries in Thanos")
	id2 := comment(2, "bob", "I would love to!\n/meetup present What I learned reviewing PRs")
	a := agenda()
	if len(a.Talks) != 2 || a.Talks[0].Login != "alice" || a.Talks[1].Login != "bob" ||
		a.Talks[0].Title != "Sharding queries in Thanos" || a.Talks[1].Title != "What I learned reviewing PRs" {
		t.Fatalf("agenda after two presents: %+v", a.Talks)
	}
	is, _ = h.Sim.Issue("org/mentorship", planning)
	if !learnings.InterestTicked(is.Body) {
		t.Errorf("first step not ticked after two talks:\n%s", is.Body)
	}
	learnGolden(t, "meetup-issue-two-talks.md", is.Body)
	if r := reply(planning, id1); !strings.Contains(r, "number 1") {
		t.Errorf("reply to alice: %q", r)
	}
	if r := reply(2, id2); !strings.Contains(r, "number 2") || !strings.Contains(r, "ticked the first step") {
		t.Errorf("reply to bob: %q", r)
	} else {
		learnGolden(t, "present-reply.md", r)
	}

	// Withdraw removes one.
	id3 := comment(planning, "alice", "/meetup withdraw")
	if a := agenda(); len(a.Talks) != 1 || a.Talks[0].Login != "bob" {
		t.Errorf("agenda after alice withdrew: %+v", a.Talks)
	}
	if r := reply(planning, id3); r == "" {
		t.Error("no reply to the withdrawal")
	}

	// A stranger changes nothing and gets a reply; so does a mentee on
	// someone else's tracking issue.
	is, _ = h.Sim.Issue("org/mentorship", planning)
	bodyBefore := is.Body
	id4 := comment(planning, "stranger", "/meetup present My talk")
	id5 := comment(1, "carol", "/meetup present On alice's issue")
	is, _ = h.Sim.Issue("org/mentorship", planning)
	if is.Body != bodyBefore {
		t.Errorf("a stranger's command changed the planning issue")
	}
	if r := reply(planning, id4); r == "" {
		t.Error("the stranger got no reply")
	}
	if r := reply(1, id5); r == "" {
		t.Error("carol got no reply on alice's tracking issue")
	}

	// Redelivering a command changes nothing and does not reply twice.
	h.MustDeliver(t, "issue_comment", h.Sim.IssueCommentEvent("created", "org/mentorship", 2, id2))
	if n := markedComments(h.Sim, 2, "command-reply", strconv.FormatInt(id2, 10)); n != 1 {
		t.Errorf("bob got %d replies to one command", n)
	}
	if a := agenda(); len(a.Talks) != 1 {
		t.Errorf("redelivery changed the agenda: %+v", a.Talks)
	}
}

// --dry-run and --now work for the programme's end too: at the moment the
// meetup is due, and after collect_after, the sweep prints the planning
// issue, the invitations and the learnings issue it would open, and writes
// nothing.
func TestLearningsAndMeetupDryRun(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: learnAt(time.November, 9, 9), DryRun: true})
	seedLearnOrg(t, h.Sim)
	seedRetrospectives(t, h.Sim)
	h.Sim.ResetRequests()

	out := learnSweep(t, h)
	for _, want := range []string{`meetup: open "Mentees Meetup: ` + learnProgram + `"`, "meetup: invitation on org/mentorship#1"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run did not print %q:\n%s", want, out)
		}
	}
	h.Clock.Set(learnAt(time.December, 8, 10))
	out = learnSweep(t, h)
	if !strings.Contains(out, `learnings: open "Learnings: `+learnProgram+`"`) {
		t.Errorf("dry run did not print the learnings issue:\n%s", out)
	}
	if w := writes(h.Sim); len(w) > 0 {
		t.Errorf("dry run wrote %d times: %+v", len(w), w)
	}
}
