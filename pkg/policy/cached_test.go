package policy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestCachedServesWithinTTL(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.NotFound(w, r) // no policy anywhere: defaults
	}))
	defer srv.Close()
	client := github.NewClient(nil)
	client.BaseURL, _ = url.Parse(srv.URL + "/")

	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c := NewCached(NewLoader(), time.Minute, 10, func() time.Time { return now })
	ctx := context.Background()
	if _, err := c.Load(ctx, client, 1, "o", "r"); err != nil {
		t.Fatal(err)
	}
	first := calls.Load()
	if first == 0 {
		t.Fatal("first load made no request")
	}
	res, err := c.Load(ctx, client, 1, "O", "R") // logins and names compare case-insensitively
	if err != nil || calls.Load() != first {
		t.Fatalf("second load within TTL made %d requests (err %v)", calls.Load()-first, err)
	}
	res.Policy.Labels.MenteePR = "changed"
	if again, _ := c.Load(ctx, client, 1, "o", "r"); again.Policy.Labels.MenteePR != "mentee" {
		t.Error("a caller's change leaked into the cache")
	}
	now = now.Add(time.Minute)
	if _, err := c.Load(ctx, client, 1, "o", "r"); err != nil || calls.Load() == first {
		t.Fatalf("load after TTL did not refresh (err %v)", err)
	}
}

// One installation's cached policy never serves another installation's
// events for a repository of the same name.
func TestCachedKeyedByInstallation(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	client := github.NewClient(nil)
	client.BaseURL, _ = url.Parse(srv.URL + "/")

	c := NewCached(NewLoader(), time.Minute, 10, nil)
	ctx := context.Background()
	if _, err := c.Load(ctx, client, 1, "o", "r"); err != nil {
		t.Fatal(err)
	}
	one := calls.Load()
	if _, err := c.Load(ctx, client, 2, "o", "r"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() == one {
		t.Error("installation 2 was served installation 1's cached policy")
	}
}
