package ghclient

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

// fakeClock is a clock that Sleep moves forward.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }
func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
	c.t = c.t.Add(d)
	return nil
}

func TestPacer(t *testing.T) {
	start := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		limit    int
		searches int
		observe  *github.Rate // reported after the first search
		want     time.Duration
	}{
		{name: "under the limit, no wait", limit: 30, searches: 30, want: 0},
		{name: "31st search waits for the window", limit: 30, searches: 31, want: time.Minute},
		{name: "61 searches take two minutes", limit: 30, searches: 61, want: 2 * time.Minute},
		{name: "GitHub says the budget is spent", limit: 30, searches: 2,
			observe: &github.Rate{Limit: 30, Remaining: 0, Reset: github.Timestamp{Time: start.Add(40 * time.Second)}},
			want:    41 * time.Second},
		{name: "GitHub's limit wins over the default", limit: 30, searches: 100,
			observe: &github.Rate{Limit: 1000, Remaining: 999, Reset: github.Timestamp{Time: start.Add(time.Minute)}},
			want:    0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClock{t: start}
			p := &Pacer{Limit: tt.limit, Window: time.Minute, Now: c.now, Sleep: c.sleep}
			for i := 0; i < tt.searches; i++ {
				if err := p.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
				if i == 0 && tt.observe != nil {
					p.Observe(&github.Response{Response: &http.Response{}, Rate: *tt.observe})
				}
			}
			if got := c.t.Sub(start); got != tt.want {
				t.Errorf("waited %s, want %s", got, tt.want)
			}
		})
	}
}
