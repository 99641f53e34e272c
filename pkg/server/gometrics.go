package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rcrowley/go-metrics"
)

// goMetricsCollector exposes the part of go-githubapp's rcrowley/go-metrics
// registry that mentorbot's own metrics do not already cover, under names
// that follow Prometheus conventions. go-githubapp also records request
// counts by status class, per-installation rate limits, the queue length,
// busy workers and dropped events: mentorbot_github_requests_total{code},
// mentorbot_github_rate_limit_remaining, mentorbot_webhook_queue_depth,
// mentorbot_webhook_handlers_in_flight and mentorbot_webhook_queue_dropped_total
// measure the same things, so those are not served twice. Only the names
// listed here are bridged; a series go-githubapp adds in a later version
// stays off /metrics until someone names it.
type goMetricsCollector struct {
	reg metrics.Registry
}

var _ prometheus.Collector = goMetricsCollector{}

const (
	// goMetricsCacheHits is go-githubapp's MetricsKeyRequestsCached.
	goMetricsCacheHits = "github.requests.cached"
	// goMetricsEventAge is go-githubapp's MetricsKeyEventAge, in milliseconds.
	goMetricsEventAge = "github.event.age"
)

var (
	cacheHitsDesc = prometheus.NewDesc("mentorbot_github_cache_hits_total",
		"GitHub API responses served from the HTTP cache after GitHub answered 304 Not Modified (they do not count against the rate limit).", nil, nil)
	queueWaitDesc = prometheus.NewDesc("mentorbot_webhook_queue_wait_seconds",
		"Time a webhook event waited in the queue before a worker took it. Quantiles and the sum are over a recent, exponentially decaying sample; the count is every event.", nil, nil)
)

func (goMetricsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- cacheHitsDesc
	ch <- queueWaitDesc
}

func (c goMetricsCollector) Collect(ch chan<- prometheus.Metric) {
	if m, ok := c.reg.Get(goMetricsCacheHits).(metrics.Counter); ok {
		ch <- prometheus.MustNewConstMetric(cacheHitsDesc, prometheus.CounterValue, float64(m.Count()))
	}
	if m, ok := c.reg.Get(goMetricsEventAge).(metrics.Histogram); ok {
		snap := m.Snapshot()
		qs := []float64{0.5, 0.9, 0.99}
		ps := snap.Percentiles(qs)
		quantiles := make(map[float64]float64, len(qs))
		for i, q := range qs {
			quantiles[q] = ps[i] / 1000
		}
		// The sample holds only recent values, so its sum does not match
		// the total count: scale the sample's mean up to the count instead.
		sum := snap.Mean() * float64(snap.Count()) / 1000
		ch <- prometheus.MustNewConstSummary(queueWaitDesc, uint64(snap.Count()), sum, quantiles)
	}
}
