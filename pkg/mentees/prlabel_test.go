package mentees

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// prEvent is a pull_request event of thanos-io/thanos#number, open.
func prEvent(action, author string, number int, body string, labels ...string) *github.PullRequestEvent {
	pr := &github.PullRequest{
		Number: github.Int(number), State: github.String("open"), Body: github.String(body),
		User: &github.User{Login: github.String(author), Type: github.String("User")},
	}
	for _, l := range labels {
		pr.Labels = append(pr.Labels, &github.Label{Name: github.String(l)})
	}
	return &github.PullRequestEvent{Action: github.String(action), PullRequest: pr}
}

func taskIssue(labels ...string) *github.Issue {
	is := &github.Issue{State: github.String("open")}
	for _, l := range labels {
		is.Labels = append(is.Labels, &github.Label{Name: github.String(l)})
	}
	return is
}

// The issues the pull requests of TestPRLabeler close.
func closable() map[string]*github.Issue {
	pull := taskIssue("mentee-task")
	pull.PullRequestLinks = &github.PullRequestLinks{URL: github.String("https://api.github.com/repos/thanos-io/thanos/pulls/9")}
	return map[string]*github.Issue{
		"thanos-io/thanos#7":   taskIssue("Mentee-Task"), // labels compare case-insensitively
		"thanos-io/thanos#8":   taskIssue("mentee-task"),
		"thanos-io/thanos#9":   pull,
		"thanos-io/thanos#10":  taskIssue("bug"),
		"thanos-io/objstore#3": taskIssue("mentee-task"),
	}
}

func TestPRLabeler(t *testing.T) {
	const (
		ensure = `ensure label thanos-io/thanos "mentee"`
		add    = `add labels thanos-io/thanos#1 ["mentee"]`
	)
	closedPR := prEvent("opened", "alice", 1, "")
	closedPR.PullRequest.State = github.String("closed")
	botPR := prEvent("opened", "renovate[bot]", 1, "Fixes #7")
	botPR.PullRequest.User.Type = github.String("Bot")
	editedBody := prEvent("edited", "carol", 1, "Fixes #7")
	editedBody.Changes = &github.EditChange{Body: &github.EditBody{From: github.String("")}}
	noLabel := func(p *policy.Policy) { p.Labels.MenteePR = "" }
	noTaskLabel := func(p *policy.Policy) { p.Labels.MenteeTask = "" }

	for _, tc := range []struct {
		name   string
		ev     *github.PullRequestEvent
		policy func(*policy.Policy)
		fail   map[string]int
		want   []string
		err    string
	}{
		{name: "active mentee: the label is created, then added", ev: prEvent("opened", "ALICE", 1, ""), want: []string{ensure, add}},
		{name: "reopened", ev: prEvent("reopened", "alice", 1, ""), want: []string{ensure, add}},
		{name: "labelled already", ev: prEvent("opened", "alice", 1, "", "Mentee")},
		{name: "mentee whose term ended", ev: prEvent("opened", "carol", 1, "")},
		{name: "not a mentee", ev: prEvent("opened", "dave", 1, "See #7")},
		{name: "a bot closing a task", ev: botPR},
		{name: "closed", ev: closedPR},
		{name: "no labels.mentee_pr", ev: prEvent("opened", "alice", 1, "Fixes #7"), policy: noLabel},
		{name: "closes a mentee task", ev: prEvent("opened", "dave", 1, "Fixes #7"),
			want: []string{"issue thanos-io/thanos#7", ensure, add}},
		{name: "closes a task of another repository of the org", ev: prEvent("opened", "dave", 1, "Closes https://github.com/thanos-io/objstore/issues/3"),
			want: []string{"issue thanos-io/objstore#3", ensure, add}},
		{name: "closes an issue of another org: not read", ev: prEvent("opened", "dave", 1, "Fixes prometheus/prometheus#7")},
		{name: "closes an issue that is no task", ev: prEvent("opened", "dave", 1, "Fixes #10"), want: []string{"issue thanos-io/thanos#10"}},
		{name: "closes a pull request with the task label", ev: prEvent("opened", "dave", 1, "Fixes #9"), want: []string{"issue thanos-io/thanos#9"}},
		{name: "a missing issue, then a task", ev: prEvent("opened", "dave", 1, "Fixes #404, fixes #8"),
			want: []string{"issue thanos-io/thanos#404", "issue thanos-io/thanos#8", ensure, add}},
		{name: "reading stops at the first task", ev: prEvent("opened", "dave", 1, "Fixes #7, fixes #8"),
			want: []string{"issue thanos-io/thanos#7", ensure, add}},
		{name: "no labels.mentee_task: nothing read", ev: prEvent("opened", "dave", 1, "Fixes #7"), policy: noTaskLabel},
		{name: "edited, body unchanged", ev: prEvent("edited", "dave", 1, "Fixes #7")},
		{name: "edited body", ev: editedBody, want: []string{"issue thanos-io/thanos#7", ensure, add}},
		{name: "reading the task fails", ev: prEvent("opened", "dave", 1, "Fixes #7"), fail: map[string]int{"issue thanos-io/thanos#7": http.StatusBadGateway},
			want: []string{"issue thanos-io/thanos#7"}, err: "read issue thanos-io/thanos#7 closed by the pull request"},
		{name: "creating the label fails", ev: prEvent("opened", "alice", 1, ""), fail: map[string]int{ensure: http.StatusForbidden},
			want: []string{ensure}, err: "label mentee pull request thanos-io/thanos#1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy(t)
			if tc.policy != nil {
				tc.policy(&p)
			}
			gh := &fakeGitHub{issues: closable(), fail: tc.fail}
			j := NewPRLabeler(nil, testClock)
			err := j.label(context.Background(), gh, gh, testEnv(p, writeoncetest.New()), tc.ev)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			if got := gh.Take(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("calls\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// One label per PR, created once per repository, and a redelivery writes
// nothing.
func TestPRLabelerOncePerRepository(t *testing.T) {
	gh := &fakeGitHub{issues: closable()}
	env := testEnv(testPolicy(t), writeoncetest.New())
	objstore := env
	objstore.Repo = "objstore"
	j := NewPRLabeler(nil, testClock)
	for _, step := range []struct {
		name string
		env  job.Env
		ev   *github.PullRequestEvent
		want []string
	}{
		{"first mentee PR", env, prEvent("opened", "alice", 1, ""), []string{`ensure label thanos-io/thanos "mentee"`, `add labels thanos-io/thanos#1 ["mentee"]`}},
		{"redelivered, the payload still without the label", env, prEvent("opened", "alice", 1, ""), nil},
		{"edited before the labeled event arrived", env, prEvent("edited", "alice", 1, ""), nil},
		{"second mentee PR", env, prEvent("opened", "alice", 2, ""), []string{`add labels thanos-io/thanos#2 ["mentee"]`}},
		{"a PR closing a task", env, prEvent("opened", "dave", 3, "Fixes #7"), []string{"issue thanos-io/thanos#7", `add labels thanos-io/thanos#3 ["mentee"]`}},
		{"first mentee PR in another repository", objstore, prEvent("opened", "alice", 1, ""), []string{`ensure label thanos-io/objstore "mentee"`, `add labels thanos-io/objstore#1 ["mentee"]`}},
	} {
		if err := j.label(context.Background(), gh, gh, step.env, step.ev); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := gh.Take(); !reflect.DeepEqual(got, step.want) {
			t.Errorf("%s: calls\n%q\nwant\n%q", step.name, got, step.want)
		}
	}
}

// An active mentee's PR enrols them (tracking issue and checklist) the
// first time the process sees them, and is labelled whatever the enrolment
// does.
func TestPRLabelerEnrols(t *testing.T) {
	ctx := context.Background()
	label := []string{`ensure label thanos-io/thanos "mentee"`, `add labels thanos-io/thanos#1 ["mentee"]`}
	aliceIssue := policy.IssueRef{Owner: "thanos-io", Repo: "mentoring", Number: 1}

	t.Run("first sight", func(t *testing.T) {
		w, gh := writeoncetest.New(), &fakeGitHub{}
		j := NewPRLabeler(NewEnroller(testClock), testClock)
		env := testEnv(testPolicy(t), w)
		if err := j.label(ctx, gh, gh, env, prEvent("opened", "alice", 1, "")); err != nil {
			t.Fatal(err)
		}
		issues := w.Issues("thanos-io", "mentoring")
		if len(issues) != 1 || !onboarding.IsTrackingIssue(issues[0].GetBody(), "alice") || len(w.Marked(aliceIssue, onboarding.KindOnboarding)) != 1 {
			t.Errorf("issues %v, checklists %d; want alice's tracking issue with its checklist", issues, len(w.Marked(aliceIssue, onboarding.KindOnboarding)))
		}
		if got := gh.Take(); !reflect.DeepEqual(got, label) {
			t.Errorf("calls %q, want %q", got, label)
		}
		// The next PR, labelled already, costs no request at all: the
		// enrolment is remembered.
		before := len(w.Calls())
		if err := j.label(ctx, gh, gh, env, prEvent("opened", "alice", 2, "", "mentee")); err != nil {
			t.Fatal(err)
		}
		if calls := append(gh.Take(), w.Calls()[before:]...); len(calls) != 0 {
			t.Errorf("calls %q, want none", calls)
		}
	})

	for _, tc := range []struct {
		name   string
		policy func(*policy.Policy)
		fail   int
		author string
	}{
		// A programme shared by several orgs: the lead installation's sweep
		// enrols, this one cannot write there.
		{name: "tracking issues in another org", policy: func(p *policy.Policy) { p.Program.TrackingRepo = "thanos-community/mentoring" }, author: "alice"},
		{name: "the enrolment fails", fail: http.StatusForbidden, author: "alice"},
		{name: "not active", author: "carol"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, gh := writeoncetest.New(), &fakeGitHub{}
			w.FailWrites = tc.fail
			p := testPolicy(t)
			if tc.policy != nil {
				tc.policy(&p)
			}
			j := NewPRLabeler(NewEnroller(testClock), testClock)
			if err := j.label(ctx, gh, gh, testEnv(p, w), prEvent("opened", tc.author, 1, "")); err != nil {
				t.Errorf("error %v: the enrolment must not fail the labelling", err)
			}
			switch calls := w.Calls(); {
			case tc.fail == 0 && len(calls) != 0:
				t.Errorf("enrolment calls %q, want none", calls)
			case tc.fail != 0 && (len(w.Writes()) == 0 || len(w.Issues("thanos-io", "mentoring")) != 0):
				t.Errorf("enrolment calls %q, want a refused write", calls)
			}
			want := label
			if tc.author == "carol" {
				want = nil
			}
			if got := gh.Take(); !reflect.DeepEqual(got, want) {
				t.Errorf("calls %q, want %q", got, want)
			}
		})
	}
}
