package turn

import (
	"testing"
	"time"
)

func TestElapsedMatchesMinuteWalk(t *testing.T) {
	// Cross-check the day walk against a minute-by-minute count over two
	// weeks spanning the Berlin autumn change.
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	c := Clock{BusinessDays: true, Location: berlin}
	from := time.Date(2026, 10, 20, 7, 13, 0, 0, time.UTC)
	to := time.Date(2026, 11, 3, 17, 41, 0, 0, time.UTC)
	var want time.Duration
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		if !weekend(m.In(berlin)) {
			want += time.Minute
		}
	}
	if got := c.Elapsed(from, to); got != want {
		t.Fatalf("Elapsed = %v, minute walk = %v", got, want)
	}
	if back := c.Elapsed(from, c.Add(from, want)); back != want {
		t.Fatalf("Elapsed(Add(d)) = %v, want %v", back, want)
	}
}
