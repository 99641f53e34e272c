package tracking

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// PostOptions tune PostOnce.
type PostOptions struct {
	// KnownAbsent skips the look-up: the caller knows the issue has no such
	// comment (it was just opened, or has no comments at all).
	KnownAbsent bool
	// Verify lists the comments again after posting and deletes our own
	// comment when an earlier one with the same marker exists, for writes
	// that concurrent runs (two sweeps, two replicas) may race on.
	Verify bool
}

// PostOnce comments body on the issue unless a comment by the bot already
// carries the marker kind:key. body must carry that marker (it is appended
// when missing). It reports whether this call's comment is the one that
// stays.
func PostOnce(ctx context.Context, c *github.Client, ref policy.IssueRef, botLogin, kind, key, body string, o PostOptions) (bool, error) {
	if !markers.Has(body, kind, key) {
		body = strings.TrimRight(body, "\n") + "\n\n" + markers.New(kind, key) + "\n"
	}
	if !o.KnownAbsent {
		ids, err := markedComments(ctx, c, ref, botLogin, kind, key)
		if err != nil {
			return false, err
		}
		if len(ids) > 0 {
			return false, nil
		}
	}
	cm, _, err := c.Issues.CreateComment(ctx, ref.Owner, ref.Repo, ref.Number, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return false, fmt.Errorf("comment %s:%s on %s: %w", kind, key, ref, err)
	}
	if !o.Verify || cm.GetID() == 0 {
		return true, nil
	}
	ids, err := markedComments(ctx, c, ref, botLogin, kind, key)
	if err != nil {
		return true, err
	}
	if len(ids) > 0 && ids[0] < cm.GetID() {
		// Someone else's copy came first: ours goes.
		if _, err := c.Issues.DeleteComment(ctx, ref.Owner, ref.Repo, cm.GetID()); err != nil {
			return true, fmt.Errorf("delete duplicate comment %d (%s:%s) on %s: %w", cm.GetID(), kind, key, ref, err)
		}
		return false, nil
	}
	return true, nil
}

// EditMarked rewrites, in place, the bot's comment on the issue that carries
// kind:key, when it exists and says something else. It reports whether such
// a comment exists (and now says body).
func EditMarked(ctx context.Context, c *github.Client, ref policy.IssueRef, botLogin, kind, key, body string) (bool, error) {
	comments, err := ghclient.Comments(ctx, c, ref.Owner, ref.Repo, ref.Number, 0)
	if err != nil {
		return false, err
	}
	for _, cm := range comments {
		if !strings.EqualFold(cm.GetUser().GetLogin(), botLogin) || !markers.Has(cm.GetBody(), kind, key) {
			continue
		}
		if cm.GetBody() == body {
			return true, nil
		}
		if _, _, err := c.Issues.EditComment(ctx, ref.Owner, ref.Repo, cm.GetID(), &github.IssueComment{Body: github.String(body)}); err != nil {
			return false, fmt.Errorf("edit comment %s:%s on %s: %w", kind, key, ref, err)
		}
		return true, nil
	}
	return false, nil
}

// markedComments returns the ids of the bot's comments on the issue that
// carry kind:key, lowest first (GitHub lists comments oldest first).
func markedComments(ctx context.Context, c *github.Client, ref policy.IssueRef, botLogin, kind, key string) ([]int64, error) {
	comments, err := ghclient.Comments(ctx, c, ref.Owner, ref.Repo, ref.Number, 0)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, cm := range comments {
		if strings.EqualFold(cm.GetUser().GetLogin(), botLogin) && markers.Has(cm.GetBody(), kind, key) {
			ids = append(ids, cm.GetID())
		}
	}
	return ids, nil
}

// Checklist posts the onboarding checklist on the mentee's tracking issue
// unless it is there already. warning is set when the policy's custom
// template could not be used (the built-in checklist was posted instead).
func (t *Tracker) Checklist(ctx context.Context, m policy.Mentee, is Issue) (posted bool, warning, err error) {
	body, warning := onboarding.Checklist(onboarding.NewData(t.Policy, m), t.Policy.Program.Onboarding)
	if is.Ref.Number == 0 {
		return false, warning, nil // dry run: the issue was not opened
	}
	posted, err = PostOnce(ctx, t.Client, is.Ref, t.BotLogin, onboarding.KindOnboarding, onboarding.Key(m.Login), body, PostOptions{
		KnownAbsent: is.Opened || (is.CommentsKnown && is.Comments == 0),
		Verify:      true,
	})
	return posted, warning, err
}
