package app

import (
	"context"

	"github.com/thanos-community/mentorbot/pkg/welcome"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
)

// wireWelcome adds the welcome job (job 3): first pull requests, and first
// issues when welcome.issues is set. A mentee's tracking issue may live in
// another org of a shared programme: the welcome reads it with the app's
// installation there.
func (a *App) wireWelcome(js *jobSet) {
	w := welcome.New(a.opts.Now)
	w.WritersOn = a.writersOn
	js.pullRequest = append(js.pullRequest, w)
	js.issues = append(js.issues, w)
}

// writersOn is the write primitive of the app's installation on owner,
// acting as botLogin; nil, nil when the app is not installed there. Jobs
// reach the tracking issues of a programme shared by several orgs with it
// (tracking.WriterFor).
func (a *App) writersOn(ctx context.Context, owner, botLogin string) (writeonce.Interface, error) {
	c, err := a.remote.forOwner(ctx, owner)
	if err != nil || c == nil {
		return nil, err
	}
	return writeonce.For(c, botLogin), nil
}
