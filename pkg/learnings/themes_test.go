package learnings

import (
	"reflect"
	"strings"
	"testing"
)

func TestStem(t *testing.T) {
	for _, group := range [][]string{
		{"review", "reviews", "reviewing", "reviewed", "reviewer", "reviewers"},
		{"communicate", "communication", "communicating", "communicated"},
		{"document", "documentation", "documenting", "documented", "documents"},
		{"test", "tests", "testing", "tested"},
		{"issue", "issues"},
		{"plan", "plans", "planning", "planned"},
		{"dependency", "dependencies"},
		{"week", "weekly", "weeks"},
		{"small", "smaller"},
	} {
		want := stem(group[0])
		for _, w := range group[1:] {
			if got := stem(w); got != want {
				t.Errorf("stem(%q) = %q, want %q (as %q)", w, got, want, group[0])
			}
		}
	}
	for _, pair := range [][2]string{{"process", "progress"}, {"user", "us"}, {"bus", "bu"}} {
		if stem(pair[0]) == stem(pair[1]) {
			t.Errorf("stem(%q) == stem(%q) = %q", pair[0], pair[1], stem(pair[0]))
		}
	}
}

func learning(author, text string, sub ...string) Item {
	return Item{Section: SectionLearnings, Author: author, Text: text, Sub: sub, URL: "https://example.invalid/" + author}
}

// groupSummary renders groups as "theme[mentees]: text | text" or
// "@mentee: text".
func groupSummary(gs []Group) []string {
	var out []string
	for _, g := range gs {
		var texts []string
		for _, e := range g.Entries {
			texts = append(texts, e.Item.Text)
		}
		head := "@" + g.Mentees[0]
		if g.Theme != "" {
			head = g.Theme + "[" + strings.Join(g.Mentees, ",") + "]"
		}
		out = append(out, head+": "+strings.Join(texts, " | "))
	}
	return out
}

func TestGroupLearnings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		retros []Retrospective
		want   []string
	}{
		{name: "nothing", retros: []Retrospective{{Mentee: "a"}}},
		{
			name: "no shared words: by mentee, in roster order",
			retros: []Retrospective{
				{Mentee: "b", Items: []Item{learning("b", "Profiling finds hot paths")}},
				{Mentee: "a", Items: []Item{learning("a", "Write upgrade notes")}},
			},
			want: []string{"@b: Profiling finds hot paths", "@a: Write upgrade notes"},
		},
		{
			name: "stop words and one mentee do not make a theme",
			retros: []Retrospective{
				{Mentee: "a", Items: []Item{learning("a", "We learned a lot from the mentors"), learning("a", "Benchmarks matter"), learning("a", "benchmarking early")}},
				{Mentee: "b", Items: []Item{learning("b", "The mentors taught us a lot")}},
			},
			want: []string{"@a: We learned a lot from the mentors | Benchmarks matter | benchmarking early", "@b: The mentors taught us a lot"},
		},
		{
			name: "a stemmed word shared by two mentees is a theme",
			retros: []Retrospective{
				{Mentee: "a", Items: []Item{learning("a", "Ask for reviews early"), learning("a", "Use pprof")}},
				{Mentee: "b", Items: []Item{learning("b", "Reviewing others' PRs teaches a lot")}},
				{Mentee: "c", Items: []Item{learning("c", "Small PRs are reviewed faster"), learning("c", "Tests first")}},
			},
			want: []string{
				"reviews[a,b,c]: Ask for reviews early | Reviewing others' PRs teaches a lot | Small PRs are reviewed faster",
				"@a: Use pprof",
				"@c: Tests first",
			},
		},
		{
			name: "mentors' items count for the mentee's retrospective",
			retros: []Retrospective{
				{Mentee: "a", Items: []Item{learning("mentor", "Time zones need a fixed slot")}},
				{Mentee: "b", Items: []Item{learning("b", "Different time zones slowed feedback")}},
			},
			want: []string{"zones[a,b]: Time zones need a fixed slot | Different time zones slowed feedback"},
		},
		{
			name: "a theme left with one mentee is dropped",
			retros: []Retrospective{
				// "docs" is shared by a and b, but a's item goes to the
				// stronger "review" theme, which leaves "docs" with b alone.
				{Mentee: "a", Items: []Item{learning("a", "Docs review early")}},
				{Mentee: "b", Items: []Item{learning("b", "Docs guides help")}},
				{Mentee: "c", Items: []Item{learning("c", "Review small changes")}},
				{Mentee: "d", Items: []Item{learning("d", "Review often")}},
			},
			want: []string{"review[a,c,d]: Docs review early | Review small changes | Review often", "@b: Docs guides help"},
		},
		{
			name: "nested items count",
			retros: []Retrospective{
				{Mentee: "a", Items: []Item{learning("a", "Communication", "weekly async updates")}},
				{Mentee: "b", Items: []Item{learning("b", "Post updates weekly")}},
			},
			want: []string{"updates[a,b]: Communication | Post updates weekly"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := groupSummary(GroupLearnings(tc.retros))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestGroupLearningsDeterministic(t *testing.T) {
	retros := termRetros(t)
	first := groupSummary(GroupLearnings(retros))
	for range 50 {
		if got := groupSummary(GroupLearnings(retros)); !reflect.DeepEqual(got, first) {
			t.Fatalf("GroupLearnings is not deterministic:\n%v\n%v", got, first)
		}
	}
}
