package redeliver

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func delivery(id int64, guid string, status int, redelivery bool, at time.Time) *github.HookDelivery {
	return &github.HookDelivery{
		ID: github.Int64(id), GUID: github.String(guid), StatusCode: github.Int(status),
		Redelivery: github.Bool(redelivery), DeliveredAt: &github.Timestamp{Time: at}, Event: github.String("pull_request"),
	}
}

func TestDecide(t *testing.T) {
	now := time.Now()
	failedHere := func(g string) bool { return g == "acked-but-failed" }
	tests := []struct {
		name string
		as   attempts
		want verdict
	}{
		{"acknowledged and handled", attempts{delivery(1, "ok", 200, false, now)}, skip},
		{"queue full (503)", attempts{delivery(1, "full", 503, false, now)}, redeliver},
		{"process down (no response)", attempts{delivery(1, "down", 0, false, now)}, redeliver},
		{"failed, then redelivered fine", attempts{delivery(2, "fixed", 200, true, now), delivery(1, "fixed", 502, false, now)}, skip},
		{"failed, redelivered, failed again", attempts{delivery(2, "again", 503, true, now), delivery(1, "again", 503, false, now)}, givenUp},
		{"acknowledged here but handling failed", attempts{delivery(1, "acked-but-failed", 200, false, now)}, redeliver},
		{"handling failed, redelivered, failed again", attempts{delivery(2, "acked-but-failed", 200, true, now), delivery(1, "acked-but-failed", 200, false, now)}, givenUp},
		{"handed over at shutdown to no one", attempts{delivery(2, "handed", 0, true, now), delivery(1, "handed", 200, false, now)}, redeliver},
		{"handed over, then missed again", attempts{delivery(3, "handed", 503, true, now), delivery(2, "handed", 0, true, now), delivery(1, "handed", 200, false, now)}, givenUp},
		{"handed over and handled elsewhere", attempts{delivery(2, "handed", 200, true, now), delivery(1, "handed", 200, false, now)}, skip},
	}
	for _, tc := range tests {
		if got := decide(tc.as, failedHere); got != tc.want {
			t.Errorf("%s: decide = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// fakeGitHub serves a fixed delivery log in pages of two, newest first, and
// records redelivery requests.
type fakeGitHub struct {
	log        []*github.HookDelivery
	redelivers []int64
	failOn     int64
	lists      int
}

func (f *fakeGitHub) ListHookDeliveries(_ context.Context, opts *github.ListCursorOptions) ([]*github.HookDelivery, *github.Response, error) {
	f.lists++
	start := 0
	if opts.Cursor != "" {
		start = int(opts.Cursor[0] - '0')
	}
	end := min(start+2, len(f.log))
	res := &github.Response{}
	if end < len(f.log) {
		res.Cursor = string(rune('0' + end))
	}
	return f.log[start:end], res, nil
}

func (f *fakeGitHub) RedeliverHookDelivery(_ context.Context, id int64) (*github.HookDelivery, *github.Response, error) {
	f.redelivers = append(f.redelivers, id)
	if id == f.failOn {
		return nil, nil, errors.New("boom")
	}
	return nil, nil, &github.AcceptedError{}
}

func TestRun(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	gh := &fakeGitHub{log: []*github.HookDelivery{ // newest first, as GitHub lists them
		delivery(7, "g-ok", 200, false, now.Add(-time.Minute)),
		delivery(6, "g-new-fail", 503, false, now.Add(-time.Hour)),
		delivery(5, "g-again", 502, true, now.Add(-2*time.Hour)),
		delivery(4, "g-again", 502, false, now.Add(-3*time.Hour)),
		delivery(3, "g-old-fail", 503, false, now.Add(-10*time.Hour)),
		delivery(2, "g-error", 500, false, now.Add(-11*time.Hour)),
		delivery(1, "g-too-old", 503, false, now.Add(-4*24*time.Hour)), // beyond GitHub's window
	}, failOn: 2}
	r := New(Options{Client: func() (GitHub, error) { return gh, nil }, Now: func() time.Time { return now }})

	res, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Oldest missed first; the one beyond the window is not even listed.
	if want := []int64{2, 3, 6}; !slices.Equal(gh.redelivers, want) {
		t.Errorf("redelivered %v, want %v", gh.redelivers, want)
	}
	if res.Listed != 6 || res.Requested != 2 || res.Errors != 1 || res.GivenUp != 1 {
		t.Errorf("result = %+v", res)
	}
	// A second run asks for nothing again: each delivery is asked for once.
	gh.redelivers = nil
	if res, err := r.Run(context.Background()); err != nil || len(gh.redelivers) != 0 || res.GivenUp != 0 {
		t.Errorf("second run redelivered %v (%+v, %v)", gh.redelivers, res, err)
	}
}

func TestRunBoundsRequests(t *testing.T) {
	now := time.Now()
	gh := &fakeGitHub{}
	for i := int64(10); i > 0; i-- {
		gh.log = append(gh.log, delivery(i, "g"+string(rune('a'+i)), 503, false, now))
	}
	r := New(Options{Client: func() (GitHub, error) { return gh, nil }, MaxRequests: 3})
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(gh.redelivers) != 3 {
		t.Errorf("asked %d redeliveries in one run, want the bound of 3", len(gh.redelivers))
	}
}

// HandOver asks for the newest attempt of each delivery handed over, reads
// only as many pages as it needs, and reports one it cannot find.
func TestHandOver(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	gh := &fakeGitHub{log: []*github.HookDelivery{
		delivery(9, "g-b", 0, true, now),
		delivery(8, "g-c", 200, false, now.Add(-time.Second)),
		delivery(7, "g-b", 200, false, now.Add(-2*time.Second)),
		delivery(6, "g-a", 200, false, now.Add(-3*time.Second)),
		delivery(5, "g-old", 200, false, now.Add(-time.Hour)),
		delivery(4, "g-older", 200, false, now.Add(-2*time.Hour)),
	}}
	r := New(Options{Client: func() (GitHub, error) { return gh, nil }, Now: func() time.Time { return now }})
	res, err := r.HandOver(context.Background(), []string{"g-a", "g-b"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{6, 9}; !slices.Equal(gh.redelivers, want) || res.Requested != 2 {
		t.Errorf("redelivered %v (%+v), want %v", gh.redelivers, res, want)
	}
	if gh.lists != 2 {
		t.Errorf("listed %d pages, want the 2 holding the deliveries", gh.lists)
	}
	gh.redelivers, gh.lists = nil, 0
	res, err = r.HandOver(context.Background(), []string{"g-missing"})
	if err != nil || res.Requested != 0 || len(gh.redelivers) != 0 || gh.lists != 3 {
		t.Errorf("unknown delivery: %+v, %v, redelivered %v after %d pages", res, err, gh.redelivers, gh.lists)
	}
}
