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
