package ghclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/google/go-github/v60/github"
)

// API is every GitHub operation mentorbot's jobs make, other than writing
// their own text (comments, issues and edits of bodies go through
// writeonce). It is what job.Env and job.Installation carry instead of a
// *github.Client. No job takes API as a whole: each job declares the few
// methods it needs as an interface of its own (as Prow's plugins declare a
// githubClient), which API satisfies, and its unit tests use a small
// recording fake of that interface.
//
// Listing methods read every page up to the bound they name; the client's
// ETag cache makes a re-read of an unchanged page a 304, which costs no
// rate limit, and the client's coalescing transport (see Coalesce) turns
// identical reads in flight at once into one request.
type API interface {
	// SearchIssues runs one page of an issue search. It returns the
	// response too: searches are paced (Pacer.Observe) and paginated by the
	// caller.
	SearchIssues(ctx context.Context, query string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error)
	// Timeline reads a PR's or issue's timeline (at most 1,000 entries),
	// with each entry's author_association.
	Timeline(ctx context.Context, owner, repo string, number int) ([]TimelineEntry, error)
	// Comments lists an issue's comments, oldest first, updated at or
	// after since (zero: all), at most maxPages pages of 100 (0: all).
	Comments(ctx context.Context, owner, repo string, number int, since time.Time, maxPages int) ([]*github.IssueComment, error)
	// Reviews lists a pull request's reviews.
	Reviews(ctx context.Context, owner, repo string, number int) ([]*github.PullRequestReview, error)
	// Issue reads one issue or pull request.
	Issue(ctx context.Context, owner, repo string, number int) (*github.Issue, error)
	// IssueEvents lists an issue's event log (assigned, labeled, ...).
	IssueEvents(ctx context.Context, owner, repo string, number int) ([]*github.IssueEvent, error)
	// PullFiles and PullCommits list a pull request's files and commits, at
	// most maxPages pages of 100.
	PullFiles(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.CommitFile, error)
	PullCommits(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.RepositoryCommit, error)
	// ListPulls lists one page of a repository's pull requests.
	ListPulls(ctx context.Context, owner, repo string, opts *github.PullRequestListOptions) ([]*github.PullRequest, *github.Response, error)
	// Commits lists one page of a repository's commits.
	Commits(ctx context.Context, owner, repo string, opts *github.CommitsListOptions) ([]*github.RepositoryCommit, error)
	// Contents reads a file (file set) or lists a directory (dir set) of
	// the default branch; a 404 is an error (IsNotFound).
	Contents(ctx context.Context, owner, repo, path string) (file *github.RepositoryContent, dir []*github.RepositoryContent, err error)
	// OrgMembers and TeamMembers list logins, at most maxPages pages of 100.
	OrgMembers(ctx context.Context, org string, maxPages int) ([]string, error)
	TeamMembers(ctx context.Context, org, slug string, maxPages int) ([]string, error)
	// IsOrgMember, IsCollaborator and Permission say what a person may do;
	// Permission is "admin", "maintain", "write", "triage", "read" or
	// "none" ("none" too when GitHub answers 404).
	IsOrgMember(ctx context.Context, org, login string) (bool, error)
	IsCollaborator(ctx context.Context, owner, repo, login string) (bool, error)
	Permission(ctx context.Context, owner, repo, login string) (string, error)
	// User reads a user; a 404 is an error (IsNotFound).
	User(ctx context.Context, login string) (*github.User, error)

	// AddLabels, RemoveLabel and EnsureLabel manage labels (see labels.go
	// for why they do not use go-github's own calls).
	AddLabels(ctx context.Context, owner, repo string, number int, labels ...string) ([]*github.Label, error)
	RemoveLabel(ctx context.Context, owner, repo string, number int, name string) error
	EnsureLabel(ctx context.Context, owner, repo string, l github.Label) error
	// AddAssignees and RemoveAssignees return the issue afterwards.
	AddAssignees(ctx context.Context, owner, repo string, number int, logins []string) (*github.Issue, error)
	RemoveAssignees(ctx context.Context, owner, repo string, number int, logins []string) (*github.Issue, error)
	// RequestReviewers asks people to review a pull request.
	RequestReviewers(ctx context.Context, owner, repo string, number int, logins []string) error
}

// TimelineEntry is a timeline entry with the author_association GitHub sends
// on comments and reviews, which go-github's Timeline leaves out.
type TimelineEntry struct {
	github.Timeline
	AuthorAssociation string `json:"author_association,omitempty"`
}

// GitHub implements API over one installation's client; jobs reach the
// client only through it.
type GitHub struct {
	c *github.Client
}

var _ API = (*GitHub)(nil)

// New returns the API of an installation client.
func New(c *github.Client) *GitHub { return &GitHub{c: c} }

// SearchIssues implements API.
func (g *GitHub) SearchIssues(ctx context.Context, q string, opts *github.SearchOptions) (*github.IssuesSearchResult, *github.Response, error) {
	res, resp, err := g.c.Search.Issues(ctx, q, opts)
	if err != nil {
		return nil, resp, fmt.Errorf("search issues %q: %w", q, err)
	}
	return res, resp, nil
}

// timelinePages bounds a timeline read: 1,000 entries is months of a busy PR.
const timelinePages = 10

// Timeline implements API.
func (g *GitHub) Timeline(ctx context.Context, owner, repo string, number int) ([]TimelineEntry, error) {
	out, err := All(timelinePages, func(page int) ([]TimelineEntry, *github.Response, error) {
		// go-github's ListIssueTimeline decodes no author_association:
		// this is its request (URL and Accept header) decoded into
		// TimelineEntry.
		u := fmt.Sprintf("repos/%s/%s/issues/%d/timeline?page=%d&per_page=100", url.PathEscape(owner), url.PathEscape(repo), number, page)
		req, err := g.c.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Accept", "application/vnd.github.mockingbird-preview+json, application/vnd.github.starfox-preview+json")
		var es []TimelineEntry
		resp, err := g.c.Do(ctx, req, &es)
		return es, resp, err
	})
	if err != nil {
		return nil, fmt.Errorf("read the timeline of %s/%s#%d: %w", owner, repo, number, err)
	}
	return out, nil
}

// Comments implements API. Every job that looks for its markers reads
// comments this way.
func (g *GitHub) Comments(ctx context.Context, owner, repo string, number int, since time.Time, maxPages int) ([]*github.IssueComment, error) {
	opts := &github.IssueListCommentsOptions{}
	if !since.IsZero() {
		opts.Since = &since
	}
	out, err := All(maxPages, func(page int) ([]*github.IssueComment, *github.Response, error) {
		opts.ListOptions = github.ListOptions{PerPage: 100, Page: page}
		return g.c.Issues.ListComments(ctx, owner, repo, number, opts)
	})
	if err != nil {
		return nil, fmt.Errorf("list comments of %s/%s#%d: %w", owner, repo, number, err)
	}
	return out, nil
}

// Reviews implements API.
func (g *GitHub) Reviews(ctx context.Context, owner, repo string, number int) ([]*github.PullRequestReview, error) {
	out, err := All(0, func(page int) ([]*github.PullRequestReview, *github.Response, error) {
		return g.c.PullRequests.ListReviews(ctx, owner, repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("list reviews of %s/%s#%d: %w", owner, repo, number, err)
	}
	return out, nil
}

// Issue implements API.
func (g *GitHub) Issue(ctx context.Context, owner, repo string, number int) (*github.Issue, error) {
	is, _, err := g.c.Issues.Get(ctx, owner, repo, number)
	if err != nil {
		return nil, fmt.Errorf("read %s/%s#%d: %w", owner, repo, number, err)
	}
	return is, nil
}

// IssueEvents implements API.
func (g *GitHub) IssueEvents(ctx context.Context, owner, repo string, number int) ([]*github.IssueEvent, error) {
	out, err := All(0, func(page int) ([]*github.IssueEvent, *github.Response, error) {
		return g.c.Issues.ListIssueEvents(ctx, owner, repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("list events of %s/%s#%d: %w", owner, repo, number, err)
	}
	return out, nil
}

// PullFiles implements API.
func (g *GitHub) PullFiles(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.CommitFile, error) {
	out, err := All(maxPages, func(page int) ([]*github.CommitFile, *github.Response, error) {
		return g.c.PullRequests.ListFiles(ctx, owner, repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("list files of %s/%s#%d: %w", owner, repo, number, err)
	}
	return out, nil
}

// PullCommits implements API.
func (g *GitHub) PullCommits(ctx context.Context, owner, repo string, number, maxPages int) ([]*github.RepositoryCommit, error) {
	out, err := All(maxPages, func(page int) ([]*github.RepositoryCommit, *github.Response, error) {
		return g.c.PullRequests.ListCommits(ctx, owner, repo, number, &github.ListOptions{PerPage: 100, Page: page})
	})
	if err != nil {
		return nil, fmt.Errorf("list commits of %s/%s#%d: %w", owner, repo, number, err)
	}
	return out, nil
}

// ListPulls implements API.
func (g *GitHub) ListPulls(ctx context.Context, owner, repo string, opts *github.PullRequestListOptions) ([]*github.PullRequest, *github.Response, error) {
	prs, resp, err := g.c.PullRequests.List(ctx, owner, repo, opts)
	if err != nil {
		return nil, resp, fmt.Errorf("list pull requests of %s/%s: %w", owner, repo, err)
	}
	return prs, resp, nil
}

// Commits implements API.
func (g *GitHub) Commits(ctx context.Context, owner, repo string, opts *github.CommitsListOptions) ([]*github.RepositoryCommit, error) {
	cs, _, err := g.c.Repositories.ListCommits(ctx, owner, repo, opts)
	if err != nil {
		return nil, fmt.Errorf("list commits of %s/%s: %w", owner, repo, err)
	}
	return cs, nil
}

// Contents implements API.
func (g *GitHub) Contents(ctx context.Context, owner, repo, path string) (*github.RepositoryContent, []*github.RepositoryContent, error) {
	file, dir, _, err := g.c.Repositories.GetContents(ctx, owner, repo, path, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s/%s:%s: %w", owner, repo, path, err)
	}
	return file, dir, nil
}

// OrgMembers implements API.
func (g *GitHub) OrgMembers(ctx context.Context, org string, maxPages int) ([]string, error) {
	us, err := All(maxPages, func(page int) ([]*github.User, *github.Response, error) {
		return g.c.Organizations.ListMembers(ctx, org, &github.ListMembersOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("list members of %s: %w", org, err)
	}
	return logins(us), nil
}

// TeamMembers implements API.
func (g *GitHub) TeamMembers(ctx context.Context, org, slug string, maxPages int) ([]string, error) {
	us, err := All(maxPages, func(page int) ([]*github.User, *github.Response, error) {
		return g.c.Teams.ListTeamMembersBySlug(ctx, org, slug, &github.TeamListTeamMembersOptions{ListOptions: github.ListOptions{PerPage: 100, Page: page}})
	})
	if err != nil {
		return nil, fmt.Errorf("list members of team %s/%s: %w", org, slug, err)
	}
	return logins(us), nil
}

func logins(us []*github.User) []string {
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.GetLogin())
	}
	return out
}

// IsOrgMember implements API.
func (g *GitHub) IsOrgMember(ctx context.Context, org, login string) (bool, error) {
	ok, _, err := g.c.Organizations.IsMember(ctx, org, login)
	if err != nil && !IsNotFound(err) {
		return false, fmt.Errorf("check membership of %s in %s: %w", login, org, err)
	}
	return ok, nil
}

// IsCollaborator implements API.
func (g *GitHub) IsCollaborator(ctx context.Context, owner, repo, login string) (bool, error) {
	ok, _, err := g.c.Repositories.IsCollaborator(ctx, owner, repo, login)
	if err != nil && !IsNotFound(err) {
		return false, fmt.Errorf("check collaborator %s on %s/%s: %w", login, owner, repo, err)
	}
	return ok, nil
}

// Permission implements API.
func (g *GitHub) Permission(ctx context.Context, owner, repo, login string) (string, error) {
	perm, _, err := g.c.Repositories.GetPermissionLevel(ctx, owner, repo, login)
	if IsNotFound(err) {
		return "none", nil
	}
	if err != nil {
		return "", fmt.Errorf("check permission of %s on %s/%s: %w", login, owner, repo, err)
	}
	return perm.GetPermission(), nil
}

// User implements API.
func (g *GitHub) User(ctx context.Context, login string) (*github.User, error) {
	u, _, err := g.c.Users.Get(ctx, login)
	if err != nil {
		return nil, fmt.Errorf("look up user %s: %w", login, err)
	}
	return u, nil
}

// AddAssignees implements API.
func (g *GitHub) AddAssignees(ctx context.Context, owner, repo string, number int, logins []string) (*github.Issue, error) {
	is, _, err := g.c.Issues.AddAssignees(ctx, owner, repo, number, logins)
	if err != nil {
		return nil, fmt.Errorf("assign %v to %s/%s#%d: %w", logins, owner, repo, number, err)
	}
	return is, nil
}

// RemoveAssignees implements API.
func (g *GitHub) RemoveAssignees(ctx context.Context, owner, repo string, number int, logins []string) (*github.Issue, error) {
	is, _, err := g.c.Issues.RemoveAssignees(ctx, owner, repo, number, logins)
	if err != nil {
		return nil, fmt.Errorf("unassign %v from %s/%s#%d: %w", logins, owner, repo, number, err)
	}
	return is, nil
}

// RequestReviewers implements API.
func (g *GitHub) RequestReviewers(ctx context.Context, owner, repo string, number int, logins []string) error {
	if _, _, err := g.c.PullRequests.RequestReviewers(ctx, owner, repo, number, github.ReviewersRequest{Reviewers: logins}); err != nil {
		return fmt.Errorf("request reviews of %v on %s/%s#%d: %w", logins, owner, repo, number, err)
	}
	return nil
}
