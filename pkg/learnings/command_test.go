package learnings

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// The /meetup commands read nothing but the bot's own issues, through the
// writer: env.GitHub is left nil, so any other read would panic. Their
// GitHub is sweepWorld's writeoncetest, which records every call; the
// sweep opens the planning issue (#2) as it does on GitHub.

func (s *sweepWorld) commandEnv() job.Env {
	return job.Env{
		Write: writeonce.New(s.w, writeoncetest.Bot), Owner: "thanos-io", Repo: "mentoring", Policy: s.p,
		Bot: job.Identity{Slug: strings.TrimSuffix(writeoncetest.Bot, "[bot]")},
	}
}

// meetupInv is body's one command by login on issue.
func meetupInv(t *testing.T, login, body string, issue commands.Issue) commands.Invocation {
	t.Helper()
	cmds, err := commands.Parse(body)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("parse %q: %v, %v", body, cmds, err)
	}
	return commands.Invocation{Command: cmds[0], Commenter: login, Association: "CONTRIBUTOR", CommentID: 9, Issue: issue}
}

// issueOf is the bot's issue ref of the tracking repository as an event
// describes it.
func (s *sweepWorld) issueOf(ref policy.IssueRef) commands.Issue {
	for _, is := range s.w.Issues(ref.Owner, ref.Repo) {
		if is.GetNumber() == ref.Number {
			return commands.Issue{Ref: ref, Author: is.GetUser().GetLogin(), Body: is.GetBody()}
		}
	}
	return commands.Issue{Ref: ref, Author: "maint"}
}

func TestMeetupMayUse(t *testing.T) {
	s := newSweepWorld(t)
	s.sweep(t, meetupDay)
	const list = "list issues thanos-io/mentoring"
	impostor := s.issueOf(planningIssue)
	impostor.Author = "stranger" // the planning marker copied into someone else's issue
	for _, tc := range []struct {
		name  string
		login string
		issue commands.Issue
		may   bool
		calls []string
	}{
		{"a mentee on the planning issue, without a look-up", "Alice", s.issueOf(planningIssue), true, nil},
		{"a mentee on the tracking issue the bot opened for her", "alice", s.issueOf(aliceIssue), true, []string{list}},
		{"a mentee on another's tracking issue", "alice", s.issueOf(bobIssue), false, []string{list}},
		{"a mentee on the roster's tracking_issue, without a look-up", "bob", s.issueOf(bobIssue), true, nil},
		{"a mentee without a tracking issue, on another's", "carol", s.issueOf(aliceIssue), false, []string{list}},
		{"a mentee on an issue that only looks like the planning issue", "bob", impostor, false, nil},
		{"someone not on the roster, even on the planning issue", "mentor-one", s.issueOf(planningIssue), false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.w.Calls())
			v, err := NewCommands().MayUse(context.Background(), s.commandEnv(), meetupInv(t, tc.login, "/meetup withdraw", tc.issue))
			if err != nil {
				t.Fatal(err)
			}
			if v != (commands.Verdict{Allowed: tc.may}) {
				t.Errorf("verdict %+v, want allowed %v (and the router's denial)", v, tc.may)
			}
			if got := s.w.Calls()[before:]; !slices.Equal(got, tc.calls) {
				t.Errorf("calls %q, want %q", got, tc.calls)
			}
		})
	}
}

func TestMeetupOnCommand(t *testing.T) {
	// No meetup: said so, nothing written; with meetup.enabled off, not
	// even a read.
	for _, tc := range []struct {
		name    string
		enabled bool
		calls   []string
	}{
		{"no meetup in this programme", false, nil},
		{"the planning issue is not open yet", true, []string{"list issues thanos-io/mentoring"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSweepWorld(t)
			s.p.Meetup.Enabled = tc.enabled
			reply, err := NewCommands().OnCommand(context.Background(), s.commandEnv(), meetupInv(t, "alice", "/meetup present T", s.issueOf(aliceIssue)))
			if err != nil || reply != NoMeetupReply("alice", tc.enabled, 9) {
				t.Errorf("reply %q, %v", reply, err)
			}
			if !slices.Equal(s.w.Calls(), tc.calls) {
				t.Errorf("calls %q, want %q", s.w.Calls(), tc.calls)
			}
		})
	}

	// Present, present again, a second mentee, withdraw, withdraw again:
	// the agenda after each step and the reply to it.
	s := newSweepWorld(t)
	s.sweep(t, meetupDay)
	j, planning := NewCommands(), s.issueOf(planningIssue)
	url := "https://github.com/thanos-io/mentoring/issues/2"
	for _, step := range []struct {
		login, body string
		reply       string
		talks       []Talk
	}{
		{"ALICE", "/meetup present Sharding queries", PresentReply("ALICE", "Sharding queries", url, 1, false, 9), []Talk{{Login: "alice", Title: "Sharding queries"}}},
		{"alice", "/meetup present Sharding queries in Thanos", PresentReply("alice", "Sharding queries in Thanos", url, 1, false, 9), []Talk{{Login: "alice", Title: "Sharding queries in Thanos"}}},
		{"bob", "/meetup present Reviews", PresentReply("bob", "Reviews", url, 2, true, 9), []Talk{{Login: "alice", Title: "Sharding queries in Thanos"}, {Login: "bob", Title: "Reviews"}}},
		{"alice", "/meetup withdraw", WithdrawReply("alice", url, true, 9), []Talk{{Login: "bob", Title: "Reviews"}}},
		{"alice", "/meetup withdraw", WithdrawReply("alice", url, false, 9), []Talk{{Login: "bob", Title: "Reviews"}}},
	} {
		reply, err := j.OnCommand(context.Background(), s.commandEnv(), meetupInv(t, step.login, step.body, planning))
		if err != nil {
			t.Fatalf("%s %s: %v", step.login, step.body, err)
		}
		if reply != step.reply {
			t.Errorf("%s %s: reply\n%s\nwant\n%s", step.login, step.body, reply, step.reply)
		}
		a, err := ReadAgenda(s.issueOf(planningIssue).Body)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Talks, step.talks) {
			t.Errorf("%s %s: talks %+v, want %+v", step.login, step.body, a.Talks, step.talks)
		}
		if got := s.w.Marked(planningIssue, commands.ReplyMarkerKind); len(got) != 0 {
			t.Errorf("the job wrote %d replies itself; the router writes them", len(got))
		}
	}
}
