package learnings

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/onboarding"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// sweepRoster is the programme of the sweep's tests: every term ends on 30
// November 2026, so the meetup is planned from 9 November (three weeks
// before the last day) to the end of the term, and the retrospectives are
// collected from 8 December (a week after) to 5 January 2027 (four weeks
// later). alice's tracking issue is one the bot opened, bob's is the
// roster's, carol has none yet.
const sweepRoster = `
program:
  name: LFX 2026 Term 3
  tracking_repo: thanos-io/mentoring
meetup:
  enabled: true
mentees:
  - login: alice
    mentors: [mentor-one]
    start: 2026-09-01
    end: 2026-11-30
  - login: bob
    tracking_issue: thanos-io/thanos#5
    start: 2026-09-01
    end: 2026-11-30
  - login: carol
    start: 2026-09-01
    end: 2026-11-30
`

var (
	meetupDay  = time.Date(2026, 11, 15, 12, 0, 0, 0, time.UTC)
	collectDay = time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)

	aliceIssue    = policy.IssueRef{Owner: "thanos-io", Repo: "mentoring", Number: 1}
	bobIssue      = policy.IssueRef{Owner: "thanos-io", Repo: "thanos", Number: 5}
	planningIssue = policy.IssueRef{Owner: "thanos-io", Repo: "mentoring", Number: 2}
)

// fakeComments is a recording learnings.GitHub over the comments people
// (and the digest's retrospective template) wrote on tracking issues.
type fakeComments struct {
	calls    []string
	comments map[policy.IssueRef][]*github.IssueComment
	nextID   int64
}

var _ GitHub = (*fakeComments)(nil)

func (f *fakeComments) Comments(_ context.Context, owner, repo string, number int, since time.Time, maxPages int) ([]*github.IssueComment, error) {
	f.calls = append(f.calls, fmt.Sprintf("comments %s/%s#%d since %s pages %d", owner, repo, number, since.Format(time.DateOnly), maxPages))
	return f.comments[policy.IssueRef{Owner: owner, Repo: repo, Number: number}], nil
}

// add writes a comment by author on ref at day, and returns it for editing.
func (f *fakeComments) add(ref policy.IssueRef, author, day, body string) *github.IssueComment {
	at, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	f.nextID++
	cm := &github.IssueComment{
		ID: github.Int64(f.nextID), Body: github.String(body), User: &github.User{Login: github.String(author)},
		HTMLURL:   github.String(fmt.Sprintf("https://github.com/%s/%s/issues/%d#issuecomment-%d", ref.Owner, ref.Repo, ref.Number, f.nextID)),
		CreatedAt: &github.Timestamp{Time: at}, UpdatedAt: &github.Timestamp{Time: at},
	}
	if f.comments == nil {
		f.comments = map[policy.IssueRef][]*github.IssueComment{}
	}
	f.comments[ref] = append(f.comments[ref], cm)
	return cm
}

func (f *fakeComments) take() []string {
	out := f.calls
	f.calls = nil
	return out
}

// sweepWorld is what the sweep sees: the bot's issues and comments in
// writeoncetest (with alice's tracking issue, #1), the tracking issues'
// comments in fakeComments, and the sweep's report.
type sweepWorld struct {
	p      policy.Policy
	w      *writeoncetest.Issues
	gh     *fakeComments
	report []string
}

func newSweepWorld(t *testing.T) *sweepWorld {
	t.Helper()
	p, problems := policy.Parse([]byte(sweepRoster))
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	w := writeoncetest.New()
	w.AddIssue("thanos-io", "mentoring", writeoncetest.Bot, "Mentorship: @alice",
		"Tracking alice\n\n"+markers.New(onboarding.KindTracking, onboarding.Key("alice"))+"\n")
	return &sweepWorld{p: p, w: w, gh: &fakeComments{}}
}

func (s *sweepWorld) sweep(t *testing.T, now time.Time) {
	t.Helper()
	inst := job.Installation{
		ID: 1, Write: writeonce.New(s.w, writeoncetest.Bot), Owner: "thanos-io", Policy: s.p, Now: now,
		Bot:    job.Identity{Slug: strings.TrimSuffix(writeoncetest.Bot, "[bot]")},
		Report: func(format string, args ...any) { s.report = append(s.report, fmt.Sprintf(format, args...)) },
	}
	if err := NewSweep().sweep(context.Background(), s.gh, inst); err != nil {
		t.Fatalf("sweep at %s: %v", now.Format(time.DateOnly), err)
	}
}

// marked returns the issues of the tracking repository carrying kind.
func (s *sweepWorld) marked(kind string) []*github.Issue {
	var out []*github.Issue
	for _, is := range s.w.Issues("thanos-io", "mentoring") {
		if markers.Has(is.GetBody(), kind, Slug(s.p.Program.Name)) {
			out = append(out, is)
		}
	}
	return out
}

func TestSweepMeetup(t *testing.T) {
	s := newSweepWorld(t)
	s.sweep(t, meetupDay)

	planning := s.marked(MeetupMarkerKind)
	if len(planning) != 1 || planning[0].GetNumber() != planningIssue.Number || planning[0].GetTitle() != "Mentees Meetup: LFX 2026 Term 3" {
		t.Fatalf("planning issues %v, want #2 titled for the programme", planning)
	}
	for _, ref := range []policy.IssueRef{aliceIssue, bobIssue} {
		invites := s.w.Marked(ref, InviteMarkerKind)
		if len(invites) != 1 || !strings.Contains(invites[0], "(https://github.com/thanos-io/mentoring/issues/2)") {
			t.Errorf("invitations on %s: %q, want one linking the planning issue", ref, invites)
		}
	}
	if want := "meetup: @carol has no tracking issue yet, not invited"; !slices.Contains(s.report, want) {
		t.Errorf("report %q lacks %q", s.report, want)
	}
	if want := []string{
		`create issue thanos-io/mentoring "Mentees Meetup: LFX 2026 Term 3"`,
		"create comment thanos-io/mentoring#1",
		"create comment thanos-io/thanos#5",
	}; !reflect.DeepEqual(s.w.Writes(), want) {
		t.Errorf("writes\n%q\nwant\n%q", s.w.Writes(), want)
	}

	// The next sweep finds everything: it reads and writes nothing else.
	before := len(s.w.Calls())
	s.sweep(t, meetupDay.Add(24*time.Hour))
	if want := []string{
		// One listing of the bot's issues: the planning issue, and alice's
		// and carol's (still none) tracking issues.
		"list issues thanos-io/mentoring",
		"list comments thanos-io/mentoring#1", // alice's invitation
		"list comments thanos-io/thanos#5",    // bob's
	}; !reflect.DeepEqual(s.w.Calls()[before:], want) {
		t.Errorf("second sweep: calls\n%q\nwant\n%q", s.w.Calls()[before:], want)
	}
	if len(s.w.Writes()) != 3 {
		t.Errorf("second sweep wrote %q", s.w.Writes()[3:])
	}
	if calls := s.gh.take(); len(calls) != 0 {
		t.Errorf("the meetup read comments: %q", calls)
	}
}

func TestSweepLearnings(t *testing.T) {
	s := newSweepWorld(t)
	s.sweep(t, meetupDay) // the planning issue, #2, and the invitations
	writes := len(s.w.Writes())

	s.gh.add(aliceIssue, "alice", "2026-10-01", "### Learnings\n- Too early to be the retrospective")
	s.gh.add(aliceIssue, writeoncetest.Bot, "2026-11-23", "Time for your retrospective!\n\n"+markers.New(markers.KindRetro, "alice"))
	alice := s.gh.add(aliceIssue, "alice", "2026-11-28", "### What went well\n- Weekly 1:1s kept me unblocked\n\n### Learnings\n- Ask in public channels early")
	s.gh.add(aliceIssue, "stranger", "2026-11-29", "### Learnings\n- Not part of anyone's retrospective")
	s.gh.add(bobIssue, "bob", "2026-11-25", "### What we could do better\n- Estimating my milestones")

	s.sweep(t, collectDay)
	learnings := s.marked(IssueMarkerKind)
	if len(learnings) != 1 || learnings[0].GetNumber() != 3 || learnings[0].GetTitle() != "Learnings: LFX 2026 Term 3" {
		t.Fatalf("learnings issues %v, want #3 titled for the programme", learnings)
	}
	body := learnings[0].GetBody()
	for _, want := range []string{"Weekly 1:1s kept me unblocked", "Ask in public channels early", "Estimating my milestones", "carol: no retrospective yet"} {
		if !strings.Contains(body, want) {
			t.Errorf("learnings issue lacks %q:\n%s", want, body)
		}
	}
	for _, not := range []string{"Too early", "Not part of"} {
		if strings.Contains(body, not) {
			t.Errorf("learnings issue has %q, which is no retrospective:\n%s", not, body)
		}
	}
	agenda, err := ReadAgenda(s.marked(MeetupMarkerKind)[0].GetBody())
	if err != nil || agenda.LearningsURL != learnings[0].GetHTMLURL() {
		t.Errorf("agenda %+v, %v; want the learnings issue linked", agenda, err)
	}
	if want := []string{
		`create issue thanos-io/mentoring "Learnings: LFX 2026 Term 3"`,
		"edit issue thanos-io/mentoring#2", // the agenda links it
	}; !reflect.DeepEqual(s.w.Writes()[writes:], want) {
		t.Errorf("writes\n%q\nwant\n%q", s.w.Writes()[writes:], want)
	}
	// Every tracking issue is read once, whole; carol has none.
	reads := []string{"comments thanos-io/mentoring#1 since 0001-01-01 pages 0", "comments thanos-io/thanos#5 since 0001-01-01 pages 0"}
	if got := s.gh.take(); !reflect.DeepEqual(got, reads) {
		t.Errorf("reads %q, want %q", got, reads)
	}

	// Nothing changed: the same reads, no write.
	writes = len(s.w.Writes())
	calls := len(s.w.Calls())
	s.sweep(t, collectDay.Add(24*time.Hour))
	if want := []string{
		// One listing of the bot's issues: the learnings and planning
		// issues, and alice's and carol's (still none) tracking issues.
		"list issues thanos-io/mentoring",
		"get issue thanos-io/mentoring#2", // the agenda links the learnings issue already
	}; !reflect.DeepEqual(s.w.Calls()[calls:], want) {
		t.Errorf("second sweep: calls\n%q\nwant\n%q", s.w.Calls()[calls:], want)
	}
	if got := s.gh.take(); !reflect.DeepEqual(got, reads) {
		t.Errorf("second sweep: reads %q, want %q", got, reads)
	}
	if len(s.w.Writes()) != writes {
		t.Errorf("second sweep wrote %q", s.w.Writes()[writes:])
	}

	// alice edits her retrospective: the issue is edited in place.
	alice.Body = github.String("### Learnings\n- Ask in public channels on day one")
	s.sweep(t, collectDay.Add(48*time.Hour))
	if want := []string{"edit issue thanos-io/mentoring#3"}; !reflect.DeepEqual(s.w.Writes()[writes:], want) {
		t.Errorf("after an edit: writes %q, want %q", s.w.Writes()[writes:], want)
	}
	learnings = s.marked(IssueMarkerKind)
	if len(learnings) != 1 || !strings.Contains(learnings[0].GetBody(), "Ask in public channels on day one") ||
		strings.Contains(learnings[0].GetBody(), "Weekly 1:1s") {
		t.Errorf("learnings issues %d, body:\n%s\nwant the one issue with the edited retrospective", len(learnings), learnings[0].GetBody())
	}

	// After collect_until nothing is read any more, not even the bot's
	// issues.
	s.gh.take()
	calls = len(s.w.Calls())
	s.sweep(t, time.Date(2027, 1, 6, 0, 0, 0, 0, time.UTC))
	if got := append(s.gh.take(), s.w.Calls()[calls:]...); len(got) != 0 {
		t.Errorf("after collect_until: calls %q, want none", got)
	}
}

// People closed the learnings issue: the roll-up is over, whatever
// collect_until says.
func TestSweepClosedLearnings(t *testing.T) {
	s := newSweepWorld(t)
	s.gh.add(aliceIssue, "alice", "2026-11-28", "### Learnings\n- Ask early")
	s.sweep(t, collectDay)
	learnings := s.marked(IssueMarkerKind)
	if len(learnings) != 1 {
		t.Fatalf("learnings issues %v, want one", learnings)
	}
	if _, _, err := s.w.Edit(context.Background(), "thanos-io", "mentoring", learnings[0].GetNumber(), &github.IssueRequest{State: github.String("closed")}); err != nil {
		t.Fatal(err)
	}
	s.gh.take()
	s.report = nil
	calls := len(s.w.Calls())
	s.gh.add(aliceIssue, "alice", "2026-12-11", "### Learnings\n- Too late")
	s.sweep(t, collectDay.Add(48*time.Hour))
	if got := s.gh.take(); len(got) != 0 {
		t.Errorf("reads %q, want none", got)
	}
	if got, want := s.w.Calls()[calls:], []string{"list issues thanos-io/mentoring"}; !reflect.DeepEqual(got, want) {
		t.Errorf("calls %q, want only the listing that finds the closed issue", got)
	}
	if want := []string{"learnings: thanos-io/mentoring#2 is closed, retrospectives are no longer read"}; !reflect.DeepEqual(s.report, want) {
		t.Errorf("report %q, want %q", s.report, want)
	}
}

func TestSweepNothingDue(t *testing.T) {
	noRepo := func(p *policy.Policy) { p.Program.TrackingRepo = "" }
	noMeetup := func(p *policy.Policy) { p.Meetup.Enabled = false }
	for _, tc := range []struct {
		name   string
		now    time.Time
		policy func(*policy.Policy)
		report []string
	}{
		{name: "before the meetup is planned", now: time.Date(2026, 11, 8, 12, 0, 0, 0, time.UTC)},
		{name: "meetup disabled", now: meetupDay, policy: noMeetup},
		{name: "between the term's end and collect_after", now: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)},
		{name: "after collect_until", now: time.Date(2027, 1, 6, 0, 0, 0, 0, time.UTC)},
		{name: "no tracking_repo, meetup due", now: meetupDay, policy: noRepo, report: []string{"learnings: program.tracking_repo is not set, nothing opened"}},
		{name: "no tracking_repo, learnings due", now: collectDay, policy: noRepo, report: []string{"learnings: program.tracking_repo is not set, nothing opened"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSweepWorld(t)
			if tc.policy != nil {
				tc.policy(&s.p)
			}
			s.sweep(t, tc.now)
			if got := append(s.gh.take(), s.w.Calls()...); len(got) != 0 {
				t.Errorf("calls %q, want none", got)
			}
			if !reflect.DeepEqual(s.report, tc.report) {
				t.Errorf("report %q, want %q", s.report, tc.report)
			}
		})
	}
}

// A refused write fails the sweep with what it was doing; every mentee's
// invitation is still tried.
func TestSweepWritesRefused(t *testing.T) {
	s := newSweepWorld(t)
	body, err := MeetupBody(Meetup{Program: s.p.Program.Name})
	if err != nil {
		t.Fatal(err)
	}
	s.w.AddIssue("thanos-io", "mentoring", writeoncetest.Bot, MeetupTitle(s.p.Program.Name), body)
	s.w.FailWrites = http.StatusForbidden
	inst := job.Installation{ID: 1, Write: writeonce.New(s.w, writeoncetest.Bot), Owner: "thanos-io", Policy: s.p, Now: meetupDay}
	err = NewSweep().sweep(context.Background(), s.gh, inst)
	for _, want := range []string{"meetup: invite alice: comment meetup-invite:alice on thanos-io/mentoring#1", "invite bob: comment meetup-invite:bob on thanos-io/thanos#5"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
	if want := []string{"create comment thanos-io/mentoring#1", "create comment thanos-io/thanos#5"}; !reflect.DeepEqual(s.w.Writes(), want) {
		t.Errorf("writes %q, want %q", s.w.Writes(), want)
	}
}
