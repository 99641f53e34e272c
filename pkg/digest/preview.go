package digest

import (
	"context"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// trackedBy returns the mentee whose tracking issue is the invocation's
// issue: the roster's tracking_issue, or an issue the bot opened in
// program.tracking_repo with that mentee's tracking marker in its body.
func trackedBy(p policy.Policy, is commands.Issue, bot job.Identity) (policy.Mentee, bool) {
	ref := is.Ref
	for _, m := range p.Mentees {
		if r, ok := m.TrackingIssueRef(); ok {
			if strings.EqualFold(r.Owner, ref.Owner) && strings.EqualFold(r.Repo, ref.Repo) && r.Number == ref.Number {
				return m, true
			}
			continue
		}
		if !strings.EqualFold(p.Program.TrackingRepo, ref.Owner+"/"+ref.Repo) || !bot.IsSelf(is.Author) {
			continue
		}
		if onboarding.IsTrackingIssue(is.Body, m.Login) {
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

// Commands implements handlers.CommandJob: `/mentorbot digest`, the
// preview of this week's digest.
func (s *Sweep) Commands() []commands.Name { return []commands.Name{commands.Digest} }

// MayUse implements handlers.CommandJob. /mentorbot digest may be used on
// a mentee's tracking issue (see trackedBy), by that mentee and by their
// mentors; nowhere else (a pull request included) and by nobody else. It
// asks GitHub nothing.
func (s *Sweep) MayUse(_ context.Context, env job.Env, inv commands.Invocation) (commands.Verdict, error) {
	m, ok := trackedBy(env.Policy, inv.Issue, env.Bot)
	return commands.Verdict{Allowed: !inv.Issue.PullRequest && ok && mayPreview(m, inv.Commenter)}, nil
}

// OnCommand implements handlers.CommandJob: it answers `/mentorbot digest`
// with a preview of this week's digest, at once (marked as a preview, so it
// neither replaces nor suppresses the weekly digest). Each command comment
// is answered once: the reply carries its id.
func (s *Sweep) OnCommand(ctx context.Context, env job.Env, inv commands.Invocation) (string, error) {
	log := zerolog.Ctx(ctx)
	ref := inv.Issue.Ref
	// Gathering a preview costs searches: look for the reply first.
	_, answered, err := env.Write.FindComment(ctx, ref, commands.ReplyMarkerKind, commands.ReplyKey(inv.CommentID))
	if err != nil {
		return "", err
	}
	if answered {
		log.Debug().Int64("comment", inv.CommentID).Msg("digest preview already answered")
		return "", nil
	}
	m, _ := trackedBy(env.Policy, inv.Issue, env.Bot)

	sched, err := NewSchedule(env.Policy.Digest)
	if err != nil {
		return "", fmt.Errorf("digest schedule: %w", err)
	}
	// The preview covers the digest that will be posted next, up to now.
	p := sched.Latest(sched.Next(env.Now))
	if env.Now.Before(p.To) {
		p.To = env.Now
	}
	src := s.source(env.GitHub, env.InstallationID, env.Owner, nil, env.Policy, ref)
	src.Mentors = m.Mentors
	if s.Peers != nil && src.Qualifier != "" {
		// The weekly digest counts every org of a shared programme; so does
		// its preview.
		peers, err := s.Peers(ctx, env.InstallationID)
		if err != nil {
			return "", fmt.Errorf("find the programme's other installations: %w", err)
		}
		s.addPeers(src, peers, env.Policy, ref)
	}
	d, err := src.Week(ctx, m.Login, p.From, p.To, since(m, p.From, sched.loc()), env.Now)
	if err != nil {
		return "", fmt.Errorf("gather activity for the preview: %w", err)
	}
	d.Period = p
	d.Channels = env.Policy.Program.Channels
	log.Info().Str("mentee", m.Login).Int("searches", src.Searches).Int("calls", src.Calls).Msg("digest preview ready")
	return RenderPreview(d) + commands.ReplyMarker(inv.CommentID) + "\n", nil
}
