package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/rcrowley/go-metrics"
)

// Metrics are the mentorbot_* series of the webhook path. They live on a
// registry the server owns, never the global one.
type Metrics struct {
	Registry  *prometheus.Registry
	GoMetrics metrics.Registry

	received   *prometheus.CounterVec
	handled    *prometheus.CounterVec
	failed     *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	queueDepth prometheus.Gauge
	dropped    prometheus.Counter
	rejected   *prometheus.CounterVec
	duplicates prometheus.Counter
	inflight   prometheus.Gauge
}

// NewMetrics creates the registry with Go and process collectors,
// mentorbot_build_info (from prometheus/common/version, which the build
// stamps), the webhook metrics, and the part of go-githubapp's go-metrics
// nothing else measures.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	gm := metrics.NewRegistry()
	m := &Metrics{
		Registry:  reg,
		GoMetrics: gm,
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_webhook_events_received_total",
			Help: "Webhook deliveries accepted (signature valid), by event and action.",
		}, []string{"event", "action"}),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_webhook_events_handled_total",
			Help: "Webhook events handled without error, by event and action.",
		}, []string{"event", "action"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_webhook_events_failed_total",
			Help: "Webhook events whose handler returned an error or panicked, by event and action.",
		}, []string{"event", "action"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mentorbot_webhook_handler_duration_seconds",
			Help:    "Time spent handling one webhook event, GitHub calls included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 3, 9),
		}, []string{"event"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mentorbot_webhook_queue_depth",
			Help: "Webhook events accepted and not yet handled.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mentorbot_webhook_queue_dropped_total",
			Help: "Webhook deliveries refused with 503 because the queue was full (GitHub records them as failed).",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mentorbot_webhook_rejected_total",
			Help: "Webhook requests refused before queueing, by reason (invalid: missing headers or bad signature; too_large; malformed).",
		}, []string{"reason"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mentorbot_webhook_duplicates_total",
			Help: "Deliveries skipped because the same X-GitHub-Delivery was already handled.",
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mentorbot_webhook_handlers_in_flight",
			Help: "Webhook handlers running now.",
		}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		versioncollector.NewCollector("mentorbot"),
		m.received, m.handled, m.failed, m.duration, m.queueDepth, m.dropped, m.rejected, m.duplicates, m.inflight,
		goMetricsCollector{reg: gm},
	)
	return m
}
