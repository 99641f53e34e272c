package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/digest"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/learnings"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/reviews"
	"github.com/thanos-community/mentorbot/pkg/simbot"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// The write-once tests: whoever runs a sweep, however many at once, and
// wherever one is killed, GitHub ends with one copy of everything the bot
// writes (see pkg/writeonce).

// weekPolicy: two mentees without a tracking issue (the remind sweep's
// enrolment opens one each and posts the onboarding checklist), each with a
// pull request waiting for a review.
const weekPolicy = `program:
  name: LFX Mentorship 2026 Term 3
  channels: "#dev on CNCF Slack"
  tracking_repo: org/mentorship
mentees:
  - login: alice
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-12-31
  - login: bob
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-12-31
reviews:
  wait: 72h
  business_days: false
  max_suggestions: 2
  reviewers: [pool-person]
`

var weekRepos = []string{"org/.github", "org/app", "org/mentorship"}

// seedWeek creates the org of policy (weekPolicy or a variant) with
// alice's and bob's pull requests (org/app#1 and #2) opened 5 and 4 days
// before now: both waited more than 72h, less than twice that. The tests
// use Friday 6 November 2026.
func seedWeek(sim *githubsim.Server, policy string, now time.Time) {
	sim.AddOrg("org", "mentor-one", "pool-person")
	sim.AddRepo("org/.github", githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": policy}})
	collab := map[string]string{"alice": githubsim.PermRead, "bob": githubsim.PermRead}
	sim.AddRepo("org/app", githubsim.RepoOptions{Collaborators: collab})
	sim.AddRepo("org/mentorship", githubsim.RepoOptions{Collaborators: collab})
	for i, login := range []string{"alice", "bob"} {
		sim.AddPull("org/app", githubsim.Pull{
			Issue: githubsim.Issue{Title: "store: change " + login, User: login, AuthorAssociation: "CONTRIBUTOR", CreatedAt: now.Add(-days(float64(5 - i)))},
			Files: []githubsim.PullFile{{Filename: "pkg/store/" + login + ".go"}},
		})
	}
	sim.AddInstallation(1, "org", weekRepos...)
}

// The slow GitHub of these tests: every request waits for another
// process's request (up to 30ms) so that the processes alternate, and every
// answer comes 10ms after the write is visible. Four processes share one
// installation's search budget, which GitHub keeps at 30 a minute; the
// digests' pacers do not know of each other, so the budget is raised here
// to keep the test about writing, not about waiting for the search limit.
func slowGitHub(o *githubsim.Options) {
	o.Latency = githubsim.Latency{Interleave: 30 * time.Millisecond, After: 10 * time.Millisecond}
	o.SearchRateLimit = 300
}

// runAtOnce starts n `mentorbot <args>` processes at the same moment and
// waits for all of them; each must exit 0.
func runAtOnce(t *testing.T, n int, args ...string) {
	t.Helper()
	bin := buildBinary(t)
	var wg sync.WaitGroup
	outs := make([][]byte, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "GITHUB_APP_WEBHOOK_SECRET="+simbot.Secret)
			<-start
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("process %d of `mentorbot %s`: %v\n%s", i+1, strings.Join(args, " "), errs[i], tail(string(outs[i]), 30))
		}
	}
}

// markerCopies counts, for every marker kind:key, the bot's comments that
// carry it across repos (a marker on two issues counts per issue), and
// returns those with more than one copy.
func markerCopies(sim *githubsim.Server, repos ...string) []string {
	var dups []string
	for _, repo := range repos {
		for n := 1; ; n++ {
			if _, ok := sim.Issue(repo, n); !ok {
				break
			}
			seen := map[string]int{}
			for _, c := range sim.Comments(repo, n) {
				if c.User != sim.BotLogin() {
					continue
				}
				for _, m := range markers.Parse(c.Body) {
					seen[m.Kind+":"+m.Key]++
				}
			}
			for k, v := range seen {
				if v > 1 {
					dups = append(dups, fmt.Sprintf("%s#%d %s ×%d", repo, n, k, v))
				}
			}
		}
	}
	sort.Strings(dups)
	return dups
}

// openIssues returns the numbers of the bot's open issues in repo whose
// body carries kind:key; closed copies must point at the open one.
func openIssues(t *testing.T, sim *githubsim.Server, repo, kind, key string) []int {
	t.Helper()
	var open, closed []int
	for n := 1; ; n++ {
		is, ok := sim.Issue(repo, n)
		if !ok {
			break
		}
		if is.User != sim.BotLogin() || !markers.Has(is.Body, kind, key) {
			continue
		}
		if is.State == "open" {
			open = append(open, n)
		} else {
			closed = append(closed, n)
		}
	}
	for _, n := range closed {
		pointer := false
		for _, c := range sim.Comments(repo, n) {
			if c.User == sim.BotLogin() && len(open) == 1 && markers.Has(c.Body, writeonce.DuplicateKind, fmt.Sprint(open[0])) {
				pointer = true
			}
		}
		if !pointer {
			t.Errorf("%s#%d (%s:%s) is closed without a pointer to the issue that stays %v", repo, n, kind, key, open)
		}
	}
	return open
}

// settled reports how many duplicates the processes wrote and removed: the
// race the test provokes, and its settling, seen from the simulator.
func settled(sim *githubsim.Server) (deleted, closed int) {
	for _, r := range sim.Requests() {
		switch {
		case r.Method == http.MethodDelete && strings.Contains(r.Path, "/issues/comments/") && r.Status/100 == 2:
			deleted++
		case r.Method == http.MethodPatch && strings.Contains(r.Body, `"closed"`):
			closed++
		}
	}
	return deleted, closed
}

// Acceptance of the write-once issue: four `remind` processes, then four
// `digest` processes, started at once against a slow GitHub that makes
// them alternate request by request, leave one tracking issue and one
// onboarding checklist per mentee, one reminder per waiting pull request
// and one digest per tracking issue.
func TestConcurrentSweepsWriteOnce(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: day(6, 12), Sim: slowGitHub})
	seedWeek(h.Sim, weekPolicy, day(6, 12))
	cfg, _ := writeConfig(t, h.Sim, "")

	runAtOnce(t, 4, "remind", "--config", cfg, "--now", day(6, 12).Format(time.RFC3339))
	h.Clock.Set(day(9, 9))
	runAtOnce(t, 4, "digest", "--config", cfg, "--now", day(9, 9).Format(time.RFC3339))

	week := digest.WeekOf(day(2, 12)).String() // the week the digest of Monday 9 November covers
	for _, login := range []string{"alice", "bob"} {
		open := openIssues(t, h.Sim, "org/mentorship", onboarding.KindTracking, onboarding.Key(login))
		if len(open) != 1 {
			t.Errorf("%s: open tracking issues %v, want one", login, open)
			continue
		}
		n := open[0]
		if got := markedComments(h.Sim, n, onboarding.KindOnboarding, onboarding.Key(login)); got != 1 {
			t.Errorf("%s: %d onboarding checklists on #%d, want 1", login, got, n)
		}
		if got := markedComments(h.Sim, n, digest.KindDigest, week); got != 1 {
			t.Errorf("%s: %d digests for %s on #%d, want 1", login, got, week, n)
		}
	}
	for n := 1; n <= 2; n++ {
		if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
			t.Errorf("org/app#%d: %d review-wait reminders, want 1", n, got)
		}
	}
	if dups := markerCopies(h.Sim, weekRepos...); len(dups) > 0 {
		t.Errorf("markers written more than once:\n%s", strings.Join(dups, "\n"))
	}
	deleted, closed := settled(h.Sim)
	t.Logf("the processes raced: %d duplicate comments deleted, %d requests closing a duplicate issue while settling", deleted, closed)
	if v := h.Sim.Violations(); len(v) > 0 {
		t.Errorf("requests GitHub would reject:\n%s", strings.Join(v, "\n"))
	}
}

// Several `mentorbot serve` replicas may keep the in-process schedule on:
// three replicas start at once, each runs the remind and the digest sweep
// right away (as after a rollout), against the slow, interleaving
// simulator, and everything is written once. They run on the real clock,
// so the roster and the pull requests are placed around today.
func TestServeReplicasWithSchedulesWriteOnce(t *testing.T) {
	// The simbot.Bot's own server keeps its schedule off; the replicas below run it.
	h := simbot.MustStart(t, simbot.Options{Sim: func(o *githubsim.Options) { slowGitHub(o); o.Now = time.Now }})
	sim := h.Sim
	now := time.Now().UTC()
	pol := strings.NewReplacer("2026-09-01", now.AddDate(0, -2, 0).Format(time.DateOnly), "2026-12-31", now.AddDate(0, 1, 0).Format(time.DateOnly)).Replace(weekPolicy)
	seedWeek(sim, pol, now)
	path, _ := writeConfig(t, sim, "")
	cfg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	scheduled := strings.Replace(string(cfg), "  remind_every: 0s\n  digest: false\n", "  remind_every: 1h\n  digest: true\n", 1)
	if scheduled == string(cfg) {
		t.Fatal("writeConfig's schedule section changed; update this test")
	}
	var replicas []*serveProcess
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each replica its own port, the same configuration otherwise.
			p := filepath.Join(t.TempDir(), "config.yml")
			port := freePort(t)
			body := regexp.MustCompile(`(?m)^  port: \d+$`).ReplaceAllString(scheduled, fmt.Sprintf("  port: %d", port))
			if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
				t.Error(err)
				return
			}
			r := startServeConfig(t, p, port)
			mu.Lock()
			defer mu.Unlock()
			replicas = append(replicas, r)
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	ran := regexp.MustCompile(`mentorbot_sweep_runs_total\{result="(\w+)",sweep="(remind|digest)"\} 1`)
	for _, r := range replicas {
		deadline := time.Now().Add(60 * time.Second)
		for {
			res, err := http.Get(r.url + "/metrics")
			var m []byte
			if err == nil {
				m, _ = io.ReadAll(res.Body)
				_ = res.Body.Close()
			}
			runs := ran.FindAllStringSubmatch(string(m), -1)
			if len(runs) == 2 {
				for _, run := range runs {
					if run[1] != "success" {
						t.Errorf("a replica's %s sweep ended with %s; logs:\n%s", run[2], run[1], r.logs.Tail(30))
					}
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("a replica did not finish its sweeps; logs:\n%s", r.logs.Tail(30))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, login := range []string{"alice", "bob"} {
		open := openIssues(t, sim, "org/mentorship", onboarding.KindTracking, onboarding.Key(login))
		if len(open) != 1 {
			t.Errorf("%s: open tracking issues %v, want one", login, open)
			continue
		}
		if got := markedComments(sim, open[0], onboarding.KindOnboarding, onboarding.Key(login)); got != 1 {
			t.Errorf("%s: %d onboarding checklists on #%d, want 1", login, got, open[0])
		}
	}
	for n := 1; n <= 2; n++ {
		if got := len(reviewBotComments(h, "org/app", n, reviews.MarkerWait)); got != 1 {
			t.Errorf("org/app#%d: %d review-wait reminders, want 1", n, got)
		}
	}
	if dups := markerCopies(sim, weekRepos...); len(dups) > 0 {
		t.Errorf("markers written more than once:\n%s", strings.Join(dups, "\n"))
	}
	deleted, closed := settled(sim)
	t.Logf("the replicas raced: %d duplicate comments deleted, %d requests closing a duplicate issue while settling", deleted, closed)
}

// The same for the term-end sweep: four `digest` processes on the last day
// (retrospective template, meetup planning issue, invitations), four the
// day after (end-of-term reports) and four once the learnings are due.
func TestConcurrentTermEndWritesOnce(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Start: learnAt(time.November, 30, 9), Sim: slowGitHub})
	seedLearnOrg(t, h.Sim)
	cfg, _ := writeConfig(t, h.Sim, "")
	for _, at := range termEnd {
		h.Clock.Set(at)
		runAtOnce(t, 4, "digest", "--config", cfg, "--now", at.Format(time.RFC3339))
	}

	for i, login := range []string{"alice", "bob", "carol"} {
		n := i + 1
		for _, kind := range []string{digest.KindRetro, digest.KindTermReport} {
			if got := markedComments(h.Sim, n, kind, digest.LoginKey(login)); got != 1 {
				t.Errorf("%s: %d %s comments on #%d, want 1", login, got, kind, n)
			}
		}
		if got := markedComments(h.Sim, n, learnings.InviteMarkerKind, login); got != 1 {
			t.Errorf("%s: %d meetup invitations on #%d, want 1", login, got, n)
		}
	}
	slug := learnings.Slug(learnProgram)
	for _, kind := range []string{learnings.MeetupMarkerKind, learnings.IssueMarkerKind} {
		if open := openIssues(t, h.Sim, "org/mentorship", kind, slug); len(open) != 1 {
			t.Errorf("open %s issues %v, want one", kind, open)
		}
	}
	if dups := markerCopies(h.Sim, "org/mentorship"); len(dups) > 0 {
		t.Errorf("markers written more than once:\n%s", strings.Join(dups, "\n"))
	}
	deleted, closed := settled(h.Sim)
	t.Logf("the processes raced: %d duplicate comments deleted, %d requests closing a duplicate issue while settling", deleted, closed)
}

// termEnd are the moments of the term-end writes of learnPolicy: the last
// day, the day after, and when the learnings are collected.
var termEnd = []time.Time{learnAt(time.November, 30, 9), learnAt(time.December, 1, 9), learnAt(time.December, 8, 9)}

// isWrite reports whether a request changes GitHub (token minting aside),
// as writes counts them.
func isWrite(r *http.Request) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.URL.Path, "/access_tokens")
}

// Property: a sweep stopped right after its k-th write was sent (GitHub
// applies it, the process never hears back), for every k up to the
// sweep's number of writes, and then run again by a new process, ends in
// the state of one clean run.
func TestSweepKilledAfterEveryWrite(t *testing.T) {
	cases := []struct {
		name, sweep string
		repos       []string
		// seed prepares the simulator; before runs (cleanly) what must
		// have happened before the sweep under test.
		seed   func(h *simbot.Bot)
		before func(t *testing.T, h *simbot.Bot)
	}{
		{
			name: "remind: tracking issues, checklists, reminders", sweep: "remind", repos: weekRepos,
			seed: func(h *simbot.Bot) { h.Clock.Set(day(6, 12)); seedWeek(h.Sim, weekPolicy, day(6, 12)) },
		},
		{
			name: "digest: weekly digests", sweep: "digest", repos: weekRepos,
			seed: func(h *simbot.Bot) { h.Clock.Set(day(6, 12)); seedWeek(h.Sim, weekPolicy, day(6, 12)) },
			before: func(t *testing.T, h *simbot.Bot) {
				runRemind(t, h)
				h.Clock.Set(day(9, 9))
			},
		},
		{
			name: "last day: retrospective, meetup issue, invitations", sweep: "digest", repos: []string{"org/mentorship"},
			seed: func(h *simbot.Bot) { h.Clock.Set(termEnd[0]); seedLearnOrg(t, h.Sim) },
		},
		{
			name: "after the term: reports", sweep: "digest", repos: []string{"org/mentorship"},
			seed: func(h *simbot.Bot) { h.Clock.Set(termEnd[0]); seedLearnOrg(t, h.Sim) },
			before: func(t *testing.T, h *simbot.Bot) {
				learnSweep(t, h)
				h.Clock.Set(termEnd[1])
			},
		},
		{
			name: "learnings issue", sweep: "digest", repos: []string{"org/mentorship"},
			seed: func(h *simbot.Bot) { h.Clock.Set(termEnd[0]); seedLearnOrg(t, h.Sim) },
			before: func(t *testing.T, h *simbot.Bot) {
				learnSweep(t, h)
				h.Clock.Set(termEnd[1])
				learnSweep(t, h)
				h.Clock.Set(termEnd[2])
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := func() *simbot.Bot {
				h := simbot.MustStart(t, simbot.Options{LogLevel: zerolog.InfoLevel}) // the debug logs of dozens of runs add up
				tc.seed(h)
				if tc.before != nil {
					tc.before(t, h)
				}
				return h
			}
			// One clean run; a second one must change nothing.
			clean := start()
			before := len(writes(clean.Sim))
			if err := clean.App.RunSweep(context.Background(), tc.sweep, nil); err != nil {
				t.Fatal(err)
			}
			total := len(writes(clean.Sim)) - before
			want := snapshot(clean.Sim, tc.repos...)
			if err := clean.App.RunSweep(context.Background(), tc.sweep, nil); err != nil {
				t.Fatal(err)
			}
			if again := snapshot(clean.Sim, tc.repos...); again != want {
				t.Fatalf("a second clean run changed GitHub\n--- after two\n%s\n--- after one\n%s", again, want)
			}
			if total == 0 {
				t.Fatal("the clean run wrote nothing: the case does not exercise the sweep")
			}
			t.Logf("the clean run writes %d times", total)

			for k := 1; k <= total; k++ {
				h := start()
				ctx, kill := context.WithCancel(context.Background())
				var n atomic.Int32
				h.Sim.SetFault(func(r *http.Request, _ int) *githubsim.Fault {
					if isWrite(r) && int(n.Add(1)) == k {
						kill() // the write goes on to GitHub; its answer is never read
					}
					return nil
				})
				err := h.App.RunSweep(ctx, tc.sweep, nil)
				h.Sim.SetFault(nil)
				kill()
				if err == nil && k < total {
					t.Errorf("k=%d: the killed sweep reported success", k)
				}
				b := startBot(t, h, nil)
				if err := b.App.RunSweep(context.Background(), tc.sweep, nil); err != nil {
					t.Fatalf("k=%d: sweep after the kill: %v\n%s", k, err, b.Logs.Tail(20))
				}
				if got := snapshot(h.Sim, tc.repos...); got != want {
					t.Fatalf("k=%d: state after kill and rerun differs from one clean run\n--- killed and rerun\n%s\n--- clean\n%s", k, got, want)
				}
				if err := b.stop(); err != nil {
					t.Error(err)
				}
				if err := h.Stop(); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
