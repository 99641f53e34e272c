package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	if d.handled("") || d.ids.Len() != 3 {
		t.Errorf("%d ids remembered, want 3", d.ids.Len())
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

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte("s3cret"))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// verifyBody hands a handler the exact body only when its signature
// matches, whatever its size and framing, and refuses the others with the
// status GitHub's redelivery logic understands.
func TestVerifyBody(t *testing.T) {
	small := []byte(`{"zen":"small"}`)
	large := bytes.Repeat([]byte("x"), 3*memBodyBytes+17) // spills to a file
	tests := []struct {
		name    string
		body    []byte
		sig     string
		chunked bool
		max     int64
		want    int
	}{
		{"small, signed", small, sign(small), false, 1 << 20, http.StatusOK},
		{"large, signed, spilled", large, sign(large), false, 1 << 20, http.StatusOK},
		{"large, signed, chunked", large, sign(large), true, 1 << 20, http.StatusOK},
		{"wrong signature", small, sign([]byte("other")), false, 1 << 20, http.StatusBadRequest},
		{"large, wrong signature", large, sign(small), true, 1 << 20, http.StatusBadRequest},
		{"no signature", small, "", false, 1 << 20, http.StatusBadRequest},
		{"sha1 only", small, "sha1=" + strings.Repeat("0", 40), false, 1 << 20, http.StatusBadRequest},
		{"malformed hex", small, "sha256=" + strings.Repeat("z", 64), false, 1 << 20, http.StatusBadRequest},
		{"content length over the limit", large, sign(large), false, memBodyBytes, http.StatusRequestEntityTooLarge},
		{"chunked over the limit", large, sign(large), true, memBodyBytes, http.StatusRequestEntityTooLarge},
		{"nowhere to spill", large, sign(large), false, 1 << 20, http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			spill := dir
			if tc.want == http.StatusServiceUnavailable {
				spill = filepath.Join(dir, "missing")
			}
			m := NewMetrics()
			s := &Server{
				opts:       Options{WebhookSecret: "s3cret", MaxBodyBytes: tc.max, SpillDir: spill, Metrics: m},
				smallSlots: make(chan struct{}, 1),
				largeSlots: make(chan struct{}, 1),
				slotWait:   time.Second,
			}
			var got []byte
			h := s.verifyBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var err error
				if got, err = io.ReadAll(r.Body); err != nil {
					t.Error(err)
				}
			}))
			var body io.Reader = bytes.NewReader(tc.body)
			if tc.chunked {
				body = io.MultiReader(body) // hides the length: no Content-Length
			}
			req := httptest.NewRequest(http.MethodPost, "/api/github/hook", body)
			if tc.chunked {
				req.ContentLength = -1
			}
			if tc.sig != "" {
				req.Header.Set("X-Hub-Signature-256", tc.sig)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tc.want, rec.Body)
			}
			if tc.want == http.StatusOK && !bytes.Equal(got, tc.body) {
				t.Errorf("handler got %d bytes, want the %d signed", len(got), len(tc.body))
			}
			if tc.want != http.StatusOK && got != nil {
				t.Error("an unverified body reached the handler")
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("spilled files left behind: %v", left)
			}
			if len(s.smallSlots)+len(s.largeSlots) != 0 {
				t.Error("a slot was not released")
			}
		})
	}
}

// With every slot of its size taken, a body waits, then gets 503; a small
// body is not held up by large ones.
func TestVerifyBodyBusy(t *testing.T) {
	s := &Server{
		opts:       Options{WebhookSecret: "s3cret", MaxBodyBytes: 1 << 20, Metrics: NewMetrics()},
		smallSlots: make(chan struct{}, 1),
		largeSlots: make(chan struct{}, 1),
		slotWait:   20 * time.Millisecond,
	}
	s.largeSlots <- struct{}{} // a large body being read
	h := s.verifyBody(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	post := func(body []byte) int {
		req := httptest.NewRequest(http.MethodPost, "/api/github/hook", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", sign(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := post(bytes.Repeat([]byte("x"), memBodyBytes+1)); got != http.StatusServiceUnavailable {
		t.Errorf("large body with the large slot taken: %d, want 503", got)
	}
	if got := post([]byte(`{}`)); got != http.StatusOK {
		t.Errorf("small body with the large slot taken: %d, want 200", got)
	}
}
