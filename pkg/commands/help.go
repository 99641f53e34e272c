package commands

import (
	"errors"
	"strconv"
	"strings"

	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// ReplyMarkerKind is the marker kind of every reply the bot gives to a
// command; the key is the id of the comment that held the command, so a
// redelivered webhook finds the reply and does not answer twice. A comment
// gets at most one reply.
const ReplyMarkerKind = "command-reply"

// Spec documents one command: how to write it, what it does and who may use
// it. The text is what the bot replies with, so it is written for people.
type Spec struct {
	Name Name
	// Usage lists the forms of the command, one per line.
	Usage []string
	// Does says what the command does, in one sentence.
	Does string
	// Who says who may use the command, in one sentence.
	Who string
}

// Specs returns the documentation of every command, in the order of the
// package documentation. The result is a fresh slice on each call.
func Specs() []Spec {
	task := Spec{
		Usage: []string{"/mentee-task", "/mentee-task @login", "/mentee-task cancel"},
		Does: "labels this issue as a mentee task; with `@login` it also assigns the issue to that mentee " +
			"and links it from their tracking issue; `cancel` undoes it.",
		Who: "mentors listed in the programme policy (mentorbot.yml), members of the organisation, " +
			"and collaborators with write access to the repository.",
	}
	meetup := Spec{
		Usage: []string{"/meetup present <title>", "/meetup withdraw"},
		Does: "signs you up for a talk (15–20 minutes plus 5 minutes of Q&A) at the Mentees Meetup, " +
			"or withdraws your talk; presenting again changes your title.",
		Who: "mentees of the programme, on their own tracking issue or on the Mentees Meetup planning issue.",
	}
	digest := Spec{
		Usage: []string{"/mentorbot digest"},
		Does:  "posts the mentee's weekly digest on their tracking issue now.",
		Who:   "the mentee whose tracking issue it is, and their mentors.",
	}
	out := []Spec{}
	for _, n := range []Name{MenteeTask, MenteeTaskCancel} {
		s := task
		s.Name = n
		out = append(out, s)
	}
	for _, n := range []Name{MeetupPresent, MeetupWithdraw} {
		s := meetup
		s.Name = n
		out = append(out, s)
	}
	digest.Name = Digest
	return append(out, digest)
}

// Lookup returns the documentation of one command.
func Lookup(n Name) (Spec, bool) {
	for _, s := range Specs() {
		if s.Name == n {
			return s, true
		}
	}
	return Spec{}, false
}

// HelpText returns the short Markdown help of a command: its forms, what it
// does and who may use it.
func HelpText(n Name) string {
	s, ok := Lookup(n)
	if !ok {
		return overview()
	}
	var b strings.Builder
	b.WriteString("Usage:\n\n")
	for _, u := range s.Usage {
		b.WriteString("- " + mdsafe.Code(u) + "\n")
	}
	b.WriteString("\nIt " + s.Does + "\n\n")
	b.WriteString("Who may use it: " + s.Who + "\n")
	return b.String()
}

// overview lists every command; used when the intended command is unclear.
func overview() string {
	var b strings.Builder
	b.WriteString("mentorbot understands:\n\n")
	seen := map[string]bool{}
	for _, s := range Specs() {
		key := strings.Join(s.Usage, "|")
		if seen[key] {
			continue
		}
		seen[key] = true
		forms := make([]string, len(s.Usage))
		for i, u := range s.Usage {
			forms[i] = mdsafe.Code(u)
		}
		b.WriteString("- " + strings.Join(forms, ", ") + " — for " + strings.TrimSuffix(s.Who, ".") + "\n")
	}
	return b.String()
}

// DeniedReply is the polite reply to someone who used a command they may
// not use. login is the commenter (from the event, not from the comment
// text); commentID is the comment that held the command.
func DeniedReply(n Name, login string, commentID int64) string {
	var b strings.Builder
	b.WriteString(ReplyMarker(commentID) + "\n")
	b.WriteString("Hi " + mdsafe.Mention(login) + ", thanks for reaching out! ")
	b.WriteString("I did not act on " + mdsafe.Code("/"+string(n)) + ", because only some people may use it.\n\n")
	b.WriteString(HelpText(n))
	b.WriteString("\nIf you think you should be able to use it, please ask one of the programme's mentors.\n")
	return b.String()
}

// ErrorReply is the reply to a command that could not be understood. err
// should be the error Parse returned; login is the commenter (from the
// event) and commentID the comment that held the command.
func ErrorReply(err error, login string, commentID int64) string {
	var b strings.Builder
	b.WriteString(ReplyMarker(commentID) + "\n")
	b.WriteString("Hi " + mdsafe.Mention(login) + ", I could not understand ")
	var pe *ParseError
	if !errors.As(err, &pe) {
		b.WriteString("that command.\n\n" + overview())
		return b.String()
	}
	b.WriteString("the command on line " + strconv.Itoa(pe.Line) + " (" + mdsafe.Code(pe.Command) + "): ")
	b.WriteString(explain(pe) + "\n\n")
	if pe.Name != "" {
		b.WriteString(HelpText(pe.Name))
	} else {
		b.WriteString(overview())
	}
	return b.String()
}

// explain says in a sentence what was wrong, quoting the user's text only as
// inline code.
func explain(pe *ParseError) string {
	quoted := ""
	if pe.Text != "" {
		quoted = " " + mdsafe.Code(pe.Text)
	}
	switch {
	case errors.Is(pe.Err, ErrUnknownSubcommand):
		if pe.Text == "" {
			return "it needs a sub-command."
		}
		return "I do not know the sub-command" + quoted + "."
	case errors.Is(pe.Err, ErrMissingTitle):
		return "please add the title of your talk after " + mdsafe.Code("present") + "."
	case errors.Is(pe.Err, ErrTitleTooLong):
		return "the title is longer than " + strconv.Itoa(MaxTitleLen) + " characters; a short title reads better on the agenda."
	case errors.Is(pe.Err, ErrInvalidLogin):
		return strings.TrimSpace(quoted) + " is not the login of a GitHub user (a mentee cannot be a bot)."
	case errors.Is(pe.Err, ErrUnexpectedText):
		if pe.Name == MenteeTask {
			return "I expected " + mdsafe.Code("@login") + " or " + mdsafe.Code("cancel") + " after it, not" + quoted + "."
		}
		return "I did not expect" + quoted + " after it."
	}
	return pe.Err.Error() + "."
}
