// Package simbot is a mentorbot server wired to the in-repo GitHub simulator
// (pkg/githubsim): the real server (the code path of `mentorbot serve`) on a
// loopback port, talking through the real go-github client and ghinstallation
// auth to the simulator, fed webhooks signed exactly as GitHub signs them. It is
// used by `mentorbot demo`, the end-to-end tests (pkg/e2e) and the benchmarks.
package simbot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/internal/clock"
	"github.com/thanos-community/mentorbot/pkg/app"
	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
)

// Secret is the webhook secret the bot and the simulator are configured with.
const Secret = "e2e-webhook-secret"

// Options configure Start.
type Options struct {
	// Start is the simulated time at start (default 2026-11-02T09:00:00Z, a Monday).
	Start time.Time
	// Config adjusts the server configuration before the app is built.
	Config func(*config.Config)
	// Sim adjusts the simulator options.
	Sim func(*githubsim.Options)
	// LogLevel of the bot's logs (default debug, kept in memory).
	LogLevel zerolog.Level
	// DryRun runs the bot with --dry-run.
	DryRun bool
	// Addr is where the bot listens (default 127.0.0.1:0).
	Addr string
}

// TB is the part of testing.TB that Start and MustStart use; the demo links
// this package into the binary, and should not link the testing package.
type TB interface {
	githubsim.TB
	Fatal(args ...any)
}

// Bot is a running simulator plus a running mentorbot server wired to it.
type Bot struct {
	Sim   *githubsim.Server
	App   *app.App
	Clock *clock.Manual
	// URL is the bot's base URL, e.g. http://127.0.0.1:1234.
	URL  string
	Logs *SyncBuffer

	cancel context.CancelFunc
	done   chan error
	client *http.Client
}

// Start starts the simulator and the server; call Stop (or rely on
// t.Cleanup when t is given) to shut both down. t may be nil (the demo).
func Start(t TB, o Options) (*Bot, error) {
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	}
	clk := clock.NewManual(o.Start)
	so := githubsim.Options{Now: clk.Now}
	if o.Sim != nil {
		o.Sim(&so)
	}
	var sim *githubsim.Server
	if t != nil {
		sim = githubsim.NewTest(t, so)
	} else {
		var err error
		if sim, err = githubsim.New(so); err != nil {
			return nil, fmt.Errorf("start simulator: %w", err)
		}
	}
	cfg := config.Default()
	cfg.GitHub.V3APIURL = sim.URL()
	cfg.GitHub.V4APIURL = sim.URL() + "graphql"
	cfg.GitHub.App.IntegrationID = sim.AppID()
	cfg.GitHub.App.WebhookSecret = Secret
	cfg.GitHub.App.PrivateKey = string(sim.PrivateKey())
	cfg.Server.Address = "127.0.0.1"
	cfg.Server.Port = 0
	cfg.Server.GitHubTimeout = 10 * time.Second
	cfg.Schedule.RemindEvery = 0
	cfg.Schedule.Digest = false
	if o.Config != nil {
		o.Config(&cfg)
	}
	if o.LogLevel == 0 {
		o.LogLevel = zerolog.DebugLevel
	}
	logs := &SyncBuffer{}
	log := zerolog.New(logs).Level(o.LogLevel).With().Timestamp().Logger()
	a, err := app.New(cfg, app.Options{
		Version: "e2e",
		Logger:  log,
		Now:     clk.Now,
		DryRun:  o.DryRun,
		// Keep retries quick: the simulator's faults are short.
		Retry: ghclient.RetryPolicy{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxWait: 3 * time.Second},
	})
	if err != nil {
		_ = sim.Close()
		return nil, fmt.Errorf("build app: %w", err)
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", o.Addr)
	if err != nil {
		_ = sim.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Bot{
		Sim: sim, App: a, Clock: clk, Logs: logs,
		URL:    "http://" + l.Addr().String(),
		cancel: cancel,
		done:   make(chan error, 1),
		client: &http.Client{Timeout: 10 * time.Second},
	}
	sim.SetWebhook(h.URL+"/api/github/hook", Secret)
	go func() { h.done <- a.ServeListener(ctx, l) }()
	if err := h.waitReady(10 * time.Second); err != nil {
		h.Stop()
		return nil, err
	}
	if t != nil {
		t.Cleanup(func() {
			if err := h.Stop(); err != nil {
				t.Errorf("stop simbot: %v", err)
			}
		})
	}
	return h, nil
}

// MustStart is Start for tests.
func MustStart(t TB, o Options) *Bot {
	t.Helper()
	h, err := Start(t, o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *Bot) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		res, err := h.client.Get(h.URL + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %s; logs:\n%s", timeout, h.Logs.String())
}

// Stop shuts the server down (draining the queue) and closes the simulator.
func (h *Bot) Stop() error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	h.cancel = nil
	var err error
	select {
	case err = <-h.done:
	case <-time.After(30 * time.Second):
		err = errors.New("server did not stop within 30s")
	}
	return errors.Join(err, h.Sim.Close())
}

// Sign returns the X-Hub-Signature-256 value GitHub computes for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func signSHA1(secret string, body []byte) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// NewDelivery builds a webhook request with GitHub's headers and signatures.
func NewDelivery(url, secret, event, deliveryID string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/e2e")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", deliveryID)
	req.Header.Set("X-GitHub-Hook-ID", "1")
	req.Header.Set("X-Hub-Signature", signSHA1(secret, body))
	req.Header.Set("X-Hub-Signature-256", Sign(secret, body))
	return req, nil
}

var deliverySeq struct {
	mu sync.Mutex
	n  int
}

// NextDeliveryID returns a fresh GUID-shaped delivery id.
func NextDeliveryID() string {
	deliverySeq.mu.Lock()
	defer deliverySeq.mu.Unlock()
	deliverySeq.n++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", deliverySeq.n)
}

// Deliver sends a signed webhook and returns the HTTP status. It does not
// wait for the asynchronous handling; call Wait for that.
func (h *Bot) Deliver(event string, body []byte) (int, error) {
	return h.DeliverID(event, NextDeliveryID(), body)
}

// DeliverID is Deliver with a chosen delivery id (redelivery keeps the id).
func (h *Bot) DeliverID(event, id string, body []byte) (int, error) {
	req, err := NewDelivery(h.URL+"/api/github/hook", Secret, event, id, body)
	if err != nil {
		return 0, err
	}
	return h.Send(req)
}

// Send sends a prepared request to the bot and returns the status.
func (h *Bot) Send(req *http.Request) (int, error) {
	res, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = res.Body.Close() }()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, nil
}

// Wait blocks until the bot has no webhook work queued or running.
func (h *Bot) Wait() error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if h.App.Idle() {
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return errors.New("webhook work still pending after 30s")
}

// MustDeliver delivers, expects a 2xx and waits for the handling.
func (h *Bot) MustDeliver(t TB, event string, body []byte) {
	t.Helper()
	code, err := h.Deliver(event, body)
	if err != nil {
		t.Fatalf("deliver %s: %v", event, err)
	}
	if code/100 != 2 {
		t.Fatalf("deliver %s: status %d; logs:\n%s", event, code, h.Logs.Tail(40))
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
}

// Metrics returns the /metrics text.
func (h *Bot) Metrics() (string, error) {
	res, err := h.client.Get(h.URL + "/metrics")
	if err != nil {
		return "", err
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (the logger).
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Tail returns the last n lines.
func (b *SyncBuffer) Tail(n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
