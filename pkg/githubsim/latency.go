package githubsim

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Latency slows the simulated GitHub down, so that concurrent clients
// overlap as they do against a slow GitHub: two processes both read "no
// marker yet" before either writes. The zero value adds nothing.
type Latency struct {
	// Before holds each API request this long before it is handled.
	Before time.Duration
	// After holds each answer this long after the request was handled: a
	// write is visible to everyone else before its writer hears back.
	After time.Duration
	// Interleave holds each API request until one from another client
	// (another credential) arrives, then lets both go together, or lets it
	// go alone after Interleave. Clients that run at once then alternate
	// request by request, read against read and write against write.
	Interleave time.Duration
}

// latency is the server's Latency with the requests waiting for a partner.
type latency struct {
	mu      sync.Mutex
	cfg     Latency
	waiting []*partnerWait
}

type partnerWait struct {
	client  string
	release chan struct{}
}

// SetLatency replaces the latency added to every API request; the zero
// Latency removes it. Options.Latency sets it from the start.
func (s *Server) SetLatency(l Latency) {
	s.lat.mu.Lock()
	defer s.lat.mu.Unlock()
	s.lat.cfg = l
}

func (l *latency) config() Latency {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cfg
}

// before delays r as configured: the pairing with another client first,
// then the fixed delay. It returns early when the client goes away.
func (l *latency) before(r *http.Request) {
	cfg := l.config()
	if cfg.Interleave > 0 && !strings.HasPrefix(r.URL.Path, rawPrefix) {
		l.pair(r, cfg.Interleave)
	}
	wait(r, cfg.Before)
}

// after holds the answer to r back as configured.
func (l *latency) after(r *http.Request) { wait(r, l.config().After) }

// pair waits until a request from another client arrives (both go on) or
// until max passes.
func (l *latency) pair(r *http.Request, max time.Duration) {
	client := r.Header.Get("Authorization")
	l.mu.Lock()
	for i, w := range l.waiting {
		if w.client != client {
			l.waiting = append(l.waiting[:i:i], l.waiting[i+1:]...)
			close(w.release)
			l.mu.Unlock()
			return
		}
	}
	me := &partnerWait{client: client, release: make(chan struct{})}
	l.waiting = append(l.waiting, me)
	l.mu.Unlock()

	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-me.release:
		return
	case <-t.C:
	case <-r.Context().Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, w := range l.waiting {
		if w == me {
			l.waiting = append(l.waiting[:i:i], l.waiting[i+1:]...)
		}
	}
}

func wait(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
