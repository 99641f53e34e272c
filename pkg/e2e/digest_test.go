package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/digest"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// The digest tests run in November 2026 with the default schedule (Monday
// 09:00 UTC): the run on Monday 16 November posts 2026-W46, covering
// 9 November 09:00 to 16 November 09:00.

const digestPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  channels: "#thanos-dev on CNCF Slack"
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
    mentors: [mentor-one]
    start: 2026-06-01
    end: 2026-08-31
reviews:
  wait: 72h
  business_days: false
`

func day(d, h int) time.Time { return time.Date(2026, time.November, d, h, 0, 0, 0, time.UTC) }

// seedDigestOrg creates org with its policy, a code repository, the
// tracking issues of the mentees in roster order, and the installation.
func seedDigestOrg(t testing.TB, sim *githubsim.Server, policy string, mentees ...string) {
	t.Helper()
	sim.AddOrg("org", "mentor-one")
	sim.AddRepo("org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": policy}})
	sim.AddRepo("org/app", githubsim.RepoOptions{})
	sim.AddRepo("org/mentorship", githubsim.RepoOptions{})
	for _, m := range mentees {
		sim.AddIssue("org/mentorship", githubsim.Issue{
			Title: "Mentorship: @" + m, User: "mentor-one", Assignees: []string{m}, CreatedAt: day(1, 9).AddDate(0, -3, 0),
		})
	}
	sim.AddInstallation(1, "org", "org/.github", "org/app", "org/mentorship")
}

// ours are the marker kinds of the digest jobs; the bot writes other things
// on tracking issues too (the onboarding checklist, task links).
var ours = map[string]bool{
	digest.KindDigest: true, digest.KindPreview: true, digest.KindRetroReminder: true,
	digest.KindRetro: true, digest.KindTermReport: true, commands.ReplyMarkerKind: true,
}

// botComments returns the bodies of the digest jobs' comments on an issue.
func botComments(sim *githubsim.Server, repo string, number int) []string {
	var out []string
	for _, c := range sim.Comments(repo, number) {
		if c.User != sim.BotLogin() {
			continue
		}
		for _, m := range markers.Parse(c.Body) {
			if ours[m.Kind] {
				out = append(out, c.Body)
				break
			}
		}
	}
	return out
}

func writes(sim *githubsim.Server) []githubsim.Request {
	var out []githubsim.Request
	for _, r := range sim.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" && !strings.HasSuffix(r.Path, "/access_tokens") {
			out = append(out, r)
		}
	}
	return out
}

func runDigest(t testing.TB, h *simbot.Bot) string {
	t.Helper()
	var buf bytes.Buffer
	if err := h.App.RunSweep(context.Background(), "digest", &buf); err != nil {
		t.Fatalf("digest sweep: %v\nlogs:\n%s", err, h.Logs.Tail(30))
	}
	return buf.String()
}

func digestGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "digest", name+".golden"), got)
}

// seedAliceWeek seeds, in week 46: a merged PR, an open PR waiting four
// days, a review given on someone else's PR and an assigned mentee task; and
// things that must not appear: a PR merged the week before and a review
// given the week before.
func seedAliceWeek(sim *githubsim.Server) (merged, waiting, reviewed, task int) {
	merged = sim.AddPull("org/app", githubsim.Pull{
		Issue:  githubsim.Issue{Title: "store: faster postings", User: "alice", State: "closed", CreatedAt: day(10, 11), UpdatedAt: day(12, 15), ClosedAt: day(12, 15)},
		Merged: true, MergedBy: "mentor-one",
		Commits: []githubsim.Commit{{Author: "alice", Message: "faster postings", Date: day(10, 11)}},
	})
	waiting = sim.AddPull("org/app", githubsim.Pull{
		Issue:   githubsim.Issue{Title: "query: add --query.max-samples flag", User: "alice", CreatedAt: day(12, 10)},
		Commits: []githubsim.Commit{{Author: "alice", Message: "max samples", Date: day(12, 10)}},
	})
	reviewed = sim.AddPull("org/app", githubsim.Pull{
		Issue:   githubsim.Issue{Title: "compact: dedup blocks", User: "mentor-one", CreatedAt: day(5, 10), UpdatedAt: day(11, 14)},
		Reviews: []githubsim.Review{{User: "alice", State: "COMMENTED", Body: "looks good, one question", SubmittedAt: day(11, 14)}},
	})
	task = sim.AddIssue("org/app", githubsim.Issue{
		Title: "Document receive limits", User: "mentor-one", Labels: []string{"mentee-task"}, Assignees: []string{"alice"},
		CreatedAt: day(2, 10), UpdatedAt: day(10, 10),
	})
	// Last week's activity, not this week's.
	sim.AddPull("org/app", githubsim.Pull{
		Issue:  githubsim.Issue{Title: "old merged work", User: "alice", State: "closed", CreatedAt: day(3, 10), UpdatedAt: day(5, 10), ClosedAt: day(5, 10)},
		Merged: true,
	})
	sim.AddPull("org/app", githubsim.Pull{
		Issue:   githubsim.Issue{Title: "old review", User: "mentor-one", CreatedAt: day(2, 10), UpdatedAt: day(4, 10)},
		Reviews: []githubsim.Review{{User: "alice", State: "APPROVED", SubmittedAt: day(4, 10)}},
	})
	return merged, waiting, reviewed, task
}

// Acceptance: a seeded week with a merged PR, an open PR waiting four days,
// a review given and an assigned task gives a digest that lists and links
// each and flags the waiting PR; a mentee without activity gets a short
// digest saying so; a mentee past end + 7 days gets none; a second run
// writes nothing.
func TestDigestWeek(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: day(16, 10)})
	seedDigestOrg(t, h.Sim, digestPolicy, "alice", "bob", "carol")
	merged, waiting, reviewed, task := seedAliceWeek(h.Sim)

	out := runDigest(t, h)

	alice := botComments(h.Sim, "org/mentorship", 1)
	if len(alice) != 1 {
		t.Fatalf("alice: want one digest, got %d:\n%s\nreport:\n%s", len(alice), strings.Join(alice, "\n----\n"), out)
	}
	body := alice[0]
	for _, want := range []string{
		"### Weekly digest for @alice: 2026-W46",
		fmt.Sprintf("- merged [org/app\\#%d](https://github.com/org/app/pull/%d) store: faster postings", merged, merged),
		fmt.Sprintf("- opened [org/app\\#%d](https://github.com/org/app/pull/%d)", waiting, waiting),
		fmt.Sprintf("- still open [org/app\\#%d](https://github.com/org/app/pull/%d) query: add --query.max-samples flag, waiting 4d for a review (past the wait)", waiting, waiting),
		"**Needs attention**",
		fmt.Sprintf("- [org/app\\#%d](https://github.com/org/app/pull/%d) query: add --query.max-samples flag: waiting 4d for a review, past the review wait", waiting, waiting),
		fmt.Sprintf("**Reviews given**\n\n- [org/app\\#%d](https://github.com/org/app/pull/%d) compact: dedup blocks\n", reviewed, reviewed),
		fmt.Sprintf("- [org/app\\#%d](https://github.com/org/app/issues/%d) Document receive limits: open", task, task),
		"<!-- mentorbot:digest:2026-W46 ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("alice's digest lacks %q:\n%s", want, body)
		}
	}
	for _, unwanted := range []string{"old merged work", "old review"} {
		if strings.Contains(body, unwanted) {
			t.Errorf("alice's digest lists last week's %q:\n%s", unwanted, body)
		}
	}
	if _, f, ok := digest.FromComment(body); !ok || f.Merged != 1 || f.Open != 1 || f.Reviews != 1 || f.Tasks != 1 {
		t.Errorf("digest marker figures = %+v, %v", f, ok)
	}
	digestGolden(t, "week_alice", body)

	bob := botComments(h.Sim, "org/mentorship", 2)
	if len(bob) != 1 || !strings.Contains(bob[0], "No activity across the org this week.") || !digest.Posted(bob[0], digest.Week{Year: 2026, Week: 46}) {
		t.Errorf("bob: want one short digest saying there was no activity, got %q", bob)
	}
	digestGolden(t, "week_quiet", bob[0])
	if carol := botComments(h.Sim, "org/mentorship", 3); len(carol) != 0 {
		t.Errorf("carol ended in August and must get nothing, got %q", carol)
	}
	if !strings.Contains(out, "Weekly digest for @alice") {
		t.Errorf("the sweep's report does not show the posted text:\n%s", out)
	}

	// Again, an hour later and after a restart: nothing new.
	h.Sim.ResetRequests()
	h.Clock.Advance(time.Hour)
	runDigest(t, h)
	if w := writes(h.Sim); len(w) != 0 {
		t.Errorf("second run wrote %d times: %+v", len(w), w)
	}
	if n := len(botComments(h.Sim, "org/mentorship", 1)); n != 1 {
		t.Errorf("alice has %d digests after the second run", n)
	}

	// Before the next slot (Monday 23 November 09:00) nothing is due: the
	// hourly schedule's runs cost no searches and write nothing.
	h.Sim.ResetRequests()
	h.Clock.Set(time.Date(2026, time.November, 23, 8, 59, 0, 0, time.UTC))
	runDigest(t, h)
	for _, r := range h.Sim.Requests() {
		if strings.HasPrefix(r.Path, "/search/") || r.Method == "POST" && strings.Contains(r.Path, "/comments") {
			t.Errorf("a run with no digest due made %s %s", r.Method, r.Path)
		}
	}

	// Next week: the trend is read from last week's marker.
	h.Clock.Set(day(23, 9).Add(time.Minute))
	runDigest(t, h)
	alice = botComments(h.Sim, "org/mentorship", 1)
	if len(alice) != 2 || !strings.Contains(alice[1], "Since last week: opened 0 (-2), merged 0 (-1), reviews 0 (-1).") {
		t.Errorf("week 47 digest lacks the trend against week 46:\n%s", strings.Join(alice, "\n----\n"))
	}
}

// Acceptance: the retrospective reminder and template appear exactly once,
// in the right weeks, and the end-of-term report once after the end; no
// digest comes after the week following the end. The sweep runs three
// times a day for six weeks, as an hourly schedule and manual runs would.
func TestDigestProgrammeEnd(t *testing.T) {
	// Many runs in a few seconds: lift the search limit so that the pacer
	// does not stretch the test to minutes.
	h := simbot.MustStart(t, simbot.Options{Start: day(9, 8), Sim: func(o *githubsim.Options) { o.SearchRateLimit = 1000 }})
	seedDigestOrg(t, h.Sim, digestPolicy, "alice", "bob", "carol")
	merged, _, _, _ := seedAliceWeek(h.Sim)
	// The bot's own meetup planning issue, on which alice said she will
	// present: not her activity in the end-of-term report.
	meetup := h.Sim.AddIssue("org/mentorship", githubsim.Issue{Title: "Mentees Meetup: planning", User: h.Sim.BotLogin(), Body: "@alice, will you present?", CreatedAt: day(16, 9)})
	h.Sim.AddComment("org/mentorship", meetup, "alice", "Yes, I will present my project.", day(17, 9))

	type event struct {
		at   time.Time
		kind string
	}
	seen := map[string]bool{}
	var events []event
	start := day(9, 8)
	for d := 0; d < 42; d++ {
		for _, hour := range []int{8, 10, 23} {
			h.Clock.Set(start.AddDate(0, 0, d).Add(time.Duration(hour-8) * time.Hour))
			runDigest(t, h)
			for _, body := range botComments(h.Sim, "org/mentorship", 1) {
				for _, m := range markers.Parse(body) {
					if !ours[m.Kind] {
						continue
					}
					k := m.Kind + ":" + m.Key
					if !seen[k] {
						seen[k] = true
						events = append(events, event{h.Clock.Now(), k})
					}
				}
			}
		}
	}
	var got []string
	for _, e := range events {
		got = append(got, e.at.Format("2006-01-02 15h")+" "+e.kind)
	}
	want := []string{
		"2026-11-09 10h digest:2026-W45",
		"2026-11-16 10h digest:2026-W46",
		"2026-11-23 10h digest:2026-W47",
		"2026-11-23 10h retro-reminder:alice",
		"2026-11-30 08h retro:alice",
		"2026-11-30 10h digest:2026-W48",
		"2026-12-01 08h term-report:alice",
		"2026-12-07 10h digest:2026-W49",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("programme end, as posted:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	all := botComments(h.Sim, "org/mentorship", 1)
	count := func(kind string) int {
		n := 0
		for _, b := range all {
			if _, ok := markers.Find(b, kind); ok {
				n++
			}
		}
		return n
	}
	for kind, n := range map[string]int{digest.KindDigest: 5, digest.KindRetroReminder: 1, digest.KindRetro: 1, digest.KindTermReport: 1} {
		if c := count(kind); c != n {
			t.Errorf("%d comments with a %s marker, want %d", c, kind, n)
		}
	}
	for _, b := range all {
		if _, ok := markers.Find(b, digest.KindRetro); ok {
			for _, h := range []string{"### What we did well", "### What we could do better", "### Learnings"} {
				if !strings.Contains(b, h) {
					t.Errorf("retrospective template lacks %q", h)
				}
			}
		}
		if _, ok := markers.Find(b, digest.KindTermReport); ok {
			if !strings.Contains(b, fmt.Sprintf("store: faster postings (org/app\\#%d): https://github.com/org/app/pull/%d", merged, merged)) {
				t.Errorf("term report does not list the merged PR:\n%s", b)
			}
			if strings.Contains(b, "Mentees Meetup") {
				t.Errorf("term report counts the bot's meetup issue as the mentee's activity:\n%s", b)
			}
		}
	}
}

// Acceptance: --dry-run writes nothing and prints the comments it would
// have posted.
func TestDigestDryRun(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: day(16, 10), DryRun: true})
	seedDigestOrg(t, h.Sim, digestPolicy, "alice", "bob", "carol")
	seedAliceWeek(h.Sim)
	h.Sim.ResetRequests()
	out := runDigest(t, h)
	if w := writes(h.Sim); len(w) != 0 {
		t.Errorf("dry run sent %d writes: %+v", len(w), w)
	}
	for _, n := range []int{1, 2, 3} {
		if c := botComments(h.Sim, "org/mentorship", n); len(c) != 0 {
			t.Errorf("dry run commented on #%d: %q", n, c)
		}
	}
	for _, want := range []string{"### Weekly digest for @alice: 2026-W46", "### Weekly digest for @bob: 2026-W46", "store: faster postings", "<!-- mentorbot:digest:2026-W46"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, out)
		}
	}
}

// A dry run cannot open the tracking issue of a mentee enrolled this week,
// yet it previews their digest: the enrolment says what it would open and
// the digest what it would post there, and nothing is written.
func TestDigestDryRunPreviewsNewMentee(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: day(16, 10), DryRun: true})
	policy := strings.Replace(digestPolicy, "program:\n", "program:\n  tracking_repo: org/mentorship\n", 1) + `
`
	policy = strings.Replace(policy, "reviews:\n", `  - login: dave
    mentors: [mentor-one]
    start: 2026-11-02
    end: 2027-01-29
reviews:
`, 1)
	seedDigestOrg(t, h.Sim, policy, "alice", "bob", "carol")
	h.Sim.AddUser("dave", "User")
	h.Sim.ResetRequests()
	out := runDigest(t, h)
	if w := writes(h.Sim); len(w) != 0 {
		t.Errorf("dry run sent %d writes: %+v", len(w), w)
	}
	for _, want := range []string{
		"enrol dave: would open a tracking issue in org/mentorship",
		"digest 2026-W46: would comment on the tracking issue enrolment would open in org/mentorship:",
		"### Weekly digest for @dave: 2026-W46",
		"digest 2026-W46: would comment on org/mentorship#1:",
		"enrol alice: would post the onboarding checklist on org/mentorship#1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "#0") || strings.Contains(out, "no tracking issue yet") || strings.Contains(out, "posted the") {
		t.Errorf("dry-run output names issue #0, skips dave or says it posted:\n%s", out)
	}
}

func commentEvent(t *testing.T, sim *githubsim.Server, repo string, number int, login, body string) []byte {
	t.Helper()
	id := sim.AddComment(repo, number, login, body, time.Time{})
	is, _ := sim.Issue(repo, number)
	owner, name, _ := strings.Cut(repo, "/")
	ev := github.IssueCommentEvent{
		Action:       github.String("created"),
		Installation: &github.Installation{ID: github.Int64(1)},
		Repo: &github.Repository{
			Name: github.String(name), FullName: github.String(repo),
			Owner: &github.User{Login: github.String(owner), Type: github.String("Organization")},
		},
		Issue: &github.Issue{
			Number: github.Int(number), Title: github.String(is.Title), Body: github.String(is.Body), State: github.String("open"),
			User: &github.User{Login: github.String(is.User), Type: github.String("User")},
		},
		Comment: &github.IssueComment{
			ID: github.Int64(id), Body: github.String(body),
			User: &github.User{Login: github.String(login), Type: github.String("User")},
		},
		Sender: &github.User{Login: github.String(login), Type: github.String("User")},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// `/mentorbot digest` by the mentee or a mentor posts a preview at once,
// which does not count as the week's digest; anyone else gets a short,
// polite reply; a redelivery is answered once.
func TestDigestPreviewCommand(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: day(18, 12)})
	seedDigestOrg(t, h.Sim, digestPolicy, "alice", "bob", "carol")
	_, waiting, _, _ := seedAliceWeek(h.Sim)

	ev := commentEvent(t, h.Sim, "org/mentorship", 1, "alice", "/mentorbot digest")
	h.MustDeliver(t, "issue_comment", ev)
	h.MustDeliver(t, "issue_comment", ev) // redelivered
	got := botComments(h.Sim, "org/mentorship", 1)
	if len(got) != 1 {
		t.Fatalf("want one preview, got %d:\n%s\nlogs:\n%s", len(got), strings.Join(got, "\n----\n"), h.Logs.Tail(30))
	}
	for _, want := range []string{"### Digest preview for @alice: 2026-W47", "This is a preview", fmt.Sprintf("org/app\\#%d", waiting), markers.New(digest.KindPreview, "2026-W47")} {
		if !strings.Contains(got[0], want) {
			t.Errorf("preview lacks %q:\n%s", want, got[0])
		}
	}
	if _, _, ok := digest.FromComment(got[0]); ok {
		t.Errorf("a preview must not count as a digest:\n%s", got[0])
	}

	h.MustDeliver(t, "issue_comment", commentEvent(t, h.Sim, "org/mentorship", 1, "mentor-one", "Let's see.\n/mentorbot digest"))
	if n := len(botComments(h.Sim, "org/mentorship", 1)); n != 2 {
		t.Errorf("a mentor's request gave %d comments in all, want 2", n)
	}

	h.MustDeliver(t, "issue_comment", commentEvent(t, h.Sim, "org/mentorship", 1, "stranger", "/mentorbot digest"))
	got = botComments(h.Sim, "org/mentorship", 1)
	if len(got) != 3 || !strings.Contains(got[2], "@stranger") || strings.Contains(got[2], "Digest preview") {
		t.Errorf("a stranger should get a short polite reply, got:\n%s", strings.Join(got, "\n----\n"))
	}

	// The weekly digest still comes on Monday.
	h.Clock.Set(day(23, 10))
	runDigest(t, h)
	got = botComments(h.Sim, "org/mentorship", 1)
	if !digest.Posted(got[len(got)-1], digest.Week{Year: 2026, Week: 47}) {
		t.Errorf("the week's digest was not posted after a preview:\n%s", got[len(got)-1])
	}
}

// BenchmarkDigestSearchCost measures what one digest of 20 active mentees
// costs in search requests (GitHub allows 30 a minute per installation)
// and in API requests overall. The simulator's search limit is raised so
// that the benchmark measures requests, not the pacer's waits; at GitHub's
// limit the pacer spreads the same searches over searches/30 minutes.
func BenchmarkDigestSearchCost(b *testing.B) {
	const mentees = 20
	var roster strings.Builder
	roster.WriteString("mentees:\n")
	logins := make([]string, mentees)
	for i := range logins {
		logins[i] = fmt.Sprintf("mentee-%02d", i)
		fmt.Fprintf(&roster, "  - login: %s\n    tracking_issue: org/mentorship#%d\n    mentors: [mentor-one]\n    start: 2026-09-01\n    end: 2026-11-30\n", logins[i], i+1)
	}
	roster.WriteString("reviews:\n  wait: 72h\n  business_days: false\n")

	var searches, calls int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := simbot.MustStart(b, simbot.Options{Start: day(16, 10), Sim: func(o *githubsim.Options) { o.SearchRateLimit = 1000 }})
		seedDigestOrg(b, h.Sim, roster.String(), logins...)
		for _, l := range logins {
			// Per mentee: a merged PR, an open PR, an issue opened, a task.
			h.Sim.AddPull("org/app", githubsim.Pull{
				Issue:  githubsim.Issue{Title: "merged work", User: l, State: "closed", CreatedAt: day(10, 10), ClosedAt: day(12, 10)},
				Merged: true,
			})
			h.Sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "open work", User: l, CreatedAt: day(12, 10)}})
			h.Sim.AddIssue("org/app", githubsim.Issue{Title: "a bug", User: l, CreatedAt: day(11, 10)})
			h.Sim.AddIssue("org/app", githubsim.Issue{Title: "a task", User: "mentor-one", Labels: []string{"mentee-task"}, Assignees: []string{l}, CreatedAt: day(10, 10)})
		}
		h.Sim.ResetRequests()
		b.StartTimer()
		runDigest(b, h)
		b.StopTimer()
		for _, r := range h.Sim.Requests() {
			if strings.HasSuffix(r.Path, "/access_tokens") {
				continue
			}
			calls++
			if strings.HasPrefix(r.Path, "/search/") {
				searches++
			}
		}
		if n := len(botComments(h.Sim, "org/mentorship", 1)); n != 1 {
			b.Fatalf("mentee-00 got %d digests", n)
		}
		if err := h.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(searches)/float64(b.N), "searches/op")
	b.ReportMetric(float64(calls)/float64(b.N), "api-calls/op")
	b.ReportMetric(float64(searches)/float64(b.N)/mentees, "searches/mentee")
}

// digest.scope decides where activity counts: with `org` only the
// installation's repositories, with `public` also a dependency elsewhere on
// GitHub (mentees are encouraged to contribute upstream).
func TestDigestScope(t *testing.T) {
	for _, tc := range []struct {
		scope    string
		upstream bool
	}{{"org", false}, {"public", true}} {
		t.Run(tc.scope, func(t *testing.T) {
			h := simbot.MustStart(t, simbot.Options{Start: day(16, 10)})
			seedDigestOrg(t, h.Sim, digestPolicy+"digest:\n  scope: "+tc.scope+"\n", "alice", "bob")
			h.Sim.AddRepo("grpc-ecosystem/go-grpc-middleware", githubsim.RepoOptions{})
			up := h.Sim.AddPull("grpc-ecosystem/go-grpc-middleware", githubsim.Pull{
				Issue:  githubsim.Issue{Title: "logging: keep fields order", User: "alice", State: "closed", CreatedAt: day(10, 9), ClosedAt: day(12, 9)},
				Merged: true, MergedBy: "someone",
			})
			runDigest(t, h)
			alice := botComments(h.Sim, "org/mentorship", 1)
			if len(alice) != 1 {
				t.Fatalf("alice: want one digest, got %d", len(alice))
			}
			link := fmt.Sprintf("grpc-ecosystem/go-grpc-middleware\\#%d", up)
			if got := strings.Contains(alice[0], link); got != tc.upstream {
				t.Errorf("scope %s: upstream PR listed = %v, want %v:\n%s", tc.scope, got, tc.upstream, alice[0])
			}
		})
	}
}
