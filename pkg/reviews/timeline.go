package reviews

import (
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
)

// MarkedComment returns the oldest of bot's comments carrying the marker
// kind:key, or nil.
func MarkedComment(cs []*github.IssueComment, bot job.Identity, kind, key string) *github.IssueComment {
	for _, c := range cs {
		if bot.IsSelf(c.GetUser().GetLogin()) && markers.Has(c.GetBody(), kind, key) {
			return c
		}
	}
	return nil
}

// SuggestedIn reads the suggested logins back from the bot's own reminder
// (lines "- @login: reasons"), for the escalation to name them again.
func SuggestedIn(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "- @")
		if !ok {
			continue
		}
		login, _, ok := strings.Cut(rest, ":")
		if ok && login != "" && !strings.ContainsAny(login, " \t`") {
			out = append(out, login)
		}
	}
	return out
}
