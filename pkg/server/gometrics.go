package server

import (
	"regexp"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rcrowley/go-metrics"
)

// goMetricsCollector exposes go-githubapp's rcrowley/go-metrics registry
// (client request counts, rate limits, scheduler queue) on /metrics.
// "github.rate.limit[installation:1]" becomes github_rate_limit{installation="1"}.
type goMetricsCollector struct {
	reg metrics.Registry
}

var _ prometheus.Collector = goMetricsCollector{}

// Describe sends nothing: the families are only known at collection time,
// which makes this an unchecked collector.
func (goMetricsCollector) Describe(chan<- *prometheus.Desc) {}

var metricNameRe = regexp.MustCompile(`^([^\[]+)(?:\[([^:\]]+):([^\]]*)\])?$`)

type goSample struct {
	family, labelName, labelValue string
	metric                        any
}

func (c goMetricsCollector) Collect(ch chan<- prometheus.Metric) {
	var samples []goSample
	c.reg.Each(func(name string, m any) {
		g := metricNameRe.FindStringSubmatch(name)
		if g == nil {
			return
		}
		samples = append(samples, goSample{
			family:     "githubapp_" + strings.NewReplacer(".", "_", "-", "_").Replace(strings.TrimPrefix(g[1], "github.")),
			labelName:  g[2],
			labelValue: g[3],
			metric:     m,
		})
	})
	sort.Slice(samples, func(i, j int) bool { return samples[i].family < samples[j].family })
	// Every sample of one family must carry the same label names.
	labelOf := map[string]string{}
	for _, s := range samples {
		if _, ok := labelOf[s.family]; !ok {
			labelOf[s.family] = s.labelName
		}
	}
	for _, s := range samples {
		if labelOf[s.family] != s.labelName {
			continue
		}
		var labels []string
		var values []string
		if s.labelName != "" {
			labels, values = []string{s.labelName}, []string{s.labelValue}
		}
		help := "go-githubapp metric " + s.family + "."
		switch m := s.metric.(type) {
		case metrics.Counter:
			desc := prometheus.NewDesc(s.family+"_total", help, labels, nil)
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(m.Count()), values...)
		case metrics.Gauge:
			desc := prometheus.NewDesc(s.family, help, labels, nil)
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(m.Value()), values...)
		case metrics.FunctionalGauge:
			desc := prometheus.NewDesc(s.family, help, labels, nil)
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(m.Value()), values...)
		case metrics.Histogram:
			snap := m.Snapshot()
			qs := []float64{0.5, 0.9, 0.99}
			ps := snap.Percentiles(qs)
			quantiles := map[float64]float64{}
			for i, q := range qs {
				quantiles[q] = ps[i]
			}
			desc := prometheus.NewDesc(s.family, help+" Sum covers only the decaying sample.", labels, nil)
			ch <- prometheus.MustNewConstSummary(desc, uint64(snap.Count()), float64(snap.Sum()), quantiles, values...)
		}
	}
}
