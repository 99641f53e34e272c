package e2e

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

func seedWaitingPulls(h *simbot.Bot) {
	now := h.Clock.Now()
	seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "carol"},
		map[string]githubsim.RepoOptions{"org/app": {}})
	for i := range 5 {
		h.Sim.AddPull("org/app", githubsim.Pull{
			Issue: githubsim.Issue{Title: "waiting " + string(rune('a'+i)), User: "alice", CreatedAt: now.Add(-days(4 + float64(i)))},
			Files: []githubsim.PullFile{{Filename: "pkg/x.go"}},
		})
	}
}

// SIGTERM (the end of serve's context) while the scheduled sweep is
// writing: serve returns only after the sweep has stopped (no request
// reaches GitHub after it returned), whether the sweep finishes within
// server.shutdown_timeout or is cut off at it, and the sweep run again
// ends in the state of a clean run, without a duplicate.
func TestShutdownWaitsForTheRunningSweep(t *testing.T) {
	clean := simbot.MustStart(t, simbot.Options{})
	seedWaitingPulls(clean)
	for range 2 {
		if err := clean.App.RunSweep(context.Background(), "remind", nil); err != nil {
			t.Fatal(err)
		}
	}
	want := snapshot(clean.Sim, "org/.github", "org/app")

	for _, tc := range []struct {
		name     string
		shutdown time.Duration
	}{
		{"sweep finishes", 20 * time.Second},
		{"sweep cut off at the shutdown timeout", 200 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := simbot.MustStart(t, simbot.Options{})
			seedWaitingPulls(h)
			var posts atomic.Int32
			var returned atomic.Bool
			var late atomic.Int32
			stopped := make(chan error, 1)
			var b *bot
			started := make(chan struct{})
			h.Sim.SetFault(func(r *http.Request, _ int) *githubsim.Fault {
				if returned.Load() {
					late.Add(1)
				}
				if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments") && posts.Add(1) == 2 {
					go func() {
						<-started
						stopped <- b.stop()
					}()
				}
				return &githubsim.Fault{Delay: 30 * time.Millisecond}
			})
			b = startBot(t, h, func(c *config.Config) {
				c.Schedule.RemindEvery = time.Hour
				c.Server.ShutdownTimeout = tc.shutdown
			})
			close(started)
			select {
			case err := <-stopped:
				returned.Store(true)
				if err != nil {
					t.Fatalf("serve returned %v; logs:\n%s", err, b.Logs.Tail(20))
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("no SIGTERM or serve did not return; %d comment posts; logs:\n%s", posts.Load(), b.Logs.Tail(20))
			}
			time.Sleep(300 * time.Millisecond)
			if n := late.Load(); n > 0 {
				t.Errorf("%d requests reached GitHub after serve returned", n)
			}
			logs := b.Logs.String()
			if !strings.Contains(logs, "scheduled sweep done") && !strings.Contains(logs, "scheduled sweep stopped for shutdown") {
				t.Errorf("the sweep's end is not logged:\n%s", b.Logs.Tail(20))
			}
			h.Sim.SetFault(nil)
			again := startBot(t, h, nil)
			if err := again.App.RunSweep(context.Background(), "remind", nil); err != nil {
				t.Fatalf("rerun: %v", err)
			}
			if got := snapshot(h.Sim, "org/.github", "org/app"); got != want {
				t.Errorf("state after the rerun differs from a clean run\n--- rerun\n%s\n--- clean\n%s", got, want)
			}
		})
	}
}

// The same through the real binary and a real SIGTERM, sent while the
// scheduled sweep is writing: `mentorbot serve` logs the sweep's end before
// it exits, exits 0, and a `mentorbot remind` afterwards leaves one reminder
// per waiting pull request.
func TestServeBinarySIGTERMDuringSweep(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	seedWaitingPulls(h)
	// The binary runs on the real clock: keep alice's term open.
	h.Sim.PutFile("org/.github", "mentorbot.yml", strings.ReplaceAll(reviewsPolicy("  business_days: false\n"), "end: 2026-12-31", "end: 2099-12-31"))
	path, port := writeConfig(t, h.Sim, "")
	cfg, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(cfg), "remind_every: 0s", "remind_every: 1h", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	var posts atomic.Int32
	var p atomic.Pointer[serveProcess]
	signalled := make(chan struct{})
	h.Sim.SetFault(func(r *http.Request, _ int) *githubsim.Fault {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments") && posts.Add(1) == 2 {
			if err := p.Load().cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Error(err)
			}
			close(signalled)
		}
		return &githubsim.Fault{Delay: 30 * time.Millisecond}
	})
	p.Store(startServeConfig(t, path, port))
	select {
	case <-signalled:
	case <-time.After(30 * time.Second):
		t.Fatalf("the sweep never wrote twice; logs:\n%s", p.Load().logs.Tail(20))
	}
	if code := stopServe(t, p.Load(), 30*time.Second); code != 0 {
		t.Fatalf("exit code %d; logs:\n%s", code, p.Load().logs.Tail(20))
	}
	logs := p.Load().logs.String()
	end := max(strings.Index(logs, "scheduled sweep done"), strings.Index(logs, "scheduled sweep stopped for shutdown"))
	if end < 0 || end < strings.Index(logs, "shutting down") {
		t.Errorf("the sweep's end is not logged after the SIGTERM:\n%s", p.Load().logs.Tail(20))
	}
	h.Sim.SetFault(nil)
	if out, err := runCLI(t, "remind", "--config", path); err != nil {
		t.Fatalf("remind after the restart: %v\n%s", err, lastLines(out, 5))
	}
	if n := reminders(h.Sim); n != 5 {
		t.Errorf("%d review-wait reminders, want one on each of the 5 waiting pulls", n)
	}
}
