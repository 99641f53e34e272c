// Package commands parses the slash commands people write to mentorbot in
// issue and pull request comments, and writes the short, polite replies the
// bot gives when a command is malformed or used by someone who may not use it.
//
// The commands are:
//
//	/mentee-task              label the issue as a mentee task
//	/mentee-task @login       ... and assign it to that mentee
//	/mentee-task cancel       undo /mentee-task
//	/meetup present <title>   sign up for a talk at the Mentees Meetup
//	/meetup withdraw          withdraw one's talk
//	/mentorbot digest         post the weekly digest now
//
// A command is recognised only where a reader sees it as its own line of
// text: at the start of a line (after at most three spaces, as in Markdown),
// and not inside a fenced or indented code block, a block quote, an HTML
// comment, or an open HTML element (<pre>, <details>, …). Names and sub-commands are case-insensitive; logins keep their
// case. Everything here is pure: who may run a command is decided by the
// caller, which has the policy and the GitHub API. The issue_comment handler
// (pkg/handlers) parses each new comment once, hands each command to the job
// that runs it as an Invocation, and writes the one reply the comment gets:
// DeniedReply when the job's Verdict refuses, ErrorReply for a line that
// could not be understood, or the job's own answer.
package commands

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/thanos-community/mentorbot/pkg/mdsafe"
)

// Name is the canonical name of a command, its words after the slash in
// lower case.
type Name string

// The commands mentorbot understands.
const (
	// MenteeTask labels an issue as a mentee task; with a login in Args it
	// also assigns the issue to that mentee.
	MenteeTask Name = "mentee-task"
	// MenteeTaskCancel undoes MenteeTask.
	MenteeTaskCancel Name = "mentee-task cancel"
	// MeetupPresent signs the commenter up for a talk; Args holds the title.
	MeetupPresent Name = "meetup present"
	// MeetupWithdraw removes the commenter's talk from the agenda.
	MeetupWithdraw Name = "meetup withdraw"
	// Digest asks for the weekly digest now.
	Digest Name = "mentorbot digest"
)

// MaxTitleLen bounds a talk title, in characters.
const MaxTitleLen = 150

// Command is one command found in a comment.
type Command struct {
	Name Name
	// Args are the command's arguments: for MenteeTask the mentee's login
	// without the @ (or nothing), for MeetupPresent the talk title with its
	// white space collapsed; empty for the others.
	Args []string
	// Line is the 1-based line of the comment the command was on.
	Line int
}

// Login returns the login argument of `/mentee-task @login`, or "".
func (c Command) Login() string {
	if c.Name == MenteeTask && len(c.Args) == 1 {
		return c.Args[0]
	}
	return ""
}

// Title returns the title argument of `/meetup present <title>`, or "".
func (c Command) Title() string {
	if c.Name == MeetupPresent && len(c.Args) == 1 {
		return c.Args[0]
	}
	return ""
}

// String renders the command as one would type it; parsing the result gives
// the same command back.
func (c Command) String() string {
	s := "/" + string(c.Name)
	switch c.Name {
	case MenteeTask:
		if l := c.Login(); l != "" {
			s += " @" + l
		}
	case MeetupPresent:
		s += " " + c.Title()
	}
	return s
}

// The reasons a command line cannot be understood. A *ParseError wraps one
// of them, so callers can test with errors.Is.
var (
	// ErrUnknownSubcommand: `/meetup` or `/mentorbot` followed by a word
	// that is not one of their sub-commands (or by nothing).
	ErrUnknownSubcommand = errors.New("unknown sub-command")
	// ErrMissingTitle: `/meetup present` without a title.
	ErrMissingTitle = errors.New("missing talk title")
	// ErrTitleTooLong: a title longer than MaxTitleLen characters.
	ErrTitleTooLong = errors.New("talk title too long")
	// ErrInvalidLogin: `/mentee-task @x` where x is not a GitHub login.
	ErrInvalidLogin = errors.New("not a GitHub login")
	// ErrUnexpectedText: words after a complete command, or an argument
	// where none is expected (`/mentee-task alice` without the @).
	ErrUnexpectedText = errors.New("unexpected text after the command")
)

// ParseError says which line held a command that could not be understood.
type ParseError struct {
	// Line is the 1-based line of the comment.
	Line int
	// Command is the command word as written, e.g. "/mentee-task".
	Command string
	// Name is the command the line was meant to be (MenteeTask for
	// `/mentee-task @bad!`); for an unknown sub-command, the first command
	// of the same word, whose help covers the whole family.
	Name Name
	// Text is the part of the line that was not understood.
	Text string
	// Err is one of the Err* reasons above.
	Err error
}

func (e *ParseError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("line %d: %s: %v", e.Line, e.Command, e.Err)
	}
	return fmt.Sprintf("line %d: %s: %v: %q", e.Line, e.Command, e.Err, e.Text)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse returns the commands in a comment body, in order. Lines that do not
// start with one of mentorbot's command words are ignored, so commands for
// other bots (`/lgtm`, `/assign`) and ordinary prose never cause an error.
//
// When a line starts with one of mentorbot's command words but cannot be
// understood, Parse returns a *ParseError for the first such line together
// with every command that could be understood: the caller may run those and
// explain the error in the same reply.
func Parse(body string) ([]Command, error) {
	var (
		cmds     []Command
		firstErr error
	)
	scanLines(body, func(n int, line string) {
		c, ok, err := parseLine(line)
		if err != nil {
			err.Line = n
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		if ok {
			c.Line = n
			cmds = append(cmds, c)
		}
	})
	return cmds, firstErr
}

// parseLine parses one candidate line (leading indentation already removed,
// starting with '/'). ok is false when the line is not a mentorbot command.
func parseLine(line string) (c Command, ok bool, perr *ParseError) {
	// Whatever follows an HTML comment opener is invisible on GitHub.
	if i := strings.Index(line, "<!--"); i >= 0 {
		line = line[:i]
	}
	word, rest := cutWord(line)
	lw := strings.ToLower(word)
	switch lw {
	case "/mentee-task":
		arg, rest := cutWord(rest)
		switch {
		case arg == "":
			return Command{Name: MenteeTask}, true, nil
		case strings.EqualFold(arg, "cancel"):
			if rest != "" {
				return c, false, &ParseError{Command: word, Name: MenteeTaskCancel, Text: rest, Err: ErrUnexpectedText}
			}
			return Command{Name: MenteeTaskCancel}, true, nil
		case strings.HasPrefix(arg, "@"):
			login := arg[1:]
			if !mdsafe.ValidLogin(login) || strings.HasSuffix(login, "[bot]") {
				return c, false, &ParseError{Command: word, Name: MenteeTask, Text: arg, Err: ErrInvalidLogin}
			}
			if rest != "" {
				return c, false, &ParseError{Command: word, Name: MenteeTask, Text: rest, Err: ErrUnexpectedText}
			}
			return Command{Name: MenteeTask, Args: []string{login}}, true, nil
		default:
			return c, false, &ParseError{Command: word, Name: MenteeTask, Text: strings.TrimSpace(arg + " " + rest), Err: ErrUnexpectedText}
		}
	case "/meetup":
		sub, rest := cutWord(rest)
		switch strings.ToLower(sub) {
		case "present":
			title := strings.Join(strings.Fields(rest), " ")
			if title == "" {
				return c, false, &ParseError{Command: word + " " + sub, Name: MeetupPresent, Err: ErrMissingTitle}
			}
			if utf8.RuneCountInString(title) > MaxTitleLen {
				return c, false, &ParseError{Command: word + " " + sub, Name: MeetupPresent, Err: ErrTitleTooLong}
			}
			return Command{Name: MeetupPresent, Args: []string{title}}, true, nil
		case "withdraw":
			if rest != "" {
				return c, false, &ParseError{Command: word + " " + sub, Name: MeetupWithdraw, Text: rest, Err: ErrUnexpectedText}
			}
			return Command{Name: MeetupWithdraw}, true, nil
		default:
			return c, false, &ParseError{Command: word, Name: MeetupPresent, Text: sub, Err: ErrUnknownSubcommand}
		}
	case "/mentorbot":
		sub, rest := cutWord(rest)
		if !strings.EqualFold(sub, "digest") {
			return c, false, &ParseError{Command: word, Name: Digest, Text: sub, Err: ErrUnknownSubcommand}
		}
		if rest != "" {
			return c, false, &ParseError{Command: word + " " + sub, Name: Digest, Text: rest, Err: ErrUnexpectedText}
		}
		return Command{Name: Digest}, true, nil
	}
	return c, false, nil
}

// cutWord splits s into its first white-space separated word and the rest,
// both trimmed.
func cutWord(s string) (word, rest string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return "", ""
	}
	s = strings.TrimSpace(s)
	return f[0], strings.TrimSpace(s[len(f[0]):])
}
