package e2e

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
)

func seedWaitingPulls(h *Harness) {
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
	clean := MustStart(t, Options{})
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
			h := MustStart(t, Options{})
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
