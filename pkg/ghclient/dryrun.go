package ghclient

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"
)

// DryRun answers every write locally with an empty success and logs what
// would have been written, so `--dry-run` reads real state and changes none;
// m counts the writes held back.
func DryRun(m *Metrics) githubapp.ClientMiddleware {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				return next.RoundTrip(r)
			}
			var body []byte
			if r.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(r.Body, 64<<10))
				_ = r.Body.Close()
			}
			m.dryRunWrites.Inc()
			zerolog.Ctx(r.Context()).Info().Str("method", r.Method).Str("url", r.URL.String()).
				Str("body", string(body)).Msg("dry-run: would write")
			status := http.StatusOK
			if r.Method == http.MethodPost {
				status = http.StatusCreated
			}
			resp := "{}"
			if strings.HasSuffix(r.URL.Path, "/labels") || strings.HasSuffix(r.URL.Path, "/assignees") && r.Method == http.MethodDelete {
				resp = "[]"
			}
			return &http.Response{
				Status:     http.StatusText(status),
				StatusCode: status,
				Header:     http.Header{"Content-Type": []string{"application/json"}},
				Body:       io.NopCloser(bytes.NewReader([]byte(resp))),
				Request:    r,
			}, nil
		})
	}
}
