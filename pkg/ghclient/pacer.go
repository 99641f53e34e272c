package ghclient

import (
	"context"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"
)

// SearchesPerMinute is GitHub's primary rate limit for the search API, per
// installation.
const SearchesPerMinute = 30

// Pacer spaces the search requests of one installation so that they stay
// under the search rate limit instead of running into it: it counts the
// searches sent in the last Window and, before one more would exceed Limit
// (or the limit GitHub reports, once known), waits until the oldest leaves
// the window. It also believes the budget
// GitHub reports in each response (X-RateLimit-Remaining and -Reset), which
// covers searches made by other processes with the same installation. The
// client's retry middleware still handles secondary rate limits and a limit
// that is hit anyway.
type Pacer struct {
	// Limit searches per Window; zero means SearchesPerMinute a minute.
	Limit  int
	Window time.Duration
	// Now and Sleep are the real clock (rate limits are real time, not the
	// simulated time of --now); nil means the time package.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error

	mu        sync.Mutex
	sent      []time.Time
	remaining int
	reset     time.Time
	reported  int // the limit GitHub reported, which wins over Limit
}

func (p *Pacer) now() time.Time {
	if p.Now == nil {
		return time.Now()
	}
	return p.Now()
}

func (p *Pacer) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return SleepContext(ctx, d)
}

func (p *Pacer) limits() (int, time.Duration) {
	limit, window := p.Limit, p.Window
	if p.reported > 0 {
		limit = p.reported
	}
	if limit <= 0 {
		limit = SearchesPerMinute
	}
	if window <= 0 {
		window = time.Minute
	}
	return limit, window
}

// delay returns how long to wait before the next search, and records it as
// sent at the end of that wait.
func (p *Pacer) delay() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	limit, window := p.limits()
	now := p.now()
	kept := p.sent[:0]
	for _, t := range p.sent {
		if now.Sub(t) < window {
			kept = append(kept, t)
		}
	}
	p.sent = kept
	var d time.Duration
	if len(p.sent) >= limit {
		d = p.sent[len(p.sent)-limit].Add(window).Sub(now)
	}
	if !p.reset.IsZero() && p.remaining <= 0 && p.reset.After(now) {
		// GitHub's reset is whole seconds; a second more avoids arriving
		// just before it.
		if r := p.reset.Sub(now) + time.Second; r > d {
			d = r
		}
	}
	if p.remaining > 0 {
		p.remaining--
	}
	p.sent = append(p.sent, now.Add(d))
	return d
}

// Wait blocks until one more search may be sent.
func (p *Pacer) Wait(ctx context.Context) error {
	if d := p.delay(); d > 0 {
		return p.sleep(ctx, d)
	}
	return nil
}

// Observe records the search budget GitHub reported in a response.
func (p *Pacer) Observe(res *github.Response) {
	if res == nil || res.Rate.Limit == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reported = res.Rate.Limit
	p.remaining = res.Rate.Remaining
	p.reset = res.Rate.Reset.Time
}

// Pacers holds one Pacer per installation, shared by every job that
// searches (the digest, its previews, the dashboard): GitHub counts the
// search budget per installation, not per job.
type Pacers struct {
	// New builds an installation's pacer; nil means a Pacer with GitHub's
	// limits and the real clock.
	New func() *Pacer

	mu sync.Mutex
	m  map[int64]*Pacer
}

// For returns installation id's pacer.
func (ps *Pacers) For(id int64) *Pacer {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.m == nil {
		ps.m = map[int64]*Pacer{}
	}
	p, ok := ps.m[id]
	if !ok {
		p = &Pacer{}
		if ps.New != nil {
			p = ps.New()
		}
		ps.m[id] = p
	}
	return p
}
