package digest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/commands"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// previewAt is Saturday of 2026-W46: the preview covers seedAliceWeek's
// week so far.
var previewAt = nov(14, 12)

// previewEnv is a comment event on a tracking issue of org/mentorship, as
// the router hands it to the job.
func previewEnv(w *world, p policy.Policy) job.Env {
	return job.Env{
		GitHub: w.gh, Write: writeonce.New(w.store, writeoncetest.Bot), InstallationID: 1, Owner: "org", Repo: "mentorship",
		Policy: p, Now: previewAt, Bot: job.Identity{Slug: "mentorbot"},
	}
}

func previewInv(login string, issue commands.Issue) commands.Invocation {
	return commands.Invocation{Command: commands.Command{Name: commands.Digest, Line: 1}, Commenter: login, CommentID: 9, Issue: issue}
}

// Who may preview is decided from the policy and the event alone.
func TestPreviewMayUse(t *testing.T) {
	bob := mentee("bob", policy.IssueRef{})
	bob.Mentors = []string{"mentor-two"}
	p := sweepPolicy(mentee("alice", aliceIssue), bob)
	p.Program.TrackingRepo = "org/mentorship"
	bobs := commands.Issue{Ref: bobIssue, Author: writeoncetest.Bot, Body: onboarding.TrackingBody(onboarding.NewData(p, bob))}
	forged := bobs
	forged.Author = "bob" // the marker in an issue the bot did not open
	elsewhere := bobs
	elsewhere.Ref.Repo = "app" // the bot's issue outside the tracking repository
	for _, tc := range []struct {
		name, login string
		issue       commands.Issue
		may         bool
	}{
		{"the mentee on the roster's tracking issue", "Alice", commands.Issue{Ref: aliceIssue}, true},
		{"their mentor", "mentor", commands.Issue{Ref: aliceIssue}, true},
		{"another mentee's mentor", "mentor-two", commands.Issue{Ref: aliceIssue}, false},
		{"a stranger", "stranger", commands.Issue{Ref: aliceIssue}, false},
		{"the mentee on a pull request", "alice", commands.Issue{Ref: aliceIssue, PullRequest: true}, false},
		{"the mentee on another issue", "alice", commands.Issue{Ref: policy.IssueRef{Owner: "org", Repo: "mentorship", Number: 5}}, false},
		{"a mentee on the tracking issue the bot opened", "bob", bobs, true},
		{"a mentee on an issue with a copied marker", "bob", forged, false},
		{"a mentee on the bot's issue outside the tracking repository", "bob", elsewhere, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld()
			v, err := w.sweep.MayUse(context.Background(), previewEnv(w, p), previewInv(tc.login, tc.issue))
			if err != nil || v != (commands.Verdict{Allowed: tc.may}) {
				t.Errorf("verdict %+v, %v; want allowed %v", v, err, tc.may)
			}
			if calls := append(w.gh.Take(), w.store.Calls()...); len(calls) != 0 {
				t.Errorf("calls %q, want none", calls)
			}
		})
	}
}

func TestPreviewOnCommand(t *testing.T) {
	p := sweepPolicy()
	inv := previewInv("mentor", commands.Issue{Ref: aliceIssue})

	t.Run("the mentee's week so far, marked as a preview and as the reply", func(t *testing.T) {
		w := newWorld()
		seedAliceWeek(w.gh)
		reply, err := w.sweep.OnCommand(context.Background(), previewEnv(w, p), inv)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"### Digest preview for @alice: 2026-W46", "store: faster postings", markers.New(KindPreview, "2026-W46")} {
			if !strings.Contains(reply, want) {
				t.Errorf("preview lacks %q:\n%s", want, reply)
			}
		}
		if strings.Contains(reply, "old merged work") {
			t.Errorf("preview shows the week before:\n%s", reply)
		}
		if !strings.HasSuffix(reply, commands.ReplyMarker(9)+"\n") {
			t.Errorf("preview does not end with the reply marker:\n%s", reply)
		}
		if _, _, ok := FromComment(reply); ok {
			t.Errorf("a preview must not count as the week's digest:\n%s", reply)
		}
		// The weekly digest's reads, but for the tracking issue's comments:
		// the preview looks only for its own reply, through the writer.
		if got, want := w.gh.Take(), aliceWeekReads[1:]; !slices.Equal(got, want) {
			t.Errorf("reads %q, want %q", got, want)
		}
		if got := w.store.Calls(); !slices.Equal(got, []string{"list comments org/mentorship#1"}) || len(w.store.Writes()) != 0 {
			t.Errorf("writer calls %q: want one look for the reply and no write (the router writes it)", got)
		}
	})

	t.Run("an answered comment costs no search", func(t *testing.T) {
		w := newWorld()
		seedAliceWeek(w.gh)
		w.store.AddComment(aliceIssue, writeoncetest.Bot, "an earlier preview\n"+commands.ReplyMarker(9)+"\n")
		reply, err := w.sweep.OnCommand(context.Background(), previewEnv(w, p), inv)
		if err != nil || reply != "" {
			t.Errorf("reply %q, %v; want nothing", reply, err)
		}
		if calls := w.gh.Take(); len(calls) != 0 {
			t.Errorf("reads %q, want none", calls)
		}
	})

	t.Run("failures say what failed", func(t *testing.T) {
		w := newWorld()
		w.gh.failOn = "involves:"
		if reply, err := w.sweep.OnCommand(context.Background(), previewEnv(w, p), inv); reply != "" || err == nil ||
			!strings.Contains(err.Error(), "gather activity for the preview: 502 Bad Gateway") {
			t.Errorf("search failed: reply %q, error %v", reply, err)
		}
		w = newWorld()
		w.sweep.Peers = func(context.Context, int64) ([]job.Peer, error) { return nil, errors.New("installations: 502") }
		if reply, err := w.sweep.OnCommand(context.Background(), previewEnv(w, p), inv); reply != "" || err == nil ||
			!strings.Contains(err.Error(), "find the programme's other installations: installations: 502") {
			t.Errorf("peers failed: reply %q, error %v", reply, err)
		}
	})

	// The programme's other orgs are searched with their own installation.
	t.Run("peers are searched too", func(t *testing.T) {
		w := newWorld()
		peer := newFake(w.store)
		w.sweep.Peers = func(context.Context, int64) ([]job.Peer, error) {
			return []job.Peer{{ID: 2, GitHub: peer, Owner: "other"}}, nil
		}
		if _, err := w.sweep.OnCommand(context.Background(), previewEnv(w, p), inv); err != nil {
			t.Fatal(err)
		}
		calls := peer.Take()
		if searches(calls) != 3 || slices.ContainsFunc(calls, func(c string) bool { return !strings.HasSuffix(c, " org:other") }) {
			t.Errorf("peer reads %q, want the three searches in org:other", calls)
		}
	})
}
