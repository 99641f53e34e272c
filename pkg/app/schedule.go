package app

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

// sweepMetrics let operators alert on a sweep that stopped running.
type sweepMetrics struct {
	runs        *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	duration    *prometheus.HistogramVec
}

func newSweepMetrics(reg prometheus.Registerer) *sweepMetrics {
	m := &sweepMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_sweep_runs_total",
			Help: "Sweeps run inside serve, by sweep (remind, digest) and result (success; rate_limited: GitHub's rate limit was spent; error: anything else, such as an installation skipped).",
		}, []string{"sweep", "result"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_sweep_last_success_timestamp_seconds",
			Help: "Unix time of the last sweep that finished without error; a failed or rate-limited sweep does not advance it.",
		}, []string{"sweep"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentorbot_sweep_duration_seconds",
			Help:    "Time one sweep over every installation took.",
			Buckets: prometheus.ExponentialBuckets(0.1, 3, 8),
		}, []string{"sweep"}),
	}
	reg.MustRegister(m.runs, m.lastSuccess, m.duration)
	return m
}

// Results of mentorbot_sweep_runs_total.
const (
	sweepSuccess     = "success"
	sweepRateLimited = "rate_limited"
	sweepError       = "error"
)

// init exports every result of sweep name at zero, so that rates and
// "never succeeded" alerts see the series before the first run ends.
func (m *sweepMetrics) init(name string) {
	for _, r := range []string{sweepSuccess, sweepRateLimited, sweepError} {
		m.runs.WithLabelValues(name, r)
	}
}

// record meters and logs one sweep's outcome. Only a sweep that did all
// its work counts as success and advances the last-success timestamp.
func (m *sweepMetrics) record(log zerolog.Logger, name string, err error, took time.Duration) {
	if err == nil {
		m.runs.WithLabelValues(name, sweepSuccess).Inc()
		m.lastSuccess.WithLabelValues(name).SetToCurrentTime()
		log.Info().Float64("took_seconds", took.Seconds()).Msg("scheduled sweep done")
		return
	}
	result := sweepError
	if _, limited := ghclient.RateLimitReset(err); limited {
		result = sweepRateLimited
	}
	m.runs.WithLabelValues(name, result).Inc()
	log.Error().Err(err).Str("result", result).Msg("scheduled sweep failed; will retry at the next period")
}

// digestCheckEvery is how often serve asks whether a digest is due. The
// digest job decides from the clock and its markers, so checking hourly
// catches up a run missed while the process was down, and never doubles one.
const digestCheckEvery = time.Hour

// runSchedules runs the sweeps the server configuration turns on until
// stop is done, and returns when every sweep has stopped: remind every
// schedule.remind_every, digest checks hourly. Each starts once right
// away, so a restart catches up at once.
func (a *App) runSchedules(stop context.Context) {
	log := a.opts.Logger
	var wg sync.WaitGroup
	if every := a.cfg.Schedule.RemindEvery; every > 0 {
		a.sweeps.init("remind")
		wg.Go(func() { a.every(stop, "remind", every) })
	} else {
		log.Info().Msg("review-wait sweep disabled in serve (schedule.remind_every: 0s); run `mentorbot remind` from a CronJob")
	}
	if a.cfg.Schedule.Digest {
		a.sweeps.init("digest")
		wg.Go(func() { a.every(stop, "digest", digestCheckEvery) })
	} else {
		log.Info().Msg("digest disabled in serve (schedule.digest: false); run `mentorbot digest` from a CronJob")
	}
	wg.Wait()
}

func (a *App) every(stop context.Context, name string, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		a.runScheduled(stop, name, period)
		select {
		case <-stop.Done():
			return
		case <-t.C:
		}
	}
}

// runScheduled runs one sweep. When stop ends (SIGTERM) the sweep is not
// cut off at once: it stops at its next safe point (between one job of one
// installation and the next), or, if it has not reached one within
// server.shutdown_timeout, its GitHub calls are cancelled; the markers make
// the next run complete it without a duplicate. The sweep's deadline is
// its period: a spent rate limit that resets before then is waited for.
func (a *App) runScheduled(stop context.Context, name string, period time.Duration) {
	if stop.Err() != nil {
		return
	}
	log := a.opts.Logger.With().Str("sweep", name).Logger()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(stop), period)
	defer cancel()
	defer context.AfterFunc(stop, func() {
		select {
		case <-ctx.Done():
		case <-time.After(a.cfg.Server.ShutdownTimeout):
			cancel()
		}
	})()
	start := time.Now()
	err := a.runSweep(log.WithContext(ctx), stop, name, nil)
	a.sweeps.duration.WithLabelValues(name).Observe(time.Since(start).Seconds())
	if err != nil && stop.Err() != nil {
		log.Info().Err(err).Msg("scheduled sweep stopped for shutdown; the next run completes it")
		return
	}
	a.sweeps.record(log, name, err, time.Since(start))
}
