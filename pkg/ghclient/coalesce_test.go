package ghclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedTransport answers every request once release is closed, counting
// the requests that reached it.
type gatedTransport struct {
	calls   atomic.Int32
	release chan struct{}
}

func (g *gatedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	g.calls.Add(1)
	select {
	case <-g.release:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Etag": {`"v1"`}},
		Body:       io.NopCloser(strings.NewReader(r.Method + " " + r.URL.Path)),
		Request:    r,
	}, nil
}

func get(ctx context.Context, t *testing.T, rt http.RoundTripper, method, path, accept string) (string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, "https://api.github.com"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	res, err := rt.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}

// waitCalls waits until n requests reached the transport.
func waitCalls(t *testing.T, g *gatedTransport, n int32) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); g.calls.Load() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests reached GitHub, want %d", g.calls.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestCoalesce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		method    string
		accepts   []string
		wantCalls int32
	}{
		{name: "identical reads share one request", method: http.MethodGet, accepts: []string{"a", "a", "a", "a"}, wantCalls: 1},
		{name: "another media type is another answer", method: http.MethodGet, accepts: []string{"a", "b", "a", "b"}, wantCalls: 2},
		{name: "writes are never coalesced", method: http.MethodDelete, accepts: []string{"a", "a", "a"}, wantCalls: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gatedTransport{release: make(chan struct{})}
			rt := Coalesce()(g)
			var wg sync.WaitGroup
			bodies := make([]string, len(tc.accepts))
			errs := make([]error, len(tc.accepts))
			for i, a := range tc.accepts {
				wg.Add(1)
				go func() {
					defer wg.Done()
					bodies[i], errs[i] = get(context.Background(), t, rt, tc.method, "/repos/o/r/contents/CODEOWNERS", a)
				}()
			}
			waitCalls(t, g, tc.wantCalls)
			// Let every caller join its flight before GitHub answers.
			time.Sleep(20 * time.Millisecond)
			close(g.release)
			wg.Wait()
			if got := g.calls.Load(); got != tc.wantCalls {
				t.Errorf("%d requests reached GitHub, want %d", got, tc.wantCalls)
			}
			for i := range bodies {
				if errs[i] != nil || bodies[i] != tc.method+" /repos/o/r/contents/CODEOWNERS" {
					t.Errorf("caller %d got %q, %v: every caller must read the whole answer", i, bodies[i], errs[i])
				}
			}
		})
	}
}

func TestCoalesceCancelledCallerDoesNotCancelTheRequest(t *testing.T) {
	g := &gatedTransport{release: make(chan struct{})}
	rt := Coalesce()(g)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := get(ctx, t, rt, http.MethodGet, "/x", "a")
		first <- err
	}()
	waitCalls(t, g, 1)
	second := make(chan string, 1)
	go func() {
		b, err := get(context.Background(), t, rt, http.MethodGet, "/x", "a")
		if err != nil {
			b = err.Error()
		}
		second <- b
	}()
	time.Sleep(20 * time.Millisecond)
	// The caller that started the request gives up: it must get its own
	// context's error at once, and the shared request must go on.
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(g.release)
	if b := <-second; b != "GET /x" {
		t.Errorf("the other caller got %q, want the answer", b)
	}
	if got := g.calls.Load(); got != 1 {
		t.Errorf("%d requests reached GitHub, want 1", got)
	}
}

func TestCoalesceRequestEndsWhenEveryCallerLeft(t *testing.T) {
	g := &gatedTransport{release: make(chan struct{})}
	rt := Coalesce()(g)
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := get(ctx, t, rt, http.MethodGet, "/x", "a")
			errs <- err
		}()
	}
	waitCalls(t, g, 1)
	time.Sleep(20 * time.Millisecond)
	cancel()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("caller got %v, want context.Canceled", err)
		}
	}
	// Nobody waits any more: the shared request must be cancelled (the
	// gated transport returns only when it is), and a new read starts a
	// new request.
	done := make(chan string, 1)
	go func() {
		b, err := get(context.Background(), t, rt, http.MethodGet, "/x", "a")
		if err != nil {
			b = err.Error()
		}
		done <- b
	}()
	waitCalls(t, g, 2)
	close(g.release)
	if b := <-done; b != "GET /x" {
		t.Errorf("a later caller got %q, want a fresh answer", b)
	}
}
