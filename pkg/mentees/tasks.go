package mentees

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// implements handlers.CommandJob and handlers.IssuesJob.
//
//	/mentee-task            add labels.mentee_task to the issue
//	/mentee-task @login     ... assign the issue to that active mentee and
//	                        link it from the mentee's tracking issue
//	/mentee-task cancel     remove the label again, and say so
//
// MayUse says who may use them; anyone else gets one short, polite reply
// naming who may use it. Only the last /mentee-task line of a comment runs.
type Tasks struct {
	labels *labeller
	enrol  *Enroller
	// WritersOn reaches the app's installation on another org, which holds
	// the tracking issues of a programme shared by several orgs (see
	// tracking.WriterFor); nil means the event's installation writes.
	WritersOn tracking.WritersOn
}

// NewTasks returns the job; enrol finds (or opens) tracking issues; now is
// the clock of its memory of existing labels (nil: time.Now).
func NewTasks(enrol *Enroller, now func() time.Time) *Tasks {
	return &Tasks{labels: newLabeller(now), enrol: enrol}
}

// TaskGitHub is what /mentee-task asks GitHub (ghclient.API implements it):
// who may use it, the label calls, assignees and the issue's event log.
// Linking a task from a tracking issue the bot must open first takes
// tracking.Users besides.
type TaskGitHub interface {
	Labels
	IsOrgMember(ctx context.Context, org, login string) (bool, error)
	Permission(ctx context.Context, owner, repo, login string) (string, error)
	RemoveLabel(ctx context.Context, owner, repo string, number int, name string) error
	AddAssignees(ctx context.Context, owner, repo string, number int, logins []string) (*github.Issue, error)
	RemoveAssignees(ctx context.Context, owner, repo string, number int, logins []string) (*github.Issue, error)
	IssueEvents(ctx context.Context, owner, repo string, number int) ([]*github.IssueEvent, error)
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

// Commands implements handlers.CommandJob.
func (t *Tasks) Commands() []commands.Name {
	return []commands.Name{commands.MenteeTask, commands.MenteeTaskCancel}
}

// MayUse implements handlers.CommandJob. /mentee-task and its cancel may be
// used, on an issue, by the mentors listed in the policy, members of the
// organisation, and collaborators with write access to the repository. On
// a pull request nobody may use them: the reply says tasks are issues.
func (t *Tasks) MayUse(ctx context.Context, env job.Env, inv commands.Invocation) (commands.Verdict, error) {
	return taskVerdict(ctx, env.GitHub, env, inv)
}

// taskVerdict is MayUse. It asks GitHub only when MayUseTask cannot decide:
// org membership (GET /orgs/{org}/members/{username}), then the repository
// permission (GET /repos/{owner}/{repo}/collaborators/{username}/permission).
func taskVerdict(ctx context.Context, gh TaskGitHub, env job.Env, inv commands.Invocation) (commands.Verdict, error) {
	if inv.Issue.PullRequest {
		return commands.Verdict{Reply: PullRequestReply(inv.Commenter, inv.CommentID)}, nil
	}
	if may, known := MayUseTask(env.Policy, inv.Commenter, inv.Association); known {
		return commands.Verdict{Allowed: may}, nil
	}
	member, err := gh.IsOrgMember(ctx, env.Owner, inv.Commenter)
	if err != nil {
		return commands.Verdict{}, err
	}
	if member {
		return commands.Verdict{Allowed: true}, nil
	}
	perm, err := gh.Permission(ctx, env.Owner, env.Repo, inv.Commenter)
	if err != nil {
		return commands.Verdict{}, err
	}
	switch perm {
	case "admin", "maintain", "write":
		return commands.Verdict{Allowed: true}, nil
	}
	return commands.Verdict{}, nil
}

// OnCommand implements handlers.CommandJob: it labels the issue, and
// assigns and links it for `@login`, or cancels all that. It replies when
// it cancelled, when login is not an active mentee, and when GitHub would
// not assign the mentee; a task given as asked needs no reply.
func (t *Tasks) OnCommand(ctx context.Context, env job.Env, inv commands.Invocation) (string, error) {
	return t.run(ctx, env.GitHub, env.GitHub, env, inv)
}

// run is OnCommand with the GitHub calls it makes.
func (t *Tasks) run(ctx context.Context, gh TaskGitHub, users tracking.Users, env job.Env, inv commands.Invocation) (string, error) {
	issue, commenter := inv.Issue, inv.Commenter
	log := zerolog.Ctx(ctx).With().Str("commenter", commenter).Logger()
	label := env.Policy.Labels.MenteeTask
	labelled := ghclient.HasLabel(issue.Labels, label)
	if inv.Command.Name == commands.MenteeTaskCancel {
		done, err := t.cancel(ctx, gh, env, issue, labelled)
		if err != nil {
			return "", err
		}
		log.Info().Str("label", label).Bool("label_removed", done.Label).Strs("unassigned", done.Unassigned).
			Strs("withdrawn", done.Withdrawn).Msg("mentee task cancelled")
		return CancelReply(commenter, label, done, inv.CommentID), nil
	}

	if !labelled {
		l := github.Label{Name: github.String(label), Color: github.String(MenteeTaskColor), Description: github.String(MenteeTaskDescription)}
		if err := t.labels.addTo(ctx, gh, env.InstallationID, issue.Ref, l); err != nil {
			return "", fmt.Errorf("label mentee task %s: %w", issue.Ref, err)
		}
		log.Info().Str("label", label).Msg("labelled mentee task")
	}
	login := inv.Command.Login()
	if login == "" {
		return "", nil
	}
	m, ok := Active(env.Policy, login, env.Now)
	if !ok {
		return NotMenteeReply(commenter, login, label, inv.CommentID), nil
	}
	assigned := slices.ContainsFunc(issue.Assignees, func(a string) bool { return strings.EqualFold(a, m.Login) })
	if !assigned {
		got, err := gh.AddAssignees(ctx, env.Owner, env.Repo, issue.Ref.Number, []string{m.Login})
		if err != nil {
			return "", err
		}
		for _, a := range got.Assignees {
			assigned = assigned || strings.EqualFold(a.GetLogin(), m.Login)
		}
		// A dry run answers with an empty issue: nothing to check.
		assigned = assigned || got.GetNumber() == 0
	}
	linkErr := t.link(ctx, users, env, m, issue.Ref, issue.Title)
	if !assigned {
		log.Warn().Str("mentee", m.Login).Msg("github did not assign the mentee task, replying")
		return AssignRefusedReply(commenter, m.Login, label, inv.CommentID), linkErr
	}
	return "", linkErr
}

// IssuesActions implements handlers.IssuesJob.
func (t *Tasks) IssuesActions() []string { return []string{"opened", "labeled", "assigned"} }

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
	}
	ref := policy.IssueRef{Owner: env.Owner, Repo: env.Repo, Number: issue.GetNumber()}
	var errs []error
	for _, u := range candidates {
		if m, ok := Active(env.Policy, u.GetLogin(), env.Now); ok {
			errs = append(errs, t.link(ctx, env.GitHub, env, m, ref, issue.GetTitle()))
		}
	}
	return errors.Join(errs...)
}

// link comments the task on the mentee's tracking issue, once, enrolling
// the mentee first if this is the first the bot hears of them.
func (t *Tasks) link(ctx context.Context, users tracking.Users, env job.Env, m policy.Mentee, task policy.IssueRef, title string) error {
	w, err := tracking.WriterFor(ctx, m, env.Policy, env.Owner, env.Bot.Login(), env.Write, t.WritersOn)
	if err != nil {
		return fmt.Errorf("reach the tracking issue of %s: %w", m.Login, err)
	}
	if w == nil {
		zerolog.Ctx(ctx).Warn().Str("mentee", m.Login).Str("tracking_owner", tracking.Owner(m, env.Policy)).
			Msg("the app is not installed on the org that holds the tracking issue, task not linked")
		return nil
	}
	tr := tracking.NewTracker(users, w, env.Policy)
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
func (t *Tasks) cancel(ctx context.Context, gh TaskGitHub, env job.Env, issue commands.Issue, labelled bool) (Cancelled, error) {
	var done Cancelled
	task, number := issue.Ref, issue.Ref.Number
	label := env.Policy.Labels.MenteeTask
	if labelled {
		if err := gh.RemoveLabel(ctx, env.Owner, env.Repo, number, label); err != nil {
			return done, err
		}
		done.Label = true
	}
	var mentees []string
	for _, a := range issue.Assignees {
		if _, ok := env.Policy.Mentee(a); ok {
			mentees = append(mentees, a)
		}
	}
	if len(mentees) == 0 {
		return done, nil
	}
	events, err := assignEvents(ctx, gh, env, number)
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
		if _, err := gh.RemoveAssignees(ctx, env.Owner, env.Repo, number, unassign); err != nil {
			return done, err
		}
		done.Unassigned = unassign
	}
	for _, m := range mentees {
		withdrawn, err := t.withdrawLink(ctx, env, m, task, issue.Title)
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
func assignEvents(ctx context.Context, gh TaskGitHub, env job.Env, number int) ([]AssignEvent, error) {
	evs, err := gh.IssueEvents(ctx, env.Owner, env.Repo, number)
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
			})
		}
	}
	return out, nil
}

// withdrawLink edits the task's link on the mentee's tracking issue, when
// there is one, to say the task was withdrawn. It reports whether the link
// says so now.
func (t *Tasks) withdrawLink(ctx context.Context, env job.Env, mentee string, task policy.IssueRef, title string) (bool, error) {
	m, _ := env.Policy.Mentee(mentee)
	w, err := tracking.WriterFor(ctx, m, env.Policy, env.Owner, env.Bot.Login(), env.Write, t.WritersOn)
	if err != nil || w == nil {
		return false, err
	}
	ref, ok, err := tracking.Find(ctx, w, env.Policy, mentee)
	if err != nil || !ok {
		return false, err
	}
	body := TaskWithdrawnComment(mentee, task, title)
	_, ok, err = w.UpdateComment(ctx, ref, KindTaskLink, TaskLinkKey(task), func(string) (string, error) { return body, nil })
	return ok, err
}
