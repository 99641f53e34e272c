package welcome

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// fakeGitHub records every call and answers from small maps; through
// issuesOf it also serves writeonce's calls for the welcome's Writer.
type fakeGitHub struct {
	ghclienttest.Recorder
	mu       sync.Mutex
	files    map[string][]string // "owner/repo" -> paths
	search   *github.IssuesSearchResult
	comments []*github.IssueComment // on every item
	created  []string
	written  map[int][]*github.IssueComment // comments the bot wrote, by item
	nextID   int64
	tracking *policy.IssueRef
}

func (f *fakeGitHub) SearchIssues(_ context.Context, q string, _ *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error) {
	f.Record("%s", "search "+q)
	if f.search == nil {
		return &github.IssuesSearchResult{Total: github.Int(0)}, &github.Response{}, nil
	}
	return f.search, &github.Response{}, nil
}

func (f *fakeGitHub) Contents(_ context.Context, owner, repo, path string) (*github.RepositoryContent, []*github.RepositoryContent, error) {
	f.Record("%s", "list "+owner+"/"+repo+"/"+path)
	paths, ok := f.files[owner+"/"+repo]
	if !ok {
		return nil, nil, ghclienttest.Status(http.StatusNotFound)
	}
	out, err := ghclienttest.Dir(owner, repo, paths, path)
	return nil, out, err
}

func (f *fakeGitHub) ListComments(_ context.Context, _, _ string, n int, _ *github.IssueListCommentsOptions) ([]*github.IssueComment, *github.Response, error) {
	f.Record("%s", "comments")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append(append([]*github.IssueComment(nil), f.comments...), f.written[n]...), &github.Response{}, nil
}

func (f *fakeGitHub) CreateComment(_ context.Context, owner, repo string, n int, c *github.IssueComment) (*github.IssueComment, *github.Response, error) {
	f.Record("%s", fmt.Sprintf("comment %s/%s#%d", owner, repo, n))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.created = append(f.created, c.GetBody())
	f.nextID++
	cm := &github.IssueComment{ID: github.Int64(f.nextID), Body: c.Body, User: &github.User{Login: github.String("mentorbot[bot]")}}
	if f.written == nil {
		f.written = map[int][]*github.IssueComment{}
	}
	f.written[n] = append(f.written[n], cm)
	return cm, &github.Response{}, nil
}

// issuesOf is the part of the issues API the welcome's writes use; any
// other call panics (the embedded interface is nil).
type issuesOf struct {
	writeonce.Issues
	f *fakeGitHub
}

func (i issuesOf) ListComments(ctx context.Context, owner, repo string, n int, o *github.IssueListCommentsOptions) ([]*github.IssueComment, *github.Response, error) {
	return i.f.ListComments(ctx, owner, repo, n, o)
}

func (i issuesOf) CreateComment(ctx context.Context, owner, repo string, n int, c *github.IssueComment) (*github.IssueComment, *github.Response, error) {
	return i.f.CreateComment(ctx, owner, repo, n, c)
}

func (f *fakeGitHub) gh() GitHub {
	return GitHub{Search: f, Contents: f, Write: writeonce.New(issuesOf{f: f}, "mentorbot[bot]"),
		Tracking: func(context.Context, policy.Policy, string) (policy.IssueRef, bool, error) {
			f.Record("%s", "tracking")
			if f.tracking == nil {
				return policy.IssueRef{}, false, nil
			}
			return *f.tracking, true, nil
		}}
}

func TestFindGuide(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string][]string
		want  string
		calls int
	}{
		{"root", map[string][]string{"o/r": {"CONTRIBUTING.md", ".github/CONTRIBUTING.md", "docs/x.md"}}, "https://github.com/o/r/blob/main/CONTRIBUTING.md", 1},
		{"lower-case root", map[string][]string{"o/r": {"contributing.md"}}, "https://github.com/o/r/blob/main/contributing.md", 1},
		{".github", map[string][]string{"o/r": {"README.md", ".github/CONTRIBUTING.md", "docs/CONTRIBUTING.md"}}, "https://github.com/o/r/blob/main/.github/CONTRIBUTING.md", 2},
		{"docs", map[string][]string{"o/r": {"README.md", "docs/CONTRIBUTING.md"}}, "https://github.com/o/r/blob/main/docs/CONTRIBUTING.md", 2},
		{"org .github", map[string][]string{"o/r": {"README.md"}, "o/.github": {"CONTRIBUTING.md"}}, "https://github.com/o/.github/blob/main/CONTRIBUTING.md", 2},
		{"org .github docs", map[string][]string{"o/r": {"README.md"}, "o/.github": {"profile/README.md", "docs/CONTRIBUTING.md"}}, "https://github.com/o/.github/blob/main/docs/CONTRIBUTING.md", 3},
		{"none", map[string][]string{"o/r": {"README.md", ".github/workflows/ci.yml"}}, "", 3},
		{"empty repo, no org repo", map[string][]string{}, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeGitHub{files: tc.files}
			got, err := FindGuide(context.Background(), f, "o", "r")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("FindGuide = %q, want %q", got, tc.want)
			}
			if len(f.Calls()) != tc.calls {
				t.Errorf("%d calls (%v), want %d", len(f.Calls()), f.Calls(), tc.calls)
			}
		})
	}
}

func runEnv(p policy.Policy, now time.Time) job.Env {
	return job.Env{Owner: "o", Repo: "r", Policy: p, Now: now, Bot: job.Identity{Slug: "mentorbot"}}
}

// Run makes one search and one comment for a welcome when the guide is
// configured; a second run for the same author is answered from memory
// until the memory expires, then by the search.
func TestRunCallsAndMemory(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := policy.Default()
	p.Program.ContributingURL = "https://example.com/CONTRIBUTING.md"
	it := Item{Owner: "o", Repo: "r", Number: 3, PullRequest: true, Author: "newbie", Association: AssocFirstTimeContributor}
	f := &fakeGitHub{}
	at := now
	j := New(func() time.Time { return at })
	if err := j.Run(context.Background(), f.gh(), runEnv(p, now), it); err != nil {
		t.Fatal(err)
	}
	want := []string{`search repo:o/r is:pr author:newbie in:comments "mentorbot:welcome"`, "comment o/r#3", "comments"}
	if !slices.Equal(f.Calls(), want) || len(f.created) != 1 {
		t.Fatalf("calls %q, want %q: the search, then the comment and the settling read (no look before writing)", f.Calls(), want)
	}
	if !strings.Contains(f.created[0], "https://example.com/CONTRIBUTING.md") {
		t.Errorf("welcome lacks the guide:\n%s", f.created[0])
	}

	// Immediately again (a redelivery, or a second PR before the index
	// caught up): nothing, not even a search.
	f.Take()
	at = now.Add(time.Minute)
	if err := j.Run(context.Background(), f.gh(), runEnv(p, at), it); err != nil {
		t.Fatal(err)
	}
	if len(f.Calls()) != 0 {
		t.Errorf("calls %v, want none", f.Calls())
	}

	// Later, the search finds the welcome, and the bot's own comment
	// confirms it.
	f.Take()
	f.search = &github.IssuesSearchResult{Total: github.Int(1), Issues: []*github.Issue{{Number: github.Int(3)}}}
	at = now.Add(RecentTTL)
	if err := j.Run(context.Background(), f.gh(), runEnv(p, at), it); err != nil {
		t.Fatal(err)
	}
	if len(f.Calls()) != 2 || len(f.created) != 1 {
		t.Errorf("calls %v, created %d; want one search and one look at the comments, no second welcome", f.Calls(), len(f.created))
	}
}

// A stranger who types the marker on a newcomer's pull request does not
// suppress the welcome: the search finds the text, the bot's comments do
// not have it.
func TestRunStrangerMarker(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := policy.Default()
	p.Program.ContributingURL = "https://example.com/CONTRIBUTING.md"
	it := Item{Owner: "o", Repo: "r", Number: 3, PullRequest: true, Author: "newbie", Association: AssocFirstTimeContributor}
	f := &fakeGitHub{
		search:   &github.IssuesSearchResult{Total: github.Int(1), Issues: []*github.Issue{{Number: github.Int(3)}}},
		comments: []*github.IssueComment{{ID: github.Int64(50), User: &github.User{Login: github.String("stranger")}, Body: github.String(Marker())}},
		nextID:   100,
	}
	if err := New(nil).Run(context.Background(), f.gh(), runEnv(p, now), it); err != nil {
		t.Fatal(err)
	}
	if len(f.created) != 1 {
		t.Errorf("%d welcomes (calls %v), want 1", len(f.created), f.Calls())
	}
}

func TestRunGuideCached(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	f := &fakeGitHub{files: map[string][]string{"o/r": {"CONTRIBUTING.md"}}}
	j := New(nil)
	for i, author := range []string{"a", "b"} {
		f.Take()
		it := Item{Owner: "o", Repo: "r", Number: i + 1, PullRequest: true, Author: author, Association: AssocFirstTimer}
		if err := j.Run(context.Background(), f.gh(), runEnv(policy.Default(), now), it); err != nil {
			t.Fatal(err)
		}
		want := 4 - i // search, (list root), comment, settle
		if len(f.Calls()) != want {
			t.Errorf("welcome %d: calls %v, want %d", i+1, f.Calls(), want)
		}
	}
}

func TestRunOrgScope(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := policy.Default()
	p.Welcome.Scope = "org"
	p.Program.ContributingURL = "https://example.com/C.md"
	it := Item{Owner: "o", Repo: "r", OwnerIsOrg: true, Number: 3, PullRequest: true, Author: "newbie", Association: AssocFirstTimeContributor}
	self := &github.Issue{Number: github.Int(3), RepositoryURL: github.String("https://api.github.com/repos/o/r"), Comments: github.Int(1)}
	for _, tc := range []struct {
		name     string
		search   *github.IssuesSearchResult
		comments []*github.IssueComment
		want     int
	}{
		{"elsewhere in the org", &github.IssuesSearchResult{Total: github.Int(1), Issues: []*github.Issue{{Number: github.Int(9), RepositoryURL: github.String("https://api.github.com/repos/o/other")}}}, nil, 0},
		{"only this one, commented by a human", &github.IssuesSearchResult{Total: github.Int(1), Issues: []*github.Issue{self}}, []*github.IssueComment{{User: &github.User{Login: github.String("someone")}, Body: github.String("nice <!-- mentorbot:welcome -->")}}, 1},
		{"only this one, welcomed", &github.IssuesSearchResult{Total: github.Int(1), Issues: []*github.Issue{self}}, []*github.IssueComment{{User: &github.User{Login: github.String("mentorbot[bot]")}, Body: github.String("hi\n" + Marker())}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeGitHub{search: tc.search, comments: tc.comments}
			if err := New(nil).Run(context.Background(), f.gh(), runEnv(p, now), it); err != nil {
				t.Fatal(err)
			}
			if len(f.created) != tc.want {
				t.Errorf("%d welcomes (calls %v), want %d", len(f.created), f.Calls(), tc.want)
			}
			if !strings.HasPrefix(f.Calls()[0], "search org:o is:pr author:newbie") {
				t.Errorf("first call %q, want the org search", f.Calls()[0])
			}
		})
	}
}

func TestRunMentee(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := policy.Default()
	start, _ := policy.ParseDate("2026-09-01")
	end, _ := policy.ParseDate("2026-11-30")
	p.Mentees = []policy.Mentee{{Login: "Alice", Start: start, End: end}}
	ref := policy.IssueRef{Owner: "o", Repo: "r", Number: 70}
	f := &fakeGitHub{tracking: &ref}
	it := Item{Owner: "o", Repo: "r", Number: 3, PullRequest: true, Author: "alice", Association: AssocFirstTimeContributor}
	if err := New(nil).Run(context.Background(), f.gh(), runEnv(p, now), it); err != nil {
		t.Fatal(err)
	}
	if len(f.created) != 1 || !strings.Contains(f.created[0], "tracked in o/r#70") {
		t.Fatalf("want the mentee welcome, got calls %v:\n%v", f.Calls(), f.created)
	}
	if len(f.Calls()) != 4 {
		t.Errorf("calls %v, want search, tracking, then comment and settle", f.Calls())
	}
	// After the term: the generic welcome.
	f = &fakeGitHub{tracking: &ref, files: map[string][]string{}}
	if err := New(nil).Run(context.Background(), f.gh(), runEnv(p, now.AddDate(0, 2, 0)), it); err != nil {
		t.Fatal(err)
	}
	if len(f.created) != 1 || strings.Contains(f.created[0], "tracked in") {
		t.Errorf("want the generic welcome after the term:\n%v", f.created)
	}
}

// Two deliveries for the same author at once write one welcome.
func TestRunConcurrent(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := policy.Default()
	p.Program.ContributingURL = "https://example.com/C.md"
	f := &fakeGitHub{}
	j := New(nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := Item{Owner: "o", Repo: "r", Number: 3, PullRequest: true, Author: "newbie", Association: AssocFirstTimer}
			if err := j.Run(context.Background(), f.gh(), runEnv(p, now), it); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(f.created) != 1 {
		t.Errorf("%d welcomes, want 1", len(f.created))
	}
}

// A stranger's copy of the marker on one of the author's items does not
// hide the bot's welcome on another: the search asks for several results,
// and each is checked for the bot's own welcome.
func TestRunStrangerMarkerOnAnotherItem(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	p := policy.Default()
	p.Program.ContributingURL = "https://example.com/CONTRIBUTING.md"
	it := Item{Owner: "o", Repo: "r", Number: 3, PullRequest: true, Author: "newbie", Association: AssocFirstTimeContributor}
	f := &fakeGitHub{
		// The index shows #2 first (a stranger pasted the marker there),
		// then #1, where the bot welcomed newbie.
		search:   &github.IssuesSearchResult{Total: github.Int(2), Issues: []*github.Issue{{Number: github.Int(2)}, {Number: github.Int(1)}}},
		comments: []*github.IssueComment{{ID: github.Int64(50), User: &github.User{Login: github.String("stranger")}, Body: github.String(Marker())}},
		written:  map[int][]*github.IssueComment{1: {{ID: github.Int64(7), User: &github.User{Login: github.String("mentorbot[bot]")}, Body: github.String("Welcome!\n" + Marker())}}},
		nextID:   100,
	}
	if err := New(nil).Run(context.Background(), f.gh(), runEnv(p, now), it); err != nil {
		t.Fatal(err)
	}
	if len(f.created) != 0 {
		t.Errorf("welcomed again (calls %v): the bot's welcome on #1 was missed", f.Calls())
	}
}
