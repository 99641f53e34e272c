package digest

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// trackedBy returns the mentee whose tracking issue is ref: the roster's
// tracking_issue, or an issue the bot opened in program.tracking_repo with
// that mentee's tracking marker in its body.
func trackedBy(p policy.Policy, ref policy.IssueRef, is *github.Issue, bot job.Identity) (policy.Mentee, bool) {
	for _, m := range p.Mentees {
		if r, ok := m.TrackingIssueRef(); ok {
			if strings.EqualFold(r.Owner, ref.Owner) && strings.EqualFold(r.Repo, ref.Repo) && r.Number == ref.Number {
				return m, true
			}
			continue
		}
		if !strings.EqualFold(p.Program.TrackingRepo, ref.Owner+"/"+ref.Repo) || !bot.IsSelf(is.GetUser().GetLogin()) {
			continue
		}
		if onboarding.IsTrackingIssue(is.GetBody(), m.Login) {
			return m, true
		}
	}
	return policy.Mentee{}, false
}

func mayPreview(m policy.Mentee, login string) bool {
	if strings.EqualFold(m.Login, login) {
		return true
	}
	for _, mentor := range m.Mentors {
		if strings.EqualFold(mentor, login) {
			return true
		}
	}
	return false
}

// OnIssueComment answers `/mentorbot digest` on a tracking issue: the mentee
// and their mentors get a preview of this week's digest at once (marked as a
// preview, so it neither replaces nor suppresses the weekly digest); anyone
// else, or the command anywhere but a tracking issue, gets a short, polite
// reply. Each command comment is answered once: the reply carries its id.
func (s *Sweep) OnIssueComment(ctx context.Context, env job.Env, ev *github.IssueCommentEvent) error {
	cmds, _ := commands.Parse(ev.GetComment().GetBody())
	asked := false
	for _, c := range cmds {
		if c.Name == commands.Digest {
			asked = true
		}
	}
	if !asked {
		return nil
	}
	log := zerolog.Ctx(ctx)
	ref := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: ev.GetIssue().GetNumber()}
	commentID := ev.GetComment().GetID()
	// Gathering a preview costs searches: look for the reply first.
	_, answered, err := env.Write.FindComment(ctx, ref, commands.ReplyMarkerKind, strconv.FormatInt(commentID, 10))
	if err != nil {
		return err
	}
	if answered {
		log.Debug().Int64("comment", commentID).Msg("digest preview already answered")
		return nil
	}
	login := ev.GetComment().GetUser().GetLogin()
	m, ok := trackedBy(env.Policy, ref, ev.GetIssue(), env.Bot)
	if ev.GetIssue().IsPullRequest() || !ok || !mayPreview(m, login) {
		log.Info().Str("commenter", login).Bool("tracking_issue", ok).Msg("digest preview refused")
		return reply(ctx, env, ref, commentID, commands.DeniedReply(commands.Digest, login, commentID))
	}

	sched, err := NewSchedule(env.Policy.Digest)
	if err != nil {
		return fmt.Errorf("digest schedule: %w", err)
	}
	// The preview covers the digest that will be posted next, up to now.
	p := sched.Latest(sched.Next(env.Now))
	if env.Now.Before(p.To) {
		p.To = env.Now
	}
	src := s.source(env.GitHub, env.InstallationID, env.Owner, nil, env.Policy, ref)
	if s.Peers != nil && src.Qualifier != "" {
		// The weekly digest counts every org of a shared programme; so does
		// its preview.
		peers, err := s.Peers(ctx, env.InstallationID)
		if err != nil {
			return fmt.Errorf("find the programme's other installations: %w", err)
		}
		s.addPeers(src, peers, env.Policy, ref)
	}
	d, err := src.Week(ctx, m.Login, p.From, p.To, since(m, p.From, sched.loc()), env.Now)
	if err != nil {
		return fmt.Errorf("gather activity for the preview: %w", err)
	}
	d.Period = p
	d.Channels = env.Policy.Program.Channels
	body := RenderPreview(d) + markers.New(commands.ReplyMarkerKind, strconv.FormatInt(commentID, 10)) + "\n"
	log.Info().Str("mentee", m.Login).Int("searches", src.Searches).Int("calls", src.Calls).Msg("digest preview posted")
	return reply(ctx, env, ref, commentID, body)
}

// reply answers the command comment commentID once (its reply marker).
func reply(ctx context.Context, env job.Env, ref policy.IssueRef, commentID int64, body string) error {
	if _, err := env.Write.CommentOnce(ctx, ref, commands.ReplyMarkerKind, strconv.FormatInt(commentID, 10), body); err != nil {
		return fmt.Errorf("reply on %s: %w", ref, err)
	}
	return nil
}
