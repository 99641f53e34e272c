package mentees

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// taskGitHub is a recording TaskGitHub: fakeGitHub's label and user calls,
// and who may use the command, assignees and the event log, recorded in the
// same list and failed the same way (fakeGitHub.fail).
type taskGitHub struct {
	*fakeGitHub
	members    map[string]bool
	perms      map[string]string
	assignable map[string]bool // whom GitHub assigns; it drops anyone else silently
	events     []*github.IssueEvent
}

var _ TaskGitHub = (*taskGitHub)(nil)

func (f *taskGitHub) IsOrgMember(_ context.Context, org, login string) (bool, error) {
	return f.members[login], f.record("member %s %s", org, login)
}

func (f *taskGitHub) Permission(_ context.Context, owner, repo, login string) (string, error) {
	p := f.perms[login]
	if p == "" {
		p = "none"
	}
	return p, f.record("permission %s/%s %s", owner, repo, login)
}

func (f *taskGitHub) RemoveLabel(_ context.Context, owner, repo string, n int, name string) error {
	return f.record("remove label %s/%s#%d %q", owner, repo, n, name)
}

func (f *taskGitHub) AddAssignees(_ context.Context, owner, repo string, n int, logins []string) (*github.Issue, error) {
	is := &github.Issue{Number: github.Int(n)}
	for _, l := range logins {
		if f.assignable[l] {
			is.Assignees = append(is.Assignees, &github.User{Login: github.String(l)})
		}
	}
	return is, f.record("assign %s/%s#%d %q", owner, repo, n, logins)
}

func (f *taskGitHub) RemoveAssignees(_ context.Context, owner, repo string, n int, logins []string) (*github.Issue, error) {
	return &github.Issue{Number: github.Int(n)}, f.record("unassign %s/%s#%d %q", owner, repo, n, logins)
}

func (f *taskGitHub) IssueEvents(_ context.Context, owner, repo string, n int) ([]*github.IssueEvent, error) {
	return f.events, f.record("events %s/%s#%d", owner, repo, n)
}

func assignedEvent(actor, assignee string) *github.IssueEvent {
	return &github.IssueEvent{Event: github.String("assigned"), Actor: &github.User{Login: github.String(actor)}, Assignee: &github.User{Login: github.String(assignee)}}
}

var (
	// taskRef is the issue the commands are written on, in testEnv's
	// repository.
	taskRef = policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 42}
	// aliceTracking is the tracking issue the bot opens for alice, the
	// first issue of the tracking repository; bob's is on the roster.
	aliceTracking = policy.IssueRef{Owner: "thanos-io", Repo: "mentoring", Number: 1}
	bobTracking   = policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 5}
)

// taskInv is body's one command, written by commenter on taskRef.
func taskInv(t *testing.T, commenter, association, body string) commands.Invocation {
	t.Helper()
	cmds, err := commands.Parse(body)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("parse %q: %v, %v", body, cmds, err)
	}
	return commands.Invocation{
		Command: cmds[0], Commenter: commenter, Association: association, CommentID: 9,
		Issue: commands.Issue{Ref: taskRef, Title: "Add a cache", Author: "maint"},
	}
}

func TestTasksMayUse(t *testing.T) {
	p := testPolicy(t)
	const (
		member     = "member thanos-io "
		permission = "permission thanos-io/thanos "
	)
	for _, tc := range []struct {
		name         string
		login, assoc string
		pr           bool
		gh           taskGitHub
		want         commands.Verdict
		calls        []string
		err          bool
	}{
		{name: "a listed mentor, without asking", login: "Mentor-One", assoc: "NONE", want: commands.Verdict{Allowed: true}},
		{name: "an org member by association, without asking", login: "maint", assoc: "MEMBER", want: commands.Verdict{Allowed: true}},
		{name: "the owner, without asking", login: "thanos-io", assoc: "OWNER", want: commands.Verdict{Allowed: true}},
		{
			name: "a private org member", login: "quiet", assoc: "CONTRIBUTOR", gh: taskGitHub{members: map[string]bool{"quiet": true}},
			want: commands.Verdict{Allowed: true}, calls: []string{member + "quiet"},
		},
		{
			name: "a collaborator with write access", login: "writer", assoc: "COLLABORATOR", gh: taskGitHub{perms: map[string]string{"writer": "write"}},
			want: commands.Verdict{Allowed: true}, calls: []string{member + "writer", permission + "writer"},
		},
		{
			name: "a collaborator who may only triage", login: "triager", assoc: "COLLABORATOR", gh: taskGitHub{perms: map[string]string{"triager": "triage"}},
			calls: []string{member + "triager", permission + "triager"},
		},
		{name: "a stranger", login: "stranger", assoc: "NONE", calls: []string{member + "stranger", permission + "stranger"}},
		{name: "a mentee", login: "alice", assoc: "CONTRIBUTOR", calls: []string{member + "alice", permission + "alice"}},
		{
			name: "on a pull request nobody, and the reply says why", login: "mentor-one", assoc: "MEMBER", pr: true,
			want: commands.Verdict{Reply: PullRequestReply("mentor-one", 9)},
		},
		{
			name: "GitHub cannot say", login: "stranger", assoc: "NONE",
			gh:    taskGitHub{fakeGitHub: &fakeGitHub{fail: map[string]int{member + "stranger": http.StatusBadGateway}}},
			calls: []string{member + "stranger"}, err: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := tc.gh
			if gh.fakeGitHub == nil {
				gh.fakeGitHub = &fakeGitHub{}
			}
			inv := taskInv(t, tc.login, tc.assoc, "/mentee-task")
			inv.Issue.PullRequest = tc.pr
			got, err := taskVerdict(context.Background(), &gh, testEnv(p, writeoncetest.New()), inv)
			if (err != nil) != tc.err {
				t.Fatalf("verdict: error %v, want one: %v", err, tc.err)
			}
			if got != tc.want {
				t.Errorf("verdict %+v, want %+v", got, tc.want)
			}
			if calls := gh.Take(); !slices.Equal(calls, tc.calls) {
				t.Errorf("calls %q, want %q", calls, tc.calls)
			}
		})
	}
}

// links returns the task's links on a tracking issue, and how many of them
// say the task was withdrawn.
func links(w *writeoncetest.Issues, tracking policy.IssueRef) (n, withdrawn int) {
	for _, l := range w.Marked(tracking, KindTaskLink) {
		n++
		if strings.Contains(l, "Mentee task withdrawn") {
			withdrawn++
		}
	}
	return n, withdrawn
}

func TestTasksOnCommand(t *testing.T) {
	p := testPolicy(t)
	const (
		label  = "mentee-task"
		ensure = `ensure label thanos-io/thanos "mentee-task"`
		add    = `add labels thanos-io/thanos#42 ["mentee-task"]`
	)
	for _, tc := range []struct {
		name              string
		body              string
		labels, assignees []string
		gh                taskGitHub
		// bobLinked: bob's tracking issue links the task already.
		bobLinked bool
		reply     string
		calls     []string
		err       string
		// On the mentee's tracking issue (tracking): the links, those
		// withdrawn, and the onboarding checklists.
		tracking                  policy.IssueRef
		nlinks, withdrawn, checkl int
	}{
		{name: "labels an issue", body: "/mentee-task", calls: []string{ensure, add}},
		{name: "a labelled issue costs nothing", body: "/mentee-task", labels: []string{"Mentee-Task"}},
		{
			name: "labels, assigns and links the mentee's task, enrolling her", body: "/mentee-task @ALICE",
			gh:       taskGitHub{assignable: map[string]bool{"alice": true}},
			calls:    []string{ensure, add, `assign thanos-io/thanos#42 ["alice"]`},
			tracking: aliceTracking, nlinks: 1, checkl: 1,
		},
		{
			name: "an assigned mentee is not assigned again", body: "/mentee-task @alice", labels: []string{label}, assignees: []string{"Alice"},
			tracking: aliceTracking, nlinks: 1, checkl: 1,
		},
		{
			name: "not an active mentee: labelled, not assigned, said so", body: "/mentee-task @carol",
			calls: []string{ensure, add}, reply: NotMenteeReply("mentor-one", "carol", label, 9),
		},
		{
			name: "GitHub would not assign: linked anyway, said so", body: "/mentee-task @bob", labels: []string{label},
			calls: []string{`assign thanos-io/thanos#42 ["bob"]`}, reply: AssignRefusedReply("mentor-one", "bob", label, 9),
			tracking: bobTracking, nlinks: 1, checkl: 1,
		},
		{
			name: "the label refused: an error, nothing else", body: "/mentee-task @alice",
			gh:    taskGitHub{fakeGitHub: &fakeGitHub{fail: map[string]int{ensure: http.StatusForbidden}}},
			calls: []string{ensure}, err: "label mentee task thanos-io/thanos#42",
		},
		{name: "cancel with nothing to undo", body: "/mentee-task cancel", reply: CancelReply("mentor-one", label, Cancelled{}, 9)},
		{
			name: "cancel undoes the bot's assignment and withdraws the link", body: "/mentee-task cancel",
			labels: []string{label}, assignees: []string{"bob", "someone"}, bobLinked: true,
			gh:       taskGitHub{events: []*github.IssueEvent{assignedEvent(writeoncetest.Bot, "bob"), assignedEvent("maint", "someone")}},
			calls:    []string{`remove label thanos-io/thanos#42 "mentee-task"`, "events thanos-io/thanos#42", `unassign thanos-io/thanos#42 ["bob"]`},
			reply:    CancelReply("mentor-one", label, Cancelled{Label: true, Unassigned: []string{"bob"}, Withdrawn: []string{"bob"}}, 9),
			tracking: bobTracking, nlinks: 1, withdrawn: 1,
		},
		{
			name: "cancel keeps an assignment a person made", body: "/mentee-task cancel",
			labels: []string{label}, assignees: []string{"bob"}, bobLinked: true,
			gh:       taskGitHub{events: []*github.IssueEvent{assignedEvent(writeoncetest.Bot, "bob"), assignedEvent("bob", "bob")}},
			calls:    []string{`remove label thanos-io/thanos#42 "mentee-task"`, "events thanos-io/thanos#42"},
			reply:    CancelReply("mentor-one", label, Cancelled{Label: true, Withdrawn: []string{"bob"}, Kept: []string{"bob"}}, 9),
			tracking: bobTracking, nlinks: 1, withdrawn: 1,
		},
		{
			name: "cancel cannot read the event log: an error, no reply", body: "/mentee-task cancel", assignees: []string{"bob"},
			gh:    taskGitHub{fakeGitHub: &fakeGitHub{fail: map[string]int{"events thanos-io/thanos#42": http.StatusBadGateway}}},
			calls: []string{"events thanos-io/thanos#42"}, err: "502",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh, w := tc.gh, writeoncetest.New()
			if gh.fakeGitHub == nil {
				gh.fakeGitHub = &fakeGitHub{}
			}
			if tc.bobLinked {
				w.AddComment(bobTracking, writeoncetest.Bot, TaskLinkComment("bob", taskRef, "Add a cache"))
			}
			inv := taskInv(t, "mentor-one", "NONE", tc.body)
			inv.Issue.Labels, inv.Issue.Assignees = tc.labels, tc.assignees
			reply, err := NewTasks(NewEnroller(testClock), testClock).run(context.Background(), &gh, &gh, testEnv(p, w), inv)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("error %v, want one saying %q", err, tc.err)
			}
			if reply != tc.reply {
				t.Errorf("reply:\n%s\nwant:\n%s", reply, tc.reply)
			}
			if calls := gh.Take(); !slices.Equal(calls, tc.calls) {
				t.Errorf("calls %q, want %q", calls, tc.calls)
			}
			if tc.tracking != (policy.IssueRef{}) {
				n, withdrawn := links(w, tc.tracking)
				if n != tc.nlinks || withdrawn != tc.withdrawn {
					t.Errorf("%d links, %d withdrawn on %s; want %d, %d", n, withdrawn, tc.tracking, tc.nlinks, tc.withdrawn)
				}
				if got := len(w.Marked(tc.tracking, onboarding.KindOnboarding)); got != tc.checkl {
					t.Errorf("%d onboarding checklists on %s, want %d (the first task enrols the mentee)", got, tc.tracking, tc.checkl)
				}
			}
			if got := len(w.Marked(taskRef, commands.ReplyMarkerKind)); got != 0 {
				t.Errorf("the job wrote %d replies itself; the router writes them", got)
			}
		})
	}
}

// Giving a task and taking it back leave the tracking issue the bot opened
// with one link, which then says the task was withdrawn.
func TestTasksGiveThenCancel(t *testing.T) {
	p := testPolicy(t)
	gh, w := &taskGitHub{fakeGitHub: &fakeGitHub{}, assignable: map[string]bool{"alice": true}}, writeoncetest.New()
	tasks, env := NewTasks(NewEnroller(testClock), testClock), testEnv(p, w)
	if _, err := tasks.run(context.Background(), gh, gh, env, taskInv(t, "mentor-one", "NONE", "/mentee-task @alice")); err != nil {
		t.Fatal(err)
	}
	if got := w.Marked(aliceTracking, KindTaskLink); !slices.Equal(got, []string{TaskLinkComment("alice", taskRef, "Add a cache")}) {
		t.Fatalf("links %q", got)
	}

	gh.events = []*github.IssueEvent{assignedEvent(writeoncetest.Bot, "alice")}
	cancel := taskInv(t, "mentor-one", "NONE", "/mentee-task cancel")
	cancel.Issue.Labels, cancel.Issue.Assignees = []string{"mentee-task"}, []string{"alice"}
	reply, err := tasks.run(context.Background(), gh, gh, env, cancel)
	if err != nil {
		t.Fatal(err)
	}
	if want := CancelReply("mentor-one", "mentee-task", Cancelled{Label: true, Unassigned: []string{"alice"}, Withdrawn: []string{"alice"}}, 9); reply != want {
		t.Errorf("reply:\n%s\nwant:\n%s", reply, want)
	}
	if got := w.Marked(aliceTracking, KindTaskLink); !slices.Equal(got, []string{TaskWithdrawnComment("alice", taskRef, "Add a cache")}) {
		t.Errorf("after cancel, links %q: want the one link, edited to say withdrawn", got)
	}
}

// In a programme shared by several orgs, a task given in one org is linked
// from the tracking issue in the org that keeps them, written with the
// app's installation there; without the app there it is not linked, and
// the command still succeeds.
func TestTasksLinkInTheOrgOfTheTrackingIssues(t *testing.T) {
	p := testPolicy(t)
	p.Program.TrackingRepo = "prometheus/mentoring"
	remoteRef := policy.IssueRef{Owner: "prometheus", Repo: "mentoring", Number: 1}
	for _, installed := range []bool{true, false} {
		gh := &taskGitHub{fakeGitHub: &fakeGitHub{}, assignable: map[string]bool{"alice": true}}
		here, there := writeoncetest.New(), writeoncetest.New()
		tasks := NewTasks(NewEnroller(testClock), testClock)
		var asked []string
		tasks.WritersOn = func(_ context.Context, owner, bot string) (writeonce.Interface, error) {
			asked = append(asked, owner+" as "+bot)
			if !installed {
				return nil, nil
			}
			return writeonce.New(there, bot), nil
		}
		env := testEnv(p, here)
		if _, err := tasks.run(context.Background(), gh, gh, env, taskInv(t, "mentor-one", "NONE", "/mentee-task @alice")); err != nil {
			t.Fatalf("installed %v: %v", installed, err)
		}
		if !slices.Equal(asked, []string{"prometheus as " + writeoncetest.Bot}) {
			t.Errorf("installed %v: asked for %q, want the installation on prometheus", installed, asked)
		}
		if len(here.Writes()) != 0 {
			t.Errorf("installed %v: the event's installation wrote %q in another org", installed, here.Writes())
		}
		want := 0
		if installed {
			want = 1
		}
		if n, _ := links(there, remoteRef); n != want {
			t.Errorf("installed %v: %d links on %s, want %d", installed, n, remoteRef, want)
		}
		if !installed {
			continue
		}
		gh.events = []*github.IssueEvent{assignedEvent(writeoncetest.Bot, "alice")}
		cancel := taskInv(t, "mentor-one", "NONE", "/mentee-task cancel")
		cancel.Issue.Labels, cancel.Issue.Assignees = []string{"mentee-task"}, []string{"alice"}
		if _, err := tasks.run(context.Background(), gh, gh, env, cancel); err != nil {
			t.Fatal(err)
		}
		if n, withdrawn := links(there, remoteRef); n != 1 || withdrawn != 1 {
			t.Errorf("after cancel: %d links, %d withdrawn on %s; want the one link withdrawn", n, withdrawn, remoteRef)
		}
	}
}
