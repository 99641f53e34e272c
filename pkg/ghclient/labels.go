package ghclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"
)

// go-github v60 sends AddLabelsToIssue as a bare JSON array (GitHub's
// description defines {"labels": [...]}) and puts label names into paths
// unescaped, which breaks on real names like "GSoC/Community Bridge/LFX".
// These methods of GitHub use the documented forms.

// AddLabels adds labels to an issue or PR and returns its labels afterwards.
func (g *GitHub) AddLabels(ctx context.Context, owner, repo string, number int, labels ...string) ([]*github.Label, error) {
	u := fmt.Sprintf("repos/%s/%s/issues/%d/labels", url.PathEscape(owner), url.PathEscape(repo), number)
	req, err := g.c.NewRequest(http.MethodPost, u, struct {
		Labels []string `json:"labels"`
	}{labels})
	if err != nil {
		return nil, fmt.Errorf("add labels %q to %s/%s#%d: %w", labels, owner, repo, number, err)
	}
	var out []*github.Label
	if _, err := g.c.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("add labels %q to %s/%s#%d: %w", labels, owner, repo, number, err)
	}
	return out, nil
}

// RemoveLabel removes a label from an issue or PR; a label that is not there
// is not an error.
func (g *GitHub) RemoveLabel(ctx context.Context, owner, repo string, number int, name string) error {
	u := fmt.Sprintf("repos/%s/%s/issues/%d/labels/%s", url.PathEscape(owner), url.PathEscape(repo), number, url.PathEscape(name))
	req, err := g.c.NewRequest(http.MethodDelete, u, nil)
	if err != nil {
		return fmt.Errorf("remove label %q from %s/%s#%d: %w", name, owner, repo, number, err)
	}
	if _, err := g.c.Do(ctx, req, nil); err != nil && !IsNotFound(err) {
		return fmt.Errorf("remove label %q from %s/%s#%d: %w", name, owner, repo, number, err)
	}
	return nil
}

// EnsureLabel creates the repository label when it is missing. It reads
// first, so an existing label costs no write.
func (g *GitHub) EnsureLabel(ctx context.Context, owner, repo string, l github.Label) error {
	u := fmt.Sprintf("repos/%s/%s/labels/%s", url.PathEscape(owner), url.PathEscape(repo), url.PathEscape(l.GetName()))
	req, err := g.c.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("get label %q of %s/%s: %w", l.GetName(), owner, repo, err)
	}
	_, err = g.c.Do(ctx, req, nil)
	if err == nil {
		return nil
	}
	if !IsNotFound(err) {
		return fmt.Errorf("get label %q of %s/%s: %w", l.GetName(), owner, repo, err)
	}
	if _, _, err := g.c.Issues.CreateLabel(ctx, owner, repo, &l); err != nil {
		// Another replica may have created it in between.
		if IsStatus(err, http.StatusUnprocessableEntity) {
			return nil
		}
		return fmt.Errorf("create label %q in %s/%s: %w", l.GetName(), owner, repo, err)
	}
	return nil
}

// IsNotFound reports whether err is GitHub's 404.
func IsNotFound(err error) bool { return IsStatus(err, http.StatusNotFound) }

// IsStatus reports whether err is a GitHub API answer with status code.
func IsStatus(err error, code int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == code
}

// HasLabel reports whether names holds label, compared as GitHub compares
// label names (case-insensitively).
func HasLabel(names []string, label string) bool {
	for _, n := range names {
		if strings.EqualFold(n, label) {
			return true
		}
	}
	return false
}

// LabelNames returns the names of labels.
func LabelNames(labels []*github.Label) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = l.GetName()
	}
	return out
}

// RepoOf returns "owner/name" of the repository an issue or pull request
// belongs to: its repository's full name when GitHub sent it, else the
// last two segments of its repository_url (search results carry only that).
func RepoOf(is *github.Issue) string {
	if r := is.GetRepository(); r != nil && r.GetFullName() != "" {
		return r.GetFullName()
	}
	return RepoOfURL(is.GetRepositoryURL())
}

// RepoOfURL returns "owner/name" from a repository's API URL
// (https://api.github.com/repos/owner/name, or a GitHub Enterprise one).
func RepoOfURL(apiURL string) string {
	parts := strings.Split(strings.Trim(apiURL, "/"), "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}
