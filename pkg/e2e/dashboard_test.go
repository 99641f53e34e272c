package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/clock"
	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/dashboard"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

const dashPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  tracking_repo: org/mentorship
mentees:
  - login: alice
    tracking_issue: org/mentorship#1
    mentors: [maint]
    start: 2026-11-02
    end: 2026-11-30
  - login: bob
    tracking_issue: org/mentorship#2
    mentors: [maint]
    start: 2026-11-02
    end: 2026-11-30
`

// seedDashboard makes a small term: alice's PR answered in 5 hours and
// merged, bob's PR not answered yet, and two PRs of other people, answered
// in 30 hours and not at all.
func seedDashboard(t testing.TB, sim *githubsim.Server) {
	t.Helper()
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	for _, u := range []string{"alice", "bob", "someone", "another", "maint"} {
		sim.AddUser(u, "User")
	}
	sim.AddOrg("org", "maint")
	sim.AddRepo("org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": dashPolicy}})
	sim.AddRepo("org/mentorship", githubsim.RepoOptions{})
	sim.AddRepo("org/app", githubsim.RepoOptions{})
	for _, m := range []string{"alice", "bob"} {
		sim.AddIssue("org/mentorship", githubsim.Issue{Title: "Mentorship: @" + m, User: "maint", Assignees: []string{m}, CreatedAt: day(2, 9)})
	}
	a := sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "feat: cache", User: "alice", CreatedAt: day(3, 9), State: "closed", ClosedAt: day(4, 9)}, Merged: true, MergedBy: "maint"})
	sim.AddReview("org/app", a, githubsim.Review{User: "maint", State: "APPROVED", SubmittedAt: day(3, 14)})
	sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "fix: flake", User: "bob", CreatedAt: day(10, 9)}})
	o := sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "docs", User: "someone", CreatedAt: day(5, 9)}})
	sim.AddComment("org/app", o, "maint", "Thanks!", day(6, 15))
	sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "chore", User: "another", CreatedAt: day(11, 9)}})
	sim.AddInstallation(1, "org", "org/.github", "org/mentorship", "org/app")
}

// dashboards returns the numbers of the bot's dashboard issues.
func dashboards(sim *githubsim.Server) []int {
	var out []int
	for n := 1; ; n++ {
		is, ok := sim.Issue("org/mentorship", n)
		if !ok {
			return out
		}
		if _, ok := markers.Find(is.Body, dashboard.MarkerKind); ok && is.User == sim.BotLogin() && is.State == "open" {
			out = append(out, n)
		}
	}
}

// The dashboard through the real binary: opened once by `mentorbot digest`,
// not edited when nothing changed, edited in place when a review changes a
// figure, and one issue when two sweeps run at once.
func TestDashboard(t *testing.T) {
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	clk := clock.NewManual(now)
	// Five `mentorbot digest` runs within seconds search more than GitHub's
	// 30 a minute allow one installation; each process paces only its own.
	sim := githubsim.NewTest(t, githubsim.Options{Now: clk.Now, SearchRateLimit: 300})
	seedDashboard(t, sim)
	cfg, _ := writeConfig(t, sim, "")
	at := "--now=" + now.Format(time.RFC3339)
	run := func() {
		t.Helper()
		if out, err := runCLI(t, "digest", "--config", cfg, at); err != nil {
			t.Fatalf("digest: %v\n%s", err, out)
		}
	}

	run()
	got := dashboards(sim)
	if len(got) != 1 {
		t.Fatalf("want one dashboard issue, got %v", got)
	}
	number := got[0]
	is, _ := sim.Issue("org/mentorship", number)
	if is.Title != "Mentorship dashboard: LFX Mentorship 2026 Term 3" {
		t.Errorf("title %q", is.Title)
	}
	for _, want := range []string{
		"| ` alice ` | org/mentorship#1 |",
		"org/app#2 (no response for 6 days)", // bob's PR
		"| PRs opened | 2 | 2 |",
		"| First response, median | 5 h | 30 h |",
		"xychart-beta",
	} {
		if !strings.Contains(is.Body, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, is.Body)
		}
	}
	if strings.Contains(is.Body, "@alice") || strings.Contains(is.Body, "@bob") {
		t.Errorf("the dashboard mentions a mentee:\n%s", is.Body)
	}

	// Nothing changed: no edit.
	sim.ResetRequests()
	run()
	calls := map[string]int{}
	for _, r := range sim.Requests() {
		calls[r.Method+" "+r.Route]++
	}
	t.Logf("requests of a digest sweep whose dashboard did not change: %v", calls)
	// The digest has posted this week's digests already, so these reads are
	// the dashboard's alone: one search per mentee and one for the tasks,
	// the listing of the one repository, the timeline of each of its 4 PRs.
	for route, want := range map[string]int{"GET /search/issues": 3, "GET /repos/{owner}/{repo}/pulls": 1, "GET /repos/{owner}/{repo}/issues/{issue_number}/timeline": 4} {
		if calls[route] != want {
			t.Errorf("%s: %d calls, want %d", route, calls[route], want)
		}
	}
	if n := issueWrites(sim, number); n != 0 {
		t.Errorf("a sweep with no change edited the dashboard %d times", n)
	}
	if w := writes(sim); len(w) != 0 {
		t.Errorf("a sweep with no change wrote %v", w)
	}

	// A review of bob's PR changes the figures, in place.
	sim.AddReview("org/app", 2, githubsim.Review{User: "maint", State: "COMMENTED", Body: "Looks good so far", SubmittedAt: time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)})
	run()
	if got := dashboards(sim); len(got) != 1 || got[0] != number {
		t.Fatalf("after a review: dashboards %v, want [%d]", got, number)
	}
	if n := issueWrites(sim, number); n != 1 {
		t.Errorf("want one edit in place, got %d", n)
	}
	is, _ = sim.Issue("org/mentorship", number)
	if !strings.Contains(is.Body, "| PRs with a response | 2 | 1 |") || strings.Contains(is.Body, "no response for") {
		t.Errorf("the review did not reach the dashboard:\n%s", is.Body)
	}

	// The day after the term, the digest posts the end-of-term reports and
	// the dashboard adds each mentee's figures to theirs, once.
	now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clk.Set(now)
	at = "--now=" + now.Format(time.RFC3339)
	run()
	report := func() (string, int) {
		n, body := 0, ""
		for _, c := range sim.Comments("org/mentorship", 1) {
			if c.User == sim.BotLogin() && markers.Has(c.Body, markers.KindTermReport, "alice") {
				n++
				body = c.Body
			}
		}
		return body, n
	}
	body, n := report()
	if n != 1 || !strings.Contains(body, "**Responsiveness**") || !strings.Contains(body, "median 5 h") || !strings.Contains(body, "xychart-beta") {
		t.Fatalf("%d term reports; alice's lacks her figures:\n%s", n, body)
	}
	if strings.Count(body, "**Responsiveness**") != 1 {
		t.Errorf("the figures are in the report twice:\n%s", body)
	}
	sim.ResetRequests()
	run()
	for _, r := range sim.Requests() {
		if r.Method == "PATCH" && strings.Contains(r.Path, "/issues/comments/") {
			t.Errorf("a sweep with nothing new edited a comment: %s", r.Path)
		}
	}
}

// Two `mentorbot digest` processes at once, against a GitHub that
// interleaves their requests (both look for the dashboard before either
// opens it), leave one dashboard.
func TestDashboardTwoSweepsAtOnce(t *testing.T) {
	now := time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC)
	sim := githubsim.NewTest(t, githubsim.Options{Now: func() time.Time { return now }, Latency: githubsim.Latency{Interleave: 50 * time.Millisecond, After: 10 * time.Millisecond}})
	seedDashboard(t, sim)
	cfg, _ := writeConfig(t, sim, "")
	bin := buildBinary(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	outs := make([][]byte, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "digest", "--config", cfg, "--now="+now.Format(time.RFC3339))
			cmd.Env = append(cmd.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("digest %d: %v\n%s", i, err, outs[i])
		}
	}
	if got := dashboards(sim); len(got) != 1 {
		t.Errorf("two sweeps at once left %d open dashboards: %v", len(got), got)
	}
	opened := 0
	for _, r := range sim.Requests() {
		if r.Method == "POST" && r.Route == "/repos/{owner}/{repo}/issues" {
			opened++
		}
	}
	t.Logf("issues opened by the two sweeps: %d (a second copy is closed as a duplicate)", opened)
}

var metricNameRe = regexp.MustCompile(`\bmentorbot_[a-z0-9_]+\b`)

// Every query of deploy/grafana-dashboard.json names a metric that
// `mentorbot serve` serves once its sweeps have run.
func TestGrafanaDashboardQueriesServedMetrics(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: time.Date(2026, 11, 16, 10, 0, 0, 0, time.UTC), Config: func(c *config.Config) {
		c.Schedule.Digest = true
		c.Schedule.RemindEvery = time.Hour
	}})
	seedDashboard(t, h.Sim)
	if err := h.App.RunSweep(context.Background(), "digest", nil); err != nil {
		t.Fatalf("digest sweep: %v", err)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var board struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct {
			List []struct {
				Type  string
				Query any
			}
		}
	}
	if err := json.Unmarshal(data, &board); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	var exprs []string
	for _, p := range board.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	for _, v := range board.Templating.List {
		if s, ok := v.Query.(string); ok && v.Type == "query" {
			exprs = append(exprs, s)
		}
	}
	if len(exprs) < 5 {
		t.Fatalf("the board has %d queries; it did not parse as expected", len(exprs))
	}
	var served string
	deadline := time.Now().Add(10 * time.Second)
	for {
		served, err = h.Metrics()
		if err != nil {
			t.Fatal(err)
		}
		// The scheduled sweeps run once at start; wait for their counters.
		if strings.Contains(served, "\nmentorbot_sweep_runs_total{") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, e := range exprs {
		names := metricNameRe.FindAllString(e, -1)
		if len(names) == 0 {
			t.Errorf("query %q names no mentorbot metric", e)
		}
		for _, n := range names {
			if !strings.Contains(served, "\n"+n+"{") && !strings.Contains(served, "\n"+n+" ") {
				t.Errorf("query %q: /metrics serves no %s", e, n)
			}
		}
	}
}
