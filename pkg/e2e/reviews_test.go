package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/reviews"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// reviewsPolicy is the org policy of the review-wait tests; extra is
// appended under reviews:.
func reviewsPolicy(extra string) string {
	return `program:
  name: LFX Mentorship 2026 Term 3
  channels: "#dev on CNCF Slack"
mentees:
  - login: alice
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-12-31
reviews:
  wait: 72h
  max_suggestions: 2
  reviewers: [pool-person]
` + extra
}

// seedReviewsOrg creates org with members, its .github repository holding
// the policy, the given repositories and one installation on all of them.
func seedReviewsOrg(h *simbot.Bot, org, pol string, members []string, repos map[string]githubsim.RepoOptions) {
	h.Sim.AddOrg(org, members...)
	h.Sim.AddRepo(org+"/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": pol}})
	names := []string{org + "/.github"}
	for name, o := range repos {
		h.Sim.AddRepo(name, o)
		names = append(names, name)
		// Members are active in the repositories: reviews.inactive_after
		// never suggests anyone without a commit in six months.
		for _, m := range members {
			h.Sim.AddCommit(name, githubsim.Commit{Author: m, Message: "docs: typo", Date: h.Clock.Now().Add(-days(30)), Files: []string{"README.md"}})
		}
	}
	h.Sim.AddInstallation(100, org, names...)
}

func runRemind(t testing.TB, h *simbot.Bot) string {
	t.Helper()
	var buf bytes.Buffer
	if err := h.App.RunSweep(context.Background(), "remind", &buf); err != nil {
		t.Fatalf("remind: %v\nreport:\n%s\nlogs:\n%s", err, buf.String(), h.Logs.Tail(30))
	}
	return buf.String()
}

// remindWrites counts the requests that change GitHub, apart from token minting.
func remindWrites(h *simbot.Bot) []githubsim.Request {
	var out []githubsim.Request
	for _, r := range h.Sim.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" && !strings.HasPrefix(r.Path, "/app/") {
			out = append(out, r)
		}
	}
	return out
}

func reviewBotComments(h *simbot.Bot, repo string, number int, kind string) []githubsim.Comment {
	var out []githubsim.Comment
	for _, c := range h.Sim.Comments(repo, number) {
		if c.User == h.Sim.BotLogin() {
			if _, ok := markers.Find(c.Body, kind); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

var mentionRe = regexp.MustCompile(`(?m)^- @([A-Za-z0-9-]+(?:\[bot\])?): (.+)$`)

// suggested returns login → reason from a reminder.
func suggested(body string) map[string]string {
	out := map[string]string{}
	for _, m := range mentionRe.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func days(n float64) time.Duration { return time.Duration(n * 24 * float64(time.Hour)) }

func TestRemindSuggestsOnceForWaitingMenteePR(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"),
		[]string{"carol", "pool-person", "mentor-one"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	h.Sim.AddUser("dependabot[bot]", "Bot")
	h.Sim.AddCommit("org/app", githubsim.Commit{Author: "carol", Date: now.Add(-days(20)), Files: []string{"pkg/foo/a.go"}})
	h.Sim.AddCommit("org/app", githubsim.Commit{Author: "dependabot[bot]", Date: now.Add(-days(10)), Files: []string{"pkg/foo/go.mod"}})
	h.Sim.AddCommit("org/app", githubsim.Commit{Author: "alice", Date: now.Add(-days(30)), Files: []string{"pkg/foo/b.go"}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue:   githubsim.Issue{Title: "Add foo", User: "alice", CreatedAt: now.Add(-days(5))},
		Files:   []githubsim.PullFile{{Filename: "pkg/foo/x.go"}},
		Commits: []githubsim.Commit{{Author: "alice", Date: now.Add(-days(5))}},
	})
	h.Sim.AddComment("org/app", n, "dependabot[bot]", "bump", now.Add(-days(4)))

	report := runRemind(t, h)
	cs := reviewBotComments(h, "org/app", n, reviews.MarkerWait)
	if len(cs) != 1 {
		t.Fatalf("want 1 reminder, got %d; report:\n%s", len(cs), report)
	}
	sugg := suggested(cs[0].Body)
	if len(sugg) < 1 || len(sugg) > 2 {
		t.Fatalf("want 1-2 suggestions, got %v in:\n%s", sugg, cs[0].Body)
	}
	for login, reason := range sugg {
		if login == "alice" || strings.HasSuffix(login, "[bot]") {
			t.Errorf("suggested %s", login)
		}
		if strings.TrimSpace(reason) == "" {
			t.Errorf("no reason for %s", login)
		}
	}
	if _, ok := sugg["carol"]; !ok {
		t.Errorf("want carol (changed pkg/foo recently) suggested, got %v", sugg)
	}
	if !strings.Contains(cs[0].Body, "#dev on CNCF Slack") {
		t.Errorf("reminder does not say where to ask:\n%s", cs[0].Body)
	}

	h.Sim.ResetRequests()
	report = runRemind(t, h)
	if w := remindWrites(h); len(w) != 0 {
		t.Fatalf("second remind wrote %d times: %+v\nreport:\n%s", len(w), w, report)
	}
}

func TestRemindPrometheusCodeownersTSDB(t *testing.T) {
	co, err := os.ReadFile("testdata/reviews/prometheus-CODEOWNERS")
	if err != nil {
		t.Fatal(err)
	}
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	owners := []string{"jesusvazquez", "codesome", "bwplotka", "krajorama"}
	seedReviewsOrg(h, "prometheus", reviewsPolicy("  business_days: false\n"),
		append([]string{"pool-person", "mentor-one", "roidelapluie", "beorn7"}, owners...),
		map[string]githubsim.RepoOptions{"prometheus/prometheus": {Files: map[string]string{"CODEOWNERS": string(co)}}})
	h.Sim.AddTeam("prometheus", "default-maintainers", "dm-one", "dm-two")
	// Someone not named for /tsdb changed it recently: evidence of recent
	// work on the paths ranks first, CODEOWNERS break the tie after it.
	h.Sim.AddCommit("prometheus/prometheus", githubsim.Commit{Author: "beorn7", Date: now.Add(-days(3)), Files: []string{"tsdb/head.go"}})
	n := h.Sim.AddPull("prometheus/prometheus", githubsim.Pull{
		Issue: githubsim.Issue{Title: "tsdb: fix", User: "alice", CreatedAt: now.Add(-days(5))},
		Files: []githubsim.PullFile{{Filename: "tsdb/head.go"}, {Filename: "tsdb/chunks/chunks.go"}},
	})
	report := runRemind(t, h)
	cs := reviewBotComments(h, "prometheus/prometheus", n, reviews.MarkerWait)
	if len(cs) != 1 {
		t.Fatalf("want 1 reminder, got %d; report:\n%s", len(cs), report)
	}
	allowed := map[string]bool{"pool-person": true, "dm-one": true, "dm-two": true}
	for _, o := range owners {
		allowed[o] = true
	}
	sugg := suggested(cs[0].Body)
	if len(sugg) != 2 {
		t.Fatalf("want 2 suggestions:\n%s\nreport:\n%s", cs[0].Body, report)
	}
	if r := sugg["beorn7"]; !strings.HasPrefix(r, "changed ") || !strings.Contains(r, "tsdb") || !strings.Contains(r, "once since ") {
		t.Errorf("beorn7's recent tsdb change is not first evidence: %q\n%s", r, cs[0].Body)
	}
	for login, reason := range sugg {
		if login == "beorn7" {
			continue
		}
		if !allowed[login] || !strings.Contains(reason, "CODEOWNERS owner of") {
			t.Errorf("suggested %s (%s), not a /tsdb owner by CODEOWNERS", login, reason)
		}
	}
}

func TestRemindThanosMaintainersAndHistory(t *testing.T) {
	mt, err := os.ReadFile("testdata/reviews/thanos-MAINTAINERS.md")
	if err != nil {
		t.Fatal(err)
	}
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	members := []string{"GiedriusS", "yeya24", "fpetkovski", "saswatamcode", "MichaHoffmann", "bwplotka", "squat", "onprem", "mentor-one"}
	seedReviewsOrg(h, "thanos-io", strings.Replace(reviewsPolicy("  business_days: false\n"), "reviewers: [pool-person]", "reviewers: []", 1),
		members, map[string]githubsim.RepoOptions{"thanos-io/thanos": {Files: map[string]string{"MAINTAINERS.md": string(mt)}}})
	// Real top authors of pkg/store (thanos-dir-top-authors-secondlevel.tsv).
	for i, a := range []string{"GiedriusS", "yeya24", "yeya24", "outside-contributor"} {
		h.Sim.AddCommit("thanos-io/thanos", githubsim.Commit{Author: a, Date: now.Add(-days(float64(10 + i))), Files: []string{"pkg/store/bucket.go"}})
	}
	n := h.Sim.AddPull("thanos-io/thanos", githubsim.Pull{
		Issue: githubsim.Issue{Title: "store: fix", User: "alice", CreatedAt: now.Add(-days(5))},
		Files: []githubsim.PullFile{{Filename: "pkg/store/bucket.go"}},
	})
	report := runRemind(t, h)
	cs := reviewBotComments(h, "thanos-io/thanos", n, reviews.MarkerWait)
	if len(cs) != 1 {
		t.Fatalf("want 1 reminder, got %d; report:\n%s", len(cs), report)
	}
	sugg := suggested(cs[0].Body)
	if len(sugg) == 0 {
		t.Fatalf("no suggestions:\n%s", cs[0].Body)
	}
	for login, reason := range sugg {
		if login == "outside-contributor" {
			t.Errorf("suggested a non-member")
		}
		if !strings.Contains(reason, "MAINTAINERS.md") && !strings.Contains(reason, "changed `pkg/store`") {
			t.Errorf("reason for %s is %q, want MAINTAINERS.md or path history", login, reason)
		}
	}
	if !strings.Contains(report, "outside-contributor dropped") {
		t.Errorf("report does not explain dropping the non-member:\n%s", report)
	}
}

func TestRemindBusinessDaysFridayEvening(t *testing.T) {
	// Monday 2026-11-02 09:00 UTC; the PR was opened on Friday at 19:00.
	h := simbot.MustStart(t, simbot.Options{})
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: true\n"), []string{"pool-person"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: time.Date(2026, 10, 30, 19, 0, 0, 0, time.UTC)},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	runRemind(t, h)
	if cs := h.Sim.Comments("org/app", n); len(cs) != 0 {
		t.Fatalf("reminded on Monday morning: %+v", cs)
	}
}

func TestRemindNeverRemindsDraftMergedClosedOrReviewed(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "bob"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	old := now.Add(-days(6))
	pr := func(p githubsim.Pull) int {
		p.User, p.Title, p.CreatedAt = "alice", "x", old
		p.Files = []githubsim.PullFile{{Filename: "main.go"}}
		p.Commits = []githubsim.Commit{{Author: "alice", Date: old}}
		return h.Sim.AddPull("org/app", p)
	}
	nums := map[string]int{
		"draft":  pr(githubsim.Pull{Draft: true}),
		"merged": pr(githubsim.Pull{Issue: githubsim.Issue{State: "closed"}, Merged: true}),
		"closed": pr(githubsim.Pull{Issue: githubsim.Issue{State: "closed"}}),
	}
	nums["reviewed"] = pr(githubsim.Pull{})
	h.Sim.AddReview("org/app", nums["reviewed"], githubsim.Review{User: "bob", State: "COMMENTED", SubmittedAt: now.Add(-days(4))})
	nums["commented"] = pr(githubsim.Pull{})
	h.Sim.AddComment("org/app", nums["commented"], "bob", "looks good, one question", now.Add(-days(4)))

	report := runRemind(t, h)
	for what, n := range nums {
		if cs := h.Sim.Comments("org/app", n); len(cs) > 1 || (len(cs) == 1 && cs[0].User == h.Sim.BotLogin()) {
			t.Errorf("%s PR #%d was reminded; report:\n%s", what, n, report)
		}
	}
	if w := remindWrites(h); len(w) != 0 {
		t.Errorf("wrote %+v", w)
	}
}

func TestRemindEscalatesOnceAfterTwiceTheWait(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "mentor-one"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(4))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
		t.Fatalf("want the reminder, got %d", got)
	}
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerEscalate)); got != 0 {
		t.Fatalf("escalated after 4 days of a 3-day wait")
	}
	h.Clock.Advance(days(2.5)) // 6.5 days > twice the wait, but only 2.5 since the reminder
	runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerEscalate)); got != 0 {
		t.Fatalf("escalated 2.5 days after the reminder, within the 3-day wait")
	}
	h.Clock.Advance(days(0.5)) // the whole wait since the reminder
	runRemind(t, h)
	runRemind(t, h)
	esc := reviewBotComments(h, "org/app", n, reviews.MarkerEscalate)
	if len(esc) != 1 {
		t.Fatalf("want 1 escalation, got %d", len(esc))
	}
	if !strings.Contains(esc[0].Body, "@mentor-one") || !strings.Contains(esc[0].Body, "@pool-person") {
		t.Errorf("escalation does not ping the mentor or name the suggested reviewer:\n%s", esc[0].Body)
	}
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
		t.Errorf("want still one reminder, got %d", got)
	}
}

func TestRemindDryRunWritesNothing(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{DryRun: true})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n  keepalive_label: keepalive\n"), []string{"pool-person"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(5))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	report := runRemind(t, h)
	if w := remindWrites(h); len(w) != 0 {
		t.Fatalf("dry run wrote %+v", w)
	}
	for _, want := range []string{"waited 5 days", "candidate pool-person kept", "comment:", "@pool-person", "mentorbot:review-wait:", "keepalive"} {
		if !strings.Contains(report, want) {
			t.Errorf("dry-run report lacks %q:\n%s", want, report)
		}
	}
	// The writes held back are counted: the reminder and the keepalive
	// label.
	metrics, err := h.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(metrics, "mentorbot_github_dry_run_writes_total 2") {
		t.Errorf("/metrics lacks mentorbot_github_dry_run_writes_total 2:\n%s", grepLines(metrics, "dry_run"))
	}
}

func TestRemindKeepaliveLabel(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n  keepalive_label: keepalive\n"), []string{"pool-person"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	mk := func(labels ...string) int {
		return h.Sim.AddPull("org/app", githubsim.Pull{
			Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(5)), Labels: labels},
			Files: []githubsim.PullFile{{Filename: "main.go"}},
		})
	}
	ours, humans := mk(), mk("keepalive")
	runRemind(t, h)
	for _, n := range []int{ours, humans} {
		p, _ := h.Sim.Pull("org/app", n)
		if !containsLabel(p.Labels, "keepalive") {
			t.Fatalf("#%d lacks keepalive while waiting", n)
		}
	}
	// A maintainer responds on both: the wait ends.
	for _, n := range []int{ours, humans} {
		h.Sim.AddComment("org/app", n, "pool-person", "reviewing", now.Add(time.Hour))
	}
	h.Clock.Advance(2 * time.Hour)
	runRemind(t, h)
	if p, _ := h.Sim.Pull("org/app", ours); containsLabel(p.Labels, "keepalive") {
		t.Errorf("bot-added keepalive not removed after the response")
	}
	if p, _ := h.Sim.Pull("org/app", humans); !containsLabel(p.Labels, "keepalive") {
		t.Errorf("human-added keepalive was removed")
	}
}

func containsLabel(ls []string, name string) bool {
	for _, l := range ls {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

func TestRemindConcurrentSweepsWriteOneComment(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(5))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = h.App.RunSweep(context.Background(), "remind", nil)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
		t.Fatalf("want exactly 1 reminder after two concurrent sweeps, got %d", got)
	}
}

// BenchmarkRemindSweepAPICalls measures GitHub API calls per sweep for an
// org of 50 repositories with 200 open PRs, 10 of them by mentees (4 over
// the wait). first_sweep_calls includes writing the 4 reminders; calls/op
// and searches/op are a steady-state sweep (what runs every hour).
func BenchmarkRemindSweepAPICalls(b *testing.B) {
	h := simbot.MustStart(b, simbot.Options{LogLevel: 1})
	now := h.Clock.Now()
	var pol strings.Builder
	pol.WriteString("program:\n  name: bench\nmentees:\n")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&pol, "  - login: mentee%d\n    mentors: [mentor-one]\n    start: 2026-09-01\n    end: 2026-12-31\n", i)
	}
	pol.WriteString("reviews:\n  wait: 72h\n  business_days: false\n  reviewers: [pool-person]\n")
	maint := []string{"pool-person", "mentor-one", "m1", "m2", "m3", "m4"}
	repos := map[string]githubsim.RepoOptions{}
	for i := 0; i < 50; i++ {
		o := githubsim.RepoOptions{}
		if i%2 == 0 {
			o.Files = map[string]string{"CODEOWNERS": fmt.Sprintf("* @m%d @m%d\n", 1+i%4, 1+(i+1)%4)}
		}
		repos[fmt.Sprintf("org/repo%02d", i)] = o
	}
	seedReviewsOrg(h, "org", pol.String(), maint, repos)
	for i := 0; i < 200; i++ {
		repo := fmt.Sprintf("org/repo%02d", i%50)
		author, age := fmt.Sprintf("contributor%d", i%37), days(float64(1+i%20))
		if i%20 == 0 {
			m := i / 20
			author = fmt.Sprintf("mentee%d", m)
			age = days(1)
			if m < 4 {
				age = days(5)
			}
		}
		h.Sim.AddPull(repo, githubsim.Pull{
			Issue: githubsim.Issue{Title: "change", User: author, CreatedAt: now.Add(-age)},
			Files: []githubsim.PullFile{{Filename: "pkg/x/y.go"}},
		})
	}
	// A 304 answers a conditional request (the client's ETag cache) and does
	// not count against the rate limit, so it is counted apart.
	count := func() (calls, search, notModified int, ops map[string]int) {
		ops = map[string]int{}
		for _, r := range h.Sim.Requests() {
			if r.Status == http.StatusNotModified {
				notModified++
				ops[r.OperationID+" (304)"]++
				continue
			}
			calls++
			ops[r.OperationID]++
			if r.OperationID == "search/issues-and-pull-requests" {
				search++
			}
		}
		return calls, search, notModified, ops
	}
	h.Sim.ResetRequests()
	runRemind(b, h)
	first, firstSearch, first304, firstOps := count()
	if os.Getenv("REMIND_DEBUG") != "" {
		b.Logf("first sweep: %d calls, %d 304s: %v", first, first304, firstOps)
	}
	b.ResetTimer()
	var total, search, notModified int
	var lastOps map[string]int
	for i := 0; i < b.N; i++ {
		h.Sim.ResetRequests()
		runRemind(b, h)
		t, s, nm, ops := count()
		total += t
		search += s
		notModified += nm
		lastOps = ops
	}
	if os.Getenv("REMIND_DEBUG") != "" {
		b.Logf("steady sweep: %v", lastOps)
	}
	b.ReportMetric(float64(total)/float64(b.N), "calls/op")
	b.ReportMetric(float64(search)/float64(b.N), "searches/op")
	b.ReportMetric(float64(notModified)/float64(b.N), "304s/op")
	b.ReportMetric(float64(first), "first_sweep_calls")
	b.ReportMetric(float64(first304), "first_sweep_304s")
	b.ReportMetric(float64(firstSearch), "first_sweep_searches")
}

func TestRemindDraftTimeDoesNotCount(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(10))},
		Draft: true,
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	// Ten days in draft, marked ready now: the wait starts now.
	h.Sim.UpdatePull("org/app", n, func(p *githubsim.Pull) { p.Draft = false })
	report := runRemind(t, h)
	if cs := reviewBotComments(h, "org/app", n, reviews.MarkerWait); len(cs) != 0 {
		t.Fatalf("reminded a PR marked ready just now; report:\n%s", report)
	}
	if !strings.Contains(report, "within the 3 days wait") && !strings.Contains(report, "marked ready for review") {
		t.Errorf("report does not say the wait starts at ready_for_review:\n%s", report)
	}
	h.Clock.Advance(days(3.5))
	report = runRemind(t, h)
	cs := reviewBotComments(h, "org/app", n, reviews.MarkerWait)
	if len(cs) != 1 {
		t.Fatalf("want 1 reminder 3.5 days after ready_for_review, got %d; report:\n%s", len(cs), report)
	}
	if m, _ := markers.Find(cs[0].Body, reviews.MarkerWait); m.Key != now.UTC().Format(time.RFC3339) {
		t.Errorf("reminder's period is %q, want the ready_for_review time %s", m.Key, now.UTC().Format(time.RFC3339))
	}
	if !strings.Contains(cs[0].Body, "3 days") {
		t.Errorf("reminder counts the draft time:\n%s", cs[0].Body)
	}
}

func TestRemindRepositoryPolicyOverridesOrg(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "fast-reviewer"},
		map[string]githubsim.RepoOptions{
			"org/app":  {},
			"org/fast": {Files: map[string]string{".github/mentorbot.yml": "reviews:\n  wait: 24h\n  reviewers: [fast-reviewer]\n"}},
			"org/calm": {Files: map[string]string{".github/mentorbot.yml": "reviews:\n  exempt_labels: [on-hold]\n"}},
		})
	mk := func(repo string, labels ...string) int {
		return h.Sim.AddPull(repo, githubsim.Pull{
			Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(2)), Labels: labels},
			Files: []githubsim.PullFile{{Filename: "main.go"}},
		})
	}
	app, fast := mk("org/app"), mk("org/fast")
	calm := h.Sim.AddPull("org/calm", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(5)), Labels: []string{"on-hold"}},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	report := runRemind(t, h)
	if cs := reviewBotComments(h, "org/app", app, reviews.MarkerWait); len(cs) != 0 {
		t.Errorf("org/app (org wait 72h) reminded after 2 days")
	}
	cs := reviewBotComments(h, "org/fast", fast, reviews.MarkerWait)
	if len(cs) != 1 {
		t.Fatalf("org/fast (repository wait 24h) not reminded after 2 days; report:\n%s", report)
	}
	if _, ok := suggested(cs[0].Body)["fast-reviewer"]; !ok {
		t.Errorf("org/fast reminder does not use the repository's pool:\n%s", cs[0].Body)
	}
	if cs := reviewBotComments(h, "org/calm", calm, reviews.MarkerWait); len(cs) != 0 {
		t.Errorf("org/calm reminded a PR with the repository's exempt label")
	}
	if !strings.Contains(report, "org/fast: policy") {
		t.Errorf("report does not name the repository policy:\n%s", report)
	}
}

func TestRemindKeepaliveReaddedByHumanStays(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n  keepalive_label: keepalive\n"), []string{"pool-person"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(5))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	runRemind(t, h)
	// A maintainer takes the label off and puts it back: it is theirs now.
	h.Sim.UpdatePull("org/app", n, func(p *githubsim.Pull) { p.Labels = nil })
	h.Sim.LabelIssue("org/app", n, "pool-person", "keepalive")
	h.Sim.AddComment("org/app", n, "pool-person", "reviewing", now.Add(time.Hour))
	h.Clock.Advance(2 * time.Hour)
	report := runRemind(t, h)
	if p, _ := h.Sim.Pull("org/app", n); !containsLabel(p.Labels, "keepalive") {
		t.Errorf("removed a keepalive label a human put back; report:\n%s", report)
	}
	for _, r := range h.Sim.Requests() {
		if r.OperationID == "issues/update-comment" {
			t.Errorf("edited a comment to track the label: %+v", r)
		}
	}
}

// A PR closed for weeks and reopened waits from the reopen: its first
// reminder comes reviews.wait after it, not on the next sweep, and no
// escalation follows an hour later (issue #20 (f)).
func TestRemindReopenedPRWaitsFromTheReopen(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "mentor-one"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(40))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	h.Sim.AddIssueEvent("org/app", n, githubsim.IssueEvent{Event: "closed", Actor: "alice", CreatedAt: now.Add(-days(39))})
	h.Sim.AddIssueEvent("org/app", n, githubsim.IssueEvent{Event: "reopened", Actor: "alice", CreatedAt: now.Add(-time.Hour)})
	report := runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 0 {
		t.Fatalf("reminded an hour after the reopen:\n%s", report)
	}
	if !strings.Contains(report, "reopened") {
		t.Errorf("report does not say the wait runs since the reopen:\n%s", report)
	}
	h.Clock.Advance(days(3) - 2*time.Hour) // 3 days minus an hour since the reopen
	runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 0 {
		t.Fatalf("reminded before reviews.wait since the reopen")
	}
	h.Clock.Advance(2 * time.Hour) // an hour past the wait
	runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
		t.Fatalf("want the reminder reviews.wait after the reopen, got %d", got)
	}
	h.Clock.Advance(time.Hour)
	runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerEscalate)); got != 0 {
		t.Fatalf("escalated an hour after the reminder")
	}
}

// A PR already past twice the wait when the app is installed gets the
// reminder now and the escalation no earlier than reviews.wait later.
func TestRemindPastTwiceTheWaitAtInstall(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "mentor-one"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(10))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
		t.Fatalf("want the reminder at once, got %d", got)
	}
	for _, step := range []time.Duration{time.Hour, days(1), days(2) - 2*time.Hour} { // up to 3 days minus an hour
		h.Clock.Advance(step)
		report := runRemind(t, h)
		if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerEscalate)); got != 0 {
			t.Fatalf("escalated within reviews.wait of the reminder:\n%s", report)
		}
	}
	h.Clock.Advance(time.Hour) // exactly reviews.wait after the reminder
	runRemind(t, h)
	esc := reviewBotComments(h, "org/app", n, reviews.MarkerEscalate)
	if len(esc) != 1 {
		t.Fatalf("want the escalation reviews.wait after the reminder, got %d", len(esc))
	}
	if !strings.Contains(esc[0].Body, "@mentor-one") {
		t.Errorf("escalation does not ping the mentor:\n%s", esc[0].Body)
	}
}

// A drive-by "+1" from someone who cannot review and a machine user listed
// in reviews.bots do not answer a PR; a member's comment does (issue #20
// (d), (e)). Whether a commenter can review comes from the timeline's
// author_association.
func TestRemindIgnoresDriveByAndMachineUsers(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n  bots: [benchbot]\n"), []string{"pool-person", "mentor-one", "carol", "benchbot"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	h.Sim.AddUser("passer-by", "User")
	mk := func() int {
		return h.Sim.AddPull("org/app", githubsim.Pull{
			Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(5))},
			Files: []githubsim.PullFile{{Filename: "main.go"}},
		})
	}
	ignored, answered := mk(), mk()
	h.Sim.AddComment("org/app", ignored, "passer-by", "+1", now.Add(-days(4)))
	h.Sim.AddComment("org/app", ignored, "benchbot", "Benchmark results: no change.", now.Add(-days(4)))
	h.Sim.AddComment("org/app", answered, "carol", "Could you add a test?", now.Add(-days(4)))
	report := runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", ignored, reviews.MarkerWait)); got != 1 {
		t.Errorf("PR with only a +1 and a machine user's comment: %d reminders, want 1\n%s", got, report)
	}
	if got := len(reviewBotComments(h, "org/app", answered, reviews.MarkerWait)); got != 0 {
		t.Errorf("PR a member answered: %d reminders, want 0\n%s", got, report)
	}
	if !strings.Contains(report, "waiting for the author") {
		t.Errorf("report does not say the answered PR waits for its author:\n%s", report)
	}
}

// An approved PR is not the reviewers' turn: no review-wait reminder. With
// reviews.approved_wait it gets one comment to the mentors once the approval
// is that old and still not merged (issue #20 (g)).
func TestRemindApprovedNotMerged(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n  approved_wait: 72h\n"), []string{"pool-person", "mentor-one", "carol"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	n := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: "x", User: "alice", CreatedAt: now.Add(-days(6))},
		Files: []githubsim.PullFile{{Filename: "main.go"}},
	})
	h.Sim.AddReview("org/app", n, githubsim.Review{User: "carol", State: "APPROVED", SubmittedAt: now.Add(-days(2))})
	report := runRemind(t, h)
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 0 {
		t.Fatalf("reminded reviewers of an approved PR:\n%s", report)
	}
	if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerApproved)); got != 0 {
		t.Fatalf("approved reminder 2 days after the approval, before approved_wait")
	}
	h.Clock.Advance(days(1) + time.Hour)
	runRemind(t, h)
	runRemind(t, h)
	cs := reviewBotComments(h, "org/app", n, reviews.MarkerApproved)
	if len(cs) != 1 {
		t.Fatalf("want one approved reminder, got %d", len(cs))
	}
	if !strings.Contains(cs[0].Body, "@mentor-one") || !strings.Contains(cs[0].Body, "approved by @carol") {
		t.Errorf("approved reminder does not address the mentor or name the approver:\n%s", cs[0].Body)
	}
}
