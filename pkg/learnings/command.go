package learnings

import (
	"context"
	"fmt"
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

// Commands runs `/meetup present <title>` and `/meetup withdraw`, which
// add and remove the commenter's talk on the Mentees Meetup's agenda. It
// implements handlers.CommandJob; MayUse says who may use them, and anyone
// else gets a short reply and nothing changes.
type Commands struct {
	// mu serialises agenda rewrites within this process, so that two
	// commands handled at once do not overwrite each other's talk. Each
	// rewrite also re-reads the body right before writing it.
	mu sync.Mutex
}

// NewCommands returns the /meetup command job.
func NewCommands() *Commands { return &Commands{} }

// Commands implements handlers.CommandJob.
func (j *Commands) Commands() []commands.Name {
	return []commands.Name{commands.MeetupPresent, commands.MeetupWithdraw}
}

// MayUse implements handlers.CommandJob. A mentee of the roster may use
// /meetup on the meetup planning issue (the one the bot opened, with the
// programme's meetup marker) and on their own tracking issue, which costs
// the look-up of that issue unless the command is on the planning issue.
// Nobody else may, nor anywhere else.
func (j *Commands) MayUse(ctx context.Context, env job.Env, inv commands.Invocation) (commands.Verdict, error) {
	p := env.Policy
	m, ok := p.Mentee(inv.Commenter)
	if !ok {
		return commands.Verdict{}, nil
	}
	if env.Bot.IsSelf(inv.Issue.Author) && markers.Has(inv.Issue.Body, MeetupMarkerKind, Slug(p.Program.Name)) {
		return commands.Verdict{Allowed: true}, nil
	}
	own, ok, err := tracking.Find(ctx, env.Write, p, m.Login)
	if err != nil {
		return commands.Verdict{}, fmt.Errorf("find tracking issue of %s: %w", m.Login, err)
	}
	return commands.Verdict{Allowed: ok && sameIssue(own, inv.Issue.Ref)}, nil
}

// OnCommand implements handlers.CommandJob: it adds or removes the talk on
// the planning issue's agenda and says where the talk stands, or says that
// no meetup is being planned.
func (j *Commands) OnCommand(ctx context.Context, env job.Env, inv commands.Invocation) (string, error) {
	p, commenter := env.Policy, inv.Commenter
	log := zerolog.Ctx(ctx).With().Str("commenter", commenter).Logger()
	if !p.Meetup.Enabled {
		return NoMeetupReply(commenter, false, inv.CommentID), nil
	}
	issues, ok, err := listBotIssues(ctx, env.Write, p)
	if err != nil {
		return "", err
	}
	var planning *github.Issue
	if ok {
		planning = issues.find(MeetupMarkerKind, Slug(p.Program.Name))
	}
	if planning == nil {
		return NoMeetupReply(commenter, true, inv.CommentID), nil
	}
	ref := issues.refOf(planning)
	// The roster's spelling of the login, which the agenda shows.
	m, _ := p.Mentee(commenter)

	j.mu.Lock()
	defer j.mu.Unlock()
	w := env.Write
	if inv.Command.Name == commands.MeetupWithdraw {
		removed := false
		if _, err := w.MergeIssueBody(ctx, ref, func(body string) (string, error) {
			out, r, err := RemoveTalk(body, m.Login)
			// The check after the write finds nothing left to remove.
			removed = removed || r
			return out, err
		}); err != nil {
			return "", err
		}
		log.Info().Bool("removed", removed).Str("planning", ref.String()).Msg("meetup talk withdrawn")
		return WithdrawReply(commenter, planning.GetHTMLURL(), removed, inv.CommentID), nil
	}

	talk := Talk{Login: m.Login, Title: inv.Command.Title()}
	ticked := false
	written, err := w.MergeIssueBody(ctx, ref, func(body string) (string, error) {
		out, err := AddTalk(body, talk)
		// The check after the write finds the box ticked already.
		ticked = ticked || err == nil && !InterestTicked(body) && InterestTicked(out)
		return out, err
	})
	if err != nil {
		return "", err
	}
	a, err := ReadAgenda(written)
	if err != nil {
		return "", fmt.Errorf("read agenda of %s: %w", ref, err)
	}
	pos := len(a.Talks)
	for i, t := range a.Talks {
		if strings.EqualFold(t.Login, m.Login) {
			pos = i + 1
		}
	}
	log.Info().Int("position", pos).Bool("ticked", ticked).Str("planning", ref.String()).Msg("meetup talk on the agenda")
	return PresentReply(commenter, talk.Title, planning.GetHTMLURL(), pos, ticked, inv.CommentID), nil
}

func sameIssue(a, b policy.IssueRef) bool {
	return strings.EqualFold(a.Owner, b.Owner) && strings.EqualFold(a.Repo, b.Repo) && a.Number == b.Number
}
