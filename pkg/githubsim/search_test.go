package githubsim

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

func TestSearchIssues(t *testing.T) {
	s := fixture(t, Options{SearchRateLimit: 1000})
	s.AddOrg("prometheus", "promdev")
	s.AddRepo("prometheus/prometheus", RepoOptions{})
	s.AddRepo("prometheus/secret", RepoOptions{Private: true})
	s.AddInstallation(22, "prometheus", "prometheus/prometheus")
	day := func(d int) time.Time { return t0.AddDate(0, 0, d) }

	// #1 mentee PR, open, waiting, label with spaces, review requested.
	s.AddPull(thanos, Pull{Issue: Issue{Title: "Store: add caching", Body: "Fixes #2", User: "alice", Labels: []string{"mentee", "GSoC/Community Bridge/LFX"}, CreatedAt: day(0), UpdatedAt: day(1)},
		RequestedReviewers: []string{"maintainer1"}})
	// #2 issue assigned to alice, mentions bob.
	s.AddIssue(thanos, Issue{Title: "Flaky store test", Body: "cc @bob please look", User: "maintainer1", Assignees: []string{"alice"}, Labels: []string{"mentee-task"}, CreatedAt: day(2)})
	// #3 merged PR by alice, reviewed by maintainer2.
	p3 := s.AddPull(thanos, Pull{Issue: Issue{Title: "Query: fix", User: "alice", CreatedAt: day(3), ClosedAt: day(5)}, Merged: true, MergedAt: day(5)})
	s.AddReview(thanos, p3, Review{User: "maintainer2", State: "APPROVED", SubmittedAt: day(4)})
	// #4 closed, unmerged PR by bob, team review requested.
	s.AddPull(thanos, Pull{Issue: Issue{Title: "Docs", User: "bob", State: "closed", CreatedAt: day(4), ClosedAt: day(6)}, RequestedTeams: []string{"maintainers"}})
	// #5 draft PR by bob, commented on by alice.
	p5 := s.AddPull(thanos, Pull{Issue: Issue{Title: "WIP compactor", User: "bob", CreatedAt: day(6)}, Draft: true})
	s.AddComment(thanos, p5, "alice", "Looks like the downsampling path", day(7))
	// prometheus#1: issue in another org; secret#1 invisible to installation 11.
	s.AddIssue("prometheus/prometheus", Issue{Title: "Store something", User: "alice", CreatedAt: day(1)})
	s.AddIssue("prometheus/secret", Issue{Title: "Store secret", User: "alice", CreatedAt: day(1)})

	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	tests := []struct {
		q    string
		want []string
	}{
		{"is:pr repo:thanos-io/thanos", []string{"thanos#1", "thanos#3", "thanos#4", "thanos#5"}},
		{"is:issue org:thanos-io", []string{"thanos#2"}},
		{"type:issue author:alice", []string{"prometheus#1"}},
		{"is:pr is:open author:alice", []string{"thanos#1"}},
		{"is:pr is:merged author:alice", []string{"thanos#3"}},
		{"is:pr is:unmerged", []string{"thanos#4"}},
		{"is:pr state:closed", []string{"thanos#3", "thanos#4"}},
		{"is:pr draft:true", []string{"thanos#5"}},
		{"is:issue assignee:alice", []string{"thanos#2"}},
		{"is:issue no:assignee", []string{"prometheus#1"}},
		{"is:pr commenter:alice", []string{"thanos#5"}},
		{"is:issue mentions:bob", []string{"thanos#2"}},
		{"is:pr involves:alice", []string{"thanos#1", "thanos#3", "thanos#5"}},
		{"is:pr reviewed-by:maintainer2", []string{"thanos#3"}},
		{"is:pr review-requested:maintainer1", []string{"thanos#1", "thanos#4"}},
		{"is:pr user-review-requested:maintainer1", []string{"thanos#1"}},
		{"is:pr team-review-requested:thanos-io/maintainers", []string{"thanos#4"}},
		{`is:pr label:"GSoC/Community Bridge/LFX"`, []string{"thanos#1"}},
		{"is:pr -label:mentee repo:thanos-io/thanos", []string{"thanos#3", "thanos#4", "thanos#5"}},
		{"is:issue label:mentee-task,other", []string{"thanos#2"}},
		{"is:pr no:label", []string{"thanos#3", "thanos#4", "thanos#5"}},
		{"is:pr created:>=2026-09-04", []string{"thanos#3", "thanos#4", "thanos#5"}},
		{"is:pr created:>2026-09-04", []string{"thanos#4", "thanos#5"}},
		{"is:pr created:<2026-09-04", []string{"thanos#1"}},
		{"is:pr created:<=2026-09-04", []string{"thanos#1", "thanos#3"}},
		{"is:pr created:2026-09-01..2026-09-04", []string{"thanos#1", "thanos#3"}},
		{"is:pr created:2026-09-04..*", []string{"thanos#3", "thanos#4", "thanos#5"}},
		{"is:pr created:2026-09-04", []string{"thanos#3"}},
		{"is:pr created:>2026-09-04T08:00:00Z", []string{"thanos#3", "thanos#4", "thanos#5"}},
		{"is:pr created:>2026-09-04T09:00:00+00:00", []string{"thanos#4", "thanos#5"}},
		{"is:pr merged:>=2026-09-05", []string{"thanos#3"}},
		{"is:pr closed:2026-09-01..2026-09-06", []string{"thanos#3"}},
		{"is:pr updated:>2026-09-05", []string{"thanos#3", "thanos#4", "thanos#5"}},
		{"is:issue store", []string{"prometheus#1", "thanos#2"}},
		{"is:issue STORE test", []string{"thanos#2"}},
		{`is:issue "store test"`, []string{"thanos#2"}},
		{"is:pr downsampling", []string{"thanos#5"}},
		{"is:pr downsampling in:title,body", nil},
		{"is:pr downsampling in:comments", []string{"thanos#5"}},
		{"is:pr cach", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, _, err := gh.Search.Issues(ctx, tt.q, &github.SearchOptions{ListOptions: github.ListOptions{PerPage: 100}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, is := range res.Issues {
				u, err := url.Parse(is.GetRepositoryURL())
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%s#%d", u.Path[strings.LastIndex(u.Path, "/")+1:], is.GetNumber()))
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || res.GetTotal() != len(tt.want) || res.GetIncompleteResults() {
				t.Errorf("got %v (total %d), want %v", got, res.GetTotal(), tt.want)
			}
		})
	}

	// Sorting and pagination.
	res, resp, err := gh.Search.Issues(ctx, "is:pr repo:thanos-io/thanos", &github.SearchOptions{Sort: "created", Order: "asc", ListOptions: github.ListOptions{PerPage: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issues) != 3 || res.Issues[0].GetNumber() != 1 || res.GetTotal() != 4 || resp.NextPage != 2 {
		t.Errorf("sorted page = %d items, first #%d, total %d, next %d", len(res.Issues), res.Issues[0].GetNumber(), res.GetTotal(), resp.NextPage)
	}

	// Refused queries: each is a violation.
	for _, q := range []string{"repo:thanos-io/thanos", "is:pr sort:created", "is:pr foo:bar", "is:pr created:yesterday", "is:pr a OR b", "is:pr author:@me"} {
		if _, _, err := gh.Search.Issues(ctx, q, nil); statusOf(err) != 422 {
			t.Errorf("%q: %v, want 422", q, err)
		}
	}
	if got := len(s.Violations()); got != 6 {
		t.Errorf("violations = %d, want 6", got)
	}
	s.violations = nil // Expected; keep NewTest's cleanup quiet.
}
