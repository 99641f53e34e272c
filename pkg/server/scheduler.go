package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

// drainingScheduler wraps go-githubapp's bounded QueueAsyncScheduler so that
// shutdown can wait for queued events (the library has no Stop), meters the
// queue, skips deliveries already handled, and bounds each handler in time.
type drainingScheduler struct {
	inner   githubapp.Scheduler
	metrics *Metrics
	timeout time.Duration
	seen    *deliveries
	// failed remembers deliveries acknowledged but not handled, until a
	// redelivery succeeds, so the redeliverer can ask GitHub for them.
	failed *deliveries
	// notBefore holds, for a failed delivery that hit GitHub's rate limit,
	// the limit's reset: a redelivery before it would fail the same way.
	notBefore *cache.Cache[time.Time]

	// running holds the delivery ids queued or being handled: a second
	// copy arriving meanwhile (GitHub's redelivery racing the first attempt,
	// a proxy retrying) is skipped, not run concurrently.
	running map[string]struct{}

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
	pending  atomic.Int64

	// When the drain at shutdown times out, skipping is set: queued events
	// are skipped; running handlers get abandonWait more to finish, then
	// abandonCtx is cancelled. The delivery ids of what did not finish
	// collect in abandoned, to be handed over.
	skipping   atomic.Bool
	abandonCtx context.Context
	abandon    context.CancelFunc
	abandoned  []string
}

// abandonWait is how long running handlers may still finish after the
// drain timed out (queued ones are skipped at once): a handler stopped in
// the middle of its writes leaves more to settle for its redelivery than
// one that never started. cancelWait is how long cancelled ones get to
// return; one that ignores its context is handed over all the same.
const (
	abandonWait = 4 * time.Second
	cancelWait  = time.Second
)

func (s *drainingScheduler) idle() bool { return s.pending.Load() == 0 }

func newDrainingScheduler(queueSize, workers int, handlerTimeout time.Duration, m *Metrics) *drainingScheduler {
	s := &drainingScheduler{metrics: m, timeout: handlerTimeout, seen: newDeliveries(10000), failed: newDeliveries(10000), running: map[string]struct{}{}, notBefore: cache.New(cache.Options[time.Time]{Size: 10000})}
	s.abandonCtx, s.abandon = context.WithCancel(context.Background())
	s.inner = githubapp.QueueAsyncScheduler(queueSize, workers,
		githubapp.WithSchedulingMetrics(m.GoMetrics),
		githubapp.WithAsyncErrorCallback(s.onError),
	)
	return s
}

// errMalformed answers 400: GitHub's payloads are always JSON, so a body
// that is not is a broken or forged delivery and must not reach a handler.
var errMalformed = errors.New("webhook payload is not valid JSON")

// Schedule queues d, or refuses with githubapp.ErrCapacityExceeded (503) when
// the queue is full so that GitHub records the delivery as failed and it can
// be redelivered, never a silent drop.
func (s *drainingScheduler) Schedule(ctx context.Context, d githubapp.Dispatch) error {
	if !json.Valid(d.Payload) {
		return errMalformed
	}
	action := peekAction(d.Payload)
	if s.seen.handled(d.DeliveryID) {
		s.metrics.duplicates.Inc()
		zerolog.Ctx(ctx).Info().Msg("delivery already handled, skipping")
		return nil
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return githubapp.ErrCapacityExceeded
	}
	if _, dup := s.running[d.DeliveryID]; dup && d.DeliveryID != "" {
		s.mu.Unlock()
		s.metrics.duplicates.Inc()
		zerolog.Ctx(ctx).Info().Msg("delivery already queued or running, skipping")
		return nil
	}
	if d.DeliveryID != "" {
		s.running[d.DeliveryID] = struct{}{}
	}
	s.inflight.Add(1)
	s.pending.Add(1)
	s.mu.Unlock()

	s.metrics.received.WithLabelValues(d.EventType, action).Inc()
	s.metrics.queueDepth.Inc()
	inner := d.Handler
	d.Handler = handlerFunc{events: inner.Handles(), fn: func(ctx context.Context, event, delivery string, payload []byte) (err error) {
		s.metrics.queueDepth.Dec()
		s.metrics.inflight.Inc()
		start := time.Now()
		defer func() {
			s.metrics.inflight.Dec()
			s.metrics.duration.WithLabelValues(event).Observe(time.Since(start).Seconds())
			if r := recover(); r != nil {
				err = fmt.Errorf("handler panic: %v", r)
			}
			switch {
			case err != nil && s.skipping.Load():
				// Not failed: handed over to another process at shutdown.
				s.mu.Lock()
				s.abandoned = append(s.abandoned, delivery)
				s.mu.Unlock()
			case err != nil:
				s.metrics.failed.WithLabelValues(event, action).Inc()
				s.failed.add(delivery)
				if reset, limited := ghclient.RateLimitReset(err); limited {
					s.retryAfter(delivery, reset)
				}
			default:
				s.metrics.handled.WithLabelValues(event, action).Inc()
				s.seen.add(delivery)
				s.failed.remove(delivery)
			}
			s.release(delivery)
			s.pending.Add(-1)
			s.inflight.Done()
		}()
		if s.skipping.Load() {
			return errAbandoned
		}
		ctx, cancel := context.WithTimeout(ctx, s.timeout)
		defer cancel()
		defer context.AfterFunc(s.abandonCtx, cancel)()
		return inner.Handle(ctx, event, delivery, payload)
	}}
	if err := s.inner.Schedule(ctx, d); err != nil {
		s.release(d.DeliveryID)
		s.pending.Add(-1)
		s.metrics.queueDepth.Dec()
		s.metrics.dropped.Inc()
		s.inflight.Done()
		zerolog.Ctx(ctx).Error().Err(err).Str("action", action).Msg("webhook queue full, answering 503 so GitHub records the delivery as failed")
		return err
	}
	return nil
}

// retryAfter holds the redelivery of failed delivery id until at.
func (s *drainingScheduler) retryAfter(id string, at time.Time) {
	s.notBefore.Add(id, at)
}

// handlingFailed reports whether delivery id was acknowledged but not
// handled, and may be redelivered now.
func (s *drainingScheduler) handlingFailed(id string, now time.Time) bool {
	if !s.failed.handled(id) {
		return false
	}
	if at, ok := s.notBefore.Get(id); ok {
		if now.Before(at) {
			return false
		}
		s.notBefore.Remove(id)
	}
	return true
}

func (s *drainingScheduler) release(id string) {
	s.mu.Lock()
	delete(s.running, id)
	s.mu.Unlock()
}

func (s *drainingScheduler) onError(ctx context.Context, d githubapp.Dispatch, err error) {
	if s.skipping.Load() {
		zerolog.Ctx(ctx).Info().Err(err).Msg("webhook event not finished at shutdown, to be handed over")
		return
	}
	zerolog.Ctx(ctx).Error().Err(err).Msg("handling webhook event failed")
}

// errAbandoned ends a queued event that the drain at shutdown gave up on.
var errAbandoned = errors.New("shutting down: delivery handed over")

// Drain refuses new events and waits for queued ones until ctx is done.
// Then it skips what is still queued, lets what runs finish for
// abandonWait, cancels the rest, and returns the delivery ids of what did
// not finish (oldest first where known) with ctx's error.
func (s *drainingScheduler) Drain(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil, nil
	case <-ctx.Done():
	}
	s.skipping.Store(true)
	if !waitFor(done, abandonWait) {
		s.abandon()
		waitFor(done, cancelWait)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	left := slices.Clone(s.abandoned)
	for id := range s.running { // handlers that ignored their cancellation
		if !slices.Contains(left, id) {
			left = append(left, id)
		}
	}
	left = slices.DeleteFunc(left, func(id string) bool { return id == "" })
	return left, fmt.Errorf("drain webhook queue: %w", ctx.Err())
}

// waitFor reports whether done closed within d.
func waitFor(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

type handlerFunc struct {
	events []string
	fn     func(ctx context.Context, event, delivery string, payload []byte) error
}

func (h handlerFunc) Handles() []string { return h.events }
func (h handlerFunc) Handle(ctx context.Context, event, delivery string, payload []byte) error {
	return h.fn(ctx, event, delivery, payload)
}

// peekAction reads the top-level "action" of a payload without decoding the
// rest; GitHub puts it first, so this stays cheap on the acknowledgement path.
func peekAction(payload []byte) string {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return ""
		}
		if k == "action" {
			var a string
			if err := dec.Decode(&a); err != nil {
				return ""
			}
			return a
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return ""
		}
	}
	return ""
}

// deliveries remembers recently handled delivery IDs in bounded memory
// (the least recently used go first). GitHub reuses the ID when it
// redelivers, so only successfully handled deliveries are remembered: a
// failed one must run again.
type deliveries struct {
	ids *cache.Cache[struct{}]
}

func newDeliveries(max int) *deliveries {
	return &deliveries{ids: cache.New(cache.Options[struct{}]{Size: max})}
}

func (d *deliveries) handled(id string) bool { return id != "" && d.ids.Contains(id) }

// remove forgets id.
func (d *deliveries) remove(id string) { d.ids.Remove(id) }

func (d *deliveries) add(id string) {
	if id != "" {
		d.ids.Add(id, struct{}{})
	}
}
