package e2e

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// spendRateLimit spends installation inst's core rate limit on sim, as
// another tool sharing the installation would, and returns when GitHub
// answers 403 with no requests remaining.
func spendRateLimit(t testing.TB, sim *githubsim.Server, inst int64) {
	t.Helper()
	tr, err := ghinstallation.New(http.DefaultTransport, sim.AppID(), inst, sim.PrivateKey())
	if err != nil {
		t.Fatal(err)
	}
	tr.BaseURL = strings.TrimSuffix(sim.URL(), "/")
	c := &http.Client{Transport: tr}
	for range 100000 {
		res, err := c.Get(sim.URL() + "installation/repositories")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode == http.StatusForbidden && res.Header.Get("X-RateLimit-Remaining") == "0" {
			return
		}
	}
	t.Fatal("rate limit never spent")
}

// metricValue returns the value of the series line starting with series.
func metricValue(m, series string) string {
	for _, l := range strings.Split(m, "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			return v
		}
	}
	return ""
}

// reminders counts the review-wait reminders the bot posted.
func reminders(sim *githubsim.Server) int {
	n := 0
	for i := 1; i <= 5; i++ {
		for _, c := range sim.Comments("org/app", i) {
			if strings.Contains(c.Body, "<!-- mentorbot:review-wait:") {
				n++
			}
		}
	}
	return n
}

// With the installation's rate limit spent, the sweep in serve is metered
// rate_limited (never success), writes nothing and leaves the last-success
// timestamp alone; when the limit resets before the sweep's deadline it
// waits for it, else a later run after the reset does the work, once.
func TestSweepWithSpentRateLimit(t *testing.T) {
	const window = 8 * time.Second
	for _, tc := range []struct {
		name  string
		every time.Duration // the sweep's period, and so its deadline
		waits bool
	}{
		{"reset after the deadline: fail, then succeed after it", 2 * time.Second, false},
		{"reset within the deadline: wait for it", time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := simbot.MustStart(t, simbot.Options{Sim: func(o *githubsim.Options) { o.CoreRateWindow, o.CoreRateLimit = window, 300 }})
			seedWaitingPulls(h)
			spendRateLimit(t, h.Sim, 100)
			spent := time.Now()
			b := startBot(t, h, func(c *config.Config) { c.Schedule.RemindEvery = tc.every })
			metric := func(result string) string {
				m, err := metricsOf(b.URL)
				if err != nil {
					t.Fatal(err)
				}
				return metricValue(m, `mentorbot_sweep_runs_total{result="`+result+`",sweep="remind"}`)
			}
			lastSuccess := func() string {
				m, _ := metricsOf(b.URL)
				return metricValue(m, `mentorbot_sweep_last_success_timestamp_seconds{sweep="remind"}`)
			}
			if !tc.waits {
				deadline := time.Now().Add(window)
				for metric("rate_limited") == "0" && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
				}
				if got := metric("rate_limited"); got == "0" {
					t.Fatalf("no rate_limited sweep; logs:\n%s", b.Logs.Tail(20))
				}
				if metric("success") != "0" || lastSuccess() != "" {
					t.Errorf("a rate-limited sweep counted as success (success %s, last success %q)", metric("success"), lastSuccess())
				}
				if n := reminders(h.Sim); n != 0 {
					t.Errorf("%d reminders written with the limit spent", n)
				}
				if !regexp.MustCompile(`retry after it`).MatchString(b.Logs.String()) {
					t.Errorf("the failure does not say when to retry:\n%s", b.Logs.Tail(10))
				}
			}
			deadline := spent.Add(window + 20*time.Second)
			for metric("success") == "0" && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if metric("success") == "0" || lastSuccess() == "" {
				t.Fatalf("no successful sweep after the reset; logs:\n%s", b.Logs.Tail(20))
			}
			if tc.waits {
				if metric("rate_limited") != "0" || !strings.Contains(b.Logs.String(), "waiting for its reset") {
					t.Errorf("the sweep did not wait for the reset within its deadline (rate_limited %s); logs:\n%s", metric("rate_limited"), b.Logs.Tail(20))
				}
			}
			if n := reminders(h.Sim); n != 5 {
				t.Errorf("%d reminders after the reset, want one on each of the 5 waiting pulls", n)
			}
		})
	}
}

// The `remind` command with the rate limit spent and its reset beyond
// what it may wait exits non-zero, writes nothing and says when to retry.
func TestRemindCommandFailsOnSpentRateLimit(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Sim: func(o *githubsim.Options) { o.CoreRateLimit = 300 }})
	seedWaitingPulls(h)
	spendRateLimit(t, h.Sim, 100)
	cfg, _ := writeConfig(t, h.Sim, "")
	out, err := runCLI(t, "remind", "--config", cfg, "--now", h.Clock.Now().Format(time.RFC3339))
	if err == nil {
		t.Fatalf("remind exited 0 with the rate limit spent:\n%s", out)
	}
	t.Logf("remind with the limit spent: %v\n%s", err, lastLines(out, 2))
	if !strings.Contains(out, "rate limit") || !strings.Contains(out, "retry after") {
		t.Errorf("the failure does not name the rate limit and when to retry:\n%s", out)
	}
	if n := reminders(h.Sim); n != 0 {
		t.Errorf("%d reminders written with the limit spent", n)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// A webhook event handled while the installation's rate limit is spent
// fails; the redeliverer does not ask for it again before the limit's
// reset (it would fail the same way), and after the reset it does, once,
// and the event is handled once.
func TestWebhookOnSpentRateLimitRedeliveredAfterReset(t *testing.T) {
	const window = 6 * time.Second
	h := simbot.MustStart(t, simbot.Options{Sim: func(o *githubsim.Options) { o.CoreRateWindow, o.CoreRateLimit = window, 300 }})
	mtSeed(t, h)
	const repo = "thanos-io/objstore"
	pr := h.Sim.AddPull(repo, githubsim.Pull{Issue: githubsim.Issue{Title: "mentee work", User: "alice"}})
	spendRateLimit(t, h.Sim, 1)
	spent := time.Now()
	d, err := h.Sim.Deliver(t.Context(), "pull_request", h.Sim.PullRequestEvent("opened", repo, pr, "alice"))
	if err != nil || d.StatusCode != http.StatusOK {
		t.Fatalf("delivery: %d %v", d.StatusCode, err)
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	// go-githubapp's error callback logs the failure just after the
	// handler returned, which is when the queue counts as idle: wait for
	// the line.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(h.Logs.String(), "rate limit"); {
		if time.Now().After(deadline) {
			t.Fatalf("the event did not hit the rate limit; logs:\n%s", h.Logs.Tail(10))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if res, err := h.App.Redeliver(t.Context()); err != nil || res.Requested != 0 {
		t.Errorf("before the reset: %+v, %v; want no redelivery requested", res, err)
	}
	time.Sleep(time.Until(spent.Add(window + time.Second)))
	if res, err := h.App.Redeliver(t.Context()); err != nil || res.Requested != 1 {
		t.Fatalf("after the reset: %+v, %v; want the one redelivery; logs:\n%s", res, err, h.Logs.Tail(10))
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := labelPosts(h.Sim, repo, pr); got != 1 {
		t.Errorf("%s#%d labelled %d times, want 1; logs:\n%s", repo, pr, got, h.Logs.Tail(10))
	}
	if res, err := h.App.Redeliver(t.Context()); err != nil || res.Requested != 0 {
		t.Errorf("a later pass: %+v, %v; want nothing requested", res, err)
	}
}

// A sweep waiting for a rate limit's reset does not hold up shutdown.
func TestShutdownDuringRateLimitWait(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Sim: func(o *githubsim.Options) { o.CoreRateWindow, o.CoreRateLimit = time.Minute, 300 }})
	seedWaitingPulls(h)
	spendRateLimit(t, h.Sim, 100)
	b := startBot(t, h, func(c *config.Config) { c.Schedule.RemindEvery = time.Hour })
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.Logs.String(), "waiting for its reset") {
		if time.Now().After(deadline) {
			t.Fatalf("the sweep is not waiting for the reset; logs:\n%s", b.Logs.Tail(10))
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	if err := b.stop(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown took %s while the sweep waited for the reset", took)
	}
	if !strings.Contains(b.Logs.String(), "scheduled sweep stopped for shutdown") {
		t.Errorf("the sweep's stop is not logged:\n%s", b.Logs.Tail(10))
	}
}
