package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// fakeCommandJob records what the router asks of it and answers as told.
type fakeCommandJob struct {
	names   []commands.Name
	verdict commands.Verdict
	mayErr  error
	reply   string
	err     error

	asked []commands.Invocation // MayUse
	ran   []commands.Invocation // OnCommand
}

func (f *fakeCommandJob) Commands() []commands.Name { return f.names }

func (f *fakeCommandJob) MayUse(_ context.Context, _ job.Env, inv commands.Invocation) (commands.Verdict, error) {
	f.asked = append(f.asked, inv)
	return f.verdict, f.mayErr
}

func (f *fakeCommandJob) OnCommand(_ context.Context, _ job.Env, inv commands.Invocation) (string, error) {
	f.ran = append(f.ran, inv)
	return f.reply, f.err
}

func (f *fakeCommandJob) ranNames() []commands.Name {
	var out []commands.Name
	for _, inv := range f.ran {
		out = append(out, inv.Command.Name)
	}
	return out
}

var (
	routeRef = policy.IssueRef{Owner: "o", Repo: "r", Number: 7}
	routeAt  = commands.Invocation{
		Commenter: "alice", Association: "CONTRIBUTOR", CommentID: 42,
		Issue: commands.Issue{Ref: routeRef, Title: "A task", Labels: []string{"bug"}, Assignees: []string{"bob"}, Author: "carol", Body: "text"},
	}
)

// answer is a job's reply as jobs write it: the reply marker first.
func answer(text string) string { return commands.ReplyMarker(routeAt.CommentID) + "\n" + text + "\n" }

func routeBody(t *testing.T, fake *writeoncetest.Issues, jobs []CommandJob, body string) error {
	t.Helper()
	env := job.Env{Owner: "o", Repo: "r", Write: writeonce.New(fake, writeoncetest.Bot)}
	cmds, perr := commands.Parse(body)
	return route(context.Background(), env, jobs, routeAt, cmds, perr)
}

func TestRoute(t *testing.T) {
	allowed := commands.Verdict{Allowed: true}
	tests := []struct {
		name string
		body string
		task fakeCommandJob // runs /mentee-task and cancel
		meet fakeCommandJob // runs /meetup present and withdraw
		// The commands each job ran, whether each was asked, and the one
		// reply ("" for none).
		taskRan, meetRan     []commands.Name
		taskAsked, meetAsked bool
		reply                string
		err                  string
	}{
		{
			name: "no command of any job", body: "/lgtm\n/mentorbot digest",
			task: fakeCommandJob{verdict: allowed}, meet: fakeCommandJob{verdict: allowed},
		},
		{
			name: "allowed, the job has nothing to say", body: "Good task.\n/mentee-task",
			task:    fakeCommandJob{verdict: allowed},
			taskRan: []commands.Name{commands.MenteeTask}, taskAsked: true,
		},
		{
			name: "allowed, the job's answer is the reply", body: "/meetup withdraw",
			meet:    fakeCommandJob{verdict: allowed, reply: answer("Withdrawn.")},
			meetRan: []commands.Name{commands.MeetupWithdraw}, meetAsked: true,
			reply: answer("Withdrawn."),
		},
		{
			name: "denied: the polite reply, nothing runs", body: "/mentee-task cancel",
			task:      fakeCommandJob{reply: "never"},
			taskAsked: true,
			reply:     commands.DeniedReply(commands.MenteeTaskCancel, "alice", 42),
		},
		{
			name: "refused with the job's own reply", body: "/mentee-task",
			task:      fakeCommandJob{verdict: commands.Verdict{Reply: answer("Tasks are issues.")}, reply: "never"},
			taskAsked: true,
			reply:     answer("Tasks are issues."),
		},
		{
			name: "malformed: the parser's reply, the job is not asked", body: "/mentee-task alice",
			task:  fakeCommandJob{verdict: allowed},
			reply: commands.ErrorReply(&commands.ParseError{Line: 1, Command: "/mentee-task", Name: commands.MenteeTask, Text: "alice", Err: commands.ErrUnexpectedText}, "alice", 42),
		},
		{
			name: "malformed line of a command no job runs: no reply", body: "/mentorbot digets",
			task: fakeCommandJob{verdict: allowed}, meet: fakeCommandJob{verdict: allowed},
		},
		{
			name: "the job's valid command runs, its malformed line is not answered", body: "/mentee-task junk\n/mentee-task",
			task:    fakeCommandJob{verdict: allowed},
			taskRan: []commands.Name{commands.MenteeTask}, taskAsked: true,
		},
		{
			name: "the last of a job's commands wins", body: "/mentee-task @bob\n/mentee-task cancel\n/meetup present A\n/meetup withdraw",
			task: fakeCommandJob{verdict: allowed}, meet: fakeCommandJob{verdict: allowed},
			taskRan: []commands.Name{commands.MenteeTaskCancel}, taskAsked: true,
			meetRan: []commands.Name{commands.MeetupWithdraw}, meetAsked: true,
		},
		{
			name: "two commands, two answers, one reply", body: "/meetup present Talk\n/mentee-task",
			task:    fakeCommandJob{reply: "never"},
			meet:    fakeCommandJob{verdict: allowed, reply: answer("On the agenda.")},
			taskRan: nil, taskAsked: true,
			meetRan: []commands.Name{commands.MeetupPresent}, meetAsked: true,
			// In the order of the jobs, not of the lines.
			reply: commands.DeniedReply(commands.MenteeTask, "alice", 42) + "\n---\n\nOn the agenda.\n",
		},
		{
			name: "a malformed line and another job's command share the reply", body: "/meetup present\n/mentee-task",
			task:    fakeCommandJob{verdict: allowed, reply: answer("Labelled.")},
			taskRan: []commands.Name{commands.MenteeTask}, taskAsked: true,
			reply: answer("Labelled.") + "\n---\n\n" + strings.TrimPrefix(
				commands.ErrorReply(&commands.ParseError{Line: 1, Command: "/meetup present", Name: commands.MeetupPresent, Err: commands.ErrMissingTitle}, "alice", 42),
				commands.ReplyMarker(42)+"\n"),
		},
		{
			name: "a job's error loses no other answer", body: "/mentee-task\n/meetup withdraw",
			task:    fakeCommandJob{verdict: allowed, err: errors.New("label refused")},
			meet:    fakeCommandJob{verdict: allowed, reply: answer("Withdrawn.")},
			taskRan: []commands.Name{commands.MenteeTask}, taskAsked: true,
			meetRan: []commands.Name{commands.MeetupWithdraw}, meetAsked: true,
			reply: answer("Withdrawn."),
			err:   "/mentee-task on o/r#7: label refused",
		},
		{
			name: "an answer given with an error is posted", body: "/mentee-task @bob",
			task:    fakeCommandJob{verdict: allowed, reply: answer("GitHub would not assign."), err: errors.New("link failed")},
			taskRan: []commands.Name{commands.MenteeTask}, taskAsked: true,
			reply: answer("GitHub would not assign."),
			err:   "link failed",
		},
		{
			name: "the check fails: no reply, the error says so", body: "/mentee-task\n/meetup withdraw",
			task:      fakeCommandJob{mayErr: errors.New("membership: 502")},
			meet:      fakeCommandJob{verdict: allowed},
			taskAsked: true,
			meetRan:   []commands.Name{commands.MeetupWithdraw}, meetAsked: true,
			err: "/mentee-task on o/r#7: decide whether alice may use it: membership: 502",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			task, meet := tc.task, tc.meet
			task.names = []commands.Name{commands.MenteeTask, commands.MenteeTaskCancel}
			meet.names = []commands.Name{commands.MeetupPresent, commands.MeetupWithdraw}
			fake := writeoncetest.New()
			err := routeBody(t, fake, []CommandJob{&task, &meet}, tc.body)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("route: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("route: error %v, want one saying %q", err, tc.err)
			}
			if got := task.ranNames(); !reflect.DeepEqual(got, tc.taskRan) {
				t.Errorf("task job ran %q, want %q", got, tc.taskRan)
			}
			if got := meet.ranNames(); !reflect.DeepEqual(got, tc.meetRan) {
				t.Errorf("meetup job ran %q, want %q", got, tc.meetRan)
			}
			if got := len(task.asked) == 1; got != tc.taskAsked || len(task.asked) > 1 {
				t.Errorf("task job asked %d times, want asked: %v", len(task.asked), tc.taskAsked)
			}
			if got := len(meet.asked) == 1; got != tc.meetAsked || len(meet.asked) > 1 {
				t.Errorf("meetup job asked %d times, want asked: %v", len(meet.asked), tc.meetAsked)
			}
			replies := fake.Marked(routeRef, commands.ReplyMarkerKind)
			if tc.reply == "" {
				if len(replies) != 0 || len(fake.Writes()) != 0 {
					t.Errorf("replies %q (writes %q), want none", replies, fake.Writes())
				}
				return
			}
			if len(replies) != 1 {
				t.Fatalf("%d replies, want 1: %q", len(replies), replies)
			}
			if replies[0] != tc.reply {
				t.Errorf("reply:\n%s\nwant:\n%s", replies[0], tc.reply)
			}
		})
	}
}

// The job receives the command typed, with what the event said about the
// comment and the issue.
func TestRouteInvocation(t *testing.T) {
	job := &fakeCommandJob{names: []commands.Name{commands.MeetupPresent}, verdict: commands.Verdict{Allowed: true}}
	if err := routeBody(t, writeoncetest.New(), []CommandJob{job}, "Hello!\n\n/meetup present  Sharding   queries "); err != nil {
		t.Fatal(err)
	}
	want := routeAt
	want.Command = commands.Command{Name: commands.MeetupPresent, Args: []string{"Sharding queries"}, Line: 3}
	if len(job.ran) != 1 || !reflect.DeepEqual(job.ran[0], want) || !reflect.DeepEqual(job.asked[0], want) {
		t.Errorf("invocation %+v, want %+v", job.ran, want)
	}
}

// A redelivered comment is answered once, and a reply GitHub refuses is an
// error (the event fails, so it is delivered again).
func TestRouteReplyOnce(t *testing.T) {
	job := &fakeCommandJob{names: []commands.Name{commands.MenteeTask}}
	fake := writeoncetest.New()
	for i := 0; i < 2; i++ {
		if err := routeBody(t, fake, []CommandJob{job}, "/mentee-task"); err != nil {
			t.Fatal(err)
		}
	}
	if got := fake.Marked(routeRef, commands.ReplyMarkerKind); len(got) != 1 {
		t.Errorf("%d replies after a redelivery, want 1", len(got))
	}

	refusing := writeoncetest.New()
	refusing.FailWrites = 403
	err := routeBody(t, refusing, []CommandJob{job}, "/mentee-task")
	if err == nil || !strings.Contains(err.Error(), "reply to comment 42 on o/r#7") {
		t.Errorf("refused reply: error %v", err)
	}
}

func TestInvocationOf(t *testing.T) {
	var ev github.IssueCommentEvent
	payload := `{"action":"created",
		"issue":{"number":9,"title":"Add a cache","body":"desc","user":{"login":"maint"},
			"labels":[{"name":"mentee-task"},{"name":"bug"}],"assignees":[{"login":"alice"}],
			"pull_request":{"url":"https://api.github.com/repos/o/r/pulls/9"}},
		"comment":{"id":77,"body":"/mentee-task","user":{"login":"mentor"},"author_association":"MEMBER"}}`
	if err := json.Unmarshal([]byte(payload), &ev); err != nil {
		t.Fatal(err)
	}
	want := commands.Invocation{
		Commenter: "mentor", Association: "MEMBER", CommentID: 77,
		Issue: commands.Issue{
			Ref: policy.IssueRef{Owner: "o", Repo: "r", Number: 9}, Title: "Add a cache", Labels: []string{"mentee-task", "bug"},
			Assignees: []string{"alice"}, PullRequest: true, Author: "maint", Body: "desc",
		},
	}
	if got := invocationOf(&ev, "o", "r"); !reflect.DeepEqual(got, want) {
		t.Errorf("invocationOf = %+v, want %+v", got, want)
	}
}

// A comment without a command costs nothing: no installation client, no
// policy. One with a command gets as far as asking for the client.
func TestIssueCommentWithoutCommand(t *testing.T) {
	h := &IssueComment{
		Base:     Base{Clients: noClients{}, Policies: noPolicies{}, Bot: &IdentitySource{Slug: "mentorbot"}},
		Commands: []CommandJob{&fakeCommandJob{names: []commands.Name{commands.MenteeTask}}},
	}
	event := func(body string) []byte {
		b, err := json.Marshal(map[string]any{
			"action": "created", "installation": map[string]any{"id": 1},
			"repository": map[string]any{"name": "r", "owner": map[string]any{"login": "o"}},
			"issue":      map[string]any{"number": 1}, "comment": map[string]any{"id": 2, "body": body, "user": map[string]any{"login": "alice"}},
			"sender": map[string]any{"login": "alice"},
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := h.Handle(context.Background(), "issue_comment", "d1", event("Thanks!\n\n```\n/mentee-task\n```")); err != nil {
		t.Errorf("comment without a command: %v", err)
	}
	if err := h.Handle(context.Background(), "issue_comment", "d2", event("/mentee-task")); !errors.Is(err, errNoGitHub) {
		t.Errorf("comment with a command: %v, want the client's error", err)
	}
}
