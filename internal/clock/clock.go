// Package clock is a clock that only moves when told to, for the
// simulator, the demo and tests: mentorbot's time-driven decisions (waits,
// digest weeks, caches' expiry) take a func() time.Time, and this is the
// one settable implementation of it.
package clock

import (
	"sync"
	"time"
)

// Manual is a settable clock, safe for concurrent use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual starts at t.
func NewManual(t time.Time) *Manual { return &Manual{t: t} }

// Now returns the clock's time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Manual) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d.
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
