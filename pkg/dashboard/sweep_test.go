package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/thanos-community/mentorbot/pkg/ghclient"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/markers"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

// sweepWorld is a programme's GitHub for the dashboard sweep: reads through
// the lead's and a peer org's fakeReads, writes through the real
// writeonce.Writer over store.
type sweepWorld struct {
	store      *writeoncetest.Issues
	lead, peer *fakeReads
	sweep      *Sweep
	reg        *prometheus.Registry
	// slept counts the pacers' waits: each installation may search three
	// times a minute here, as many as it needs, so a wait means one
	// installation's budget paid for another's searches.
	slept int
	lines []string
}

func newSweepWorld(t *testing.T) *sweepWorld {
	w := &sweepWorld{store: writeoncetest.New(), reg: prometheus.NewRegistry()}
	w.lead, w.peer = newReads(w.store), newReads(w.store)
	seedTerm(t, w.lead, termPolicy())
	w.peer.results["is:pr author:bob org:other created:>=2026-11-02"] = []*github.Issue{menteePR("other/db", 4, "bob", nov(9, 9))}
	w.peer.pulls["other/db"] = []*github.PullRequest{listed(4, "bob", nov(9, 9))}
	w.peer.timelines["other/db#4"] = []ghclient.TimelineEntry{commented(person("dba"), nov(9, 13), "Welcome!")}
	pacers := &ghclient.Pacers{New: func() *ghclient.Pacer {
		return &ghclient.Pacer{Limit: 3, Sleep: func(context.Context, time.Duration) error { w.slept++; return nil }}
	}}
	w.sweep = NewSweep(pacers, NewMetrics(w.reg))
	return w
}

func (w *sweepWorld) run(t *testing.T, p policy.Policy, now time.Time) {
	t.Helper()
	inst := job.Installation{
		ID: 1, GitHub: w.lead, Write: writeonce.New(w.store, writeoncetest.Bot), Owner: "org", Policy: p, Org: p, Lead: true,
		Peers: []job.Peer{{ID: 2, GitHub: w.peer, Owner: "other"}}, Now: now, Bot: job.Identity{Slug: "mentorbot"},
		Report: func(format string, args ...any) { w.lines = append(w.lines, fmt.Sprintf(format, args...)) },
	}
	if err := w.sweep.Sweep(context.Background(), inst); err != nil {
		t.Fatal(err)
	}
}

// gauge reads one series of the sweep's metrics; labels are name=value.
func (w *sweepWorld) gauge(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := w.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				if have[k] != v {
					continue series
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no series %s%v", name, labels)
	return 0
}

// The sweep reads the programme of both orgs, each with its own
// installation and search budget, opens the dashboard once with what it
// read, sets the figures on /metrics, and on a second run with nothing new
// reads the same and writes nothing.
func TestSweep(t *testing.T) {
	w := newSweepWorld(t)
	p := termPolicy()
	w.run(t, p, nov(16, 10))

	dash := w.store.Issues("org", "mentorship")
	if len(dash) != 3 || dash[2].GetTitle() != "Mentorship dashboard: LFX Mentorship 2026 Term 3" || dash[2].GetUser().GetLogin() != writeoncetest.Bot {
		t.Fatalf("issues in org/mentorship: %v", dash)
	}
	body := dash[2].GetBody()
	for _, want := range []string{
		"| ` alice ` | org/mentorship#1 | 2/",
		"| 2026-W46 |",
		"| ` bob ` | org/mentorship#2 | – | org/app#8 (no response for 6 days, escalated)<br>other/db#4 | org/app#40 (open) | – |",
		"| PRs opened | 5 | 3 |",
		"| PRs with a response | 4 | 2 |",
		"| First response, median | 5 h | 3 h |",
		"Review-wait reminders: 2 sent, 1 answered within 3 d.",
		markers.New(MarkerKind, "lfx-mentorship-2026-term-3"),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, body)
		}
	}
	if w.slept != 0 {
		t.Errorf("the pacers waited %d times: the orgs' searches were paced together", w.slept)
	}
	for series, want := range map[string]float64{
		"mentorbot_programme_prs group=mentee":                                     5,
		"mentorbot_programme_prs group=other":                                      3,
		"mentorbot_programme_mentee_prs_without_response":                          1,
		"mentorbot_programme_reminders outcome=answered":                           1,
		"mentorbot_programme_reminders outcome=unanswered":                         1,
		"mentorbot_programme_first_response_seconds group=mentee statistic=median": (5 * time.Hour).Seconds(),
	} {
		f := strings.Fields(series)
		if got := w.gauge(t, f[0], append(f[1:], "programme="+p.Program.Name)...); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	leadReads, peerReads := w.lead.Take(), w.peer.Take()
	if got, want := w.store.Writes(), []string{`create issue org/mentorship "Mentorship dashboard: LFX Mentorship 2026 Term 3"`}; !slices.Equal(got, want) {
		t.Errorf("writes %q, want %q", got, want)
	}
	if want := []string{"dashboard: opened org/mentorship#3"}; !slices.Equal(w.lines, want) {
		t.Errorf("report %q, want %q", w.lines, want)
	}

	w.lines = nil
	writes := len(w.store.Writes())
	w.run(t, p, nov(16, 11))
	if n := len(w.store.Writes()); n != writes {
		t.Errorf("a run with nothing new wrote %q", w.store.Writes()[writes:])
	}
	if got := w.lead.Take(); !slices.Equal(got, leadReads) {
		t.Errorf("the second run read\n%s\nthe first\n%s", strings.Join(got, "\n"), strings.Join(leadReads, "\n"))
	}
	if got := w.peer.Take(); !slices.Equal(got, peerReads) {
		t.Errorf("the second run read from the peer\n%s\nthe first\n%s", strings.Join(got, "\n"), strings.Join(peerReads, "\n"))
	}
	if want := []string{"dashboard: org/mentorship#3 is up to date"}; !slices.Equal(w.lines, want) {
		t.Errorf("report %q, want %q", w.lines, want)
	}
}

// Once the digest has posted a mentee's end-of-term report, the sweep adds
// the mentee's figures to it, once; a report it has not posted yet is
// left alone.
func TestSweepAddsTermFigures(t *testing.T) {
	w := newSweepWorld(t)
	p := termPolicy()
	report := w.store.AddComment(aliceIssue, writeoncetest.Bot, "### End-of-term report: @alice\n\n"+markers.New(markers.KindTermReport, "alice")+"\n")
	now := time.Date(2026, time.December, 1, 10, 0, 0, 0, time.UTC)
	w.run(t, p, now)
	var got string
	for _, c := range w.store.Comments(aliceIssue) {
		if c.GetID() == report.GetID() {
			got = c.GetBody()
		}
	}
	if strings.Count(got, "**Responsiveness**") != 1 || !strings.Contains(got, "of the 3 pull requests opened in the term: median 24 h") {
		t.Errorf("alice's report:\n%s", got)
	}
	if !slices.Contains(w.lines, "dashboard: added alice's figures to the end-of-term report on org/mentorship#1") {
		t.Errorf("report %q", w.lines)
	}
	edits := func() (n int) {
		for _, c := range w.store.Writes() {
			if strings.HasPrefix(c, "edit comment ") {
				n++
			}
		}
		return n
	}
	if n := edits(); n != 1 {
		t.Errorf("%d comment edits, want 1 (alice's report; bob has none)", n)
	}
	w.run(t, p, now.Add(time.Hour))
	if n := edits(); n != 1 {
		t.Errorf("the figures were written again: %d edits", n)
	}
}

// Without a dashboard the sweep reads nothing.
func TestSweepDisabled(t *testing.T) {
	off := termPolicy()
	off.Dashboard.Enabled = false
	noRepo := termPolicy()
	noRepo.Program.TrackingRepo = ""
	noRoster := termPolicy()
	noRoster.Mentees = nil
	for name, p := range map[string]policy.Policy{"dashboard.enabled false": off, "no tracking_repo": noRepo, "no mentees": noRoster} {
		t.Run(name, func(t *testing.T) {
			if Enabled(p) {
				t.Fatal("enabled")
			}
			w := newSweepWorld(t)
			w.run(t, p, nov(16, 10))
			if c := slices.Concat(w.lead.Take(), w.peer.Take(), w.store.Calls()); len(c) != 0 {
				t.Errorf("calls %q", c)
			}
		})
	}
}
