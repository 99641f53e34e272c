package mentees

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/cache"
	"github.com/thanos-community/mentorbot/pkg/job"
)

// The colours and descriptions of the labels the bot creates when a
// repository lacks them. GitHub limits descriptions to 100 characters.
const (
	MenteePRColor       = "7057ff"
	MenteePRDescription = "Pull request by a mentee of the mentorship programme, or closing a mentee task"

	MenteeTaskColor       = "0e8a16"
	MenteeTaskDescription = "A good task for a mentee of the mentorship programme"
)

// labeller adds labels, creating them in the repository first when they
// are missing. Labels it knows exist cost no request.
type labeller struct {
	exists *cache.Cache[struct{}]
}

func newLabeller(now func() time.Time) *labeller {
	return &labeller{exists: cache.New(cache.Options[struct{}]{Size: 10000, TTL: time.Hour, Now: now})}
}

func labelKey(env job.Env, name string) string {
	return strings.ToLower(strconv.FormatInt(env.InstallationID, 10) + "/" + env.Owner + "/" + env.Repo + "/" + name)
}

// add puts the label on issue or PR number of env's repository. Names with
// "/", spaces and colons ("GSoC/Community Bridge/LFX", "component: store")
// are escaped by ghclient and sent in the documented {"labels": [...]} body.
func (l *labeller) add(ctx context.Context, env job.Env, number int, name, color, desc string) error {
	// A burst of PRs in one repository creates the label once: the others
	// wait for that one request.
	_, err := l.exists.GetOrLoad(ctx, labelKey(env, name), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, env.GitHub.EnsureLabel(ctx, env.Owner, env.Repo, github.Label{
			Name: github.String(name), Color: github.String(color), Description: github.String(desc),
		})
	})
	if err != nil {
		return err
	}
	_, err = env.GitHub.AddLabels(ctx, env.Owner, env.Repo, number, name)
	return err
}
