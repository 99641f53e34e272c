package learnings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
)

// Commands handles `/meetup present <title>` and `/meetup withdraw`.
//
// Who may use them: a mentee of the roster, on their own tracking issue or
// on the planning issue. Anyone else gets a short reply and nothing
// changes.
type Commands struct {
	// mu serialises agenda rewrites within this process, so that two
	// commands handled at once do not overwrite each other's talk. Each
	// rewrite also re-reads the body right before writing it.
	mu sync.Mutex
}

// NewCommands returns the /meetup command job.
func NewCommands() *Commands { return &Commands{} }

func isMeetup(n commands.Name) bool {
	return n == commands.MeetupPresent || n == commands.MeetupWithdraw
}

// OnIssueComment implements handlers.IssueCommentJob.
func (j *Commands) OnIssueComment(ctx context.Context, env job.Env, ev *github.IssueCommentEvent) error {
	cmds, perr := commands.Parse(ev.GetComment().GetBody())
	var cmd *commands.Command
	for i := range cmds {
		if isMeetup(cmds[i].Name) {
			cmd = &cmds[i] // the last one wins, as it would in a conversation
		}
	}
	var pe *commands.ParseError
	badLine := errors.As(perr, &pe) && isMeetup(pe.Name)
	if cmd == nil && !badLine {
		return nil
	}
	issue, comment := ev.GetIssue(), ev.GetComment()
	commenter := comment.GetUser().GetLogin()
	here := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: issue.GetNumber()}
	log := zerolog.Ctx(ctx).With().Str("commenter", commenter).Logger()
	w := env.Write
	reply := func(body string) error {
		_, err := w.CommentOnce(ctx, here, commands.ReplyMarkerKind, strconv.FormatInt(comment.GetID(), 10), body)
		return err
	}
	if cmd == nil {
		log.Info().Err(perr).Msg("meetup command not understood, replying")
		return reply(commands.ErrorReply(perr, commenter, comment.GetID()))
	}
	p := env.Policy
	m, isMentee := p.Mentee(commenter)
	slug := Slug(p.Program.Name)
	onPlanning := env.Bot.IsSelf(issue.GetUser().GetLogin()) && markers.Has(issue.GetBody(), MeetupMarkerKind, slug)
	onOwn := false
	if isMentee && !onPlanning {
		ref, ok, err := tracking.Find(ctx, env.Write, p, m.Login)
		if err != nil {
			return fmt.Errorf("find tracking issue of %s: %w", m.Login, err)
		}
		onOwn = ok && sameIssue(ref, here)
	}
	if !isMentee || (!onPlanning && !onOwn) {
		log.Info().Str("command", string(cmd.Name)).Msg("meetup command by someone who may not use it here, replying")
		return reply(commands.DeniedReply(cmd.Name, commenter, comment.GetID()))
	}
	if !p.Meetup.Enabled {
		return reply(NoMeetupReply(commenter, false, comment.GetID()))
	}
	issues, ok, err := listBotIssues(ctx, env.Write, p)
	if err != nil {
		return err
	}
	var planning *github.Issue
	if ok {
		planning = issues.find(MeetupMarkerKind, slug)
	}
	if planning == nil {
		return reply(NoMeetupReply(commenter, true, comment.GetID()))
	}
	ref := issues.refOf(planning)

	j.mu.Lock()
	defer j.mu.Unlock()
	if cmd.Name == commands.MeetupWithdraw {
		removed := false
		if _, err := w.MergeIssueBody(ctx, ref, func(body string) (string, error) {
			out, r, err := RemoveTalk(body, m.Login)
			// The check after the write finds nothing left to remove.
			removed = removed || r
			return out, err
		}); err != nil {
			return err
		}
		log.Info().Bool("removed", removed).Str("planning", ref.String()).Msg("meetup talk withdrawn")
		return reply(WithdrawReply(commenter, planning.GetHTMLURL(), removed, comment.GetID()))
	}

	talk := Talk{Login: m.Login, Title: cmd.Title()}
	ticked := false
	written, err := w.MergeIssueBody(ctx, ref, func(body string) (string, error) {
		out, err := AddTalk(body, talk)
		// The check after the write finds the box ticked already.
		ticked = ticked || err == nil && !InterestTicked(body) && InterestTicked(out)
		return out, err
	})
	if err != nil {
		return err
	}
	a, err := ReadAgenda(written)
	if err != nil {
		return fmt.Errorf("read agenda of %s: %w", ref, err)
	}
	pos := len(a.Talks)
	for i, t := range a.Talks {
		if strings.EqualFold(t.Login, m.Login) {
			pos = i + 1
		}
	}
	log.Info().Int("position", pos).Bool("ticked", ticked).Str("planning", ref.String()).Msg("meetup talk on the agenda")
	return reply(PresentReply(commenter, talk.Title, planning.GetHTMLURL(), pos, ticked, comment.GetID()))
}

func sameIssue(a, b policy.IssueRef) bool {
	return strings.EqualFold(a.Owner, b.Owner) && strings.EqualFold(a.Repo, b.Repo) && a.Number == b.Number
}
