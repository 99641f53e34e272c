// Package writeoncetest is an in-memory GitHub for the write primitive:
// Issues implements writeonce.Issues over comments and issues kept in
// memory, across repositories, and records every call. Unit tests of a job
// put the real writeonce.Writer over it (writeonce.New(issues, Bot)) and
// assert on what GitHub would hold afterwards, with no simulator.
package writeoncetest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Bot is the login the fake writes as.
const Bot = "mentorbot[bot]"

// Issues is a recording, in-memory writeonce.Issues. It is safe for
// concurrent use.
type Issues struct {
	mu       sync.Mutex
	calls    []string
	comments map[string][]*github.IssueComment // by "owner/repo#n"
	issues   map[string][]*github.Issue        // by "owner/repo"
	nextID   int64
	// FailWrites makes every create and edit fail with this status (0:
	// never), to test how a job reports a write GitHub refused.
	FailWrites int
	// Now, when set, dates the comments written (a job that counts from
	// its own comment's date needs it).
	Now func() time.Time
}

// New returns an empty GitHub.
func New() *Issues {
	return &Issues{comments: map[string][]*github.IssueComment{}, issues: map[string][]*github.Issue{}, nextID: 100}
}

func key(owner, repo string, n int) string {
	return strings.ToLower(fmt.Sprintf("%s/%s#%d", owner, repo, n))
}
func repoKey(owner, repo string) string { return strings.ToLower(owner + "/" + repo) }

func (f *Issues) call(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// Calls returns the calls made so far, e.g. "create comment o/r#3".
func (f *Issues) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Writes returns the calls that changed something.
func (f *Issues) Writes() []string {
	var out []string
	for _, c := range f.Calls() {
		if !strings.HasPrefix(c, "list ") && !strings.HasPrefix(c, "get ") {
			out = append(out, c)
		}
	}
	return out
}

// AddComment puts a comment by login on ref, as if written earlier.
func (f *Issues) AddComment(ref policy.IssueRef, login, body string) *github.IssueComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addComment(ref.Owner, ref.Repo, ref.Number, login, body)
}

func (f *Issues) addComment(owner, repo string, n int, login, body string) *github.IssueComment {
	f.nextID++
	cm := &github.IssueComment{
		ID: github.Int64(f.nextID), Body: github.String(body), User: &github.User{Login: github.String(login)},
		HTMLURL: github.String(fmt.Sprintf("https://github.com/%s/%s/issues/%d#issuecomment-%d", owner, repo, n, f.nextID)),
	}
	if f.Now != nil {
		cm.CreatedAt = &github.Timestamp{Time: f.Now()}
	}
	k := key(owner, repo, n)
	f.comments[k] = append(f.comments[k], cm)
	return cm
}

// AddIssue opens an issue by login, as if opened earlier.
func (f *Issues) AddIssue(owner, repo, login, title, body string) *github.Issue {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addIssue(owner, repo, login, title, body)
}

func (f *Issues) addIssue(owner, repo, login, title, body string) *github.Issue {
	rk := repoKey(owner, repo)
	n := len(f.issues[rk]) + 1
	is := &github.Issue{
		Number: github.Int(n), Title: github.String(title), Body: github.String(body), State: github.String("open"),
		User:    &github.User{Login: github.String(login)},
		HTMLURL: github.String(fmt.Sprintf("https://github.com/%s/%s/issues/%d", owner, repo, n)),
	}
	f.issues[rk] = append(f.issues[rk], is)
	return is
}

// Comments returns the comments on ref, oldest first.
func (f *Issues) Comments(ref policy.IssueRef) []*github.IssueComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return copies(f.comments[key(ref.Owner, ref.Repo, ref.Number)])
}

// Marked returns the bodies of the bot's comments on ref carrying kind.
func (f *Issues) Marked(ref policy.IssueRef, kind string) []string {
	var out []string
	for _, cm := range f.Comments(ref) {
		if _, ok := markers.Find(cm.GetBody(), kind); ok && cm.GetUser().GetLogin() == Bot {
			out = append(out, cm.GetBody())
		}
	}
	return out
}

// Issues returns the issues of owner/repo, lowest number first.
func (f *Issues) Issues(owner, repo string) []*github.Issue {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*github.Issue(nil), f.issues[repoKey(owner, repo)]...)
}

func (f *Issues) refused() error {
	if f.FailWrites == 0 {
		return nil
	}
	return ghclienttest.Status(f.FailWrites)
}

func notFound() error { return ghclienttest.Status(http.StatusNotFound) }

// ListComments implements writeonce.Issues.
func (f *Issues) ListComments(_ context.Context, owner, repo string, n int, _ *github.IssueListCommentsOptions) ([]*github.IssueComment, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("list comments %s/%s#%d", owner, repo, n)
	return copies(f.comments[key(owner, repo, n)]), &github.Response{}, nil
}

// CreateComment implements writeonce.Issues.
func (f *Issues) CreateComment(_ context.Context, owner, repo string, n int, c *github.IssueComment) (*github.IssueComment, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("create comment %s/%s#%d", owner, repo, n)
	if err := f.refused(); err != nil {
		return nil, nil, err
	}
	cm := *f.addComment(owner, repo, n, Bot, c.GetBody())
	return &cm, &github.Response{}, nil
}

// EditComment implements writeonce.Issues.
func (f *Issues) EditComment(_ context.Context, owner, repo string, id int64, c *github.IssueComment) (*github.IssueComment, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("edit comment %d", id)
	if err := f.refused(); err != nil {
		return nil, nil, err
	}
	for _, cs := range f.comments {
		for _, cm := range cs {
			if cm.GetID() == id {
				cm.Body = github.String(c.GetBody())
				return &github.IssueComment{ID: cm.ID, Body: cm.Body, User: cm.User, HTMLURL: cm.HTMLURL}, &github.Response{}, nil
			}
		}
	}
	return nil, nil, notFound()
}

// DeleteComment implements writeonce.Issues.
func (f *Issues) DeleteComment(_ context.Context, owner, repo string, id int64) (*github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("delete comment %d", id)
	for k, cs := range f.comments {
		for i, cm := range cs {
			if cm.GetID() == id {
				f.comments[k] = append(cs[:i:i], cs[i+1:]...)
				return &github.Response{}, nil
			}
		}
	}
	return nil, notFound()
}

// ListByRepo implements writeonce.Issues (creator and state filters only).
func (f *Issues) ListByRepo(_ context.Context, owner, repo string, o *github.IssueListByRepoOptions) ([]*github.Issue, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("list issues %s/%s", owner, repo)
	var out []*github.Issue
	for _, is := range f.issues[repoKey(owner, repo)] {
		if o != nil && o.Creator != "" && !strings.EqualFold(is.GetUser().GetLogin(), o.Creator) {
			continue
		}
		if o != nil && o.State != "" && o.State != "all" && o.State != is.GetState() {
			continue
		}
		out = append(out, copyOf(is))
	}
	return out, &github.Response{}, nil
}

// Get implements writeonce.Issues.
func (f *Issues) Get(_ context.Context, owner, repo string, n int) (*github.Issue, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("get issue %s/%s#%d", owner, repo, n)
	for _, is := range f.issues[repoKey(owner, repo)] {
		if is.GetNumber() == n {
			return copyOf(is), &github.Response{}, nil
		}
	}
	return nil, nil, notFound()
}

// Create implements writeonce.Issues.
func (f *Issues) Create(_ context.Context, owner, repo string, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("create issue %s/%s %q", owner, repo, r.GetTitle())
	if err := f.refused(); err != nil {
		return nil, nil, err
	}
	is := f.addIssue(owner, repo, Bot, r.GetTitle(), r.GetBody())
	if r.Assignees != nil {
		for _, a := range *r.Assignees {
			is.Assignees = append(is.Assignees, &github.User{Login: github.String(a)})
		}
	}
	return copyOf(is), &github.Response{}, nil
}

// Edit implements writeonce.Issues.
func (f *Issues) Edit(_ context.Context, owner, repo string, n int, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("edit issue %s/%s#%d", owner, repo, n)
	if err := f.refused(); err != nil {
		return nil, nil, err
	}
	for _, is := range f.issues[repoKey(owner, repo)] {
		if is.GetNumber() == n {
			if r.Body != nil {
				is.Body = r.Body
			}
			if r.State != nil {
				is.State = r.State
			}
			if r.Title != nil {
				is.Title = r.Title
			}
			return copyOf(is), &github.Response{}, nil
		}
	}
	return nil, nil, notFound()
}

// copies and copyOf hand out copies, so that a caller reading what it got
// does not race with a later edit under the lock.
func copies(cs []*github.IssueComment) []*github.IssueComment {
	out := make([]*github.IssueComment, len(cs))
	for i, c := range cs {
		cc := *c
		out[i] = &cc
	}
	return out
}

func copyOf(is *github.Issue) *github.Issue {
	c := *is
	return &c
}
