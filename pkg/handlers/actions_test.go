package handlers

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// offlineClients hands out a client that is never used: the jobs below
// make no request.
type offlineClients struct{ githubapp.ClientCreator }

func (offlineClients) NewInstallationClient(int64) (*github.Client, error) {
	return github.NewClient(nil), nil
}

type defaultPolicies struct{ loads int }

func (d *defaultPolicies) Load(context.Context, *github.Client, int64, string, string) (policy.Result, error) {
	d.loads++
	return policy.Result{Policy: policy.Default()}, nil
}

// actionJob records the events it is given.
type actionJob struct {
	actions []string
	got     []string
}

func (j *actionJob) PullRequestActions() []string { return j.actions }
func (j *actionJob) IssuesActions() []string      { return j.actions }

func (j *actionJob) OnPullRequest(_ context.Context, _ job.Env, ev *github.PullRequestEvent) error {
	j.got = append(j.got, ev.GetAction())
	return nil
}

func (j *actionJob) OnIssue(_ context.Context, _ job.Env, ev *github.IssuesEvent) error {
	j.got = append(j.got, ev.GetAction())
	return nil
}

// A handler runs a job only for the actions the job declares, and an event
// no job wants costs no policy read (nor token); the job never filters
// actions itself.
func TestHandlersRunJobsForTheirActions(t *testing.T) {
	event := func(action string) []byte {
		b, err := json.Marshal(map[string]any{
			"action": action, "installation": map[string]any{"id": 1},
			"repository":   map[string]any{"name": "r", "owner": map[string]any{"login": "o"}},
			"pull_request": map[string]any{"number": 1}, "issue": map[string]any{"number": 1},
			"sender": map[string]any{"login": "alice", "type": "User"},
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	actions := []string{"opened", "edited", "labeled", "closed", "synchronize", "opened"}
	for _, tc := range []struct {
		event  string
		handle func(a, b *actionJob, p Policies) githubapp.EventHandler
	}{
		{"pull_request", func(a, b *actionJob, p Policies) githubapp.EventHandler {
			return &PullRequest{Base: Base{Clients: offlineClients{}, Policies: p, Now: time.Now, Bot: &IdentitySource{Slug: "mentorbot"}}, Jobs: []PullRequestJob{a, b}}
		}},
		{"issues", func(a, b *actionJob, p Policies) githubapp.EventHandler {
			return &Issues{Base: Base{Clients: offlineClients{}, Policies: p, Now: time.Now, Bot: &IdentitySource{Slug: "mentorbot"}}, Jobs: []IssuesJob{a, b}}
		}},
	} {
		t.Run(tc.event, func(t *testing.T) {
			welcome := &actionJob{actions: []string{"opened"}}
			labels := &actionJob{actions: []string{"opened", "edited", "labeled"}}
			pol := &defaultPolicies{}
			h := tc.handle(welcome, labels, pol)
			for i, a := range actions {
				if err := h.Handle(context.Background(), tc.event, "d"+a+string(rune('0'+i)), event(a)); err != nil {
					t.Fatalf("%s %s: %v", tc.event, a, err)
				}
			}
			if want := []string{"opened", "opened"}; !slices.Equal(welcome.got, want) {
				t.Errorf("the opened-only job got %v, want %v", welcome.got, want)
			}
			if want := []string{"opened", "edited", "labeled", "opened"}; !slices.Equal(labels.got, want) {
				t.Errorf("the other job got %v, want %v", labels.got, want)
			}
			if pol.loads != 4 {
				t.Errorf("%d policy loads, want 4: closed and synchronize, which no job wants, must cost none", pol.loads)
			}
		})
	}
}
