package handlers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/turn"
)

// IssueComment handles issue_comment events: it parses each new comment's
// slash commands once and routes them to the jobs that run them (see
// CommandJob), answering in one reply.
type IssueComment struct {
	Base
	// Commands run the commands, in this order.
	Commands []CommandJob
}

var _ githubapp.EventHandler = (*IssueComment)(nil)

// Handles implements githubapp.EventHandler.
func (h *IssueComment) Handles() []string { return []string{"issue_comment"} }

// Handle implements githubapp.EventHandler.
func (h *IssueComment) Handle(ctx context.Context, _, _ string, payload []byte) error {
	var ev github.IssueCommentEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("parse issue_comment event: %w", err)
	}
	// Only new comments run commands: editing an old comment must not run
	// it again.
	if ev.GetAction() != "created" {
		return nil
	}
	if turn.IsBotUser(ev.GetSender()) || turn.IsBotUser(ev.GetComment().GetUser()) {
		zerolog.Ctx(ctx).Debug().Str("sender", ev.GetSender().GetLogin()).Msg("comment by a bot, ignoring")
		return nil
	}
	cmds, perr := commands.Parse(ev.GetComment().GetBody())
	if len(cmds) == 0 && perr == nil {
		// Most comments hold no command: they cost no token and no policy.
		return nil
	}
	ctx, env, err := h.env(ctx, ev.GetInstallation().GetID(), ev.GetRepo(), ev.GetIssue().GetNumber())
	if err != nil {
		return done(err)
	}
	return route(ctx, env, h.Commands, invocationOf(&ev, env.Owner, env.Repo), cmds, perr)
}

// invocationOf is what every command of the event's comment shares: who
// wrote it and on what. The command itself is set by route.
func invocationOf(ev *github.IssueCommentEvent, owner, repo string) commands.Invocation {
	issue, comment := ev.GetIssue(), ev.GetComment()
	assignees := make([]string, len(issue.Assignees))
	for i, a := range issue.Assignees {
		assignees[i] = a.GetLogin()
	}
	return commands.Invocation{
		Commenter:   comment.GetUser().GetLogin(),
		Association: comment.GetAuthorAssociation(),
		CommentID:   comment.GetID(),
		Issue: commands.Issue{
			Ref:         policy.IssueRef{Owner: owner, Repo: repo, Number: issue.GetNumber()},
			Title:       issue.GetTitle(),
			Labels:      ghclient.LabelNames(issue.Labels),
			Assignees:   assignees,
			PullRequest: issue.IsPullRequest(),
			Author:      issue.GetUser().GetLogin(),
			Body:        issue.GetBody(),
		},
	}
}
