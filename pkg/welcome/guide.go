package welcome

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
)

// OrgRepo is the organisation's community health repository, whose
// CONTRIBUTING.md GitHub shows for every repository without its own.
const OrgRepo = ".github"

// guideDirs are where a repository's contributing guide may live, in the
// order they are looked at: the root, then .github/, then docs/.
var guideDirs = []string{"", ".github", "docs"}

// Contents reads a repository directory; ghclient.API does.
type Contents interface {
	Contents(ctx context.Context, owner, repo, path string) (*github.RepositoryContent, []*github.RepositoryContent, error)
}

// isGuide reports whether a file name is a contributing guide as GitHub
// recognises it: CONTRIBUTING with an optional .md, .rst or .txt extension,
// in any case.
func isGuide(name string) bool {
	base := strings.ToLower(name)
	for _, ext := range []string{".md", ".markdown", ".rst", ".txt"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base == "contributing"
}

// FindGuide returns the web URL of the contributing guide of owner/repo:
// its own CONTRIBUTING file (root, .github/ or docs/), else the one of the
// owner's .github repository, else "". Directory listings are read rather
// than guessed file paths, so that the usual case (a guide at the root)
// costs one request, names match in any case, and a directory that does not
// exist costs nothing.
func FindGuide(ctx context.Context, c Contents, owner, repo string) (string, error) {
	u, err := repoGuide(ctx, c, owner, repo)
	if err != nil || u != "" || strings.EqualFold(repo, OrgRepo) {
		return u, err
	}
	return repoGuide(ctx, c, owner, OrgRepo)
}

func repoGuide(ctx context.Context, c Contents, owner, repo string) (string, error) {
	var dirs map[string]bool
	for _, dir := range guideDirs {
		if dir != "" && !dirs[dir] {
			continue
		}
		_, entries, err := c.Contents(ctx, owner, repo, dir)
		if err != nil {
			if ghclient.IsNotFound(err) {
				// No such repository (or not visible to the installation),
				// or an empty one: no guide there.
				return "", nil
			}
			return "", fmt.Errorf("list %s/%s/%s for a contributing guide: %w", owner, repo, dir, err)
		}
		if dir == "" {
			dirs = map[string]bool{}
		}
		for _, e := range entries {
			switch {
			case e.GetType() == "file" && isGuide(e.GetName()):
				if u := webURL(e.GetHTMLURL()); u != "" {
					return u, nil
				}
			case e.GetType() == "dir" && dir == "":
				dirs[e.GetName()] = true
			}
		}
	}
	return "", nil
}

// webURL returns u when it is an absolute http(s) URL, else "": nothing
// else may become a link in a welcome.
func webURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	if strings.ContainsAny(u, " ()<>\"'`") {
		return ""
	}
	return p.String()
}
