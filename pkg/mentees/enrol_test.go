package mentees

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// enrolWorld is GitHub for the enrolment tests: it refuses to assign ghost
// (no such user) and newbie (a user, not a collaborator yet).
type enrolWorld struct {
	w      *assignRefused
	gh     *fakeGitHub
	report []string
}

func newEnrolWorld() *enrolWorld {
	return &enrolWorld{
		w:  &assignRefused{Issues: writeoncetest.New(), refused: map[string]bool{"ghost": true, "newbie": true}},
		gh: &fakeGitHub{users: map[string]bool{"newbie": true}},
	}
}

func (e *enrolWorld) inst(p policy.Policy) job.Installation {
	return job.Installation{
		ID: 1, Write: writeonce.New(e.w, writeoncetest.Bot), Owner: "thanos-io", Policy: p, Now: testNow,
		Bot:    job.Identity{Slug: "mentorbot"},
		Report: func(format string, args ...any) { e.report = append(e.report, fmt.Sprintf(format, args...)) },
	}
}

// takeReport returns the report lines since the last take.
func (e *enrolWorld) takeReport() []string {
	out := e.report
	e.report = nil
	return out
}

func TestEnrollerSweep(t *testing.T) {
	ctx := context.Background()
	p := testPolicy(t)
	world := newEnrolWorld()
	e := NewEnroller(testClock)
	if err := e.sweep(ctx, world.gh, world.inst(p)); err != nil {
		t.Fatal(err)
	}
	// alice gets an issue assigned to her, bob's is the roster's, carol's
	// term is over, ghost is not a GitHub user, newbie's issue is opened
	// unassigned, and bad's roster entry is invalid.
	wantReport := []string{
		"enrol alice: opened tracking issue thanos-io/mentoring#1",
		"enrol alice: posted the onboarding checklist on thanos-io/mentoring#1",
		"enrol bob: posted the onboarding checklist on thanos-io/thanos#5",
		"enrol ghost: skipped: open tracking issue of ghost: no GitHub user has this login",
		"enrol newbie: opened tracking issue thanos-io/mentoring#2",
		"enrol newbie: GitHub would not assign the tracking issue to the mentee",
		"enrol newbie: posted the onboarding checklist on thanos-io/mentoring#2",
	}
	if got := world.takeReport(); !reflect.DeepEqual(got, wantReport) {
		t.Errorf("report\n%q\nwant\n%q", got, wantReport)
	}
	issues := world.w.Issues.Issues("thanos-io", "mentoring")
	var got []string
	for _, is := range issues {
		var assignees []string
		for _, a := range is.Assignees {
			assignees = append(assignees, a.GetLogin())
		}
		got = append(got, fmt.Sprintf("#%d %s %v", is.GetNumber(), is.GetTitle(), assignees))
	}
	want := []string{"#1 Mentorship: @alice (LFX 2026 Term 3) [alice]", "#2 Mentorship: @newbie (LFX 2026 Term 3) []"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tracking issues %q, want %q", got, want)
	}
	for _, ref := range []policy.IssueRef{
		{Owner: "thanos-io", Repo: "mentoring", Number: 1},
		{Owner: "thanos-io", Repo: "thanos", Number: 5},
		{Owner: "thanos-io", Repo: "mentoring", Number: 2},
	} {
		if n := len(world.w.Marked(ref, onboarding.KindOnboarding)); n != 1 {
			t.Errorf("%d checklists on %s, want 1", n, ref)
		}
	}
	// GitHub refused to assign ghost and newbie; then each was looked up.
	if got, want := world.w.tries, []string{"ghost", "newbie"}; !reflect.DeepEqual(got, want) {
		t.Errorf("refused assignments %q, want %q", got, want)
	}
	if got, want := world.gh.Take(), []string{"user ghost", "user newbie"}; !reflect.DeepEqual(got, want) {
		t.Errorf("users looked up %q, want %q", got, want)
	}
	writes := world.w.Writes()
	if len(writes) != 5 {
		t.Errorf("writes %q, want 2 issues and 3 checklists", writes)
	}

	// The next sweep of the same process asks GitHub only about the entry
	// that failed.
	world.w.tries = nil
	before := len(world.w.Calls())
	if err := e.sweep(ctx, world.gh, world.inst(p)); err != nil {
		t.Fatal(err)
	}
	if got, want := world.w.Calls()[before:], []string{"list issues thanos-io/mentoring", "list issues thanos-io/mentoring"}; !reflect.DeepEqual(got, want) {
		t.Errorf("second sweep: calls %q, want the tracker's and the writer's look for ghost's issue, %q", got, want)
	}
	if got := world.gh.Take(); !reflect.DeepEqual(got, []string{"user ghost"}) {
		t.Errorf("second sweep: users looked up %q, want ghost", got)
	}
	if got := world.takeReport(); !reflect.DeepEqual(got, wantReport[3:4]) {
		t.Errorf("second sweep: report %q, want only ghost's skip", got)
	}

	// Another process (a restart, a replica) finds everything and writes
	// nothing.
	if err := NewEnroller(testClock).sweep(ctx, world.gh, world.inst(p)); err != nil {
		t.Fatal(err)
	}
	if got := world.w.Writes(); !reflect.DeepEqual(got, writes) {
		t.Errorf("another process wrote %q", got[len(writes):])
	}
	if got := world.takeReport(); !reflect.DeepEqual(got, wantReport[3:4]) {
		t.Errorf("another process: report %q, want only ghost's skip", got)
	}
}

func TestEnrollerSweepWritesRefused(t *testing.T) {
	world := newEnrolWorld()
	world.w.FailWrites = http.StatusForbidden
	err := NewEnroller(testClock).sweep(context.Background(), world.gh, world.inst(testPolicy(t)))
	if err == nil {
		t.Fatal("no error, want the refused writes")
	}
	// Every mentee is tried; a refused write is not the roster's fault, so
	// it fails the sweep (which is retried) instead of being skipped.
	for _, login := range []string{"alice", "bob", "newbie"} {
		if !strings.Contains(err.Error(), "enrol "+login+": ") {
			t.Errorf("error %q does not name %s", err, login)
		}
	}
	if strings.Contains(err.Error(), "ghost") {
		t.Errorf("error %q names ghost, whose entry is skipped", err)
	}
	if got, want := world.takeReport(), []string{"enrol ghost: skipped: open tracking issue of ghost: no GitHub user has this login"}; !reflect.DeepEqual(got, want) {
		t.Errorf("report %q, want %q", got, want)
	}
	if is := world.w.Issues.Issues("thanos-io", "mentoring"); len(is) != 0 {
		t.Errorf("issues %v, want none", is)
	}
}

func TestEnrolling(t *testing.T) {
	p := testPolicy(t)
	var got []string
	for _, m := range enrolling(p, testNow) {
		got = append(got, m.Login)
	}
	// carol's term ended; bad's entry is invalid and not on p.Mentees.
	if want := []string{"alice", "bob", "ghost", "newbie"}; !reflect.DeepEqual(got, want) {
		t.Errorf("enrolling = %q, want %q", got, want)
	}
}
