package tracking_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/thanos-community/mentorbot/pkg/ghclient/ghclienttest"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/tracking"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

const trackingRepo = "thanos-io/mentoring"

// users is a recording tracking.Users: GitHub knows the logins in known.
type users struct {
	known map[string]bool
	// fail, when set, answers every look-up.
	fail  error
	calls []string
}

func (u *users) User(_ context.Context, login string) (*github.User, error) {
	u.calls = append(u.calls, "user "+login)
	if u.fail != nil {
		return nil, u.fail
	}
	if !u.known[login] {
		return nil, ghclienttest.Status(http.StatusNotFound)
	}
	return &github.User{Login: github.String(login)}, nil
}

// assignRefused is the in-memory GitHub refusing (422) to open an issue
// assigned to one of refused, as GitHub does for people who are not
// collaborators or members yet.
type assignRefused struct {
	*writeoncetest.Issues
	refused map[string]bool
	tries   int
}

func (a *assignRefused) Create(ctx context.Context, owner, repo string, r *github.IssueRequest) (*github.Issue, *github.Response, error) {
	for _, l := range r.GetAssignees() {
		if a.refused[l] {
			a.tries++
			return nil, nil, ghclienttest.Status(http.StatusUnprocessableEntity)
		}
	}
	return a.Issues.Create(ctx, owner, repo, r)
}

// trackingIssue puts an issue the bot opened for login in the tracking
// repository, as an earlier run (or a racing replica) would have.
func trackingIssue(gh *writeoncetest.Issues, login string) int {
	body := "Tracking " + login + "\n\n" + markers.New(onboarding.KindTracking, onboarding.Key(login)) + "\n"
	return gh.AddIssue("thanos-io", "mentoring", writeoncetest.Bot, "Mentorship: @"+login, body).GetNumber()
}

func roster(trackingRepo string, ms ...policy.Mentee) policy.Policy {
	p := policy.Default()
	p.Program.Name = "LFX 2026 Term 3"
	p.Program.TrackingRepo = trackingRepo
	p.Mentees = ms
	return p
}

func ref(n int) policy.IssueRef {
	return policy.IssueRef{Owner: "thanos-io", Repo: "mentoring", Number: n}
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	p := roster(trackingRepo,
		policy.Mentee{Login: "alice"},
		policy.Mentee{Login: "Bob", TrackingIssue: "thanos-io/thanos#5"},
		policy.Mentee{Login: "carol"},
		policy.Mentee{Login: "dave"})
	gh := writeoncetest.New()
	trackingIssue(gh, "carol")                                                                                 // #1
	first := trackingIssue(gh, "alice")                                                                        // #2
	trackingIssue(gh, "alice")                                                                                 // #3: a replica raced
	gh.AddIssue("thanos-io", "mentoring", "stranger", "Mentorship: @dave", "<!-- mentorbot:tracking:dave -->") // #4
	w := writeonce.New(gh, writeoncetest.Bot)

	for _, tc := range []struct {
		name, login string
		p           policy.Policy
		want        policy.IssueRef
		found       bool
		lists       int
	}{
		{"the roster's tracking_issue, not read", "bob", p, policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 5}, true, 0},
		{"found by its marker", "carol", p, ref(1), true, 1},
		{"two replicas raced: the lowest number", "ALICE", p, ref(first), true, 1},
		{"a stranger's issue with the marker does not count", "dave", p, policy.IssueRef{}, false, 1},
		{"not on the roster", "erin", p, policy.IssueRef{}, false, 0},
		{"no tracking_repo", "alice", roster(""), policy.IssueRef{}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(gh.Calls())
			got, ok, err := tracking.Find(ctx, w, tc.p, tc.login)
			if err != nil || ok != tc.found || got != tc.want {
				t.Errorf("Find(%s) = %v, %v, %v; want %v, %v", tc.login, got, ok, err, tc.want, tc.found)
			}
			if calls := gh.Calls()[before:]; len(calls) != tc.lists {
				t.Errorf("calls %q, want %d listing(s)", calls, tc.lists)
			}
		})
	}
}

// A run that looks every mentee up through Once lists the tracking
// repository once, and finds the same issues Find finds without it.
func TestFindOnce(t *testing.T) {
	ctx := context.Background()
	p := roster(trackingRepo, policy.Mentee{Login: "alice"}, policy.Mentee{Login: "carol"}, policy.Mentee{Login: "dave"})
	gh := writeoncetest.New()
	carol := trackingIssue(gh, "carol")
	alice := trackingIssue(gh, "alice")
	opened := tracking.Once(writeonce.New(gh, writeoncetest.Bot))
	for login, want := range map[string]int{"alice": alice, "carol": carol, "dave": 0} {
		got, ok, err := tracking.Find(ctx, opened, p, login)
		if err != nil || ok != (want != 0) || got.Number != want {
			t.Errorf("Find(%s) = %v, %v, %v; want #%d", login, got, ok, err, want)
		}
	}
	if calls := gh.Calls(); len(calls) != 1 {
		t.Errorf("calls %q, want one listing for the three mentees", calls)
	}
}

func TestTrackerEnsure(t *testing.T) {
	ctx := context.Background()
	alice, bob, carol := policy.Mentee{Login: "alice"}, policy.Mentee{Login: "bob"}, policy.Mentee{Login: "carol"}

	t.Run("roster tracking_issue, no request", func(t *testing.T) {
		gh, u := writeoncetest.New(), &users{}
		m := policy.Mentee{Login: "alice", TrackingIssue: "thanos-io/thanos#5"}
		tr := tracking.NewTracker(u, writeonce.New(gh, writeoncetest.Bot), roster(trackingRepo, m))
		is, err := tr.Ensure(ctx, m)
		want := tracking.Issue{Ref: policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 5}}
		if err != nil || is != want {
			t.Errorf("Ensure = %+v, %v; want %+v", is, err, want)
		}
		if len(gh.Calls())+len(u.calls) != 0 {
			t.Errorf("calls %q %q, want none", gh.Calls(), u.calls)
		}
	})

	t.Run("found by marker, one listing per run", func(t *testing.T) {
		gh, u := writeoncetest.New(), &users{}
		trackingIssue(gh, "bob")             // #1
		lowest := trackingIssue(gh, "alice") // #2
		trackingIssue(gh, "alice")           // #3: a replica raced
		tr := tracking.NewTracker(u, writeonce.New(gh, writeoncetest.Bot), roster(trackingRepo, alice, bob))
		for _, tc := range []struct {
			m    policy.Mentee
			want int
		}{{alice, lowest}, {bob, 1}, {alice, lowest}} {
			is, err := tr.Ensure(ctx, tc.m)
			want := tracking.Issue{Ref: ref(tc.want)}
			if err != nil || is != want {
				t.Errorf("Ensure(%s) = %+v, %v; want %+v", tc.m.Login, is, err, want)
			}
		}
		if want := []string{"list issues thanos-io/mentoring"}; !reflect.DeepEqual(gh.Calls(), want) {
			t.Errorf("calls %q, want %q", gh.Calls(), want)
		}
	})

	t.Run("opened once, assigned to the mentee", func(t *testing.T) {
		gh, u := writeoncetest.New(), &users{}
		trackingIssue(gh, "bob") // #1
		w := writeonce.New(gh, writeoncetest.Bot)
		tr := tracking.NewTracker(u, w, roster(trackingRepo, bob, carol))
		is, err := tr.Ensure(ctx, carol)
		want := tracking.Issue{Ref: ref(2), Opened: true}
		if err != nil || is != want {
			t.Fatalf("Ensure = %+v, %v; want %+v", is, err, want)
		}
		// The same run, and another run, find it.
		again, err := tr.Ensure(ctx, carol)
		if err != nil || again.Opened || again.Ref != ref(2) {
			t.Errorf("Ensure again = %+v, %v; want #2 found", again, err)
		}
		other, err := tracking.NewTracker(u, w, roster(trackingRepo, bob, carol)).Ensure(ctx, carol)
		if err != nil || other.Opened || other.Ref != ref(2) {
			t.Errorf("Ensure in another run = %+v, %v; want #2 found", other, err)
		}
		issues := gh.Issues("thanos-io", "mentoring")
		if len(issues) != 2 {
			t.Fatalf("%d issues, want bob's and carol's", len(issues))
		}
		got := issues[1]
		if got.GetTitle() != "Mentorship: @carol (LFX 2026 Term 3)" || len(got.Assignees) != 1 || got.Assignees[0].GetLogin() != "carol" ||
			!onboarding.IsTrackingIssue(got.GetBody(), "carol") {
			t.Errorf("opened %q assigned to %v, body %q", got.GetTitle(), got.Assignees, got.GetBody())
		}
		// The list is read again after the opening, not before each look-up.
		want2 := []string{
			"list issues thanos-io/mentoring",                                         // the run's listing
			"list issues thanos-io/mentoring",                                         // writeonce: find
			`create issue thanos-io/mentoring "Mentorship: @carol (LFX 2026 Term 3)"`, // write
			"list issues thanos-io/mentoring",                                         // writeonce: settle
			"list issues thanos-io/mentoring",                                         // the run's listing, again
			"list issues thanos-io/mentoring",                                         // the other run's
		}
		if !reflect.DeepEqual(gh.Calls(), want2) {
			t.Errorf("calls\n%q\nwant\n%q", gh.Calls(), want2)
		}
		if len(u.calls) != 0 {
			t.Errorf("users looked up: %q", u.calls)
		}
	})

	// GitHub refuses (422) to assign people who are not collaborators or
	// members: the login is looked up, and decides.
	for _, tc := range []struct {
		name string
		u    *users
		// err is what Ensure must answer; nil: the issue is opened.
		err func(error) bool
	}{
		{"known login: opened unassigned", &users{known: map[string]bool{"carol": true}}, nil},
		{"unknown login: the roster entry is wrong", &users{}, func(err error) bool { return errors.Is(err, tracking.ErrUnknownLogin) }},
		{"look-up fails: its error", &users{fail: ghclienttest.Status(http.StatusBadGateway)}, func(err error) bool {
			return ghclient.IsStatus(err, http.StatusBadGateway) && !errors.Is(err, tracking.ErrUnknownLogin)
		}},
	} {
		t.Run("assignment refused, "+tc.name, func(t *testing.T) {
			gh := &assignRefused{Issues: writeoncetest.New(), refused: map[string]bool{"carol": true}}
			tr := tracking.NewTracker(tc.u, writeonce.New(gh, writeoncetest.Bot), roster(trackingRepo, carol))
			is, err := tr.Ensure(ctx, carol)
			issues := gh.Issues.Issues("thanos-io", "mentoring")
			if tc.err == nil {
				want := tracking.Issue{Ref: ref(1), Opened: true, Unassigned: true}
				if err != nil || is != want || len(issues) != 1 || len(issues[0].Assignees) != 0 {
					t.Errorf("Ensure = %+v, %v, issues %v; want %+v, one issue without assignees", is, err, issues, want)
				}
			} else if !tc.err(err) || len(issues) != 0 {
				t.Errorf("Ensure = %+v, %v, issues %v; want no issue and the error", is, err, issues)
			}
			if want := []string{"user carol"}; gh.tries != 1 || !reflect.DeepEqual(tc.u.calls, want) {
				t.Errorf("%d refused opening(s), users looked up %q; want 1 and %q", gh.tries, tc.u.calls, want)
			}
		})
	}

	t.Run("write refused", func(t *testing.T) {
		gh, u := writeoncetest.New(), &users{}
		gh.FailWrites = http.StatusForbidden
		tr := tracking.NewTracker(u, writeonce.New(gh, writeoncetest.Bot), roster(trackingRepo, carol))
		_, err := tr.Ensure(ctx, carol)
		if err == nil || errors.Is(err, tracking.ErrUnknownLogin) || !strings.Contains(err.Error(), "open tracking issue of carol") {
			t.Errorf("Ensure error %v, want the refused write, in context", err)
		}
		if len(u.calls) != 0 {
			t.Errorf("users looked up %q after a 403: only a 422 is about the assignee", u.calls)
		}
	})

	t.Run("no tracking_repo", func(t *testing.T) {
		gh := writeoncetest.New()
		tr := tracking.NewTracker(&users{}, writeonce.New(gh, writeoncetest.Bot), roster("", carol))
		if _, err := tr.Ensure(ctx, carol); !errors.Is(err, tracking.ErrNoTrackingRepo) {
			t.Errorf("Ensure error %v, want ErrNoTrackingRepo", err)
		}
		if len(gh.Calls()) != 0 {
			t.Errorf("calls %q, want none", gh.Calls())
		}
	})
}

func TestTrackerChecklist(t *testing.T) {
	ctx := context.Background()
	alice := policy.Mentee{Login: "alice", Mentors: []string{"mentor-one"}}
	on := ref(7)
	for _, tc := range []struct {
		name     string
		custom   string
		is       tracking.Issue
		posted   int
		warning  bool
		contains string
	}{
		{"built in", "", tracking.Issue{Ref: on}, 1, false, "@mentor-one"},
		{"custom", "Hello {{mention .Mentee}}", tracking.Issue{Ref: on}, 1, false, "Hello @alice"},
		{"broken custom: the built-in one and a warning", "{{.Nope}}", tracking.Issue{Ref: on}, 1, true, "@mentor-one"},
		{"dry run: no issue to post on", "", tracking.Issue{Opened: true}, 0, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := writeoncetest.New()
			p := roster(trackingRepo, alice)
			p.Program.Onboarding = tc.custom
			tr := tracking.NewTracker(&users{}, writeonce.New(gh, writeoncetest.Bot), p)
			for i := range 2 {
				posted, warning, err := tr.Checklist(ctx, alice, tc.is)
				if err != nil || posted != (i == 0 && tc.posted == 1) || (warning != nil) != tc.warning {
					t.Errorf("Checklist #%d = %v, %v, %v", i+1, posted, warning, err)
				}
			}
			got := gh.Marked(on, onboarding.KindOnboarding)
			if len(got) != tc.posted {
				t.Fatalf("%d checklists, want %d", len(got), tc.posted)
			}
			if tc.posted == 1 && !strings.Contains(got[0], tc.contains) {
				t.Errorf("checklist lacks %q:\n%s", tc.contains, got[0])
			}
		})
	}
}

func TestOwner(t *testing.T) {
	p := roster(trackingRepo)
	for _, tc := range []struct {
		m    policy.Mentee
		p    policy.Policy
		want string
	}{
		{policy.Mentee{Login: "alice", TrackingIssue: "prometheus/prometheus#9"}, p, "prometheus"},
		{policy.Mentee{Login: "alice"}, p, "thanos-io"},
		{policy.Mentee{Login: "alice"}, roster(""), ""},
	} {
		if got := tracking.Owner(tc.m, tc.p); got != tc.want {
			t.Errorf("Owner(%+v, %q) = %q, want %q", tc.m, tc.p.Program.TrackingRepo, got, tc.want)
		}
	}
}
