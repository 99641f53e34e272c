package mentees

import (
	"strings"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/mdsafe"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// KindTaskLink is the marker kind of the comment linking a mentee task from
// the mentee's tracking issue; the key is the task, "owner/repo#n" in lower
// case, so each task is linked once per tracking issue.
const KindTaskLink = markers.KindTaskLink

// TaskLinkKey is the marker key of a task link.
func TaskLinkKey(task policy.IssueRef) string { return strings.ToLower(task.String()) }

// TaskLinkComment is posted on the mentee's tracking issue when a task is
// given to them. mentee is the roster's login; title comes from the issue
// and is escaped.
func TaskLinkComment(mentee string, task policy.IssueRef, title string) string {
	return taskComment("**New mentee task** for "+mdsafe.Mention(mentee)+": ", task, title, "",
		"Questions about the task are best asked on the issue itself, where everyone working on it can see the answers.")
}

// taskComment writes a task link: the lead, the task and its escaped title
// (wrapped in mark, e.g. ~~ to strike it out), the note, and the marker
// that the link and its withdrawal share.
func taskComment(lead string, task policy.IssueRef, title, mark, note string) string {
	var b strings.Builder
	b.WriteString(lead + mark + task.String())
	if t := strings.TrimSpace(title); t != "" {
		b.WriteString(" — " + mdsafe.Text(t))
	}
	b.WriteString(mark + "\n\n" + note + "\n\n")
	b.WriteString(markers.New(KindTaskLink, TaskLinkKey(task)) + "\n")
	return b.String()
}

// TaskWithdrawnComment replaces a task link on the mentee's tracking issue
// when `/mentee-task cancel` withdraws the task. It keeps the link's marker,
// so the link is edited in place and never posted again for the same task.
func TaskWithdrawnComment(mentee string, task policy.IssueRef, title string) string {
	return taskComment("**Mentee task withdrawn** for "+mdsafe.Mention(mentee)+": ", task, title, "~~",
		"The issue is no longer a mentee task; nothing more is expected of you on it as part of the programme.")
}

// Cancelled is what `/mentee-task cancel` undid, for its reply.
type Cancelled struct {
	// Label: the task label was there and was removed.
	Label bool
	// Unassigned are the mentees the bot had assigned and no longer are.
	Unassigned []string
	// Withdrawn are the mentees whose tracking issue link now says the task
	// was withdrawn.
	Withdrawn []string
	// Kept are assignees someone else assigned: their assignment stays.
	Kept []string
}

// CancelReply answers `/mentee-task cancel` with what was undone.
func CancelReply(commenter, label string, c Cancelled, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	if !c.Label && len(c.Unassigned) == 0 && len(c.Withdrawn) == 0 {
		b.WriteString("Hi " + mdsafe.Mention(commenter) + ", this issue has no " + mdsafe.Code(label) + " label and no task the bot gave out, so there was nothing to undo.\n")
		return b.String()
	}
	var done []string
	if c.Label {
		done = append(done, "removed the "+mdsafe.Code(label)+" label")
	}
	if len(c.Unassigned) > 0 {
		done = append(done, "unassigned "+mdsafe.JoinAnd(codes(c.Unassigned)))
	}
	if len(c.Withdrawn) > 0 {
		done = append(done, "marked the task as withdrawn on the tracking issue of "+mdsafe.JoinAnd(codes(c.Withdrawn)))
	}
	b.WriteString("Done, " + mdsafe.Mention(commenter) + ": I " + mdsafe.JoinAnd(done) + ", so this issue is no longer a mentee task.")
	if len(c.Kept) > 0 {
		verb := "stay"
		if len(c.Kept) == 1 {
			verb = "stays"
		}
		b.WriteString(" " + mdsafe.JoinAnd(codes(c.Kept)) + " " + verb + " assigned, because someone other than the bot assigned them.")
	}
	b.WriteString("\n")
	return b.String()
}

// codes writes logins as code, so the reply mentions nobody again.
func codes(logins []string) []string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = mdsafe.Code(l)
	}
	return out
}

// NotMenteeReply answers `/mentee-task @login` when login is not an active
// mentee. login comes from the comment, so it is written as code, never as
// a mention.
func NotMenteeReply(commenter, login, label string, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	b.WriteString("Hi " + mdsafe.Mention(commenter) + ", I labelled this issue " + mdsafe.Code(label) +
		", but did not assign it: " + mdsafe.Code(login) + " is not an active mentee of the programme " +
		"(the `mentees` list of mentorbot.yml, between `start` and `end`).\n")
	return b.String()
}

// AssignRefusedReply says that GitHub did not assign the task to the
// mentee (GitHub silently drops assignees who may not be assigned).
func AssignRefusedReply(commenter, mentee, label string, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	b.WriteString("Hi " + mdsafe.Mention(commenter) + ", I labelled this issue " + mdsafe.Code(label) +
		" and linked it from " + mdsafe.Mention(mentee) + "'s tracking issue, but GitHub did not assign it to them: " +
		"only collaborators, members of the organisation and people who have commented on an issue can be assigned to it.\n\n")
	// Only mentors and maintainers may use /mentee-task, so the mentee is
	// asked for the comment and the commenter for the command.
	b.WriteString(mdsafe.Mention(mentee) + ", please leave a comment here (a hello is enough). " +
		mdsafe.Mention(commenter) + ", once they have, run " + mdsafe.Code("/mentee-task @"+mentee) + " again to assign it.\n")
	return b.String()
}

// PullRequestReply answers /mentee-task used on a pull request.
func PullRequestReply(commenter string, commentID int64) string {
	var b strings.Builder
	b.WriteString(commands.ReplyMarker(commentID) + "\n")
	b.WriteString("Hi " + mdsafe.Mention(commenter) + ", " + mdsafe.Code("/mentee-task") +
		" works on issues, not pull requests: a pull request that closes a mentee task " +
		"(`Fixes #123` in its description) is labelled on its own.\n")
	return b.String()
}
