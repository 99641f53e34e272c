package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/githubsim"
)

// The tour runs offline, quickly, and shows every job: each job is ticked
// in the closing list and its own writes appear in the timeline.
func TestTourShowsEveryJob(t *testing.T) {
	var out bytes.Buffer
	began := time.Now()
	if err := Run(context.Background(), &out, Options{}); err != nil {
		t.Fatalf("tour failed: %v\n%s", err, out.String())
	}
	if took := time.Since(began); took > 30*time.Second {
		t.Errorf("tour took %s, want under 30s", took)
	}
	got := out.String()
	for _, job := range Jobs {
		if !strings.Contains(got, "✓ "+job) {
			t.Errorf("job %q is not ticked in the closing list", job)
		}
	}
	if strings.Contains(got, "✗ ") {
		t.Errorf("a job is listed as not shown:\n%s", got[strings.LastIndex(got, "— jobs shown"):])
	}
	// What each job writes, as a reader sees it in the timeline.
	for job, wants := range map[string][]string{
		"enrolment":            {`opened issue in thanos-io/thanos: "Mentorship: @bob (LFX Mentorship 2026 Term 3)"`, "### Welcome aboard, @bob!"},
		"mentee label":         {"labelled thanos-io/thanos#10: mentee"},
		"welcome":              {"Welcome to your first pull request in thanos-io/thanos, @alice", "Thank you for your first pull request in thanos-io/prometheus, @carol"},
		"mentee task":          {"labelled thanos-io/thanos#4: GSoC/Community Bridge/LFX", "assigned thanos-io/thanos#4 to bob", "**New mentee task** for @bob", "Hi @mallory"},
		"review-wait reminder": {"this pull request has been waiting for a review for 3 days", "these people could take a look"},
		"weekly digest":        {"### Weekly digest for @alice: 2026-W47", "### Weekly digest for @bob: 2026-W48"},
		"retrospective":        {"**Retrospective next week**", "### Retrospective: @alice, LFX Mentorship 2026 Term 3"},
		"meetup": {
			`opened issue in thanos-io/thanos: "Mentees Meetup: LFX Mentorship 2026 Term 3"`,
			"Would you like to present?",
			"+ 1. **Streaming postings in the store gateway** — @alice",
			"+ 2. **My first month in Thanos** — @bob",
			"+ - [x] At least two mentees are interested",
		},
		"end-of-term report": {"### End-of-term report: @alice", "### End-of-term report: @bob"},
		"dashboard":          {"Mentorship dashboard: LFX Mentorship 2026 Term 3", "#### Responsiveness", "xychart-beta"},
		"learnings": {
			`opened issue in thanos-io/thanos: "Learnings: LFX Mentorship 2026 Term 3"`,
			"Writing the benchmark first makes the review faster",
			"A review is a conversation, not a verdict",
			"See [Learnings: LFX Mentorship 2026 Term 3]",
		},
	} {
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s: the timeline lacks %q", job, want)
			}
		}
	}
	// Hidden markers are for the bot, not for the reader.
	if strings.Contains(got, "<!-- mentorbot:") {
		t.Errorf("the timeline shows a hidden marker")
	}
	if !strings.Contains(got, "— GitHub API calls:") {
		t.Errorf("the timeline lacks the API call summary")
	}
	checkReadmeExcerpt(t, got)
	// The decisions, logs and per-route call counts are for --verbose.
	for _, noise := range []string{"  · ", "candidate ", "not checked", "  ┆ ", `"level":`, "GET /repos/{owner}/{repo}"} {
		if strings.Contains(got, noise) {
			t.Errorf("the normal timeline shows %q, which is for --verbose", noise)
		}
	}
}

// --verbose adds the sweeps' decisions (reviewer candidates kept and
// dropped), the bot's logs and the API calls by route to the same timeline.
func TestTourVerbose(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), &out, Options{Verbose: true}); err != nil {
		t.Fatalf("tour failed: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"  · thanos-io/thanos#10: waited 3 days",
		"candidate yeya24 kept: suggested, rank 1",
		"dropped: not checked",
		`  ┆ {"level":"debug"`,
		"GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
		"### Weekly digest for @alice: 2026-W47",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the verbose timeline lacks %q", want)
		}
	}
}

// The payload README.md's "Try it by hand" sends must be one the demo's bot
// acts on: a pull_request event of the installation and repository the
// tour seeded, for the pull request it leaves for that purpose.
func TestHandPayloadMatchesSeed(t *testing.T) {
	const path = "webhooks/pull_request.opened.json"
	if golden.Updating() {
		sim, err := githubsim.New(githubsim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = sim.Close() }()
		seed(sim, time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC))
		raw := strings.ReplaceAll(string(sim.PullRequestEvent("opened", promlike, 4, "erin")), strings.TrimSuffix(sim.URL(), "/"), "https://api.github.com")
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Action       string `json:"action"`
		Number       int    `json:"number"`
		Installation struct {
			ID int64 `json:"id"`
		} `json:"installation"`
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		PullRequest struct {
			User struct {
				Login string `json:"login"`
			} `json:"user"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Action != "opened" || ev.Number != 4 || ev.Installation.ID != instID || ev.Repository.FullName != promlike || ev.PullRequest.User.Login != "erin" {
		t.Errorf("%s does not describe %s#4 opened by erin in installation %d: %+v", path, promlike, instID, ev)
	}
}

// checkReadmeExcerpt checks that the demo output README.md shows is true:
// each of its lines, "…" aside, is a line of the tour's output, in order.
func checkReadmeExcerpt(t *testing.T, tour string) {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(data), "<!-- demo-excerpt:start -->\n```text\n$ make demo\n")
	block, _, ok2 := strings.Cut(block, "```\n<!-- demo-excerpt:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md lacks the demo excerpt (a text block starting with $ make demo between the demo-excerpt markers)")
	}
	out := strings.Split(tour, "\n")
	at := 0
	for _, want := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		if want == "…" {
			continue
		}
		for at < len(out) && out[at] != want {
			at++
		}
		if at == len(out) {
			t.Errorf("README.md's demo excerpt shows %q, which the tour does not print (in that order)", want)
			return
		}
		at++
	}
}
