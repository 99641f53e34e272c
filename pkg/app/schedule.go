package app

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
			Help: "Sweeps run inside serve, by sweep (remind, digest) and result (success, error).",
		}, []string{"sweep", "result"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "mentorbot_sweep_last_success_timestamp_seconds",
			Help: "Unix time of the last sweep that finished without error.",
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

// digestCheckEvery is how often serve asks whether a digest is due. The
// digest job decides from the clock and its markers, so checking hourly
// catches up a run missed while the process was down, and never doubles one.
const digestCheckEvery = time.Hour

// runSchedules runs the sweeps the server configuration turns on until ctx
// is done: remind every schedule.remind_every, digest checks hourly. Each
// starts once right away, so a restart catches up at once.
func (a *App) runSchedules(ctx context.Context) {
	log := a.opts.Logger
	if every := a.cfg.Schedule.RemindEvery; every > 0 {
		go a.every(ctx, "remind", every)
	} else {
		log.Info().Msg("review-wait sweep disabled in serve (schedule.remind_every: 0s); run `mentorbot remind` from a CronJob")
	}
	if a.cfg.Schedule.Digest {
		go a.every(ctx, "digest", digestCheckEvery)
	} else {
		log.Info().Msg("digest disabled in serve (schedule.digest: false); run `mentorbot digest` from a CronJob")
	}
}

func (a *App) every(ctx context.Context, name string, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		a.runScheduled(ctx, name)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *App) runScheduled(ctx context.Context, name string) {
	log := a.opts.Logger.With().Str("sweep", name).Logger()
	start := time.Now()
	err := a.RunSweep(log.WithContext(ctx), name, nil)
	a.sweeps.duration.WithLabelValues(name).Observe(time.Since(start).Seconds())
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down; the markers make the next run safe
		}
		a.sweeps.runs.WithLabelValues(name, "error").Inc()
		log.Error().Err(err).Msg("scheduled sweep failed; will retry at the next period")
		return
	}
	a.sweeps.runs.WithLabelValues(name, "success").Inc()
	a.sweeps.lastSuccess.WithLabelValues(name).SetToCurrentTime()
	log.Info().Float64("took_seconds", time.Since(start).Seconds()).Msg("scheduled sweep done")
}
