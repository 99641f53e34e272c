// Package demo plays a programme week against the built-in GitHub simulator
// and prints a readable timeline: each event, then every comment, label,
// assignment and issue the bot wrote. It needs no network and no account.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/e2e"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
)

// Seed files are verbatim copies of real Thanos and Prometheus files (see
// seed/README.md), so the demo's reviewer suggestions come from real formats.
var (
	//go:embed seed/thanos-MAINTAINERS.md
	thanosMaintainers string
	//go:embed seed/prometheus-CODEOWNERS
	prometheusCodeowners string
	//go:embed seed/mentorbot.yml
	demoPolicy string
)

// Options configure Run.
type Options struct {
	// Serve, when set, keeps the simulator and the bot running on this
	// address after the tour, for sending webhooks by hand.
	Serve string
	// Verbose prints the bot's logs too.
	Verbose bool
}

// Org and repositories of the demo.
const (
	org       = "thanos-io"
	thanos    = "thanos-io/thanos"
	promlike  = "thanos-io/prometheus"
	dotGithub = "thanos-io/.github"
	instID    = 1001
)

// Run plays the tour and writes the timeline to out.
func Run(ctx context.Context, out io.Writer, o Options) error {
	began := time.Now()
	start := time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // a Monday
	lvl := zerolog.WarnLevel
	if o.Verbose {
		lvl = zerolog.DebugLevel
	}
	h, err := e2e.Start(nil, e2e.Options{Start: start, LogLevel: lvl, Addr: o.Serve})
	if err != nil {
		return err
	}
	defer func() { _ = h.Stop() }()
	sim := h.Sim
	seed(sim, start)

	t := &timeline{out: out, h: h}
	t.header()

	steps := []struct {
		at   time.Time
		say  string
		play func() error
	}{
		{start, "the app is installed on thanos-io (enrolment: bob has no tracking issue yet)", func() error {
			return t.deliver("installation", sim.InstallationEvent("created", instID, "bwplotka"))
		}},
		{start.Add(5 * time.Minute), "mentee @alice opens thanos-io/thanos#10 (touches pkg/store/)", func() error {
			return t.deliver("pull_request", sim.PullRequestEvent("opened", thanos, 10, "alice"))
		}},
		{start.Add(10 * time.Minute), "first-time contributor @carol opens thanos-io/prometheus#3", func() error {
			return t.deliver("pull_request", sim.PullRequestEvent("opened", promlike, 3, "carol"))
		}},
		{start.Add(12 * time.Minute), "dependabot[bot] opens thanos-io/thanos#11 (bots are ignored)", func() error {
			return t.deliver("pull_request", sim.PullRequestEvent("opened", thanos, 11, "dependabot[bot]"))
		}},
		{start.Add(20 * time.Minute), "mentor @bwplotka comments `/mentee-task @bob` on thanos-io/thanos#4", func() error {
			id := sim.AddComment(thanos, 4, "bwplotka", "Good first step for Bob.\n\n/mentee-task @bob", h.Clock.Now())
			return t.deliver("issue_comment", sim.IssueCommentEvent("created", thanos, 4, id))
		}},
		{start.Add(20*time.Minute + 30*time.Second), "a stranger, @mallory, tries `/mentee-task` on thanos-io/thanos#4", func() error {
			id := sim.AddComment(thanos, 4, "mallory", "/mentee-task", h.Clock.Now())
			return t.deliver("issue_comment", sim.IssueCommentEvent("created", thanos, 4, id))
		}},
		{start.Add(3*24*time.Hour + time.Hour), "three business days pass without a review: `mentorbot remind` runs", func() error {
			return t.sweep(ctx, "remind")
		}},
		{start.Add(7 * 24 * time.Hour), "Monday 09:00: the week ends, `mentorbot digest` runs (the term ends on Friday)", func() error {
			return t.sweep(ctx, "digest")
		}},
		{start.Add(11*24*time.Hour + 9*time.Hour), "Friday: the term ends, the sweep runs again", func() error {
			return t.sweep(ctx, "digest")
		}},
		{start.Add(14 * 24 * time.Hour), "Monday after the term: last digest and the end-of-term report", func() error {
			return t.sweep(ctx, "digest")
		}},
	}
	for _, s := range steps {
		h.Clock.Set(s.at)
		t.event(s.at, s.say)
		if err := s.play(); err != nil {
			return fmt.Errorf("%s: %w", s.say, err)
		}
		t.writes()
	}
	t.footer(time.Since(began))
	if v := sim.Violations(); len(v) > 0 {
		return fmt.Errorf("the bot made requests GitHub does not define: %v", v)
	}
	if o.Serve != "" {
		fmt.Fprintf(out, "\nServing: bot at %s, simulated GitHub at %s. Send your own webhooks (see README, \"Try it by hand\"); Ctrl-C stops.\n", h.URL, sim.URL())
		<-ctx.Done()
	}
	return nil
}

func seed(sim *githubsim.Server, now time.Time) {
	for _, u := range []string{"alice", "bob", "carol", "mallory", "bwplotka", "GiedriusS", "yeya24", "saswatamcode", "fpetkovski", "jesusvazquez", "codesome"} {
		sim.AddUser(u, "User")
	}
	sim.AddUser("dependabot[bot]", "Bot")
	sim.AddOrg(org, "bwplotka", "GiedriusS", "yeya24", "saswatamcode", "fpetkovski", "jesusvazquez", "codesome")
	sim.AddTeam(org, "default-maintainers", "jesusvazquez", "codesome")
	sim.AddRepo(dotGithub, githubsim.RepoOptions{Files: map[string]string{"mentorbot.yml": demoPolicy}})
	sim.AddRepo(thanos, githubsim.RepoOptions{Files: map[string]string{
		"MAINTAINERS.md":  thanosMaintainers,
		"CONTRIBUTING.md": "# Contributing to Thanos\n",
	}})
	sim.AddRepo(promlike, githubsim.RepoOptions{Files: map[string]string{
		".github/CODEOWNERS": strings.ReplaceAll(prometheusCodeowners, "@prometheus/", "@thanos-io/"),
	}})
	sim.AddInstallation(instID, org, dotGithub, thanos, promlike)

	// History: who changed what, for suggestions from path history.
	for i, c := range []struct{ who, path string }{
		{"yeya24", "pkg/store/bucket.go"}, {"yeya24", "pkg/store/proxy.go"}, {"fpetkovski", "pkg/store/lazy_postings.go"},
		{"saswatamcode", "pkg/store/bucket.go"}, {"bwplotka", "pkg/store/bucket.go"}, {"GiedriusS", "cmd/thanos/store.go"},
	} {
		sim.AddCommit(thanos, githubsim.Commit{Author: c.who, Message: "store: change " + c.path, Date: now.Add(-time.Duration(10+i) * 24 * time.Hour), Files: []string{c.path}})
	}
	sim.AddIssue(thanos, githubsim.Issue{Title: "Mentorship: @alice (LFX Mentorship 2026 Term 3)", User: "bwplotka", CreatedAt: now.AddDate(0, 0, -70)}) // #1
	sim.AddIssue(thanos, githubsim.Issue{Title: "store: flaky test in bucket_test.go", User: "GiedriusS", CreatedAt: now.AddDate(0, 0, -30)})            // #2
	sim.AddIssue(thanos, githubsim.Issue{Title: "query: document dedup flags", User: "yeya24", CreatedAt: now.AddDate(0, 0, -20)})                       // #3
	sim.AddIssue(thanos, githubsim.Issue{Title: "compact: log the block ULID on failure", User: "GiedriusS", CreatedAt: now.AddDate(0, 0, -9)})          // #4
	for n := 5; n < 10; n++ {
		sim.AddIssue(thanos, githubsim.Issue{Title: fmt.Sprintf("older issue %d", n), User: "yeya24", State: "closed", CreatedAt: now.AddDate(0, 0, -60)})
	}
	sim.AddPull(thanos, githubsim.Pull{ // #10
		Issue: githubsim.Issue{Title: "store: stream postings instead of buffering", User: "alice", Body: "Part of my mentorship project.", CreatedAt: now.Add(5 * time.Minute)},
		Files: []githubsim.PullFile{{Filename: "pkg/store/bucket.go", Additions: 40, Deletions: 12}, {Filename: "pkg/store/lazy_postings.go", Additions: 8}},
	})
	sim.AddPull(thanos, githubsim.Pull{ // #11
		Issue: githubsim.Issue{Title: "build(deps): bump golang.org/x/net", User: "dependabot[bot]", CreatedAt: now.Add(12 * time.Minute)},
		Files: []githubsim.PullFile{{Filename: "go.mod"}},
	})
	sim.AddIssue(promlike, githubsim.Issue{Title: "tsdb: compaction question", User: "jesusvazquez", CreatedAt: now.AddDate(0, 0, -3)}) // #1
	sim.AddIssue(promlike, githubsim.Issue{Title: "docs typo", User: "codesome", CreatedAt: now.AddDate(0, 0, -2)})                     // #2
	sim.AddPull(promlike, githubsim.Pull{                                                                                               // #3
		Issue: githubsim.Issue{Title: "tsdb: fix off-by-one in head truncation", User: "carol", AuthorAssociation: "FIRST_TIME_CONTRIBUTOR", CreatedAt: now.Add(10 * time.Minute)},
		Files: []githubsim.PullFile{{Filename: "tsdb/head.go", Additions: 3, Deletions: 1}},
	})
}

// timeline prints events and the bot's writes.
type timeline struct {
	out  io.Writer
	h    *e2e.Harness
	seen int
}

func (t *timeline) header() {
	fmt.Fprintln(t.out, "mentorbot demo: one programme week, offline, against the built-in GitHub simulator")
	fmt.Fprintln(t.out, "org thanos-io: thanos (MAINTAINERS.md, no CODEOWNERS), prometheus (CODEOWNERS), .github (mentorbot.yml)")
	fmt.Fprintln(t.out, "mentees: alice (tracking issue thanos#1), bob (none yet); mentors: bwplotka, GiedriusS")
	t.seen = len(t.h.Sim.Requests())
}

func (t *timeline) event(at time.Time, say string) {
	fmt.Fprintf(t.out, "\n▶ %s  %s\n", at.Format("Mon 02 Jan 15:04"), say)
}

func (t *timeline) deliver(event string, payload []byte) error {
	d, err := t.h.Sim.Deliver(context.Background(), event, payload)
	if err != nil {
		return err
	}
	if d.StatusCode/100 != 2 {
		return fmt.Errorf("delivery answered %d", d.StatusCode)
	}
	return t.h.Wait()
}

func (t *timeline) sweep(ctx context.Context, name string) error {
	var report strings.Builder
	err := t.h.App.RunSweep(ctx, name, &report)
	for _, l := range strings.Split(strings.TrimSpace(report.String()), "\n") {
		if l != "" {
			fmt.Fprintf(t.out, "  · %s\n", l)
		}
	}
	return err
}

// writes prints every write request the bot made since the last call.
func (t *timeline) writes() {
	reqs := t.h.Sim.Requests()
	n := 0
	for _, r := range reqs[t.seen:] {
		if r.Method == http.MethodGet || strings.HasSuffix(r.Route, "/access_tokens") || r.Status >= 400 {
			continue
		}
		n++
		fmt.Fprintf(t.out, "  %s\n", describe(r))
	}
	if n == 0 {
		fmt.Fprintln(t.out, "  (the bot wrote nothing)")
	}
	t.seen = len(reqs)
}

func describe(r githubsim.Request) string {
	var body struct {
		Body      string   `json:"body"`
		Title     string   `json:"title"`
		Labels    []string `json:"labels"`
		Assignees []string `json:"assignees"`
		Reviewers []string `json:"reviewers"`
		Name      string   `json:"name"`
		State     string   `json:"state"`
	}
	_ = json.Unmarshal([]byte(r.Body), &body)
	where := strings.TrimPrefix(r.Path, "/repos/")
	parts := strings.Split(where, "/")
	ref := where
	if len(parts) >= 4 {
		ref = parts[0] + "/" + parts[1] + "#" + parts[3]
	}
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.Route, "/comments"):
		return "💬 comment on " + ref + "\n" + indent(render(body.Body))
	case r.Method == http.MethodPatch && strings.Contains(r.Route, "/comments/"):
		return "✏️  edited comment in " + parts[0] + "/" + parts[1] + "\n" + indent(render(body.Body))
	case r.Method == http.MethodPost && strings.HasSuffix(r.Route, "/issues"):
		return fmt.Sprintf("📌 opened issue in %s/%s: %q", parts[0], parts[1], body.Title) + "\n" + indent(render(body.Body))
	case strings.HasSuffix(r.Route, "/labels") && r.Method == http.MethodPost && strings.Contains(r.Route, "/issues/"):
		return fmt.Sprintf("🏷  labelled %s: %s", ref, strings.Join(body.Labels, ", "))
	case strings.HasSuffix(r.Route, "/labels") && r.Method == http.MethodPost:
		return fmt.Sprintf("🏷  created label %q in %s/%s", body.Name, parts[0], parts[1])
	case strings.Contains(r.Route, "/labels/") && r.Method == http.MethodDelete:
		return "🏷  removed a label from " + ref
	case strings.HasSuffix(r.Route, "/assignees"):
		return fmt.Sprintf("👤 assigned %s to %s", ref, strings.Join(body.Assignees, ", "))
	case strings.HasSuffix(r.Route, "/requested_reviewers"):
		return fmt.Sprintf("👀 requested review on %s from %s", ref, strings.Join(body.Reviewers, ", "))
	case r.Method == http.MethodPatch:
		return fmt.Sprintf("✏️  updated %s %s", ref, body.State)
	}
	return r.Method + " " + r.Path
}

// render strips the hidden markers and trims the text for a terminal.
func render(md string) string {
	var out []string
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "<!-- mentorbot:") {
			continue
		}
		out = append(out, l)
	}
	s := strings.TrimSpace(strings.Join(out, "\n"))
	lines := strings.Split(s, "\n")
	if len(lines) > 24 {
		lines = append(lines[:24], fmt.Sprintf("… (%d more lines)", len(lines)-24))
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "     │ " + strings.ReplaceAll(s, "\n", "\n     │ ")
}

func (t *timeline) footer(took time.Duration) {
	reqs := t.h.Sim.Requests()
	byRoute := map[string]int{}
	reads, writes := 0, 0
	for _, r := range reqs {
		if strings.HasSuffix(r.Route, "/access_tokens") {
			continue
		}
		byRoute[r.Method+" "+r.Route]++
		if r.Method == http.MethodGet {
			reads++
		} else {
			writes++
		}
	}
	keys := make([]string, 0, len(byRoute))
	for k := range byRoute {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return byRoute[keys[i]] > byRoute[keys[j]] || byRoute[keys[i]] == byRoute[keys[j]] && keys[i] < keys[j]
	})
	fmt.Fprintf(t.out, "\n— GitHub API calls: %d (%d reads, %d writes), tour took %s\n", reads+writes, reads, writes, took.Round(time.Millisecond))
	for _, k := range keys {
		fmt.Fprintf(t.out, "  %4d  %s\n", byRoute[k], k)
	}
}
