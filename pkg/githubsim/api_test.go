package githubsim

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
)

var t0 = time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)

// clock is a movable simulated clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func TestPagination(t *testing.T) {
	s := fixture(t, Options{})
	for i := 0; i < 75; i++ {
		s.AddIssue(thanos, Issue{Title: fmt.Sprint("issue ", i), User: "alice", CreatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)

	issues, resp, err := gh.Issues.ListByRepo(ctx, "thanos-io", "thanos", &github.IssueListByRepoOptions{State: "open"})
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 30 || resp.NextPage != 2 || resp.LastPage != 3 || resp.PrevPage != 0 {
		t.Errorf("page 1: %d issues, next %d, last %d, prev %d", len(issues), resp.NextPage, resp.LastPage, resp.PrevPage)
	}
	if issues[0].GetNumber() != 75 {
		t.Errorf("first issue = #%d, want the newest (#75)", issues[0].GetNumber())
	}
	want := fmt.Sprintf(`<%[1]s/repos/thanos-io/thanos/issues?page=2&state=open>; rel="next", <%[1]s/repos/thanos-io/thanos/issues?page=3&state=open>; rel="last"`, s.url)
	if got := resp.Header.Get("Link"); got != want {
		t.Errorf("Link =\n%s\nwant\n%s", got, want)
	}

	_, resp, err = gh.Issues.ListByRepo(ctx, "thanos-io", "thanos", &github.IssueListByRepoOptions{ListOptions: github.ListOptions{Page: 2, PerPage: 30}})
	if err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf(`<%[1]s/repos/thanos-io/thanos/issues?page=1&per_page=30>; rel="prev", <%[1]s/repos/thanos-io/thanos/issues?page=3&per_page=30>; rel="next", <%[1]s/repos/thanos-io/thanos/issues?page=3&per_page=30>; rel="last", <%[1]s/repos/thanos-io/thanos/issues?page=1&per_page=30>; rel="first"`, s.url)
	if got := resp.Header.Get("Link"); got != want {
		t.Errorf("Link =\n%s\nwant\n%s", got, want)
	}

	// Walking NextPage with per_page 100 (clamped from 500) sees everything once.
	seen := map[int]bool{}
	opts := &github.IssueListByRepoOptions{ListOptions: github.ListOptions{PerPage: 500}}
	pages := 0
	for {
		issues, resp, err := gh.Issues.ListByRepo(ctx, "thanos-io", "thanos", opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, is := range issues {
			seen[is.GetNumber()] = true
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(seen) != 75 || pages != 1 {
		t.Errorf("saw %d issues in %d pages, want 75 in 1", len(seen), pages)
	}
}

func TestIssues(t *testing.T) {
	clk := &clock{now: t0}
	s := fixture(t, Options{Now: clk.Now})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)

	is, _, err := gh.Issues.Create(ctx, "thanos-io", "thanos", &github.IssueRequest{
		Title:     github.String("Mentorship: @alice"),
		Body:      github.String("tracking"),
		Labels:    &[]string{"mentee", "bug"},
		Assignees: &[]string{"maintainer1"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if is.GetUser().GetLogin() != "mentorbot[bot]" || !is.GetCreatedAt().Time.Equal(t0) || len(is.Labels) != 2 || is.GetAssignee().GetLogin() != "maintainer1" {
		t.Errorf("created issue = %+v", is)
	}
	if got := s.Labels(thanos); len(got) != 2 || got[1].Name != "mentee" || got[1].Color != DefaultLabelColor {
		t.Errorf("labels = %+v, want mentee created with the default colour", got)
	}

	// Assigning someone who cannot be assigned fails on create, as on GitHub.
	_, _, err = gh.Issues.Create(ctx, "thanos-io", "thanos", &github.IssueRequest{Title: github.String("x"), Assignees: &[]string{"stranger"}})
	if statusOf(err) != 422 {
		t.Errorf("create with non-assignable assignee: %v, want 422", err)
	}

	clk.now = t0.Add(time.Hour)
	is, _, err = gh.Issues.Edit(ctx, "thanos-io", "thanos", is.GetNumber(), &github.IssueRequest{State: github.String("closed"), StateReason: github.String("not_planned")})
	if err != nil {
		t.Fatalf("close: %v", err)
	}
	if is.GetState() != "closed" || is.GetStateReason() != "not_planned" || !is.GetClosedAt().Time.Equal(t0.Add(time.Hour)) || !is.GetUpdatedAt().Time.Equal(t0.Add(time.Hour)) {
		t.Errorf("closed issue = state %v reason %v closed %v updated %v", is.GetState(), is.GetStateReason(), is.GetClosedAt(), is.GetUpdatedAt())
	}

	// A pull request is listed by the issues API with a pull_request key.
	pr := s.AddPull(thanos, Pull{Issue: Issue{Title: "feat", User: "alice"}})
	list, _, err := gh.Issues.ListByRepo(ctx, "thanos-io", "thanos", &github.IssueListByRepoOptions{State: "all"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].GetNumber() != pr || !list[0].IsPullRequest() || list[1].IsPullRequest() {
		t.Errorf("issues list = %v", list)
	}
	for _, tt := range []struct {
		opts *github.IssueListByRepoOptions
		want int
	}{
		{&github.IssueListByRepoOptions{}, 1},
		{&github.IssueListByRepoOptions{State: "closed"}, 1},
		{&github.IssueListByRepoOptions{State: "all", Labels: []string{"MENTEE"}}, 1},
		{&github.IssueListByRepoOptions{State: "all", Assignee: "none"}, 1},
		{&github.IssueListByRepoOptions{State: "all", Creator: "alice"}, 1},
		{&github.IssueListByRepoOptions{State: "all", Since: t0.Add(30 * time.Minute)}, 2},
		{&github.IssueListByRepoOptions{State: "all", Since: t0.Add(2 * time.Hour)}, 0},
	} {
		got, _, err := gh.Issues.ListByRepo(ctx, "thanos-io", "thanos", tt.opts)
		if err != nil || len(got) != tt.want {
			t.Errorf("list %+v: %d issues (%v), want %d", tt.opts, len(got), err, tt.want)
		}
	}
}

func TestComments(t *testing.T) {
	clk := &clock{now: t0}
	s := fixture(t, Options{Now: clk.Now})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddIssue(thanos, Issue{Title: "t", User: "alice"})
	s.AddComment(thanos, n, "maintainer1", "first", t0.Add(-time.Hour))

	clk.now = t0.Add(time.Minute)
	c, _, err := gh.Issues.CreateComment(ctx, "thanos-io", "thanos", n, &github.IssueComment{Body: github.String("<!-- mentorbot:welcome -->\nhi")})
	if err != nil {
		t.Fatal(err)
	}
	if c.GetID() <= s.Comments(thanos, n)[0].ID || !c.GetCreatedAt().Time.Equal(clk.now) {
		t.Errorf("comment id %d / created %v", c.GetID(), c.GetCreatedAt())
	}
	if is, _ := s.Issue(thanos, n); !is.UpdatedAt.Equal(clk.now) {
		t.Errorf("issue updated_at = %v, want %v", is.UpdatedAt, clk.now)
	}

	clk.now = t0.Add(2 * time.Minute)
	c, _, err = gh.Issues.EditComment(ctx, "thanos-io", "thanos", c.GetID(), &github.IssueComment{Body: github.String("edited")})
	if err != nil || c.GetBody() != "edited" || !c.GetUpdatedAt().Time.Equal(clk.now) {
		t.Fatalf("edit = %v, %v", c, err)
	}
	if _, _, err := gh.Issues.EditComment(ctx, "thanos-io", "thanos", s.Comments(thanos, n)[0].ID, &github.IssueComment{Body: github.String("x")}); statusOf(err) != 403 {
		t.Errorf("editing someone else's comment: %v, want 403", err)
	}

	list, _, err := gh.Issues.ListComments(ctx, "thanos-io", "thanos", n, &github.IssueListCommentsOptions{Since: &t0})
	if err != nil || len(list) != 1 || list[0].GetBody() != "edited" {
		t.Errorf("since-filtered comments = %v, %v", list, err)
	}
	all, _, err := gh.Issues.ListComments(ctx, "thanos-io", "thanos", 0, nil)
	if err != nil || len(all) != 2 {
		t.Errorf("repo comments = %d, %v", len(all), err)
	}
	if got := all[0].GetAuthorAssociation(); got != AssocMember {
		t.Errorf("maintainer association = %s", got)
	}
	if _, err := gh.Issues.DeleteComment(ctx, "thanos-io", "thanos", c.GetID()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gh.Issues.GetComment(ctx, "thanos-io", "thanos", c.GetID()); statusOf(err) != 404 {
		t.Errorf("deleted comment: %v", err)
	}
}

func TestLabels(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddIssue(thanos, Issue{Title: "t", User: "alice"})
	const lfx = "GSoC/Community Bridge/LFX"

	_, _, err := gh.Issues.CreateLabel(ctx, "thanos-io", "thanos", &github.Label{Name: github.String("BUG"), Color: github.String("ffffff")})
	var er *github.ErrorResponse
	if !asErr(err, &er) || er.Response.StatusCode != 422 || len(er.Errors) != 1 || er.Errors[0].Code != "already_exists" {
		t.Errorf("duplicate label: %v", err)
	}
	if _, _, err := gh.Issues.CreateLabel(ctx, "thanos-io", "thanos", &github.Label{Name: github.String("mentee"), Color: github.String("0e8a16"), Description: github.String("a mentee's PR")}); err != nil {
		t.Errorf("create label: %v", err)
	}

	// The documented body: {"labels": [...]}. Missing labels are created.
	req, err := gh.NewRequest("POST", fmt.Sprintf("repos/thanos-io/thanos/issues/%d/labels", n), struct {
		Labels []string `json:"labels"`
	}{[]string{lfx, "mentee"}})
	if err != nil {
		t.Fatal(err)
	}
	var labels []*github.Label
	if _, err := gh.Do(ctx, req, &labels); err != nil || len(labels) != 2 {
		t.Fatalf("add labels: %v %v", labels, err)
	}

	// Names with / and spaces go through when path-escaped.
	l, _, err := getLabel(ctx, gh, lfx)
	if err != nil || l.GetName() != lfx || l.GetColor() != DefaultLabelColor {
		t.Errorf("get %q: %v, %v", lfx, l, err)
	}
	req, err = gh.NewRequest("DELETE", fmt.Sprintf("repos/thanos-io/thanos/issues/%d/labels/%s", n, url.PathEscape(lfx)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gh.Do(ctx, req, &labels); err != nil || len(labels) != 1 || labels[0].GetName() != "mentee" {
		t.Errorf("remove %q: %v, %v", lfx, labels, err)
	}
	// Removing a label that is not on the issue is a 404.
	if _, err := gh.Do(ctx, req, nil); statusOf(err) != 404 {
		t.Errorf("remove again: %v, want 404", err)
	}
	got, _, err := gh.Issues.ListLabelsByIssue(ctx, "thanos-io", "thanos", n, nil)
	if err != nil || len(got) != 1 {
		t.Errorf("issue labels = %v, %v", got, err)
	}
	if s.violations != nil {
		t.Fatalf("violations so far: %v", s.Violations())
	}

	// go-github's AddLabelsToIssue sends a bare array: GitHub's description
	// does not define it, so it is refused and recorded.
	if _, _, err := gh.Issues.AddLabelsToIssue(ctx, "thanos-io", "thanos", n, []string{"bug"}); statusOf(err) != 422 {
		t.Errorf("bare array: %v, want 422", err)
	}
	// And go-github's RemoveLabelForIssue does not escape the name.
	if _, err := gh.Issues.RemoveLabelForIssue(ctx, "thanos-io", "thanos", n, lfx); statusOf(err) != 404 {
		t.Errorf("unescaped name: %v, want 404", err)
	}
	v := s.Violations()
	if len(v) != 2 || !strings.Contains(v[0], "bare JSON array") || !strings.Contains(v[1], "no such operation") {
		t.Errorf("violations = %q", v)
	}
	s.violations = nil // Expected; keep NewTest's cleanup quiet.
}

func getLabel(ctx context.Context, gh *github.Client, name string) (*github.Label, *github.Response, error) {
	req, err := gh.NewRequest("GET", "repos/thanos-io/thanos/labels/"+url.PathEscape(name), nil)
	if err != nil {
		return nil, nil, err
	}
	var l github.Label
	resp, err := gh.Do(ctx, req, &l)
	return &l, resp, err
}

func TestAssignees(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddIssue(thanos, Issue{Title: "t", User: "alice"})
	s.AddComment(thanos, n, "commenter", "I'd like to work on this", time.Time{})

	// Non-assignable logins are silently ignored, with 201.
	is, resp, err := gh.Issues.AddAssignees(ctx, "thanos-io", "thanos", n, []string{"commenter", "stranger", "writer", "alice"})
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("add assignees: %v", err)
	}
	var got []string
	for _, a := range is.Assignees {
		got = append(got, a.GetLogin())
	}
	if strings.Join(got, ",") != "commenter,writer,alice" {
		t.Errorf("assignees = %v", got)
	}
	is, _, err = gh.Issues.RemoveAssignees(ctx, "thanos-io", "thanos", n, []string{"writer"})
	if err != nil || len(is.Assignees) != 2 {
		t.Errorf("remove assignees: %v %v", is.Assignees, err)
	}
	for login, want := range map[string]bool{"writer": true, "maintainer1": true, "triager": true, "stranger": false, "commenter": false} {
		if ok, _, err := gh.Issues.IsAssignee(ctx, "thanos-io", "thanos", login); ok != want || err != nil {
			t.Errorf("IsAssignee(%s) = %v, %v; want %v", login, ok, err, want)
		}
	}
}

func TestAuthorAssociation(t *testing.T) {
	s := fixture(t, Options{})
	s.AddRepo("alice/dotfiles", RepoOptions{})
	s.AddInstallation(33, "alice")
	s.SetFirstTimer("newbie")
	s.AddPull(thanos, Pull{Issue: Issue{Title: "merged", User: "contrib"}, Merged: true})
	s.AddPull(thanos, Pull{Issue: Issue{Title: "open", User: "firsttime"}})
	s.AddPull(thanos, Pull{Issue: Issue{Title: "open", User: "newbie"}})
	s.AddCommit(thanos, Commit{Author: "committer", Message: "fix"})
	tests := []struct {
		repo, user, want string
	}{
		{"alice/dotfiles", "alice", AssocOwner},
		{thanos, "maintainer1", AssocMember},
		{thanos, "writer", AssocCollaborator},
		{thanos, "contrib", AssocContributor},
		{thanos, "committer", AssocContributor},
		{thanos, "firsttime", AssocFirstTimeContributor},
		{thanos, "newbie", AssocFirstTimer},
		{thanos, "nobody", AssocNone},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			n := s.AddIssue(tt.repo, Issue{Title: "x", User: tt.user})
			if is, _ := s.Issue(tt.repo, n); is.AuthorAssociation != tt.want {
				t.Errorf("association = %s, want %s", is.AuthorAssociation, tt.want)
			}
		})
	}
	n := s.AddIssue(thanos, Issue{Title: "x", User: "nobody", AuthorAssociation: AssocFirstTimer})
	if is, _ := s.Issue(thanos, n); is.AuthorAssociation != AssocFirstTimer {
		t.Errorf("seeded association lost: %s", is.AuthorAssociation)
	}
}

func TestPulls(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	n := s.AddPull(thanos, Pull{
		Issue:   Issue{Title: "feat: x", User: "alice", CreatedAt: t0},
		Head:    "feature",
		Files:   []PullFile{{Filename: "pkg/store/a.go", Additions: 10, Deletions: 2}, {Filename: "docs/x.md", Status: "added", Additions: 3}},
		Commits: []Commit{{Message: "one", Date: t0}, {Message: "two", Date: t0.Add(time.Hour)}},
	})
	s.AddPull(thanos, Pull{Issue: Issue{Title: "draft", User: "bob"}, Draft: true})
	s.AddPull(thanos, Pull{Issue: Issue{Title: "old", User: "bob"}, Merged: true, MergedBy: "maintainer1"})
	rv := s.AddReview(thanos, n, Review{User: "maintainer2", State: "CHANGES_REQUESTED", SubmittedAt: t0.Add(2 * time.Hour)})
	s.AddReviewComment(thanos, n, ReviewComment{User: "maintainer2", Body: "nit", Path: "pkg/store/a.go", Line: 3})

	pr, _, err := gh.PullRequests.Get(ctx, "thanos-io", "thanos", n)
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetHead().GetRef() != "feature" || pr.GetBase().GetRef() != "main" || pr.GetAdditions() != 13 || pr.GetChangedFiles() != 2 || pr.GetMerged() || pr.GetAuthorAssociation() != AssocFirstTimeContributor {
		t.Errorf("pull = %+v", pr)
	}
	if p, _ := s.Pull(thanos, n); pr.GetHead().GetSHA() != p.Commits[1].SHA {
		t.Errorf("head sha = %s, want the last commit", pr.GetHead().GetSHA())
	}

	open, _, err := gh.PullRequests.List(ctx, "thanos-io", "thanos", nil)
	if err != nil || len(open) != 2 {
		t.Errorf("open pulls = %d, %v", len(open), err)
	}
	if open[0].Merged != nil {
		t.Errorf("list shape has merged, GitHub's does not")
	}
	closed, _, err := gh.PullRequests.List(ctx, "thanos-io", "thanos", &github.PullRequestListOptions{State: "closed"})
	if err != nil || len(closed) != 1 || closed[0].MergedAt == nil {
		t.Errorf("closed pulls = %v, %v", closed, err)
	}
	byHead, _, err := gh.PullRequests.List(ctx, "thanos-io", "thanos", &github.PullRequestListOptions{Head: "alice:feature"})
	if err != nil || len(byHead) != 1 {
		t.Errorf("by head = %v, %v", byHead, err)
	}

	files, _, err := gh.PullRequests.ListFiles(ctx, "thanos-io", "thanos", n, nil)
	if err != nil || len(files) != 2 || files[1].GetStatus() != "added" || files[0].GetChanges() != 12 {
		t.Errorf("files = %v, %v", files, err)
	}
	commits, _, err := gh.PullRequests.ListCommits(ctx, "thanos-io", "thanos", n, nil)
	if err != nil || len(commits) != 2 || commits[0].GetAuthor().GetLogin() != "alice" {
		t.Errorf("commits = %v, %v", commits, err)
	}
	reviews, _, err := gh.PullRequests.ListReviews(ctx, "thanos-io", "thanos", n, nil)
	if err != nil || len(reviews) != 1 || reviews[0].GetID() != rv || reviews[0].GetState() != "CHANGES_REQUESTED" {
		t.Errorf("reviews = %v, %v", reviews, err)
	}
	rcs, _, err := gh.PullRequests.ListComments(ctx, "thanos-io", "thanos", n, nil)
	if err != nil || len(rcs) != 1 || rcs[0].GetPath() != "pkg/store/a.go" {
		t.Errorf("review comments = %v, %v", rcs, err)
	}

	// Review requests: collaborators and org members only, never the author.
	for _, tt := range []struct {
		req  github.ReviewersRequest
		want int
	}{
		{github.ReviewersRequest{Reviewers: []string{"stranger"}}, 422},
		{github.ReviewersRequest{Reviewers: []string{"alice"}}, 422},
		{github.ReviewersRequest{TeamReviewers: []string{"nope"}}, 422},
		{github.ReviewersRequest{Reviewers: []string{"writer", "maintainer1"}, TeamReviewers: []string{"maintainers"}}, 201},
	} {
		_, resp, err := gh.PullRequests.RequestReviewers(ctx, "thanos-io", "thanos", n, tt.req)
		if got := statusOf(err); (err == nil && resp.StatusCode != tt.want) || (err != nil && got != tt.want) {
			t.Errorf("request %+v: %v, want %d", tt.req, err, tt.want)
		}
	}
	req, _, err := gh.PullRequests.ListReviewers(ctx, "thanos-io", "thanos", n, nil)
	if err != nil || len(req.Users) != 2 || len(req.Teams) != 1 {
		t.Errorf("requested = %v, %v", req, err)
	}
	if _, err := gh.PullRequests.RemoveReviewers(ctx, "thanos-io", "thanos", n, github.ReviewersRequest{Reviewers: []string{"writer"}}); err != nil {
		t.Errorf("remove reviewers: %v", err)
	}
	if p, _ := s.Pull(thanos, n); len(p.RequestedReviewers) != 1 || p.RequestedReviewers[0] != "maintainer1" {
		t.Errorf("requested after removal = %v", p.RequestedReviewers)
	}
}

func TestContents(t *testing.T) {
	s := fixture(t, Options{})
	s.AddRepo("thanos-io/private", RepoOptions{Private: true, Files: map[string]string{"secret.txt": "s3cret"}})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)

	f, _, _, err := gh.Repositories.GetContents(ctx, "thanos-io", "thanos", ".github/mentorbot.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if content, err := f.GetContent(); err != nil || content != "program:\n  name: LFX\n" {
		t.Errorf("content = %q, %v", content, err)
	}
	if !strings.HasPrefix(f.GetDownloadURL(), s.URL()) {
		t.Errorf("download_url = %s, want the simulator", f.GetDownloadURL())
	}
	_, dir, _, err := gh.Repositories.GetContents(ctx, "thanos-io", "thanos", "docs", &github.RepositoryContentGetOptions{Ref: "main"})
	if err != nil || len(dir) != 2 || dir[0].GetName() != "a.md" || dir[1].GetType() != "dir" {
		t.Errorf("dir = %v, %v", dir, err)
	}
	if _, _, _, err := gh.Repositories.GetContents(ctx, "thanos-io", "thanos", "nope.md", nil); statusOf(err) != 404 {
		t.Errorf("missing file: %v", err)
	}
	if _, _, _, err := gh.Repositories.GetContents(ctx, "thanos-io", "thanos", "CONTRIBUTING.md", &github.RepositoryContentGetOptions{Ref: "other"}); statusOf(err) != 404 {
		t.Errorf("other ref: %v", err)
	}
	rc, _, err := gh.Repositories.DownloadContents(ctx, "thanos-io", "private", "secret.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }()
	var sb strings.Builder
	if _, err := fmt.Fprint(&sb, readAll(t, rc)); err != nil || sb.String() != "s3cret" {
		t.Errorf("download = %q", sb.String())
	}
	// Without the token, a private file is not there.
	resp, _ := do(t, s, "GET", "/_raw/thanos-io/private/main/secret.txt", "", "", nil)
	if resp.StatusCode != 404 {
		t.Errorf("anonymous raw download of a private file: %d", resp.StatusCode)
	}
}

func TestCommits(t *testing.T) {
	s := fixture(t, Options{})
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	s.AddCommit(thanos, Commit{Author: "alice", Message: "store: x", Date: t0, Files: []string{"pkg/store/a.go"}})
	s.AddCommit(thanos, Commit{Author: "bob", Message: "query: y", Date: t0.Add(24 * time.Hour), Files: []string{"pkg/query/b.go"}})
	sha := s.AddCommit(thanos, Commit{Author: "alice", Message: "store: z", Date: t0.Add(48 * time.Hour), Files: []string{"pkg/store/c.go", "docs/d.md"}})
	for _, tt := range []struct {
		opts *github.CommitsListOptions
		want []string
	}{
		{&github.CommitsListOptions{}, []string{"store: z", "query: y", "store: x"}},
		{&github.CommitsListOptions{Path: "pkg/store"}, []string{"store: z", "store: x"}},
		{&github.CommitsListOptions{Path: "pkg/store/a.go"}, []string{"store: x"}},
		{&github.CommitsListOptions{Author: "bob"}, []string{"query: y"}},
		{&github.CommitsListOptions{Since: t0.Add(time.Hour)}, []string{"store: z", "query: y"}},
		{&github.CommitsListOptions{Until: t0.Add(time.Hour)}, []string{"store: x"}},
	} {
		got, _, err := gh.Repositories.ListCommits(ctx, "thanos-io", "thanos", tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, c := range got {
			msgs = append(msgs, c.GetCommit().GetMessage())
		}
		if strings.Join(msgs, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%+v: %v, want %v", tt.opts, msgs, tt.want)
		}
	}
	c, _, err := gh.Repositories.GetCommit(ctx, "thanos-io", "thanos", sha, nil)
	if err != nil || len(c.Files) != 2 || c.GetAuthor().GetLogin() != "alice" {
		t.Errorf("get commit = %v, %v", c, err)
	}
}

func TestOrgsAndPermissions(t *testing.T) {
	s := fixture(t, Options{})
	s.AddUser("stranger", "User")
	ctx := context.Background()
	gh := installationClient(t, s, instThanos)
	if ok, _, err := gh.Organizations.IsMember(ctx, "thanos-io", "maintainer1"); !ok || err != nil {
		t.Errorf("member: %v %v", ok, err)
	}
	if ok, _, err := gh.Organizations.IsMember(ctx, "thanos-io", "stranger"); ok || err != nil {
		t.Errorf("non-member: %v %v", ok, err)
	}
	members, _, err := gh.Teams.ListTeamMembersBySlug(ctx, "thanos-io", "maintainers", nil)
	if err != nil || len(members) != 2 {
		t.Errorf("team members = %v, %v", members, err)
	}
	all, _, err := gh.Organizations.ListMembers(ctx, "thanos-io", nil)
	if err != nil || len(all) != 2 {
		t.Errorf("org members = %v, %v", all, err)
	}
	for login, want := range map[string]string{"writer": "write", "triager": "read", "maintainer1": "read", "stranger": "read"} {
		p, _, err := gh.Repositories.GetPermissionLevel(ctx, "thanos-io", "thanos", login)
		if err != nil || p.GetPermission() != want {
			t.Errorf("permission(%s) = %v, %v; want %s", login, p.GetPermission(), err, want)
		}
	}
	if _, _, err := gh.Repositories.GetPermissionLevel(ctx, "thanos-io", "thanos", "ghost"); statusOf(err) != 404 {
		t.Errorf("unknown user permission: %v", err)
	}
	for login, want := range map[string]bool{"writer": true, "maintainer1": true, "stranger": false, "ghost": false} {
		if ok, _, err := gh.Repositories.IsCollaborator(ctx, "thanos-io", "thanos", login); ok != want || err != nil {
			t.Errorf("IsCollaborator(%s) = %v, %v", login, ok, err)
		}
	}
	u, _, err := gh.Users.Get(ctx, "mentorbot[bot]")
	if err != nil || u.GetType() != "Bot" {
		t.Errorf("bot user = %v, %v", u, err)
	}
}
