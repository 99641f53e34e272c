package mentees

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
)

// Tasks runs /mentee-task and links hand-labelled mentee tasks. It
// implements handlers.IssueCommentJob and handlers.IssuesJob.
//
// Who may use /mentee-task: the mentors listed in the policy, members of
// the organisation, and collaborators with write access to the repository.
//
//	/mentee-task            add labels.mentee_task to the issue
//	/mentee-task @login     ... assign the issue to that active mentee and
//	                        link it from the mentee's tracking issue
//	/mentee-task cancel     remove the label again, and say so
//
// Anyone else gets one short, polite reply naming who may use it. Only the
// last /mentee-task line of a comment runs.
type Tasks struct {
	labels *labeller
	enrol  *Enroller
}

// NewTasks returns the job; enrol finds (or opens) tracking issues; now is
// the clock of its memory of existing labels (nil: time.Now).
func NewTasks(enrol *Enroller, now func() time.Time) *Tasks {
	return &Tasks{labels: newLabeller(now), enrol: enrol}
}

// MayUseTask decides from what is known without asking GitHub: a mentor
// listed in the policy, or a commenter GitHub itself marks as the owner or
// an org member (author_association). ok is false when GitHub must be
// asked (membership, then permission).
func MayUseTask(p policy.Policy, login, association string) (may, known bool) {
	if p.IsMentor(login) {
		return true, true
	}
	switch association {
	case "OWNER", "MEMBER":
		return true, true
	}
	return false, false
}

// mayUse asks GitHub when MayUseTask cannot decide: org membership (GET
// /orgs/{org}/members/{username}), then the repository permission (GET
// /repos/{owner}/{repo}/collaborators/{username}/permission).
func mayUse(ctx context.Context, env job.Env, login, association string) (bool, error) {
	if may, known := MayUseTask(env.Policy, login, association); known {
		return may, nil
	}
	member, err := env.GitHub.IsOrgMember(ctx, env.Owner, login)
	if err != nil {
		return false, err
	}
	if member {
		return true, nil
	}
	perm, err := env.GitHub.Permission(ctx, env.Owner, env.Repo, login)
	if err != nil {
		return false, err
	}
	switch perm {
	case "admin", "maintain", "write":
		return true, nil
	}
	return false, nil
}

// OnIssueComment implements handlers.IssueCommentJob.
func (t *Tasks) OnIssueComment(ctx context.Context, env job.Env, ev *github.IssueCommentEvent) error {
	cmds, perr := commands.Parse(ev.GetComment().GetBody())
	var cmd *commands.Command
	for i := range cmds {
		if cmds[i].Name == commands.MenteeTask || cmds[i].Name == commands.MenteeTaskCancel {
			cmd = &cmds[i]
		}
	}
	var pe *commands.ParseError
	badLine := errors.As(perr, &pe) && (pe.Name == commands.MenteeTask || pe.Name == commands.MenteeTaskCancel)
	if cmd == nil && !badLine {
		return nil
	}
	issue, comment := ev.GetIssue(), ev.GetComment()
	commenter := comment.GetUser().GetLogin()
	ref := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: issue.GetNumber()}
	log := zerolog.Ctx(ctx).With().Str("commenter", commenter).Logger()
	reply := func(body string) error {
		_, err := env.Write.CommentOnce(ctx, ref, commands.ReplyMarkerKind, strconv.FormatInt(comment.GetID(), 10), body)
		return err
	}
	if cmd == nil {
		log.Info().Err(perr).Msg("mentee-task command not understood, replying")
		return reply(commands.ErrorReply(perr, commenter, comment.GetID()))
	}
	if issue.IsPullRequest() {
		return reply(PullRequestReply(commenter, comment.GetID()))
	}
	may, err := mayUse(ctx, env, commenter, comment.GetAuthorAssociation())
	if err != nil {
		return err
	}
	if !may {
		log.Info().Str("command", string(cmd.Name)).Msg("mentee-task used by someone who may not, replying")
		return reply(commands.DeniedReply(cmd.Name, commenter, comment.GetID()))
	}
	label := env.Policy.Labels.MenteeTask
	labelled := ghclient.HasLabel(ghclient.LabelNames(issue.Labels), label)
	if cmd.Name == commands.MenteeTaskCancel {
		done, err := t.cancel(ctx, env, issue, labelled)
		if err != nil {
			return err
		}
		log.Info().Str("label", label).Bool("label_removed", done.Label).Strs("unassigned", done.Unassigned).
			Strs("withdrawn", done.Withdrawn).Msg("mentee task cancelled")
		return reply(CancelReply(commenter, label, done, comment.GetID()))
	}

	if !labelled {
		if err := t.labels.add(ctx, env, issue.GetNumber(), label, MenteeTaskColor, MenteeTaskDescription); err != nil {
			return fmt.Errorf("label mentee task %s: %w", ref, err)
		}
		log.Info().Str("label", label).Msg("labelled mentee task")
	}
	login := cmd.Login()
	if login == "" {
		return nil
	}
	m, ok := Active(env.Policy, login, env.Now)
	if !ok {
		return reply(NotMenteeReply(commenter, login, label, comment.GetID()))
	}
	assigned := false
	for _, a := range issue.Assignees {
		assigned = assigned || strings.EqualFold(a.GetLogin(), m.Login)
	}
	if !assigned {
		got, err := env.GitHub.AddAssignees(ctx, env.Owner, env.Repo, issue.GetNumber(), []string{m.Login})
		if err != nil {
			return err
		}
		for _, a := range got.Assignees {
			assigned = assigned || strings.EqualFold(a.GetLogin(), m.Login)
		}
		// A dry run answers with an empty issue: nothing to check.
		assigned = assigned || got.GetNumber() == 0
	}
	linkErr := t.link(ctx, env, m, ref, issue.GetTitle())
	if !assigned {
		log.Warn().Str("mentee", m.Login).Msg("github did not assign the mentee task, replying")
		return errors.Join(linkErr, reply(AssignRefusedReply(commenter, m.Login, label, comment.GetID())))
	}
	return linkErr
}

// OnIssue implements handlers.IssuesJob: an issue that carries the task
// label (added by hand) and has an active mentee among its assignees is
// linked from that mentee's tracking issue, as /mentee-task @login does.
func (t *Tasks) OnIssue(ctx context.Context, env job.Env, ev *github.IssuesEvent) error {
	issue := ev.GetIssue()
	label := env.Policy.Labels.MenteeTask
	if issue.IsPullRequest() || issue.GetState() != "open" || label == "" {
		return nil
	}
	var candidates []*github.User
	switch ev.GetAction() {
	case "labeled":
		if !strings.EqualFold(ev.GetLabel().GetName(), label) {
			return nil
		}
		candidates = issue.Assignees
	case "assigned", "opened":
		if !ghclient.HasLabel(ghclient.LabelNames(issue.Labels), label) {
			return nil
		}
		candidates = issue.Assignees
		if ev.GetAction() == "assigned" {
			candidates = []*github.User{ev.GetAssignee()}
		}
	default:
		return nil
	}
	ref := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: issue.GetNumber()}
	var errs []error
	for _, u := range candidates {
		if m, ok := Active(env.Policy, u.GetLogin(), env.Now); ok {
			errs = append(errs, t.link(ctx, env, m, ref, issue.GetTitle()))
		}
	}
	return errors.Join(errs...)
}

// link comments the task on the mentee's tracking issue, once, enrolling
// the mentee first if this is the first the bot hears of them.
func (t *Tasks) link(ctx context.Context, env job.Env, m policy.Mentee, task policy.IssueRef, title string) error {
	tr := tracking.NewTracker(env.GitHub, env.Write, env.Policy)
	res, err := t.enrol.Enroll(ctx, tr, env.InstallationID, m)
	if err != nil {
		if badEntry(err) {
			zerolog.Ctx(ctx).Warn().Err(err).Str("mentee", m.Login).Msg("mentee has no usable tracking issue, task not linked")
			return nil
		}
		return fmt.Errorf("find tracking issue of %s: %w", m.Login, err)
	}
	if res.Issue.Ref.Number == 0 {
		return nil // dry run
	}
	c, err := tr.Write.CommentOnce(ctx, res.Issue.Ref, KindTaskLink, TaskLinkKey(task), TaskLinkComment(m.Login, task, title))
	if err != nil {
		return err
	}
	if c.Written {
		zerolog.Ctx(ctx).Info().Str("mentee", m.Login).Str("tracking_issue", res.Issue.Ref.String()).Msg("linked mentee task from tracking issue")
	}
	return nil
}

// cancel undoes `/mentee-task @login`: the label, the assignments the bot
// made (a person's own assignment stays, see AssignedBy), and the link on
// each assigned mentee's tracking issue, edited to say the task was
// withdrawn. It costs the issue's event log (one page for most issues)
// and, per assigned mentee, the look-up of their link.
func (t *Tasks) cancel(ctx context.Context, env job.Env, issue *github.Issue, labelled bool) (Cancelled, error) {
	var done Cancelled
	task := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: issue.GetNumber()}
	label := env.Policy.Labels.MenteeTask
	if labelled {
		if err := env.GitHub.RemoveLabel(ctx, env.Owner, env.Repo, issue.GetNumber(), label); err != nil {
			return done, err
		}
		done.Label = true
	}
	var mentees []string
	for _, a := range issue.Assignees {
		if _, ok := env.Policy.Mentee(a.GetLogin()); ok {
			mentees = append(mentees, a.GetLogin())
		}
	}
	if len(mentees) == 0 {
		return done, nil
	}
	events, err := assignEvents(ctx, env, issue.GetNumber())
	if err != nil {
		return done, err
	}
	by := AssignedBy(events, mentees)
	var unassign []string
	for _, m := range mentees {
		if env.Bot.IsSelf(by[m]) {
			unassign = append(unassign, m)
		} else {
			done.Kept = append(done.Kept, m)
		}
	}
	if len(unassign) > 0 {
		if _, err := env.GitHub.RemoveAssignees(ctx, env.Owner, env.Repo, issue.GetNumber(), unassign); err != nil {
			return done, err
		}
		done.Unassigned = unassign
	}
	for _, m := range mentees {
		withdrawn, err := t.withdrawLink(ctx, env, m, task, issue.GetTitle())
		if err != nil {
			return done, err
		}
		if withdrawn {
			done.Withdrawn = append(done.Withdrawn, m)
		}
	}
	return done, nil
}

// assignEvents reads the assigned and unassigned entries of an issue's
// event log, oldest first.
func assignEvents(ctx context.Context, env job.Env, number int) ([]AssignEvent, error) {
	evs, err := env.GitHub.IssueEvents(ctx, env.Owner, env.Repo, number)
	if err != nil {
		return nil, err
	}
	var out []AssignEvent
	for _, ev := range evs {
		switch ev.GetEvent() {
		case "assigned", "unassigned":
			out = append(out, AssignEvent{
				Assigned: ev.GetEvent() == "assigned",
				Assignee: ev.GetAssignee().GetLogin(),
				Actor:    ev.GetActor().GetLogin(),
				At:       ev.GetCreatedAt().Time,
			})
		}
	}
	return out, nil
}

// withdrawLink edits the task's link on the mentee's tracking issue, when
// there is one, to say the task was withdrawn. It reports whether the link
// says so now.
func (t *Tasks) withdrawLink(ctx context.Context, env job.Env, mentee string, task policy.IssueRef, title string) (bool, error) {
	ref, ok, err := tracking.Find(ctx, env.Write, env.Policy, mentee)
	if err != nil || !ok {
		return false, err
	}
	body := TaskWithdrawnComment(mentee, task, title)
	_, ok, err = env.Write.UpdateComment(ctx, ref, KindTaskLink, TaskLinkKey(task), func(string) (string, error) { return body, nil })
	return ok, err
}
