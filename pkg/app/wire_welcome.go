package app

import "github.com/thanos-community/mentorbot/pkg/welcome"

// wireWelcome adds the welcome job (job 3): first pull requests, and first
// issues when welcome.issues is set.
func (a *App) wireWelcome(js *jobSet) {
	w := welcome.New(a.opts.Now)
	w.ClientFor = a.remote.forOwner
	js.pullRequest = append(js.pullRequest, w)
	js.issues = append(js.issues, w)
}
