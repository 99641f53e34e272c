// Package cache is mentorbot's one bounded cache: a least-recently-used map
// whose entries expire after a time to live, read from an injected clock,
// and whose loads are coalesced, so that a burst of deliveries that all miss
// the same key costs one GitHub read rather than one per delivery.
//
// It is built on golang-lru's simplelru (the LRU list) and x/sync's
// singleflight (one load in flight per key). golang-lru's expirable LRU is
// not used: it dates entries with time.Now, which tests and the demo cannot
// move, and starts a goroutine per cache that never stops.
package cache

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/sync/singleflight"
)

// DefaultLoadTimeout bounds a shared load when Options.LoadTimeout is zero.
const DefaultLoadTimeout = 30 * time.Second

// Options configure New.
type Options[V any] struct {
	// Size bounds the number of entries; the least recently used go first.
	Size int
	// TTL is how long an entry is served after it was added; zero keeps
	// entries until they are evicted.
	TTL time.Duration
	// Now is the clock entries are dated with; nil means time.Now.
	Now func() time.Time
	// LoadTimeout bounds a load started by GetOrLoad. The load runs on a
	// context detached from its callers' cancellation (a waiter that gives
	// up must not fail the others), so it needs a bound of its own.
	LoadTimeout time.Duration
	// Cost, when set, weighs each value (e.g. its size in bytes), and
	// MaxCost bounds the total weight; values heavier than MaxCost are not
	// kept at all.
	Cost    func(V) int
	MaxCost int
}

// Cache is safe for concurrent use.
type Cache[V any] struct {
	ttl         time.Duration
	now         func() time.Time
	loadTimeout time.Duration
	costOf      func(V) int
	maxCost     int

	mu   sync.Mutex
	lru  *simplelru.LRU[string, entry[V]]
	cost int

	flight singleflight.Group
}

type entry[V any] struct {
	v    V
	at   time.Time
	cost int
}

// New returns an empty cache. It panics when o.Size is not positive, which
// is a programming error.
func New[V any](o Options[V]) *Cache[V] {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LoadTimeout <= 0 {
		o.LoadTimeout = DefaultLoadTimeout
	}
	c := &Cache[V]{ttl: o.TTL, now: o.Now, loadTimeout: o.LoadTimeout, costOf: o.Cost, maxCost: o.MaxCost}
	l, err := simplelru.NewLRU[string, entry[V]](o.Size, func(_ string, e entry[V]) { c.cost -= e.cost })
	if err != nil {
		panic(fmt.Sprintf("cache: %v", err))
	}
	c.lru = l
	return c
}

// Get returns the value of key when it is there and fresh.
func (c *Cache[V]) Get(key string) (V, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	if !ok {
		var zero V
		return zero, false
	}
	if c.expired(e, now) {
		c.lru.Remove(key)
		var zero V
		return zero, false
	}
	return e.v, true
}

// expired reports whether e is past its TTL at now. An entry dated in the
// future (a clock moved back) is expired too: it cannot be trusted.
func (c *Cache[V]) expired(e entry[V], now time.Time) bool {
	return c.ttl > 0 && (now.Sub(e.at) >= c.ttl || now.Before(e.at))
}

// Contains reports whether key is there and fresh.
func (c *Cache[V]) Contains(key string) bool {
	_, ok := c.Get(key)
	return ok
}

// Add stores v under key, dated now, evicting the least recently used
// entries beyond the bounds.
func (c *Cache[V]) Add(key string, v V) {
	e := entry[V]{v: v, at: c.now()}
	if c.costOf != nil {
		e.cost = c.costOf(v)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.costOf != nil && e.cost > c.maxCost {
		c.lru.Remove(key) // an older value must not outlive a newer one
		return
	}
	// Replacing does not call the eviction callback: settle the old cost.
	if old, ok := c.lru.Peek(key); ok {
		c.cost -= old.cost
	}
	c.lru.Add(key, e)
	c.cost += e.cost
	for c.costOf != nil && c.cost > c.maxCost {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// Remove drops key.
func (c *Cache[V]) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key)
}

// Len returns the number of entries, expired ones included until they are
// looked up or evicted.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// GetOrLoad returns the fresh value of key, or loads it. Concurrent callers
// that miss the same key share one load: the first starts it, the others
// wait for its result. The load runs on ctx's values without its
// cancellation, bounded by the load timeout, so a caller that gives up
// (its ctx is done: it gets ctx's error) does not fail the others, and the
// value still lands in the cache.
//
// A successful load is cached for the TTL, whatever it says: load should
// turn "not found" into a value (an empty one), so that a missing file is
// remembered as long as a present one. An error is never cached: the next
// caller after the failed load tries again.
func (c *Cache[V]) GetOrLoad(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	if v, ok := c.Get(key); ok {
		return v, nil
	}
	ch := c.flight.DoChan(key, func() (any, error) {
		// A load that ended between our Get and DoChan already stored it.
		if v, ok := c.Get(key); ok {
			return v, nil
		}
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.loadTimeout)
		defer cancel()
		v, err := load(lctx)
		if err != nil {
			return nil, err
		}
		c.Add(key, v)
		return v, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero V
			return zero, r.Err
		}
		return r.Val.(V), nil
	case <-ctx.Done():
		var zero V
		return zero, fmt.Errorf("wait for %s: %w", key, context.Cause(ctx))
	}
}
