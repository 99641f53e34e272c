package server

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/rcrowley/go-metrics"
)

func TestPeekAction(t *testing.T) {
	tests := []struct{ payload, want string }{
		{`{"action":"opened","number":1}`, "opened"},
		{`{"zen":"x","hook":{"a":[1,2,{"action":"nested"}]},"action":"created"}`, "created"},
		{`{"zen":"x"}`, ""},
		{`[]`, ""},
		{`{"action":7}`, ""},
		{``, ""},
	}
	for _, tc := range tests {
		if got := peekAction([]byte(tc.payload)); got != tc.want {
			t.Errorf("peekAction(%s) = %q, want %q", tc.payload, got, tc.want)
		}
	}
}

func TestDeliveriesAreBounded(t *testing.T) {
	d := newDeliveries(3)
	for _, id := range []string{"a", "b", "c", "d"} {
		d.add(id)
	}
	if d.handled("a") {
		t.Error("oldest id should have been forgotten")
	}
	for _, id := range []string{"b", "c", "d"} {
		if !d.handled(id) {
			t.Errorf("%s forgotten", id)
		}
	}
	if d.handled("") || len(d.ids) != 3 {
		t.Errorf("ids = %v", d.ids)
	}
}

// Only the go-githubapp series nothing else measures are bridged, under
// mentorbot names with units: cache hits, and the queue wait converted from
// milliseconds to seconds.
func TestGoMetricsCollector(t *testing.T) {
	gm := metrics.NewRegistry()
	metrics.GetOrRegisterCounter("github.requests", gm).Inc(3)
	metrics.GetOrRegisterCounter("github.requests.cached", gm).Inc(2)
	metrics.GetOrRegisterGauge("github.rate.remaining[installation:42]", gm).Update(4999)
	h := metrics.GetOrRegisterHistogram("github.event.age", gm, metrics.NewUniformSample(10))
	h.Update(500)
	h.Update(1500)
	reg := prometheus.NewRegistry()
	reg.MustRegister(goMetricsCollector{reg: gm})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*dto.Metric{}
	for _, mf := range mfs {
		got[mf.GetName()] = mf.GetMetric()[0]
	}
	if len(got) != 2 {
		t.Errorf("served %d families, want 2: %v", len(got), got)
	}
	if c := got["mentorbot_github_cache_hits_total"]; c == nil || c.GetCounter().GetValue() != 2 {
		t.Errorf("cache hits = %v", c)
	}
	s := got["mentorbot_webhook_queue_wait_seconds"]
	if s == nil || s.GetSummary().GetSampleCount() != 2 || s.GetSummary().GetSampleSum() != 2 {
		t.Fatalf("queue wait = %v", s)
	}
	for _, q := range s.GetSummary().GetQuantile() {
		if q.GetValue() < 0.5 || q.GetValue() > 1.5 {
			t.Errorf("quantile %v = %v s, want within [0.5, 1.5]", q.GetQuantile(), q.GetValue())
		}
	}
}
