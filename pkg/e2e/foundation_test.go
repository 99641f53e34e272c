package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// seedExampleInstallations makes the simulator know the installations and
// repositories named in the real webhook examples, so that replaying them
// exercises the handlers' GitHub calls instead of stopping at "unknown".
func seedExampleInstallations(t *testing.T, sim *githubsim.Server, files []string) {
	t.Helper()
	type ex struct {
		Installation struct {
			ID int64 `json:"id"`
		} `json:"installation"`
		Repositories []struct {
			FullName string `json:"full_name"`
		} `json:"repositories"`
		RepositoriesAdded []struct {
			FullName string `json:"full_name"`
		} `json:"repositories_added"`
		Repository struct {
			FullName string `json:"full_name"`
			Owner    struct {
				Login string `json:"login"`
			} `json:"owner"`
		} `json:"repository"`
	}
	seen := map[string]bool{}
	insts := map[int64]map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var e ex
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		names := []string{e.Repository.FullName}
		for _, r := range e.Repositories {
			names = append(names, r.FullName)
		}
		for _, r := range e.RepositoriesAdded {
			names = append(names, r.FullName)
		}
		for _, name := range names {
			if e.Installation.ID == 0 || name == "" {
				continue
			}
			if !seen[name] {
				seen[name] = true
				sim.AddRepo(name, githubsim.RepoOptions{})
			}
			if insts[e.Installation.ID] == nil {
				insts[e.Installation.ID] = map[string]bool{}
			}
			insts[e.Installation.ID][name] = true
		}
	}
	for id, repos := range insts {
		var names []string
		for r := range repos {
			names = append(names, r)
		}
		sort.Strings(names)
		sim.AddInstallation(id, strings.Split(names[0], "/")[0], names...)
	}
}

// Every real example payload of the events mentorbot subscribes to is
// accepted (2xx), parsed and handled without error, and makes only requests
// GitHub's description defines (the simulator fails the test otherwise).
func TestReplayRealWebhookExamples(t *testing.T) {
	files, err := filepath.Glob("../../testdata/webhooks/*.json")
	if err != nil || len(files) < 80 {
		t.Fatalf("want the committed webhook examples, got %d files (%v)", len(files), err)
	}
	h := simbot.MustStart(t, simbot.Options{})
	seedExampleInstallations(t, h.Sim, files)
	for _, f := range files {
		event := strings.SplitN(filepath.Base(f), ".", 2)[0]
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code, err := h.Deliver(event, body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if code/100 != 2 {
			t.Errorf("%s: status %d, want 2xx", filepath.Base(f), code)
		}
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	m, err := h.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m, "mentorbot_webhook_events_failed_total{") {
		t.Errorf("some examples failed to be handled:\n%s\nlogs:\n%s", grepLines(m, "failed_total"), grepLines(h.Logs.String(), `"level":"error"`))
	}
	if !strings.Contains(m, `mentorbot_webhook_events_handled_total{action="opened",event="pull_request"}`) {
		t.Errorf("handled pull_request opened not counted:\n%s", grepLines(m, "handled_total"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Bad deliveries get a 4xx and a log line, and the server keeps serving.
func TestWebhookRejectsBadInput(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{Config: func(c *config.Config) { c.Server.MaxBodyBytes = 1 << 20 }})
	ping, err := os.ReadFile("../../testdata/webhooks/ping.ping.1.json")
	if err != nil {
		t.Fatal(err)
	}
	url := h.URL + "/api/github/hook"
	big := bytes.Repeat([]byte(" "), 2<<20)
	big = append([]byte(`{"zen":"x"}`), big...)

	tests := []struct {
		name    string
		req     func() *http.Request
		want    int
		wantLog string
	}{
		{"signed ping is accepted", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "ping", simbot.NextDeliveryID(), ping)
			return r
		}, http.StatusOK, ""},
		{"missing signature", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "ping", simbot.NextDeliveryID(), ping)
			r.Header.Del("X-Hub-Signature-256")
			r.Header.Del("X-Hub-Signature")
			return r
		}, http.StatusBadRequest, "invalid headers or signature"},
		{"wrong secret", func() *http.Request {
			r, _ := simbot.NewDelivery(url, "not-the-secret", "ping", simbot.NextDeliveryID(), ping)
			return r
		}, http.StatusBadRequest, "invalid headers or signature"},
		{"body changed after signing", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "ping", simbot.NextDeliveryID(), ping)
			r.Body = ioNop(append([]byte(nil), bytes.Replace(ping, []byte("zen"), []byte("zan"), 1)...))
			return r
		}, http.StatusBadRequest, "invalid headers or signature"},
		{"missing event header", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "ping", simbot.NextDeliveryID(), ping)
			r.Header.Del("X-GitHub-Event")
			return r
		}, http.StatusBadRequest, ""},
		{"malformed JSON, correctly signed", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "pull_request", simbot.NextDeliveryID(), []byte(`{"action":"opened",`))
			return r
		}, http.StatusBadRequest, "malformed payload"},
		{"body over the limit", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "ping", simbot.NextDeliveryID(), big)
			return r
		}, http.StatusRequestEntityTooLarge, "over the limit"},
		{"body over the limit without content length", func() *http.Request {
			r, _ := simbot.NewDelivery(url, simbot.Secret, "ping", simbot.NextDeliveryID(), big)
			r.ContentLength = -1
			r.Body = ioNop(big)
			return r
		}, http.StatusRequestEntityTooLarge, "over the limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.Logs.String())
			code, err := h.Send(tc.req())
			if err != nil {
				t.Fatal(err)
			}
			if code != tc.want {
				t.Fatalf("status %d, want %d; logs:\n%s", code, tc.want, h.Logs.Tail(5))
			}
			if tc.wantLog != "" && !strings.Contains(h.Logs.String()[before:], tc.wantLog) {
				t.Errorf("no log line containing %q; logs:\n%s", tc.wantLog, h.Logs.Tail(5))
			}
			// The server keeps serving after each bad request.
			res, err := http.Get(h.URL + "/healthz")
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("healthz after bad input: %v %v", res, err)
			}
			_ = res.Body.Close()
		})
	}
	m, err := h.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`mentorbot_webhook_rejected_total{reason="invalid"} 4`,
		`mentorbot_webhook_rejected_total{reason="malformed"} 1`,
		`mentorbot_webhook_rejected_total{reason="too_large"} 2`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(m, "rejected"))
		}
	}
}

func ioNop(b []byte) *nopCloser { return &nopCloser{bytes.NewReader(b)} }

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// /healthz, /readyz and /metrics answer; /metrics shows mentorbot's series,
// go-githubapp's own go-metrics, and GitHub API requests by route template.
func TestOperationalEndpoints(t *testing.T) {
	h := simbot.MustStart(t, simbot.Options{})
	res, err := http.Get(h.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health map[string]string
	if err := json.NewDecoder(res.Body).Decode(&health); err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if health["status"] != "ok" || health["version"] != "e2e" {
		t.Errorf("healthz = %v", health)
	}
	res, err = http.Get(h.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("readyz = %d", res.StatusCode)
	}
	m, err := h.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"mentorbot_webhook_queue_depth 0",
		`mentorbot_github_requests_total{code="200",method="GET",route="/app"} 1`,
		"mentorbot_github_cache_hits_total ",
		`mentorbot_build_info{`,
		"go_goroutines ",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if t.Failed() {
		fmt.Println(m)
	}
}
