package policy

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// A remote reference's target gets the three treatments of a local file:
// missing is no file, unreadable is an error (retry, last good untouched),
// invalid is the last good policy with the problems.
func TestLoaderRemoteReference(t *testing.T) {
	const (
		ref    = "remote: thanos-io/.github\npath: mentorbot.yml\n"
		target = "thanos-io/.github:mentorbot.yml"
	)
	cases := []struct {
		name   string
		break_ func(f *fakeGitHub)
		// want is "ok", "missing", "unreadable" or "invalid".
		want        string
		wantProblem string
	}{
		{name: "target read", break_: func(*fakeGitHub) {}, want: "ok"},
		{name: "target file missing", break_: func(f *fakeGitHub) {
			f.mu.Lock()
			delete(f.files, target)
			f.mu.Unlock()
		}, want: "missing"},
		{name: "target repository missing or not visible", break_: func(f *fakeGitHub) { f.fail("thanos-io/.github", http.StatusNotFound) }, want: "missing"},
		{name: "target file unreadable", break_: func(f *fakeGitHub) { f.fail(target, http.StatusBadGateway) }, want: "unreadable"},
		{name: "target repository unreadable", break_: func(f *fakeGitHub) { f.fail("thanos-io/.github", http.StatusInternalServerError) }, want: "unreadable"},
		{name: "target file invalid", break_: func(f *fakeGitHub) { f.set(target, "reviews:\n  waitt: 24h\n") },
			want: "invalid", wantProblem: `prometheus/.github:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml: line 2: unknown key "waitt"`},
		{name: "reference malformed", break_: func(f *fakeGitHub) { f.set("prometheus/.github:mentorbot.yml", "remote: thanos-io\n") },
			want: "invalid", wantProblem: `remote "thanos-io" is not owner/repo`},
		{name: "target is itself a reference", break_: func(f *fakeGitHub) { f.set(target, "remote: cortexproject/.github\n") },
			want: "invalid", wantProblem: "it names another remote reference"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGitHub()
			f.set(target, orgPolicy)
			f.set("prometheus/.github:mentorbot.yml", ref)
			f.repos["prometheus/prometheus"] = true
			client := newClient(t, f)
			l := NewLoader()
			good, err := l.Load(context.Background(), client, 1, "prometheus", "prometheus")
			if err != nil || len(good.Policy.Mentees) != 1 {
				t.Fatalf("first load: %+v, %v", good, err)
			}
			wantSource := "prometheus/.github:mentorbot.yml -> thanos-io/.github@main:mentorbot.yml"
			if good.Source != wantSource {
				t.Errorf("source = %q, want %q", good.Source, wantSource)
			}

			tc.break_(f)
			var logs bytes.Buffer
			res, err := l.Load(logCtx(&logs), client, 1, "prometheus", "prometheus")
			switch tc.want {
			case "ok":
				if err != nil || !reflect.DeepEqual(res, good) {
					t.Errorf("got %+v, %v; want %+v", res, err, good)
				}
			case "missing":
				if err != nil || !reflect.DeepEqual(res, Result{Policy: Default()}) {
					t.Errorf("got %+v, %v; want defaults, as without a file", res, err)
				}
				assertLog(t, &logs, "remote reference to a file that does not exist", "thanos-io/.github")
			case "unreadable":
				var gerr *github.ErrorResponse
				if err == nil || !errors.As(err, &gerr) {
					t.Fatalf("want the API error, got %+v, %v", res, err)
				}
				if !strings.Contains(err.Error(), "thanos-io/.github") {
					t.Errorf("the error should name the remote file: %v", err)
				}
				// The last good policy was left as it was.
				f.fail("thanos-io/.github", 0)
				f.fail(target, 0)
				f.set(target, "reviews: [\n")
				res, err = l.Load(context.Background(), client, 1, "prometheus", "prometheus")
				if err != nil || !res.Stale || !reflect.DeepEqual(res.Policy, good.Policy) {
					t.Errorf("want the last good policy, got %+v, %v", res, err)
				}
			case "invalid":
				if err != nil || !res.Stale || !reflect.DeepEqual(res.Policy, good.Policy) {
					t.Fatalf("want the last good policy, stale, got %+v, %v", res, err)
				}
				if got := strings.Join(problemStrings0(res.Problems), "\n"); !strings.Contains(got, tc.wantProblem) {
					t.Errorf("problems = %q, want one containing %q", got, tc.wantProblem)
				}
				assertLog(t, &logs, "policy invalid, keeping last good")
			}
		})
	}
}

// The target is read with the client RemoteClients gives for its owner (the
// app's installation there), not with the client that read the reference.
func TestLoaderRemoteClients(t *testing.T) {
	local, remote := newFakeGitHub(), newFakeGitHub()
	local.set("prometheus/.github:mentorbot.yml", "remote: thanos-io/.github\npath: mentorbot.yml\n")
	remote.set("thanos-io/.github:mentorbot.yml", orgPolicy)
	remoteClient := newClient(t, remote)
	var asked []string
	l := NewLoader(WithRemoteClients(func(_ context.Context, owner string) (*github.Client, error) {
		asked = append(asked, owner)
		return remoteClient, nil
	}))
	res, err := l.Load(context.Background(), newClient(t, local), 1, "prometheus", "prometheus")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Policy.Mentees) != 1 || !reflect.DeepEqual(asked, []string{"thanos-io"}) {
		t.Errorf("policy %+v, asked %q", res.Policy, asked)
	}
}
