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
	// HandlerTimeout bounds one event's handling.
	HandlerTimeout time.Duration
	// Ready is probed until it succeeds; /readyz answers 503 until then.
	Ready func(ctx context.Context) error
}

// Server serves webhooks and operational endpoints.
type Server struct {
	opts      Options
	scheduler *drainingScheduler
	handler   http.Handler
	ready     atomic.Bool
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
	s := &Server{opts: o}
	s.scheduler = newDrainingScheduler(o.QueueSize, o.Workers, o.HandlerTimeout, o.Metrics)
	dispatcher := githubapp.NewEventDispatcher(o.Handlers, o.WebhookSecret,
		githubapp.WithScheduler(s.scheduler),
		githubapp.WithErrorCallback(s.onDispatchError),
	)

	mux := http.NewServeMux()
	mux.Handle("POST "+githubapp.DefaultWebhookRoute, s.limitBody(dispatcher))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.Metrics.Registry, promhttp.HandlerOpts{Registry: o.Metrics.Registry}))
	s.handler = mux
	return s, nil
}

// Idle reports whether no webhook event is queued or running; tests wait
// for it before asserting on GitHub's state.
func (s *Server) Idle() bool { return s.scheduler.idle() }

// Ready reports whether /readyz answers 200.
func (s *Server) Ready() bool { return s.ready.Load() }

// HandlingFailed reports whether delivery guid was acknowledged by this
// process but its handling failed (and no later copy succeeded): GitHub
// recorded it as delivered, so only a redelivery request brings it back.
func (s *Server) HandlingFailed(guid string) bool { return s.scheduler.failed.handled(guid) }

// Handler returns the root HTTP handler (used by tests and benchmarks).
func (s *Server) Handler() http.Handler { return s.handler }

// limitBody bounds the webhook body before the dispatcher reads it with
// io.ReadAll; an oversized body then fails signature validation with 400.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.opts.MaxBodyBytes {
			s.opts.Metrics.rejected.WithLabelValues("too_large").Inc()
			zerolog.Ctx(r.Context()).Warn().Int64("content_length", r.ContentLength).
				Str(githubapp.LogKeyDeliveryID, r.Header.Get("X-GitHub-Delivery")).
				Msg("webhook body over the limit, rejected with 413")
			http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// onDispatchError answers like go-githubapp's default (400 for invalid
// signature or payload, 503 for a full queue, 500 otherwise) and meters it.
func (s *Server) onDispatchError(w http.ResponseWriter, r *http.Request, err error) {
	log := zerolog.Ctx(r.Context())
	var ve githubapp.ValidationError
	var mbe *http.MaxBytesError
	// ValidationError has no Unwrap: look at its cause for the body limit.
	cause := err
	if errors.As(err, &ve) {
		cause = ve.Cause
	}
	switch {
	case errors.As(cause, &mbe):
		s.opts.Metrics.rejected.WithLabelValues("too_large").Inc()
		log.Warn().Err(err).Msg("webhook body over the limit, rejected with 413")
		http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
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

// probeReady calls Ready until it succeeds or ctx ends.
func (s *Server) probeReady(ctx context.Context) {
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
		s.opts.Logger.Warn().Err(err).Dur("retry_in", backoff).Msg("not ready yet, will retry")
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}

// Serve serves on l until ctx is done, then stops accepting, drains the
// queue within drainTimeout and returns nil on a clean shutdown.
func (s *Server) Serve(ctx context.Context, l net.Listener, drainTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.opts.Logger.WithContext(context.Background()) },
	}
	probeCtx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	go s.probeReady(probeCtx)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	s.opts.Logger.Info().Str("addr", l.Addr().String()).Str("version", s.opts.Version).Msg("serving webhooks")

	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	s.opts.Logger.Info().Dur("timeout", drainTimeout).Msg("shutting down: no new deliveries, draining the queue")
	sctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	s.ready.Store(false)
	if err := srv.Shutdown(sctx); err != nil {
		s.opts.Logger.Warn().Err(err).Msg("http shutdown did not finish in time")
	}
	if err := s.scheduler.Drain(sctx); err != nil {
		return err
	}
	s.opts.Logger.Info().Msg("queue drained, bye")
	return nil
}
