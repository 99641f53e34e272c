package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
)

// CommandJob runs slash commands written in comments. The IssueComment
// handler parses each new comment once and routes its commands: for the
// commands a job names it asks the job whether the commenter may use them
// (MayUse) and then runs them (OnCommand), and it writes every answer
// itself, in one reply per comment.
//
// Who may use each command is written for people once, in commands.Specs
// (the help and the refusal quote it); each job's MayUse is that rule in
// code, and its documentation says the rule exactly.
type CommandJob interface {
	// Commands are the commands the job runs. Each is documented in
	// commands.Specs, and no two jobs name the same command.
	Commands() []commands.Name
	// MayUse decides whether inv.Commenter may use inv.Command where it was
	// written. It decides from the invocation and the policy when it can,
	// and asks GitHub only when it must.
	MayUse(ctx context.Context, env job.Env, inv commands.Invocation) (commands.Verdict, error)
	// OnCommand runs a command the commenter may use and returns the reply
	// to post ("" for none). A reply returned with an error is posted too.
	OnCommand(ctx context.Context, env job.Env, inv commands.Invocation) (reply string, err error)
}

// route runs the commands of one comment, parsed once (cmds, and perr for
// the first line that could not be understood). Each job, in order, gets
// the last of its commands, as in a conversation the last word counts; a
// job with none, whose command the malformed line was meant to be, gets
// the parser's explanation instead. A refused command gets
// commands.DeniedReply or the job's own refusal.
//
// The comment gets one reply (its marker is commands.ReplyMarkerKind with
// the comment's id): the answers of every job, written once after all of
// them ran, so that one job's failure loses no other job's answer. The
// jobs' errors are returned, joined.
func route(ctx context.Context, env job.Env, jobs []CommandJob, at commands.Invocation, cmds []commands.Command, perr error) error {
	var (
		pe      *commands.ParseError
		answers []string
		errs    []error
	)
	errors.As(perr, &pe)
	log := zerolog.Ctx(ctx).With().Str("commenter", at.Commenter).Logger()
	for _, j := range jobs {
		names := j.Commands()
		var cmd *commands.Command
		for i := range cmds {
			if slices.Contains(names, cmds[i].Name) {
				cmd = &cmds[i]
			}
		}
		switch {
		case cmd != nil:
			inv := at
			inv.Command = *cmd
			answer, err := runCommand(ctx, env, j, inv)
			if err != nil {
				errs = append(errs, fmt.Errorf("/%s on %s: %w", inv.Command.Name, inv.Issue.Ref, err))
			}
			if answer != "" {
				answers = append(answers, answer)
			}
		case pe != nil && slices.Contains(names, pe.Name):
			log.Info().Err(perr).Msg("command not understood, replying")
			answers = append(answers, commands.ErrorReply(perr, at.Commenter, at.CommentID))
		}
	}
	if len(answers) > 0 {
		if _, err := env.Write.CommentOnce(ctx, at.Issue.Ref, commands.ReplyMarkerKind, commands.ReplyKey(at.CommentID), oneReply(answers, at.CommentID)); err != nil {
			errs = append(errs, fmt.Errorf("reply to comment %d on %s: %w", at.CommentID, at.Issue.Ref, err))
		}
	}
	return errors.Join(errs...)
}

// runCommand asks the job whether the commenter may use the command, then
// runs it; it returns the answer to the command.
func runCommand(ctx context.Context, env job.Env, j CommandJob, inv commands.Invocation) (string, error) {
	v, err := j.MayUse(ctx, env, inv)
	if err != nil {
		return "", fmt.Errorf("decide whether %s may use it: %w", inv.Commenter, err)
	}
	if !v.Allowed {
		zerolog.Ctx(ctx).Info().Str("commenter", inv.Commenter).Str("command", string(inv.Command.Name)).
			Bool("own_reply", v.Reply != "").Msg("command refused, replying")
		if v.Reply != "" {
			return v.Reply, nil
		}
		return commands.DeniedReply(inv.Command.Name, inv.Commenter, inv.CommentID), nil
	}
	return j.OnCommand(ctx, env, inv)
}

// oneReply puts the answers to one comment into its one reply: the first
// as it is (a comment with one command gets exactly its answer), each
// further one after a rule and without the marker the first carries.
func oneReply(answers []string, commentID int64) string {
	mark := commands.ReplyMarker(commentID) + "\n"
	var b strings.Builder
	for i, a := range answers {
		if i > 0 {
			if !strings.HasSuffix(b.String(), "\n") {
				b.WriteString("\n")
			}
			b.WriteString("\n---\n\n")
			a = strings.ReplaceAll(a, mark, "")
		}
		b.WriteString(a)
	}
	return b.String()
}
