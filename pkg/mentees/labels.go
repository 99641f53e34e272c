package mentees

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// The colours and descriptions of the labels the bot creates when a
// repository lacks them. GitHub limits descriptions to 100 characters.
const (
	MenteePRColor       = "7057ff"
	MenteePRDescription = "Pull request by a mentee of the mentorship programme, or closing a mentee task"

	MenteeTaskColor       = "0e8a16"
	MenteeTaskDescription = "A good task for a mentee of the mentorship programme"
)

// Labels is what putting a label on an issue or pull request takes: creating
// the label in the repository when it is missing, then adding it.
// ghclient.API implements it.
type Labels interface {
	EnsureLabel(ctx context.Context, owner, repo string, l github.Label) error
	AddLabels(ctx context.Context, owner, repo string, number int, labels ...string) ([]*github.Label, error)
}

// labeller adds labels, creating them in the repository first when they
// are missing. Labels it knows exist cost no request.
type labeller struct {
	exists *cache.Cache[struct{}]
}

func newLabeller(now func() time.Time) *labeller {
	return &labeller{exists: cache.New(cache.Options[struct{}]{Size: 10000, TTL: time.Hour, Now: now})}
}

// addTo puts the label on the issue or pull request ref, as installation
// instID sees it. Names with "/", spaces and colons ("GSoC/Community
// Bridge/LFX", "component: store") are escaped by ghclient and sent in the
// documented {"labels": [...]} body.
func (l *labeller) addTo(ctx context.Context, gh Labels, instID int64, ref policy.IssueRef, label github.Label) error {
	// A burst of PRs in one repository creates the label once: the others
	// wait for that one request.
	key := strings.ToLower(strconv.FormatInt(instID, 10) + "/" + ref.Owner + "/" + ref.Repo + "/" + label.GetName())
	_, err := l.exists.GetOrLoad(ctx, key, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, gh.EnsureLabel(ctx, ref.Owner, ref.Repo, label)
	})
	if err != nil {
		return err
	}
	_, err = gh.AddLabels(ctx, ref.Owner, ref.Repo, ref.Number, label.GetName())
	return err
}
