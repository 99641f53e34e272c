package commands

import (
	"strconv"

	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// Invocation is one command as the job that runs it receives it: the
// command, who wrote it, and the issue or pull request it was written on.
// The issue_comment handler fills it from the webhook event once, so jobs
// neither parse comments nor read raw events, and need not fetch again what
// the event already carried.
type Invocation struct {
	Command Command
	// Commenter is the login of the comment's author, from the event (never
	// from the comment's text).
	Commenter string
	// Association is GitHub's author_association of the comment: "OWNER",
	// "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "NONE", ...
	Association string
	Issue       Issue
	// CommentID is the comment that held the command: the key of the reply's
	// marker (ReplyMarkerKind), so the comment is answered once.
	CommentID int64
}

// Issue is the issue or pull request a command was written on, as the
// event carried it when the comment was made.
type Issue struct {
	Ref   policy.IssueRef
	Title string
	// Labels and Assignees are names and logins.
	Labels    []string
	Assignees []string
	// PullRequest is true for a pull request's conversation.
	PullRequest bool
	// Author opened the issue; Body is its description.
	Author string
	Body   string
}

// Verdict is a job's answer to "may the commenter use this command here?".
// The zero Verdict refuses, and the refusal is answered with DeniedReply.
type Verdict struct {
	Allowed bool
	// Reply, on a refusal, answers instead of DeniedReply: for refusals that
	// are not about who asked (`/mentee-task` on a pull request).
	Reply string
}

// ReplyKey is the marker key of the reply to comment commentID.
func ReplyKey(commentID int64) string { return strconv.FormatInt(commentID, 10) }

// ReplyMarker is the marker every reply to comment commentID carries.
func ReplyMarker(commentID int64) string { return markers.New(ReplyMarkerKind, ReplyKey(commentID)) }
