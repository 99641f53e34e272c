package app

import (
	"context"

	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/welcome"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// wireWelcome adds the welcome job (job 3): first pull requests, and first
// issues when welcome.issues is set. A mentee's tracking issue may live in
// another org of a shared programme: the welcome reads it with the app's
// installation there.
func (a *App) wireWelcome(js *jobSet) {
	w := welcome.New(a.opts.Now)
	w.OpenedOn = func(ctx context.Context, owner, botLogin string) (tracking.Opened, error) {
		c, err := a.remote.forOwner(ctx, owner)
		if err != nil || c == nil {
			return nil, err
		}
		return writeonce.For(c, botLogin), nil
	}
	js.pullRequest = append(js.pullRequest, w)
	js.issues = append(js.issues, w)
}
