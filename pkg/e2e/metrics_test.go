package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/config"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
	"github.com/thanos-community/mentorbot/pkg/simbot"
)

// busyScrape runs a bot through what makes its metrics move, then returns
// one scrape of /metrics: scheduled sweeps over an installation, handled
// webhooks, a delivery whose handling fails, a GitHub 502 that is retried,
// a duplicate delivery and one with a bad signature.
func busyScrape(t *testing.T) string {
	t.Helper()
	h := simbot.MustStart(t, simbot.Options{Start: day(16, 10), Config: func(c *config.Config) {
		c.Schedule.RemindEvery = 100 * time.Millisecond
		c.Schedule.Digest = true
	}})
	// With a tracking repository the programme has a dashboard, whose
	// figures are served too.
	seedDigestOrg(t, h.Sim, strings.Replace(digestPolicy, "program:\n", "program:\n  tracking_repo: org/mentorship\n", 1), "alice", "bob", "carol")
	_, waiting, _, _ := seedAliceWeek(h.Sim)
	h.Sim.AddUser("someone", "User")
	first := h.Sim.AddPull("org/app", githubsim.Pull{Issue: githubsim.Issue{Title: "docs: typo", User: "someone", AuthorAssociation: "FIRST_TIME_CONTRIBUTOR"}})
	if !waitFor(func() bool { return strings.Contains(h.Logs.String(), `"github_installation_id":1`) }, 20*time.Second) {
		t.Fatalf("no scheduled sweep over the installation:\n%s", h.Logs.Tail(20))
	}
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", "org/app", waiting, "alice"))

	// One 502 on the first read of a pull request's files, retried; then
	// a delivery whose every repository read is refused, which fails.
	var mu sync.Mutex
	failing := false
	h.Sim.SetFault(func(r *http.Request, n int) *githubsim.Fault {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case failing && strings.HasPrefix(r.URL.Path, "/repos/"):
			return &githubsim.Fault{Status: http.StatusUnprocessableEntity}
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/repos/") && n == 1:
			return &githubsim.Fault{Status: http.StatusBadGateway}
		}
		return nil
	})
	ev := commentEvent(t, h.Sim, "org/mentorship", 1, "alice", "/mentorbot digest")
	id := simbot.NextDeliveryID()
	for i := 0; i < 2; i++ { // the second is a duplicate
		if code, err := h.DeliverID("issue_comment", id, ev); err != nil || code != 200 {
			t.Fatalf("deliver: %d %v", code, err)
		}
	}
	if err := h.Wait(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	failing = true
	mu.Unlock()
	h.MustDeliver(t, "pull_request", h.Sim.PullRequestEvent("opened", "org/app", first, "someone"))
	h.Sim.SetFault(nil)
	req, err := simbot.NewDelivery(h.URL+"/api/github/hook", "wrong-secret", "ping", simbot.NextDeliveryID(), []byte(`{"zen":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if code, err := h.Send(req); err != nil || code/100 != 4 {
		t.Fatalf("bad signature answered %d %v", code, err)
	}
	// The scheduled digest sweep may have run before the org was seeded.
	if err := h.App.RunSweep(context.Background(), "digest", nil); err != nil {
		t.Fatalf("digest sweep: %v", err)
	}
	m, err := h.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// parseScrape returns the families of a text-format scrape by name.
func parseScrape(t *testing.T, scrape string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(scrape))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return mfs
}

// promlint, the linter Prometheus' own tooling runs, finds no problem in
// what /metrics serves: names, units, suffixes, HELP texts.
func TestMetricsPassPromlint(t *testing.T) {
	scrape := busyScrape(t)
	problems, err := promlint.New(strings.NewReader(scrape)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	mfs := parseScrape(t, scrape)
	for name, mf := range mfs {
		if strings.HasPrefix(name, "githubapp_") {
			t.Errorf("%s: go-githubapp's series must be served under mentorbot names or not at all", name)
		}
		if strings.HasPrefix(name, "mentorbot_") && len(strings.Fields(mf.GetHelp())) < 4 {
			t.Errorf("%s: HELP %q says too little", name, mf.GetHelp())
		}
	}
	for _, want := range []string{"mentorbot_build_info", "mentorbot_webhook_events_failed_total", "mentorbot_github_retries_total", "mentorbot_sweep_runs_total", "mentorbot_webhook_queue_wait_seconds"} {
		if mfs[want] == nil {
			t.Errorf("%s not served after the run", want)
		}
	}
}

const (
	metricsStart = "<!-- metrics:start -->"
	metricsEnd   = "<!-- metrics:end -->"
)

// metricsTable renders the mentorbot_* families of a scrape as the README's
// table: name with its labels, type, and the HELP text the code gives.
func metricsTable(mfs map[string]*dto.MetricFamily) string {
	var names []string
	for name := range mfs {
		if strings.HasPrefix(name, "mentorbot_") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString("| metric | type | meaning |\n|---|---|---|\n")
	for _, name := range names {
		mf := mfs[name]
		var labels []string
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if !slices.Contains(labels, l.GetName()) {
					labels = append(labels, l.GetName())
				}
			}
		}
		if len(labels) > 0 {
			name += "{" + strings.Join(labels, ",") + "}"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, strings.ToLower(mf.GetType().String()), strings.ReplaceAll(mf.GetHelp(), "|", "\\|"))
	}
	return b.String()
}

// servedName strips the suffixes a histogram or summary adds to its
// family's name in a query.
func servedName(name string, mfs map[string]*dto.MetricFamily) bool {
	if mfs[name] != nil {
		return true
	}
	for _, suffix := range []string{"_bucket", "_count", "_sum"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && mfs[base] != nil {
			return true
		}
	}
	return false
}

// The README's metric table is generated from a real scrape (make docs
// rewrites it), every metric defined in the code shows up in that scrape,
// and every mentorbot_* name the README, the alert rules or a dashboard
// mentions is served.
func TestReadmeMetricsTable(t *testing.T) {
	mfs := parseScrape(t, busyScrape(t))

	// Every metric name the code defines is served after busyScrape's run,
	// so the table below is complete.
	defined := regexp.MustCompile(`"(mentorbot_[a-z_]+)"`)
	err := filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range defined.FindAllStringSubmatch(string(data), -1) {
			if !servedName(m[1], mfs) {
				t.Errorf("%s defines %s, which the test run does not serve: make busyScrape exercise it", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, metricsStart), strings.Index(readme, metricsEnd)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the metrics markers")
	}
	want := metricsTable(mfs)
	if got := readme[i+len(metricsStart)+1 : j]; got != want {
		if golden.Updating() {
			readme = readme[:i+len(metricsStart)+1] + want + readme[j:]
			if err := os.WriteFile("../../README.md", []byte(readme), 0o644); err != nil {
				t.Fatal(err)
			}
		} else {
			t.Errorf("README.md's metric table differs from what /metrics serves (make docs rewrites it):\n--- got\n%s\n--- want\n%s", got, want)
		}
	}

	files := []string{"../../README.md", "../../deploy/prometheus-alerts.yml"}
	boards, _ := filepath.Glob("../../deploy/*dashboard*.json")
	files = append(files, boards...)
	name := regexp.MustCompile(`\bmentorbot_[a-z_]*[a-z]`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range name.FindAllString(string(data), -1) {
			if !servedName(n, mfs) {
				t.Errorf("%s names %s, which /metrics does not serve", filepath.Base(f), n)
			}
		}
	}
}
