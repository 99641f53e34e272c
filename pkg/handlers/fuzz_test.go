package handlers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"

	"github.com/thanos-community/mentorbot/pkg/policy"
)

// noClients is a client creator that cannot reach GitHub: a handler that
// gets past its early returns fails cleanly at the first client it asks for.
type noClients struct {
	githubapp.ClientCreator
}

var errNoGitHub = errors.New("fuzz: no GitHub here")

func (noClients) NewInstallationClient(int64) (*github.Client, error) { return nil, errNoGitHub }
func (noClients) NewAppClient() (*github.Client, error)               { return nil, errNoGitHub }

type noPolicies struct{}

func (noPolicies) Load(context.Context, *github.Client, int64, string, string) (policy.Result, error) {
	return policy.Result{}, errNoGitHub
}

type recordInstall struct{ calls int }

func (r *recordInstall) OnInstall(context.Context, int64, []*github.Repository) error {
	r.calls++
	return nil
}

// fuzzEvents are the events mentorbot subscribes to, indexed by the fuzzer.
var fuzzEvents = []string{"pull_request", "issues", "issue_comment", "pull_request_review", "installation", "installation_repositories"}

// FuzzHandle feeds arbitrary payloads to every handler: decoding, the early
// returns (actions, bots, missing installation or repository) and the
// start of the work must never panic, whatever the payload.
func FuzzHandle(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "webhooks", "*.json"))
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		event := strings.SplitN(filepath.Base(path), ".", 2)[0]
		for i, e := range fuzzEvents {
			if e == event {
				f.Add(uint8(i), b)
			}
		}
	}
	f.Add(uint8(0), []byte(`{"action":"opened","number":1,"pull_request":{"user":{"login":"x"}},"repository":null,"installation":{"id":1}}`))
	f.Add(uint8(2), []byte(`{"action":"created","comment":{"body":"/mentee-task @a","user":{"login":"mentorbot[bot]","type":"Bot"}},"sender":{"login":"mentorbot[bot]","type":"Bot"}}`))
	f.Add(uint8(4), []byte(`{"action":"created","installation":{"id":-1},"repositories":[{"full_name":"no-slash"},null]}`))
	f.Add(uint8(1), []byte(`[]`))
	f.Add(uint8(3), []byte(`{"action":1}`))

	base := Base{Clients: noClients{}, Policies: noPolicies{}, Now: nil, Bot: &IdentitySource{Slug: "mentorbot"}}
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		install := &recordInstall{}
		hs := []githubapp.EventHandler{
			&PullRequest{Base: base},
			&Issues{Base: base},
			&IssueComment{Base: base},
			&PullRequestReview{},
			&Installation{Jobs: []InstallationJob{install}},
			&Installation{Jobs: []InstallationJob{install}},
		}
		i := int(which) % len(fuzzEvents)
		err := hs[i].Handle(context.Background(), fuzzEvents[i], "fuzz-delivery", payload)
		if err != nil && !errors.Is(err, errNoGitHub) && !strings.Contains(err.Error(), "parse ") {
			t.Fatalf("%s: unexpected error %v", fuzzEvents[i], err)
		}
	})
}
