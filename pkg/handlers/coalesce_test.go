package handlers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/cache"
)

type countingHandler struct {
	calls atomic.Int32
	gate  chan struct{}
	err   error
}

func (*countingHandler) Handles() []string { return []string{"pull_request"} }

func (h *countingHandler) Handle(context.Context, string, string, []byte) error {
	h.calls.Add(1)
	if h.gate != nil {
		<-h.gate
	}
	return h.err
}

func TestCoalesced(t *testing.T) {
	t.Run("copies of one event are handled once", func(t *testing.T) {
		inner := &countingHandler{gate: make(chan struct{})}
		h := Coalesce(inner, cache.New(cache.Options[struct{}]{Size: 10, TTL: time.Minute}))
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				if err := h.Handle(context.Background(), "pull_request", string(rune('a'+i)), []byte(`{"action":"opened"}`)); err != nil {
					t.Error(err)
				}
			})
		}
		time.Sleep(20 * time.Millisecond)
		close(inner.gate)
		wg.Wait()
		if err := h.Handle(context.Background(), "pull_request", "later", []byte(`{"action":"opened"}`)); err != nil {
			t.Fatal(err)
		}
		if n := inner.calls.Load(); n != 1 {
			t.Errorf("handled %d times, want 1", n)
		}
		if err := h.Handle(context.Background(), "pull_request", "other", []byte(`{"action":"closed"}`)); err != nil {
			t.Fatal(err)
		}
		if n := inner.calls.Load(); n != 2 {
			t.Errorf("another event: handled %d times in all, want 2", n)
		}
	})
	t.Run("a failed handling is not remembered", func(t *testing.T) {
		inner := &countingHandler{err: errors.New("502")}
		h := Coalesce(inner, cache.New(cache.Options[struct{}]{Size: 10, TTL: time.Minute}))
		for range 2 {
			if err := h.Handle(context.Background(), "pull_request", "d", []byte(`{}`)); err == nil {
				t.Fatal("error swallowed")
			}
		}
		if n := inner.calls.Load(); n != 2 {
			t.Errorf("handled %d times, want 2: a redelivery after a failure must retry", n)
		}
	})
}

// The handling runs on the context of the delivery that started it: when
// shutdown or the handler timeout cancels that context, the handling stops
// (before, it ran on, detached, after the process handed the delivery over).
func TestCoalescedHandlingStopsWithItsDelivery(t *testing.T) {
	stopped := make(chan error, 1)
	inner := blockingHandler(func(ctx context.Context) error {
		<-ctx.Done()
		stopped <- ctx.Err()
		return ctx.Err()
	})
	h := Coalesce(inner, cache.New(cache.Options[struct{}]{Size: 10, TTL: time.Minute}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Handle(ctx, "pull_request", "d1", []byte(`{}`)) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-stopped:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("handler stopped with %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the handling did not see its delivery's cancellation")
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Handle = %v, want context.Canceled", err)
	}
}

type blockingHandler func(ctx context.Context) error

func (blockingHandler) Handles() []string { return []string{"pull_request"} }
func (b blockingHandler) Handle(ctx context.Context, _, _ string, _ []byte) error {
	return b(ctx)
}
