package e2e

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/dashboard"
	"github.com/thanos-community/mentorbot/pkg/digest"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/learnings"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/reviews"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// programmePolicy is a roster of one mentee, alice, whose term ends on
// Friday 13 November 2026; the bot opens her tracking issue in trackingRepo.
func programmePolicy(name, trackingRepo string) string {
	return fmt.Sprintf(`program:
  name: %s
  tracking_repo: %s
mentees:
  - login: alice
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-13
reviews:
  wait: 72h
  business_days: false
  reviewers: [pool-person]
meetup:
  enabled: true
`, name, trackingRepo)
}

// addWaitingPull opens a PR by alice in repo five days before now.
func addWaitingPull(h *simbot.Bot, repo, title string) int {
	at := h.Clock.Now().Add(-days(5))
	return h.Sim.AddPull(repo, githubsim.Pull{
		Issue:   githubsim.Issue{Title: title, User: "alice", CreatedAt: at},
		Files:   []githubsim.PullFile{{Filename: "pkg/x/x.go"}},
		Commits: []githubsim.Commit{{Author: "alice", Date: at}},
	})
}

// botIssues returns the numbers of the issues the bot opened in repo whose
// body carries a marker of kind ("" for any issue the bot opened).
func botIssues(sim *githubsim.Server, repo, kind string) []int {
	var out []int
	for n := 1; ; n++ {
		is, ok := sim.Issue(repo, n)
		if !ok {
			return out
		}
		if is.User != sim.BotLogin() {
			continue
		}
		if _, ok := markers.Find(is.Body, kind); kind == "" || ok {
			out = append(out, n)
		}
	}
}

// trackingIssues returns the issues the bot opened for alice in repo.
func trackingIssues(sim *githubsim.Server, repo string) []int {
	var out []int
	for _, n := range botIssues(sim, repo, "") {
		if is, _ := sim.Issue(repo, n); strings.Contains(is.Title, "@alice") {
			out = append(out, n)
		}
	}
	return out
}

func markedOn(sim *githubsim.Server, repo string, number int, kind string) []string {
	var out []string
	for _, c := range sim.Comments(repo, number) {
		if _, ok := markers.Find(c.Body, kind); ok && c.User == sim.BotLogin() {
			out = append(out, c.Body)
		}
	}
	return out
}

// Acceptance: an org without a .github repository (Prometheus), the roster
// in a repository's own .github/mentorbot.yml: the sweeps remind, open the
// tracking issue, post the digest and the retrospective template.
func TestProgrammeRosterInRepositoryPolicy(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{}) // Monday 2 November 2026, 09:00 UTC
	h.Sim.AddOrg("prometheus", "mentor-one", "pool-person")
	h.Sim.AddRepo("prometheus/prometheus", githubsim.RepoOptions{Files: map[string]string{
		".github/mentorbot.yml":   programmePolicy("Prometheus Mentorship 2026", "prometheus/prometheus"),
		".github/CODEOWNERS":      "* @mentor-one\n",
		"README.md":               "# Prometheus\n",
		".github/workflows/x.yml": "on: push\n",
	}})
	h.Sim.AddRepo("prometheus/alertmanager", githubsim.RepoOptions{Files: map[string]string{"README.md": "# Alertmanager\n"}})
	h.Sim.AddInstallation(1, "prometheus", "prometheus/prometheus", "prometheus/alertmanager")
	pr := addWaitingPull(h, "prometheus/prometheus", "tsdb: faster head compaction")

	report := runRemind(t, h)
	if strings.Contains(report, "no active mentees") {
		t.Fatalf("the repository's roster was not swept:\n%s", report)
	}
	tracking := trackingIssues(h.Sim, "prometheus/prometheus")
	if len(tracking) != 1 {
		t.Fatalf("want one tracking issue for alice, got %v; report:\n%s\nlogs:\n%s", tracking, report, h.Logs.Tail(15))
	}
	if cs := reviewBotComments(h, "prometheus/prometheus", pr, reviews.MarkerWait); len(cs) != 1 {
		t.Fatalf("want one reminder on the mentee's PR, got %d; report:\n%s\nlogs:\n%s", len(cs), report, h.Logs.Tail(20))
	}

	// Monday 9 November: the digest of week 45 lists the PR.
	h.Clock.Set(time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC))
	report = runDigest(t, h)
	ds := markedOn(h.Sim, "prometheus/prometheus", tracking[0], digest.KindDigest)
	if len(ds) != 1 || !strings.Contains(ds[0], fmt.Sprintf(`prometheus/prometheus\#%d`, pr)) {
		t.Fatalf("want one digest listing prometheus/prometheus#%d, got %q; report:\n%s", pr, ds, report)
	}

	// Friday 13 November, the term's last day: the retrospective template.
	h.Clock.Set(time.Date(2026, 11, 13, 10, 0, 0, 0, time.UTC))
	report = runDigest(t, h)
	if rs := markedOn(h.Sim, "prometheus/prometheus", tracking[0], digest.KindRetro); len(rs) != 1 {
		t.Fatalf("want the retrospective template, got %d; report:\n%s", len(rs), report)
	}
}

// Acceptance: one programme across two orgs. The roster lives in
// thanos-io/.github; prometheus/.github/mentorbot.yml is a remote reference
// to it. A mentee PR in each org is labelled and reminded; one tracking
// issue, one digest a week listing the PRs of both orgs, one meetup issue
// and one learnings issue for the programme.
func TestProgrammeSharedByTwoOrgs(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	const program = "Thanos / Prometheus Open Source Mentorship"
	h.Sim.AddOrg("thanos-io", "mentor-one", "pool-person")
	h.Sim.AddOrg("prometheus", "mentor-one", "pool-person")
	h.Sim.AddRepo("thanos-io/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": programmePolicy(program, "thanos-io/mentorship")}})
	h.Sim.AddRepo("thanos-io/thanos", githubsim.RepoOptions{})
	h.Sim.AddRepo("thanos-io/mentorship", githubsim.RepoOptions{})
	h.Sim.AddRepo("prometheus/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": "remote: thanos-io/.github\npath: mentorbot.yml\n"}})
	h.Sim.AddRepo("prometheus/prometheus", githubsim.RepoOptions{})
	h.Sim.AddInstallation(1, "thanos-io", "thanos-io/.github", "thanos-io/thanos", "thanos-io/mentorship")
	h.Sim.AddInstallation(2, "prometheus", "prometheus/.github", "prometheus/prometheus")

	prs := map[string]int{
		"thanos-io/thanos":      addWaitingPull(h, "thanos-io/thanos", "receive: limit tenants"),
		"prometheus/prometheus": addWaitingPull(h, "prometheus/prometheus", "tsdb: faster head compaction"),
	}
	// thanos-io first: its event enrols alice (thanos-io keeps the
	// programme), so her tracking issue exists when the other org's welcome
	// looks for it.
	for _, repo := range []string{"thanos-io/thanos", "prometheus/prometheus"} {
		h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", repo, prs[repo], "alice"))
		if err := h.Wait(); err != nil {
			t.Fatal(err)
		}
	}
	for repo, n := range prs {
		if p, _ := h.Sim.Pull(repo, n); !slices.Contains(p.Labels, "mentee") {
			t.Errorf("%s#%d is not labelled mentee: %v\nlogs:\n%s", repo, n, p.Labels, h.Logs.Tail(20))
		}
	}

	report := runRemind(t, h)
	for repo, n := range prs {
		if cs := reviewBotComments(h, repo, n, reviews.MarkerWait); len(cs) != 1 {
			t.Errorf("%s#%d: want one reminder, got %d; report:\n%s", repo, n, len(cs), report)
		}
	}
	tracking := trackingIssues(h.Sim, "thanos-io/mentorship")
	if len(tracking) != 1 {
		t.Fatalf("want one tracking issue in thanos-io/mentorship, got %v; report:\n%s", tracking, report)
	}
	if got := botIssues(h.Sim, "prometheus/prometheus", ""); len(got) != 0 {
		t.Errorf("the bot opened issues in prometheus/prometheus: %v", got)
	}

	// Monday 9 November: one digest, listing the PRs of both orgs; the meetup
	// is planned (three weeks before the end) once.
	h.Clock.Set(time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC))
	report = runDigest(t, h)
	ds := markedOn(h.Sim, "thanos-io/mentorship", tracking[0], digest.KindDigest)
	if len(ds) != 1 {
		t.Fatalf("want one digest, got %d; report:\n%s", len(ds), report)
	}
	for repo, n := range prs {
		if !strings.Contains(ds[0], fmt.Sprintf(`%s\#%d`, repo, n)) {
			t.Errorf("the digest does not list %s#%d:\n%s", repo, n, ds[0])
		}
	}
	if got := botIssues(h.Sim, "thanos-io/mentorship", learnings.MeetupMarkerKind); len(got) != 1 {
		t.Errorf("want one meetup issue, got %v; report:\n%s", got, report)
	}

	// alice's first PR in the other org was welcomed with a link to her
	// tracking issue, which that org's installation cannot read: the
	// welcome reads it with the installation on thanos-io.
	welcomed := false
	for _, c := range h.Sim.Comments("prometheus/prometheus", prs["prometheus/prometheus"]) {
		if c.User == h.Sim.BotLogin() && markers.Has(c.Body, "welcome", "") {
			welcomed = true
			if !strings.Contains(c.Body, fmt.Sprintf("thanos-io/mentorship#%d", tracking[0])) {
				t.Errorf("the welcome in the other org does not link the tracking issue:\n%s", c.Body)
			}
		}
	}
	if !welcomed {
		t.Errorf("alice's first PR in prometheus/prometheus was not welcomed")
	}

	// The programme's one dashboard, in the tracking repository, counts the
	// PRs of both orgs.
	dash := botIssues(h.Sim, "thanos-io/mentorship", dashboard.MarkerKind)
	if len(dash) != 1 {
		t.Fatalf("want one dashboard, got %v", dash)
	}
	if got := botIssues(h.Sim, "prometheus/prometheus", dashboard.MarkerKind); len(got) != 0 {
		t.Errorf("a second dashboard in the other org: %v", got)
	}
	is, _ := h.Sim.Issue("thanos-io/mentorship", dash[0])
	for repo, n := range prs {
		if !strings.Contains(is.Body, fmt.Sprintf("%s#%d", repo, n)) {
			t.Errorf("the dashboard does not list %s#%d:\n%s", repo, n, is.Body)
		}
	}

	// The preview a mentee asks for on the tracking issue counts both orgs
	// too, as the weekly digest does.
	id := h.Sim.AddComment("thanos-io/mentorship", tracking[0], "alice", "/mentorbot digest", time.Time{})
	h.MustDeliver(t, "issue_comment", h.Sim.IssueCommentEvent("created", "thanos-io/mentorship", tracking[0], id))
	previews := markedOn(h.Sim, "thanos-io/mentorship", tracking[0], "command-reply")
	if len(previews) != 1 {
		t.Fatalf("want one preview, got %d; logs:\n%s", len(previews), h.Logs.Tail(20))
	}
	for repo, n := range prs {
		if !strings.Contains(previews[0], fmt.Sprintf(`%s\#%d`, repo, n)) {
			t.Errorf("the preview does not list %s#%d:\n%s", repo, n, previews[0])
		}
	}

	// After the term and collect_after: one learnings issue for the
	// programme, in the tracking repository, none in the other org.
	h.Clock.Set(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	report = runDigest(t, h)
	if got := botIssues(h.Sim, "thanos-io/mentorship", learnings.IssueMarkerKind); len(got) != 1 {
		t.Errorf("want one learnings issue, got %v; report:\n%s", got, report)
	}
	for _, repo := range []string{"prometheus/prometheus", "prometheus/.github"} {
		if got := botIssues(h.Sim, repo, ""); len(got) != 0 {
			t.Errorf("the bot opened issues in %s: %v", repo, got)
		}
	}
	// The remote file is read with the thanos-io installation's token, and
	// the prometheus installation never tries to write in thanos-io (nor
	// enrols there: its one read there is the welcome looking for the
	// mentee's tracking issue to link, which public repositories allow).
	for _, r := range h.Sim.Requests() {
		if r.InstallationID == 2 && strings.HasPrefix(r.Path, "/repos/thanos-io/") && (r.Method != "GET" || !strings.HasSuffix(r.Path, "/issues")) {
			t.Errorf("the prometheus installation called %s %s (%d)", r.Method, r.Path, r.Status)
		}
	}
	if !strings.Contains(report, "the programme is shared") {
		t.Errorf("the report should say why the prometheus installation ran no programme-wide work:\n%s", report)
	}
}

// `check-config --repo` prints the merged policy of a repository and where
// each key comes from, following the remote reference; `check-config FILE`
// recognises a remote reference instead of calling `remote` an unknown key.
func TestCheckConfigRepo(t *testing.T) {
	sim := githubsim.NewTest(t, githubsim.Options{})
	sim.AddOrg("thanos-io", "mentor-one")
	sim.AddOrg("prometheus", "mentor-one")
	sim.AddRepo("thanos-io/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": programmePolicy("Thanos / Prometheus Open Source Mentorship", "thanos-io/mentorship")}})
	sim.AddRepo("thanos-io/mentorship", githubsim.RepoOptions{})
	remoteRef := "remote: thanos-io/.github\npath: mentorbot.yml\n"
	sim.AddRepo("prometheus/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": remoteRef}})
	sim.AddRepo("prometheus/prometheus", githubsim.RepoOptions{Files: map[string]string{".github/mentorbot.yml": "reviews:\n  wait: 24h\nmentees:\n  - login: carol\n"}})
	sim.AddInstallation(1, "thanos-io", "thanos-io/.github", "thanos-io/mentorship")
	sim.AddInstallation(2, "prometheus", "prometheus/.github", "prometheus/prometheus")
	cfg, _ := writeConfig(t, sim, "")

	out, err := runCLI(t, "check-config", "--repo", "prometheus/prometheus", "--config", cfg)
	if err != nil {
		t.Fatalf("check-config --repo: %v\n%s", err, out)
	}
	for _, want := range []string{
		"  prometheus/.github:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml\n  prometheus/prometheus:.github/mentorbot.yml\n",
		"program.name ", "Thanos / Prometheus Open Source Mentorship", "prometheus/.github:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml\n",
		"reviews.wait ", "`24h`", "prometheus/prometheus:.github/mentorbot.yml\n",
		"digest.hour ", "default\n",
		"merged roster (the programme file first, then repository files by name): 2 [alice, carol]",
		"across prometheus, thanos-io (another installation",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if w := writes(sim); len(w) > 0 {
		t.Errorf("check-config wrote to GitHub: %v", w)
	}

	if out, err := runCLI(t, "check-config", "--repo", "nobody/nothing", "--config", cfg); err == nil || !strings.Contains(out, "not installed on nobody/nothing") {
		t.Errorf("a repository without the app: %v\n%s", err, out)
	}

	file := t.TempDir() + "/mentorbot.yml"
	if err := os.WriteFile(file, []byte(remoteRef), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "check-config", file); err != nil || !strings.Contains(out, "a remote reference: the policy is read from thanos-io/.github:mentorbot.yml") {
		t.Errorf("check-config on a remote reference: %v\n%s", err, out)
	}
	if err := os.WriteFile(file, []byte("remote: thanos-io\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "check-config", file); err == nil || !strings.Contains(out, `"thanos-io" is not owner/repo`) {
		t.Errorf("check-config on a malformed remote reference: %v\n%s", err, out)
	}
}
