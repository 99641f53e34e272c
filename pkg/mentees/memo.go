package mentees

import (
	"sync"
	"time"
)

// memo remembers keys for a while, bounded in size. Jobs use it to skip
// GitHub requests whose answer they already know (a label that exists, a
// mentee already enrolled). It only ever saves requests: a replica that
// does not remember asks GitHub, and the markers keep the writes single.
type memo[V any] struct {
	ttl time.Duration
	max int

	mu   sync.Mutex
	keys map[string]memoEntry[V]
}

type memoEntry[V any] struct {
	at time.Time
	v  V
}

func newMemo[V any](ttl time.Duration, max int) *memo[V] {
	return &memo[V]{ttl: ttl, max: max, keys: map[string]memoEntry[V]{}}
}

func (m *memo[V]) get(key string, now time.Time) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.keys[key]
	if !ok {
		var zero V
		return zero, false
	}
	if now.Sub(e.at) > m.ttl || now.Before(e.at) {
		delete(m.keys, key)
		var zero V
		return zero, false
	}
	return e.v, true
}

func (m *memo[V]) has(key string, now time.Time) bool {
	_, ok := m.get(key, now)
	return ok
}

func (m *memo[V]) add(key string, now time.Time, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.keys) >= m.max {
		// Drop the expired keys, then, if still full, everything: simple,
		// bounded, and only costs a few requests again.
		for k, e := range m.keys {
			if now.Sub(e.at) > m.ttl || now.Before(e.at) {
				delete(m.keys, k)
			}
		}
		if len(m.keys) >= m.max {
			m.keys = map[string]memoEntry[V]{}
		}
	}
	m.keys[key] = memoEntry[V]{at: now, v: v}
}

func (m *memo[V]) forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
}
