package githubsim

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// With Interleave, a lone client's request waits for a partner (up to the
// bound), and two clients' requests go together.
func TestLatencyInterleave(t *testing.T) {
	s := NewTest(t, Options{Latency: Latency{Interleave: 400 * time.Millisecond}})
	get := func(cred string) time.Duration {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"rate_limit", nil)
		req.Header.Set("Authorization", cred)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		_ = res.Body.Close()
		return time.Since(start)
	}
	if d := get("token a"); d < 400*time.Millisecond {
		t.Errorf("a lone request took %s, want it held for a partner up to 400ms", d)
	}
	var wg sync.WaitGroup
	took := make([]time.Duration, 2)
	for i, cred := range []string{"token a", "token b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			took[i] = get(cred)
		}()
	}
	wg.Wait()
	for i, d := range took {
		if d >= 400*time.Millisecond {
			t.Errorf("client %d waited %s although the other client's request came", i, d)
		}
	}

	s.SetLatency(Latency{Before: 100 * time.Millisecond, After: 100 * time.Millisecond})
	if d := get("token a"); d < 200*time.Millisecond {
		t.Errorf("request took %s, want at least Before+After", d)
	}
	s.SetLatency(Latency{})
	if d := get("token a"); d >= 100*time.Millisecond {
		t.Errorf("request took %s after the latency was removed", d)
	}
}
