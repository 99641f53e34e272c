package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/clock"
)

func newClock() *clock.Manual { return clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) }

func TestExpiry(t *testing.T) {
	clk := newClock()
	c := New(Options[string]{Size: 10, TTL: time.Minute, Now: clk.Now})
	c.Add("k", "v")
	if v, ok := c.Get("k"); !ok || v != "v" {
		t.Fatalf("fresh entry: got %q, %v", v, ok)
	}
	clk.Advance(59 * time.Second)
	if _, ok := c.Get("k"); !ok {
		t.Fatal("entry expired before its TTL")
	}
	clk.Advance(time.Second)
	if _, ok := c.Get("k"); ok {
		t.Fatal("entry served at its TTL")
	}
	if c.Len() != 0 {
		t.Fatalf("expired entry kept after lookup: len %d", c.Len())
	}

	// A clock moved back makes entries untrustworthy.
	c.Add("k", "v")
	clk.Advance(-time.Second)
	if _, ok := c.Get("k"); ok {
		t.Fatal("entry dated in the future served")
	}

	// Without a TTL, entries stay until evicted.
	forever := New(Options[string]{Size: 10, Now: clk.Now})
	forever.Add("k", "v")
	clk.Advance(1000 * time.Hour)
	if _, ok := forever.Get("k"); !ok {
		t.Fatal("entry without TTL expired")
	}
}

func TestEvictionLeastRecentlyUsed(t *testing.T) {
	c := New(Options[int]{Size: 2})
	c.Add("a", 1)
	c.Add("b", 2)
	c.Get("a") // b is now the least recently used
	c.Add("c", 3)
	if _, ok := c.Get("b"); ok {
		t.Error("least recently used entry kept beyond the size")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s evicted, want b evicted", k)
		}
	}
}

func TestEvictionByCost(t *testing.T) {
	c := New(Options[[]byte]{Size: 100, MaxCost: 10, Cost: func(b []byte) int { return len(b) }})
	c.Add("a", make([]byte, 4))
	c.Add("b", make([]byte, 4))
	c.Add("a", make([]byte, 2)) // replacing settles a's cost: 6 in all
	c.Add("c", make([]byte, 4)) // 10: fits
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("%s evicted under the cost bound", k)
		}
	}
	c.Add("d", make([]byte, 3)) // 13: evicts the least recently used (a, then b)
	for k, want := range map[string]bool{"a": false, "b": false, "c": true, "d": true} {
		if _, ok := c.Get(k); ok != want {
			t.Errorf("%s kept: %v, want %v", k, ok, want)
		}
	}
	if c.cost != 7 {
		t.Errorf("cost after evictions: got %d, want 7 (c and d)", c.cost)
	}
	c.Add("c", make([]byte, 11)) // too heavy: not kept, and the older c goes too
	if _, ok := c.Get("c"); ok {
		t.Error("value heavier than the bound kept, or an older one served")
	}
	if c.cost != 3 {
		t.Errorf("cost: got %d, want 3 (d)", c.cost)
	}
}

// Concurrent misses of one key share one load; a waiter whose context is
// cancelled returns at once with its error, while the load goes on, is not
// cancelled, and serves the other waiters and later callers.
func TestCancelledWaiterDoesNotCancelTheSharedLoad(t *testing.T) {
	c := New(Options[string]{Size: 10, TTL: time.Minute})
	var loads atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	var loadErr atomic.Value
	load := func(ctx context.Context) (string, error) {
		loads.Add(1)
		close(started)
		<-release
		if err := ctx.Err(); err != nil {
			loadErr.Store(err)
			return "", err
		}
		return "policy", nil
	}

	first, cancelFirst := context.WithCancel(context.Background())
	firstDone := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(first, "k", load)
		firstDone <- err
	}()
	<-started

	const waiters = 8
	var wg sync.WaitGroup
	got := make([]string, waiters)
	errs := make([]error, waiters)
	for i := range waiters {
		wg.Go(func() { got[i], errs[i] = c.GetOrLoad(context.Background(), "k", load) })
	}

	cancelFirst()
	select {
	case err := <-firstDone:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled waiter: got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled waiter still waiting for the load")
	}

	close(release)
	wg.Wait()
	if err, _ := loadErr.Load().(error); err != nil {
		t.Fatalf("the shared load saw its starter's cancellation: %v", err)
	}
	for i := range waiters {
		if errs[i] != nil || got[i] != "policy" {
			t.Errorf("waiter %d: got %q, %v", i, got[i], errs[i])
		}
	}
	if v, ok := c.Get("k"); !ok || v != "policy" {
		t.Errorf("value of the shared load not cached: %q, %v", v, ok)
	}
	if n := loads.Load(); n != 1 {
		t.Errorf("%d loads for one key, want 1", n)
	}
}

// The shared load has a bound of its own, since no caller can cancel it.
func TestSharedLoadTimesOut(t *testing.T) {
	c := New(Options[string]{Size: 10, LoadTimeout: 20 * time.Millisecond})
	_, err := c.GetOrLoad(context.Background(), "k", func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the load's deadline", err)
	}
}

var errUnavailable = errors.New("502 bad gateway")

// "Not found" is a value, cached for the TTL like any other; an error is
// not cached at all: the next caller loads again.
func TestNotFoundCachedErrorNot(t *testing.T) {
	clk := newClock()
	c := New(Options[string]{Size: 10, TTL: time.Minute, Now: clk.Now})
	calls := map[string]int{}
	answers := map[string]func() (string, error){
		"missing": func() (string, error) { return "", nil }, // a 404, turned into "no file"
		"broken":  func() (string, error) { return "", errUnavailable },
	}
	get := func(key string) (string, error) {
		return c.GetOrLoad(context.Background(), key, func(context.Context) (string, error) {
			calls[key]++
			return answers[key]()
		})
	}

	for range 3 {
		if v, err := get("missing"); err != nil || v != "" {
			t.Fatalf("missing: got %q, %v", v, err)
		}
		if _, err := get("broken"); !errors.Is(err, errUnavailable) {
			t.Fatalf("broken: got %v, want the load's error", err)
		}
	}
	if calls["missing"] != 1 {
		t.Errorf("not found loaded %d times within the TTL, want 1 (cached)", calls["missing"])
	}
	if calls["broken"] != 3 {
		t.Errorf("error loaded %d times in 3 calls, want 3 (never cached)", calls["broken"])
	}

	// After the TTL the negative answer is asked again, like a positive one.
	clk.Advance(time.Minute)
	if _, err := get("missing"); err != nil {
		t.Fatal(err)
	}
	if calls["missing"] != 2 {
		t.Errorf("not found not reloaded after its TTL: %d loads", calls["missing"])
	}

	// Once the error clears, the value is cached.
	answers["broken"] = func() (string, error) { return "ok", nil }
	for range 2 {
		if v, err := get("broken"); err != nil || v != "ok" {
			t.Fatalf("recovered: got %q, %v", v, err)
		}
	}
	if calls["broken"] != 4 {
		t.Errorf("recovered value loaded %d times in all, want 4", calls["broken"])
	}
}

// Many concurrent callers over a few keys: one load per key.
func TestOneLoadPerKey(t *testing.T) {
	c := New(Options[int]{Size: 100, TTL: time.Minute})
	var loads [4]atomic.Int32
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 64 {
		k := i % len(loads)
		wg.Go(func() {
			<-gate
			v, err := c.GetOrLoad(context.Background(), fmt.Sprint(k), func(context.Context) (int, error) {
				loads[k].Add(1)
				time.Sleep(10 * time.Millisecond)
				return k, nil
			})
			if err != nil || v != k {
				t.Errorf("key %d: got %d, %v", k, v, err)
			}
		})
	}
	close(gate)
	wg.Wait()
	for k := range loads {
		if n := loads[k].Load(); n != 1 {
			t.Errorf("key %d loaded %d times, want 1", k, n)
		}
	}
}
