package learnings

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/thanos-community/mentorbot/pkg/digest"
	"github.com/thanos-community/mentorbot/pkg/job"
	"github.com/thanos-community/mentorbot/pkg/policy"
)

// TestReadRetro reads retrospectives the way people write them on a tracking
// issue: the term of alice (mentor bob) ends on Tuesday 2026-11-24, so the
// reminder, and the window, opens on Tuesday 2026-11-17; the bot's template
// comes on the last day.
func TestReadRetro(t *testing.T) {
	bot := job.Identity{Slug: "mentorbot"}
	end := policy.Date{Year: 2026, Month: time.November, Day: 24}
	m := policy.Mentee{Login: "alice", Mentors: []string{"bob"}, End: end}
	p := policy.Default()
	p.Program.Name = "LFX Mentorship 2026 Term 3"
	p.Mentees = []policy.Mentee{m}
	p.Retrospective.Authors = []string{"coordinator"}

	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }
	id := int64(100)
	c := func(author string, created time.Time, body string) Comment {
		id++
		return Comment{ID: id, Author: author, Body: body, CreatedAt: created, UpdatedAt: created,
			URL: fmt.Sprintf("https://github.com/o/r/issues/1#issuecomment-%d", id)}
	}
	edited := func(cm Comment, updated time.Time, body string) Comment {
		cm.Body, cm.UpdatedAt = body, updated
		return cm
	}
	template := func() Comment {
		return c("mentorbot[bot]", at(24, 9), digest.RenderRetro(digest.TermOf(m, p.Program.Name)))
	}
	handbook := "## What we did well\n\n- shipped the store cache\n\n## What we could do better\n\n- smaller PRs\n\n## Learnings\n\n- write the design doc first\n"

	type item struct{ section, text, author string }
	tests := []struct {
		name     string
		comments []Comment
		want     []item
		// wantEdited: the first item comes from a comment edited after it was posted.
		wantEdited bool
	}{
		{
			// The last 1:1 was on Monday: the retrospective comes the day
			// before the template, and counts.
			name:     "before the template",
			comments: []Comment{c("alice", at(23, 18), handbook), template()},
			want: []item{
				{"What we did well", "shipped the store cache", "alice"},
				{"What we could do better", "smaller PRs", "alice"},
				{"Learnings", "write the design doc first", "alice"},
			},
		},
		{
			name:     "after the template, no template posted yet is the same",
			comments: []Comment{c("alice", at(25, 10), handbook)},
			want: []item{
				{"What we did well", "shipped the store cache", "alice"},
				{"What we could do better", "smaller PRs", "alice"},
				{"Learnings", "write the design doc first", "alice"},
			},
		},
		{
			// A mentor posts the team's retrospective with bold labels.
			name: "by a mentor with bold headings",
			comments: []Comment{template(), c("bob", at(24, 15),
				"Notes from our last call:\n\n**What we did well**\n- pairing on the compactor\n\n**What we could do better**\n- start reviews earlier\n\n**Learnings**\n- ask in #thanos-dev sooner\n")},
			want: []item{
				{"What we did well", "pairing on the compactor", "bob"},
				{"What we could do better", "start reviews earlier", "bob"},
				{"Learnings", "ask in #thanos-dev sooner", "bob"},
			},
		},
		{
			// Pasted from the working doc with other heading levels, split
			// over two comments.
			name: "split over two comments with # and ### headings",
			comments: []Comment{
				c("alice", at(23, 20), "# What we did well\n- finished the proposal\n\n### What we could do better\n- estimate better\n"),
				template(),
				c("alice", at(24, 11), "### Learnings\n- review early, review often\n"),
			},
			want: []item{
				{"What we did well", "finished the proposal", "alice"},
				{"What we could do better", "estimate better", "alice"},
				{"Learnings", "review early, review often", "alice"},
			},
		},
		{
			// The template's block copied and filled in; its empty bullets
			// are placeholders, not items.
			name: "the template block filled in",
			comments: []Comment{template(), c("alice", at(24, 12),
				"```markdown\n### What we did well\n\n- got two PRs merged\n\n### What we could do better\n\n- \n\n### Learnings\n\n- read the CONTRIBUTING guide first\n```\n")},
			want: []item{
				{"What we did well", "got two PRs merged", "alice"},
				{"Learnings", "read the CONTRIBUTING guide first", "alice"},
			},
		},
		{
			// Quoting the template (or someone else) adds nothing.
			name: "quoted template text is ignored",
			comments: []Comment{template(), c("alice", at(24, 13),
				"> ### What we did well\n> - \n\nThanks, we will do it on Thursday.\n")},
			want: nil,
		},
		{
			// An edit that adds an item: the current text counts.
			name: "an edit adds an item",
			comments: []Comment{template(), edited(c("alice", at(24, 14), "## Learnings\n- one\n"), at(26, 9),
				"## Learnings\n- one\n- two, added after the meetup\n")},
			want: []item{
				{"Learnings", "one", "alice"},
				{"Learnings", "two, added after the meetup", "alice"},
			},
			wantEdited: true,
		},
		{
			// Strangers' comments, and comments from before the reminder
			// (a mid-term check-in with the same headings), do not count;
			// retrospective.authors does.
			name: "who and when",
			comments: []Comment{
				c("alice", at(10, 9), "## Learnings\n- mid-term: ask for help earlier\n"),
				c("drive-by", at(24, 9), "## Learnings\n- +1 great work\n"),
				c("coordinator", at(24, 16), "## What we did well\n- the whole cohort presented at the meetup\n"),
			},
			want: []item{{"What we did well", "the whole cohort presented at the meetup", "coordinator"}},
		},
		{
			// Logins are compared as GitHub does.
			name:     "author case",
			comments: []Comment{c("Alice", at(24, 10), "## Learnings\n- case does not matter\n")},
			want:     []item{{"Learnings", "case does not matter", "Alice"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url, items := readRetro(p, m, time.UTC, bot, tc.comments)
			var got []item
			for _, it := range items {
				got = append(got, item{it.Section.String(), it.Text, it.Author})
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("items:\n got %v\nwant %v", got, tc.want)
			}
			if len(tc.want) > 0 && !strings.HasPrefix(url, "https://github.com/o/r/issues/1") {
				t.Errorf("tracking issue URL = %q, want the issue of the comments", url)
			}
			for _, it := range items {
				if !strings.Contains(it.URL, "#issuecomment-") {
					t.Errorf("item %q links %q, want its comment", it.Text, it.URL)
				}
			}
			if tc.wantEdited && (len(items) == 0 || !items[0].Edited) {
				t.Errorf("want the items marked edited")
			}
		})
	}
}

func TestCollectDueUntil(t *testing.T) {
	p := policy.Default()
	p.Mentees = []policy.Mentee{{Login: "alice", End: policy.Date{Year: 2026, Month: time.November, Day: 24}}}
	// The term is over at 2026-11-25 00:00; collect_after 168h starts the
	// roll-up on 2026-12-02; collect_until 4 weeks ends it on 2026-12-30.
	for _, tc := range []struct {
		now   time.Time
		until time.Duration
		want  bool
	}{
		{time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC), 0, false},
		{time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), 4 * 7 * 24 * time.Hour, true},
		{time.Date(2026, 12, 29, 23, 0, 0, 0, time.UTC), 4 * 7 * 24 * time.Hour, true},
		{time.Date(2026, 12, 30, 0, 0, 0, 0, time.UTC), 4 * 7 * 24 * time.Hour, false},
		{time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), 0, true}, // 0: no limit
	} {
		p.Retrospective.CollectUntil = policy.Duration(tc.until)
		if got := CollectDue(p, tc.now, time.UTC); got != tc.want {
			t.Errorf("CollectDue(%s, until %s) = %v, want %v", tc.now, tc.until, got, tc.want)
		}
	}
}
