package dashboard

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/internal/golden"
	"github.com/thanos-community/mentorbot/pkg/policy"
	"github.com/thanos-community/mentorbot/pkg/writeonce"
	"github.com/thanos-community/mentorbot/pkg/writeonce/writeoncetest"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func TestFirstResponse(t *testing.T) {
	const author = "alice"
	c := func(actor string, h float64) Activity { return Activity{Kind: Comment, Actor: actor, At: at(h)} }
	for _, tc := range []struct {
		name   string
		draft  bool
		tl     []Activity
		want   float64 // hours
		wantOK bool
	}{
		{"a maintainer's comment", false, []Activity{c("maint", 5)}, 5, true},
		// The author's own pings and a bot's comments are not responses.
		{"author and bots do not count", false, []Activity{c(author, 1), c("ci[bot]", 2), {Kind: Comment, Actor: "benchbot", Bot: true, At: at(3)}, c("maint", 10)}, 10, true},
		{"logins compare without case", false, []Activity{c("ALICE", 1), c("maint", 4)}, 4, true},
		{"nobody yet", false, []Activity{c(author, 1)}, 0, false},
		// Opened as a draft on Monday, ready on Wednesday: the clock starts
		// on Wednesday.
		{"opened as draft", true, []Activity{{Kind: Ready, At: at(48)}, c("maint", 50)}, 2, true},
		// Draft for a day in the middle: that day does not count.
		{"draft in the middle", false, []Activity{{Kind: Draft, At: at(2)}, {Kind: Ready, At: at(26)}, c("maint", 30)}, 6, true},
		// A response while in draft ends the clock at the time counted so far.
		{"response while draft", false, []Activity{{Kind: Draft, At: at(3)}, c("maint", 20)}, 3, true},
		// Order of input does not matter; activity before opening is ignored.
		{"unsorted", false, []Activity{c("maint", 7), c("other", 6), c("early", -1)}, 6, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := FirstResponse(t0, tc.draft, author, tc.tl)
			if ok != tc.wantOK || d != time.Duration(tc.want*float64(time.Hour)) {
				t.Errorf("FirstResponse = %s, %v; want %vh, %v", d, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	h := func(xs ...int) []time.Duration {
		var out []time.Duration
		for _, x := range xs {
			out = append(out, time.Duration(x)*time.Hour)
		}
		return out
	}
	for _, tc := range []struct {
		in          []time.Duration
		median, p90 time.Duration
	}{
		{nil, 0, 0},
		{h(5), 5 * time.Hour, 5 * time.Hour},
		{h(4, 1, 3, 2), 2 * time.Hour, 4 * time.Hour},
		{h(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5 * time.Hour, 9 * time.Hour},
	} {
		s := Summarise(tc.in)
		if s.N != len(tc.in) || s.Median != tc.median || s.P90 != tc.p90 {
			t.Errorf("Summarise(%v) = %+v, want median %s p90 %s", tc.in, s, tc.median, tc.p90)
		}
	}
}

// sampleProgramme is three weeks of a small term: two mentees, mentee PRs
// answered faster than the others, one reminder answered in time and one
// not.
func sampleProgramme() Programme {
	pr := func(repo string, n int, author string, mentee bool, createdH, firstH, mergedH float64) PR {
		p := PR{Repo: repo, Number: n, Author: author, Mentee: mentee, Created: at(createdH)}
		if firstH >= 0 {
			p.FirstResponse, p.Responded = time.Duration((firstH-createdH)*float64(time.Hour)), true
		}
		if mergedH >= 0 {
			p.Merged, p.Closed = at(mergedH), at(mergedH)
		}
		return p
	}
	open := pr("thanos-io/thanos", 12, "bob", true, 350, -1, -1)
	open.NoResponseFor, open.Suggested = 4*24*time.Hour+3*time.Hour, true
	return Programme{
		Name: "LFX Mentorship 2026 Term 3",
		From: t0, To: t0.Add(20 * 24 * time.Hour),
		Mentees: []Mentee{
			{Login: "alice", TrackingIssue: "thanos-io/mentorship#1", OnboardingDone: 6, OnboardingTotal: 8,
				Tasks: []Task{{Ref: "thanos-io/thanos#100", Open: false}, {Ref: "thanos-io/thanos#101", Open: true}}, LastDigest: "2026-W47"},
			{Login: "bob", TrackingIssue: "thanos-io/mentorship#2", OnboardingDone: 8, OnboardingTotal: 8, OpenPRs: []PR{open}},
		},
		PRs: []PR{
			pr("thanos-io/thanos", 10, "alice", true, 2, 6, 30),
			pr("thanos-io/thanos", 11, "alice", true, 180, 190, 250),
			open,
			pr("thanos-io/thanos", 20, "someone", false, 5, 53, 100),
			pr("thanos-io/thanos", 21, "another", false, 200, 220, -1),
			pr("thanos-io/objstore", 5, "third", false, 210, -1, -1),
			// Before the term: not counted.
			pr("thanos-io/thanos", 1, "old", false, -100, -90, -80),
		},
		Reminders:    []Reminder{{PR: "thanos-io/thanos#12", At: at(380), AnsweredAt: time.Time{}}, {PR: "thanos-io/thanos#11", At: at(185), AnsweredAt: at(190)}},
		AnswerWithin: 72 * time.Hour,
	}
}

func TestCompute(t *testing.T) {
	f := Compute(sampleProgramme())
	if len(f.Weeks) != 3 || f.Weeks[0].Name != "2026-W45" || f.Weeks[2].Name != "2026-W47" {
		t.Fatalf("weeks %+v", f.Weeks)
	}
	if f.MenteePRs != 3 || f.OtherPRs != 3 {
		t.Errorf("PRs: mentee %d others %d, want 3 and 3 (the one before the term is out)", f.MenteePRs, f.OtherPRs)
	}
	if f.MenteeFirst.N != 2 || f.MenteeFirst.Median != 4*time.Hour || f.MenteeFirst.P90 != 10*time.Hour {
		t.Errorf("mentee first response %+v", f.MenteeFirst)
	}
	if f.OthersFirst.N != 2 || f.OthersFirst.Median != 20*time.Hour || f.OthersFirst.P90 != 48*time.Hour {
		t.Errorf("others first response %+v", f.OthersFirst)
	}
	if f.Weeks[0].MenteeOpened != 1 || f.Weeks[0].MenteeMerged != 1 || f.Weeks[1].MenteeOpened != 1 || f.Weeks[2].MenteeOpened != 1 {
		t.Errorf("weekly counts %+v", f.Weeks)
	}
	if f.Reminders != 2 || f.Answered != 1 {
		t.Errorf("reminders %d answered %d, want 2 and 1", f.Reminders, f.Answered)
	}
}

var fenceRe = regexp.MustCompile("(?s)```mermaid\n.*?\n```")

func TestRenderGolden(t *testing.T) {
	p := sampleProgramme()
	body := Render(p, Compute(p), "lfx-mentorship-2026-term-3")
	golden.Check(t, filepath.Join("testdata", "dashboard.md"), body)
	blocks := fenceRe.FindAllString(body, -1)
	if len(blocks) != 2 {
		t.Fatalf("want two mermaid charts, got %d", len(blocks))
	}
	for _, b := range blocks {
		if err := checkMermaid(b); err != nil {
			t.Errorf("chart does not parse: %v\n%s", err, b)
		}
	}
	if strings.Contains(body, "@alice") || strings.Contains(body, "@bob") {
		t.Errorf("the dashboard mentions someone:\n%s", body)
	}
	if again := Render(p, Compute(p), "lfx-mentorship-2026-term-3"); again != body {
		t.Errorf("render is not deterministic")
	}
}

func TestCheckMermaid(t *testing.T) {
	good := Chart{Title: `Say "hi"`, XAxis: []string{"W1", "W2"}, YLabel: "PRs", Series: []Series{{Values: []float64{1, 2.5}}, {Line: true, Values: []float64{0, 3}}}}.Mermaid()
	if err := checkMermaid(good); err != nil {
		t.Fatalf("rendered chart rejected: %v\n%s", err, good)
	}
	for name, bad := range map[string]string{
		"no header":       "```mermaid\nx-axis [\"a\"]\n```",
		"values mismatch": "```mermaid\nxychart-beta\n    x-axis [\"a\", \"b\"]\n    y-axis \"n\" 0 --> 5\n    bar [1]\n```",
		"not a number":    "```mermaid\nxychart-beta\n    x-axis [\"a\"]\n    y-axis \"n\" 0 --> 5\n    bar [x]\n```",
		"empty range":     "```mermaid\nxychart-beta\n    x-axis [\"a\"]\n    y-axis \"n\" 5 --> 5\n    bar [1]\n```",
		"unquoted title":  "```mermaid\nxychart-beta\n    title a \"b\n    x-axis [\"a\"]\n    y-axis \"n\" 0 --> 5\n    bar [1]\n```",
		"unknown":         "```mermaid\nxychart-beta\n    x-axis [\"a\"]\n    y-axis \"n\" 0 --> 5\n    pie [1]\n```",
		"no series":       "```mermaid\nxychart-beta\n    x-axis [\"a\"]\n    y-axis \"n\" 0 --> 5\n```",
		"unfenced":        "xychart-beta\n    bar [1]",
		"two x axes":      "```mermaid\nxychart-beta\n    x-axis [\"a\"]\n    x-axis [\"a\"]\n    y-axis \"n\" 0 --> 5\n    bar [1]\n```",
		"unquoted x-axis": "```mermaid\nxychart-beta\n    x-axis [a, b]\n    y-axis \"n\" 0 --> 5\n    bar [1, 2]\n```",
	} {
		if err := checkMermaid(bad); err == nil {
			t.Errorf("%s: accepted\n%s", name, bad)
		}
	}
}

// Write opens the dashboard once, leaves it alone while its text is the
// same, and edits it in place when a figure changes.
func TestWrite(t *testing.T) {
	p := policy.Default()
	p.Program.Name, p.Program.TrackingRepo = "LFX Mentorship 2026 Term 3", "thanos-io/mentorship"
	prog := sampleProgramme()
	gh := writeoncetest.New()
	w := writeonce.New(gh, writeoncetest.Bot)
	var lines []string
	report := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }

	if err := Write(context.Background(), w, p, prog, Compute(prog), false, report); err != nil {
		t.Fatal(err)
	}
	// The same figures: nothing is written.
	if err := Write(context.Background(), w, p, prog, Compute(prog), false, report); err != nil {
		t.Fatal(err)
	}
	// A new response changes the text: one edit in place.
	prog.PRs[2].Responded, prog.PRs[2].FirstResponse = true, 3*time.Hour
	if err := Write(context.Background(), w, p, prog, Compute(prog), false, report); err != nil {
		t.Fatal(err)
	}
	want := []string{`create issue thanos-io/mentorship "Mentorship dashboard: LFX Mentorship 2026 Term 3"`, "edit issue thanos-io/mentorship#1"}
	if got := gh.Writes(); !slices.Equal(got, want) {
		t.Errorf("writes %q, want %q", got, want)
	}
	if is := gh.Issues("thanos-io", "mentorship"); len(is) != 1 || !strings.Contains(is[0].GetBody(), "| PRs with a response | 3 | 2 |") {
		t.Errorf("dashboard after the edit: %v", is)
	}
	want = []string{"dashboard: opened thanos-io/mentorship#1", "dashboard: thanos-io/mentorship#1 is up to date", "dashboard: updated thanos-io/mentorship#1 in place"}
	if !slices.Equal(lines, want) {
		t.Errorf("report %q, want %q", lines, want)
	}
}

func TestTermFigures(t *testing.T) {
	p := sampleProgramme()
	f := Compute(p)
	block := TermFigures("alice", p, f)
	golden.Check(t, filepath.Join("testdata", "term-figures.md"), block)
	if err := checkMermaid(fenceRe.FindString(block)); err != nil {
		t.Errorf("the chart does not parse: %v", err)
	}
	report := "### End-of-term report: @alice\n\nIn numbers.\n\n<!-- mentorbot:term-report:alice -->\n"
	once := WithTermFigures(report, block)
	if !strings.Contains(once, block+"\n<!-- mentorbot:term-report:alice -->") || !strings.HasPrefix(once, "### End-of-term report") {
		t.Errorf("block not put before the report's marker:\n%s", once)
	}
	if again := WithTermFigures(once, block); again != once {
		t.Errorf("adding the same block twice changed the report:\n%s", again)
	}
	newer := strings.Replace(block, "median 4 h", "median 5 h", 1)
	if updated := WithTermFigures(once, newer); strings.Count(updated, "**Responsiveness**") != 1 || !strings.Contains(updated, "median 5 h") {
		t.Errorf("a new block did not replace the old one:\n%s", updated)
	}
	if got := TermFigures("nobody", p, f); !strings.Contains(got, "No pull requests were opened in the term") {
		t.Errorf("a mentee without PRs: %s", got)
	}
}
