package commands

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func cmd(n Name, line int, args ...string) Command {
	return Command{Name: n, Args: args, Line: line}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		want    []Command
		wantErr error
		errLine int
	}{
		{name: "empty", body: ""},
		{name: "prose only", body: "Thanks, looks good to me!\nSee /mentee-task docs."},
		{name: "bare mentee-task", body: "/mentee-task", want: []Command{cmd(MenteeTask, 1)}},
		{name: "assign", body: "/mentee-task @alice", want: []Command{cmd(MenteeTask, 1, "alice")}},
		{name: "cancel", body: "/mentee-task cancel", want: []Command{cmd(MenteeTaskCancel, 1)}},
		{name: "case-insensitive names keep login case", body: "/Mentee-Task @Alice-Dev\n/MENTEE-TASK CANCEL",
			want: []Command{cmd(MenteeTask, 1, "Alice-Dev"), cmd(MenteeTaskCancel, 2)}},
		{name: "meetup present", body: "/meetup present   Scaling   the store gateway  ",
			want: []Command{cmd(MeetupPresent, 1, "Scaling the store gateway")}},
		{name: "meetup present keeps punctuation", body: "/meetup Present How I learned `promql` & <b>Go</b>!",
			want: []Command{cmd(MeetupPresent, 1, "How I learned `promql` & <b>Go</b>!")}},
		{name: "meetup withdraw", body: "/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 1)}},
		{name: "digest", body: "/mentorbot DIGEST", want: []Command{cmd(Digest, 1)}},
		{name: "after prose, several", body: "Great issue for a mentee.\n\n/mentee-task @bob\n/mentorbot digest\n",
			want: []Command{cmd(MenteeTask, 3, "bob"), cmd(Digest, 4)}},
		{name: "up to three spaces", body: "   /mentee-task", want: []Command{cmd(MenteeTask, 1)}},
		{name: "four spaces is code", body: "    /mentee-task"},
		{name: "tab is code", body: "\t/mentee-task"},
		{name: "indented continuation of a paragraph", body: "some text\n    /mentee-task"},
		{name: "CRLF", body: "hello\r\n/mentee-task @alice\r\n/meetup withdraw\r\n",
			want: []Command{cmd(MenteeTask, 2, "alice"), cmd(MeetupWithdraw, 3)}},
		{name: "old Mac CR", body: "hello\r/mentee-task", want: []Command{cmd(MenteeTask, 2)}},
		{name: "not mid-line", body: "please run /mentee-task @alice"},
		{name: "other bots' commands", body: "/lgtm\n/assign @alice\n/mentee-tasks\n/meetups present x"},
		{name: "backtick fence", body: "```\n/mentee-task\n```\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 4)}},
		{name: "tilde fence with info string", body: "~~~ markdown title=\"x\"\n/mentee-task\n~~~\n/mentee-task",
			want: []Command{cmd(MenteeTask, 4)}},
		{name: "closing fence must be as long", body: "````\n```\n/mentee-task\n````\n/mentee-task",
			want: []Command{cmd(MenteeTask, 5)}},
		{name: "other fence char does not close", body: "```\n~~~\n/mentee-task\n```\n/mentee-task", want: []Command{cmd(MenteeTask, 5)}},
		{name: "unclosed fence runs to the end", body: "```go\n/mentee-task\n\n/mentorbot digest"},
		{name: "indented fence", body: "  ```\n/mentee-task\n   ```\n/mentee-task", want: []Command{cmd(MenteeTask, 4)}},
		{name: "fence in a list item", body: "- ```\n  /mentee-task\n  ```\n/mentee-task", want: []Command{cmd(MenteeTask, 4)}},
		{name: "backticks with a backtick info string are inline code", body: "``` a ` b\n/mentee-task",
			want: []Command{cmd(MenteeTask, 2)}},
		{name: "block quote", body: "> /mentee-task @alice\n>/mentee-task\n\n/mentee-task cancel",
			want: []Command{cmd(MenteeTaskCancel, 4)}},
		{name: "lazy quote continuation", body: "> someone said\n/mentee-task\n\n/mentee-task @bob",
			want: []Command{cmd(MenteeTask, 4, "bob")}},
		{name: "quote ended by heading", body: "> quoted\n# Heading\n/mentee-task", want: []Command{cmd(MenteeTask, 3)}},
		{name: "html comment block", body: "<!--\n/mentee-task\n-->\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 4)}},
		{name: "html comment opened mid-line", body: "text <!-- hidden\n/mentee-task\nstill --> shown\n/mentee-task",
			want: []Command{cmd(MenteeTask, 4)}},
		{name: "one-line html comment", body: "<!-- note -->\n/mentee-task", want: []Command{cmd(MenteeTask, 2)}},
		{name: "empty html comment", body: "<!-->\n/mentee-task", want: []Command{cmd(MenteeTask, 2)}},
		{name: "comment after a command hides the rest of its line", body: "/meetup present Title <!-- draft -->",
			want: []Command{cmd(MeetupPresent, 1, "Title")}},
		{name: "comment opened on a command line", body: "/mentee-task <!--\n/mentee-task cancel\n-->",
			want: []Command{cmd(MenteeTask, 1)}},
		{name: "fence inside a comment is ignored", body: "<!--\n```\n-->\n/mentee-task", want: []Command{cmd(MenteeTask, 4)}},
		{name: "comment inside a fence is literal", body: "```\n<!--\n```\n/mentee-task", want: []Command{cmd(MenteeTask, 4)}},
		{name: "pre block", body: "<pre>\n/mentee-task @alice\n</pre>\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 4)}},
		{name: "pre block with blank lines and attributes", body: "<PRE class=\"x\">\n\n/mentee-task @alice\n\n</pre>\n/mentee-task", want: []Command{cmd(MenteeTask, 6)}},
		{name: "pre closed on its line", body: "<pre>/mentee-task</pre>\n\n/mentee-task", want: []Command{cmd(MenteeTask, 3)}},
		{name: "unclosed pre runs to the end", body: "<pre>\n\n/mentee-task @alice"},
		{name: "pre interrupts a paragraph", body: "look:\n<pre>\n/mentee-task\n</pre>"},
		{name: "details with markdown inside", body: "<details>\n<summary>Commands</summary>\n\n/mentee-task @alice\n\n</details>\n\n/mentee-task",
			want: []Command{cmd(MenteeTask, 8)}},
		{name: "nested details", body: "<details>\n<details>\n</details>\n\n/mentee-task\n</details>\n\n/mentorbot digest",
			want: []Command{cmd(Digest, 8)}},
		// GitHub shows the text after a closed element, a closing tag or a
		// void element as text: a command there counts.
		{name: "after a closed element", body: "<div>note</div>\n/mentee-task\n\n/mentee-task @bob", want: []Command{cmd(MenteeTask, 2), cmd(MenteeTask, 4, "bob")}},
		{name: "closing tag line", body: "</div>\n/mentee-task\n\n/meetup withdraw", want: []Command{cmd(MenteeTask, 2), cmd(MeetupWithdraw, 4)}},
		{name: "void element", body: "<br>\n/mentee-task\n\n/meetup withdraw", want: []Command{cmd(MenteeTask, 2), cmd(MeetupWithdraw, 4)}},
		{name: "after a pasted screenshot", body: "It fails like this:\n\n<img width=\"812\" alt=\"error\" src=\"https://github.com/user-attachments/assets/0b1c\">\n/mentee-task @alice",
			want: []Command{cmd(MenteeTask, 4, "alice")}},
		{name: "inside an open element", body: "<div>\n/mentee-task\n</div>\n\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 5)}},
		{name: "script", body: "<script>\n/mentee-task\n\n</script>\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 5)}},
		{name: "processing instruction", body: "<?php\n/mentee-task\n?>\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 4)}},
		{name: "declaration", body: "<!DOCTYPE\n/mentee-task\n>\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 4)}},
		{name: "cdata", body: "<![CDATA[\n/mentee-task\n]]>\n/meetup withdraw", want: []Command{cmd(MeetupWithdraw, 4)}},
		{name: "inline tag alone on a line", body: "<span>\n/mentee-task\n\n/meetup withdraw", want: []Command{cmd(MenteeTask, 2), cmd(MeetupWithdraw, 4)}},
		{name: "inline tag with text is a paragraph", body: "<b>Note</b>: this is a task\n/mentee-task", want: []Command{cmd(MenteeTask, 2)}},
		{name: "inline tag cannot interrupt a paragraph", body: "text\n<span>\n/mentee-task", want: []Command{cmd(MenteeTask, 3)}},
		{name: "not a tag", body: "<3 thanks\n/mentee-task", want: []Command{cmd(MenteeTask, 2)}},
		{name: "pre inside a fence is literal", body: "```\n<pre>\n```\n/mentee-task", want: []Command{cmd(MenteeTask, 4)}},
		{name: "list item is not the start of a line", body: "- /mentee-task"},
		{name: "unicode spaces between words", body: "/mentee-task\u00a0@alice", want: []Command{cmd(MenteeTask, 1, "alice")}},

		{name: "junk after mentee-task", body: "/mentee-task please", wantErr: ErrUnexpectedText, errLine: 1},
		{name: "login without at", body: "/mentee-task alice", wantErr: ErrUnexpectedText, errLine: 1},
		{name: "junk after login", body: "hi\n/mentee-task @alice thanks!", wantErr: ErrUnexpectedText, errLine: 2},
		{name: "junk after cancel", body: "/mentee-task cancel now", wantErr: ErrUnexpectedText, errLine: 1},
		{name: "invalid login", body: "/mentee-task @al_ice", wantErr: ErrInvalidLogin, errLine: 1},
		{name: "trailing punctuation makes the login invalid", body: "/mentee-task @alice.", wantErr: ErrInvalidLogin, errLine: 1},
		{name: "bots are not mentees", body: "/mentee-task @dependabot[bot]", wantErr: ErrInvalidLogin, errLine: 1},
		{name: "bare at", body: "/mentee-task @", wantErr: ErrInvalidLogin, errLine: 1},
		{name: "meetup without sub-command", body: "/meetup", wantErr: ErrUnknownSubcommand, errLine: 1},
		{name: "meetup unknown sub-command", body: "/meetup cancel", wantErr: ErrUnknownSubcommand, errLine: 1},
		{name: "present without title", body: "/meetup present   ", wantErr: ErrMissingTitle, errLine: 1},
		{name: "present with only a comment", body: "/meetup present <!-- todo -->", wantErr: ErrMissingTitle, errLine: 1},
		{name: "title too long", body: "/meetup present " + strings.Repeat("a", MaxTitleLen+1), wantErr: ErrTitleTooLong, errLine: 1},
		{name: "withdraw with junk", body: "/meetup withdraw my talk", wantErr: ErrUnexpectedText, errLine: 1},
		{name: "mentorbot alone", body: "/mentorbot", wantErr: ErrUnknownSubcommand, errLine: 1},
		{name: "mentorbot unknown", body: "/mentorbot help", wantErr: ErrUnknownSubcommand, errLine: 1},
		{name: "digest with junk", body: "/mentorbot digest please", wantErr: ErrUnexpectedText, errLine: 1},
		{name: "valid commands survive an error", body: "/mentee-task\n/meetup nope\n/mentorbot digest x\n/meetup withdraw",
			want: []Command{cmd(MenteeTask, 1), cmd(MeetupWithdraw, 4)}, wantErr: ErrUnknownSubcommand, errLine: 2},
		{name: "errors inside code are not errors", body: "```\n/mentee-task junk\n```"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.body)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse() = %#v, want %#v", got, tc.want)
			}
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Parse() error = %v, want none", err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Parse() error = %v, want %v", err, tc.wantErr)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Line != tc.errLine {
				t.Errorf("error line = %d, want %d", pe.Line, tc.errLine)
			}
		})
	}
}

func TestCommandString(t *testing.T) {
	for _, c := range []Command{
		cmd(MenteeTask, 1), cmd(MenteeTask, 1, "Alice"), cmd(MenteeTaskCancel, 1),
		cmd(MeetupPresent, 1, "A talk: about `things`"), cmd(MeetupWithdraw, 1), cmd(Digest, 1),
	} {
		t.Run(c.String(), func(t *testing.T) {
			got, err := Parse(c.String())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], c) {
				t.Errorf("Parse(%q) = %#v, want %#v", c.String(), got, c)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	if got := cmd(MenteeTask, 1, "alice").Login(); got != "alice" {
		t.Errorf("Login() = %q", got)
	}
	if got := cmd(MeetupPresent, 1, "alice").Login(); got != "" {
		t.Errorf("Login() of a meetup command = %q", got)
	}
	if got := cmd(MeetupPresent, 1, "T").Title(); got != "T" {
		t.Errorf("Title() = %q", got)
	}
	if got := cmd(MenteeTask, 1, "T").Title(); got != "" {
		t.Errorf("Title() of mentee-task = %q", got)
	}
}
