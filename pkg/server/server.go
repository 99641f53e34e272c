// Package server is mentorbot's HTTP front: the webhook endpoint on
// go-githubapp's event dispatcher with a bounded, draining queue, plus
// /healthz, /readyz and /metrics, and graceful shutdown.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
)

// Options configure a Server.
type Options struct {
	// WebhookSecret verifies X-Hub-Signature-256; it must not be empty.
	WebhookSecret string
	Handlers      []githubapp.EventHandler
	Logger        zerolog.Logger
	Metrics       *Metrics
	Version       string
	QueueSize     int
	Workers       int
	MaxBodyBytes  int64
	// MaxUnverifiedBodies bounds the large bodies read at once before their
	// signature is checked, and eight times as many small ones (see
	// verifyBody); default 4.
	MaxUnverifiedBodies int
	// SpillDir holds the part of a body beyond the in-memory part while it
	// is verified; empty means os.TempDir().
	SpillDir string
	// ReadHeaderTimeout and ReadTimeout bound how long a client may take to
	// send its headers and its whole request (defaults 10s and 60s).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// HandlerTimeout bounds one event's handling.
	HandlerTimeout time.Duration
	// Ready is probed until it succeeds; /readyz answers 503 until then.
	Ready func(ctx context.Context) error
	// HandOver is given the delivery ids still queued or running when the
	// drain at shutdown timed out, so that another process handles them
	// (the app asks GitHub to redeliver them). nil means they are lost and
	// Serve reports the drain's timeout.
	HandOver func(ctx context.Context, deliveryIDs []string) error
}

// Server serves webhooks and operational endpoints.
type Server struct {
	opts      Options
	scheduler *drainingScheduler
	handler   http.Handler
	ready     atomic.Bool
	// smallSlots and largeSlots bound the webhook bodies read before their
	// signature is checked (see verifyBody).
	smallSlots, largeSlots chan struct{}
	slotWait               time.Duration
	// copyBufs are the buffers bodies are read through (32 KiB each): one
	// per delivery was the largest allocation on the acknowledgement path.
	copyBufs sync.Pool
}

// New validates the options and builds the handler tree.
func New(o Options) (*Server, error) {
	if o.WebhookSecret == "" {
		// go-github accepts unsigned payloads when the secret is empty.
		return nil, errors.New("webhook secret is empty: refusing to accept unsigned webhooks")
	}
	if o.Metrics == nil {
		return nil, errors.New("server: metrics are required")
	}
	if o.HandlerTimeout <= 0 {
		o.HandlerTimeout = 5 * time.Minute
	}
	if o.MaxUnverifiedBodies <= 0 {
		o.MaxUnverifiedBodies = 4
	}
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = 10 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 60 * time.Second
	}
	s := &Server{
		opts:       o,
		smallSlots: make(chan struct{}, smallPerLarge*o.MaxUnverifiedBodies),
		largeSlots: make(chan struct{}, o.MaxUnverifiedBodies),
		slotWait:   slotWait,
	}
	s.scheduler = newDrainingScheduler(o.QueueSize, o.Workers, o.HandlerTimeout, o.Metrics)
	dispatcher := githubapp.NewEventDispatcher(o.Handlers, o.WebhookSecret,
		githubapp.WithScheduler(s.scheduler),
		githubapp.WithErrorCallback(s.onDispatchError),
	)

	mux := http.NewServeMux()
	mux.Handle("POST "+githubapp.DefaultWebhookRoute, s.verifyBody(dispatcher))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Metrics.Registry, promhttp.HandlerOpts{Registry: o.Metrics.Registry}))
	s.handler = mux
	return s, nil
}

// Idle reports whether no webhook event is queued or running; tests wait
// for it before asserting on GitHub's state.
func (s *Server) Idle() bool { return s.scheduler.idle() }

// Pending is how many webhook events are queued or running.
func (s *Server) Pending() int64 { return s.scheduler.pending.Load() }

// Ready reports whether /readyz answers 200.
func (s *Server) Ready() bool { return s.ready.Load() }

// HandlingFailed reports whether delivery guid was acknowledged by this
// process but its handling failed (and no later copy succeeded): GitHub
// recorded it as delivered, so only a redelivery request brings it back.
// One that failed on a spent rate limit is reported only after the limit's
// reset, so that its redelivery does not fail the same way.
func (s *Server) HandlingFailed(guid string) bool {
	return s.scheduler.handlingFailed(guid, time.Now())
}

// Handler returns the root HTTP handler (used by tests and benchmarks).
func (s *Server) Handler() http.Handler { return s.handler }

// onDispatchError answers like go-githubapp's default (400 for invalid
// signature or payload, 503 for a full queue, 500 otherwise) and meters it.
func (s *Server) onDispatchError(w http.ResponseWriter, r *http.Request, err error) {
	log := zerolog.Ctx(r.Context())
	var ve githubapp.ValidationError
	switch {
	case errors.As(err, &ve):
		s.opts.Metrics.rejected.WithLabelValues("invalid").Inc()
		log.Warn().Err(ve.Cause).Msg("webhook rejected: invalid headers or signature")
		http.Error(w, "invalid webhook headers or signature", http.StatusBadRequest)
	case errors.Is(err, errMalformed):
		s.opts.Metrics.rejected.WithLabelValues("malformed").Inc()
		log.Warn().Err(err).Msg("webhook rejected: malformed payload")
		http.Error(w, "malformed payload", http.StatusBadRequest)
	case errors.Is(err, githubapp.ErrCapacityExceeded):
		http.Error(w, "queue full, retry later", http.StatusServiceUnavailable)
	default:
		log.Error().Err(err).Msg("webhook dispatch failed")
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "version": s.opts.Version, "go": runtime.Version()})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if !s.ready.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "not ready: cannot reach GitHub as the app yet"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ready"})
}

// ProbeReady calls Ready until it succeeds or ctx ends.
func (s *Server) ProbeReady(ctx context.Context) {
	if s.opts.Ready == nil {
		s.ready.Store(true)
		return
	}
	for backoff := 500 * time.Millisecond; ; backoff = min(2*backoff, 30*time.Second) {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := s.opts.Ready(pctx)
		cancel()
		if err == nil {
			s.ready.Store(true)
			s.opts.Logger.Info().Msg("ready: the app can reach GitHub")
			return
		}
		s.opts.Logger.Warn().Err(err).Float64("retry_in_seconds", backoff.Seconds()).Msg("not ready yet, will retry")
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}

// Serve serves on l until ctx is done, then stops accepting and drains the
// queue within drainTimeout. What is still queued or running then is
// handed over (Options.HandOver); Serve returns nil when the drain finished
// or its remainder was handed over, so that acknowledged work survives.
func (s *Server) Serve(ctx context.Context, l net.Listener, drainTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.ReadTimeout + 10*time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.opts.Logger.WithContext(context.Background()) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	s.opts.Logger.Info().Str("addr", l.Addr().String()).Str("version", s.opts.Version).Msg("serving webhooks")

	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	s.opts.Logger.Info().Float64("timeout_seconds", drainTimeout.Seconds()).Msg("shutting down: no new deliveries, draining the queue")
	sctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	s.ready.Store(false)
	if err := srv.Shutdown(sctx); err != nil {
		s.opts.Logger.Warn().Err(err).Msg("http shutdown did not finish in time")
		_ = srv.Close()
	}
	<-errc
	left, err := s.scheduler.Drain(sctx)
	if err == nil {
		s.opts.Logger.Info().Msg("queue drained, bye")
		return nil
	}
	if s.opts.HandOver == nil {
		return err
	}
	s.opts.Logger.Warn().Err(err).Int("deliveries", len(left)).Msg("drain timed out: handing the deliveries still queued or running over")
	hctx, cancel := context.WithTimeout(context.Background(), handOverTimeout)
	defer cancel()
	if herr := s.opts.HandOver(hctx, left); herr != nil {
		return fmt.Errorf("%w; hand over %d deliveries: %w", err, len(left), herr)
	}
	s.opts.Logger.Info().Int("deliveries", len(left)).Msg("queue handed over, bye")
	return nil
}

// handOverTimeout bounds the hand-over after the drain. Shutdown takes at
// most server.shutdown_timeout + abandonWait + cancelWait + handOverTimeout
// (43 s with the default 30 s), within the Deployment's 45 s grace period.
const handOverTimeout = 8 * time.Second
