package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// The scenario of the fault-injection tests: one programme week in org
// "org". alice is an active mentee without a tracking issue (the bot opens
// one), carol a first-time contributor, maint an org member who tags a
// mentee task; then the review-wait sweep and the digest run.
const faultPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  channels: "#dev on CNCF Slack"
  contributing_url: https://example.org/CONTRIBUTING.md
  tracking_repo: org/mentorship
mentees:
  - login: alice
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-12-31
welcome:
  enabled: true
reviews:
  wait: 72h
  business_days: false
  max_suggestions: 2
  reviewers: [pool-person]
`

var faultRepos = []string{"org/.github", "org/app", "org/mentorship"}

func seedFaultOrg(sim *githubsim.Server, now time.Time) {
	sim.AddOrg("org", "maint", "mentor-one", "pool-person", "reviewer")
	sim.AddUser("carol", "User")
	sim.AddRepo("org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": faultPolicy}})
	sim.AddRepo("org/app", githubsim.RepoOptions{Collaborators: map[string]string{"alice": githubsim.PermRead}})
	sim.AddRepo("org/mentorship", githubsim.RepoOptions{Collaborators: map[string]string{"alice": githubsim.PermRead}})
	sim.AddCommit("org/app", githubsim.Commit{Author: "reviewer", Date: now.Add(-days(20)), Files: []string{"pkg/store/a.go"}})
	sim.AddInstallation(1, "org", faultRepos...)
}

// playScenario runs the programme week through the real server; each
// webhook is delivered and handled before the next step.
func playScenario(t testing.TB, h *simbot.Bot) { t.Helper(); playScenarioTitled(t, h, "") }

// playScenarioTitled is playScenario with prefix put before every title.
func playScenarioTitled(t testing.TB, h *simbot.Bot, prefix string) {
	t.Helper()
	now := h.Clock.Now()
	seedFaultOrg(h.Sim, now)
	mentee := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue:   githubsim.Issue{Title: prefix + "store: faster postings", User: "alice", AuthorAssociation: "CONTRIBUTOR"},
		Files:   []githubsim.PullFile{{Filename: "pkg/store/b.go"}},
		Commits: []githubsim.Commit{{Author: "alice", Date: now}},
	})
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", "org/app", mentee, "alice"))
	first := h.Sim.AddPull("org/app", githubsim.Pull{
		Issue: githubsim.Issue{Title: prefix + "docs: fix typo", User: "carol", AuthorAssociation: "FIRST_TIME_CONTRIBUTOR"},
		Files: []githubsim.PullFile{{Filename: "README.md"}},
	})
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", "org/app", first, "carol"))
	task := h.Sim.AddIssue("org/app", githubsim.Issue{Title: prefix + "Document receive limits", User: "maint"})
	id := h.Sim.AddComment("org/app", task, "maint", "A good first task.\n/mentee-task @alice\n", h.Clock.Now())
	h.MustDeliver(t, "issue_comment", h.Sim.IssueCommentEvent("created", "org/app", task, id))

	h.Clock.Advance(days(4)) // Friday: alice's PR waited four days
	if err := h.App.RunSweep(context.Background(), "remind", nil); err != nil {
		t.Fatalf("remind sweep: %v\nlogs:\n%s", err, h.Logs.Tail(30))
	}
	h.Clock.Set(time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)) // Monday 09:00: the digest is due
	if err := h.App.RunSweep(context.Background(), "digest", nil); err != nil {
		t.Fatalf("digest sweep: %v\nlogs:\n%s", err, h.Logs.Tail(30))
	}
}

// snapshot renders the simulator's state of repos (issues, PRs, comments,
// labels, assignees, repository labels) as text, with the simulator's
// address replaced so that two runs compare equal.
func snapshot(sim *githubsim.Server, repos ...string) string {
	var b strings.Builder
	host := strings.TrimSuffix(sim.URL(), "/")
	for _, repo := range repos {
		fmt.Fprintf(&b, "== %s\n", repo)
		var labels []string
		for _, l := range sim.Labels(repo) {
			labels = append(labels, l.Name+" #"+l.Color+" "+l.Description)
		}
		sort.Strings(labels)
		fmt.Fprintf(&b, "labels: %q\n", labels)
		for n := 1; ; n++ {
			is, ok := sim.Issue(repo, n)
			if !ok {
				break
			}
			ls := append([]string(nil), is.Labels...)
			as := append([]string(nil), is.Assignees...)
			sort.Strings(ls)
			sort.Strings(as)
			fmt.Fprintf(&b, "#%d %s by %s %q labels=%q assignees=%q\n", n, is.State, is.User, is.Title, ls, as)
			if is.User == sim.BotLogin() {
				fmt.Fprintf(&b, "  body: %s\n", strings.ReplaceAll(is.Body, host, "SIM"))
			}
			for _, c := range sim.Comments(repo, n) {
				fmt.Fprintf(&b, "  comment by %s: %s\n", c.User, strings.ReplaceAll(c.Body, host, "SIM"))
			}
		}
	}
	return b.String()
}

// faulty fails every 4th request with a 502 and answers every 7th with a
// secondary rate limit (Retry-After: 1), and slows every request down.
func faulty(count *atomic.Int64) func(*http.Request, int) *githubsim.Fault {
	return func(r *http.Request, _ int) *githubsim.Fault {
		k := count.Add(1)
		f := &githubsim.Fault{Delay: 2 * time.Millisecond}
		switch {
		case k%4 == 0:
			f.Status = http.StatusBadGateway
		case k%7 == 0:
			f.SecondaryRateLimit, f.RetryAfter = true, time.Second
		}
		return f
	}
}

// Acceptance: the whole week with faults injected ends with exactly the
// same GitHub state as a clean run.
func TestFaultInjectionSameFinalState(t *testing.T) {
	t.Parallel() // Retry-After: 1 makes the faulted run wait ~10 s in all
	clean := simbot.MustStart(t, simbot.Options{})
	playScenario(t, clean)
	want := snapshot(clean.Sim, faultRepos...)
	for _, must := range []string{"mentorbot:welcome", "mentorbot:review-wait", "mentorbot:digest", "mentorbot:onboarding", "mentee-task"} {
		if !strings.Contains(want, must) {
			t.Errorf("the clean run lacks %q; the scenario does not exercise every job:\n%s", must, want)
		}
	}

	faulted := simbot.MustStart(t, simbot.Options{})
	var count atomic.Int64
	faulted.Sim.SetFault(faulty(&count))
	start := time.Now()
	playScenario(t, faulted)
	faulted.Sim.SetFault(nil)
	got := snapshot(faulted.Sim, faultRepos...)
	var faults int
	for _, r := range faulted.Sim.Requests() {
		if r.Status == http.StatusBadGateway || r.Status == http.StatusForbidden {
			faults++
		}
	}
	t.Logf("faulted run: %d requests, %d answered 502 or 403, took %s", count.Load(), faults, time.Since(start).Round(time.Millisecond))
	if got != want {
		t.Errorf("final state differs under faults\n--- faulted\n%s\n--- clean\n%s", got, want)
	}
	m, _ := faulted.Metrics()
	if !strings.Contains(m, `mentorbot_github_retries_total{reason="server_error"}`) || !strings.Contains(m, `mentorbot_github_retries_total{reason="secondary_rate_limit"}`) {
		t.Errorf("retries not metered:\n%s", grepLines(m, "retries"))
	}
	if strings.Contains(m, "mentorbot_webhook_events_failed_total{") {
		t.Errorf("events failed under faults:\n%s", grepLines(m, "failed_total"))
	}
}

// welcomeOnce seeds org with a new first-time contributor's PR and returns
// its number and payload (a welcome is once per author and repository).
func welcomeOnce(t testing.TB, h *simbot.Bot, title string) (int, []byte) {
	t.Helper()
	login := "newcomer-" + strings.NewReplacer(" ", "-").Replace(title)
	h.Sim.AddUser(login, "User")
	n := h.Sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: title, User: login, AuthorAssociation: "FIRST_TIME_CONTRIBUTOR"}})
	return n, h.Sim.PullRequestEvent("opened", "org/app", n, login)
}

func botCommentCount(sim *githubsim.Server, repo string, n int) int {
	c := 0
	for _, cm := range sim.Comments(repo, n) {
		if cm.User == sim.BotLogin() {
			c++
		}
	}
	return c
}

// Exactly once: a redelivered event (same id), a replay with a new id, two
// concurrent deliveries (same id and new ids), a write that timed out but
// happened, and two replicas all leave one welcome and one label.
func TestExactlyOnce(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Config: func(c *config.Config) { c.Server.GitHubTimeout = 400 * time.Millisecond }})
	seedFaultOrg(h.Sim, h.Clock.Now())

	t.Run("redelivered and replayed", func(t *testing.T) {
		n, ev := welcomeOnce(t, h, "redelivered")
		id := simbot.NextDeliveryID()
		for i := 0; i < 2; i++ {
			if code, err := h.DeliverID("pull_request", id, ev); err != nil || code/100 != 2 {
				t.Fatalf("deliver: %d %v", code, err)
			}
			if err := h.Wait(); err != nil {
				t.Fatal(err)
			}
		}
		h.MustDeliver(t, "pull_request", ev) // replay under a new id
		if got := botCommentCount(h.Sim, "org/app", n); got != 1 {
			t.Errorf("%d bot comments, want 1", got)
		}
		m, _ := h.Metrics()
		if !strings.Contains(m, "mentorbot_webhook_duplicates_total 1") {
			t.Errorf("duplicate not metered:\n%s", grepLines(m, "duplicates"))
		}
	})

	t.Run("concurrent copies", func(t *testing.T) {
		n, ev := welcomeOnce(t, h, "concurrent")
		id := simbot.NextDeliveryID()
		var wg sync.WaitGroup
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				did := id
				if i%2 == 1 {
					did = simbot.NextDeliveryID()
				}
				if code, err := h.DeliverID("pull_request", did, ev); err != nil || code/100 != 2 {
					t.Errorf("deliver: %d %v", code, err)
				}
			}(i)
		}
		wg.Wait()
		if err := h.Wait(); err != nil {
			t.Fatal(err)
		}
		if got := botCommentCount(h.Sim, "org/app", n); got != 1 {
			t.Errorf("%d bot comments, want 1", got)
		}
	})

	t.Run("timeout that succeeded", func(t *testing.T) {
		n, ev := welcomeOnce(t, h, "slow write")
		path := fmt.Sprintf("/repos/org/app/issues/%d/comments", n)
		h.Sim.SetFault(func(r *http.Request, k int) *githubsim.Fault {
			if r.Method == http.MethodPost && r.URL.Path == path && k == 1 {
				return &githubsim.Fault{Delay: time.Second} // longer than the client's 400ms
			}
			return nil
		})
		defer h.Sim.SetFault(nil)
		d, err := h.Sim.Deliver(context.Background(), "pull_request", ev)
		if err != nil || d.StatusCode/100 != 2 {
			t.Fatalf("deliver: %+v %v", d, err)
		}
		if err := h.Wait(); err != nil {
			t.Fatal(err)
		}
		// The client gave up, the comment was written anyway. writeonce
		// reads again: when the comment is already visible, the handler
		// settles on it; when not yet, it does not post again (the write may
		// still land), the handler fails, and the redelivery pass asks
		// GitHub for the event again, which then finds the comment.
		deadline := time.Now().Add(3 * time.Second)
		for botCommentCount(h.Sim, "org/app", n) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		res, err := h.App.Redeliver(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Wait(); err != nil {
			t.Fatal(err)
		}
		if res.Requested > 1 {
			t.Errorf("redelivery pass: %+v, want at most the one failed event requested", res)
		}
		if got := botCommentCount(h.Sim, "org/app", n); got != 1 {
			t.Errorf("%d bot comments, want 1; logs:\n%s", got, h.Logs.Tail(20))
		}
	})

	t.Run("two replicas", func(t *testing.T) {
		replica := startBot(t, h, nil)
		for i := 0; i < 3; i++ {
			n, ev := welcomeOnce(t, h, fmt.Sprintf("replicas %d", i))
			mentee := h.Sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: fmt.Sprintf("mentee %d", i), User: "alice", AuthorAssociation: "CONTRIBUTOR"}})
			mev := h.Sim.PullRequestEvent("opened", "org/app", mentee, "alice")
			var wg sync.WaitGroup
			for _, url := range []string{h.URL, replica.URL} {
				for _, body := range [][]byte{ev, mev} {
					wg.Add(1)
					go func(url string, body []byte) {
						defer wg.Done()
						req, _ := simbot.NewDelivery(url+"/api/github/hook", simbot.Secret, "pull_request", simbot.NextDeliveryID(), body)
						if code, err := h.Send(req); err != nil || code/100 != 2 {
							t.Errorf("deliver: %d %v", code, err)
						}
					}(url, body)
				}
			}
			wg.Wait()
			if err := h.Wait(); err != nil {
				t.Fatal(err)
			}
			replica.wait(t)
			if got := botCommentCount(h.Sim, "org/app", n); got != 1 {
				t.Errorf("PR %d: %d bot comments after two replicas, want 1", n, got)
			}
			is, _ := h.Sim.Issue("org/app", mentee)
			if len(is.Labels) != 1 {
				t.Errorf("PR %d: labels %q, want one mentee label", mentee, is.Labels)
			}
		}
	})
}

// mentionRe finds an @-mention GitHub would notify: @ after a start of line,
// space or opening punctuation, not escaped and not in a code span.
var liveMention = regexp.MustCompile("(^|[\\s(\\[>])@everyone")

// Hostile titles (a mention and HTML) go through every job that quotes a
// title: no bot comment mentions @everyone or carries raw HTML from them.
func TestHostileTitlesNeverMentionOrInject(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	playScenarioTitled(t, h, "@everyone <img src=x> \u202Eevil\u2066\u200B ")
	n, quoted := 0, 0
	for _, repo := range faultRepos {
		for i := 1; ; i++ {
			if _, ok := h.Sim.Issue(repo, i); !ok {
				break
			}
			for _, c := range h.Sim.Comments(repo, i) {
				if c.User != h.Sim.BotLogin() {
					continue
				}
				n++
				if strings.Contains(c.Body, "everyone") {
					quoted++
				}
				// The only invisible character is the joiner that breaks a
				// mention after @; a title's bidirectional override and
				// zero-width space are stripped.
				if strings.ContainsFunc(c.Body, func(r rune) bool { return r != '\u200d' && unicode.Is(unicode.Cf, r) }) {
					t.Errorf("%s#%d: bot comment carries an invisible control character: %q", repo, i, c.Body)
				}
				for _, line := range strings.Split(c.Body, "\n") {
					if strings.Contains(line, "<img") || liveMention.MatchString(strings.ReplaceAll(line, "`@everyone", "`")) {
						t.Errorf("%s#%d: bot comment line carries the hostile title raw: %q", repo, i, line)
					}
				}
			}
		}
	}
	if n < 4 || quoted == 0 {
		t.Fatalf("%d bot comments, %d quoting a title; the scenario did not exercise the escaping", n, quoted)
	}
	t.Logf("%d bot comments, %d of them quoting a hostile title", n, quoted)
}

// Payloads for installations and repositories the app does not have, and
// events caused by the app itself, get 2xx, no failure and no write.
func TestHostilePayloads(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	seedFaultOrg(h.Sim, h.Clock.Now())
	issue := h.Sim.AddIssue("org/app", githubsim.Issue{Title: "task", User: "maint"})
	own := h.Sim.AddComment("org/app", issue, h.Sim.BotLogin(), "/mentee-task @alice\n/mentorbot digest", h.Clock.Now())
	h.Sim.ResetRequests()
	payloads := []struct{ event, body string }{
		{"pull_request", `{"action":"opened","number":1,"pull_request":{"number":1,"title":"x","user":{"login":"eve","type":"User"},"author_association":"FIRST_TIME_CONTRIBUTOR"},"repository":{"id":1,"name":"secret","full_name":"elsewhere/secret","owner":{"login":"elsewhere"}},"installation":{"id":987654},"sender":{"login":"eve","type":"User"}}`},
		{"pull_request", `{"action":"opened","number":9999,"pull_request":{"number":9999,"user":{"login":"alice"}},"repository":{"id":2,"name":"gone","full_name":"org/gone","owner":{"login":"org"}},"installation":{"id":1},"sender":{"login":"alice"}}`},
		{"issues", `{"action":"opened","issue":{"number":1,"user":{"login":"eve"}},"repository":{"name":"x","owner":{"login":"nobody"}},"installation":{"id":-5},"sender":{"login":"eve"}}`},
		{"installation", `{"action":"created","installation":{"id":424242},"repositories":[{"full_name":"ghost/repo"}],"sender":{"login":"eve"}}`},
		{"issue_comment", string(h.Sim.IssueCommentEvent("created", "org/app", issue, own))},
		{"pull_request", `{"action":"opened","number":1,"sender":{"login":"mentorbot[bot]","type":"Bot"},"installation":{"id":1}}`},
	}
	for _, p := range payloads {
		code, err := h.Deliver(p.event, []byte(p.body))
		if err != nil || code/100 != 2 {
			t.Errorf("%s %.60s: status %d, %v", p.event, p.body, code, err)
		}
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, r := range h.Sim.Requests() {
		if r.Method != http.MethodGet && !strings.HasSuffix(r.Path, "/access_tokens") {
			t.Errorf("hostile payload caused a write: %s %s", r.Method, r.Path)
		}
	}
	m, _ := h.Metrics()
	if strings.Contains(m, "mentorbot_webhook_events_failed_total{") {
		t.Errorf("hostile payloads failed (and would be redelivered forever):\n%s", grepLines(m, "failed_total"))
	}
}

// A policy naming 5,000 mentees parses in reasonable time and memory, and
// labelling still works for the last of them.
func TestPolicyWithThousandsOfMentees(t *testing.T) {
	var b strings.Builder
	b.WriteString("program:\n  name: Big\nwelcome:\n  enabled: false\nmentees:\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "  - login: mentee-%d\n    mentors: [mentor-one]\n    start: 2026-09-01\n    end: 2026-12-31\n", i)
	}
	big := b.String()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	p, problems := policy.Parse([]byte(big))
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("5,000 mentees (%d KiB of YAML): parsed in %s, %d MiB allocated", len(big)>>10, took.Round(time.Millisecond), alloc>>20)
	if len(problems) != 0 || len(p.Mentees) != 5000 {
		t.Fatalf("%d mentees, problems %v", len(p.Mentees), problems)
	}
	if took > 5*time.Second || alloc > 512<<20 {
		t.Errorf("parse took %s and %d MiB", took, alloc>>20)
	}

	// The loader refuses policy files over 256 KiB, so the file on GitHub
	// names the 5,000 mentees in the short form (login only: always active).
	var short strings.Builder
	short.WriteString("program:\n  name: Big\nwelcome:\n  enabled: false\nmentees:\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&short, "  - login: mentee-%d\n", i)
	}
	h := simbot.MustStart(t, simbot.Options{})
	h.Sim.AddOrg("big", "mentor-one")
	h.Sim.AddUser("mentee-4999", "User")
	h.Sim.AddRepo("big/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": short.String()}})
	h.Sim.AddRepo("big/app", githubsim.RepoOptions{})
	h.Sim.AddInstallation(7, "big", "big/.github", "big/app")
	n := h.Sim.AddPull("big/app", githubsim.Pull{Issue: githubsim.Issue{Title: "hello", User: "mentee-4999"}})
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", "big/app", n, "mentee-4999"))
	if is, _ := h.Sim.Issue("big/app", n); len(is.Labels) != 1 || is.Labels[0] != "mentee" {
		t.Errorf("labels %q, want [mentee]; logs:\n%s", is.Labels, h.Logs.Tail(10))
	}
}

// Secrets: during a whole scenario (webhooks, sweeps, token minting,
// retries under faults) no log line carries the private key or any
// installation token the simulator handed out.
func TestLogsCarryNoSecrets(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	var tokens sync.Map
	var count atomic.Int64
	fault := faulty(&count)
	h.Sim.SetFault(func(r *http.Request, n int) *githubsim.Fault {
		if a := r.Header.Get("Authorization"); a != "" {
			tokens.Store(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(a, "token "), "Bearer ")), true)
		}
		if count.Load() > 40 { // faults for the first requests only: keep it quick
			return nil
		}
		return fault(r, n)
	})
	playScenario(t, h)
	h.Sim.SetFault(nil)
	logs := h.Logs.String()
	key := strings.TrimSpace(string(h.Sim.PrivateKey()))
	lines := strings.Split(key, "\n")
	for _, l := range lines[1 : len(lines)-1] {
		if len(l) >= 16 && strings.Contains(logs, l) {
			t.Fatalf("a line of the private key is in the logs")
		}
	}
	n := 0
	tokens.Range(func(k, _ any) bool {
		tok := k.(string)
		if len(tok) < 8 {
			return true
		}
		n++
		if strings.Contains(logs, tok) {
			t.Errorf("a credential (%.6s…) is in the logs", tok)
		}
		return true
	})
	if n == 0 {
		t.Fatal("no credentials seen; the test checks nothing")
	}
	t.Logf("%d credentials checked against %d KiB of logs", n, len(logs)>>10)
}
