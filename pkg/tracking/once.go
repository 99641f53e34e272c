package tracking

import (
	"context"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Once returns an Opened that lists each repository once: a run that looks
// up every mentee's tracking issue (the digest, the learnings, the
// dashboard) then costs one listing of the tracking repository, not one per
// mentee. Use it for one run that opens no tracking issue itself (the
// Tracker, which does, keeps its own list); it is not safe for concurrent
// use.
func Once(o Opened) Opened { return newOnce(o) }

func newOnce(o Opened) *once { return &once{o: o, lists: map[string][]*github.Issue{}} }

type once struct {
	o     Opened
	lists map[string][]*github.Issue
}

// forget makes the next look-up list owner/repo again (after opening an
// issue there).
func (c *once) forget(owner, repo string) { delete(c.lists, strings.ToLower(owner+"/"+repo)) }

func (c *once) OpenedByBot(ctx context.Context, owner, repo string) ([]*github.Issue, error) {
	key := strings.ToLower(owner + "/" + repo)
	if is, ok := c.lists[key]; ok {
		return is, nil
	}
	is, err := c.o.OpenedByBot(ctx, owner, repo)
	if err != nil {
		return nil, err
	}
	c.lists[key] = is
	return is, nil
}
