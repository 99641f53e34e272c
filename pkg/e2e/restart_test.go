package e2e

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// A sweep stopped halfway (the process killed after some of its writes,
// one of them possibly sent but never acknowledged) and run again ends in
// the same state as a sweep that ran once without interruption: no
// duplicate, no gap.
func TestRestartMidSweep(t *testing.T) {
	cases := []struct {
		name  string
		sweep string
		seed  func(h *simbot.Bot)
		repos []string
	}{
		{
			name: "remind", sweep: "remind", repos: []string{"org/.github", "org/app"},
			seed: func(h *simbot.Bot) {
				now := h.Clock.Now()
				seedReviewsOrg(h, "org", reviewsPolicy("  business_days: false\n"), []string{"pool-person", "carol"},
					map[string]githubsim.RepoOptions{"org/app": {}})
				for i := 0; i < 5; i++ {
					h.Sim.AddPull("org/app", githubsim.Pull{
						Issue: githubsim.Issue{Title: "waiting " + string(rune('a'+i)), User: "alice", CreatedAt: now.Add(-days(4 + float64(i)))},
						Files: []githubsim.PullFile{{Filename: "pkg/x.go"}},
					})
				}
			},
		},
		{
			name: "digest", sweep: "digest", repos: []string{"org/.github", "org/app", "org/mentorship"},
			seed: func(h *simbot.Bot) {
				h.Clock.Set(day(16, 9))
				seedDigestOrg(t, h.Sim, digestPolicy, "alice", "bob", "carol")
				seedAliceWeek(h.Sim)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The baseline runs the sweep twice without interruption, as the
			// restarted bot does (interrupted run, then a whole one): a
			// second sweep may legitimately write more (the remind sweep
			// escalates to the mentors once a reminder exists).
			clean := simbot.MustStart(t, simbot.Options{})
			tc.seed(clean)
			for i := 0; i < 2; i++ {
				if err := clean.App.RunSweep(context.Background(), tc.sweep, nil); err != nil {
					t.Fatal(err)
				}
			}
			want := snapshot(clean.Sim, tc.repos...)

			h := simbot.MustStart(t, simbot.Options{})
			tc.seed(h)
			ctx, kill := context.WithCancel(context.Background())
			var posts atomic.Int32
			h.Sim.SetFault(func(r *http.Request, _ int) *githubsim.Fault {
				// Killed while the second comment is on the wire: GitHub
				// writes it, the bot never hears back.
				if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/comments") && posts.Add(1) == 2 {
					kill()
				}
				return nil
			})
			err := h.App.RunSweep(ctx, tc.sweep, nil)
			h.Sim.SetFault(nil)
			if err == nil {
				t.Fatalf("the interrupted sweep did not notice; %d comment posts", posts.Load())
			}
			if got := snapshot(h.Sim, tc.repos...); got == want {
				t.Fatal("the interrupted sweep finished its work; interrupt it earlier")
			}
			// The process comes back (a new App on the same GitHub) and sweeps again.
			b := startBot(t, h, nil)
			if err := b.App.RunSweep(context.Background(), tc.sweep, nil); err != nil {
				t.Fatalf("sweep after restart: %v\n%s", err, b.Logs.Tail(20))
			}
			if got := snapshot(h.Sim, tc.repos...); got != want {
				t.Errorf("state after restart differs from a clean run\n--- restarted\n%s\n--- clean\n%s", got, want)
			}
		})
	}
}
