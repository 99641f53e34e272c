package server

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
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

// go-githubapp's go-metrics are bridged with names and labels Prometheus
// accepts, one label set per family.
func TestGoMetricsCollector(t *testing.T) {
	gm := metrics.NewRegistry()
	metrics.GetOrRegisterCounter("github.requests", gm).Inc(3)
	metrics.GetOrRegisterGauge("github.rate.remaining[installation:42]", gm).Update(4999)
	metrics.GetOrRegisterGauge("github.rate.remaining[installation:7]", gm).Update(12)
	metrics.GetOrRegisterHistogram("github.event.age", gm, metrics.NewUniformSample(10)).Update(5)
	reg := prometheus.NewRegistry()
	reg.MustRegister(goMetricsCollector{reg: gm})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, mf := range mfs {
		var parts []string
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				parts = append(parts, l.GetName()+"="+l.GetValue())
			}
		}
		got[mf.GetName()] = strings.Join(parts, ",")
	}
	want := map[string]string{
		"githubapp_requests_total": "",
		"githubapp_rate_remaining": "installation=42,installation=7",
		"githubapp_event_age":      "",
	}
	for name, labels := range want {
		if g, ok := got[name]; !ok || g != labels {
			t.Errorf("%s: got %q (present %v), want %q", name, g, ok, labels)
		}
	}
}
